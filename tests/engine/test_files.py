from __future__ import annotations

import os
from pathlib import Path

import pytest

from playground.engine import files
from playground.engine.files import (
    MAX_TEXT_BYTES,
    FileFormatError,
    atomic_write_bytes,
    atomic_write_text,
    read_json,
    read_text,
    temp_files_of,
)


def _leftovers(directory: Path, keep: str) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != keep)


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second ü\n")
    assert target.read_text(encoding="utf-8") == "second ü\n"
    assert _leftovers(tmp_path, "a.json") == []


def test_atomic_write_accepts_str_path(tmp_path: Path) -> None:
    target = tmp_path / "s.txt"
    atomic_write_text(str(target), "x")
    assert target.read_text() == "x"


def test_atomic_write_keeps_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "m.txt"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write_text(target, "new")
    assert target.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "fresh.txt"
    atomic_write_text(fresh, "new")
    assert fresh.stat().st_mode & 0o777 == 0o644


def test_failed_replace_keeps_old_file_and_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keep.json"
    target.write_text("old contents")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk on fire"):
        atomic_write_text(target, "new contents")
    assert target.read_text() == "old contents"
    assert _leftovers(tmp_path, "keep.json") == []


def test_failed_write_keeps_old_file_and_removes_temp(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "bad \ud800 surrogate")
    assert target.read_text() == "old"
    assert _leftovers(tmp_path, "keep.txt") == []


def test_interrupt_during_the_write_keeps_old_file_and_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keep.json"
    target.write_text("old")

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert _leftovers(tmp_path, "keep.json") == []


def test_atomic_write_bytes(tmp_path: Path) -> None:
    target = tmp_path / "image.png"
    atomic_write_bytes(target, b"\x89PNG\r\n\x00\xff")
    assert target.read_bytes() == b"\x89PNG\r\n\x00\xff"
    assert _leftovers(tmp_path, "image.png") == []


def test_the_temp_file_is_named_after_the_target_and_synced_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "exp.json"
    events: list[tuple[str, object]] = []
    real_fsync, real_replace = files.os.fsync, files.os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", "folder" if os.path.isdir(f"/proc/self/fd/{fd}") else "file"))
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append(("replace", Path(src).name))
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files.os, "replace", replace)
    atomic_write_text(target, "new")
    assert [kind for kind, _ in events] == ["fsync", "replace", "fsync"]
    temp_name = events[1][1]
    assert temp_name.startswith(".exp.json.") and temp_name.endswith(".tmp")
    if Path("/proc/self/fd").is_dir():  # Linux: which of the two was synced is visible
        assert events[0][1] == "file" and events[2][1] == "folder"


def test_a_killed_writers_temp_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "exp.json"
    stale = tmp_path / ".exp.json.4242-0123abcd.tmp"  # as a SIGKILLed writer leaves it
    stale.write_text("half a fi")
    unrelated = [tmp_path / ".exp.json.bak", tmp_path / ".other.json.4242-0123abcd.tmp", tmp_path / "exp.json.tmp"]
    for path in unrelated:
        path.write_text("keep")
    assert temp_files_of(target) == [stale]
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert not stale.exists()
    assert all(path.read_text() == "keep" for path in unrelated)


@pytest.mark.skipif(files.fcntl is None, reason="file locks are POSIX")
def test_a_temp_file_being_written_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "exp.json"
    busy = tmp_path / ".exp.json.4242-0123abcd.tmp"
    busy.write_text("being written")
    with busy.open("rb") as held:
        files.fcntl.flock(held.fileno(), files.fcntl.LOCK_EX)  # as a live writer holds its own
        atomic_write_text(target, "new")
        assert busy.exists()
    atomic_write_text(target, "newer")  # no longer held: a killed writer's
    assert not busy.exists()
    assert _leftovers(tmp_path, "exp.json") == []


def test_a_long_file_name_gets_a_short_temp_name(tmp_path: Path) -> None:
    target = tmp_path / ("x" * 240 + ".json")
    atomic_write_text(target, "long")
    atomic_write_text(target, "longer")
    assert target.read_text() == "longer"
    assert _leftovers(tmp_path, target.name) == []


def test_read_json_ok(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_text('{"a": [1, 2.5, "x"], "b": null}', encoding="utf-8")
    assert read_json(path, "experiment") == {"a": [1, 2.5, "x"], "b": None}


def test_read_json_accepts_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf[1]")
    assert read_json(path, "experiment") == [1]


def _error(path: Path) -> str:
    with pytest.raises(FileFormatError) as info:
        read_json(path, "experiment")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"cannot read experiment '{path}': ")
    return message


def test_missing_file(tmp_path: Path) -> None:
    assert _error(tmp_path / "nope.json").endswith("no such file")


def test_directory_is_refused(tmp_path: Path) -> None:
    assert "directory" in _error(tmp_path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.json"
    path.write_text("{}")

    def denied(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)
    assert _error(path).endswith(": Permission denied")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"name": "caf\xe9"}')
    assert "not UTF-8 text (bad byte at offset 13)" in _error(path)


def test_invalid_json_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{\n  "a": 1,\n  "b": 2\n    "c": 3\n}')
    assert _error(path) == (
        f"cannot read experiment '{path}': invalid JSON at line 4, column 5 "
        "(Expecting ',' delimiter)"
    )


def test_truncated_json(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{"a": [1, 2')
    assert "invalid JSON at line 1, column 12" in _error(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("")
    assert "invalid JSON at line 1, column 1" in _error(path)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_refused(tmp_path: Path, literal: str) -> None:
    path = tmp_path / "nan.json"
    path.write_text(f'{{"noise": {literal}}}')
    message = _error(path)
    assert "invalid JSON" in message and literal in message


def test_overflowing_number_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text('{"noise": 1e999}')
    assert "invalid JSON (number 1e999 is too large)" in _error(path)


# ----- the size limit: checked before reading

def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:
        stream.truncate(150_000_000)  # sparse: 150 MB that take no disk
    assert MAX_TEXT_BYTES == 100_000_000
    with pytest.raises(FileFormatError) as info:
        read_text(path, "points file")
    assert str(info.value) == f"cannot read points file '{path}': the file is 150 MB; allowed: at most 100 MB"


def test_a_file_at_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_TEXT_BYTES", 10)
    path = tmp_path / "ten.txt"
    path.write_bytes(b"0123456789")
    assert read_text(path, "config") == "0123456789"
    path.write_bytes(b"0123456789\n")
    with pytest.raises(FileFormatError, match=r": the file is 11 bytes; allowed: at most 10 bytes$"):
        read_json(path, "config")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_stream_is_cut_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_TEXT_BYTES", 1000)
    with pytest.raises(FileFormatError, match=r": the file is more than 1,000 bytes; allowed: at most 1,000 bytes$"):
        read_text("/dev/zero", "config")


def test_size_text() -> None:
    assert files.size_text(999_999) == "999,999 bytes"
    assert files.size_text(100_000_000) == "100 MB"
    assert files.size_text(312_449_000) == "312.4 MB"
