from __future__ import annotations

from pathlib import Path

import pytest

from playground.engine import files
from playground.engine.files import FileFormatError, atomic_write_text, read_json


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

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
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
