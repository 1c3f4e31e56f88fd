"""Two runs side by side, driven through the window by objectName."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.trainer import Trainer
from tests.ui.stress_tools import GARBAGE, close_dialogs, type_keys
from tests.ui.test_main_window import choose, type_value
from tests.ui.test_object_names import CONTROL_TYPES, readme_names

WAIT_MS = 20_000
SIDE_NAMES = ("learning_rate", "optimizer", "activation", "regularization", "regularization_rate", "batch_size")


def find(window: QWidget, kind: type, name: str):
    widget = window.findChild(kind, name)
    assert widget is not None, name
    return widget


def sides(window):
    return window.comparison.controller.snapshot.sides


def open_comparison(window, qtbot, epochs: int):
    """Step the main run ``epochs`` times, then press Compare and wait for both sides."""
    for _ in range(epochs):
        window.controller.step()
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == epochs, timeout=WAIT_MS)
    qtbot.mouseClick(find(window, QPushButton, "compare_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.comparison.active and window.comparison.controller.snapshot is not None,
                    timeout=WAIT_MS)
    view = find(window, QWidget, "compare_view")
    assert view.isVisible() and not window.run_view.network_view.isVisible()
    return view


def play_until(window, qtbot, epoch: int) -> None:
    qtbot.mouseClick(find(window, QPushButton, "compare_play_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: min(s.epoch for s in sides(window)) >= epoch, timeout=WAIT_MS)
    qtbot.mouseClick(find(window, QPushButton, "compare_play_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.comparison.controller.snapshot.running, timeout=WAIT_MS)


def test_b_with_its_own_settings_trains_in_step_and_a_continues_the_main_run_exactly(open_window, qtbot):
    config = Config(dataset="xor", optimizer="momentum", batch_size=7)
    window = open_window(config)
    open_comparison(window, qtbot, epochs=3)
    assert not window.controller.snapshot.running
    type_value(qtbot, find(window, QComboBox, "compare_b_learning_rate"), "0.1")
    choose(find(window, QComboBox, "compare_b_optimizer"), "adam")
    qtbot.waitUntil(lambda: sides(window)[1].config.optimizer == "adam", timeout=WAIT_MS)
    play_until(window, qtbot, 40)
    a, b = sides(window)
    assert a.epoch == b.epoch and (b.config.learning_rate, b.config.optimizer) == (0.1, "adam")
    assert a.config == config
    plot = window.comparison.view.loss_plot
    qtbot.waitUntil(lambda: len(plot.losses(0)) == len(plot.losses(1)) == a.epoch - 3 + 1, timeout=WAIT_MS)
    drawn_a, drawn_b = plot.losses(0), plot.losses(1)
    assert not np.array_equal(drawn_a[1:, 1], drawn_b[1:, 1])  # the curves differ
    alone = Trainer(config, make_data(config))  # the main run, continued headless past the fork
    alone.train(a.epoch)
    np.testing.assert_array_equal(drawn_a[:, 0], np.arange(3, a.epoch + 1))
    np.testing.assert_array_equal(drawn_a[:, 1], alone.history.column("train_loss")[3:])  # bit-identical
    np.testing.assert_array_equal(drawn_a[:, 2], alone.history.column("test_loss")[3:])
    assert "Epoch" in find(window, QLabel, "compare_a_numbers").text()


def test_keep_b_shows_b_in_the_window_paused(open_window, qtbot):
    window = open_window()
    open_comparison(window, qtbot, epochs=2)
    choose(find(window, QComboBox, "compare_b_activation"), "relu")
    find(window, QSpinBox, "compare_b_batch_size").setValue(5)
    qtbot.waitUntil(lambda: sides(window)[1].config.batch_size == 5, timeout=WAIT_MS)
    play_until(window, qtbot, 20)
    b = sides(window)[1]
    qtbot.mouseClick(find(window, QPushButton, "compare_keep_b_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.comparison.active and window.controller.snapshot.epoch == b.epoch,
                    timeout=WAIT_MS)
    snapshot = window.controller.snapshot
    assert (snapshot.config.activation, snapshot.config.batch_size) == ("relu", 5) and not snapshot.running
    for kept, shown in zip(b.weights, snapshot.weights):
        np.testing.assert_array_equal(kept, shown)
    assert window.run_view.network_view.isVisible() and window.findChild(QWidget, "compare_view") is None
    assert find(window, QComboBox, "activation_combo").currentData() == "relu"
    assert find(window, QLabel, "epoch_label").text() == f"{b.epoch:07,d}"
    assert window.run_view.output_panel.loss_plot.count == b.epoch + 1  # epochs 0 … fork, then B's
    qtbot.keyClick(window, Qt.Key.Key_Space)  # the window's shortcuts work again
    qtbot.waitUntil(lambda: window.controller.snapshot.running, timeout=WAIT_MS)


def test_cancel_leaves_the_main_run_unchanged(open_window, qtbot):
    window = open_window()
    open_comparison(window, qtbot, epochs=4)
    before = window.controller.snapshot
    assert not window.menuBar().isEnabled()
    keyed = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert keyed and not any(a.isEnabled() for a in keyed)  # Ctrl+S would save the main run
    type_value(qtbot, find(window, QComboBox, "compare_a_learning_rate"), "1")
    qtbot.keyClick(window, Qt.Key.Key_Space)  # Space plays the comparison, not the main run
    qtbot.waitUntil(lambda: sides(window)[0].epoch >= 30, timeout=WAIT_MS)
    qtbot.mouseClick(find(window, QPushButton, "compare_cancel_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.comparison.active, timeout=WAIT_MS)
    assert window.menuBar().isEnabled() and window.run_view.network_view.isVisible()
    assert all(a.isEnabled() for a in keyed)
    window.controller.step()  # the main run goes on from where it was forked
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == 5, timeout=WAIT_MS)
    alone = Trainer(Config(), make_data(Config()))
    alone.train(5)
    snapshot = window.controller.snapshot
    assert snapshot.config.learning_rate == 0.03 and before.epoch == 4
    np.testing.assert_array_equal(snapshot.weights[0], alone.network.weights[0])
    assert window.run_view.output_panel.loss_plot.count == 6


def test_step_and_back_to_the_fork(open_window, qtbot):
    window = open_window()
    open_comparison(window, qtbot, epochs=1)
    for _ in range(2):
        qtbot.mouseClick(find(window, QPushButton, "compare_step_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [s.epoch for s in sides(window)] == [3, 3], timeout=WAIT_MS)
    assert window.controller.snapshot.epoch == 1  # the main run stays where it was forked
    qtbot.mouseClick(find(window, QPushButton, "compare_reset_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [s.epoch for s in sides(window)] == [1, 1], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(window.comparison.view.loss_plot.losses(0)) == 1, timeout=WAIT_MS)


def test_a_diverged_side_cannot_be_kept(open_window, qtbot):
    window = open_window(Config(problem="regression", dataset="plane", hidden=(8, 8, 8)))
    open_comparison(window, qtbot, epochs=1)
    type_value(qtbot, find(window, QComboBox, "compare_b_learning_rate"), "10")
    qtbot.mouseClick(find(window, QPushButton, "compare_play_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sides(window)[1].diverged, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not find(window, QPushButton, "compare_keep_b_button").isEnabled(), timeout=WAIT_MS)
    assert find(window, QLabel, "compare_b_message").isVisible()
    assert find(window, QPushButton, "compare_keep_a_button").isEnabled()
    plot = window.comparison.view.loss_plot
    qtbot.waitUntil(lambda: np.isnan(plot.losses(1)[-1, 1]), timeout=WAIT_MS)  # B's last row: NaN
    low, high = plot.sensible_range()
    assert 0 < low <= high < 1e6  # B's blow-up leaves the chart at the top
    qtbot.mouseClick(find(window, QCheckBox, "compare_log_scale_checkbox"), Qt.MouseButton.LeftButton)
    assert plot.plot_item.getAxis("left").logMode and plot.end_labels[0].isVisible()


def test_closing_the_window_while_comparing_stops_both_threads(open_window, qtbot):
    window = open_window()
    open_comparison(window, qtbot, epochs=1)
    controller = window.comparison.controller
    controller.play()
    qtbot.waitUntil(lambda: controller.snapshot.running, timeout=WAIT_MS)
    window.close()
    assert not controller.thread_running and not window.controller.thread_running


def test_every_comparison_control_has_a_name_a_tooltip_and_a_readme_line(open_window, qtbot):
    window = open_window()
    open_comparison(window, qtbot, epochs=0)
    view = window.comparison.view
    for widget in view.findChildren(QWidget):
        if not isinstance(widget, CONTROL_TYPES) or not widget.isVisibleTo(window):
            continue
        if widget.objectName().startswith("qt_") or widget.parent().objectName().startswith("qt_"):
            continue
        assert widget.objectName(), f"a {type(widget).__name__} has no objectName"
        assert widget.toolTip(), f"{widget.objectName()} has no tooltip"
    for name in readme_names():
        if name.startswith("compare_") and name != "compare_button":
            assert window.findChild(QObject, name) is not None, name
    for letter in "ab":
        for key in SIDE_NAMES:
            assert view.findChild(QWidget, f"compare_{letter}_{key}") is not None
    assert isinstance(find(window, QAbstractButton, "compare_keep_a_button"), QPushButton)


@pytest.mark.parametrize(("problem", "dataset"), [("multiclass", "blobs"), ("regression", "plane")])
def test_other_problems_compare_too(open_window, qtbot, problem, dataset):
    window = open_window(Config(problem=problem, dataset=dataset))
    open_comparison(window, qtbot, epochs=1)
    choose(find(window, QComboBox, "compare_a_regularization"), "l2")
    play_until(window, qtbot, 10)
    a, b = sides(window)
    assert a.epoch == b.epoch and a.config.regularization == "l2" and b.config.regularization == "none"


def test_a_diverged_run_is_not_forked(open_window, qtbot):
    window = open_window(Config(problem="regression", dataset="plane", learning_rate=10, hidden=(8, 8, 8)))
    window.controller.play()
    qtbot.waitUntil(lambda: window.controller.snapshot.diverged, timeout=WAIT_MS)
    qtbot.mouseClick(find(window, QPushButton, "compare_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QWidget, "error_dialog") is not None, timeout=WAIT_MS)
    assert "diverged" in window.findChild(QWidget, "error_dialog").text() and not window.comparison.active


def test_random_use_of_the_comparison_leaves_it_working(open_window, qtbot):
    """A few hundred random clicks, picks, typed values and keys, then both ways out still work."""
    rng = random.Random(7)
    window = open_window()
    open_comparison(window, qtbot, epochs=2)
    view = window.comparison.view
    buttons = [find(view, QPushButton, name) for name in ("compare_play_button", "compare_step_button",
                                                          "compare_reset_button")]
    combos = [c for c in view.findChildren(QComboBox) if c.objectName().startswith("compare_")]
    spins = view.findChildren(QSpinBox)
    for _ in range(300):
        kind = rng.randrange(5)
        if kind == 0:
            qtbot.mouseClick(rng.choice(buttons), Qt.MouseButton.LeftButton)
        elif kind == 1:
            combo = rng.choice(combos)
            if combo.isEditable():  # (keyClicks aborts beyond ASCII: type_keys)
                combo.lineEdit().selectAll()
                type_keys(combo.lineEdit(), rng.choice(GARBAGE))
                qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
            else:
                choose(combo, combo.itemData(rng.randrange(combo.count())))
        elif kind == 2:
            spin = rng.choice(spins)
            spin.setValue(rng.choice((1, 2, 10, 30, 500)))
        elif kind == 3:
            qtbot.keyClick(window, Qt.Key.Key_Space)
        else:
            qtbot.mouseClick(find(view, QCheckBox, "compare_log_scale_checkbox"), Qt.MouseButton.LeftButton)
        close_dialogs(window)
        QApplication.processEvents()
    a, b = sides(window)
    assert a.epoch == b.epoch or a.diverged or b.diverged
    qtbot.mouseClick(find(window, QPushButton, "compare_cancel_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.comparison.active, timeout=WAIT_MS)
    close_dialogs(window)
    window.controller.step()
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == 3, timeout=WAIT_MS)
    qtbot.mouseClick(find(window, QPushButton, "compare_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.comparison.active and window.comparison.controller.snapshot is not None,
                    timeout=WAIT_MS)
    qtbot.mouseClick(find(window, QPushButton, "compare_keep_a_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.comparison.active, timeout=WAIT_MS)
    assert window.controller.snapshot.epoch == 3
