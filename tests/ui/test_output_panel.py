"""The output panel: loss numbers, loss chart and decision-boundary heatmap, fed real snapshots."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QWidget

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.trainer import Trainer
from playground.ui.boundary_plot import BoundaryPlot
from playground.ui.colors import MAP_DISCRETE_LUT, MAP_LUT, NAN_COLOR, VALUE_LUT, lut_index
from playground.ui.loss_plot import LossPlot
from playground.ui.output_panel import OutputPanel
from playground.worker.snapshot import Snapshot
from playground.worker.snapshot_builder import SnapshotBuilder


class Run:
    """A trainer and the builder that turns it into snapshots, as the worker does."""

    def __init__(self, **config: object) -> None:
        self.trainer = Trainer(Config(**config), make_data(Config(**config)))
        self.builder = SnapshotBuilder()

    def snapshot(self, epochs: int = 0) -> Snapshot:
        if epochs:
            self.trainer.train(epochs)
        return self.builder.build(self.trainer, running=True, epochs_per_second=0.0)


def curve_length(plot: LossPlot) -> int:
    x = plot.train_curve.xData
    return 0 if x is None else len(x)


def scatter_count(item) -> int:
    return len(item.data)


def move_mouse(viewport: QWidget, pos: QPoint) -> None:
    """A plain mouse move (no button) delivered to a plot's viewport, as the window system does."""
    event = QMouseEvent(
        QEvent.Type.MouseMove, QPointF(pos), QPointF(viewport.mapToGlobal(pos)),
        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


# ----- the heatmap ---------------------------------------------------------------------
def test_image_is_the_output_map(panel: OutputPanel) -> None:
    snapshot = Run().snapshot(epochs=20)
    panel.show_snapshot(snapshot)
    image = panel.boundary_plot.image_item.image
    assert image.dtype == np.float32
    np.testing.assert_array_equal(image, snapshot.node_maps[-1])
    assert tuple(panel.boundary_plot.image_item.levels) == (-1.0, 1.0)
    item = panel.boundary_plot.image_item.item
    rect = item.mapRectToParent(item.boundingRect())
    half_pixel = snapshot.grid_extent / (image.shape[0] - 1)
    assert rect.left() == pytest.approx(-snapshot.grid_extent - half_pixel)
    assert rect.bottom() == pytest.approx(snapshot.grid_extent + half_pixel)  # row 0 at y = −extent


def test_view_is_fixed_square_without_mouse_navigation(panel: OutputPanel) -> None:
    panel.show_snapshot(Run().snapshot())
    view_box = panel.boundary_plot.view_box
    (x0, x1), (y0, y1) = view_box.viewRange()
    assert x0 <= -6 and x1 >= 6 and y0 <= -6 and y1 >= 6
    assert x1 - x0 == pytest.approx(12, abs=0.3) and y1 - y0 == pytest.approx(12, abs=0.3)
    assert view_box.state["mouseEnabled"] == [False, False]
    assert view_box.state["aspectLocked"] == 1.0


def test_discretize_switches_the_lut(panel: OutputPanel) -> None:
    panel.show_snapshot(Run().snapshot(epochs=5))
    image_item = panel.boundary_plot.image_item
    np.testing.assert_array_equal(image_item.lut, MAP_LUT)
    panel.discretize_checkbox.setChecked(True)
    np.testing.assert_array_equal(image_item.lut, MAP_DISCRETE_LUT)
    panel.discretize_checkbox.setChecked(False)
    np.testing.assert_array_equal(image_item.lut, MAP_LUT)


def test_show_test_adds_and_removes_test_points(panel: OutputPanel) -> None:
    snapshot = Run().snapshot()
    panel.show_snapshot(snapshot)
    plot = panel.boundary_plot
    assert scatter_count(plot.train_scatter) == len(snapshot.train_points) == 250
    assert scatter_count(plot.test_scatter) == 0
    panel.show_test_checkbox.setChecked(True)
    assert scatter_count(plot.test_scatter) == len(snapshot.test_points) == 250
    np.testing.assert_array_equal(plot.test_scatter.data["x"], snapshot.test_points[:, 0])
    panel.show_test_checkbox.setChecked(False)
    assert scatter_count(plot.test_scatter) == 0


def test_points_are_only_reset_when_the_data_changes(panel: OutputPanel) -> None:
    run = Run()
    panel.show_snapshot(run.snapshot())
    scatter = panel.boundary_plot.train_scatter
    data_before = scatter.data
    panel.show_snapshot(run.snapshot(epochs=3))
    assert scatter.data is data_before  # same data version: untouched
    run.builder.data_changed()
    panel.show_snapshot(run.snapshot())
    assert scatter.data is not data_before
    assert panel.boundary_plot.train_scatter is scatter  # the item is reused


def test_point_fill_follows_the_label(panel: OutputPanel) -> None:
    snapshot = Run(problem="regression", dataset="plane").snapshot()
    panel.show_snapshot(snapshot)
    data = panel.boundary_plot.train_scatter.data
    for row in (0, 1, 2):
        expected = VALUE_LUT[lut_index(float(snapshot.train_points[row, 2]))]
        color = data["brush"][row].color()
        assert (color.red(), color.green(), color.blue()) == tuple(int(c) for c in expected)


def test_node_map_replaces_the_output_until_restored(panel: OutputPanel) -> None:
    snapshot = Run().snapshot(epochs=5)
    panel.show_snapshot(snapshot)
    image_item = panel.boundary_plot.image_item
    panel.discretize_checkbox.setChecked(True)
    feature = snapshot.node_maps[0]  # x1: spans [−6, 6]
    panel.show_node_map(feature, 6.0)
    np.testing.assert_array_equal(image_item.image, feature)
    assert tuple(image_item.levels) == (-6.0, 6.0)
    np.testing.assert_array_equal(image_item.lut, MAP_LUT)  # discretize is for the output only
    assert panel.boundary_plot.caption.isVisible()
    assert panel.color_bar._scale == 6.0
    panel.show_snapshot(snapshot)  # a new snapshot does not steal the hovered neuron's place
    np.testing.assert_array_equal(image_item.image, feature)
    panel.show_node_map(None)
    np.testing.assert_array_equal(image_item.image, snapshot.node_maps[-1])
    assert tuple(image_item.levels) == (-1.0, 1.0)
    np.testing.assert_array_equal(image_item.lut, MAP_DISCRETE_LUT)
    assert not panel.boundary_plot.caption.isVisible() and panel.color_bar._scale == 1.0
    panel.show_node_map(feature, float("nan"))  # an unusable scale falls back to [−1, 1]
    assert tuple(image_item.levels) == (-1.0, 1.0)


def diverged_run() -> tuple[Run, Snapshot]:
    run = Run(problem="regression", dataset="plane", learning_rate=10, activation="linear", hidden=(8, 8))
    first = run.snapshot()
    for _ in range(3):
        run.trainer.train_epoch()
    return run, first


def test_nan_output_map_draws_grey_without_warnings(panel: OutputPanel, qtbot) -> None:
    run, first = diverged_run()
    panel.show_snapshot(first)
    assert not panel.boundary_plot.image_item.has_nan
    snapshot = run.snapshot()
    assert np.isnan(snapshot.node_maps[-1]).any()
    panel.show_snapshot(snapshot)
    assert panel.boundary_plot.image_item.has_nan
    rows, columns = np.nonzero(np.isnan(snapshot.node_maps[-1]))
    shown = panel.boundary_plot.image_item.item.pixmap().toImage()
    assert shown.pixelColor(int(columns[0]), int(rows[0])) == QColor(*NAN_COLOR)  # pixmap row i = map row i
    panel.grab()  # paints the NaN image, the NaN losses and the labels
    assert "NaN" in panel.test_loss_label.text() or "inf" in panel.test_loss_label.text()


def test_nan_losses_do_not_break_the_curve(qtbot) -> None:
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 140)
    plot.show()
    plot.append(0, np.array([0.5, 0.4, np.nan, np.inf]), np.array([0.6, np.nan, np.nan, 0.3]))
    plot.set_log_scale(True)
    plot.append(4, np.array([0.0, -1.0]), np.array([0.2, 0.1]))
    qtbot.waitUntil(lambda: curve_length(plot) == 6)  # redraws are at most ten a second
    plot.grab()
    plot.set_log_scale(False)
    plot.grab()


