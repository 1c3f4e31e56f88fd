"""How the app's pyqtgraph charts behave: read, not navigated."""

from __future__ import annotations

import pyqtgraph as pg

AXIS_WIDTH = 42  # px of the left axis: room for its labels


def chart_widget(**options) -> pg.PlotWidget:
    """A PlotWidget on white whose view box never builds its context menu (the charts have none,
    and each menu cost the first frame about 4 ms)."""
    return pg.PlotWidget(background="w", viewBox=pg.ViewBox(enableMenu=False), **options)


def still_chart(plot: pg.PlotItem, grid_x: bool = False, grid_alpha: float = 0.15) -> None:
    """No context menu, no auto-range button, no mouse zoom or pan; a faint grid."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    plot.showGrid(x=grid_x, y=True, alpha=grid_alpha)
    plot.getAxis("left").setWidth(AXIS_WIDTH)


def long_series(plot: pg.PlotItem) -> None:
    """A curve of up to millions of points: draw what is in view, at most a point per pixel."""
    plot.setClipToView(True)
    plot.setDownsampling(auto=True, mode="peak")
