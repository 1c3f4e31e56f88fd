"""How the app's pyqtgraph charts behave: read, not navigated; and coloured by the theme in force."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QColor, QFont

from playground.ui import theme

AXIS_WIDTH = 42  # px of the left axis: room for its labels
TICK_POINTS = 8.0  # the tick labels' size that presentation mode enlarges


def chart_widget(**options) -> pg.PlotWidget:
    """A PlotWidget on the theme's chart background whose view box never builds its context menu
    (the charts have none, and each menu cost the first frame about 4 ms). It follows the theme:
    background, axes, their labels and the grid change when the theme does."""
    widget = pg.PlotWidget(background=theme.current().chart, viewBox=pg.ViewBox(enableMenu=False), **options)
    styler = ChartStyler(widget)
    styler.restyle()
    return widget


class ChartStyler(QObject):
    """Restyles one chart on theme changes; a child of the chart, so it goes with it."""

    def __init__(self, widget: pg.PlotWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        theme.follow_theme(self, self.restyle)

    @Slot()
    def restyle(self) -> None:
        colours = theme.current()
        self.widget.setBackground(colours.chart)
        font = None  # pyqtgraph's own tick font; presentation mode: a larger one
        if theme.font_scale() != 1.0:
            font = QFont()
            font.setPointSizeF(TICK_POINTS * theme.font_scale())
        plot = self.widget.getPlotItem()
        for name in ("left", "bottom", "right", "top"):
            axis = plot.getAxis(name)
            axis.setPen(QColor(colours.axis))  # the grid is drawn with the axis pen at the grid's alpha
            axis.setTextPen(QColor(colours.axis))
            axis.setStyle(tickFont=font)
            axis.picture = None  # a cached axis keeps its old colours otherwise
            axis.update()
        title = plot.titleLabel
        if title is not None and title.text:
            title.setText(title.text, color=colours.text)


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