# ----- the loss chart --------------------------------------------------------------------
def test_loss_curve_follows_the_history_and_resets(panel: OutputPanel, qtbot) -> None:
    run = Run()
    for epochs in (0, 3, 7, 1, 4):
        panel.show_snapshot(run.snapshot(epochs))
    history = run.trainer.history
    assert panel.loss_plot.count == len(history) == 16  # stored at once, drawn within 0.1 s
    qtbot.waitUntil(lambda: curve_length(panel.loss_plot) == 16)
    np.testing.assert_array_equal(panel.loss_plot.train_curve.yData, history.column("train_loss"))
    np.testing.assert_array_equal(panel.loss_plot.test_curve.yData, history.column("test_loss"))
    np.testing.assert_array_equal(panel.loss_plot.train_curve.xData, np.arange(16))
    run.builder.restart_history()
    panel.show_snapshot(run.snapshot())
    assert panel.loss_plot.count == len(history)  # the whole history again, once
    qtbot.waitUntil(lambda: curve_length(panel.loss_plot) == len(history))
    fresh = Run()
    fresh.builder.serial = 99
    panel.show_snapshot(fresh.snapshot())  # a reset trainer: reset flag, one row
    assert curve_length(panel.loss_plot) == 1


def test_log_checkbox_sets_log_axis(panel: OutputPanel) -> None:
    panel.show_snapshot(Run().snapshot(epochs=10))
    axis = panel.loss_plot.plot_item.getAxis("left")
    assert not axis.logMode
    panel.log_scale_checkbox.setChecked(True)
    assert axis.logMode and panel.loss_plot.log_scale
    panel.log_scale_checkbox.setChecked(False)
    assert not axis.logMode


