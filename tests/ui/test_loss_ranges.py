"""The loss plot's ranges grow in steps, so its axes are not redrawn on every frame."""

from __future__ import annotations

import numpy as np
import pytest

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
