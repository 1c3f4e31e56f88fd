"""Gradient size per layer: each weight layer's gradient norm against the epoch, on a log scale.

The norm of layer l is the L2 norm of the last update's mean gradient over the layer's weights
and biases, sqrt(Σ (∂E/∂w)² + Σ (∂E/∂b)²). One point per snapshot (several epochs may pass
between two), so a curve falling decade after decade shows a vanishing gradient and one
shooting up an exploding one. Drawing follows the loss chart's rules: numpy views
handed to setData, clip to view, peak downsampling, at most ten redraws a second, none while
hidden (a redraw on showing catches up).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QWidget

from playground.ui import theme
from playground.ui.loss_plot import nice_ceiling
from playground.ui.plot_style import chart_widget, long_series, still_chart
from playground.worker.snapshot import Snapshot

# One point per snapshot (up to ~30 a second) would grow without end in a long run. At
# MAX_POINTS every second point goes (the first stays, as in the loss history): memory and a
# redraw stay bounded, and the curve still spans the whole run, older parts more coarsely.
MAX_POINTS = 4096
INITIAL_CAPACITY = 256  # the buffers double up to MAX_POINTS
REDRAW_INTERVAL = 0.1  # seconds: ten redraws a second look continuous and leave the GIL to training
# Layer depth as a sequential ramp of the playground's blues, the first hidden layer lightest,
# so "the early layers' curves sink below the late ones" reads at a glance; the output layer,
# where the error starts its way back, in near-black (the loss chart's test colour).
LIGHTEST, DARKEST = (140, 198, 235), (10, 62, 130)
OUTPUT_COLOUR = (20, 20, 20)
# On the dark theme the ramp runs the other way (the first hidden layer darkest, still clear of the
# background) and the output is near-white, as the loss chart's test curve is there.
DARK_LIGHTEST, DARK_DARKEST, DARK_OUTPUT_COLOUR = (200, 228, 248), (45, 120, 200), (240, 240, 240)
LEGEND_ROWS = 8  # more layers than this: the legend names the first, the last two and "⋮"
MAX_DECADE_LABELS = 4  # a 140 px chart has room for about this many labels on its y axis
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_power(log_value: float) -> str:
    """10^log_value for an axis label: 0.001 … 1000 written out, beyond that 10⁻⁶, 2·10⁻⁶."""
    exponent = math.floor(log_value + 1e-9)
    mantissa = round(10 ** (log_value - exponent))
    if -3 <= exponent <= 3:
        return f"{mantissa * 10.0**exponent:g}"
    power = "10" + str(exponent).translate(SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa}·{power}"


class GradientAxis(pg.AxisItem):
    """A log axis labelled at whole decades, every k-th one when there are many (vanishing
    gradients span ten decades and more: pyqtgraph would label only the top few of them);
    a grid line at every decade; 2 and 5 × 10^k besides when the range spans two or fewer."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self._label_step = 1  # set by logTickValues for the logTickStrings calls that follow it

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 (pyqtgraph's names)
        decades = list(range(math.ceil(minVal - 1e-9), math.floor(maxVal + 1e-9) + 1))
        if len(decades) <= 3:
            self._label_step = 1
            between = [d + math.log10(m) for d in range(math.floor(minVal), math.ceil(maxVal)) for m in (2, 5)]
            return [(1.0, decades), (None, [v for v in between if minVal < v < maxVal])]
        step = self._label_step = math.ceil(len(decades) / MAX_DECADE_LABELS)
        labelled = [d for d in decades if d % step == 0]
        return [(float(step), labelled), (1.0, [d for d in decades if d % step])]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        if spacing == 1.0 and self._label_step > 1:
            return ["" for _ in values]  # the unlabelled decades: grid lines only
        return [format_power(value) for value in values]


def gradient_norms(snapshot: Snapshot) -> np.ndarray:
    """(n_layers,) sqrt(Σ dW² + Σ db²) of each weight layer's last mean gradient.

    Squares beyond float64's range (a diverged run) give inf; NaN gradients give NaN. Both are
    stored as they are and left out of the drawing by the log mapping (see _redraw)."""
    pairs = zip(snapshot.weight_gradients, snapshot.bias_gradients)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.array([np.sqrt(np.sum(w**2) + np.sum(b**2)) for w, b in pairs], dtype=float)


def layer_names(n_layers: int) -> list[str]:
    return [f"hidden {l + 1}" for l in range(n_layers - 1)] + ["output"]


def layer_colours(n_layers: int) -> list[QColor]:
    """The hidden layers on the ramp from LIGHTEST to DARKEST, then OUTPUT_COLOUR."""
    ends = (DARK_DARKEST, DARK_LIGHTEST) if theme.is_dark() else (LIGHTEST, DARKEST)
    light, dark = np.array(ends[0], dtype=float), np.array(ends[1], dtype=float)
    n_hidden = n_layers - 1
    steps = np.linspace(0.0, 1.0, n_hidden) if n_hidden > 1 else np.ones(n_hidden)
    hidden = [QColor(*(round(c) for c in light + (dark - light) * t)) for t in steps]
    return [*hidden, QColor(*(DARK_OUTPUT_COLOUR if theme.is_dark() else OUTPUT_COLOUR))]


class GradientNormsPlot(QWidget):
    """One curve per weight layer (hidden 1 … hidden L, output); its legend to the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradient_norms_plot")
        self._epochs = np.empty(INITIAL_CAPACITY)  # (capacity,) epoch of each point
        self._norms = np.empty((0, INITIAL_CAPACITY))  # (n_layers, capacity) gradient norms
        self._count = 0
        self._x_top = 0.0  # the x range in force (0: not set yet)
        self._y_range: tuple[float, float] | None = None  # log10 of the y range in force
        self._last_redraw = 0.0  # time.monotonic() of the last setData
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._redraw)
        self.curves: list[pg.PlotDataItem] = []
        self._brushes: list[QBrush] = []  # one per layer, the curves' colours
        self._build()

    def _build(self) -> None:
        self.plot_widget = chart_widget(axisItems={"left": GradientAxis("left")})
        self.plot_widget.setObjectName("gradient_norms_plot_view")
        self.plot_widget.setToolTip(
            "How large each layer's gradient (weights and bias) was in the last update, on a log scale.\n"
            "A curve sinking decade after decade: that layer's gradient vanishes and it stops learning.\n"
            "A curve shooting up: the gradient explodes."
        )
        plot = self.plot_item = self.plot_widget.getPlotItem()
        still_chart(plot)
        long_series(plot)
        plot.setLogMode(x=False, y=True)
        for name in ("left", "bottom"):
            # Axes are re-rendered only when their range changes, not on every new point.
            plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        plot.disableAutoRange()
        plot.setXRange(0, 10, padding=0.0)
        plot.setYRange(-3, 0, padding=0.06)
        # A scatter item has no log mode: it is given log10 of the norms (see _draw_last_dots).
        self.last_dots = pg.ScatterPlotItem(size=5, pen=None)
        plot.addItem(self.last_dots)
        # The key sits outside the plot, a column beside it, so no curve runs through it.
        self.legend = QLabel()
        self.legend.setObjectName("gradient_norms_legend")
        self.legend.setToolTip("One curve per layer of weights, lighter nearer the inputs; black: the output layer.")
        font = QFont(self.legend.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        self.legend.setFont(font)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.plot_widget, stretch=1)
        layout.addWidget(self.legend)
        theme.follow_theme(self, self.restyle)

    def restyle(self) -> None:
        """The theme changed: the curves, their dots and the key in its colours."""
        if not self.curves:
            return
        colours = layer_colours(len(self.curves))
        for curve, colour in zip(self.curves, colours):
            curve.setPen(pg.mkPen(colour, width=1.5))
        self._brushes = [pg.mkBrush(colour) for colour in colours]
        self._set_legend(layer_names(len(self.curves)), colours)
        self._request_redraw()

    # ----- data -----------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        n_layers = len(snapshot.weight_gradients)
        last = int(self._epochs[self._count - 1]) if self._count else -1
        # A reset flag, another network shape or an epoch going back (a new run that did not
        # say so) starts the curves afresh.
        if snapshot.history_reset or n_layers != len(self.curves) or snapshot.epoch < last:
            self._start(n_layers)
            last = -1
        if snapshot.epoch == 0:
            return  # no update yet: every gradient is zero, nothing to show on a log scale
        norms = gradient_norms(snapshot)
        if snapshot.epoch == last:
            self._norms[:, self._count - 1] = norms  # the same epoch measured again (an edit)
        else:
            self._append(snapshot.epoch, norms)
        self._request_redraw()

    def _start(self, n_layers: int) -> None:
        """Empty curves for ``n_layers`` weight layers (new curves if the count changed)."""
        if n_layers != len(self.curves):
            for curve in self.curves:
                self.plot_item.removeItem(curve)
            names, colours = layer_names(n_layers), layer_colours(n_layers)
            # Peak downsampling at one bin per pixel keeps every spike; antialiasing (affordable
            # at MAX_POINTS) keeps gently sloping curves from looking dashed.
            self.curves = [
                self.plot_item.plot(
                    name=name, pen=pg.mkPen(colour, width=1.5), antialias=True, autoDownsampleFactor=1.0
                )
                for name, colour in zip(names, colours)
            ]
            self._brushes = [pg.mkBrush(colour) for colour in colours]
            self._set_legend(names, colours)
        self._epochs = np.empty(INITIAL_CAPACITY)
        self._norms = np.empty((n_layers, INITIAL_CAPACITY))
        self._count = 0
        self._redraw()
        self._last_redraw = 0.0  # the first point after a reset is drawn at once

    def _set_legend(self, names: list[str], colours: list[QColor]) -> None:
        rows = [f'<span style="color:{c.name()}">━━</span>&nbsp;{n}' for n, c in zip(names, colours)]
        if len(rows) > LEGEND_ROWS:
            rows = [rows[0], "&nbsp;&nbsp;⋮", *rows[-2:]]
        self.legend.setText("<br>".join(rows))

    def _append(self, epoch: int, norms: np.ndarray) -> None:
        if self._count == MAX_POINTS:
            kept = self._count // 2 + self._count % 2  # indices 0, 2, 4, …: the first stays
            self._epochs[:kept] = self._epochs[: self._count : 2]
            self._norms[:, :kept] = self._norms[:, : self._count : 2]
            self._count = kept
        if self._count == len(self._epochs):
            capacity = min(2 * len(self._epochs), MAX_POINTS)
            epochs, grown = np.empty(capacity), np.empty((len(self._norms), capacity))
            epochs[: self._count], grown[:, : self._count] = self._epochs[: self._count], self._norms[:, : self._count]
            self._epochs, self._norms = epochs, grown
        self._epochs[self._count] = epoch
        self._norms[:, self._count] = norms
        self._count += 1

    @property
    def count(self) -> int:
        """How many points each curve holds."""
        return self._count

    def norms(self) -> tuple[np.ndarray, np.ndarray]:
        """Views (do not modify): (count,) epochs and (n_layers, count) gradient norms."""
        return self._epochs[: self._count], self._norms[:, : self._count]

    # ----- drawing --------------------------------------------------------------------
    def _request_redraw(self) -> None:
        if not self.isVisible():
            return  # drawn when shown (showEvent)
        if not self._redraw_timer.isActive():
            wait = REDRAW_INTERVAL - (time.monotonic() - self._last_redraw)
            if wait <= 0:
                self._redraw()
            else:
                self._redraw_timer.start(int(wait * 1000) + 1)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._redraw()

    def _redraw(self) -> None:
        self._redraw_timer.stop()
        self._last_redraw = time.monotonic()
        n = self._count
        x, norms = self._epochs[:n], self._norms[:, :n]
        with np.errstate(invalid="ignore"):
            drawable = np.isfinite(norms) & (norms > 0)  # (n_layers, n)
        for curve, y, ok in zip(self.curves, norms, drawable):
            # Zero, NaN and inf have no place on a log axis: pyqtgraph's log mapping (warnings
            # silenced) turns them into NaN and the curve shows a gap there.
            curve.setData(x, y, skipFiniteCheck=bool(ok.all()))
        self._draw_last_dots(x, norms, drawable)
        self._step_ranges(int(x[-1]) if n else 0, norms[drawable])

    def _draw_last_dots(self, x: np.ndarray, norms: np.ndarray, drawable: np.ndarray) -> None:
        """The latest norm of each layer as a dot: a lone point (a paused run's first step) has
        no line to show, and the dots say where each curve ends now."""
        if not len(x):
            self.last_dots.clear()
            return
        keep = drawable[:, -1]  # (n_layers,)
        brushes = [brush for brush, kept in zip(self._brushes, keep) if kept]
        self.last_dots.setData(x=np.full(int(keep.sum()), x[-1]), y=np.log10(norms[keep, -1]), brush=brushes)

    def _step_ranges(self, last_epoch: int, shown: np.ndarray) -> None:
        """Ranges that grow in steps (whole decades in y), so the axes are re-laid rarely."""
        x_top = nice_ceiling(max(1.02 * last_epoch, 10))  # the last dots never sit on the edge
        if x_top != self._x_top:
            self._x_top = x_top
            self.plot_item.setXRange(0, x_top, padding=0.0)
        if not shown.size:
            return
        low, high = math.floor(math.log10(shown.min())), math.ceil(math.log10(shown.max()))
        y_range = (float(low), float(max(high, low + 1)))
        if y_range != self._y_range:
            self._y_range = y_range
            self.plot_item.setYRange(*y_range, padding=0.06)  # room for the end decades' labels
