"""A row of small maps under the boundary, one per class of a multiclass network: p_k over the
plane from white (0) to the class's colour (1), framed in that colour and labelled "class k".

Always MAX_CLASSES thumbnails exist (found by name whatever the problem); those beyond K hide.
Hovering one emits ``class_hovered(k)`` (−1 on leaving) so the big plot can show it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from playground.engine.config import MAX_CLASSES
from playground.ui import theme
from playground.ui.class_maps import class_pixels
from playground.ui.colors import class_color

THUMB_PIXELS = 50  # each class map is shown from a 50 × 50 sample of the grid, smoothly scaled
CAPTION_HEIGHT = 14
ROW_HEIGHT = 58


class ClassThumbnail(QWidget):
    """One class's p_k map (an image painted to fit) with its caption."""

    def __init__(self, k: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.k = k
        self.setObjectName(f"class_thumbnail_{k}")
        self.setToolTip(
            f"p(class {k}): how probable the network finds class {k} at each place of the plane,\n"
            f"white = 0 … its colour = 1. Hover to see it large."
        )
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.image: QImage | None = None
        self.hovered = False  # drawn with a thicker frame while its map is shown large

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(ROW_HEIGHT - CAPTION_HEIGHT, ROW_HEIGHT)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(24, 24 + CAPTION_HEIGHT)

    def set_pixels(self, pixels: np.ndarray) -> None:
        """(h, w) contiguous uint32 0xffRRGGBB, row 0 = top; the image keeps a copy."""
        h, w = pixels.shape
        self.image = QImage(pixels.data, w, h, 4 * w, QImage.Format.Format_RGB32).copy()
        self.update()

    def image_rect(self) -> QRectF:
        side = max(8.0, min(self.width() - 2.0, self.height() - CAPTION_HEIGHT - 2.0))
        return QRectF((self.width() - side) / 2, 1.0, side, side)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        rect = self.image_rect()
        if self.image is not None:
            painter.drawImage(rect, self.image)
        painter.setPen(QPen(class_color(self.k), 3.5 if self.hovered else 2.0))
        painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        painter.setFont(font)
        painter.setPen(QColor(theme.current().text))
        caption = QRectF(0, rect.bottom() + 1, self.width(), CAPTION_HEIGHT)
        painter.drawText(caption, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), f"class {self.k}")
        painter.end()


class ClassThumbnails(QWidget):
    """The row of ClassThumbnails; ``show_maps`` recolours the first K (the rest hide)."""

    class_hovered = Signal(int)  # the class under the pointer, −1 when it leaves

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("class_thumbnails")
        self.setFixedHeight(ROW_HEIGHT)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addStretch(1)
        self.thumbnails = [ClassThumbnail(k) for k in range(MAX_CLASSES)]
        for thumbnail in self.thumbnails:
            thumbnail.installEventFilter(self)
            row.addWidget(thumbnail)
        row.addStretch(1)
        self.hovered = -1  # the class whose thumbnail is under the pointer, −1: none

    def show_maps(self, probabilities: np.ndarray) -> None:
        """(K, res, res) p_k, row 0 = bottom: thumbnails 0 … K−1 show them, the others hide."""
        k = len(probabilities)
        step = max(1, probabilities.shape[-1] // THUMB_PIXELS)
        small = probabilities[:, ::-step, ::step]  # (K, ~50, ~50), flipped: row 0 = top
        for index, thumbnail in enumerate(self.thumbnails):
            if index < k:
                thumbnail.set_pixels(class_pixels(small[index], index))
            if thumbnail.isHidden() == (index < k):
                thumbnail.setVisible(index < k)

    def eventFilter(self, watched, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Enter and isinstance(watched, ClassThumbnail):
            self._hover(watched.k)
        elif event.type() == QEvent.Type.Leave and isinstance(watched, ClassThumbnail) and watched.k == self.hovered:
            self._hover(-1)
        return super().eventFilter(watched, event)

    def _hover(self, k: int) -> None:
        if k != self.hovered:
            self.hovered = k
            for thumbnail in self.thumbnails:
                if thumbnail.hovered != (thumbnail.k == k):
                    thumbnail.hovered = thumbnail.k == k
                    thumbnail.update()
            self.class_hovered.emit(k)

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._hover(-1)  # a hidden row hovers nothing
        super().hideEvent(event)
