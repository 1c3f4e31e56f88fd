"""The JSON of `playground explain` for one shot, and what it shares with the worked example
(explain.py): the config a shot was fired under, E as a function of the parameters, central
differences of every parameter, the size limit, and which weight of a layer is worth explaining.

The document (the issue's shape): sample, inputs, per-layer z, a, δ and gradients, output, loss,
the central-difference check and the network after the step. One output: "output" is a number.
K classes (explain_multiclass): the label is the class index, "output" the K probabilities, then
"target" (one-hot) and "predicted", and the step adds "output_after" and "predicted_after".
Every number is read from the Shot; nothing is computed a second way for show.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.engine import explain_multiclass as multiclass
from playground.engine.config import Config
from playground.engine.gradient_check import DEFAULT_H, MAX_CHECK_ALL, ShotLoss, central_differences, relative_error
from playground.engine.network import Network
from playground.engine.shot import Shot
from playground.engine.trainer import output_activation


# ----- the JSON document ----------------------------------------------------------------------
def explain_document(shot: Shot, h: float = DEFAULT_H) -> dict[str, Any]:
    """The `playground explain --format json` document of a single-sample shot."""
    require_one_sample(shot)
    analytic, numeric = shot.flat_gradient(), numeric_gradient(shot, h)
    x, y, label = (float(v) for v in shot.points[0])
    # One output: "output" is a number. K classes: the label is the class index, "output" the K
    # probabilities, then the one-hot "target" and the "predicted" class (explain_multiclass).
    output = (multiclass.document_output(shot) if shot.multiclass
              else {"output": float(shot.outputs[0]), "loss": float(shot.losses[0])})
    return {
        "sample": {"x": x, "y": y, "label": int(label) if shot.multiclass else label},
        "inputs": shot.a[0][0].tolist(),
        "layers": [_layer_document(shot, layer) for layer in range(shot.n_layers)],
        **output,
        "check": {
            "h": float(h),
            "max_relative_error": max((relative_error(float(a), float(n)) for a, n in zip(analytic, numeric)),
                                      default=0.0),
            **_per_layer(shot, numeric, "weight_gradients", "bias_gradients"),
        },
        "step": {
            "optimizer": shot.step.optimizer,
            "learning_rate": float(shot.step.learning_rate),
            **_per_layer(shot, shot.step.params_after, "weights", "biases"),
            "loss_after": float(shot.step.losses_after[0]),
            **(multiclass.document_step_outputs(shot) if shot.multiclass else {}),
        },
    }


def _layer_document(shot: Shot, layer: int) -> dict[str, Any]:
    return {
        "z": shot.z[layer][0].tolist(),
        "a": shot.a[layer + 1][0].tolist(),
        "delta": shot.delta[layer][0].tolist(),
        "weight_gradients": shot.weight_gradients[layer].tolist(),
        "bias_gradients": shot.bias_gradients[layer].tolist(),
    }


def _per_layer(shot: Shot, flat: np.ndarray, weights: str, biases: str) -> dict[str, list]:
    """A flat vector laid out like Network.params as per-layer lists, as an experiment's network."""
    views = Network(shot.layer_sizes, "linear", "linear").views(np.asarray(flat, dtype=np.float64))
    return {weights: [w.tolist() for w in views.weights], biases: [b.tolist() for b in views.biases]}


def require_one_sample(shot: Shot) -> None:
    if shot.m != 1:
        raise ValueError(f"a worked example explains one sample; this shot has {shot.m} (allowed: 1)")


# ----- what both need -------------------------------------------------------------------------
def shot_config(shot: Shot) -> Config:
    """The config the shot was fired under (the trainer's after the step: the same config)."""
    return shot.step.state_after.config


def shot_loss(shot: Shot) -> ShotLoss:
    """E(params) of the shot's samples around the network it was fired with."""
    config = shot_config(shot)
    network = Network(shot.layer_sizes, config.activation, output_activation(config.problem),
                      shot.step.params_before)
    return ShotLoss(network, config.features, shot.points)


def numeric_gradient(shot: Shot, h: float = DEFAULT_H) -> np.ndarray:
    """(n_params,) central differences of every parameter; refuses networks too large to difference."""
    loss = shot_loss(shot)
    check_size(loss.network.size)
    return central_differences(loss, h)


def check_size(n_params: int) -> None:
    """ValueError if a network of ``n_params`` parameters is too large to difference every one."""
    if n_params > MAX_CHECK_ALL:
        raise ValueError(
            f"the gradient check differences every one of the network's {n_params:,} parameters; "
            f"allowed: networks of up to {MAX_CHECK_ALL:,} parameters"
        )


def steepest_weight(shot: Shot, layer: int, sample: int = 0) -> tuple[int, int]:
    """(row, neuron) of the weight in ``layer`` with the largest |∂E_s/∂w|: the one worth explaining."""
    gradients = np.nan_to_num(np.abs(shot.sample_weight_gradient(layer, sample)), nan=0.0)
    row, neuron = np.unravel_index(int(np.argmax(gradients)), gradients.shape)
    return int(row), int(neuron)
