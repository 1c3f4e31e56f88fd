"""Checking backprop against the definition of a derivative, and the loss along one weight.

For a shot's samples (m, 3) and a parameter p (flat index into Network.params), with all else
frozen, E(p) is the mean over the samples of their loss (½(out − t)², or −ln p_label under softmax),
computed by ``Network.forward``:

    central difference   n = (E(p + h) − E(p − h)) / 2h        error O(h²) where E is smooth
    relative error       |analytic − n| / max(|analytic|, |n|, 1e-8)
                         (the floor: gradients of ~1e-13, a fitted sample's, differ by round-off alone)

A kink (ReLU's, leaky ReLU's at z = 0) between p − h and p + h breaks the difference quotient:
it is reported when some hidden neuron's z changes sign between the two evaluations.

Cross-entropy is evaluated from the output pre-activations z (K,), not from the probabilities:
E = −ln p_c = (m − z_c) + ln(1 + Σ_{j≠k*} e^(z_j − m)), m = z_k* = max z (log1p). The same number
to round-off, but accurate to a relative 1e-16 when a sample is fitted (p_c ≈ 1, E ≈ 1 − p_c):
from p itself E would carry an absolute error of ~1e-16 whatever its size, which over 2h = 2e-5
blurs gradients of ~1e-6 (common near a fitted sample) into false ✗ (measured: 16 of 675 checks
of a trained three-class network).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.engine.features import feature_matrix
from playground.engine.losses import SMALLEST_PROBABILITY, example_losses, loss_problem, targets_of
from playground.engine.network import Network

DEFAULT_H = 1e-5
PASS_BELOW = 1e-6  # a relative error below this is a ✓
MAX_CHECK_ALL = 20_000  # parameters "check all" will difference (2 forward passes each)
KINKED_ACTIVATIONS = frozenset({"relu", "leaky_relu"})  # f′ jumps at z = 0


@dataclass(frozen=True)
class ParameterCheck:
    index: int  # flat parameter index
    h: float
    loss_plus: float  # E(p + h)
    loss_minus: float  # E(p − h)
    numeric: float  # (E(p + h) − E(p − h)) / 2h
    analytic: float  # backprop's ∂E/∂p
    relative_error: float
    kink: bool  # a hidden neuron's z changed sign between p − h and p + h (ReLU-like only)

    @property
    def passed(self) -> bool:
        return self.relative_error < PASS_BELOW


class ShotLoss:
    """E(params) for fixed samples: the function whose slope backprop computes."""

    def __init__(self, network: Network, features: Sequence[str], points: np.ndarray) -> None:
        self.network = network.copy()  # perturbed in place, never the caller's
        points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        self.inputs = feature_matrix(points[:, :2], features)  # (m, k)
        self.problem = loss_problem(self.network.output_activation.name)
        self.targets = targets_of(points[:, 2], self.problem, self.network.layer_sizes[-1])  # (m, n_outputs)
        self.kinked = self.network.activation.name in KINKED_ACTIVATIONS

    def at(self, index: int, value: float) -> tuple[float, list[np.ndarray]]:
        """E with parameter ``index`` set to ``value``, and the hidden z's (m, n) it produced."""
        params = self.network.params
        saved = params[index]
        params[index] = value
        try:
            with np.errstate(all="ignore"):
                forward = self.network.forward(self.inputs)
                if self.problem == "multiclass":
                    loss = float(np.mean(cross_entropy_of_logits(forward.z[-1], self.targets)))
                else:
                    loss = float(np.mean(example_losses(forward.output, self.targets, self.problem)))
        finally:
            params[index] = saved
        return loss, forward.z[:-1]

    def along(self, index: int, values: np.ndarray) -> np.ndarray:
        """E at every value of parameter ``index`` (all else frozen): (len(values),)."""
        return np.array([self.at(index, float(v))[0] for v in values])

    def check(self, index: int, analytic: float, h: float = DEFAULT_H) -> ParameterCheck:
        if not (np.isfinite(h) and h > 0):
            raise ValueError(f"h = {h!r} is not allowed; allowed: a number > 0")
        value = float(self.network.params[index])
        plus, z_plus = self.at(index, value + h)
        minus, z_minus = self.at(index, value - h)
        numeric = (plus - minus) / (2.0 * h)
        kink = self.kinked and any(((zp > 0) != (zm > 0)).any() for zp, zm in zip(z_plus, z_minus))
        return ParameterCheck(index, h, plus, minus, numeric, float(analytic),
                              relative_error(float(analytic), numeric), bool(kink))

    def check_all(self, analytic: np.ndarray, h: float = DEFAULT_H) -> list[ParameterCheck]:
        """Every parameter, worst relative error first. ``analytic``: (n_params,)."""
        if self.network.size > MAX_CHECK_ALL:
            raise ValueError(
                f"checking all {self.network.size:,} parameters would take too long; "
                f"allowed: networks of up to {MAX_CHECK_ALL:,} (check single weights instead)"
            )
        checks = [self.check(i, float(analytic[i]), h) for i in range(self.network.size)]
        return sorted(checks, key=lambda c: -c.relative_error if np.isfinite(c.relative_error) else -np.inf)


def cross_entropy_of_logits(z: np.ndarray, onehot: np.ndarray) -> np.ndarray:
    """(m,) −ln softmax(z)_label from (m, K) output pre-activations and (m, K) one-hot targets,
    accurate when p_label ≈ 1 (see the module's docstring); capped where losses.example_losses
    floors p, so both give the same E."""
    top = np.argmax(z, axis=1)  # (m,) k*
    m = z[np.arange(len(z)), top]  # (m,) max z
    others = np.exp(z - m[:, None])  # (m, K), 1 at k*
    others[np.arange(len(z)), top] = 0.0
    loss = (m - np.sum(z * onehot, axis=1)) + np.log1p(others.sum(axis=1))
    return np.minimum(loss, -np.log(SMALLEST_PROBABILITY))


RELATIVE_FLOOR = 1e-8  # below this size two gradients are compared absolutely


def relative_error(analytic: float, numeric: float) -> float:
    return abs(analytic - numeric) / max(abs(analytic), abs(numeric), RELATIVE_FLOOR)


def central_differences(loss: ShotLoss, h: float = DEFAULT_H) -> np.ndarray:
    """(n_params,) the central difference of every parameter, laid out like Network.params."""
    numeric = np.empty(loss.network.size)
    for i in range(loss.network.size):
        value = float(loss.network.params[i])
        numeric[i] = (loss.at(i, value + h)[0] - loss.at(i, value - h)[0]) / (2.0 * h)
    return numeric
