"""Colour scales shared by every view.

Values (activations, weights, the output) use the playground's scale: orange #f59322 at −1,
light grey #e8eaeb at 0, blue #0877bd at +1, clamped. Gradients use a second diverging scale
(magenta − … + green) so a learner never mistakes a gradient for a weight.

The scales in force live in one place, ``palette``: View › Colour-blind-safe colours swaps in
scales that stay apart for protanopes and deuteranopes (checked in tests/ui/test_themes.py with
color_vision.py), and the dark theme blends the maps under the points with a dark grey instead
of white. Views read ``palette.value_lut`` etc. when they draw and restyle on
theme.notifier().changed; the module constants below stay the default (light, usual) scales.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QColor, QImage, QPixmap

NEGATIVE, ZERO, POSITIVE = (0xF5, 0x93, 0x22), (0xE8, 0xEA, 0xEB), (0x08, 0x77, 0xBD)
GRAD_NEGATIVE, GRAD_ZERO, GRAD_POSITIVE = (0xC5, 0x1B, 0x7D), (0xE8, 0xEA, 0xEB), (0x2E, 0x8B, 0x22)
NAN_COLOR = (0x70, 0x70, 0x70)  # a diverged (NaN) value draws dark grey

# Multi-class labels: Okabe & Ito's colour-blind-safe qualitative palette ("Color Universal Design",
# 2008), most distinct first: orange, blue, bluish green, vermillion, reddish purple, sky blue,
# yellow, black. Class k of K ≤ 8 is CLASS_COLORS[k] whatever K is, so a class keeps its colour.
CLASS_COLORS: tuple[tuple[int, int, int], ...] = (
    (0xE6, 0x9F, 0x00), (0x00, 0x72, 0xB2), (0x00, 0x9E, 0x73), (0xD5, 0x5E, 0x00),
    (0xCC, 0x79, 0xA7), (0x56, 0xB4, 0xE9), (0xF0, 0xE4, 0x42), (0x00, 0x00, 0x00),
)


def class_color(k: int) -> QColor:
    """The colour of multiclass class ``k`` (0 … 7), a fresh QColor."""
    return QColor(*CLASS_COLORS[k])


def diverging_lut(negative: tuple[int, int, int], zero: tuple[int, int, int], positive: tuple[int, int, int]) -> np.ndarray:
    """(256, 3) uint8: entry 0 ↔ −1, 127.5 ↔ 0, 255 ↔ +1, linear through ``zero``."""
    t = np.linspace(-1.0, 1.0, 256)[:, None]  # (256, 1)
    lo, mid, hi = (np.array(c, dtype=float) for c in (negative, zero, positive))
    rgb = np.where(t < 0, mid + (lo - mid) * -t, mid + (hi - mid) * t)
    return np.round(rgb).astype(np.uint8)


VALUE_LUT = diverging_lut(NEGATIVE, ZERO, POSITIVE)
GRADIENT_LUT = diverging_lut(GRAD_NEGATIVE, GRAD_ZERO, GRAD_POSITIVE)
DISCRETE_LUT = np.array([NEGATIVE] * 128 + [POSITIVE] * 128, dtype=np.uint8)  # "discretize output"


# The playground paints its heatmaps with alpha 160/255 over white, so the points on top,
# drawn in the full colours, stand out; mixing in the same share of white gives the same look.
PLAYGROUND_HEATMAP_WHITE = 1.0 - 160.0 / 255.0


def lightened(lut: np.ndarray, white: float = PLAYGROUND_HEATMAP_WHITE, base: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """``lut`` mixed with ``white`` parts of white (or of ``base``): a map under points keeps the points readable."""
    return np.round(lut * (1.0 - white) + np.asarray(base, dtype=float) * white).astype(np.uint8)


# The heatmap behind the data points.
MAP_LUT = lightened(VALUE_LUT)
MAP_DISCRETE_LUT = lightened(DISCRETE_LUT)


@dataclass(frozen=True)
class Scales:
    """The ends of both diverging scales, and the words that name their colours."""

    negative: tuple[int, int, int]
    zero: tuple[int, int, int]
    positive: tuple[int, int, int]
    grad_negative: tuple[int, int, int]
    grad_positive: tuple[int, int, int]
    words: tuple[str, str, str, str]  # value −, value +, gradient −, gradient +


USUAL_SCALES = Scales(NEGATIVE, ZERO, POSITIVE, GRAD_NEGATIVE, GRAD_POSITIVE, ("orange", "blue", "magenta", "green"))
# Colour-blind safe: values on Okabe & Ito's orange and blue (the first two class colours); gradients
# from a medium purple (PuOr-like; light enough to show on the dark canvas) to an olive gold. For
# protanopes and deuteranopes the usual magenta and green both fade to greyish tones near zero
# (CIE76 ΔE of ±½ only 28 under deuteranopia, 73 with normal vision); these keep ΔE ≥ 60 for ±½
# under both (tests/ui/test_themes.py).
COLORBLIND_SCALES = Scales(
    (0xE6, 0x9F, 0x00), ZERO, (0x00, 0x72, 0xB2), (0x7B, 0x52, 0xAE), (0xB8, 0xA0, 0x00), ("orange", "blue", "purple", "gold"),
)
DARK_MAP_BASE = (0x2A, 0x2D, 0x33)  # the dark theme's heatmaps are blended with this instead of white
# On the dark canvas the edges' zero is a dark grey, as the light one is near the white canvas: an
# edge that carries nothing fades into the background instead of drawing a bright tangle.
DARK_EDGE_ZERO = (0x4A, 0x4F, 0x57)


class Palette:
    """The colour scales in force. Each change makes new arrays, so caches keyed on an array's
    identity (EdgeSet's pens, lut_colors) see the change by themselves."""

    def __init__(self) -> None:
        self.set(colorblind=False, dark=False)

    def set(self, colorblind: bool, dark: bool) -> None:
        self.colorblind, self.dark = bool(colorblind), bool(dark)
        scales = self.scales = COLORBLIND_SCALES if colorblind else USUAL_SCALES
        self.negative, self.zero, self.positive = scales.negative, scales.zero, scales.positive
        self.grad_negative, self.grad_positive = scales.grad_negative, scales.grad_positive
        self.value_lut = diverging_lut(scales.negative, scales.zero, scales.positive)  # neurons, maps, points
        edge_zero = DARK_EDGE_ZERO if dark else scales.zero
        self.gradient_lut = diverging_lut(scales.grad_negative, edge_zero, scales.grad_positive)  # edges, biases
        # weights on the edges (Colour edges by weight, the inspector's aim): the value scale through edge_zero
        self.edge_value_lut = diverging_lut(scales.negative, edge_zero, scales.positive) if dark else self.value_lut
        self.discrete_lut = np.array([scales.negative] * 128 + [scales.positive] * 128, dtype=np.uint8)
        base = DARK_MAP_BASE if dark else (255, 255, 255)
        self.map_lut = lightened(self.value_lut, base=base)
        self.map_discrete_lut = lightened(self.discrete_lut, base=base)

    def words(self) -> dict[str, str]:
        """Names and hex codes of the four end colours, for text that names them."""
        s = self.scales
        hexes = ["#%02x%02x%02x" % c for c in (s.negative, s.positive, s.grad_negative, s.grad_positive)]
        keys = ("negative", "positive", "grad_negative", "grad_positive")
        return {**dict(zip(keys, s.words)), **{f"{k}_hex": h for k, h in zip(keys, hexes)}}


def lut_index(value: float) -> int:
    """Index into a 256-entry LUT for a value in [−1, 1] (clamped)."""
    return int(round((min(max(value, -1.0), 1.0) + 1.0) * 127.5))


_QCOLORS: dict[int, tuple[np.ndarray, list[QColor]]] = {}  # id(lut) → (lut, its 257 QColors)


def lut_colors(lut: np.ndarray | None = None) -> list[QColor]:
    """The LUT's (default: the value scale in force) 256 colours as QColors and, last (index −1),
    NAN_COLOR; made once per LUT.

    The QColors are shared (copying one costs more than a lookup): do not change them.
    """
    if lut is None:
        lut = palette.value_lut
    entry = _QCOLORS.get(id(lut))
    if entry is None or entry[0] is not lut:  # (the identity check guards a reused id)
        colors = [QColor(int(r), int(g), int(b)) for r, g, b in lut]
        entry = _QCOLORS[id(lut)] = (lut, [*colors, QColor(*NAN_COLOR)])
    return entry[1]


def value_color(value: float, lut: np.ndarray | None = None) -> QColor:
    """The LUT's (default: the value scale in force) colour for a value in [−1, 1] (clamped); NaN and ±inf are NAN_COLOR.

    The QColor returned is shared (copying one costs more than a lookup): do not change it.
    """
    if not math.isfinite(value):
        return QColor(*NAN_COLOR)
    return lut_colors(lut)[lut_index(value)]  # shared: callers must not change it


def lut_indices(values: np.ndarray) -> np.ndarray:
    """``lut_index`` of every value at once: (n,) intp in 0 … 255, and −1 (lut_colors' NaN
    colour) for NaN and ±inf."""
    values = np.asarray(values, dtype=float)
    index = np.round((np.clip(values, -1.0, 1.0) + 1.0) * 127.5)
    index[~np.isfinite(values)] = -1
    return index.astype(np.intp)


def to_rgb(maps: np.ndarray, lut: np.ndarray | None = None, scale: float = 1.0) -> np.ndarray:
    """float maps (..., h, w) in [−scale, scale] → (..., h, w, 3) uint8 colours; NaN → NAN_COLOR."""
    with np.errstate(invalid="ignore"):
        scaled = np.clip(maps / scale, -1.0, 1.0)
    index = np.round((np.nan_to_num(scaled, nan=0.0) + 1.0) * 127.5).astype(np.uint8)
    rgb = (palette.value_lut if lut is None else lut)[index]
    rgb[np.isnan(maps)] = NAN_COLOR
    return rgb


def packed_lut(lut: np.ndarray) -> np.ndarray:
    """(257,) uint32 0xffRRGGBB: the 256 colours of ``lut`` and, last, the NaN grey."""
    rgb = np.vstack([lut, np.array(NAN_COLOR, dtype=np.uint8)]).astype(np.uint32)  # (257, 3)
    return (0xFF << 24) | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


def colour_pixels(values: np.ndarray, packed: np.ndarray) -> np.ndarray:
    """Values in [−1, 1] (clamped; NaN grey) → contiguous uint32 pixels of the same shape."""
    # v ↦ round((v + 1)·127.5), clamped to 0..255, computed as floor(v·127.5 + 128) on a
    # buffer clipped to [0.5, 255.5]; NaN survives the clip and is sent to entry 256. Values
    # beyond float32's range (a weight typed as 1e37) overflow to ±inf, which the clip handles.
    with np.errstate(over="ignore"):
        scaled = np.multiply(values, 127.5, dtype=np.float32)
    scaled += 128.0
    np.clip(scaled, 0.5, 255.5, out=scaled)
    nan = np.isnan(scaled)
    if nan.any():
        scaled[nan] = 256.5
    return np.ascontiguousarray(packed[scaled.astype(np.intp)])


def pixmap(pixels: np.ndarray, ratio: float = 1.0) -> QPixmap:
    """(h, w) contiguous uint32 0xffRRGGBB pixels as a pixmap (the pixmap owns a copy)."""
    h, w = pixels.shape
    image = QImage(pixels.data, w, h, 4 * w, QImage.Format.Format_RGB32)
    result = QPixmap.fromImage(image)
    result.setDevicePixelRatio(ratio)
    return result


palette = Palette()  # the scales in force: read when drawing, never copied into a module constant
