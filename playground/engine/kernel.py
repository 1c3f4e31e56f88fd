"""The hot loop: Σ over a chunk of examples of dE/dparam, with as few NumPy calls as possible.

At the playground's sizes (batches of ~10, layers of ≤ 8) every NumPy call costs about a
microsecond whatever its size, so this works in the transposed "neurons × examples" layout,
where a layer's weights-and-bias block multiplies an activation matrix that carries a row of
ones, and the gradient of that block is one matrix product:

    acts[l]:   (n_in + 1, n)   the chunk's activations entering layer l, last row all ones
    z_l      = block_l @ acts[l]                  (n_out, n)   block_l is (n_out, n_in + 1)
    δ_L      = (out − y) · f_L'(z_L)              (n_outputs, n)   softmax + cross-entropy: p − onehot
    δ_l      = (W_{l+1}ᵀ @ δ_{l+1}) · f'(z_l)     (n_out, n)
    ∂E/∂block_l = δ_l @ acts[l]ᵀ                  (n_out, n_in + 1), weights and bias together

It reads ``network.blocks`` as live views, so the network's ``params`` must only ever be
updated in place.
"""

from __future__ import annotations

import numpy as np

from playground.engine.network import Network


def augmented_inputs(features: np.ndarray) -> np.ndarray:
    """(n, k) feature rows → (k + 1, n) columns with a final row of ones, as the kernel wants."""
    out = np.ones((features.shape[1] + 1, features.shape[0]))
    out[:-1] = features.T
    return out


class ChunkKernel:
    """Forward and backward for chunks of exactly n examples; buffers are allocated once."""

    def __init__(self, network: Network, n: int) -> None:
        self.network = network
        self.n = n
        hidden_sizes = network.layer_sizes[1:-1]
        self.hidden_acts = [np.ones((size + 1, n)) for size in hidden_sizes]  # acts[1:], ones row last
        self.hidden_values = [a[:-1] for a in self.hidden_acts]  # (size, n) views without the ones
        self.softmax = network.output_activation.name == "softmax"
        self.back_weights = [b[:, :-1].T for b in network.blocks]  # W_l, (n_in, n_out) views: W_l @ δ_l goes down

    def gradient_sum(self, inputs: np.ndarray, targets: np.ndarray, grad_blocks: list[np.ndarray]) -> None:
        """Write Σ dE/dblock_l over the chunk into ``grad_blocks[l]`` (views of a flat gradient).

        inputs: (k + 1, n) from :func:`augmented_inputs`; targets: (n_outputs, n).
        """
        net = self.network
        blocks, act, out_act = net.blocks, net.activation, net.output_activation
        acts = [inputs, *self.hidden_acts]
        zs = []
        for layer, values in enumerate(self.hidden_values):
            z = blocks[layer].dot(acts[layer])  # (n_out, n)
            act.write(z, values)
            zs.append(z)
        z_out = blocks[-1].dot(acts[-1])  # (n_outputs, n)
        # Softmax normalises over the output neurons, axis 0 here: it is given the (n, K) view.
        out = out_act.value(z_out.T).T if self.softmax else out_act.value(z_out)
        delta = (out - targets) * out_act.derivative(z_out, out)  # dE/dz of the output layer
        for layer in range(len(blocks) - 1, -1, -1):
            np.dot(delta, acts[layer].T, out=grad_blocks[layer])
            if layer:
                below = layer - 1
                delta = self.back_weights[layer].dot(delta) * act.derivative(zs[below], self.hidden_values[below])
