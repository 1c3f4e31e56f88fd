"""The gradient colour scale of the network view, kept apart from Qt so it reads as arithmetic.

Edges are coloured by dE/dw divided by a scale: the 95th percentile of |dE/dw| over every
weight, smoothed on a log scale so the colours drift rather than flicker. Gradients below
GRADIENT_FLOOR count as zero: after convergence they shrink to round-off (1e-13), and a scale
that followed them would paint that noise in full colour, which a learner reads as large. A
step of lr · 1e-7 moves no weight visibly at any learning rate the playground offers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

GRADIENT_FLOOR = 1e-7
SMOOTHING = 0.25  # weight of the newest frame in the moving average of log(scale)
PERCENTILE = 95


def significant(gradients: np.ndarray) -> np.ndarray:
    """``gradients`` with those below GRADIENT_FLOOR set to 0 (drawn neutral); NaN kept."""
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(gradients) < GRADIENT_FLOOR, 0.0, gradients)


def percentile(values: np.ndarray, q: float) -> float:
    """np.percentile(values, q) (linear interpolation, the same arithmetic) from a partial sort:
    a fraction of the cost of the full one, paid on every frame."""
    position = q / 100 * (len(values) - 1)
    low = int(math.floor(position))
    high = min(low + 1, len(values) - 1)
    parted = np.partition(values, [low, high])
    a, b, t = float(parted[low]), float(parted[high]), position - low
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


class GradientScale:
    def __init__(self) -> None:
        self._log: float | None = None  # smoothed log of the scale; None before any gradient
        self.negligible = False  # the last update's gradients are all below GRADIENT_FLOOR

    def restart(self) -> None:
        """A reset, rebuild or load: the old gradients say nothing about the new ones."""
        self._log, self.negligible = None, False

    def update(self, gradients: Sequence[np.ndarray], updated: bool) -> None:
        """Follow one frame's weight gradients; ``updated``: an update has produced them."""
        magnitudes = np.abs(np.concatenate([g.ravel() for g in gradients]))
        finite = magnitudes[np.isfinite(magnitudes)]
        magnitudes = finite[finite >= GRADIENT_FLOOR]
        self.negligible = updated and finite.size > 0 and magnitudes.size == 0
        if magnitudes.size == 0:
            return
        newest = math.log(percentile(magnitudes, PERCENTILE))
        self._log = newest if self._log is None else self._log + SMOOTHING * (newest - self._log)

    @property
    def value(self) -> float | None:
        """|dE/dw| that draws at full colour; None before the first update or while every
        gradient is negligible."""
        return None if self._log is None or self.negligible else math.exp(self._log)
