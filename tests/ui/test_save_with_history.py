"""File › Save experiment with history: the file opens with its past, which the slider scrubs."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QFileDialog

from playground.engine.config import Config
from playground.engine.experiment import load_experiment, read_experiment_document
from playground.ui.main_window import MainWindow
from playground.worker.controller import TrainingController
from tests.ui.conftest import WAIT_MS
from tests.ui.test_history_bar import scrub_to, trained


def menu_action(window, text: str):
    file_menu = window.menuBar().actions()[0].menu()
    return next(a for a in file_menu.actions() if a.text() == text)


def test_saved_history_opens_and_scrubs(open_window, qtbot, tmp_path, monkeypatch):
    window = open_window(Config(dataset="spiral", hidden=(6,)))
    last = trained(window, qtbot, 300)
    kept = window.controller.snapshot.checkpoint_epochs.copy()
    path = tmp_path / "with-history.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))
    with qtbot.waitSignal(window.controller.saved, timeout=WAIT_MS):
        menu_action(window, "Save experiment with &history…").trigger()
    document = read_experiment_document(path)
    assert [c.epoch for c in document.checkpoints] == [int(e) for e in kept if e < last]
    # Plain Save writes none.
    plain = tmp_path / "plain.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(plain), ""))
    with qtbot.waitSignal(window.controller.saved, timeout=WAIT_MS):
        menu_action(window, "&Save experiment…").trigger()
    assert read_experiment_document(plain).checkpoints == ()
    # Opened as `playground --from` opens it: the slider reaches back to epoch 0.
    reopened = MainWindow(TrainingController(load_experiment(path)))
    qtbot.addWidget(reopened)
    reopened.show()
    qtbot.waitUntil(lambda: reopened.controller.snapshot is not None, timeout=WAIT_MS)
    try:
        np.testing.assert_array_equal(reopened.controller.snapshot.checkpoint_epochs, kept)
        scrub_to(reopened, qtbot, 25)
        for drawn, saved in zip(reopened.controller.snapshot.weights, window_weights_at(window, qtbot, 25)):
            np.testing.assert_array_equal(drawn, saved)
    finally:
        reopened.close()
    # And through File › Open in a running window.
    window.controller.reset()
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == 0, timeout=WAIT_MS)
    window.controller.load_experiment(str(path))
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == last, timeout=WAIT_MS)
    np.testing.assert_array_equal(window.controller.snapshot.checkpoint_epochs, kept)


def window_weights_at(window, qtbot, epoch: int):
    scrub_to(window, qtbot, epoch)
    weights = window.controller.snapshot.weights
    window.controller.show_checkpoint(None)
    qtbot.waitUntil(lambda: not window.controller.snapshot.scrubbed, timeout=WAIT_MS)
    return weights
