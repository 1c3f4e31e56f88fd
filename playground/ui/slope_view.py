"""The slope view: the loss along one weight, all else frozen, and what backprop and the optimizer
make of it (the inspector's "blame" and "correct" for a single parameter).

Two curves of E against the weight (engine/slope.py): this shot's samples and the whole training
set. At the current value: the tangent, whose slope is backprop's ∂E/∂w (coloured like a gradient
edge: green positive, magenta negative), and "less error to the left/right"; the optimizer's step
as an arrow from the current point to where the weight lands *on the curve*, with a hollow ring
where the *tangent* said it would land (far apart: the learning rate overshoots). A secant mode
draws the line through E(w − h) and E(w + h); its h slider shows it turning into the tangent.
Dragging the marker along the curve and letting go emits ``weight_dragged(value)``.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSlider, QStackedLayout, QVBoxLayout, QWidget

from playground.engine.number_text import number as format_number
from playground.engine.slope import SlopeData
from playground.ui import theme
from playground.ui.colors import palette
from playground.ui.loss_plot import TRAIN_COLOR
from playground.ui.plot_style import chart_widget, still_chart

SAMPLE_COLOR = QColor(0x15, 0x65, 0xC0)  # this sample / this mini-batch: blue
TRAINING_COLOR = TRAIN_COLOR  # the whole training set: grey, as on the loss chart
SECANT_COLOR = QColor(0xE0, 0x6C, 0x00)  # dashed orange
STEP_COLOR = QColor(0x20, 0x20, 0x20)  # the optimizer's step: a black arrow (light on the dark theme)
FLAT_COLOR = QColor(0x60, 0x60, 0x60)  # a tangent of slope 0 (or NaN)
# The secant's h on the slider: 10^(−position / STEPS_PER_DECADE), from 1 down to 1e-4.
STEPS_PER_DECADE = 100
H_DECADES = 4
DEFAULT_H_POSITION = 30  # h ≈ 0.5: far from the tangent, to begin with
TANGENT_SHARE = 0.3  # the tangent spans ± this share of the range (and reaches the prediction)
ARROW_HEAD = 13  # px
LARGEST_SHOWN = 1e300  # |E| beyond this is off the axis (padding a larger range overflows)
PREDICTION_REACH = 1.0  # the y axis reaches at most this many curve heights beyond the curves
TANGENT_WIDTH = 3.5  # px: wider than the curve it touches, so it shows where they coincide


def signed(value: float) -> str:
    """A change, with its sign: +0.0123, −4.5e−06."""
    return ("+" if value > 0 else "") + format_number(value)


def direction_text(slope: float) -> str:
    """Which way is less error, read off the slope's sign."""
    if math.isnan(slope):
        return "no slope here: the network has diverged"
    if slope > 0:
        return "less error to the left"
    if slope < 0:
        return "less error to the right"
    return "flat: no less error on either side"


def parameter_symbol(name: str) -> str:
    """'b' for a bias, 'w' for a weight (from the parameter's name)."""
    return "b" if "bias" in name.lower() or name.startswith("b ") else "w"


def slider_h(position: int) -> float:
    return 10.0 ** (-position / STEPS_PER_DECADE)


def step_color() -> QColor:
    return QColor(theme.current().outline) if theme.is_dark() else STEP_COLOR


def tangent_color(slope: float) -> QColor:
    if slope > 0:
        return QColor(*palette.grad_positive)  # the gradient scale in force
    return QColor(*palette.grad_negative) if slope < 0 else FLAT_COLOR


class CurveMarker(pg.TargetItem):
    """The current value: a dot that slides along a curve when dragged (x within the curve's range)."""

    def __init__(self, **options: object) -> None:
        self._curve: tuple[np.ndarray, np.ndarray] | None = None  # (values, losses)
        super().__init__(**options)

    def set_curve(self, x: np.ndarray, y: np.ndarray) -> None:
        self._curve = (x, y)

    def setPos(self, *args: object) -> None:
        point = pg.Point(*args)
        if self._curve is not None:
            x, y = self._curve
            value = min(max(point.x(), float(x[0])), float(x[-1]))
            point = pg.Point(value, float(np.interp(value, x, y)))
        super().setPos(point)


