"""Safe file helpers: atomic writes, and text/JSON reads with one-line refusals and a size limit."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import secrets
import stat
import time
from pathlib import Path
from typing import NoReturn

try:
    import fcntl
except ImportError:  # Windows: stale temporary files are recognised by their age instead
    fcntl = None  # type: ignore[assignment]

# The largest text file read (a points CSV, a config, an experiment). Parsing holds about nine
# times the file's size in memory, measured: an experiment of 1,000,000 points is 44.5 MB, peaks
# at 436 MB and loads in 4.5 s; a CSV of the same points is 42.5 MB, takes 365 MB and 6.7 s; one
# epoch over them takes about 1.2 s. At 100 MB (about 2.4 million points, about 1 GB while parsing,
# several seconds an epoch) the app still holds and trains the data; beyond it, it cannot be used.
MAX_TEXT_BYTES = 100_000_000

# Temporary files are named after their target: ".F.<pid>-<8 hex>.tmp" beside F, so that the next
# write to F finds (and removes) any that a killed writer left behind.
TEMP_SUFFIX = ".tmp"
_TEMP_TAIL = re.compile(r"\d+-[0-9a-f]{8}" + re.escape(TEMP_SUFFIX))
_LONG_NAME_CHARS = 50  # a longer target name is cut and hashed, so the temporary name fits in 255 bytes
STALE_TEMP_AGE_S = 24 * 3600  # without file locks (Windows), a temporary file older than this is stale


class FileFormatError(ValueError):
    """A file could not be read or is not what it should be; the message is one line."""


# ----- writing ------------------------------------------------------------------------
def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` (UTF-8, newlines as given) to `path` atomically; see atomic_write_bytes."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` so that `path` always holds either the old file or the new one.

    The bytes go to a temporary file beside `path`, which is fsynced and renamed over `path`;
    then the folder is fsynced so the rename itself is on disk. A process killed at any moment
    leaves `path` whole; the temporary file it may leave is removed by the next write to `path`.
    On an exception the temporary file is removed and the old file kept.
    """
    target = Path(path)
    directory = target.parent
    prefix = _temp_prefix(target.name)
    _remove_stale_temps(directory, prefix)
    tmp = directory / f"{prefix}{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"
    mode = _mode_for(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)  # "being written": the stale sweep leaves it alone
        os.chmod(tmp, mode)
        _write_all(fd, data)
        os.fsync(fd)
        if os.name == "nt":  # Windows cannot rename a file that is open
            os.close(fd)
            fd = -1
        os.replace(tmp, target)  # the lock stays held until now
    except BaseException:
        _remove_quietly(tmp)
        raise
    finally:
        if fd >= 0:
            os.close(fd)
    _fsync_directory(directory)


def _temp_prefix(name: str) -> str:
    if len(name) <= _LONG_NAME_CHARS:
        return f".{name}."
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    return f".{name[:_LONG_NAME_CHARS]}~{digest}."


def temp_files_of(path: str | os.PathLike[str]) -> list[Path]:
    """The temporary files of writes to `path` that exist now (in progress or left by a kill)."""
    target = Path(path)
    return _temp_files(target.parent, _temp_prefix(target.name))


def _temp_files(directory: Path, prefix: str) -> list[Path]:
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return [directory / n for n in sorted(names) if n.startswith(prefix) and _TEMP_TAIL.fullmatch(n[len(prefix):])]


def _remove_stale_temps(directory: Path, prefix: str) -> None:
    """Remove temporary files of this target that no writer holds (a killed writer's)."""
    for tmp in _temp_files(directory, prefix):
        _remove_if_stale(tmp)


def _remove_if_stale(tmp: Path) -> None:
    if fcntl is None:
        try:
            if time.time() - tmp.stat().st_mtime > STALE_TEMP_AGE_S:
                tmp.unlink()
        except OSError:
            pass
        return
    try:
        fd = os.open(tmp, os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while a live writer holds it
        os.unlink(tmp)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _fsync_directory(directory: Path) -> None:
    if os.name == "nt":  # a folder cannot be opened as a file there; NTFS journals the rename
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a folder; the file itself is already on disk
    finally:
        os.close(fd)


def _mode_for(target: Path) -> int:
    # The temporary file is created 0600; keep the mode of the file being replaced, else 0644.
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o644


def _remove_quietly(name: str | os.PathLike[str]) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


# ----- reading ------------------------------------------------------------------------
def _refuse_constant(name: str) -> NoReturn:
    # json accepts NaN, Infinity and -Infinity by default; they are not JSON.
    raise ValueError(f"{name} is not valid JSON")


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is too large")
    return value


def size_text(n_bytes: int) -> str:
    """'312.4 MB', '100 MB', '2,048 bytes': a file size in a message."""
    if n_bytes < 1_000_000:
        return f"{n_bytes:,} bytes"
    return f"{n_bytes / 1e6:.1f} MB".replace(".0 MB", " MB")


def read_text(path: str | os.PathLike[str], what: str) -> str:
    """Read a UTF-8 text file (a byte-order mark is allowed); `what` names it in messages.

    Raises FileFormatError with one line for a missing, unreadable, too large (over
    MAX_TEXT_BYTES, checked before reading) or non-UTF-8 file.
    """
    prefix = f"cannot read {what} '{os.fspath(path)}'"
    limit = MAX_TEXT_BYTES
    too_large = f"{prefix}: the file is {{}}; allowed: at most {size_text(limit)}"
    try:
        with Path(path).open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > limit:
                raise FileFormatError(too_large.format(size_text(size)))
            raw = stream.read(limit + 1)  # bounded even where the size is unknown (a pipe)
    except FileNotFoundError:
        raise FileFormatError(f"{prefix}: no such file") from None
    except IsADirectoryError:
        raise FileFormatError(f"{prefix}: it is a directory, not a file") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise FileFormatError(f"{prefix}: {reason}") from None
    if len(raw) > limit:
        raise FileFormatError(too_large.format(f"more than {size_text(limit)}"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{prefix}: not UTF-8 text (bad byte at offset {exc.start})") from None


def read_json(path: str | os.PathLike[str], what: str) -> object:
    """Read and parse a UTF-8 JSON file; `what` names it in messages (e.g. "experiment").

    Raises FileFormatError with one line for a missing, unreadable, too large, non-UTF-8 or
    invalid file.
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
