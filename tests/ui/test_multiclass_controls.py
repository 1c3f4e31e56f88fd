"""The controls of a multi-class problem, driven as a learner does: the problem type, the class
count, the dataset buttons, the class of drawn points, clearing and undoing, a CSV file's classes;
the config and the points in force asserted after each action."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QDoubleSpinBox, QLabel, QPushButton, QSpinBox

from playground.engine.config import Config
from playground.engine.config_edits import LoadPoints
from playground.engine.data import make_data
from playground.engine.datasets import CLASSIFICATION_DATASETS, MULTICLASS_DATASETS, REGRESSION_DATASETS
from tests.ui.conftest import WAIT_MS
from tests.ui.test_drawing import count, pixel_of, plane_tolerance, start_drawing, viewport
from tests.ui.test_main_window import choose, find, snapshot, wait_config

BLOBS = Config(problem="multiclass", classes=4, dataset="blobs", seed=5)


def shown_datasets(window) -> dict[str, list[str]]:
    """problem → the names of its dataset buttons that show."""
    panel = window.run_view.data_panel
    return {
        problem: [name for name in names if panel.dataset_button(name, problem).isVisible()]
        for problem, names in (("classification", CLASSIFICATION_DATASETS), ("regression", REGRESSION_DATASETS),
                               ("multiclass", MULTICLASS_DATASETS))
    }


def listed_classes(window) -> list[tuple[str, float]]:
    combo = find(window, QComboBox, "draw_class_combo")
    return [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]


def labels(window) -> set[float]:
    s = snapshot(window)
    return set(np.concatenate([s.train_points[:, 2], s.test_points[:, 2]]).tolist())


def test_choosing_multi_class_shows_its_class_count_datasets_and_classes(open_window, qtbot):
    window = open_window()
    spinbox = find(window, QSpinBox, "classes_spinbox")
    assert not spinbox.isVisible()
    choose(find(window, QComboBox, "problem_combo"), "multiclass")
    wait_config(qtbot, window, lambda c: c.problem == "multiclass" and c.dataset == "spiral")
    qtbot.waitUntil(lambda: spinbox.isVisible(), timeout=WAIT_MS)
    assert spinbox.isEnabled() and spinbox.value() == 3 and (spinbox.minimum(), spinbox.maximum()) == (2, 8)
    assert shown_datasets(window) == {"classification": [], "regression": [], "multiclass": ["spiral", "blobs"]}
    spiral = find(window, QAbstractButton, "dataset_button_multiclass_spiral")
    assert spiral.isChecked() and not find(window, QAbstractButton, "dataset_button_spiral").isChecked()
    assert "(multi-class, 3 classes)" in spiral.toolTip()
    assert labels(window) == {0.0, 1.0, 2.0}
    assert listed_classes(window) == [("Class 0", 0.0), ("Class 1", 1.0), ("Class 2", 2.0)]
    assert not find(window, QDoubleSpinBox, "draw_value_box").isVisible()
    find(window, QAbstractButton, "dataset_button_multiclass_blobs").click()
    wait_config(qtbot, window, lambda c: c.dataset == "blobs")
    # the other problems bring their own buttons back, and the class count goes
    choose(find(window, QComboBox, "problem_combo"), "regression")
    wait_config(qtbot, window, lambda c: c.problem == "regression")
    qtbot.waitUntil(lambda: not spinbox.isVisible(), timeout=WAIT_MS)
    assert shown_datasets(window) == {"classification": [], "regression": list(REGRESSION_DATASETS), "multiclass": []}
    assert find(window, QDoubleSpinBox, "draw_value_box").isVisible()
    choose(find(window, QComboBox, "problem_combo"), "classification")
    wait_config(qtbot, window, lambda c: c.problem == "classification")
    qtbot.waitUntil(lambda: shown_datasets(window)["classification"] == list(CLASSIFICATION_DATASETS), timeout=WAIT_MS)
    assert shown_datasets(window)["multiclass"] == [] and not spinbox.isVisible()
    assert [label for _, label in listed_classes(window)] == [1.0, -1.0]


def test_the_class_count_makes_new_points_and_the_controls_follow(open_window, qtbot):
    window = open_window(BLOBS)
    spinbox = find(window, QSpinBox, "classes_spinbox")
    blobs = find(window, QAbstractButton, "dataset_button_multiclass_blobs")
    icon_before = blobs.icon().cacheKey()
    combo = find(window, QComboBox, "draw_class_combo")
    combo.setCurrentIndex(combo.findData(2.0))
    qtbot.keyClick(spinbox, Qt.Key.Key_Up)  # an arrow applies at once
    wait_config(qtbot, window, lambda c: c.classes == 5)
    qtbot.waitUntil(lambda: labels(window) == {0.0, 1.0, 2.0, 3.0, 4.0}, timeout=WAIT_MS)
    assert snapshot(window).train_outputs.shape == (len(snapshot(window).train_points), 5)
    qtbot.waitUntil(lambda: combo.count() == 5, timeout=WAIT_MS)
    assert combo.currentData() == 2.0  # the chosen class is still there
    assert "5 classes" in blobs.toolTip() and blobs.icon().cacheKey() != icon_before
    spinbox.lineEdit().selectAll()
    qtbot.keyClicks(spinbox, "2")  # typing applies on Enter, not on every digit
    qtbot.keyClick(spinbox, Qt.Key.Key_Return)
    wait_config(qtbot, window, lambda c: c.classes == 2)
    qtbot.waitUntil(lambda: listed_classes(window) == [("Class 0", 0.0), ("Class 1", 1.0)], timeout=WAIT_MS)
    assert combo.currentData() == 0.0  # class 2 is gone: the first class
    assert labels(window) == {0.0, 1.0}


def test_draw_a_chosen_class_clear_the_plane_and_undo(open_window, qtbot):
    window = open_window(BLOBS)
    original = make_data(BLOBS)
    np.testing.assert_array_equal(snapshot(window).train_points, original.train)
    train, test = count(window)
    combo = find(window, QComboBox, "draw_class_combo")
    combo.setCurrentIndex(combo.findData(3.0))
    assert combo.currentText() == "Class 3" and not combo.itemIcon(3).isNull()
    start_drawing(window, qtbot)
    qtbot.mouseClick(viewport(window), Qt.MouseButton.LeftButton, pos=pixel_of(window, -5.0, 5.0))
    qtbot.waitUntil(lambda: count(window) == (train + 1, test), timeout=WAIT_MS)
    drawn = snapshot(window).train_points.copy()
    np.testing.assert_array_equal(drawn[:train], original.train)
    x, y, label = drawn[-1]
    assert label == 3.0 and abs(x + 5.0) < plane_tolerance(window) and abs(y - 5.0) < plane_tolerance(window)
    clear = find(window, QPushButton, "clear_points_button")
    qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: count(window) == (0, 0), timeout=WAIT_MS)
    assert snapshot(window).train_points.shape == (0, 3) and snapshot(window).test_points.shape == (0, 3)
    qtbot.waitUntil(lambda: not clear.isEnabled(), timeout=WAIT_MS)  # nothing left to clear
    assert window.run_view.output_panel.confusion_view.matrices["train"].tolist() == [[0] * 4] * 4
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: count(window) == (train + 1, test), timeout=WAIT_MS)
    np.testing.assert_array_equal(snapshot(window).train_points, drawn)
    np.testing.assert_array_equal(snapshot(window).test_points, original.test)
    assert clear.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: count(window) == (train, test), timeout=WAIT_MS)
    np.testing.assert_array_equal(snapshot(window).train_points, original.train)


def test_a_csv_file_decides_the_class_count(open_window, qtbot, tmp_path):
    window = open_window(BLOBS)
    path = tmp_path / "five.csv"
    rows = [(float(k), -float(k), k) for k in range(5) for _ in range(4)]  # 4 points of each of 5 classes
    path.write_text("x,y,label\n" + "".join(f"{x},{y},{k}\n" for x, y, k in rows), encoding="utf-8")
    window.run_view.edit(LoadPoints(str(path)))  # what Load points from CSV… sends once a file is chosen
    wait_config(qtbot, window, lambda c: c.dataset == str(path) and c.classes == 5)
    spinbox = find(window, QSpinBox, "classes_spinbox")
    qtbot.waitUntil(lambda: spinbox.value() == 5 and not spinbox.isEnabled(), timeout=WAIT_MS)
    assert "CSV file" in spinbox.toolTip()
    assert labels(window) == {0.0, 1.0, 2.0, 3.0, 4.0}
    assert len(snapshot(window).train_points) + len(snapshot(window).test_points) == 20
    assert find(window, QLabel, "custom_data_label").text() == "Your points: five.csv (5 classes)"
    assert [label for _, label in listed_classes(window)] == [0.0, 1.0, 2.0, 3.0, 4.0]
    panel = window.run_view.data_panel
    assert not any(panel.dataset_button(name, "multiclass").isChecked() for name in MULTICLASS_DATASETS)


def test_fewer_classes_while_a_sample_of_a_lost_class_is_traced(open_window, qtbot):
    window = open_window(BLOBS)
    points = snapshot(window).train_points
    x, y, label = (float(v) for v in points[points[:, 2] == 3.0][0])
    window.run_view.output_panel.sample_hovered.emit(x, y, label)  # the mouse rests on a class-3 point
    qtbot.waitUntil(lambda: snapshot(window).trace is not None, timeout=WAIT_MS)
    spinbox = find(window, QSpinBox, "classes_spinbox")
    spinbox.lineEdit().selectAll()
    qtbot.keyClicks(spinbox, "2")
    qtbot.keyClick(spinbox, Qt.Key.Key_Return)
    wait_config(qtbot, window, lambda c: c.classes == 2)
    assert snapshot(window).trace is None  # class 3 is no class of 2: not traced on
    epoch = snapshot(window).epoch
    qtbot.mouseClick(find(window, QPushButton, "step_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: snapshot(window).epoch == epoch + 1, timeout=WAIT_MS)  # the worker lives on
