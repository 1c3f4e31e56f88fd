"""Where the stylesheet, the window icon, the example experiments and the lessons are.

They live in the repository's top-level `resources/` folder, which pyproject.toml installs as the
package `playground_resources` and build.spec copies into the executable, so `importlib.resources`
finds them the same way in a checkout installed with `pip install -e .`, after `pip install .`, and
in the PyInstaller build. Qt-free.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = "playground_resources"


def resource_folder() -> Path:
    """The installed resources folder, as a path on disk (Qt opens files by name)."""
    folder = files(PACKAGE)
    if not isinstance(folder, Path):  # e.g. a zipped install, or a stray namespace package
        raise RuntimeError(f"the resources package {PACKAGE!r} is not a folder on disk ({folder!r}); reinstall the app")
    return folder


def stylesheet() -> str:
    """The application's Qt stylesheet (style.qss)."""
    return (resource_folder() / "style.qss").read_text(encoding="utf-8")


def icon_path() -> Path:
    """The window icon (icon.png)."""
    return resource_folder() / "icon.png"


def examples_folder() -> Path:
    """The folder of the example experiments."""
    return resource_folder() / "examples"


def example_paths() -> list[Path]:
    """The example experiments (examples/*.json), sorted by file name."""
    return sorted(examples_folder().glob("*.json"))


def lessons_folder() -> Path:
    """The folder of the lessons: experiment files with a description, made by tools/make_lessons.py."""
    return resource_folder() / "lessons"


def lesson_paths() -> list[Path]:
    """The lessons (lessons/*.json), in the order of their file names (which start with a number)."""
    return sorted(lessons_folder().glob("*.json"))


def lesson_title(path: str | Path) -> str:
    """A lesson's title from its file name: '03-L1-kills-weights.json' → 'L1 kills weights' (the
    leading number goes, dashes and underscores become spaces, only the first letter is raised)."""
    words = Path(path).stem.replace("_", "-").split("-")
    if len(words) > 1 and words[0].isdigit():
        words = words[1:]
    title = " ".join(word for word in words if word)
    return title[:1].upper() + title[1:]
