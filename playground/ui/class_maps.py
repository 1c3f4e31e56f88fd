"""Colours of a multiclass network's pictures: the K softmax maps p_k, each class in its colour.

- The boundary: each pixel takes the colour of its most probable class, mixed with white by how
  sure the network is there, t = (p_max − 1/K) / (1 − 1/K): white where every class is equally
  likely (t = 0), the class colour lightened as the binary map is under points where p_max = 1.
  Discretized: the lightened class colour wherever the class wins.
- One class's own map p_k (a thumbnail, a ring): white at p = 0, the class colour at p = 1.

Everything is a table lookup on whole arrays (no per-pixel Python): about 0.1 ms for 8 × 100 × 100.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtGui import QColor

from playground.ui.colors import CLASS_COLORS, NAN_COLOR, colour_pixels, lightened, packed_lut

LEVELS = 256  # steps of each class's ramp
WHITE = np.array((255, 255, 255), dtype=float)


def class_ramp(color: tuple[int, int, int]) -> np.ndarray:
    """(256, 3) uint8: entry 0 ↔ white (p = 0), entry 255 ↔ ``color`` (p = 1), linear."""
    t = np.linspace(0.0, 1.0, LEVELS)[:, None]  # (256, 1)
    return np.round(WHITE + (np.array(color, dtype=float) - WHITE) * t).astype(np.uint8)


CLASS_RAMPS: tuple[np.ndarray, ...] = tuple(class_ramp(c) for c in CLASS_COLORS)  # thumbnails, rings
MAP_CLASS_RAMPS: tuple[np.ndarray, ...] = tuple(lightened(r) for r in CLASS_RAMPS)  # under the points
# packed_lut's index runs over [−1, 1]: a p in [0, 1] is looked up as 2p − 1.
PACKED_CLASS_RAMPS: tuple[np.ndarray, ...] = tuple(packed_lut(r) for r in CLASS_RAMPS)  # (257,) each


def _boundary_table() -> np.ndarray:
    """(8·256 + 1,) uint32 0xffRRGGBB: class k's lightened ramp at k·256 …; last, the NaN grey."""
    rgb = np.vstack([*MAP_CLASS_RAMPS, np.array([NAN_COLOR], dtype=np.uint8)]).astype(np.uint32)
    return (0xFF << 24) | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


BOUNDARY_TABLE = _boundary_table()
NAN_ENTRY = len(BOUNDARY_TABLE) - 1


def winning_class(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(K, h, w) p_k → (h, w) index of the most probable class and (h, w) its p (NaN: NaN)."""
    return np.argmax(probabilities, axis=0), np.max(probabilities, axis=0)


def boundary_pixels(probabilities: np.ndarray, discrete: bool = False) -> np.ndarray:
    """(K, h, w) float p_k → contiguous (h, w) uint32 pixels of the boundary (module docstring)."""
    k = len(probabilities)
    winner, p_max = winning_class(probabilities)
    if discrete:
        level = np.full(p_max.shape, LEVELS - 1, dtype=np.intp)
    else:
        with np.errstate(invalid="ignore"):
            t = (p_max - 1.0 / k) * (k / (k - 1.0))  # 0 at a tie of all K, 1 at certainty
            level = np.clip(np.nan_to_num(t) * (LEVELS - 1) + 0.5, 0, LEVELS - 1).astype(np.intp)
    index = winner * LEVELS + level
    index[np.isnan(p_max)] = NAN_ENTRY
    return np.ascontiguousarray(BOUNDARY_TABLE[index])


def class_pixels(p: np.ndarray, k: int) -> np.ndarray:
    """(..., h, w) probabilities of class ``k`` → uint32 pixels from white (0) to its colour (1)."""
    return colour_pixels(2.0 * np.asarray(p, dtype=np.float32) - 1.0, PACKED_CLASS_RAMPS[k])


def class_value_color(k: int, p: float) -> QColor:
    """Class ``k``'s colour for probability ``p`` (white … the class colour; NaN grey)."""
    if not math.isfinite(p):
        return QColor(*NAN_COLOR)
    level = int(round(min(max(p, 0.0), 1.0) * (LEVELS - 1)))
    return QColor(*(int(c) for c in CLASS_RAMPS[k][level]))
