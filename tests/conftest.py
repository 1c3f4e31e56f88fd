"""Test-wide settings: Qt renders offscreen, so the suite runs on machines with no display; the
window's remembered settings live in a throwaway folder, never in the user's own; and garbage is
collected on the GUI thread only, as in the app (playground/ui/gui_gc.py), whatever test runs first."""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SETTINGS_DIR = tempfile.TemporaryDirectory(prefix="playground-test-settings-")
os.environ["PLAYGROUND_SETTINGS_DIR"] = _SETTINGS_DIR.name


@pytest.fixture(autouse=True, scope="session")
def collect_garbage_on_the_gui_thread(qapp):
    from playground.ui.gui_gc import collect_on_gui_thread

    collect_on_gui_thread(qapp)


@pytest.fixture
def settings_dir(tmp_path, monkeypatch):
    """A fresh, empty settings folder for one test."""
    folder = tmp_path / "settings"
    folder.mkdir()
    monkeypatch.setenv("PLAYGROUND_SETTINGS_DIR", str(folder))
    return folder


@pytest.fixture
def numpy_engine(monkeypatch):
    """Train with the NumPy engine (the reference) even where the compiled kernel is built: for
    white-box tests that watch the NumPy code's steps."""
    from playground.engine import compiled

    monkeypatch.setattr(compiled, "LIBRARY", None)
