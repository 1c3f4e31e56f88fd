"""The files named on the command line, checked before any work starts: where output goes, and
whether a JSON file given to --config or --from is the kind of file that option takes."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from playground.cli_errors import UsageError
from playground.engine.config import CONFIG_KEYS, Config, ConfigError
from playground.engine.experiment import FORMAT as EXPERIMENT_FORMAT
from playground.engine.experiment import ExperimentError, load_experiment
from playground.engine.files import FileFormatError, read_json
from playground.engine.trainer import Trainer

ALLOWED_OUTPUT = "allowed: a file path in an existing folder you can write to"


def check_output_path(path: str, what: str) -> None:
    """Raise UsageError, before anything is computed, if `what` cannot be written to `path`:
    its folder is missing, not a folder or not writable, or the path is a folder or a device."""
    reason = _unwritable_reason(path)
    if reason:
        raise UsageError(f"cannot write {what} '{path}': {reason}; {ALLOWED_OUTPUT}")


def _unwritable_reason(path: str) -> str | None:
    target = Path(path)
    if not path or path.endswith(("/", os.sep)) or target.name in ("", ".", ".."):
        return f"{os.strerror(errno.EISDIR)} (the path names a folder, not a file)"
    try:
        found = _stat_or_none(target)
    except OSError as exc:  # a name too long, a loop of links, ...
        return exc.strerror or str(exc)
    if found is not None and stat.S_ISDIR(found.st_mode):
        return f"{os.strerror(errno.EISDIR)} (a folder of that name exists)"
    if found is not None and not stat.S_ISREG(found.st_mode):
        return "not a regular file (a device, a pipe or a socket of that name exists)"
    folder = target.parent
    shown = os.fspath(folder)
    if not folder.exists():
        return f"{os.strerror(errno.ENOENT)} (the folder '{shown}' does not exist)"
    if not folder.is_dir():
        return f"{os.strerror(errno.ENOTDIR)} ('{shown}' is a file, not a folder)"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{os.strerror(errno.EACCES)} (cannot create files in the folder '{shown}')"
    return None


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:  # a part of the folder path is a file: reported below
        return None


def json_file_kind(path: str) -> str | None:
    """'experiment' or 'config' by the JSON's shape; None if it is neither (or unreadable)."""
    try:
        document = read_json(path, "file")
    except FileFormatError:
        return None
    if not isinstance(document, dict) or not document:
        return None
    if document.get("format") == EXPERIMENT_FORMAT:  # what marks an experiment; a config is flat
        return "experiment"
    flat = all(not isinstance(v, dict) for v in document.values())
    if flat and all(isinstance(k, str) and k in CONFIG_KEYS for k in document):
        return "config"
    return None


def _refuse_wrong_kind(path: str, option: str, expected: str) -> None:
    kind = json_file_kind(path)
    if kind is not None and kind != expected:
        other = "--from" if kind == "experiment" else "--config"
        raise UsageError(f"{option} '{path}' looks like {_article(kind)} {kind}, not {_article(expected)} "
                         f"{expected} (use {other})")


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def load_config_option(path: str) -> Config:
    """The config of --config; an experiment file given there is named as such."""
    try:
        return Config.load(path)
    except ConfigError:
        _refuse_wrong_kind(path, "--config", "config")
        raise


def load_experiment_option(path: str) -> Trainer:
    """The experiment of --from; a config file given there is named as such."""
    try:
        return load_experiment(path)
    except ExperimentError:
        _refuse_wrong_kind(path, "--from", "experiment")
        raise


def check_start_options(epochs: int, config: str | None, source: str | None) -> None:
    """The checks `playground` and `playground train` share: UsageError on a bad combination."""
    if epochs < 0:
        raise UsageError(f"--epochs {epochs} is negative; allowed: an integer ≥ 0")
    if config and source:
        raise UsageError("--config and --from cannot be used together; --from already holds a config")
