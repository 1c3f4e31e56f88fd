"""The small Qt widgets around the network canvas: layer headers, the edge legend, the inline editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.ui import theme
from playground.ui.colors import colour_pixels, packed_lut, palette, pixmap

if TYPE_CHECKING:
    from playground.ui.stages import StageView


def tool_button(text: str, name: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.setFixedSize(24, 22)
    return button


class LayerHeader(QWidget):
    """"−" and "+" above hidden layer ``layer`` (0-based) and its name and neuron count."""

    def __init__(self, layer: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.layer = layer
        self.remove = tool_button("−", f"remove_neuron_button_{layer}", f"Remove a neuron from hidden layer {layer + 1}")
        self.add = tool_button("+", f"add_neuron_button_{layer}", f"Add a neuron to hidden layer {layer + 1}")
        self.label = QLabel()
        self.label.setObjectName(f"neuron_count_label_{layer}")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        buttons.addStretch(1)
        buttons.addWidget(self.remove)
        buttons.addWidget(self.add)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(buttons)
        column.addWidget(self.label)
        self.size = 0

    def set_size(self, size: int, max_neurons: int) -> None:
        self.size = size
        self.add.setEnabled(bool(size < max_neurons))
        self.remove.setEnabled(bool(size > 1))
        self._relabel()

    def set_width(self, width: int) -> None:
        """Wide: "Hidden layer 1 / 4 neurons"; narrower: "Hidden 1"; narrowest: "H1 / 4"."""
        self.setFixedWidth(width)
        side = 24 if width >= 60 else 18
        for button in (self.add, self.remove):
            button.setFixedSize(side, side - 2 if side == 24 else side)
        self._relabel()
        self.adjustSize()

    def _relabel(self) -> None:
        width, layer = self.width(), self.layer + 1
        count = f"{self.size} neuron{'' if self.size == 1 else 's'}"
        if width >= 60:
            name = "Hidden layer" if width >= 96 else "Hidden"
            self.label.setText(f"<b>{name} {layer}</b><br>{count}")
        else:
            self.label.setText(f"<b>H{layer}</b><br>{self.size}")
        points = (9 if width >= 60 else 7.5) * theme.font_scale()
        self.label.setStyleSheet(f"color: {theme.current().strong}; font-size: {points:g}pt;")
        self.label.setToolTip(f"Hidden layer {layer} has {count}")

    def retire(self) -> None:
        """Leave for good: hidden now, deleted by the event loop, never found by name again."""
        for widget in (self, self.add, self.remove, self.label):
            widget.setObjectName("")
        self.hide()
        self.deleteLater()


LIVE_LEGEND = "·  width = |w|  ·  ▪ = bias  ·  ring = traced sample"


class EdgeLegend(QWidget):
    """What edge colour and width mean, with the colour bar and its current scale."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("edge_legend")
        self.setToolTip(
            "Edge colour: dE/dw of the last update, on a scale that follows the gradients "
            "(95th percentile of |dE/dw|, smoothed), or the weight itself.\n"
            "Edge width: |weight|. Small square: the neuron's bias. Ring: the traced sample's value."
        )
        self.title, self.low, self.high, self.rest = QLabel(), QLabel(), QLabel(), QLabel()
        self.bar = QLabel()
        self.bar.setFixedSize(90, 10)
        self.rest.setText(LIVE_LEGEND)
        self.rest.setMinimumWidth(0)  # the explanation gives way first when the view is narrow
        self.rest.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 2, 8, 2)
        row.setSpacing(5)
        for widget in (self.title, self.low, self.bar, self.high, self.rest):
            row.addWidget(widget, 1 if widget is self.rest else 0)
        self._bar_lut: np.ndarray | None = None  # the LUT the bar shows
        self._gradient = True
        self.restyle()
        self.show_mode("gradient", None)

    def restyle(self) -> None:
        """The theme's text colour; the bar of the scale in force."""
        for widget in (self.title, self.low, self.bar, self.high, self.rest):
            widget.setStyleSheet(f"color: {theme.current().text}; font-size: {8.5 * theme.font_scale():g}pt;")
        self._set_bar(palette.gradient_lut if self._gradient else palette.edge_value_lut)

    def _show_mode(self, mode: str, scale: float | None, no_scale: str) -> None:
        """``scale`` None: no gradient to scale by, and ``no_scale`` says why."""
        gradient = mode == "gradient"
        self.title.setText("Edge colour = dE/dw" if gradient else "Edge colour = weight w")
        limit = 1.0 if not gradient else scale
        self.low.setText(no_scale if limit is None else f"−{limit:.2g}")
        self.high.setText("" if limit is None else f"+{limit:.2g}")  # (an unchanged text is not redrawn)
        self._gradient = gradient
        self._set_bar(palette.gradient_lut if gradient else palette.edge_value_lut)

    def _set_bar(self, lut: np.ndarray) -> None:
        """The colour ramp of ``lut``; set only when it changes (setPixmap always redraws)."""
        if self._bar_lut is not lut:
            self._bar_lut = lut
            ramp = np.repeat(np.linspace(-1.0, 1.0, 90)[None], 10, axis=0)  # (10, 90)
            self.bar.setPixmap(pixmap(colour_pixels(ramp, packed_lut(lut))))

    def show_stage(self, view: StageView) -> None:
        """What an inspector stage's edge colours and rings mean."""
        title, scale, rest = view.legend
        self.title.setText(title)
        self.low.setText("" if scale is None else f"−{scale:.2g}")
        self.high.setText("" if scale is None else f"+{scale:.2g}")
        self._set_bar(view.edge_lut)
        self.rest.setText(f"·  {rest}")

    def show_mode(self, mode: str, scale: float | None, no_scale: str = "no update yet") -> None:
        self.rest.setText(LIVE_LEGEND)
        self._show_mode(mode, scale, no_scale)

    def text(self) -> str:
        parts = (self.title.text(), self.low.text(), self.high.text(), self.rest.text())
        return " ".join(part for part in parts if part)


