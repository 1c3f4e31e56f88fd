"""Simulated colour vision deficiency and colour difference, for checking the colour scales.

Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation of Color
Vision Deficiency", IEEE TVCG 15(6): at severity 1.0 a dichromat's view of an sRGB colour is a
3 × 3 matrix applied in *linear* RGB. Differences are CIE76 ΔE (Euclidean distance in CIELAB,
D65 white): about 2.3 is just noticeable, above about 20 two colours read as different colours.
Pure NumPy: no Qt, so the tests and the scales' choice can use it anywhere.
"""

from __future__ import annotations

import numpy as np

# Machado et al. (2009), Table 1, severity 1.0 (rows give the simulated linear R, G, B).
PROTANOPIA = np.array([
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
])
DEUTERANOPIA = np.array([
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.011820, 0.042940, 0.968881],
])
SIMULATIONS = {"protanopia": PROTANOPIA, "deuteranopia": DEUTERANOPIA}

_SRGB_TO_XYZ = np.array([
    [0.4124564, 0.3575761, 0.1804375],
    [0.2126729, 0.7151522, 0.0721750],
    [0.0193339, 0.1191920, 0.9503041],
])
_D65 = np.array([0.95047, 1.0, 1.08883])


def to_linear(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0 … 255 (..., 3) → linear RGB 0 … 1."""
    c = np.asarray(rgb, dtype=float) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def from_linear(linear: np.ndarray) -> np.ndarray:
    """Linear RGB 0 … 1 (clipped) → sRGB 0 … 255 as floats."""
    c = np.clip(linear, 0.0, 1.0)
    return 255.0 * np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def simulate(rgb: np.ndarray, deficiency: str) -> np.ndarray:
    """How a dichromat (``deficiency``: "protanopia" or "deuteranopia") sees sRGB ``rgb`` (..., 3)."""
    return from_linear(to_linear(rgb) @ SIMULATIONS[deficiency].T)


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0 … 255 (..., 3) → CIELAB (..., 3), D65."""
    xyz = to_linear(rgb) @ _SRGB_TO_XYZ.T / _D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """CIE76 colour difference of sRGB colours ``a`` and ``b`` (..., 3)."""
    return np.linalg.norm(to_lab(a) - to_lab(b), axis=-1)


def worst_difference(colors: dict[str, tuple[int, int, int]]) -> tuple[float, str]:
    """The smallest pairwise ΔE among ``colors`` as seen with normal vision, protanopia and
    deuteranopia, and which pair under which vision it is (e.g. "negative/zero, deuteranopia")."""
    names = list(colors)
    worst = (np.inf, "")
    for vision in ("normal", *SIMULATIONS):
        seen = {n: np.asarray(c, dtype=float) if vision == "normal" else simulate(c, vision) for n, c in colors.items()}
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                d = float(delta_e(seen[a], seen[b]))
                if d < worst[0]:
                    worst = (d, f"{a}/{b}, {vision}")
    return worst
