"""Scrub and branch in the window: the history slider shows a kept checkpoint, the loss chart
marks it, Continue and Play branch from it, Undo brings the run back."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSlider

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.trainer import Trainer
from tests.ui.conftest import WAIT_MS


def trained(window, qtbot, epochs: int) -> int:
    c = window.controller
    c.play()
    qtbot.waitUntil(lambda: c.snapshot.epoch >= epochs, timeout=WAIT_MS)
    c.pause()
    qtbot.waitUntil(lambda: not c.snapshot.running, timeout=WAIT_MS)
    return c.snapshot.epoch


def widgets(window):
    return (
        window.findChild(QSlider, "history_slider"), window.findChild(QPushButton, "branch_button"),
        window.findChild(QPushButton, "undo_branch_button"), window.findChild(QLabel, "history_label"),
    )


def scrub_to(window, qtbot, epoch: int) -> None:
    """Drag the slider to the position of ``epoch`` (a user's drag: pressed, moved, released)."""
    slider = widgets(window)[0]
    bar = window.run_view.output_panel.history_bar
    slider.setSliderDown(True)
    slider.setValue(bar.position_of(epoch))
    slider.setSliderDown(False)
    qtbot.waitUntil(lambda: window.controller.snapshot.scrubbed and window.controller.snapshot.epoch == epoch,
                    timeout=WAIT_MS)


def test_scrubbing_shows_the_checkpoint_and_marks_the_loss_curve(open_window, qtbot):
    config = Config(dataset="xor")
    window = open_window(config)
    slider, branch, undo, label = widgets(window)
    assert not branch.isEnabled() and not undo.isVisible()
    last = trained(window, qtbot, 300)
    qtbot.waitUntil(lambda: slider.maximum() == len(window.controller.snapshot.checkpoint_epochs) - 1
                    or slider.maximum() == len(window.controller.snapshot.checkpoint_epochs), timeout=WAIT_MS)
    assert slider.value() == slider.maximum() and label.text() == f"now: epoch {last:,}"
    live_image = window.run_view.output_panel.boundary_plot.grab().toImage()
    scrub_to(window, qtbot, 30)
    snapshot = window.controller.snapshot
    reference = Trainer(config, make_data(config))
    reference.train(30)
    for drawn, kept in zip(snapshot.weights, reference.network.weights):
        np.testing.assert_array_equal(drawn, kept)  # the network drawn is the run's at epoch 30
    plot = window.run_view.output_panel.loss_plot
    assert plot.marker == (30, snapshot.train_loss, snapshot.test_loss)
    assert plot.marker_line.isVisible() and plot.marker_line.value() == 30
    assert plot.count == last + 1  # the whole curve stays
    assert label.text() == f"epoch 30 of {last:,}" and branch.isEnabled()
    assert window.run_view.top_bar.epoch_label.text() == "000,030"
    assert "looking back" in window.run_view.top_bar.speed_label.text()
    assert window.run_view.output_panel.boundary_plot.grab().toImage() != live_image
    # The keyboard moves checkpoint by checkpoint (every epoch is kept this early).
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == 0, timeout=WAIT_MS)
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == 1, timeout=WAIT_MS)
    # "Now" shows the run again, unchanged.
    qtbot.mouseClick(window.findChild(QPushButton, "history_now_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.snapshot.scrubbed, timeout=WAIT_MS)
    assert window.controller.snapshot.epoch == last and not plot.marker_line.isVisible()
    assert slider.value() == slider.maximum() and not branch.isEnabled()


def test_continue_from_here_branches_and_undo_brings_the_run_back(open_window, qtbot):
    window = open_window(Config(dataset="circle"))
    slider, branch, undo, label = widgets(window)
    last = trained(window, qtbot, 250)
    scrub_to(window, qtbot, 100)
    qtbot.mouseClick(branch, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.snapshot.scrubbed, timeout=WAIT_MS)
    plot = window.run_view.output_panel.loss_plot
    assert window.controller.snapshot.epoch == 100 and plot.count == 101  # the later history is discarded
    qtbot.waitUntil(undo.isVisible, timeout=WAIT_MS)
    assert label.text() == "now: epoch 100"
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == last, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: plot.count == last + 1 and not undo.isVisible(), timeout=WAIT_MS)


def test_play_while_scrubbed_continues_from_the_epoch_shown(open_window, qtbot):
    window = open_window(Config(dataset="gauss"))
    trained(window, qtbot, 200)
    scrub_to(window, qtbot, 50)
    with qtbot.waitSignal(window.controller.branched, timeout=WAIT_MS) as branched:
        qtbot.mouseClick(window.run_view.top_bar.play_button, Qt.MouseButton.LeftButton)  # asks nothing
    assert branched.args == [50]
    qtbot.waitUntil(lambda: window.controller.snapshot.running, timeout=WAIT_MS)
    window.controller.pause()
    qtbot.waitUntil(lambda: not window.controller.snapshot.running, timeout=WAIT_MS)
    history = window.run_view.output_panel.loss_plot.losses()[0]
    assert history[50] == 50 and (np.diff(history) > 0).all()  # epochs 0…50 then the branch's, no gap, no repeat
    assert window.findChild(QPushButton, "undo_branch_button").isVisible()