class ParameterEditor(QLineEdit):
    """A one-line field over the scene for typing a weight or bias; Enter applies, Esc cancels."""

    accepted = Signal(float)
    NORMAL = "QLineEdit { border: 1px solid #5b8fd6; border-radius: 3px; padding: 1px 3px; background: white; color: #1f2630; }"
    INVALID = "QLineEdit { border: 2px solid #d93025; border-radius: 3px; padding: 0px 2px; background: #fff4f3; color: #1f2630; }"

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("parameter_editor")
        self.setFixedWidth(96)
        self.hide()
        self.returnPressed.connect(self._apply)

    def open(self, value: float, what: str, where: QPoint) -> None:
        self.what = what
        self.setText(f"{value:.6g}")
        self._mark(valid=True)
        self.move(where)
        self.show()
        self.raise_()
        self.setFocus()
        self.selectAll()

    def value(self) -> float | None:
        try:
            number = float(self.text().strip().replace("−", "-").replace(",", "."))
        except ValueError:
            return None
        return number if np.isfinite(number) else None

    def _apply(self) -> None:
        number = self.value()
        if number is None:
            self._mark(valid=False)
            return
        self.hide()
        self.accepted.emit(number)

    def _mark(self, valid: bool) -> None:
        self.setProperty("invalid", not valid)
        self.setStyleSheet(self.NORMAL if valid else self.INVALID)
        hint = "Enter applies, Esc cancels"
        self.setToolTip(f"New value for {self.what}. {hint}" if valid else f"'{self.text()}' is not a number. {hint}")

    def cancel(self) -> None:
        self.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() in (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.TabFocusReason):
            self.cancel()


class NetworkCanvas(QGraphicsView):
    """The scene's view: antialiased, no scroll bars, lays the scene out again when resized."""

    def __init__(self, scene: QGraphicsScene, on_resize: Callable[[], None]) -> None:
        super().__init__(scene)
        self._on_resize = on_resize
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setBackgroundBrush(QColor(theme.current().chart))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._on_resize()
