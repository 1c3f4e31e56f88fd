"""A fully connected network whose parameters live in one flat vector.

Layer l maps n_in → n_out neurons: z = a_prev @ W + b, a = f(z). Every weight matrix and
bias vector is a *view* into ``params`` (flat, float64), so an optimizer updates the whole
network with a couple of vector operations, and a gradient laid out the same way splits
into per-layer views with :meth:`Network.views`.

Flat layout, layer by layer, one block per layer of shape (n_out, n_in + 1): row j holds the
weights into neuron j (in input order) followed by its bias, as the playground stores a node.
``weights[l]`` is the (n_in, n_out) transposed view of the block's first n_in columns and
``biases[l]`` its last column, so ``a @ weights[l] + biases[l]`` is the usual forward step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.engine.activations import Activation, get_activation

INIT_WEIGHT_RANGE = 0.5  # the playground draws weights from U(−0.5, 0.5)
INIT_BIAS = 0.1  # and starts every bias at 0.1


@dataclass(frozen=True)
class LayerViews:
    blocks: list[np.ndarray]  # blocks[l]: (n_out, n_in + 1), weights then bias per neuron
    weights: list[np.ndarray]  # weights[l]: (n_in, n_out)
    biases: list[np.ndarray]  # biases[l]: (n_out,)


@dataclass(frozen=True)
class ForwardPass:
    z: list[np.ndarray]  # z[l]: (n, n_out of layer l), pre-activations
    a: list[np.ndarray]  # a[0]: (n, n_features) inputs; a[l + 1] = f(z[l])

    @property
    def output(self) -> np.ndarray:
        return self.a[-1]  # (n, n_outputs)


class Network:
    """Weights, biases and activations; no training state (that is the trainer's)."""

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str,
        output_activation: str,
        params: np.ndarray | None = None,
    ) -> None:
        self.layer_sizes = tuple(int(n) for n in layer_sizes)  # (n_features, *hidden, n_outputs)
        if len(self.layer_sizes) < 2 or min(self.layer_sizes) < 1:
            raise ValueError(f"a network needs ≥ 1 input and ≥ 1 output; got layer sizes {self.layer_sizes}")
        self.activation: Activation = get_activation(activation)
        self.output_activation: Activation = get_activation(output_activation)
        self.shapes = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:]))  # (n_in, n_out) per layer
        self.size = sum(n_in * n_out + n_out for n_in, n_out in self.shapes)
        self.params = np.zeros(self.size) if params is None else np.array(params, dtype=np.float64)
        if self.params.shape != (self.size,):
            raise ValueError(f"expected {self.size} parameters, got shape {self.params.shape}")
        views = self.views(self.params)
        self.weights, self.biases = views.weights, views.biases
        self.blocks = views.blocks
        self.weight_mask = np.zeros(self.size, dtype=bool)  # True on weights, False on biases
        for w in self.views(self.weight_mask).weights:
            w[...] = True

    @classmethod
    def initialised(
        cls, layer_sizes: Sequence[int], activation: str, output_activation: str, rng: np.random.Generator
    ) -> Network:
        net = cls(layer_sizes, activation, output_activation)
        for w, b in zip(net.weights, net.biases):
            w[...] = rng.uniform(-INIT_WEIGHT_RANGE, INIT_WEIGHT_RANGE, size=w.shape)
            b[...] = INIT_BIAS
        return net

    @property
    def n_layers(self) -> int:
        return len(self.shapes)

    def views(self, flat: np.ndarray) -> LayerViews:
        """Per-layer (weights, biases) views into any array laid out like ``params``."""
        blocks, offset = [], 0
        for n_in, n_out in self.shapes:
            blocks.append(flat[offset : offset + n_out * (n_in + 1)].reshape(n_out, n_in + 1))
            offset += n_out * (n_in + 1)
        return LayerViews(blocks, [b[:, :-1].T for b in blocks], [b[:, -1] for b in blocks])

    def layer_activation(self, layer: int) -> Activation:
        return self.output_activation if layer == self.n_layers - 1 else self.activation

    def forward(self, inputs: np.ndarray) -> ForwardPass:
        """Evaluate every neuron for a batch: inputs (n, n_features)."""
        z_all, a_all = [], [inputs]
        for layer, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = a_all[-1] @ w + b  # (n, n_out)
            z_all.append(z)
            a_all.append(self.layer_activation(layer).value(z))
        return ForwardPass(z_all, a_all)

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """Outputs only: (n, n_outputs)."""
        return self.forward(inputs).output

    def copy(self) -> Network:
        return Network(self.layer_sizes, self.activation.name, self.output_activation.name, self.params.copy())
