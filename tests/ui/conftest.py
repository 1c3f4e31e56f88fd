"""Fixtures for the window tests."""

from __future__ import annotations

import pytest

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.trainer import Trainer
from playground.ui.app import make_application
from playground.ui.main_window import MainWindow
from playground.ui.network_view import NetworkView
from playground.ui.output_panel import OutputPanel
from playground.worker.controller import TrainingController

WAIT_MS = 20_000


@pytest.fixture
def open_window(qtbot):
    windows = []

    def open_(config: Config | None = None) -> MainWindow:
        make_application()
        config = config or Config()
        window = MainWindow(TrainingController(Trainer(config, make_data(config))))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.controller.snapshot is not None, timeout=WAIT_MS)
        windows.append(window)
        return window

    yield open_
    for window in windows:
        window.close()
        assert not window.controller.thread_running


def shown_network_view(qtbot) -> NetworkView:
    """A network view on its own, shown at about the window's size for it."""
    view = NetworkView(max_layers=6, max_neurons=8)
    qtbot.addWidget(view)
    view.resize(650, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def panel(qtbot) -> OutputPanel:
    """An output panel on its own, about as wide as the window gives it."""
    widget = OutputPanel()
    qtbot.addWidget(widget)
    widget.resize(420, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
