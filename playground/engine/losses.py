"""Losses per problem, as per-example values, targets and the output rule that goes with them.

- classification (labels ±1) and regression: one output neuron (tanh, linear) and the
  playground's square error E = ½(out − t)², dE/dout = out − t.
- multiclass (labels 0 … K−1): K output neurons under softmax, p_k = e^(z_k − m) / Σ_j e^(z_j − m)
  with m = max_j z_j (subtracting the max changes nothing mathematically and keeps e^… finite), and
  cross-entropy E = −ln p_label. With the one-hot target y, dE/dz_k = p_k − y_k: the same
  "(out − target) · factor" form as the square loss with a factor of 1, which is why the softmax
  "activation" below reports a derivative of 1 and the one-hot target is what every backward pass
  is given (activations.SOFTMAX). Softmax is only ever paired with cross-entropy.

Targets are (n, n_outputs): the label itself for one output, the one-hot row for K classes. The
displayed loss is the mean of E over a whole set, with no regularization term; NaN for an empty set
(the window reads it as "no points").
"""

from __future__ import annotations

import numpy as np

# The smallest positive double: p(label) is floored at it, so a confidently wrong network's
# cross-entropy is large (at most about 708) rather than infinite.
SMALLEST_PROBABILITY = np.finfo(np.float64).tiny


def loss_problem(output_activation: str) -> str:
    """A problem whose loss goes with an output activation: softmax → "multiclass" (cross-entropy);
    any other → "regression" (the square loss, which classification shares)."""
    return "multiclass" if output_activation == "softmax" else "regression"


def targets_of(labels: np.ndarray, problem: str, n_outputs: int) -> np.ndarray:
    """(n, n_outputs) float64 targets of (n,) labels: one-hot rows for multiclass, else the label."""
    labels = np.asarray(labels, dtype=np.float64).reshape(-1)
    if problem != "multiclass":
        return labels[:, None].copy()
    onehot = np.zeros((len(labels), n_outputs))
    onehot[np.arange(len(labels)), labels.astype(np.int64)] = 1.0
    return onehot


def square_loss(out: np.ndarray, target: np.ndarray) -> np.ndarray:
    """E per example: ½(out − target)²; shapes broadcast, e.g. (n, 1) with (n, 1)."""
    diff = out - target
    return 0.5 * diff * diff


def square_loss_derivative(out: np.ndarray, target: np.ndarray) -> np.ndarray:
    """dE/dout = out − target."""
    return out - target


def example_losses(out: np.ndarray, targets: np.ndarray, problem: str) -> np.ndarray:
    """(n,) E per example: out and targets (n, n_outputs), as ``targets_of`` makes them."""
    if problem == "multiclass":
        p_label = np.sum(out * targets, axis=1)  # the one-hot row picks p(label)
        return -np.log(np.maximum(p_label, SMALLEST_PROBABILITY))
    return square_loss(out, targets).sum(axis=1)


def mean_loss(out: np.ndarray, targets: np.ndarray, problem: str = "classification") -> float:
    """The displayed loss: the mean of E over the set; NaN for an empty set."""
    if len(out) == 0:
        return float("nan")
    return float(np.mean(example_losses(out, targets, problem)))


def accuracy(out: np.ndarray, targets: np.ndarray, problem: str = "classification") -> float:
    """Fraction of examples whose predicted class is their label; NaN for an empty set.

    One output: sign(out) against the ±1 label, an output of exactly 0 counting as +1, the side
    "discretize output" colours blue. K outputs: argmax p against the one-hot label.
    """
    if len(out) == 0:
        return float("nan")
    if problem == "multiclass":
        return float(np.mean(np.argmax(out, axis=1) == np.argmax(targets, axis=1)))
    predicted = np.where(out >= 0, 1.0, -1.0)
    return float(np.mean(predicted == targets))
