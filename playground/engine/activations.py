"""Activation functions as (value, derivative) pairs.

Each derivative is given both the pre-activation ``z`` and the activation ``a = f(z)``
that the forward pass already computed, so functions whose slope is cheapest from the
output (tanh: 1 − a², sigmoid: a(1 − a)) need not evaluate f again. Both arrays have the
same shape, e.g. (n_examples, n_neurons).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.engine.number_text import factor, number

Array = np.ndarray

LEAKY_RELU_SLOPE = 0.01  # slope for z < 0
ELU_ALPHA = 1.0  # f(z) = α(eᶻ − 1) for z < 0


@dataclass(frozen=True)
class Activation:
    name: str  # the config's name
    label: str  # what the window shows
    value: Callable[[Array], Array]  # a = f(z)
    derivative: Callable[[Array, Array], Array]  # f'(z), given (z, a)
    formula: str  # for tooltips and the sample inspector
    # Optional in-place form f(z, out=a), one NumPy call instead of two in the hot loop.
    value_into: Callable[[Array, Array], Array] | None = None

    def formula_at(self, z: float) -> str:
        """The formula with z filled in: tanh(−1.076), max(0, 0.5), (−0.3)·σ(−0.3), e^(−(−0.3)²)."""
        plain = number(z)
        formula = self.formula
        for pattern, value in (("eᶻ", f"e^{factor(z)}"), ("(z)", f"({plain})"), (", z)", f", {plain})")):
            formula = formula.replace(pattern, value)
        return formula.replace("z", factor(z))

    def write(self, z: Array, out: Array) -> None:
        """out[...] = f(z)."""
        if self.value_into is None:
            out[...] = self.value(z)
        else:
            self.value_into(z, out)


def _sigmoid(z: Array) -> Array:
    # 1 / (1 + e^(−z)), as the playground computes it.
    return 1.0 / (1.0 + np.exp(-z))


def _swish(z: Array) -> Array:
    return z * _sigmoid(z)


def _swish_derivative(z: Array, a: Array) -> Array:
    # d/dz z·σ(z) = σ(z) + z·σ(z)(1 − σ(z)) = a + σ(z)(1 − a)
    s = _sigmoid(z)
    return a + s * (1.0 - a)


def _elu(z: Array) -> Array:
    return np.where(z > 0, z, ELU_ALPHA * np.expm1(np.minimum(z, 0.0)))


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "relu",
            "ReLU",
            lambda z: np.maximum(z, 0.0),
            lambda z, a: (z > 0).astype(z.dtype),
            "max(0, z)",
            lambda z, out: np.maximum(z, 0.0, out=out),
        ),
        Activation("tanh", "Tanh", np.tanh, lambda z, a: 1.0 - a * a, "tanh(z)", np.tanh),
        Activation("sigmoid", "Sigmoid", _sigmoid, lambda z, a: a * (1.0 - a), "1 / (1 + e^(−z))"),
        Activation("linear", "Linear", lambda z: z, lambda z, a: np.ones_like(z), "z"),
        Activation(
            "leaky_relu",
            "Leaky ReLU",
            lambda z: np.where(z > 0, z, LEAKY_RELU_SLOPE * z),
            lambda z, a: np.where(z > 0, 1.0, LEAKY_RELU_SLOPE).astype(z.dtype),
            "z if z > 0 else 0.01·z",
        ),
        Activation(
            "elu",
            "ELU",
            _elu,
            lambda z, a: np.where(z > 0, 1.0, a + ELU_ALPHA).astype(z.dtype),
            "z if z > 0 else eᶻ − 1",
        ),
        Activation("swish", "Swish", _swish, _swish_derivative, "z·σ(z)"),
        Activation("sine", "Sine", np.sin, lambda z, a: np.cos(z), "sin(z)", np.sin),
        Activation("gaussian", "Gaussian", lambda z: np.exp(-z * z), lambda z, a: -2.0 * z * a, "e^(−z²)"),
    )
}

ACTIVATION_NAMES: tuple[str, ...] = tuple(ACTIVATIONS)  # what a hidden layer may use


def softmax(z: Array) -> Array:
    """p over the last axis, stably: p_k = e^(z_k − m) / Σ_j e^(z_j − m), m = max_j z_j; rows sum to 1."""
    shifted = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return shifted / np.sum(shifted, axis=-1, keepdims=True)


# The multiclass output layer's, never a hidden layer's. It is only ever paired with cross-entropy,
# whose dE/dz = p − y (losses.py): the "derivative" is the factor 1 in (out − target) · f′, so every
# backward pass (backprop, the kernel, the inspector) handles it like any other output activation.
# Unlike the others it is not elementwise: it normalises over the last axis, the output neurons.
SOFTMAX = Activation("softmax", "Softmax", softmax, lambda z, p: np.ones_like(z), "e^(z_k) / Σ_j e^(z_j)")
ACTIVATION_LABELS: dict[str, str] = {name: a.label for name, a in ACTIVATIONS.items()}


def get_activation(name: str) -> Activation:
    if name == SOFTMAX.name:
        return SOFTMAX
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; allowed: {', '.join(ACTIVATION_NAMES)}") from None
