"""The comparison's loss chart: runs A and B from the fork on, in one plot.

A is Okabe & Ito's blue and B their vermillion (colors.CLASS_COLORS[1] and [3]), a pair told apart
with every common colour-vision deficiency; each curve also ends in its letter, so the chart reads
without colour at all. Test loss is the solid line (what the comparison is usually about), training
loss the dashed one. Each side's rows arrive incrementally, as the main loss chart's do.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.ui.colors import CLASS_COLORS
from playground.ui.loss_plot import ABSURD_FACTOR, SHORT_REDRAW_INTERVAL, LossAxis, SteppedYRange, nice_ceiling
from playground.ui.plot_style import chart_widget, long_series, still_chart
from playground.worker.snapshot import Snapshot

SIDE_COLORS = (QColor(*CLASS_COLORS[1]), QColor(*CLASS_COLORS[3]))  # A blue, B vermillion
SIDE_LETTERS = ("A", "B")


class SideSeries:
    """One side's (epoch, train loss, test loss) rows in buffers that double when full."""

    def __init__(self) -> None:
        self.rows = np.empty((256, 3))  # (capacity, 3) epoch, train loss, test loss
        self.count = 0

    def show_snapshot(self, snapshot: Snapshot, first_epoch: int) -> None:
        if snapshot.history_reset:
            self.count = 0
        epochs, rows = snapshot.history_epochs, snapshot.new_history
        shown = epochs >= first_epoch  # a side's history starts with the main run's row 0
        epochs, rows = epochs[shown], rows[shown]
        if not len(epochs):
            return
        if self.count and epochs[0] <= self.rows[self.count - 1, 0]:  # rows sent again, measured anew
            self.count = int(np.searchsorted(self.rows[: self.count, 0], epochs[0]))
        end = self.count + len(epochs)
        if end > len(self.rows):
            grown = np.empty((max(end, 2 * len(self.rows)), 3))
            grown[: self.count] = self.rows[: self.count]
            self.rows = grown
        self.rows[self.count : end, 0] = epochs
        self.rows[self.count : end, 1:] = rows[:, :2]
        self.count = end

    @property
    def filled(self) -> np.ndarray:
        return self.rows[: self.count]


