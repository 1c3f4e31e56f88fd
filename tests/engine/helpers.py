"""Shared helpers for the engine tests: small random networks and a plain-Python trainer.

``ReferenceNet`` is written independently of the engine, one example and one node at a time,
mirroring the playground's nn.ts (forwardProp, backProp, updateWeights) and its training loop
(update when (i + 1) % batch_size == 0, leftovers carried into the next epoch).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.engine.config import Config, ConfigError
from playground.engine.data import SplitData, make_data
from playground.engine.network import Network
from playground.engine.trainer import Trainer, output_activation
from playground.engine.trainer_state import TrainerState

# Pure-Python activations: name → (f, f').
_PY_ACTIVATIONS = {
    "tanh": (math.tanh, lambda z: 1.0 - math.tanh(z) ** 2),
    "linear": (lambda z: z, lambda z: 1.0),
    "sigmoid": (lambda z: 1.0 / (1.0 + math.exp(-z)), lambda z: math.exp(-z) / (1.0 + math.exp(-z)) ** 2),
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
}


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-8) -> np.ndarray:
    """|a − b| / max(|a| + |b|, floor), elementwise."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)


def random_network(sizes: tuple[int, ...], activation: str, problem: str, seed: int) -> Network:
    """Weights U(−1, 1) and biases U(−0.5, 0.5): larger than the playground's init, so every
    part of each activation (and each gradient term) is exercised."""
    rng = np.random.default_rng(seed)
    net = Network(sizes, activation, output_activation(problem))
    for w, b in zip(net.weights, net.biases):
        w[...] = rng.uniform(-1.0, 1.0, size=w.shape)
        b[...] = rng.uniform(-0.5, 0.5, size=b.shape)
    return net


def network_from(params: list[float], sizes: tuple[int, ...], activation: str, problem: str) -> Network:
    return Network(sizes, activation, output_activation(problem), np.array(params, dtype=float))


def make_trainer(rows: list[tuple[float, float, float]], net: Network, **config: object) -> Trainer:
    """A trainer on exactly these training rows (x, y, label); one dummy test point."""
    problem = config.setdefault("problem", "regression")
    config.setdefault("dataset", "plane" if problem == "regression" else "circle")
    features = ("x1", "x2")[: net.layer_sizes[0]]
    config.setdefault("hidden", net.layer_sizes[1:-1])
    config.setdefault("features", features)
    train = np.array(rows, dtype=float)
    test = np.array([[0.5, -0.5, 1.0]])
    return Trainer(Config(**config), SplitData(train, test), network=net)


class _Node:
    def __init__(self, weights: list[float], bias: float) -> None:
        self.weights, self.bias = list(weights), bias
        self.dead = [False] * len(weights)
        self.acc_w, self.n_w = [0.0] * len(weights), [0] * len(weights)
        self.acc_b, self.n_b = 0.0, 0
        self.total = self.output = self.input_der = self.output_der = 0.0


class ReferenceNet:
    """The playground's network and training rule, in plain Python (SGD only)."""

    def __init__(self, net: Network) -> None:
        self.activation = _PY_ACTIVATIONS[net.activation.name]
        self.output_activation = _PY_ACTIVATIONS[net.output_activation.name]
        self.layers = [
            [_Node(list(map(float, block[j, :-1])), float(block[j, -1])) for j in range(block.shape[0])]
            for block in net.blocks
        ]
        self.inputs: list[float] = []

    def _act(self, layer: int):
        return self.output_activation if layer == len(self.layers) - 1 else self.activation

    def forward(self, x: list[float]) -> float:
        self.inputs = list(x)
        prev = self.inputs
        for layer, nodes in enumerate(self.layers):
            f = self._act(layer)[0]
            for node in nodes:
                node.total = node.bias + sum(w * a for w, a in zip(node.weights, prev))
                node.output = f(node.total)
            prev = [node.output for node in nodes]
        return prev[0]

    def backward(self, target: float) -> None:
        out = self.layers[-1][0]
        out.output_der = out.output - target  # dE/dout for E = ½(out − target)²
        for layer in range(len(self.layers) - 1, -1, -1):
            df = self._act(layer)[1]
            prev = self.inputs if layer == 0 else [n.output for n in self.layers[layer - 1]]
            for node in self.layers[layer]:
                node.input_der = node.output_der * df(node.total)
                node.acc_b += node.input_der
                node.n_b += 1
                for i, a in enumerate(prev):
                    if not node.dead[i]:
                        node.acc_w[i] += node.input_der * a
                        node.n_w[i] += 1
            if layer == 0:
                continue
            for i, below in enumerate(self.layers[layer - 1]):
                below.output_der = sum(n.weights[i] * n.input_der for n in self.layers[layer])

    def update(self, lr: float, regularization: str, rate: float) -> None:
        for nodes in self.layers:
            for node in nodes:
                if node.n_b > 0:
                    node.bias -= lr * node.acc_b / node.n_b
                    node.acc_b, node.n_b = 0.0, 0
                for i, w in enumerate(node.weights):
                    if node.dead[i]:
                        continue
                    if regularization == "l1":
                        reg_der = 1.0 if w > 0 else (-1.0 if w < 0 else 0.0)
                    elif regularization == "l2":
                        reg_der = w
                    else:
                        reg_der = 0.0
                    if node.n_w[i] > 0:
                        w = w - (lr / node.n_w[i]) * node.acc_w[i]
                        new_w = w - lr * rate * reg_der
                        if regularization == "l1" and w * new_w < 0:
                            node.weights[i], node.dead[i] = 0.0, True
                        else:
                            node.weights[i] = new_w
                        node.acc_w[i], node.n_w[i] = 0.0, 0

    def train_epoch(self, rows, features: int, batch_size: int, lr: float, regularization: str = "none",
                    rate: float = 0.0) -> None:
        for i, (x, y, label) in enumerate(rows):
            self.forward([x, y][:features])
            self.backward(label)
            if (i + 1) % batch_size == 0:
                self.update(lr, regularization, rate)

    def flat(self) -> np.ndarray:
        """Parameters in the engine's layout: per layer, per neuron, weights then bias."""
        return np.array([v for nodes in self.layers for n in nodes for v in (*n.weights, n.bias)])

    def dead_flat(self) -> np.ndarray:
        return np.array([v for nodes in self.layers for n in nodes for v in (*n.dead, False)])


def config_refusal(**changes: object) -> str:
    """The one-line ConfigError message for a Config built with ``changes``."""
    with pytest.raises(ConfigError) as info:
        Config(**changes)
    message = str(info.value)
    assert "\n" not in message and len(message) < 400
    return message


def trained_state(epochs: int = 3, **changes: object) -> TrainerState:
    """The state of a trainer on Config(**changes) after ``epochs`` epochs."""
    config = Config(**changes)
    trainer = Trainer(config, make_data(config))
    trainer.train(epochs)
    return trainer.state()
