"""The pictures of a multiclass network (boundary, output neurons, class thumbnails, legend) and
of empty sets ("no points"), fed snapshots built by production code."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPointF
from PySide6.QtGui import QColor, QEnterEvent
from PySide6.QtWidgets import QApplication

from playground.engine.config import Config
from playground.engine.data import SplitData, make_data
from playground.engine.trainer import Trainer
from playground.ui import network_text
from playground.ui.boundary_plot import CLASS_OUTPUT_COLOURS
from playground.ui.class_maps import (
    BOUNDARY_TABLE,
    CLASS_RAMPS,
    LEVELS,
    MAP_CLASS_RAMPS,
    boundary_pixels,
    class_value_color,
)
from playground.ui.colors import CLASS_COLORS, NAN_COLOR, PLAYGROUND_HEATMAP_WHITE, class_color
from playground.ui.loss_plot import LossPlot
from playground.ui.network_view import NetworkView
from playground.ui.output_panel import OutputPanel
from tests.ui.conftest import WAIT_MS
from tests.ui.snapshot_factory import make_snapshot, make_trace, make_trainer

MULTICLASS = dict(problem="multiclass", dataset="blobs", hidden=(8,), learning_rate=0.03)


def rgb(pixel: int) -> tuple[int, int, int]:
    return (pixel >> 16) & 0xFF, (pixel >> 8) & 0xFF, pixel & 0xFF


def lightened(color: tuple[int, int, int]) -> np.ndarray:
    """A class colour as the boundary shows it where the class is certain."""
    w = PLAYGROUND_HEATMAP_WHITE
    return np.round(np.array(color) * (1 - w) + 255 * w)


def pixel_rgb(image, column: int, row: int) -> tuple[int, int, int]:
    color = QColor(image.pixel(column, row))
    return color.red(), color.green(), color.blue()


@pytest.fixture(scope="module")
def trained() -> Trainer:
    """Three blobs, learnt well enough that each class clearly wins somewhere."""
    return make_trainer(epochs=60, classes=3, **MULTICLASS)


# ----- the colour rule --------------------------------------------------------------------------
def test_boundary_colour_is_the_winner_lightened_by_how_sure_it_is():
    p = np.array(
        [  # (3, 1, 4): certain of class 0; all equal; class 2 at 0.6; NaN
            [[1.0, 1 / 3, 0.2, np.nan]],
            [[0.0, 1 / 3, 0.2, np.nan]],
            [[0.0, 1 / 3, 0.6, np.nan]],
        ],
        dtype=np.float32,
    )
    pixels = boundary_pixels(p)[0]
    np.testing.assert_allclose(rgb(int(pixels[0])), lightened(CLASS_COLORS[0]), atol=1)
    assert rgb(int(pixels[1])) == (255, 255, 255)  # every class equally likely: white
    t = (0.6 - 1 / 3) * 1.5  # 0.4 of the way from white to the lightened class 2
    expected = 255 + (lightened(CLASS_COLORS[2]) - 255) * t
    np.testing.assert_allclose(rgb(int(pixels[2])), expected, atol=2)
    assert rgb(int(pixels[3])) == NAN_COLOR
    discrete = boundary_pixels(p, discrete=True)[0]
    for column, k in ((0, 0), (2, 2)):  # flat: the lightened class colour whatever p is
        np.testing.assert_allclose(rgb(int(discrete[column])), lightened(CLASS_COLORS[k]), atol=1)


def test_ramps_run_from_white_to_the_class_colour():
    for k, color in enumerate(CLASS_COLORS):
        assert tuple(CLASS_RAMPS[k][0]) == (255, 255, 255)
        assert tuple(CLASS_RAMPS[k][-1]) == color
        np.testing.assert_allclose(MAP_CLASS_RAMPS[k][-1], lightened(color), atol=1)
    assert len(BOUNDARY_TABLE) == len(CLASS_COLORS) * LEVELS + 1


# ----- the boundary plot ----------------------------------------------------------------------------
def test_boundary_pixels_take_the_colour_of_the_class_that_clearly_wins(panel: OutputPanel, trained: Trainer):
    snapshot = make_snapshot(trained)
    panel.show_snapshot(snapshot)
    image = panel.boundary_plot.image_item.item.pixmap().toImage()
    maps = snapshot.class_maps  # (3, res, res), row 0 = bottom = the pixmap's row 0 (see map_image)
    assert image.width() == maps.shape[2] and image.height() == maps.shape[1]
    for k in range(3):
        rows, columns = np.nonzero(maps[k] > 0.98)
        assert len(rows), f"class {k} never clearly wins"
        for row, column in list(zip(rows, columns))[:: max(1, len(rows) // 20)]:
            t = (float(maps[k, row, column]) - 1 / 3) * 1.5  # how sure: 1 at p = 1
            expected = 255 + (lightened(CLASS_COLORS[k]) - 255) * t
            np.testing.assert_allclose(pixel_rgb(image, column, row), expected, atol=1.5)
    panel.discretize_checkbox.setChecked(True)
    image = panel.boundary_plot.image_item.item.pixmap().toImage()
    winner = np.argmax(maps, axis=0)
    for row, column in ((5, 5), (50, 50), (90, 10), (10, 90)):
        np.testing.assert_allclose(pixel_rgb(image, column, row), lightened(CLASS_COLORS[winner[row, column]]), atol=1)


def test_points_are_filled_with_their_class_colour_and_test_points_outlined_dark(panel: OutputPanel, trained):
    snapshot = make_snapshot(trained)
    panel.show_snapshot(snapshot)
    plot = panel.boundary_plot
    data = plot.train_scatter.data
    for row in range(0, len(snapshot.train_points), 17):
        k = int(snapshot.train_points[row, 2])
        assert data["brush"][row].color() == class_color(k)
    panel.show_test_checkbox.setChecked(True)
    test = plot.test_scatter.data
    assert len(test) == len(snapshot.test_points)
    assert test["brush"][0].color() == class_color(int(snapshot.test_points[0, 2]))
    assert plot.test_scatter.opts["pen"].color() != plot.train_scatter.opts["pen"].color()
    assert plot.plot_widget.toolTip().startswith(CLASS_OUTPUT_COLOURS)


def test_binary_classification_keeps_orange_and_blue(panel: OutputPanel):
    snapshot = make_snapshot(make_trainer(epochs=5))
    panel.show_snapshot(snapshot)
    plot = panel.boundary_plot
    assert plot.image_item.class_maps is None
    np.testing.assert_array_equal(plot.image_item.image, snapshot.node_maps[-1])
    colors = {plot.train_scatter.data["brush"][row].color().name() for row in range(len(snapshot.train_points))}
    assert colors == {"#f59322", "#0877bd"}
    assert not panel.class_thumbnails.isVisible() and panel.color_bar.classes == 0


def test_a_class_map_hovered_shows_large_and_leaves(panel: OutputPanel, trained):
    snapshot = make_snapshot(trained)
    panel.show_snapshot(snapshot)
    plot = panel.boundary_plot
    panel.class_thumbnails.class_hovered.emit(1)
    np.testing.assert_array_equal(plot.image_item.image, snapshot.class_maps[1])
    assert plot.caption.isVisible() and "class 1" in plot.caption.text()
    assert panel.color_bar.shown_class == 1  # the legend: p(class 1) from 0 (white) to 1
    image = plot.image_item.item.pixmap().toImage()
    row, column = np.unravel_index(np.argmax(snapshot.class_maps[1]), snapshot.class_maps[1].shape)
    np.testing.assert_allclose(pixel_rgb(image, column, row), MAP_CLASS_RAMPS[1][-1], atol=6)
    panel.class_thumbnails.class_hovered.emit(-1)
    assert plot.image_item.class_maps is not None and not plot.caption.isVisible()
    assert panel.color_bar.shown_class == -1


# ----- the output panel ---------------------------------------------------------------------------
@pytest.mark.parametrize("k", [3, 5, 8])
def test_output_panel_shows_k_class_thumbnails_and_swatches(panel: OutputPanel, k: int):
    snapshot = make_snapshot(make_trainer(epochs=2, classes=k, **MULTICLASS))
    panel.show_snapshot(snapshot)  # (a regression's RMSE on (n, K) outputs used to raise here)
    row = panel.findChild(QObject, "class_thumbnails")
    assert row is panel.class_thumbnails and row.isVisible()
    for index in range(8):
        thumbnail = panel.findChild(QObject, f"class_thumbnail_{index}")
        assert thumbnail is not None and thumbnail.isVisible() == (index < k)
    assert panel.color_bar.classes == k
    assert panel.accuracy_label.isVisible() and not panel.regression_metrics_label.isVisible()
    assert panel.accuracy_label.text().startswith("Accuracy: train ")
    assert "−ln p(label)" in panel.test_loss_label.toolTip()
    # a thumbnail is p_k from white to the class colour: where p_0 is largest it is most orange
    thumbnail = panel.class_thumbnails.thumbnails[0]
    image, p0 = thumbnail.image, snapshot.class_maps[0][::-2, ::2]  # as show_maps samples it, row 0 = top
    row, column = np.unravel_index(np.argmax(p0), p0.shape)
    expected = 255 + (np.array(CLASS_COLORS[0]) - 255) * float(p0[row, column])
    np.testing.assert_allclose(pixel_rgb(image, column, row), expected, atol=2)


def test_class_thumbnails_hide_again_for_a_binary_problem(panel: OutputPanel):
    panel.show_snapshot(make_snapshot(make_trainer(classes=4, **MULTICLASS)))
    assert panel.class_thumbnails.isVisible()
    panel.show_snapshot(make_snapshot(make_trainer()))
    assert not panel.class_thumbnails.isVisible() and panel.color_bar.classes == 0
    assert panel.accuracy_label.isVisible()


def test_an_empty_test_set_reads_no_points(panel: OutputPanel):
    config = Config(**MULTICLASS)
    data = make_data(config)
    trainer = Trainer(config, SplitData(data.train, np.empty((0, 3))))
    trainer.train(3)
    snapshot = make_snapshot(trainer)
    assert np.isnan(snapshot.test_loss)
    panel.show_snapshot(snapshot)
    assert panel.test_loss_label.text() == "Test loss: no points"
    assert re.fullmatch(r"Training loss \d+\.\d{3}", panel.train_loss_label.text())
    assert panel.accuracy_label.text().endswith("test no points")
    assert "nan" not in panel.accuracy_label.text().lower()
    assert "test set has no points" in panel.loss_plot.legend.toolTip() and "no points" not in panel.loss_plot.legend.text()
    _, train, test = panel.loss_plot.losses()
    assert len(test) == 4 and np.isnan(test).all() and np.isfinite(train).all()


def test_an_empty_plane_reads_no_points_for_both_sets(panel: OutputPanel):
    config = Config()
    trainer = Trainer(config, SplitData(np.empty((0, 3)), np.empty((0, 3))))
    panel.show_snapshot(make_snapshot(trainer))
    assert panel.test_loss_label.text() == "Test loss: no points"
    assert panel.train_loss_label.text() == "Training loss: no points"
    assert panel.accuracy_label.text() == "Accuracy: train no points · test no points"
    regression = Trainer(Config(problem="regression", dataset="plane"), SplitData(np.empty((0, 3)), np.empty((0, 3))))
    panel.show_snapshot(make_snapshot(regression))
    assert panel.regression_metrics_label.text().count("no points") == 4


def test_loss_plot_draws_nan_losses_as_gaps_and_reads_them_as_no_points(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 160)
    plot.show()
    qtbot.waitExposed(plot)
    plot.append(0, np.linspace(1.0, 0.5, 50), np.full(50, np.nan))
    plot._redraw()
    plot.grab()  # drawn without a warning (the tests fail on any)
    assert plot.sensible_range() == pytest.approx((0.5, 1.0))
    plot.set_log_scale(True)
    plot.grab()
    plot._set_hover(10)
    assert plot.hover_text().endswith("test no points")
    plot.append(50, np.array([np.nan]), np.array([np.nan]))  # both NaN: a divergence
    plot._set_hover(50)
    assert plot.hover_text().endswith("train NaN · test NaN")


# ----- the network view --------------------------------------------------------------------------------
@pytest.fixture
def view(qtbot) -> NetworkView:
    widget = NetworkView()
    qtbot.addWidget(widget)
    widget.resize(760, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_output_neurons_show_p_k_from_white_to_their_class_colour(view: NetworkView, trained):
    snapshot = make_snapshot(trained)
    view.show_snapshot(snapshot)
    last = len(snapshot.layer_sizes) - 1
    for k in range(3):
        item = view.neuron_item(last, k)
        assert item.label.text() == f"class {k}"
        image = item.thumb.pixmap().toImage()
        size = image.width()
        # the thumbnail's pixel nearest the map's most certain point for this class
        row, column = np.unravel_index(np.argmax(snapshot.class_maps[k]), snapshot.class_maps[k].shape)
        res = snapshot.class_maps.shape[-1]
        x, y = int(column * size / res), int((res - 1 - row) * size / res)
        np.testing.assert_allclose(pixel_rgb(image, x, y), CLASS_COLORS[k], atol=40)
    hidden = view.neuron_item(1, 0).thumb.pixmap().toImage()  # hidden neurons keep the value scale
    assert hidden.width() == size


def test_output_neuron_text_and_hover_speak_of_classes(view: NetworkView, trained, qtbot):
    trace = make_trace(trained, 1.0, 1.0, 2.0)
    snapshot = make_snapshot(trained, trace)
    view.show_snapshot(snapshot)
    last = len(snapshot.layer_sizes) - 1
    text = view.tooltip(("node", last, 2))
    assert f"class 2: p = {float(trace.a[-1][2]):.2f}" in text
    assert "dE/dz = p − 1" in text and "label 2" in text
    assert network_text.node_name(snapshot, last, 0) == "the output of class 0"
    for k in range(3):  # rings: the traced p_k on the class's white … colour ramp
        assert view.neuron_item(last, k).pen().color() == class_value_color(k, float(trace.a[-1][k]))
    nodes, classes = [], []
    view.node_hovered.connect(nodes.append)
    view.class_hovered.connect(classes.append)
    view.hovered(("node", last, 1), True)
    view.hovered(("node", last, 1), False)
    view.hovered(("node", 1, 0), True)
    assert classes == [1, -1] and nodes == [-1, -1, snapshot.node_index(1, 0)]


def test_binary_output_neuron_is_unchanged(view: NetworkView):
    snapshot = make_snapshot(make_trainer(epochs=3))
    view.show_snapshot(snapshot)
    item = view.neuron_item(len(snapshot.layer_sizes) - 1, 0)
    assert not hasattr(item, "label") or item.label is None
    classes = []
    view.class_hovered.connect(classes.append)
    view.hovered(("node", len(snapshot.layer_sizes) - 1, 0), True)
    assert classes == []


def test_a_diverged_multiclass_map_is_grey_and_only_then_has_a_nan_swatch(panel: OutputPanel, trained):
    snapshot = make_snapshot(trained)
    panel.show_snapshot(snapshot)
    assert panel.color_bar.classes == 3 and not panel.color_bar.class_nan  # class 7's dark grey is no NaN
    broken = dataclasses.replace(snapshot, node_maps=np.full_like(snapshot.node_maps, np.nan), train_loss=np.nan)
    panel.show_snapshot(broken)
    assert panel.color_bar.class_nan
    image = panel.boundary_plot.image_item.item.pixmap().toImage()
    assert pixel_rgb(image, 3, 7) == NAN_COLOR
    assert panel.train_loss_label.text() == "Training loss NaN"  # a divergence, not an empty set


# ----- the whole window -----------------------------------------------------------------------------
def test_a_multiclass_window_trains_and_traces_live(open_window, qtbot):
    window = open_window(Config(classes=5, **MULTICLASS))
    panel, view = window.run_view.output_panel, window.run_view.network_view
    assert panel.class_thumbnails.isVisible()
    assert [t.isVisible() for t in panel.class_thumbnails.thumbnails] == [True] * 5 + [False] * 3
    window.controller.toggle_running()
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch >= 30, timeout=WAIT_MS)
    window.controller.toggle_running()
    qtbot.waitUntil(lambda: not window.controller.snapshot.running, timeout=WAIT_MS)
    x, y, label = (float(v) for v in window.controller.snapshot.train_points[0])
    panel.sample_hovered.emit(x, y, label)
    qtbot.waitUntil(lambda: window.controller.snapshot.trace is not None, timeout=WAIT_MS)
    snapshot = window.controller.snapshot
    last = len(snapshot.layer_sizes) - 1
    k = int(label)
    assert view.neuron_item(last, k).pen().color() == class_value_color(k, float(snapshot.trace.a[-1][k]))
    assert f"class {k}: p = " in view.tooltip(("node", last, k))
    np.testing.assert_array_equal(panel.boundary_plot.image_item.class_maps, snapshot.class_maps)
    assert "nan" not in panel.test_loss_label.text().lower()


def test_switching_the_problem_switches_the_pictures(open_window, qtbot):
    window = open_window()
    panel, view, plot = window.run_view.output_panel, window.run_view.network_view, window.run_view.output_panel.boundary_plot
    assert not panel.class_thumbnails.isVisible() and plot.image_item.class_maps is None
    window.run_view.set_value("problem", "multiclass")
    qtbot.waitUntil(lambda: window.controller.snapshot.config.problem == "multiclass", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: plot.image_item.class_maps is not None, timeout=WAIT_MS)
    snapshot = window.controller.snapshot
    k = snapshot.config.classes
    assert panel.class_thumbnails.isVisible() and panel.color_bar.classes == k
    assert view.neuron_item(len(snapshot.layer_sizes) - 1, k - 1).label.text() == f"class {k - 1}"
    brushes = plot.train_scatter.data["brush"]
    assert {b.color().name() for b in brushes} == {class_color(c).name() for c in range(k)}
    window.run_view.set_value("problem", "classification")
    qtbot.waitUntil(lambda: window.controller.snapshot.config.problem == "classification", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: plot.image_item.class_maps is None, timeout=WAIT_MS)
    assert not panel.class_thumbnails.isVisible() and panel.color_bar.classes == 0
    assert {b.color().name() for b in plot.train_scatter.data["brush"]} == {"#f59322", "#0877bd"}


def test_a_shown_class_map_follows_the_snapshots_and_gives_way(panel: OutputPanel, view: NetworkView):
    run = make_trainer(classes=3, **MULTICLASS)
    view.show_snapshot(make_snapshot(run))
    view.class_hovered.connect(panel.show_class_map)  # as the run view may wire it
    panel.show_snapshot(make_snapshot(run))
    view.hovered(("node", 2, 1), True)
    plot = panel.boundary_plot
    run.train(5)
    later = make_snapshot(run)
    panel.show_snapshot(later)
    np.testing.assert_array_equal(plot.image_item.image, later.class_maps[1])  # live, not the first frame's
    panel.show_snapshot(make_snapshot(make_trainer()))  # a binary problem: the boundary comes back
    assert not plot.node_map_shown and plot.image_item.class_maps is None
    view.hovered(("node", 2, 1), False)
    assert not plot.node_map_shown


def test_hovering_a_class_thumbnail_shows_its_map_and_frames_it(panel: OutputPanel, trained, qtbot):
    snapshot = make_snapshot(trained)
    panel.show_snapshot(snapshot)
    thumbnail = panel.class_thumbnails.thumbnails[2]
    QApplication.sendEvent(thumbnail, QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))
    assert thumbnail.hovered and panel.boundary_plot.node_map_shown
    np.testing.assert_array_equal(panel.boundary_plot.image_item.image, snapshot.class_maps[2])
    QApplication.sendEvent(thumbnail, QEvent(QEvent.Type.Leave))
    assert not thumbnail.hovered and not panel.boundary_plot.node_map_shown
    panel.class_thumbnails.class_hovered.emit(0)  # hidden (a binary problem next): hovers nothing
    panel.show_snapshot(make_snapshot(make_trainer()))
    assert panel.class_thumbnails.hovered == -1 and not panel.boundary_plot.node_map_shown
