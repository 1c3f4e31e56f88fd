"""The whole window, offscreen: every control changes what it says it changes."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QComboBox, QSlider, QWidget

from playground.engine.config import Config
from playground.ui.main_window import MainWindow
from tests.ui.conftest import WAIT_MS


def find(window: QWidget, kind: type, name: str):
    widget = window.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name!r}"
    return widget


def snapshot(window: MainWindow):
    return window.controller.snapshot


def wait_config(qtbot, window: MainWindow, condition) -> None:
    qtbot.waitUntil(lambda: condition(snapshot(window).config), timeout=WAIT_MS)


def choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a user's pick emits


def type_value(qtbot, combo: QComboBox, text: str) -> None:
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), text)
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)


def test_play_trains_and_lowers_the_loss_on_circle_then_pause_stops(open_window, qtbot):
    window = open_window(Config(dataset="circle"))
    first_loss = snapshot(window).test_loss
    find(window, QAbstractButton, "play_button").click()
    qtbot.waitUntil(lambda: snapshot(window).running and snapshot(window).epoch >= 200, timeout=WAIT_MS)
    assert window.run_view.top_bar.epoch_label.text().replace(",", "").lstrip("0") != ""
    find(window, QAbstractButton, "play_button").click()
    qtbot.waitUntil(lambda: not snapshot(window).running, timeout=WAIT_MS)
    paused = snapshot(window).epoch
    assert snapshot(window).test_loss < first_loss
    assert window.run_view.top_bar.speed_label.text() == "paused"
    # Nothing trains while paused: the next step shows exactly one more epoch.
    find(window, QAbstractButton, "step_button").click()
    qtbot.waitUntil(lambda: snapshot(window).epoch == paused + 1, timeout=WAIT_MS)


def test_step_advances_one_epoch_and_reset_returns_to_zero(open_window, qtbot):
    window = open_window()
    find(window, QAbstractButton, "step_button").click()
    qtbot.waitUntil(lambda: snapshot(window).epoch == 1, timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: snapshot(window).epoch == 2, timeout=WAIT_MS)
    find(window, QAbstractButton, "reset_button").click()
    qtbot.waitUntil(lambda: snapshot(window).epoch == 0, timeout=WAIT_MS)
    assert window.run_view.top_bar.epoch_label.text().strip("0,") == ""


def test_keyboard_space_plays_and_pauses(open_window, qtbot):
    window = open_window()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: snapshot(window).running, timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not snapshot(window).running, timeout=WAIT_MS)


def test_dataset_buttons_change_the_points(open_window, qtbot):
    window = open_window()
    before = snapshot(window).train_points
    find(window, QAbstractButton, "dataset_button_spiral").click()
    wait_config(qtbot, window, lambda c: c.dataset == "spiral")
    assert not np.array_equal(before, snapshot(window).train_points)


def test_problem_type_switches_to_regression_datasets(open_window, qtbot):
    window = open_window()
    choose(find(window, QComboBox, "problem_combo"), "regression")
    wait_config(qtbot, window, lambda c: c.problem == "regression" and c.dataset == "plane")
    assert window.run_view.data_panel.dataset_button("plane").isVisible()
    assert not window.run_view.data_panel.dataset_button("circle").isVisible()


def test_feature_toggle_layers_and_neurons_rebuild_the_network(open_window, qtbot):
    window = open_window()
    window.run_view.network_view.feature_toggled.emit("x1_squared")  # what clicking the feature emits
    wait_config(qtbot, window, lambda c: "x1_squared" in c.features)
    assert snapshot(window).layer_sizes[0] == 3
    find(window, QAbstractButton, "add_layer_button").click()
    wait_config(qtbot, window, lambda c: c.hidden == (4, 2, 2))
    find(window, QAbstractButton, "add_neuron_button_0").click()
    wait_config(qtbot, window, lambda c: c.hidden == (5, 2, 2))
    find(window, QAbstractButton, "remove_neuron_button_1").click()
    wait_config(qtbot, window, lambda c: c.hidden == (5, 1, 2))
    find(window, QAbstractButton, "remove_layer_button").click()
    wait_config(qtbot, window, lambda c: c.hidden == (5, 1))
    assert snapshot(window).layer_sizes == (3, 5, 1, 1)


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [("activation_combo", "activation", "relu"), ("regularization_combo", "regularization", "l1"),
     ("optimizer_combo", "optimizer", "adam")],
)
def test_choice_controls_change_the_config(open_window, qtbot, name, key, value):
    window = open_window()
    choose(find(window, QComboBox, name), value)
    wait_config(qtbot, window, lambda c: getattr(c, key) == value)


@pytest.mark.parametrize(
    ("name", "key", "text", "value"),
    [("learning_rate_combo", "learning_rate", "0.3", 0.3), ("learning_rate_combo", "learning_rate", "0.0042", 0.0042),
     ("regularization_rate_combo", "regularization_rate", "0.01", 0.01)],
)
def test_numeric_controls_take_typed_values(open_window, qtbot, name, key, text, value):
    window = open_window()
    type_value(qtbot, find(window, QComboBox, name), text)
    wait_config(qtbot, window, lambda c: getattr(c, key) == value)


def test_an_invalid_typed_learning_rate_is_refused_visibly(open_window, qtbot):
    window = open_window()
    combo = find(window, QComboBox, "learning_rate_combo")
    type_value(qtbot, combo, "-1")
    assert combo.property("invalid") is True
    assert "learning_rate" in combo.toolTip()
    assert snapshot(window).config.learning_rate == 0.03


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [("train_ratio_slider", "train_ratio", 70), ("noise_slider", "noise", 25), ("batch_size_slider", "batch_size", 17)],
)
def test_sliders_change_the_config(open_window, qtbot, name, key, value):
    window = open_window()
    find(window, QSlider, name).setValue(value)
    wait_config(qtbot, window, lambda c: getattr(c, key) == value)
    if key == "train_ratio":
        assert len(snapshot(window).train_points) == 350


def test_regenerate_draws_new_points_and_keeps_the_network(open_window, qtbot):
    window = open_window()
    points, weights = snapshot(window).train_points, snapshot(window).weights
    version = snapshot(window).data_version
    find(window, QAbstractButton, "regenerate_button").click()
    qtbot.waitUntil(lambda: snapshot(window).data_version != version, timeout=WAIT_MS)
    assert not np.array_equal(points, snapshot(window).train_points)
    for before, after in zip(weights, snapshot(window).weights):
        np.testing.assert_array_equal(before, after)


def test_learning_rate_change_mid_run_keeps_the_weights(open_window, qtbot):
    window = open_window()
    find(window, QAbstractButton, "step_button").click()
    qtbot.waitUntil(lambda: snapshot(window).epoch == 1, timeout=WAIT_MS)
    weights = snapshot(window).weights
    type_value(qtbot, find(window, QComboBox, "learning_rate_combo"), "0.1")
    wait_config(qtbot, window, lambda c: c.learning_rate == 0.1)
    assert snapshot(window).epoch == 1
    for before, after in zip(weights, snapshot(window).weights):
        np.testing.assert_array_equal(before, after)


def test_editing_a_weight_changes_the_output_map(open_window, qtbot):
    window = open_window()
    before = snapshot(window).output_map.copy()
    window.run_view.network_view.edit_weight(0, 0, 0, 4.0)
    qtbot.waitUntil(lambda: snapshot(window).weights[0][0, 0] == 4.0, timeout=WAIT_MS)
    assert not np.allclose(before, snapshot(window).output_map)
    window.run_view.network_view.edit_bias(2, 0, 0.5)  # the output neuron's bias is editable too
    qtbot.waitUntil(lambda: snapshot(window).biases[2][0] == 0.5, timeout=WAIT_MS)


def test_view_toggles_show_test_discretize_and_edge_colour(open_window, qtbot):
    window = open_window()
    panel = window.run_view.output_panel
    plot = panel.findChild(QWidget, "boundary_plot_view")
    assert plot is not None
    test_box = find(window, QCheckBox, "show_test_checkbox")
    test_box.setChecked(True)
    qtbot.waitUntil(lambda: len(window.run_view.output_panel.boundary_plot.test_scatter.data) == len(snapshot(window).test_points))
    test_box.setChecked(False)
    qtbot.waitUntil(lambda: len(window.run_view.output_panel.boundary_plot.test_scatter.data) == 0)
    lut_before = window.run_view.output_panel.boundary_plot.image_item.lut.copy()
    find(window, QCheckBox, "discretize_checkbox").setChecked(True)
    assert not np.array_equal(lut_before, window.run_view.output_panel.boundary_plot.image_item.lut)
    toggle = find(window, QAbstractButton, "edge_colour_toggle")
    legend_before = window.run_view.network_view.legend_text()
    toggle.click()
    assert window.run_view.network_view.legend_text() != legend_before


def test_hovering_a_sample_traces_it(open_window, qtbot):
    window = open_window()
    x, y, label = (float(v) for v in snapshot(window).train_points[0])
    window.run_view.output_panel.sample_hovered.emit(x, y, label)
    qtbot.waitUntil(lambda: snapshot(window).trace is not None, timeout=WAIT_MS)
    assert snapshot(window).trace.point == (x, y)
    window.run_view.output_panel.sample_left.emit()
    qtbot.waitUntil(lambda: snapshot(window).trace is None, timeout=WAIT_MS)


def test_divergence_pauses_with_a_message(open_window, qtbot):
    window = open_window(Config(problem="regression", dataset="plane", learning_rate=10, hidden=[8, 8, 8]))
    find(window, QAbstractButton, "play_button").click()
    qtbot.waitUntil(lambda: snapshot(window).diverged and not snapshot(window).running, timeout=WAIT_MS)
    assert window.run_view.message_banner.isVisible()
    assert "learning rate" in window.run_view.message_banner.text().lower()


def test_a_bad_csv_shows_a_dialog_and_keeps_the_experiment(open_window, qtbot, tmp_path):
    window = open_window()
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,2,3\n", encoding="utf-8")
    points = snapshot(window).train_points
    with qtbot.waitSignal(window.controller.failed, timeout=WAIT_MS):
        window.run_view.set_value("dataset", str(bad))
    qtbot.waitUntil(lambda: window._dialog is not None and window._dialog.isVisible(), timeout=WAIT_MS)
    assert "bad.csv" in window._dialog.text()
    window._dialog.close()
    assert snapshot(window).config.dataset == "circle"
    np.testing.assert_array_equal(points, snapshot(window).train_points)


def test_closing_while_running_stops_the_thread(open_window, qtbot):
    window = open_window()
    window.controller.play()
    qtbot.waitUntil(lambda: snapshot(window).running, timeout=WAIT_MS)
    window.close()
    assert not window.controller.thread_running


def test_screenshot_command_writes_a_png(tmp_path):
    out = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "playground.cli", "--screenshot", str(out), "--epochs", "20"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000


def test_every_example_experiment_opens(open_window, qtbot):
    window = open_window()
    menu = window.findChild(QWidget, "examples_menu")
    actions = menu.actions()
    assert len(actions) >= 4
    for action in actions:
        version = snapshot(window).data_version
        action.trigger()
        qtbot.waitUntil(lambda: snapshot(window).data_version != version, timeout=WAIT_MS)
        assert snapshot(window).epoch > 0 and not snapshot(window).diverged
        assert len(window.run_view.output_panel.loss_plot.losses()[0]) == snapshot(window).epoch + 1


def test_hovering_a_neuron_shows_its_map_large_and_leaving_restores_the_output(open_window, qtbot):
    window = open_window()
    plot = window.run_view.output_panel.boundary_plot
    index = snapshot(window).node_index(1, 2)  # hidden layer 1, neuron 3
    window.run_view.network_view.node_hovered.emit(index)
    np.testing.assert_array_equal(plot.image_item.image, snapshot(window).node_maps[index])
    assert plot.caption.text() == "hidden layer 1, neuron 3"
    window.run_view.network_view.node_hovered.emit(0)  # the feature X1, shown over its own range
    np.testing.assert_array_equal(plot.image_item.image, snapshot(window).node_maps[0])
    assert plot.caption.text() == "feature X₁"
    window.run_view.network_view.node_hovered.emit(-1)
    np.testing.assert_array_equal(plot.image_item.image, snapshot(window).output_map)


def test_the_guide_explains_the_colours(open_window, qtbot):
    window = open_window()
    window.show_guide()
    qtbot.waitUntil(lambda: window._dialog.isVisible(), timeout=WAIT_MS)
    text = window._dialog.text()
    for words in ("orange", "blue", "gradient", "bias", "Hover a data point", "diverged"):
        assert words in text
    window._dialog.close()


def test_help_about_names_the_training_engine(open_window, qtbot):
    from PySide6.QtWidgets import QMessageBox

    from playground.engine.compiled import engine_description

    window = open_window()
    about = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu()
    next(a for a in about.actions() if "About" in a.text()).trigger()
    dialog = window.findChild(QMessageBox, "about_dialog")
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=WAIT_MS)
    assert f"Training engine: {engine_description()}." in dialog.text()
    assert "compiled C kernel" in dialog.text()  # the README's install builds it
    dialog.close()
