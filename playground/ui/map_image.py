"""A (res, res) map shown in a pyqtgraph ViewBox as a plain QGraphicsPixmapItem.

pg.ImageItem re-colours and paints itself in Python on every repaint, holding the GIL that the
training thread needs; here a new map is coloured once in NumPy and Qt paints the pixmap in
C++. Map row 0 is the bottom of the plane: in the ViewBox, whose y axis points up, pixmap row
0 lands at the lowest y, so no flip is needed.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QGraphicsPixmapItem

from playground.ui.class_maps import boundary_pixels
from playground.ui.colors import colour_pixels, packed_lut, palette, pixmap


class MapImage:
    """The values shown (``image``), their colour scale (``lut`` over ``levels``) and the item;
    or, for multiclass, the K class maps (``class_maps``) coloured by the winning class."""

    def __init__(self, extent: float) -> None:
        self.item = QGraphicsPixmapItem()  # not subclassed: Qt paints it with no Python call
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)  # as a scaled canvas
        self.image: np.ndarray | None = None  # (res, res) float32, row 0 = bottom (multiclass: p_max)
        self.class_maps: np.ndarray | None = None  # (K, res, res) p_k when classes are shown
        self.levels = (-1.0, 1.0)
        self.lut = palette.map_lut
        self._packed = packed_lut(self.lut)
        self._extent = extent

    def set_image(self, image: np.ndarray, scale: float, lut: np.ndarray, low: float | None = None) -> None:
        """Show ``image`` coloured by ``lut`` over [−scale, scale], or [low, scale] (NaN grey)."""
        self.image, self.levels, self.class_maps = image, (-scale if low is None else low, scale), None
        self.set_lut(lut)
        self._place()

    def set_class_maps(self, probabilities: np.ndarray, discrete: bool) -> None:
        """Show (K, res, res) p_k: the winning class's colour, lighter where it is less sure."""
        self.class_maps, self.levels = probabilities, (0.0, 1.0)
        with np.errstate(invalid="ignore"):
            self.image = probabilities.max(axis=0)  # (res, res): how sure the winner is
        self.item.setPixmap(pixmap(boundary_pixels(probabilities, discrete)))
        self._place()

    def set_lut(self, lut: np.ndarray) -> None:
        if lut is not self.lut:
            self.lut, self._packed = lut, packed_lut(lut)
        if self.image is not None and self.class_maps is None:
            low, high = self.levels
            with np.errstate(over="ignore"):  # beyond float32: ±inf, drawn as the end colour
                scaled = self.image / high if low == -high else (self.image - (low + high) / 2) / ((high - low) / 2)
            self.item.setPixmap(pixmap(colour_pixels(scaled, self._packed)))

    def set_extent(self, extent: float) -> None:
        self._extent = extent
        self._place()

    @property
    def has_nan(self) -> bool:
        return self.image is not None and bool(np.isnan(self.image).any())

    def _place(self) -> None:
        """Grid points include both edges, so each pixel is centred on its sample."""
        if self.image is None:
            return
        resolution, e = self.image.shape[0], self._extent
        pixel = 2 * e / (resolution - 1) if resolution > 1 else 2 * e
        self.item.setTransform(QTransform.fromScale(pixel, pixel))
        self.item.setPos(-e - pixel / 2, -e - pixel / 2)
