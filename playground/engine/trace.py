"""One sample traced through the chain rule, with every number the inspector shows.

For sample (x, y) with label t and layers l = 0..L−1 (z_l = a_l @ W_l + b_l, a_{l+1} = f_l(z_l)):
    output = a_L,  E = ½(output − t)²  (multiclass: softmax p, E = −ln p_label, dE/dz_L = p − onehot)
    dE/dz_l  from backprop.backward
    dE/dW_l  = outer(a_l, dE/dz_l)          (n_in, n_out)
    dE/db_l  = dE/dz_l                      (n_out,)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.engine.backprop import backward
from playground.engine.features import feature_matrix
from playground.engine.losses import example_losses, loss_problem, targets_of
from playground.engine.network import Network


@dataclass(frozen=True)
class SampleTrace:
    point: tuple[float, float]  # (x, y) in the plane
    label: float  # the target t
    inputs: np.ndarray  # (k,) feature values
    z: list[np.ndarray]  # z[l]: (n_out of layer l,) pre-activations
    a: list[np.ndarray]  # a[0] = inputs; a[l + 1] = f(z[l])
    dz: list[np.ndarray]  # dE/dz[l]: (n_out,)
    dw: list[np.ndarray]  # dE/dW[l]: (n_in, n_out)
    db: list[np.ndarray]  # dE/db[l]: (n_out,)
    output: float  # multiclass: p of the label's class
    loss: float  # ½(output − t)², or −ln p_label


def trace_sample(network: Network, features: Sequence[str], x: float, y: float, label: float) -> SampleTrace:
    inputs = feature_matrix(np.array([[x, y]], dtype=np.float64), features)  # (1, k)
    problem = loss_problem(network.output_activation.name)
    target = targets_of(np.array([label]), problem, network.layer_sizes[-1])  # (1, n_outputs)
    # A diverged or hand-made huge network traces as inf or NaN, not as a warning.
    with np.errstate(all="ignore"):
        forward = network.forward(inputs)
        dz = backward(network, forward, target)
        dw = [np.outer(forward.a[layer][0], d[0]) for layer, d in enumerate(dz)]
        loss = float(example_losses(forward.output, target, problem)[0])
    output = float(forward.output[0, np.argmax(target[0])])  # the output, or p of the label's class
    return SampleTrace(
        point=(float(x), float(y)),
        label=float(label),
        inputs=inputs[0].copy(),
        z=[z[0].copy() for z in forward.z],
        a=[a[0].copy() for a in forward.a],
        dz=[d[0].copy() for d in dz],
        dw=dw,
        db=[d[0].copy() for d in dz],
        output=output,
        loss=loss,
    )
