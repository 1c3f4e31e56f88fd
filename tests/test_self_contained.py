"""The repository stands alone: a fresh clone, with nothing beside it, runs its tests and builds.

No tracked file other than Markdown documentation may point outside the repository: not to a
sibling folder of notes or reference data, nor to design notes kept elsewhere. Data the tests need
lives in tests/data/; facts a comment relies on are stated in the comment.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Spelled in pieces so that this file does not match itself.
OUTSIDE_REFERENCES = ("../" + "shared", "/work/" + "shared", "DESIGN" + ".md", "ANCHOR" + ".md")
NOT_SOURCES = {".git", ".venv", "venv", "build", "dist", "__pycache__", ".pytest_cache", ".ruff_cache"}


def repository_files() -> list[Path]:
    """The tracked files (`git ls-files`) in a git checkout; otherwise every file but build output."""
    if (ROOT / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout.decode("utf-8")
        return [ROOT / name for name in listed.split("\0") if name]
    files = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in NOT_SOURCES and not d.endswith(".egg-info")]
        files.extend(Path(folder) / name for name in names)
    return files


def test_the_file_list_covers_the_repository() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in repository_files()}
    assert {"pyproject.toml", "build.spec", ".ci/run", "tests/test_self_contained.py"} <= names


def test_no_file_refers_outside_the_repository() -> None:
    offenders = []
    for path in repository_files():
        if path.suffix == ".md" or not path.is_file():  # docs may say where a fact came from
            continue
        text = path.read_bytes()
        for reference in OUTSIDE_REFERENCES:
            if reference.encode() in text:
                offenders.append(f"{path.relative_to(ROOT).as_posix()}: {reference}")
    assert not offenders, (
        "these files refer to something outside the repository (copy the data into tests/data/, "
        "or state the fact itself):\n" + "\n".join(offenders)
    )