class CompareLossPlot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare_loss_plot")
        self.series = (SideSeries(), SideSeries())
        self._x_top = 0.0
        self._log = False
        self._fork_epoch = 0
        # Four curves, two of them dashed, and the end letters cost the GUI thread more than the
        # rest of a frame: redrawn at most every SHORT_REDRAW_INTERVAL, as the main loss chart is.
        self._last_redraw = 0.0
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._redraw)
        self.plot_widget = chart_widget(axisItems={"left": LossAxis("left")})
        self.plot_widget.setObjectName("compare_loss_plot_view")
        self.plot_widget.setToolTip(
            "Loss after every epoch since the fork: A blue, B vermillion; solid = test points, dashed = training points"
        )
        plot = self.plot_widget.getPlotItem()
        self.plot_item = plot
        still_chart(plot)
        long_series(plot)
        plot.disableAutoRange()
        self.y_range = SteppedYRange(plot)
        plot.setLabel("bottom", "epoch")
        for name in ("left", "bottom"):  # re-rendered only when their range changes
            plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.curves: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []
        self.end_labels: list[pg.TextItem] = []
        for color, letter in zip(SIDE_COLORS, SIDE_LETTERS):
            test = plot.plot(name=f"{letter} test", pen=pg.mkPen(color, width=2), autoDownsampleFactor=1.0)
            train = plot.plot(name=f"{letter} train", pen=pg.mkPen(color, width=1.5, style=Qt.PenStyle.DashLine),
                              autoDownsampleFactor=1.0)
            self.curves.append((train, test))
            label = pg.TextItem(letter, color=color, anchor=(0.0, 0.5))
            font = label.textItem.font()
            font.setBold(True)
            label.setFont(font)
            label.hide()
            plot.addItem(label, ignoreBounds=True)
            self.end_labels.append(label)
        self.legend = QLabel(_legend_html())
        self.legend.setObjectName("compare_loss_legend")
        self.legend.setToolTip("Which curve is which: the colour and the letter at its end name the side")
        self.log_scale_checkbox = QCheckBox("Log scale")
        self.log_scale_checkbox.setObjectName("compare_log_scale_checkbox")
        self.log_scale_checkbox.setToolTip("Log y axis: small losses (and the gap between A and B) become visible")
        self.log_scale_checkbox.toggled.connect(self.set_log_scale)
        header = QHBoxLayout()
        header.addWidget(self.legend)
        header.addStretch(1)
        header.addWidget(self.log_scale_checkbox)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.plot_widget, 1)

    def show_snapshot(self, snapshot) -> None:
        """A CompareSnapshot: both sides' new rows, then one redraw."""
        for series, side in zip(self.series, snapshot.sides):
            series.show_snapshot(side, snapshot.fork_epoch)
        self._fork_epoch = snapshot.fork_epoch
        if not self._redraw_timer.isActive():
            wait = SHORT_REDRAW_INTERVAL - (time.monotonic() - self._last_redraw)
            if wait <= 0 or any(side.history_reset for side in snapshot.sides):
                self._redraw()
            else:
                self._redraw_timer.start(int(wait * 1000) + 1)

    def set_log_scale(self, on: bool) -> None:
        """Log y axis; zero and NaN losses are left out of the drawing (pyqtgraph's finite check)."""
        self._log = bool(on)
        self.plot_item.setLogMode(x=False, y=self._log)
        self.y_range.forget()
        self._redraw()

    def _redraw(self) -> None:
        self._redraw_timer.stop()
        self._last_redraw = time.monotonic()
        fork_epoch = self._fork_epoch
        last = fork_epoch
        for series, (train, test) in zip(self.series, self.curves):
            rows = series.filled
            train.setData(rows[:, 0], rows[:, 1])
            test.setData(rows[:, 0], rows[:, 2])
            if len(rows):
                last = max(last, int(rows[-1, 0]))
        x_top = fork_epoch + nice_ceiling(max(last - fork_epoch, 10))
        if x_top != self._x_top:
            self._x_top = x_top
            self.plot_item.setXRange(fork_epoch, x_top, padding=0.0)
        self.y_range.show(*self.sensible_range(), self._log)
        for series, label in zip(self.series, self.end_labels):
            self._place_label(label, series.filled)

    def _place_label(self, label: pg.TextItem, rows: np.ndarray) -> None:
        """The side's letter just right of its test curve's last finite point (train's if none)."""
        for column in (2, 1):
            finite = np.flatnonzero(np.isfinite(rows[:, column]))
            if finite.size:
                row = rows[finite[-1]]
                y = float(row[column])
                if self._log:  # a diverging side's letter stays at the top of the chart
                    top = self.y_range.log_range
                    y = min(math.log10(y), top[1]) if y > 0 and top else math.nan
                elif self.y_range.top:
                    y = min(y, self.y_range.top)
                if math.isfinite(y):
                    label.setPos(float(row[0]), y)
                    label.show()
                    return
        label.hide()

    def sensible_range(self) -> tuple[float, float]:
        """(smallest positive, largest) finite loss within ABSURD_FACTOR × the largest first-epoch
        loss (a diverging side's 1e30 leaves the chart at the top, as in the main chart)."""
        losses = [series.filled[:, 1:] for series in self.series if series.count]
        if not losses:
            return 1.0, 1.0
        firsts = np.concatenate([rows[0] for rows in losses])
        firsts = firsts[np.isfinite(firsts)]
        cap = ABSURD_FACTOR * max(float(np.abs(firsts).max()) if firsts.size else 1.0, 1e-300)
        values = np.concatenate([rows.ravel() for rows in losses])
        with np.errstate(invalid="ignore"):
            shown = values[np.isfinite(values) & (values <= cap)]
        top = float(shown.max(initial=0.0))
        top = top if top > 0 else 1.0
        return float(shown[shown > 0].min(initial=top)), top

    def losses(self, side: int) -> np.ndarray:
        """(n, 3) epoch, train loss, test loss of side ``side`` as drawn."""
        return self.series[side].filled.copy()


def _legend_html() -> str:
    parts = []
    for color, letter in zip(SIDE_COLORS, SIDE_LETTERS):
        c = color.name()
        parts.append(f'<b style="color:{c}">{letter}</b>: <span style="color:{c}">━━</span> test '
                     f'<span style="color:{c}">╍╍</span> train')
    return "&nbsp;&nbsp;&nbsp;&nbsp;".join(parts)
