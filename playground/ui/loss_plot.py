"""The loss chart: train and test loss, one point per epoch, fast after 100,000+ epochs.

Snapshots carry only the rows since the last one (``new_history``); they are appended to
preallocated float64 buffers that double when full, and the curves are given views of the
filled part. Clipping to the view and peak downsampling keep drawing cheap; the finite check
is skipped while every value is finite (and positive, in log mode). Hovering shows a vertical
line and "epoch E · train … · test …". An empty set's loss is NaN by design: its curve has a gap,
the readout (and the key's tooltip) say "no points".
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from playground.ui import theme
from playground.ui.plot_style import chart_widget, long_series, still_chart
from playground.worker.snapshot import Snapshot

TRAIN_COLOR = QColor(150, 150, 150)  # the playground: train grey, test black
TEST_COLOR = QColor(20, 20, 20)
MARKER_COLOR = QColor(0xD5, 0x5E, 0x00)  # the epoch looked back at: Okabe–Ito vermillion, apart from grey and black
INITIAL_CAPACITY = 1024
# Past this many epochs one frame's new rows move the curve by well under a pixel, while a
# redraw (peak-downsampling every row, re-laying the axes) costs milliseconds: redraw at most
# every LONG_REDRAW_INTERVAL seconds.
LONG_HISTORY = 20_000
LONG_REDRAW_INTERVAL = 0.25
# Below that, ten redraws a second still look continuous and leave the GIL to the trainer
# for the other twenty frames (the curve is the costliest Python-side item of a frame).
SHORT_REDRAW_INTERVAL = 0.1


# The y axis holds losses up to this many times the larger of their median and the first
# epoch's: a diverging run's 1e30, 1e302 and ∞ leave the chart at the top instead of squashing
# every sensible loss onto the x axis, while a run that converged far below where it started
# still shows its start.
ABSURD_FACTOR = 100.0
MEDIAN_SAMPLE = 2048  # the median is taken over at most about this many rows (a stride)
# The largest and the smallest positive finite loss of every whole block of this many rows are
# kept, so the y range of a million rows reads a few hundred numbers, not two million.
STATS_BLOCK = 4096


NICE_STEPS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(value: float) -> float:
    """The smallest of NICE_STEPS × 10ᵏ that is ≥ value (value > 0): at most a third of headroom."""
    power = 10.0 ** np.floor(np.log10(value))
    for step in NICE_STEPS:
        if step * power >= value * (1 - 1e-12):
            return float(step * power)
    return float(10.0 * power)


NO_POINTS = "no points"


def format_loss(value: float, no_points: bool = False) -> str:
    """A loss for the readout; NaN reads "no points" when ``no_points`` (an empty set's NaN)."""
    if math.isnan(value) and no_points:
        return NO_POINTS
    return f"{value:.4f}" if math.isfinite(value) else "NaN" if math.isnan(value) else str(value)


LEGEND_TIP = "The loss over the training points (grey) and over the test points (black)."


def legend_tip(train_empty: bool = False, test_empty: bool = False) -> str:
    """The key's tooltip, saying which set has no points (its curve has none: the key stays
    short, or it would crowd the chart tabs beside it)."""
    empty = [name for name, is_empty in (("training", train_empty), ("test", test_empty)) if is_empty]
    return LEGEND_TIP + (f" The {' and '.join(empty)} set has no points." if empty else "")


class SteppedYRange:
    """A loss chart's y axis, changed in steps (NICE_STEPS) so its labels move about ten times a
    decade, not every frame; shared by the loss chart and the comparison's."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self.plot_item = plot_item
        self.forget()

    def forget(self) -> None:
        """Set anew at the next show (another axis mode)."""
        self.top = 0.0  # the linear axis's top in force (0: not set yet)
        self.log_range: tuple[float, float] | None = None  # the log axis's (log10 bottom, log10 top)

    def show(self, low: float, high: float, log: bool) -> None:
        """Losses from ``low`` (smallest positive) to ``high`` (largest) on the axis."""
        if log:
            # log10 of a decade below the smallest positive loss shown up to the top one
            log_range = (math.floor(math.log10(low)), math.log10(nice_ceiling(high)))
            if log_range != self.log_range:
                self.log_range = log_range
                self.plot_item.setYRange(*log_range, padding=0.02)
            return
        top = nice_ceiling(high)
        if top != self.top:
            self.top = top
            self.plot_item.setYRange(0, top, padding=0.02)


class LossAxis(pg.AxisItem):
    """In log mode label only 1, 2 and 5 × 10^k (only 10^k over many decades), so the labels
    of a short chart never pile up."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        if not values:
            return []
        wide = max(values) - min(values) > 2.5
        strings = []
        for value in values:
            mantissa = round(10 ** (value - math.floor(value)), 6)
            keep = mantissa in (1.0, 10.0) or (not wide and mantissa in (2.0, 5.0))
            strings.append(f"{10 ** value * scale:.3g}" if keep else "")
        return strings


class LossPlot(QWidget):
    """Train (grey) and test (black) loss against the epoch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._epochs = np.empty(INITIAL_CAPACITY)  # (capacity,) epoch of each row
        self._losses = np.empty((2, INITIAL_CAPACITY))  # (2, capacity) train, test loss
        self._count = 0
        self._block_max = np.empty(0)  # (whole blocks measured,) largest finite loss of each block (−inf: none)
        self._block_min = np.empty(0)  # (the same,) smallest positive finite loss of each block (+inf: none)
        self._all_finite = True  # every stored loss is finite
        self._all_positive = True  # every stored loss is > 0 (log mode can skip its check)
        self._log = False
        self._x_top = 0.0  # the x axis's range in force (0: not set yet)
        self._last_redraw = 0.0  # time.monotonic() of the last setData
        self._redraw_timer = QTimer(self)  # a deferred redraw of a long history
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._redraw)
        self._empty = (False, False)  # the (train, test) set has no points now
        self._build()

    def _build(self) -> None:
        self.plot_widget = chart_widget(axisItems={"left": LossAxis("left")})
        self.plot_widget.setObjectName("loss_plot_view")
        self.plot_widget.setToolTip("Loss after every epoch: grey = training data, black = test data.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        plot = self.plot_widget.getPlotItem()
        self.plot_item = plot
        still_chart(plot)
        long_series(plot)
        for name in ("left", "bottom"):
            # Axes are re-rendered only when their range changes, not on every new point.
            plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        plot.disableAutoRange()
        self.y_range = SteppedYRange(plot)
        # The key sits outside the plot (the output panel puts it in the chart's header), so
        # no curve ever runs through it.
        self.legend = QLabel(
            f'<span style="color:{TRAIN_COLOR.name()}">━━</span> train&nbsp;&nbsp;'
            f'<span style="color:{TEST_COLOR.name()}">━━</span> test'
        )
        self.legend.setObjectName("loss_legend")
        self.legend.setToolTip(legend_tip())
        # Peak downsampling at one bin per pixel keeps every spike; 1 px pens draw fastest.
        self.train_curve = plot.plot(name="train", pen=pg.mkPen(TRAIN_COLOR, width=1), autoDownsampleFactor=1.0)
        self.test_curve = plot.plot(name="test", pen=pg.mkPen(TEST_COLOR, width=1), autoDownsampleFactor=1.0)
        line_pen = pg.mkPen((90, 90, 90), width=1, style=Qt.PenStyle.DashLine)
        self.hover_line = pg.InfiniteLine(angle=90, movable=False, pen=line_pen)
        self.hover_line.setVisible(False)
        plot.addItem(self.hover_line, ignoreBounds=True)
        # The epoch the window shows while looking back (history_bar.py): a line and the two losses.
        self.marker_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(MARKER_COLOR, width=2))
        self.marker_line.setVisible(False)
        plot.addItem(self.marker_line, ignoreBounds=True)
        # (PlotDataItems, not a scatter: they follow the log mode of the axis)
        self.marker_dots = tuple(
            pg.PlotDataItem(pen=None, symbol="o", symbolSize=7, symbolPen=pg.mkPen(MARKER_COLOR, width=1.5),
                            symbolBrush=pg.mkBrush(color))
            for color in (TRAIN_COLOR, TEST_COLOR)
        )
        for dot in self.marker_dots:
            dot.setVisible(False)
            plot.addItem(dot, ignoreBounds=True)
        self._marker: tuple[int, float, float] | None = None
        self.readout = QLabel(self.plot_widget)
        self.readout.setObjectName("loss_hover_readout")
        self.readout.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.readout.setStyleSheet(
            "background: rgba(255, 255, 255, 215); color: #222; padding: 1px 4px; font-size: 8pt;"
        )
        self.readout.hide()
        self.plot_widget.viewport().setMouseTracking(True)
        self.plot_widget.viewport().installEventFilter(self)
        theme.follow_theme(self, self.restyle)
        self.restyle()

    def restyle(self) -> None:
        """The theme's colours (the test curve black on white, near white on dark) and line width."""
        test, width = QColor(theme.current().test_line), theme.line_scale()
        self.train_curve.setPen(pg.mkPen(TRAIN_COLOR, width=width))
        self.test_curve.setPen(pg.mkPen(test, width=width))
        self.legend.setText(f'<span style="color:{TRAIN_COLOR.name()}">━━</span> train&nbsp;&nbsp;'
                            f'<span style="color:{test.name()}">━━</span> test')
        back = "rgba(32, 35, 40, 215)" if theme.is_dark() else "rgba(255, 255, 255, 215)"
        self.readout.setStyleSheet(f"background: {back}; color: {theme.current().strong}; padding: 1px 4px; font-size: 8pt;")

    # ----- data -----------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.history_reset:
            self.clear()
        empty = (not len(snapshot.train_points), not len(snapshot.test_points))
        if empty != self._empty:
            self._empty = empty
            self.legend.setToolTip(legend_tip(*empty))
        rows, epochs = snapshot.new_history, snapshot.history_epochs
        if not snapshot.history_reset and self._count and len(rows) and epochs[0] <= self._epochs[self._count - 1]:
            # Rows already drawn come again, re-evaluated (a weight was edited, new points were
            # drawn): they replace what was drawn from that epoch on.
            self._truncate(int(np.searchsorted(self._epochs[: self._count], epochs[0])))
        if len(rows):
            self.append(epochs, rows[:, 0], rows[:, 1])
        self.set_marker(None if snapshot.live_epoch is None else (snapshot.epoch, snapshot.train_loss, snapshot.test_loss))

    def set_marker(self, marker: tuple[int, float, float] | None) -> None:
        """Mark (epoch, train loss, test loss) on the chart, or nothing (None)."""
        if marker == self._marker:
            return
        self._marker = marker
        self.marker_line.setVisible(marker is not None)
        if marker is not None:
            self.marker_line.setPos(marker[0])
        for k, dot in enumerate(self.marker_dots):
            loss = math.nan if marker is None else marker[1 + k]
            shown = math.isfinite(loss) and (loss > 0 or not self._log)  # (an empty set's NaN: no dot)
            dot.setVisible(shown)
            if shown:
                dot.setData([marker[0]], [loss])

    @property
    def marker(self) -> tuple[int, float, float] | None:
        return self._marker

    def clear(self) -> None:
        self._truncate(0)
        self._all_finite = self._all_positive = True
        self._set_hover(None)
        self._redraw()
        self._last_redraw = 0.0  # the first rows after a reset are drawn at once

    def append(self, epochs: int | np.ndarray, train_loss: np.ndarray, test_loss: np.ndarray) -> None:
        """Rows for ``epochs`` (one per entry; an int: consecutive epochs from it)."""
        k = len(train_loss)
        self._reserve(self._count + k)
        end = self._count + k
        self._epochs[self._count : end] = np.arange(epochs, epochs + k) if np.isscalar(epochs) else epochs
        new = self._losses[:, self._count : end]
        new[0], new[1] = train_loss, test_loss
        self._count = end
        finite = bool(np.isfinite(new).all())
        self._all_finite &= finite
        with np.errstate(invalid="ignore"):
            self._all_positive &= finite and bool((new > 0).all())
        self._request_redraw()

    def _truncate(self, count: int) -> None:
        """Keep the first ``count`` rows (new rows will replace the rest)."""
        self._count = count
        blocks = count // STATS_BLOCK  # the statistics of a block cut short are measured again
        self._block_max, self._block_min = self._block_max[:blocks], self._block_min[:blocks]

    def _reserve(self, needed: int) -> None:
        capacity = len(self._epochs)
        if needed <= capacity:
            return
        while capacity < needed:
            capacity *= 2
        epochs, losses = np.empty(capacity), np.empty((2, capacity))
        epochs[: self._count] = self._epochs[: self._count]
        losses[:, : self._count] = self._losses[:, : self._count]
        self._epochs, self._losses = epochs, losses

    def _request_redraw(self) -> None:
        interval = SHORT_REDRAW_INTERVAL if self._count < LONG_HISTORY else LONG_REDRAW_INTERVAL
        if not self._redraw_timer.isActive():
            wait = interval - (time.monotonic() - self._last_redraw)
            if wait <= 0:
                self._redraw()
            else:
                self._redraw_timer.start(int(wait * 1000) + 1)

    def _redraw(self) -> None:
        self._redraw_timer.stop()
        self._last_redraw = time.monotonic()
        n = self._count
        skip = self._all_finite and (self._all_positive or not self._log)
        x = self._epochs[:n]
        self.train_curve.setData(x, self._losses[0, :n], skipFiniteCheck=skip)
        self.test_curve.setData(x, self._losses[1, :n], skipFiniteCheck=skip)
        self._step_ranges(int(x[-1]) if n else 0)

    def _step_ranges(self, last_epoch: int) -> None:
        """Ranges that grow in steps (NICE_STEPS): the axes and their labels change about ten
        times a decade, not every frame, while the curve still fills 75-100 % of the width."""
        x_top = nice_ceiling(max(last_epoch, 10))
        if x_top != self._x_top:
            self._x_top = x_top
            self.plot_item.setXRange(0, x_top, padding=0.0)
        self.y_range.show(*self.sensible_range(), self._log)

    def sensible_range(self) -> tuple[float, float]:
        """(smallest positive, largest) finite loss within ABSURD_FACTOR × the larger of the
        median and the first row; (1, 1) when there is none. What the y axis covers."""
        data = self._losses[:, : self._count]
        sample = data[:, :: max(1, self._count // MEDIAN_SAMPLE)]
        finite = sample[np.isfinite(sample)]
        if not finite.size:
            return 1.0, 1.0
        first = data[:, 0][np.isfinite(data[:, 0])]
        reference = max(float(np.median(np.abs(finite))), float(np.abs(first).max()) if first.size else 0.0)
        cap = ABSURD_FACTOR * max(reference, 1e-300)
        largest, smallest = self._shown_extremes(cap)
        high = largest if largest > 0 else 1.0  # (−inf: no loss is shown)
        return (smallest if math.isfinite(smallest) else high), high

    def _shown_extremes(self, cap: float) -> tuple[float, float]:
        """(largest, smallest positive) finite loss ≤ ``cap``: −inf and +inf when there is none.
        Whole blocks whose largest loss is within the cap answer from their kept statistics."""
        self._measure_blocks()
        within = self._block_max <= cap  # (blocks,) every finite loss of the block is shown
        largest = float(self._block_max[within].max(initial=-np.inf))
        smallest = float(self._block_min[within].min(initial=np.inf))
        ranges = [(b * STATS_BLOCK, (b + 1) * STATS_BLOCK) for b in np.flatnonzero(~within)]
        ranges.append((len(self._block_max) * STATS_BLOCK, self._count))  # the rows after the last whole block
        for start, stop in ranges:
            data = self._losses[:, start:stop]
            with np.errstate(invalid="ignore"):
                shown = data[np.isfinite(data) & (data <= cap)]
            largest = max(largest, float(shown.max(initial=-np.inf)))
            smallest = min(smallest, float(shown[shown > 0].min(initial=np.inf)))
        return largest, smallest

    def _measure_blocks(self) -> None:
        """The statistics of every whole block not measured yet."""
        done, whole = len(self._block_max), self._count // STATS_BLOCK
        if whole <= done:
            return
        data = self._losses[:, done * STATS_BLOCK : whole * STATS_BLOCK].reshape(2, whole - done, STATS_BLOCK)
        finite = np.isfinite(data)
        with np.errstate(invalid="ignore"):
            largest = np.where(finite, data, -np.inf).max(axis=(0, 2))
            smallest = np.where(finite & (data > 0), data, np.inf).min(axis=(0, 2))
        self._block_max = np.concatenate([self._block_max, largest])
        self._block_min = np.concatenate([self._block_min, smallest])

    @property
    def count(self) -> int:
        """How many epochs the curves hold."""
        return self._count

    def losses(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Views (do not modify) of epochs, train loss, test loss."""
        n = self._count
        return self._epochs[:n], self._losses[0, :n], self._losses[1, :n]

    # ----- log scale ------------------------------------------------------------------
    def set_log_scale(self, on: bool) -> None:
        """Log y axis; zero, negative and NaN losses are left out of the drawing."""
        self._log = bool(on)
        self.plot_item.setLogMode(x=False, y=self._log)
        self.y_range.forget()  # set anew for the new axis
        self._redraw()

    @property
    def log_scale(self) -> bool:
        return self._log

    # ----- hovering -------------------------------------------------------------------
    def row_at(self, scene_pos: QPointF) -> int | None:
        """Index of the epoch nearest the mouse's x, or None outside the plot or without data."""
        view_box = self.plot_item.getViewBox()
        if self._count == 0 or not view_box.sceneBoundingRect().contains(scene_pos):
            return None
        x = view_box.mapSceneToView(scene_pos).x()
        epochs = self._epochs[: self._count]  # rising; consecutive until a long run thins
        right = int(min(np.searchsorted(epochs, x), self._count - 1))
        return right - 1 if right and x - epochs[right - 1] < epochs[right] - x else right

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        self._set_hover(self.row_at(scene_pos))

    def _set_hover(self, row: int | None) -> None:
        if row is None or row >= self._count:
            self.hover_line.setVisible(False)
            self.readout.hide()
            return
        epoch = int(self._epochs[row])
        train, test = (float(v) for v in self._losses[:, row])
        self.hover_line.setPos(epoch)
        self.hover_line.setVisible(True)
        # A NaN beside a finite loss is an empty set's, not a divergence (which spoils both).
        train_text = format_loss(train, self._empty[0] or math.isfinite(test))
        test_text = format_loss(test, self._empty[1] or math.isfinite(train))
        self.readout.setText(f"epoch {epoch} · train {train_text} · test {test_text}")
        self.readout.adjustSize()
        left = int(self.plot_item.getViewBox().sceneBoundingRect().left()) + 4
        self.readout.move(left, 4)
        self.readout.show()

    def hover_text(self) -> str:
        """What the hover readout shows now; empty when not hovering."""
        return "" if self.readout.isHidden() else self.readout.text()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every move, read here: the scene's sigMouseMoved drops moves closer than 10 ms apart,
        # which would leave a stale hover when the mouse stops just after a quick move.
        if event.type() == QEvent.Type.MouseMove:
            self._on_mouse_moved(self.plot_widget.mapToScene(event.position().toPoint()))
        elif event.type() == QEvent.Type.Leave:
            self._set_hover(None)
        return super().eventFilter(watched, event)
