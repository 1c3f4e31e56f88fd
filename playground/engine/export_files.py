"""What File › Export writes besides pictures: the loss curve as CSV and the weights as JSON.

No Qt here. Both are written atomically by the caller (files.atomic_write_text).

Loss curve CSV: a header ``epoch,train_loss,test_loss`` and one row per recorded epoch, each
float exactly (repr); a loss that is unknown or of an empty set (NaN) is an empty cell.

Weights JSON (format ``playground-weights``, version 1): enough to rebuild the network elsewhere:
    {"format": "playground-weights", "version": 1, "epoch": E,
     "problem": ..., "features": [...], "layer_sizes": [n_features, *hidden, n_outputs],
     "activation": hidden layers' name, "output_activation": "tanh" | "linear" | "softmax",
     "weights": [W_0, ...],   W_l: (n_in, n_out) nested lists, rows in the order of the inputs
     "biases": [b_0, ...]}    b_l: (n_out,)
so that out = f_L(… f_0(x @ W_0 + b_0) …).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import numpy as np

from playground.engine.config import Config
from playground.engine.trainer import output_activation

WEIGHTS_FORMAT, WEIGHTS_VERSION = "playground-weights", 1


def loss_csv_text(epochs: np.ndarray, train: np.ndarray, test: np.ndarray) -> str:
    """The loss curve: (k,) epochs and the two (k,) loss columns as CSV text."""
    if not len(epochs) == len(train) == len(test):
        raise ValueError(f"columns of {len(epochs)}, {len(train)} and {len(test)} rows; they must be equal")
    lines = ["epoch,train_loss,test_loss"]
    for epoch, *losses in zip(epochs, train, test):
        cells = ["" if not math.isfinite(v) else repr(float(v)) for v in losses]
        lines.append(",".join([str(int(epoch)), *cells]))
    return "\n".join(lines) + "\n"


def weights_json_text(
    config: Config, epoch: int, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]
) -> str:
    """The network's weights and what they mean as JSON text; ValueError for NaN or ∞ (JSON has none)."""
    if not all(np.isfinite(w).all() for w in weights) or not all(np.isfinite(b).all() for b in biases):
        raise ValueError("the network has diverged (a weight is NaN or infinite); reset it before exporting")
    document = {
        "format": WEIGHTS_FORMAT, "version": WEIGHTS_VERSION, "epoch": int(epoch),
        "problem": config.problem, "features": list(config.features), "layer_sizes": list(config.layer_sizes),
        "activation": config.activation, "output_activation": output_activation(config.problem),
        "weights": [np.asarray(w).tolist() for w in weights], "biases": [np.asarray(b).tolist() for b in biases],
    }
    return json.dumps(document, indent=1, allow_nan=False) + "\n"
