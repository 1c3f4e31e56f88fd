"""Layering: the engine and the headless trainer never import Qt (PySide6, pyqtgraph, shiboken6)."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import playground

PACKAGE = Path(playground.__file__).resolve().parent
ENGINE = PACKAGE / "engine"
REPO = PACKAGE.parent
GUI_PACKAGES = ("PySide6", "pyqtgraph", "shiboken6")


def run_python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def gui_imports(path: Path) -> list[str]:
    """Every import of a GUI package in the file, anywhere (also inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{path.name}:{node.lineno} {name}" for name in names if name.split(".")[0] in GUI_PACKAGES]
        # The window's own packages import Qt, so the engine must not reach them either.
        found += [f"{path.name}:{node.lineno} {name}" for name in names
                  if name.startswith(("playground.ui", "playground.worker", "playground.app_command"))]
        if isinstance(node, ast.ImportFrom) and node.level > 1:  # from .. import: out of the engine
            found.append(f"{path.name}:{node.lineno} relative import leaving the engine")
    return found


ENGINE_FILES = sorted(ENGINE.rglob("*.py"))


def test_engine_has_modules_to_check() -> None:
    names = {p.stem for p in ENGINE_FILES}
    assert {"experiment", "trainer", "grid", "trace", "config", "data"} <= names


@pytest.mark.parametrize("path", ENGINE_FILES, ids=[p.name for p in ENGINE_FILES])
def test_engine_module_does_not_import_gui_statically(path: Path) -> None:
    assert gui_imports(path) == []


def test_the_static_check_would_see_a_gui_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\ndef f():\n    from PySide6.QtCore import Qt\nimport pyqtgraph as pg\n"
        "import shiboken6\nfrom playground.ui import app\nimport numpy\n"
    )
    assert len(gui_imports(sample)) == 4


def test_importing_every_engine_module_loads_no_gui() -> None:
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import playground.engine as engine
        names = [m.name for m in pkgutil.walk_packages(engine.__path__, "playground.engine.")]
        assert len(names) >= 10, names
        for name in names:
            importlib.import_module(name)
        loaded = [m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6")]
        assert not loaded, loaded
        assert 'PySide6' not in sys.modules
        print(len(names))
        """
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 10


def test_headless_trainer_modules_load_no_gui() -> None:
    code = (
        "import playground.train_command, playground.cli, playground.cli_errors, sys; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]; "
        "assert not bad, bad"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr


CONSOLE_SCRIPT = Path(sys.executable).parent / "playground"
HELP_COMMANDS = {
    "module": ["-m", "playground.cli"],
    "console script": [str(CONSOLE_SCRIPT)],
}


@pytest.mark.parametrize("command", HELP_COMMANDS.values(), ids=HELP_COMMANDS.keys())
def test_train_help_does_not_import_pyside6(command: list[str]) -> None:
    if not Path(command[0]).exists() and command[0] != "-m":
        pytest.skip("the console script is not installed next to this interpreter")
    result = run_python("-X", "importtime", *command, "train", "--help")
    assert result.returncode == 0, result.stderr
    assert "playground train" in result.stdout
    assert "--epochs" in result.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")]
    assert "playground.train_command" in imported  # importtime really reported the imports
    assert not [m for m in imported if m.split(".")[0] in GUI_PACKAGES]


def test_train_run_does_not_import_pyside6(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        from playground.cli import main
        code = main(["train", "--epochs", "3", "--quiet", "--out", {str(tmp_path / "e.json")!r}])
        assert code == 0, code
        bad = [m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6")]
        assert not bad, bad
        """
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "e.json").exists()
