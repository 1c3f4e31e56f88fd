"""The legend under the decision boundary: the value scale (−s … 0 … s and a NaN swatch), or for
a multiclass network one swatch per class ("0", "1", …), or while one class's map is shown large,
its scale p = 0 (white) … 1 (the class's colour)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from playground.ui import theme
from playground.ui.boundary_plot import CLASS_OUTPUT_COLOURS, OUTPUT_COLOURS
from playground.ui.class_maps import CLASS_RAMPS
from playground.ui.colors import NAN_COLOR, class_color, palette

VALUE_TIP = f"{OUTPUT_COLOURS} The points: their labels on the same scale."
CLASS_TIP = f"{CLASS_OUTPUT_COLOURS} The points: filled with their class's colour."
SWATCH = 10  # px


def strip(lut: np.ndarray) -> QImage:
    """A (256, 3) uint8 LUT as a 256 × 1 image."""
    rgba = np.concatenate([lut, np.full((256, 1), 255, np.uint8)], axis=1)  # (256, 4)
    bgra = np.ascontiguousarray(rgba[None, :, [2, 1, 0, 3]])  # (1, 256, 4) BGRA = Format_ARGB32 on little-endian
    return QImage(bgra.data, 256, 1, 256 * 4, QImage.Format.Format_ARGB32).copy()


class ColorBar(QWidget):
    """The value scale as a strip, labelled −s … 0 … s, with a grey NaN swatch; or K class swatches."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("color_bar")
        self.setToolTip(VALUE_TIP)
        self.setFixedHeight(30)
        self._scale = 1.0
        self.classes = 0  # K swatches instead of the scale when > 0
        # Classes: the NaN swatch only while the map has NaN, or class 7's grey-looking black
        # (lightened under the points) would be read as NaN.
        self.class_nan = False
        self.shown_class = -1  # ≥ 0: the scale of that class's p map instead of the swatches
        self._strip_lut = palette.value_lut
        self._strip = strip(self._strip_lut)
        self._class_strips = [strip(ramp) for ramp in CLASS_RAMPS]
        theme.follow_theme(self, self.update)

    def value_strip(self) -> QImage:
        """The strip of the value scale in force (made again when the colour-blind option changes it)."""
        if self._strip_lut is not palette.value_lut:
            self._strip_lut = palette.value_lut
            self._strip = strip(self._strip_lut)
        return self._strip

    def set_scale(self, scale: float) -> None:
        self._scale = float(scale)
        self.update()

    def set_classes(self, k: int, nan: bool = False) -> None:
        """Show K class swatches (0: the value scale), and the NaN swatch if ``nan``."""
        if k != self.classes or nan != self.class_nan:
            self.classes, self.class_nan = int(k), bool(nan)
            self.setToolTip(CLASS_TIP if k else VALUE_TIP)
            self.update()

    def set_shown_class(self, k: int) -> None:
        """While class ``k``'s p map is shown large, its scale (−1: the class swatches)."""
        if k != self.shown_class:
            self.shown_class = int(k)
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        painter.setFont(font)
        if self.classes and 0 <= self.shown_class < len(self._class_strips):
            k = self.shown_class
            self._paint_scale(painter, self._class_strips[k], ("0", f"p(class {k})", "1"))
        elif self.classes:
            self._paint_classes(painter)
        else:
            s = self._scale
            self._paint_scale(painter, self.value_strip(), (f"{-s:g}", "0", f"{s:g}"))
        painter.end()

    def _paint_scale(self, painter: QPainter, image: QImage, texts: tuple[str, str, str]) -> None:
        nan_width = 46
        bar = QRectF(6, 2, self.width() - 12 - nan_width, 10)
        painter.drawImage(bar, image)
        painter.setPen(QColor(theme.current().muted))
        painter.drawRect(bar)
        aligns = (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignHCenter, Qt.AlignmentFlag.AlignRight)
        painter.setPen(QColor(theme.current().text))
        for text, align in zip(texts, aligns):
            below = QRectF(bar.left(), bar.bottom() + 1, bar.width(), 16)
            painter.drawText(below, int(align | Qt.AlignmentFlag.AlignTop), text)
        self._paint_nan(painter, bar.right() + 10, bar.top())

    def _paint_classes(self, painter: QPainter) -> None:
        """"class" then a swatch and the index of each class, then the NaN swatch."""
        painter.setPen(QColor(theme.current().text))
        metrics = painter.fontMetrics()
        x, top = 6.0, 2.0
        word = "classes"
        painter.drawText(QRectF(x, top - 3, 60, 16), int(Qt.AlignmentFlag.AlignLeft), word)
        x += metrics.horizontalAdvance(word) + 8
        for k in range(self.classes):
            painter.fillRect(QRectF(x, top, SWATCH, SWATCH), class_color(k))
            painter.setPen(QColor(theme.current().text))
            painter.drawText(QRectF(x + SWATCH + 3, top - 3, 16, 16), int(Qt.AlignmentFlag.AlignLeft), str(k))
            x += SWATCH + 3 + metrics.horizontalAdvance(str(k)) + 10
        painter.drawText(
            QRectF(6, top + SWATCH + 1, self.width() - 12, 16),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            "paler = less sure; white = all classes equally likely",
        )
        if self.class_nan:
            self._paint_nan(painter, max(x + 6, self.width() - 52.0), top)

    def _paint_nan(self, painter: QPainter, x: float, top: float) -> None:
        swatch = QRectF(x, top, SWATCH, SWATCH)
        painter.fillRect(swatch, QColor(*NAN_COLOR))
        painter.setPen(QColor(theme.current().text))
        painter.drawText(QRectF(swatch.right() + 4, swatch.top() - 3, 40, 16), int(Qt.AlignmentFlag.AlignLeft), "NaN")
