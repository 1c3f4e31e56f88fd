"""Regularizers as (value, derivative) pairs over weights (never biases).

The playground applies regularization once per update, after the gradient step:
    w ← w − lr · rate · R'(w_before)
with R(w) = |w|, R'(w) = sign(w) (0 at 0) for L1 and R(w) = ½w², R'(w) = w for L2.
L1's extra rule (a weight pushed across zero dies) lives in the trainer's update.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Regularizer:
    name: str  # the config's name
    label: str  # what the window shows
    value: Callable[[np.ndarray], np.ndarray]  # R(w), elementwise
    derivative: Callable[[np.ndarray], np.ndarray]  # R'(w), elementwise


REGULARIZERS: dict[str, Regularizer] = {
    r.name: r
    for r in (
        Regularizer("none", "None", np.zeros_like, np.zeros_like),
        Regularizer("l1", "L1", np.abs, np.sign),
        Regularizer("l2", "L2", lambda w: 0.5 * w * w, lambda w: w.copy()),
    )
}

REGULARIZATION_NAMES: tuple[str, ...] = tuple(REGULARIZERS)
REGULARIZATION_LABELS: dict[str, str] = {name: r.label for name, r in REGULARIZERS.items()}


def get_regularizer(name: str) -> Regularizer:
    try:
        return REGULARIZERS[name]
    except KeyError:
        raise ValueError(f"unknown regularization {name!r}; allowed: {', '.join(REGULARIZATION_NAMES)}") from None
