"""Drawing points on the plane, driven as a learner does: the draw button, clicks, a drag,
right-clicks, the class and value boxes, undo and redo, saving; the data model asserted after each."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDoubleSpinBox, QPushButton

from playground.engine.config import Config
from playground.engine.datasets import load_csv
from tests.ui.conftest import WAIT_MS

CONFIG = Config(dataset="circle", seed=5)


def pixel_of(window, x: float, y: float) -> QPoint:
    plot = window.run_view.output_panel.boundary_plot
    scene = plot.view_box.mapViewToScene(QPointF(x, y))
    return plot.plot_widget.mapFromScene(scene)


def plane_tolerance(window) -> float:
    """A pixel in plane units (a click lands on the nearest pixel)."""
    return 1.5 * max(window.run_view.output_panel.boundary_plot.view_box.viewPixelSize())


def viewport(window):
    return window.run_view.output_panel.boundary_plot.plot_widget.viewport()


def start_drawing(window, qtbot):
    button = window.findChild(QPushButton, "draw_mode_button")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.isChecked()


def count(window) -> tuple[int, int]:
    snapshot = window.controller.snapshot
    return len(snapshot.train_points), len(snapshot.test_points)


def test_a_click_draws_a_point_of_the_chosen_class_and_a_right_click_erases_it(open_window, qtbot):
    window = open_window(CONFIG)
    train, test = count(window)
    before = window.controller.snapshot.train_points.copy()
    start_drawing(window, qtbot)
    qtbot.mouseClick(viewport(window), Qt.MouseButton.LeftButton, pos=pixel_of(window, 0.5, 5.5))
    qtbot.waitUntil(lambda: count(window) == (train + 1, test), timeout=WAIT_MS)
    x, y, label = window.controller.snapshot.train_points[-1]
    assert abs(x - 0.5) < plane_tolerance(window) and abs(y - 5.5) < plane_tolerance(window) and label == 1.0
    combo = window.findChild(QComboBox, "draw_class_combo")
    combo.setCurrentIndex(combo.findData(-1.0))
    qtbot.mouseClick(viewport(window), Qt.MouseButton.LeftButton, pos=pixel_of(window, -5.5, 5.5))
    qtbot.waitUntil(lambda: count(window) == (train + 2, test), timeout=WAIT_MS)
    assert window.controller.snapshot.train_points[-1, 2] == -1.0
    qtbot.mouseClick(viewport(window), Qt.MouseButton.RightButton, pos=pixel_of(window, 0.5, 5.5))
    qtbot.waitUntil(lambda: count(window) == (train + 1, test), timeout=WAIT_MS)
    qtbot.mouseClick(viewport(window), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     pixel_of(window, -5.5, 5.5))
    qtbot.waitUntil(lambda: count(window) == (train, test), timeout=WAIT_MS)
    np.testing.assert_array_equal(window.controller.snapshot.train_points, before)


def test_undo_and_redo_with_the_keys(open_window, qtbot):
    window = open_window(CONFIG)
    train, test = count(window)
    start_drawing(window, qtbot)
    qtbot.mouseClick(viewport(window), Qt.MouseButton.LeftButton, pos=pixel_of(window, 4.0, -5.0))
    qtbot.waitUntil(lambda: count(window) == (train + 1, test), timeout=WAIT_MS)
    drawn = window.controller.snapshot.train_points.copy()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: count(window) == (train, test), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: count(window) == (train + 1, test), timeout=WAIT_MS)
    np.testing.assert_array_equal(window.controller.snapshot.train_points, drawn)


def test_a_drag_sprays_points_around_its_path(open_window, qtbot):
    window = open_window(CONFIG)
    train, test = count(window)
    start_drawing(window, qtbot)
    port = viewport(window)
    qtbot.mousePress(port, Qt.MouseButton.LeftButton, pos=pixel_of(window, -4.0, -4.0))
    for k in range(1, 6):  # a drag along y = −4 to x = −2
        where = QPointF(pixel_of(window, -4.0 + 0.5 * k, -4.0))
        move = QMouseEvent(QEvent.Type.MouseMove, where, port.mapToGlobal(where), Qt.MouseButton.NoButton,
                           Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(port, move)
    qtbot.mouseRelease(port, Qt.MouseButton.LeftButton, pos=pixel_of(window, -1.5, -4.0))
    qtbot.waitUntil(lambda: count(window)[0] == train + 1 + 5 * 3, timeout=WAIT_MS)  # the click, then 5 sprays of 3
    new = window.controller.snapshot.train_points[train:]
    assert (new[:, 2] == 1.0).all() and count(window)[1] == test
    assert np.abs(new[:, 1] + 4.0).max() < 1.5 and -5.0 < new[:, 0].min() and new[:, 0].max() < -0.5


def test_points_can_be_drawn_into_the_test_set_and_saved(open_window, qtbot, tmp_path):
    window = open_window(CONFIG)
    train, test = count(window)
    start_drawing(window, qtbot)
    window.findChild(QCheckBox, "draw_to_test_checkbox").setChecked(True)
    qtbot.mouseClick(viewport(window), Qt.MouseButton.LeftButton, pos=pixel_of(window, 5.0, 5.0))
    qtbot.waitUntil(lambda: count(window) == (train, test + 1), timeout=WAIT_MS)
    path = tmp_path / "points.csv"
    window.save_points(str(path))
    snapshot = window.controller.snapshot
    np.testing.assert_array_equal(load_csv(path, "classification"),
                                  np.vstack([snapshot.train_points, snapshot.test_points]))


def test_a_regression_draws_the_value_in_the_box(open_window, qtbot):
    window = open_window(Config(problem="regression", dataset="plane", seed=5))
    train, test = count(window)
    assert not window.findChild(QComboBox, "draw_class_combo").isVisible()
    box = window.findChild(QDoubleSpinBox, "draw_value_box")
    assert box.isVisible()
    box.setValue(-2.75)
    start_drawing(window, qtbot)
    qtbot.mouseClick(viewport(window), Qt.MouseButton.LeftButton, pos=pixel_of(window, 1.0, 1.0))
    qtbot.waitUntil(lambda: count(window) == (train + 1, test), timeout=WAIT_MS)
    assert window.controller.snapshot.train_points[-1, 2] == -2.75


def test_drawing_while_training_keeps_the_network(open_window, qtbot):
    window = open_window(CONFIG)
    train, _ = count(window)
    window.controller.play()
    qtbot.waitUntil(lambda: window.controller.snapshot.running and window.controller.snapshot.epoch > 5, timeout=WAIT_MS)
    start_drawing(window, qtbot)
    epoch = window.controller.snapshot.epoch
    qtbot.mouseClick(viewport(window), Qt.MouseButton.LeftButton, pos=pixel_of(window, 2.0, 2.0))
    qtbot.waitUntil(lambda: count(window)[0] == train + 1 and window.controller.snapshot.epoch > epoch, timeout=WAIT_MS)
    assert window.controller.snapshot.running  # the run went on: no reset, no pause
    window.controller.pause()
    qtbot.keyClick(window, Qt.Key.Key_D)
    assert not window.findChild(QPushButton, "draw_mode_button").isChecked()


def test_clear_empties_the_plane_and_drawing_starts_again_from_nothing(open_window, qtbot):
    window = open_window(CONFIG)
    before_train, before_test = (window.controller.snapshot.train_points.copy(),
                                 window.controller.snapshot.test_points.copy())
    qtbot.mouseClick(window.findChild(QPushButton, "clear_points_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: count(window) == (0, 0), timeout=WAIT_MS)
    start_drawing(window, qtbot)
    qtbot.mouseClick(viewport(window), Qt.MouseButton.LeftButton, pos=pixel_of(window, 1.0, -1.0))
    qtbot.waitUntil(lambda: count(window) == (1, 0), timeout=WAIT_MS)
    x, y, label = window.controller.snapshot.train_points[0]
    assert abs(x - 1.0) < plane_tolerance(window) and abs(y + 1.0) < plane_tolerance(window) and label == 1.0
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the drawn point goes
    qtbot.waitUntil(lambda: count(window) == (0, 0), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # and the clearing
    qtbot.waitUntil(lambda: count(window) == (len(before_train), len(before_test)), timeout=WAIT_MS)
    np.testing.assert_array_equal(window.controller.snapshot.train_points, before_train)
    np.testing.assert_array_equal(window.controller.snapshot.test_points, before_test)


def test_play_on_an_empty_plane_says_it_waits_for_training_points(open_window, qtbot):
    from PySide6.QtWidgets import QLabel

    from playground.engine.point_edits import AddPoints, ClearPoints

    window = open_window()
    window.controller.edit_points(ClearPoints())
    qtbot.waitUntil(lambda: len(window.controller.snapshot.train_points) == 0, timeout=WAIT_MS)
    window.controller.play()
    speed = window.findChild(QLabel, "speed_label")
    qtbot.waitUntil(lambda: speed.text() == "waiting for training points", timeout=WAIT_MS)
    window.controller.edit_points(AddPoints(np.array([[1.0, 1.0], [-1.0, -1.0]]), 1.0))
    qtbot.waitUntil(lambda: speed.text().endswith("epochs/s") and window.controller.snapshot.epoch > 0,
                    timeout=WAIT_MS)
    window.controller.pause()
    qtbot.waitUntil(lambda: speed.text() == "paused", timeout=WAIT_MS)
