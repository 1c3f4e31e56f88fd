"""The stylesheet, icon, example experiments and lessons are found through the installed package, and
pyproject.toml installs every package and every resource file (a plain `pip install .` copies only
what it lists)."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from playground.engine.experiment import load_experiment, read_description
from playground.resource_files import (
    PACKAGE,
    example_paths,
    icon_path,
    lesson_paths,
    lesson_title,
    lessons_folder,
    resource_folder,
    stylesheet,
)

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_the_stylesheet_is_found() -> None:
    text = stylesheet()
    assert "{" in text and "}" in text


def test_the_icon_is_found() -> None:
    assert icon_path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_example_experiments_are_found() -> None:
    paths = example_paths()
    assert len(paths) >= 4 and paths == sorted(paths)
    for path in paths:
        load_experiment(path)  # each one opens (File > Open example lists them)


def test_the_lessons_are_found_in_order_and_each_has_a_description() -> None:
    paths = lesson_paths()
    assert len(paths) >= 6 and paths == sorted(paths) and all(p.parent == lessons_folder() for p in paths)
    assert {p.name for p in paths} == {p.name for p in (ROOT / "resources" / "lessons").glob("*.json")}
    for path in paths:
        load_experiment(path)  # each one opens (the Lessons menu lists them)
        assert read_description(path)


def test_a_lessons_title_is_its_file_name_without_the_number() -> None:
    assert lesson_title("03-L1-kills-weights.json") == "L1 kills weights"
    assert lesson_title(Path("/x/01-a-linear-model-cannot-do-XOR.json")) == "A linear model cannot do XOR"
    assert lesson_title("my_own_lesson.json") == "My own lesson"
    assert lesson_title("2024-notes.json") == "Notes" and lesson_title("42.json") == "42"


def test_resources_are_the_top_level_folder_when_run_from_a_checkout() -> None:
    # An editable install maps the package onto <repo>/resources; an installed copy lives elsewhere.
    assert (ROOT / "resources" / "style.qss").is_file() and not (ROOT / "playground" / "resources").exists()
    assert {p.name for p in example_paths()} == {p.name for p in (ROOT / "resources" / "examples").glob("*.json")}
    assert resource_folder().name in ("resources", PACKAGE)


def test_pyproject_lists_every_package() -> None:
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "playground").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    missing = found - set(PYPROJECT["packages"])
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"
    assert PYPROJECT["package-dir"][PACKAGE] == "resources" and PACKAGE in PYPROJECT["packages"]


def test_pyproject_installs_every_resource_file() -> None:
    patterns = PYPROJECT["package-data"]
    folder = ROOT / "resources"
    missed = []
    for path in folder.rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc"):
            continue
        relative = path.parent.relative_to(folder)
        package = ".".join((PACKAGE, *relative.parts))
        if package not in PYPROJECT["packages"] or not any(
            fnmatch.fnmatch(path.name, pattern) for pattern in patterns.get(package, [])
        ):
            missed.append(path.relative_to(ROOT).as_posix())
    assert not missed, f"pyproject.toml's [tool.setuptools] packages/package-data leave out {missed}"