def test_two_hundred_thousand_epochs_in_chunks(qtbot) -> None:
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 140)
    plot.show()
    rng = np.random.default_rng(0)
    chunk = 1000
    for start in range(0, 200_000, chunk):
        losses = rng.uniform(0.01, 0.5, size=(2, chunk))
        plot.append(start, losses[0], losses[1])
    assert plot.count == 200_000
    qtbot.waitUntil(lambda: curve_length(plot) == 200_000)
    epochs, train, _ = plot.losses()
    assert epochs[-1] == 199_999 and train[-1] == losses[0, -1]
    assert plot.train_curve.opts["skipFiniteCheck"]
    plot.grab()


def test_loss_hover_reads_out_the_epoch(panel: OutputPanel, qtbot) -> None:
    run = Run()
    panel.show_snapshot(run.snapshot(epochs=40))
    plot = panel.loss_plot
    plot.grab()  # the view fits its range to the data when it paints
    view_box = plot.plot_item.getViewBox()
    scene_pos = view_box.mapViewToScene(QPointF(12.2, 0.1))
    viewport = plot.plot_widget.viewport()
    move_mouse(viewport, plot.plot_widget.mapFromScene(scene_pos))
    qtbot.waitUntil(lambda: plot.hover_text() != "")
    history = run.trainer.history
    train, test = history.column("train_loss")[12], history.column("test_loss")[12]
    assert plot.hover_text() == f"epoch 12 · train {train:.4f} · test {test:.4f}"
    assert plot.hover_line.isVisible() and plot.hover_line.value() == 12
    QApplication.sendEvent(viewport, QEvent(QEvent.Type.Leave))
    assert plot.hover_text() == "" and not plot.hover_line.isVisible()


# ----- hovering a point --------------------------------------------------------------------
def viewport_pos(plot: BoundaryPlot, x: float, y: float) -> QPoint:
    return plot.plot_widget.mapFromScene(plot.view_box.mapViewToScene(QPointF(x, y)))


def test_hovering_a_point_emits_it(panel: OutputPanel, qtbot) -> None:
    snapshot = Run().snapshot()
    panel.show_snapshot(snapshot)
    plot = panel.boundary_plot
    viewport = plot.plot_widget.viewport()
    x, y, label = (float(v) for v in snapshot.train_points[0])
    received: list[tuple[float, float, float]] = []
    panel.sample_hovered.connect(lambda *args: received.append(args))
    with qtbot.waitSignal(panel.sample_hovered):
        move_mouse(viewport, viewport_pos(plot, x, y) + QPoint(2, -1))
    nearest = plot.point_at(plot.view_box.mapViewToScene(QPointF(x, y)))
    assert received[-1] == nearest
    assert plot.hovered_point == nearest and scatter_count(plot.hover_ring) > 0  # the ring is drawn
    corner = viewport_pos(plot, 5.9, 5.9)  # a corner no point of the circle reaches
    with qtbot.waitSignal(panel.sample_left):
        move_mouse(viewport, corner)
    assert plot.hovered_point is None and scatter_count(plot.hover_ring) == 0
    with qtbot.waitSignal(panel.sample_hovered):
        move_mouse(viewport, viewport_pos(plot, x, y))
    with qtbot.waitSignal(panel.sample_left):  # leaving the plot while over a point
        QApplication.sendEvent(viewport, QEvent(QEvent.Type.Leave))
    assert plot.hovered_point is None


