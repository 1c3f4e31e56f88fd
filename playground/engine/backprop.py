"""Backpropagation: the error leaving the output and flowing back layer by layer.

For the square loss E = ½(out − y)² and layer l with z_l = a_l @ W_l + b_l, a_{l+1} = f_l(z_l):
    dE/dz_L   = (out − y) · f_L'(z_L)                       output layer
    dE/dz_l   = (dE/dz_{l+1} @ W_{l+1}ᵀ) · f_l'(z_l)          hidden layers, backwards
    dE/dW_l   = a_lᵀ @ dE/dz_l      (summed over the batch)
    dE/db_l   = Σ_examples dE/dz_l
"""

from __future__ import annotations

import numpy as np

from playground.engine.losses import square_loss_derivative
from playground.engine.network import ForwardPass, Network


def backward(net: Network, forward: ForwardPass, targets: np.ndarray) -> list[np.ndarray]:
    """dE/dz for every layer, per example: dz[l] has shape (n, n_out of layer l).

    ``targets`` is (n, n_outputs).
    """
    last = net.n_layers - 1
    dz = [np.empty(0)] * net.n_layers
    d_out = square_loss_derivative(forward.output, targets)  # dE/da_L: (n, n_outputs)
    dz[last] = d_out * net.output_activation.derivative(forward.z[last], forward.a[last + 1])
    for layer in range(last - 1, -1, -1):
        d_a = dz[layer + 1] @ net.weights[layer + 1].T  # dE/da_{l+1}: (n, n_out of layer l)
        dz[layer] = d_a * net.activation.derivative(forward.z[layer], forward.a[layer + 1])
    return dz


def accumulate_gradient(
    net: Network, inputs: np.ndarray, targets: np.ndarray, grad_sum: np.ndarray
) -> ForwardPass:
    """Add Σ over the batch of dE/dparam to ``grad_sum`` (flat, laid out like ``net.params``).

    inputs: (n, n_features); targets: (n, n_outputs). Returns the forward pass it made.
    """
    forward = net.forward(inputs)
    dz = backward(net, forward, targets)
    views = net.views(grad_sum)
    for layer, d in enumerate(dz):
        views.weights[layer] += forward.a[layer].T @ d  # (n_in, n_out)
        views.biases[layer] += d.sum(axis=0)  # (n_out,)
    return forward