class SlopeView(QWidget):
    """E along one parameter; objectName ``slope_plot_view`` is this whole widget."""

    weight_dragged = Signal(float)  # the marker was dragged to this value and let go

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slope_plot_view")
        self._data: SlopeData | None = None
        self._symbol = "w"
        self._build_plot()
        self._build_items()
        self._build_controls()
        self._build_layout()
        self.clear("Choose a weight or a bias to see the error along it.")

    # ----- building -------------------------------------------------------------------
    def _build_plot(self) -> None:
        self.plot_widget = chart_widget()
        self.plot_widget.setObjectName("slope_plot_widget")
        self.plot_widget.setToolTip(
            "The error E as this one parameter changes, every other weight frozen.\n"
            "Drag the dot along the curve and let go to set the parameter."
        )
        plot = self.plot_item = self.plot_widget.getPlotItem()
        still_chart(plot, grid_x=True, grid_alpha=0.12)
        plot.disableAutoRange()
        for side, text in (("bottom", "w"), ("left", "E")):
            plot.getAxis(side).setLabel(text)
            plot.getAxis(side).enableAutoSIPrefix(False)  # 0.35, not 350 "(x0.001)"
        self.view_box = plot.getViewBox()
        self.view_box.sigTransformChanged.connect(self._place_arrow)
        self.message = QLabel()  # shown instead of the plot by clear()
        self.message.setObjectName("slope_message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #666;")
        self.message.setTextFormat(Qt.TextFormat.PlainText)

    def _build_items(self) -> None:
        plot = self.plot_item
        self.train_curve = plot.plot(pen=pg.mkPen(TRAINING_COLOR, width=2), connect="finite")
        self.sample_curve = plot.plot(pen=pg.mkPen(SAMPLE_COLOR, width=2), connect="finite")
        self.tangent = plot.plot(pen=pg.mkPen(FLAT_COLOR, width=TANGENT_WIDTH))
        self.secant = plot.plot(pen=pg.mkPen(SECANT_COLOR, width=2, style=Qt.PenStyle.DashLine))
        self.secant_points = pg.ScatterPlotItem(size=7, brush=pg.mkBrush(SECANT_COLOR), pen=None)
        plot.addItem(self.secant_points)
        self.step_line = plot.plot(pen=pg.mkPen(step_color(), width=2))
        self.prediction = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(None), pen=pg.mkPen(FLAT_COLOR, width=2))
        plot.addItem(self.prediction)
        self.landing = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(step_color()), pen=None)
        plot.addItem(self.landing)
        self.arrow = pg.ArrowItem(headLen=ARROW_HEAD, tipAngle=36, tailLen=None,
                                  pen=pg.mkPen(step_color()), brush=pg.mkBrush(step_color()))
        plot.addItem(self.arrow)
        theme.follow_theme(self, self._restyle_step)
        self.marker = CurveMarker(
            size=12, symbol="o", pen=pg.mkPen("w", width=1.5), brush=pg.mkBrush(SAMPLE_COLOR),
            hoverPen=pg.mkPen(SAMPLE_COLOR, width=2), hoverBrush=pg.mkBrush(255, 255, 255),
        )
        self.marker.setCursor(Qt.CursorShape.SizeHorCursor)  # it slides along the curve
        plot.addItem(self.marker)
        for z, item in enumerate((self.train_curve, self.sample_curve, self.tangent, self.secant,
                                  self.secant_points, self.step_line, self.prediction, self.landing, self.marker, self.arrow)):
            item.setZValue(z + 1)
        self.marker.sigPositionChanged.connect(self._on_marker_moved)
        self.marker.sigPositionChangeFinished.connect(self._on_marker_released)

    def _build_controls(self) -> None:
        self.title = self._small_label("slope_title", "Which parameter, and which samples the curves are for.")
        self.slope_readout = self._small_label(
            "slope_readout", "Backprop's slope ∂E/∂w at the current value: the tangent's steepness.")
        self.step_readout = self._small_label(
            "step_readout", "What the optimizer does to this parameter, and where the error lands.")
        self.legend = self._small_label("slope_legend", "Which curve is which.")
        self.secant_checkbox = QCheckBox("secant")
        self.secant_checkbox.setObjectName("secant_checkbox")
        self.secant_checkbox.setToolTip(
            "Draw the line through E(w − h) and E(w + h). Shrink h and it turns into the tangent:\n"
            "the slope backprop computes is the limit of these secants.")
        self.secant_h_slider = QSlider(Qt.Orientation.Horizontal)
        self.secant_h_slider.setObjectName("secant_h_slider")
        self.secant_h_slider.setToolTip("The secant's h, from 1 (left) down to 0.0001 (right).")
        self.secant_h_slider.setRange(0, H_DECADES * STEPS_PER_DECADE)
        self.secant_h_slider.setValue(DEFAULT_H_POSITION)
        self.secant_h_slider.setEnabled(False)
        self.secant_h_slider.setMinimumWidth(80)
        self.secant_h_label = self._small_label("secant_h_label", "The secant's h.")
        self.secant_checkbox.toggled.connect(self._on_secant_changed)
        self.secant_h_slider.valueChanged.connect(self._on_secant_changed)

    def _small_label(self, name: str, tooltip: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setToolTip(tooltip)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        return label

    def _build_layout(self) -> None:
        controls = QHBoxLayout()
        controls.setSpacing(6)
        controls.addWidget(self.legend, stretch=1)
        controls.addWidget(self.secant_checkbox)
        controls.addWidget(self.secant_h_slider, stretch=1)
        controls.addWidget(self.secant_h_label)
        self.secant_h_label.setWordWrap(False)
        self.legend.setWordWrap(False)
        self.content = QWidget()  # everything but the message: one page of the stack
        column = QVBoxLayout(self.content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.title)
        column.addWidget(self.plot_widget, stretch=1)
        column.addWidget(self.slope_readout)
        column.addWidget(self.step_readout)
        column.addLayout(controls)
        self.pages = QStackedLayout(self)
        self.pages.setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(self.content)
        self.pages.addWidget(self.message)

    # ----- showing --------------------------------------------------------------------
    def show_slope(self, data: SlopeData, name: str, symbol: str | None = None) -> None:
        """E along the parameter ``name`` (e.g. "w from x₁ to neuron 2 of hidden layer 1");
        ``symbol`` ("w" or "b") defaults to "b" when the name says bias."""
        curve = np.isfinite(data.sample_loss).any() or np.isfinite(data.train_loss).any()
        if not (math.isfinite(data.value) and curve):
            what = f"{name} is {format_number(data.value)}" if not math.isfinite(data.value) else f"E along {name} is ∞"
            self.clear(f"{what}: the network has diverged, so E has no curve to draw. "
                       "Reset, or lower the learning rate.")
            return
        self._data = data
        self._symbol = symbol or parameter_symbol(name)
        self.pages.setCurrentWidget(self.content)
        self.secant_checkbox.setEnabled(True)
        self.title.setText(f"<b>E along {html.escape(name)}</b> · all else frozen")
        self._write_legend(data.samples)
        self.plot_item.getAxis("bottom").setLabel(self._symbol)
        self.sample_curve.setData(data.values, data.sample_loss)
        self.train_curve.setData(data.values, data.train_loss)
        self._draw_tangent(data)
        self._draw_step(data)
        self.marker.set_curve(data.values, data.sample_loss)
        self.marker.setPos(data.value, data.loss_now)
        self.marker.setVisible(math.isfinite(data.loss_now))
        self._set_ranges(data)
        self._on_secant_changed()

    def _write_legend(self, samples: int) -> None:
        who = "this sample" if samples == 1 else "this mini-batch"
        self.legend.setText(_phrase(_swatch(SAMPLE_COLOR, "▬"), who) + " &nbsp;"
                            + _phrase(_swatch(TRAINING_COLOR, "▬"), "training set"))
        shot = "this sample" if samples == 1 else f"the mini-batch's {samples} samples (their mean)"
        self.legend.setToolTip(f"Blue: E of {shot}, the shot being explained.\n"
                               "Grey: the mean E over the whole training set (the loss chart's training loss).")

    def clear(self, message: str) -> None:
        """No parameter: ``message`` in place of the plot."""
        self._data = None
        for item in (self.sample_curve, self.train_curve, self.tangent, self.secant, self.step_line):
            item.setData([], [])
        for scatter in (self.prediction, self.landing, self.secant_points):
            scatter.setData([], [])
        self.arrow.hide()
        self.marker.hide()
        for label in (self.title, self.slope_readout, self.step_readout, self.legend):
            label.setText("")
        self.secant_checkbox.setEnabled(False)
        self.secant_h_slider.setEnabled(False)
        self.message.setText(message)
        self.pages.setCurrentWidget(self.message)

    @property
    def data(self) -> SlopeData | None:
        """What is shown (None after clear)."""
        return self._data

    @property
    def h(self) -> float:
        """The secant's h the slider sets."""
        return slider_h(self.secant_h_slider.value())

    # ----- drawing --------------------------------------------------------------------
    def _draw_tangent(self, data: SlopeData) -> None:
        color = tangent_color(data.slope)
        span = data.values[-1] - data.values[0]
        reach = max(TANGENT_SHARE * span / 2, 1.15 * abs(data.step)) if math.isfinite(data.step) else 0.0
        x = np.array([data.value - reach, data.value + reach])
        with np.errstate(all="ignore"):
            self.tangent.setData(*_finite(x, data.loss_now + data.slope * (x - data.value)))
        self.tangent.setPen(pg.mkPen(color, width=TANGENT_WIDTH))
        self.prediction.setPen(pg.mkPen(color, width=2))
        self._write_slope_readout()

    def _draw_step(self, data: SlopeData) -> None:
        start, end = (data.value, data.loss_now), (data.new_value, data.loss_at_new)
        moved = data.step != 0.0 and all(math.isfinite(v) for v in (*start, *end))
        self.step_line.setData(*([[start[0], end[0]], [start[1], end[1]]] if moved else ([], [])))
        self.landing.setData(*([[end[0]], [end[1]]] if moved else ([], [])))
        shown = moved and math.isfinite(data.predicted_at_new)
        self.prediction.setData(*([[data.new_value], [data.predicted_at_new]] if shown else ([], [])))
        self.arrow.setVisible(moved)
        self._place_arrow()
        self.step_readout.setText(self._step_text(data))

    def _restyle_step(self) -> None:
        """The step's arrow in the theme in force (black on white, light on dark)."""
        colour = step_color()
        self.step_line.setPen(pg.mkPen(colour, width=2))
        self.landing.setBrush(pg.mkBrush(colour))
        self.arrow.setStyle(pen=pg.mkPen(colour), brush=pg.mkBrush(colour))

    def _step_text(self, data: SlopeData) -> str:
        """The step and the change of E it makes, beside the change the tangent predicted (the
        changes, not the two losses: a small step changes E in the sixth decimal). Each phrase
        is kept on one line when the label wraps."""
        s, arrow = self._symbol, _swatch(step_color(), "➜")
        if data.step == 0.0:
            return _phrase(arrow, f"the optimizer's step leaves {s} where it is")
        with np.errstate(all="ignore"):
            change, predicted = data.loss_at_new - data.loss_now, data.predicted_at_new - data.loss_now
        text = " ".join((
            _phrase(arrow, f"step: {s} {format_number(data.value)} → {format_number(data.new_value)},"),
            _phrase(f"E changes by {signed(change)}") + "&nbsp;",
            _phrase(_swatch(tangent_color(data.slope), "○"), f"tangent said {signed(predicted)}"),
        ))
        return text + (":&nbsp;<b>overshoot</b>" if change > 0 else "")

    def _place_arrow(self) -> None:
        """The arrow head at the landing point, turned along the step as it looks on screen."""
        data = self._data
        if data is None or not self.arrow.isVisible():
            return
        start = self.view_box.mapViewToScene(QPointF(data.value, data.loss_now))
        end = self.view_box.mapViewToScene(QPointF(data.new_value, data.loss_at_new))
        angle = math.degrees(math.atan2(end.y() - start.y(), end.x() - start.x()))
        self.arrow.setStyle(angle=angle - 180.0)  # an angle of 0 points left
        self.arrow.setPos(data.new_value, data.loss_at_new)

    def _set_ranges(self, data: SlopeData) -> None:
        """x: the curve's values; y: the curves, and the landing and the tangent's prediction up
        to PREDICTION_REACH × the curves' height beyond them (an absurd prediction runs off the
        plot, its number still in the readout, rather than flatten the curves)."""
        curves = np.concatenate([data.sample_loss, data.train_loss])
        curves = curves[np.isfinite(curves)]
        low, high = (float(curves.min()), float(curves.max())) if curves.size else (0.0, 1.0)
        with np.errstate(over="ignore"):
            reach = PREDICTION_REACH * (high - low)
        for y in (data.loss_at_new, data.predicted_at_new):
            if math.isfinite(y) and math.isfinite(reach):
                low, high = min(low, max(y, low - reach)), max(high, min(y, high + reach))
        low, high = max(low, -LARGEST_SHOWN), min(high, LARGEST_SHOWN)  # pyqtgraph pads the range
        if not high - low > 1e-12:
            low, high = low - 0.5, high + 0.5
        self.view_box.setRange(xRange=(data.values[0], data.values[-1]), yRange=(low, high), padding=0.06)

    def _write_slope_readout(self) -> None:
        data = self._data
        if data is None:
            return
        parts = [_phrase(_swatch(tangent_color(data.slope), "━"),
                         f"slope ∂E/∂{self._symbol} = <b>{format_number(data.slope)}</b>:"),
                 _phrase(direction_text(data.slope))]
        if self.secant_checkbox.isChecked() and data.shot_loss is not None:
            h = self.h
            parts[-1] += "&nbsp;"
            parts.append(_phrase(_swatch(SECANT_COLOR, "╌"), f"secant slope (h = {format_number(h, 2)})",
                                 f"= {format_number(data.secant(h)[2])}"))
        self.slope_readout.setText(" ".join(parts))

    def _on_secant_changed(self) -> None:
        data = self._data
        on = data is not None and data.shot_loss is not None and self.secant_checkbox.isChecked()
        self.secant_h_slider.setEnabled(on)
        self.secant_h_label.setText(f"h = {format_number(self.h, 2)}")
        if not on:
            self.secant.setData([], [])
            self.secant_points.setData([], [])
        else:
            h = self.h
            minus, plus, slope = data.secant(h)
            reach = h + TANGENT_SHARE * (data.values[-1] - data.values[0]) / 4
            x = np.array([data.value - reach, data.value - h, data.value + h, data.value + reach])
            with np.errstate(all="ignore"):
                y = (minus + plus) / 2 + slope * (x - data.value)
            y[1], y[2] = minus, plus
            self.secant.setData(*_finite(x, y))
            self.secant_points.setData(*_finite(x[1:3], y[1:3]))
        self._write_slope_readout()

    # ----- dragging -------------------------------------------------------------------
    def _on_marker_moved(self) -> None:
        data = self._data
        if data is None or not self.marker.moving:
            return
        value = self.marker.pos().x()
        self.step_readout.setText(
            f"{self._symbol} = {format_number(value)}: E = {format_number(data.loss_at(value))}"
            " for these samples &nbsp; (let go to set the parameter)" if data.shot_loss is not None else "")

    def _on_marker_released(self) -> None:
        data = self._data
        if data is None:
            return
        value = float(self.marker.pos().x())
        if value != data.value:
            self.weight_dragged.emit(value)


def _finite(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points of (x, y) with both finite: pyqtgraph's items measure their bounds as max − min,
    which ∞ − ∞ turns into NaN (and a warning)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def _phrase(*parts: str) -> str:
    """Words that stay on one line when a label wraps (the spaces of plain text made &nbsp;;
    the parts are plain text or whole tags)."""
    return "&nbsp;".join(part if part.startswith("<") else part.replace(" ", "&nbsp;") for part in parts)


def _swatch(color: QColor, glyph: str) -> str:
    return f'<span style="color:{color.name()}">{glyph}</span>'
