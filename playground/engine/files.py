"""Safe file helpers: atomic text writes and JSON reads with one-line refusals."""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from pathlib import Path
from typing import NoReturn


class FileFormatError(ValueError):
    """A file could not be read or is not what it should be; the message is one line."""


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` (UTF-8) to `path` so that readers see either the old file or the new one.

    The text goes to a temporary file in the same directory, is flushed to disk, and is then
    renamed over `path`. On any failure the temporary file is removed and the old file is kept.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    tmp = tempfile.NamedTemporaryFile(
        mode="w",
        encoding="utf-8",
        newline="",
        dir=directory,
        prefix=f".{target.name}.",
        suffix=".tmp",
        delete=False,
    )
    try:
        with tmp:
            os.chmod(tmp.name, _mode_for(target))
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)
    except BaseException:
        _remove_quietly(tmp.name)
        raise


def _mode_for(target: Path) -> int:
    # NamedTemporaryFile creates 0600; keep the mode of the file being replaced, else 0644.
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o644


def _remove_quietly(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


def _refuse_constant(name: str) -> NoReturn:
    # json accepts NaN, Infinity and -Infinity by default; they are not JSON.
    raise ValueError(f"{name} is not valid JSON")


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is too large")
    return value


def read_text(path: str | os.PathLike[str], what: str) -> str:
    """Read a UTF-8 text file (a byte-order mark is allowed); `what` names it in messages.

    Raises FileFormatError with one line for a missing, unreadable or non-UTF-8 file.
    """
    prefix = f"cannot read {what} '{os.fspath(path)}'"
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise FileFormatError(f"{prefix}: no such file") from None
    except IsADirectoryError:
        raise FileFormatError(f"{prefix}: it is a directory, not a file") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise FileFormatError(f"{prefix}: {reason}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{prefix}: not UTF-8 text (bad byte at offset {exc.start})") from None


def read_json(path: str | os.PathLike[str], what: str) -> object:
    """Read and parse a UTF-8 JSON file; `what` names it in messages (e.g. "experiment").

    Raises FileFormatError with one line for a missing, unreadable, non-UTF-8 or invalid file.
    """
    prefix = f"cannot read {what} '{os.fspath(path)}'"
    text = read_text(path, what)
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_parse_float)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"{prefix}: invalid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})"
        ) from None
    except ValueError as exc:
        raise FileFormatError(f"{prefix}: invalid JSON ({exc})") from None
    except RecursionError:
        raise FileFormatError(f"{prefix}: invalid JSON (nested too deeply)") from None