def test_hover_finds_the_exact_training_point(panel: OutputPanel) -> None:
    snapshot = Run().snapshot()
    panel.show_snapshot(snapshot)
    plot = panel.boundary_plot
    # the training point farthest from all others: nothing else is within the hover radius
    points = snapshot.train_points
    distance = np.linalg.norm(points[:, None, :2] - points[None, :, :2], axis=2) + np.eye(len(points)) * 99
    loneliest = int(np.argmax(distance.min(axis=1)))
    x, y, label = (float(v) for v in points[loneliest])
    received: list[tuple[float, float, float]] = []
    plot.sample_hovered.connect(lambda *args: received.append(args))
    plot._on_mouse_moved(plot.view_box.mapViewToScene(QPointF(x, y)))
    assert received == [(x, y, label)]


def test_test_points_hover_only_when_shown(panel: OutputPanel) -> None:
    snapshot = Run().snapshot()
    panel.show_snapshot(snapshot)
    plot = panel.boundary_plot
    x, y, label = (float(v) for v in snapshot.test_points[0])
    scene = plot.view_box.mapViewToScene(QPointF(x, y))
    assert plot.point_at(scene) != (x, y, label)
    panel.show_test_checkbox.setChecked(True)
    hit = plot.point_at(scene)
    assert hit is not None and hit[:2] == pytest.approx((x, y), abs=0.2)


# ----- the numbers and the widgets ----------------------------------------------------------
def test_numbers_show_the_snapshot(panel: OutputPanel) -> None:
    snapshot = Run().snapshot(epochs=30)
    panel.show_snapshot(snapshot)
    assert panel.test_loss_label.text() == f"Test loss {snapshot.test_loss:.3f}"
    assert panel.train_loss_label.text() == f"Training loss {snapshot.train_loss:.3f}"
    assert panel.accuracy_label.isVisible()
    text = panel.accuracy_label.text()
    assert f"train {100 * snapshot.train_accuracy:.1f} %" in text
    assert f"test {100 * snapshot.test_accuracy:.1f} %" in text


def test_regression_hides_accuracy(panel: OutputPanel) -> None:
    snapshot = Run(problem="regression", dataset="plane").snapshot(epochs=2)
    panel.show_snapshot(snapshot)
    assert not panel.accuracy_label.isVisible()
    assert panel.test_loss_label.text() == f"Test loss {snapshot.test_loss:.3f}"


def test_numpy_scalars_are_formatted(panel: OutputPanel) -> None:
    snapshot = Run().snapshot()
    converted = dataclasses.replace(
        snapshot, train_loss=np.float32(0.25), test_loss=np.float64(0.5), train_accuracy=np.float64(0.75)
    )
    panel.show_snapshot(converted)
    assert panel.train_loss_label.text() == "Training loss 0.250"
    assert "train 75.0 %" in panel.accuracy_label.text()


def test_interactive_widgets_have_names_and_tooltips(panel: OutputPanel) -> None:
    names = {box.objectName() for box in panel.findChildren(QCheckBox)}
    assert names == {"log_scale_checkbox", "show_test_checkbox", "discretize_checkbox"}
    for widget in panel.findChildren(QWidget):
        if isinstance(widget, QCheckBox) or widget.objectName().endswith("_view"):
            assert widget.toolTip(), widget.objectName()
    assert panel.show_test_checkbox.text() == "Show test data"
    assert panel.discretize_checkbox.text() == "Discretize output"


def test_snapshots_share_the_points_read_only_instead_of_copying_them_every_frame():
    from playground.worker.snapshot_builder import SnapshotBuilder
    from tests.ui.snapshot_factory import make_trainer

    trainer = make_trainer(epochs=1)
    builder = SnapshotBuilder()
    first = builder.build(trainer, running=True, epochs_per_second=0.0)
    trainer.train_epoch()
    second = builder.build(trainer, running=True, epochs_per_second=0.0)
    assert second.train_points is first.train_points and second.test_points is first.test_points
    assert not first.train_points.flags.writeable and not first.test_points.flags.writeable
