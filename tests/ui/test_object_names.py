"""The README's list of objectNames is true, and every control has a name and a tooltip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractButton, QComboBox, QSlider, QSpinBox, QWidget

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.trainer import Trainer
from playground.ui.app import make_application
from playground.ui.main_window import MainWindow
from playground.worker.controller import TrainingController

README = Path(__file__).resolve().parents[2] / "README.md"
CREATED_ON_DEMAND = {"parameter_editor", "error_dialog"}  # exist while editing / showing an error
COMPARING = "compare_"  # the comparison's names exist while comparing (tests/ui/test_compare_view.py), but compare_button
CONTROL_TYPES = (QAbstractButton, QComboBox, QSlider, QSpinBox)


def readme_names() -> list[str]:
    table = README.read_text(encoding="utf-8").split("## Widget object names", 1)[1]
    names = re.findall(r"`([a-z_<>]+)`", table)
    return [name.replace("<k>", "0").replace("<name>", "aim") for name in names if name not in ("<k>", "<name>")]


@pytest.fixture
def window(qtbot):
    make_application()
    window = MainWindow(TrainingController(Trainer(Config(), make_data(Config()))))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.snapshot is not None, timeout=20_000)
    yield window
    window.close()


def test_every_name_in_the_readme_exists(window):
    names = readme_names()
    assert len(names) > 30
    assert window.findChild(QObject, "inspector_panel") is None  # built when first wanted: a faster start
    window.run_view.inspector  # noqa: B018 (building it)
    for name in names:
        if name not in CREATED_ON_DEMAND and (not name.startswith(COMPARING) or name == "compare_button"):
            assert window.findChild(QObject, name) is not None, name


@pytest.mark.parametrize("inspecting", [False, True])
def test_every_control_has_a_name_and_a_tooltip(window, qtbot, inspecting):
    if inspecting:  # the inspector's controls, the cards and the slope and check tools show
        inspector = window.run_view.inspector
        inspector.open()
        qtbot.waitUntil(lambda: inspector.shot is not None, timeout=20_000)
        inspector.select(("edge", 0, 0, 0))
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, CONTROL_TYPES) or not widget.isVisibleTo(window):
            continue
        if widget.objectName().startswith("qt_") or widget.parent().objectName().startswith("qt_"):
            continue  # Qt's own parts (a spin box's arrows, a scroll bar's buttons)
        assert widget.objectName(), f"a {type(widget).__name__} has no objectName"
        assert widget.toolTip(), f"{widget.objectName()} has no tooltip"
