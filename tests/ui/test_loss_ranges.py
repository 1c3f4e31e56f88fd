"""The loss plot's ranges grow in steps, so its axes are not redrawn on every frame."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QLabel

from playground.ui import loss_plot
from playground.ui.loss_plot import LossPlot, nice_ceiling


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1.0, 1.0), (1.01, 1.25), (0.55, 0.6), (7.0, 8.0), (300.0, 300.0), (301.0, 400.0), (0.0123, 0.0125), (9999.0, 10000.0)],
)
def test_nice_ceiling_is_the_next_step_up(value, expected):
    assert nice_ceiling(value) == pytest.approx(expected)


def test_ranges_hold_the_curve_and_change_rarely(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    changes, last = 0, None
    for start in range(0, 5000, 50):
        losses = np.full(50, 0.5)
        plot.append(start, losses, losses * 0.9)
        plot._redraw()  # what the deferred redraw timer would do
        (x0, x1), (y0, y1) = plot.plot_item.viewRange()
        assert x0 == pytest.approx(0) and start + 49 <= x1 <= 4 / 3 * (start + 49) + 1e-9
        assert y1 >= 0.5 and y1 <= 0.6 * 1.03
        changes += (x1 != last)
        last = x1
    assert changes <= 25  # ~10 steps a decade over 10..5000, not 100 (one per append)


def test_a_diverging_run_leaves_the_chart_at_the_top_instead_of_flattening_it(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    sensible = np.linspace(0.6, 0.3, 200)
    plot.append(0, sensible, sensible * 1.1)
    plot.append(200, np.array([3.0, 1e30, 1e302, np.inf, np.nan]), np.array([2.0, 1e29, np.inf, np.nan, np.nan]))
    plot._redraw()
    (_, y_top) = plot.plot_item.viewRange()[1]
    assert 3.0 <= y_top <= 5.0  # the climb to 3 shows; 1e30 and beyond run off the top
    plot.set_log_scale(True)
    low, high = plot.plot_item.viewRange()[1]  # log10 units
    assert -1.5 <= low <= np.log10(0.3) and np.log10(3.0) <= high <= 1.0


def test_the_legend_is_outside_the_plot_area(qtbot):
    from playground.ui.output_panel import OutputPanel

    panel = OutputPanel()
    qtbot.addWidget(panel)
    legend = panel.findChild(QLabel, "loss_legend")
    assert legend is not None and "train" in legend.text() and "test" in legend.text()
    assert not panel.loss_plot.plot_widget.isAncestorOf(legend)
    assert not [item for item in panel.loss_plot.plot_item.items if isinstance(item, pg.LegendItem)]


def test_every_colour_explanation_says_grey_is_zero_and_dark_grey_nan(qtbot):
    from playground.ui.output_panel import OutputPanel

    panel = OutputPanel()
    qtbot.addWidget(panel)
    for tip in (panel.boundary_plot.plot_widget.toolTip(), panel.color_bar.toolTip()):
        assert "light grey = 0" in tip and "dark grey = NaN" in tip


POINTS = np.zeros((1, 3))  # one point in each set: the losses are real numbers, not "no points"


def test_rows_sent_again_replace_what_was_drawn(qtbot):
    from types import SimpleNamespace

    plot = LossPlot()
    qtbot.addWidget(plot)
    rows = np.column_stack([np.linspace(0.5, 0.3, 11), np.linspace(0.6, 0.4, 11), np.full(11, np.nan), np.full(11, np.nan)])
    plot.show_snapshot(SimpleNamespace(live_epoch=None, train_points=POINTS, test_points=POINTS, history_reset=True, new_history=rows, history_epochs=np.arange(11.0)))
    # Epoch 10 re-evaluated after a weight was edited by hand: one row, sent again.
    again = np.array([[0.9, 1.1, np.nan, np.nan]])
    plot.show_snapshot(SimpleNamespace(live_epoch=None, train_points=POINTS, test_points=POINTS, history_reset=False, new_history=again, history_epochs=np.array([10.0])))
    epochs, train, test = plot.losses()
    assert len(epochs) == 11 and epochs[-1] == 10
    assert (train[-1], test[-1]) == (0.9, 1.1) and train[-2] == rows[9, 0]
    plot.show_snapshot(SimpleNamespace(live_epoch=None, train_points=POINTS, test_points=POINTS, history_reset=False, new_history=again, history_epochs=np.array([11.0])))
    assert plot.count == 12


def test_a_run_that_converged_far_below_its_start_still_shows_its_start(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    falling = np.geomspace(0.5, 1e-6, 3000)  # the median is ~7e-4, far below the first 0.5
    plot.append(0, falling, falling * 1.2)
    plot._redraw()
    (_, y_top) = plot.plot_item.viewRange()[1]
    assert y_top >= 0.6  # the first epochs (test 0.6) are on the chart
    plot.set_log_scale(True)
    low, high = plot.plot_item.viewRange()[1]
    assert low <= -6 and high >= np.log10(0.6)


def test_a_thinned_history_is_drawn_at_its_own_epochs_and_hovered_by_them(qtbot):
    from types import SimpleNamespace

    plot = LossPlot()
    qtbot.addWidget(plot)
    epochs = np.concatenate([np.arange(0, 100, 4), np.arange(100, 120)]).astype(float)  # thinned, then dense
    rows = np.column_stack([1 / (1 + epochs), 1 / (1 + epochs), np.full(epochs.size, np.nan), np.full(epochs.size, np.nan)])
    plot.show_snapshot(SimpleNamespace(live_epoch=None, train_points=POINTS, test_points=POINTS, history_reset=True, new_history=rows, history_epochs=epochs))
    drawn, train, _ = plot.losses()
    np.testing.assert_array_equal(drawn, epochs)
    plot._redraw()
    box = plot.plot_item.getViewBox()
    row = plot.row_at(box.mapViewToScene(pg.Point(41.0, 0.1)))
    assert drawn[row] == 40.0  # the nearest epoch held, not row 41


def test_the_y_range_from_block_statistics_is_the_range_of_every_row(qtbot, monkeypatch):
    """Whole blocks answer from their kept largest/smallest loss, blocks holding absurd values and
    the rows after the last whole block are read in full; rows sent again re-measure their block."""
    monkeypatch.setattr(loss_plot, "STATS_BLOCK", 16)
    plot = LossPlot()
    qtbot.addWidget(plot)
    rng = np.random.default_rng(7)

    def every_row() -> tuple[float, float]:
        _, train, test = plot.losses()
        data = np.vstack([train, test])
        sample = data[:, :: max(1, plot.count // loss_plot.MEDIAN_SAMPLE)]
        cap = loss_plot.ABSURD_FACTOR * max(float(np.median(np.abs(sample[np.isfinite(sample)]))),
                                            float(np.abs(data[:, 0][np.isfinite(data[:, 0])]).max()))
        with np.errstate(invalid="ignore"):
            shown = data[np.isfinite(data) & (data <= cap)]
        high = float(shown.max()) if shown.size and shown.max() > 0 else 1.0
        return (float(shown[shown > 0].min()) if (shown > 0).any() else high), high

    losses = np.abs(rng.standard_normal((2, 200))) + 0.01
    losses[0, [5, 40, 41]] = [np.nan, np.inf, 1e30]  # a gap, an overflow, an absurd spike
    losses[1, [70, 150]] = [0.0, 1e300]
    plot.append(0, losses[0, :150], losses[1, :150])
    assert plot.sensible_range() == every_row()
    plot._truncate(37)  # rows from epoch 37 on come again, re-evaluated
    plot.append(37, losses[0, 37:] * 3, losses[1, 37:] * 0.5)
    assert plot.count == 200 and plot.sensible_range() == every_row()
