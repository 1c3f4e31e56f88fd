"""Gradient size per layer: the norms of real snapshots' gradients, on the output panel's second tab."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QTabBar

from playground.ui.gradient_norms_plot import MAX_POINTS, GradientNormsPlot
from playground.ui.output_panel import GRADIENT_TAB, LOSS_PLOT_HEIGHT, LOSS_TAB, OutputPanel
from playground.worker.snapshot import Snapshot
from playground.worker.snapshot_builder import SnapshotBuilder
from tests.ui.conftest import WAIT_MS
from tests.ui.snapshot_factory import make_trainer


class Run:
    """A trainer and the builder that turns it into snapshots, as the worker does."""

    def __init__(self, **config: object) -> None:
        self.trainer = make_trainer(**config)
        self.builder = SnapshotBuilder()

    def snapshot(self, epochs: int = 0) -> Snapshot:
        if epochs:
            self.trainer.train(epochs)
        return self.builder.build(self.trainer, running=True, epochs_per_second=0.0)


def expected_norms(snapshot: Snapshot) -> list[float]:
    """The definition, written out: sqrt(Σ dW² + Σ db²) for each weight layer."""
    return [
        float(np.sqrt(np.sum(w**2) + np.sum(b**2))) for w, b in zip(snapshot.weight_gradients, snapshot.bias_gradients)
    ]


def drawn_points(plot: GradientNormsPlot) -> int:
    x = plot.curves[0].xData if plot.curves else None
    return 0 if x is None else len(x)


@pytest.fixture
def plot(qtbot) -> GradientNormsPlot:
    widget = GradientNormsPlot()
    qtbot.addWidget(widget)
    widget.resize(420, 140)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_curves_are_the_norms_of_the_snapshots_gradients(plot: GradientNormsPlot, qtbot) -> None:
    run = Run(hidden=(4, 3, 2))
    snapshots = [run.snapshot(epochs) for epochs in (1, 2, 5, 1)]
    for snapshot in snapshots:
        plot.show_snapshot(snapshot)
    assert plot.count == 4 and len(plot.curves) == 4  # hidden 1, hidden 2, hidden 3, output
    qtbot.waitUntil(lambda: drawn_points(plot) == 4)  # redraws are at most ten a second
    np.testing.assert_array_equal(plot.curves[0].xData, [1, 3, 8, 9])
    expected = np.array([expected_norms(s) for s in snapshots]).T  # (layers, points)
    for curve, norms in zip(plot.curves, expected):
        np.testing.assert_array_equal(curve.yData, norms)  # exactly, not approximately
        assert (norms > 0).all()
    assert plot.plot_item.getAxis("left").logMode
    names = [curve.name() for curve in plot.curves]
    assert names == ["hidden 1", "hidden 2", "hidden 3", "output"]
    assert all(name in plot.legend.text() for name in names)


def test_epoch_zero_is_not_plotted_and_a_reset_clears(plot: GradientNormsPlot, qtbot) -> None:
    run = Run()
    plot.show_snapshot(run.snapshot())
    assert plot.count == 0  # no update yet: every gradient is zero
    for epochs in (3, 3, 3):
        plot.show_snapshot(run.snapshot(epochs))
    assert plot.count == 3
    run.builder.restart_history()  # what a reset, a rebuild or a load does
    plot.show_snapshot(run.snapshot())
    assert plot.count == 1 and plot.norms()[0][0] == 9
    plot.show_snapshot(Run().snapshot())  # a fresh run at epoch 0
    assert plot.count == 0
    qtbot.waitUntil(lambda: drawn_points(plot) == 0)


def test_another_number_of_layers_starts_new_curves(plot: GradientNormsPlot) -> None:
    plot.show_snapshot(Run().snapshot(epochs=2))
    assert len(plot.curves) == 3 and plot.count == 1
    deeper = Run(hidden=(3, 3, 3, 3)).snapshot(epochs=2)
    plot.show_snapshot(dataclasses.replace(deeper, history_reset=False, epoch=5))
    assert len(plot.curves) == 5 and plot.count == 1
    assert "hidden 4" in plot.legend.text()
    plot.show_snapshot(Run(hidden=()).snapshot(epochs=2))  # no hidden layer: the output's weights alone
    assert [curve.name() for curve in plot.curves] == ["output"] and plot.count == 1


def test_the_same_epoch_replaces_the_last_point(plot: GradientNormsPlot, qtbot) -> None:
    run = Run()
    plot.show_snapshot(run.snapshot(epochs=2))
    snapshot = run.snapshot(epochs=2)
    plot.show_snapshot(snapshot)
    edited = dataclasses.replace(  # the same epoch sent again, e.g. after a weight edit
        snapshot,
        history_reset=False,
        weight_gradients=tuple(10 * w for w in snapshot.weight_gradients),
        bias_gradients=tuple(10 * b for b in snapshot.bias_gradients),
    )
    plot.show_snapshot(edited)
    epochs, norms = plot.norms()
    np.testing.assert_array_equal(epochs, [2, 4])
    np.testing.assert_array_equal(norms[:, -1], expected_norms(edited))
    qtbot.waitUntil(lambda: plot.curves[0].yData is not None and plot.curves[0].yData[-1] == norms[0, -1])


def test_memory_is_bounded_by_thinning(plot: GradientNormsPlot, qtbot) -> None:
    snapshot = dataclasses.replace(Run().snapshot(epochs=1), history_reset=False)
    for epoch in range(1, MAX_POINTS + 1):
        plot.show_snapshot(dataclasses.replace(snapshot, epoch=epoch))
    assert plot.count == MAX_POINTS
    plot.show_snapshot(dataclasses.replace(snapshot, epoch=MAX_POINTS + 1))
    epochs, _ = plot.norms()
    assert plot.count == MAX_POINTS // 2 + 1  # every second point went, the first stayed
    np.testing.assert_array_equal(epochs[:-1], np.arange(1, MAX_POINTS + 1, 2))
    assert epochs[-1] == MAX_POINTS + 1
    for epoch in range(MAX_POINTS + 2, 4 * MAX_POINTS):
        plot.show_snapshot(dataclasses.replace(snapshot, epoch=epoch))
        assert plot.count <= MAX_POINTS
    epochs, _ = plot.norms()
    assert epochs[0] == 1 and epochs[-1] == 4 * MAX_POINTS - 1 and (np.diff(epochs) > 0).all()
    qtbot.waitUntil(lambda: drawn_points(plot) == plot.count)


def test_zero_nan_and_overflowing_gradients_draw_without_warnings(plot: GradientNormsPlot, qtbot) -> None:
    snapshot = dataclasses.replace(Run().snapshot(epochs=1), history_reset=False)
    zero, nan, huge = (
        dataclasses.replace(
            snapshot,
            epoch=epoch,
            weight_gradients=tuple(np.full_like(w, value) for w in snapshot.weight_gradients),
            bias_gradients=tuple(np.full_like(b, value) for b in snapshot.bias_gradients),
        )
        for epoch, value in ((2, 0.0), (3, np.nan), (4, 1e200))
    )
    for frame in (snapshot, zero, nan, huge, dataclasses.replace(snapshot, epoch=5)):
        plot.show_snapshot(frame)
    _, norms = plot.norms()
    assert (norms[:, 1] == 0).all() and np.isnan(norms[:, 2]).all() and np.isinf(norms[:, 3]).all()
    qtbot.waitUntil(lambda: drawn_points(plot) == 5)
    plot.grab()  # the suite fails on any warning, Python's or Qt's


def test_the_tab_shows_the_gradient_chart_which_was_filled_while_hidden(panel: OutputPanel, qtbot) -> None:
    tabs = panel.findChild(QTabBar, "chart_tabs")
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Loss", "Gradient size per layer", "Confusion"]
    gradient_plot = panel.findChild(GradientNormsPlot, "gradient_norms_plot")
    assert gradient_plot is panel.gradient_norms_plot and not gradient_plot.isVisible()
    run = Run()
    for epochs in (1, 1, 1):
        panel.show_snapshot(run.snapshot(epochs))
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(GRADIENT_TAB).center())
    qtbot.waitUntil(lambda: gradient_plot.isVisible() and not panel.loss_plot.isVisible())
    assert tabs.currentIndex() == GRADIENT_TAB
    assert not panel.log_scale_checkbox.isVisible() and not panel.loss_plot.legend.isVisible()
    assert gradient_plot.legend.isVisible()
    assert gradient_plot.height() == panel.loss_plot.height() == LOSS_PLOT_HEIGHT  # the same place
    assert drawn_points(gradient_plot) == 3  # drawn on showing, though it was hidden
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(LOSS_TAB).center())
    qtbot.waitUntil(lambda: panel.loss_plot.isVisible() and not gradient_plot.isVisible())
    assert panel.log_scale_checkbox.isVisible() and panel.loss_plot.legend.isVisible()


def test_a_training_window_shows_one_curve_per_weight_layer(open_window, qtbot) -> None:
    window = open_window()
    tabs = window.findChild(QTabBar, "chart_tabs")
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(GRADIENT_TAB).center())
    plot = window.findChild(QObject, "gradient_norms_plot")
    qtbot.waitUntil(plot.isVisible, timeout=WAIT_MS)
    window.findChild(QAbstractButton, "play_button").click()
    qtbot.waitUntil(lambda: drawn_points(plot) >= 3, timeout=WAIT_MS)
    window.findChild(QAbstractButton, "play_button").click()
    qtbot.waitUntil(lambda: not window.controller.snapshot.running, timeout=WAIT_MS)
    snapshot = window.controller.snapshot
    assert len(plot.curves) == len(snapshot.weight_gradients) == len(snapshot.layer_sizes) - 1
    qtbot.waitUntil(lambda: plot.curves[0].xData[-1] == snapshot.epoch, timeout=WAIT_MS)
    for curve in plot.curves:
        assert np.isfinite(curve.yData).all() and (curve.yData > 0).all()
