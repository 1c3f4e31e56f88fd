"""Optimizers: how a mean batch gradient g becomes a change of the flat parameter vector.

All act in place on ``params`` (flat, like ``Network.params``). They are given the *sum* of
dE/dparam over the update's n examples, laid out the same way, and g = sum / n is its mean.

sgd (the playground's rule):      p ← p − (lr / n) · sum   (= p − lr · g, as nn.ts writes it)
momentum (heavy ball, μ = 0.9):   v ← μ·v + g;          p ← p − lr · v
adam (Kingma & Ba, 2015):         t ← t + 1
                                  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²
                                  p ← p − lr · m̂ / (√v̂ + ε),  m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)
                                  with β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
Regularization is not part of any optimizer: the trainer applies the playground's decoupled
step after the optimizer's, whichever optimizer it is.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MOMENTUM = 0.9
ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON = 0.9, 0.999, 1e-8


class Optimizer:
    """SGD; subclasses keep state. ``state()`` is a fresh copy of it (vectors as arrays, like
    params), ``load_state`` restores such a copy (or the same as JSON lists) exactly."""

    name = "sgd"  # the config's name
    label = "SGD"  # what the window shows

    def __init__(self, size: int) -> None:
        self.size = size  # number of parameters

    def step(self, params: np.ndarray, grad_sum: np.ndarray, count: int, learning_rate: float) -> None:
        params -= (learning_rate / count) * grad_sum

    def state(self) -> dict[str, Any]:
        return {}

    def load_state(self, state: dict[str, Any]) -> None:
        _expect_keys(self.name, state, set())


class Momentum(Optimizer):
    name = "momentum"
    label = "Momentum"

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.velocity = np.zeros(size)  # v: (n_params,)

    def step(self, params: np.ndarray, grad_sum: np.ndarray, count: int, learning_rate: float) -> None:
        self.velocity *= MOMENTUM
        self.velocity += grad_sum / count
        params -= learning_rate * self.velocity

    def state(self) -> dict[str, Any]:
        return {"velocity": self.velocity.copy()}

    def load_state(self, state: dict[str, Any]) -> None:
        _expect_keys(self.name, state, {"velocity"})
        self.velocity = _vector(state["velocity"], self.size, "velocity")


class Adam(Optimizer):
    name = "adam"
    label = "Adam"

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.t = 0  # number of steps taken
        self.m = np.zeros(size)  # first moment: (n_params,)
        self.v = np.zeros(size)  # second moment: (n_params,)

    def step(self, params: np.ndarray, grad_sum: np.ndarray, count: int, learning_rate: float) -> None:
        grad = grad_sum / count
        self.t += 1
        self.m *= ADAM_BETA1
        self.m += (1.0 - ADAM_BETA1) * grad
        self.v *= ADAM_BETA2
        self.v += (1.0 - ADAM_BETA2) * grad * grad
        m_hat = self.m / (1.0 - ADAM_BETA1**self.t)
        v_hat = self.v / (1.0 - ADAM_BETA2**self.t)
        params -= learning_rate * m_hat / (np.sqrt(v_hat) + ADAM_EPSILON)

    def state(self) -> dict[str, Any]:
        return {"t": self.t, "m": self.m.copy(), "v": self.v.copy()}

    def load_state(self, state: dict[str, Any]) -> None:
        _expect_keys(self.name, state, {"t", "m", "v"})
        t = state["t"]
        if isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, np.integer)) or t < 0:
            raise ValueError(f"adam state 't': {t!r} is not allowed; allowed: an integer ≥ 0")
        self.t = int(t)
        self.m = _vector(state["m"], self.size, "m")
        self.v = _vector(state["v"], self.size, "v")


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (Optimizer, Momentum, Adam)}
OPTIMIZER_NAMES: tuple[str, ...] = tuple(OPTIMIZERS)
OPTIMIZER_LABELS: dict[str, str] = {name: cls.label for name, cls in OPTIMIZERS.items()}


def make_optimizer(name: str, size: int) -> Optimizer:
    try:
        return OPTIMIZERS[name](size)
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; allowed: {', '.join(OPTIMIZER_NAMES)}") from None


def _expect_keys(name: str, state: dict[str, Any], keys: set[str]) -> None:
    if not isinstance(state, dict) or set(state) != keys:
        got = sorted(state) if isinstance(state, dict) else type(state).__name__
        raise ValueError(f"{name} optimizer state has keys {got}; expected {sorted(keys)}")


def _vector(values: Any, size: int, what: str) -> np.ndarray:
    """A fresh (size,) float64 copy of an array or a JSON list of numbers (finite or not: a
    diverged trainer's state is still its state; files are checked for finiteness elsewhere)."""
    if isinstance(values, np.ndarray):
        numbers = values.dtype.kind in "fiu"
    else:
        numbers = isinstance(values, list) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
        )
    if not numbers:
        raise ValueError(f"optimizer state {what!r} must be a list of {size} numbers")
    try:
        array = np.array(values, dtype=np.float64)
    except OverflowError:  # a JSON integer beyond float64
        raise ValueError(f"optimizer state {what!r} holds a number too large for a 64-bit float") from None
    if array.shape != (size,):
        raise ValueError(f"optimizer state {what!r} must be {size} numbers; got shape {array.shape}")
    return array
