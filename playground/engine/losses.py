"""Losses as (value, derivative) pairs, per example.

The playground's only loss is the square error E = ½(out − target)², dE/dout = out − target.
The displayed loss is the mean of E over a whole set, with no regularization term.
"""

from __future__ import annotations

import numpy as np


def square_loss(out: np.ndarray, target: np.ndarray) -> np.ndarray:
    """E per example: ½(out − target)²; shapes broadcast, e.g. (n, 1) with (n, 1)."""
    diff = out - target
    return 0.5 * diff * diff


def square_loss_derivative(out: np.ndarray, target: np.ndarray) -> np.ndarray:
    """dE/dout = out − target."""
    return out - target


def mean_loss(out: np.ndarray, target: np.ndarray) -> float:
    """The displayed loss: mean of ½(out − target)² over the set (0.0 for an empty set)."""
    if out.size == 0:
        return 0.0
    return float(np.mean(square_loss(out, target)))


def accuracy(out: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of examples whose predicted class sign(out) matches the ±1 label.

    An output of exactly 0 counts as +1, the side "discretize output" colours blue.
    """
    if out.size == 0:
        return float("nan")
    predicted = np.where(out >= 0, 1.0, -1.0)
    return float(np.mean(predicted == labels))
