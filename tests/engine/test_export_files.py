"""File › Export's text formats: the loss curve as CSV, the weights as JSON, read back."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.export_files import loss_csv_text, weights_json_text
from playground.engine.network import Network
from playground.engine.trainer import Trainer


def test_the_loss_csv_reads_back_exactly_with_empty_cells_for_unknown_losses():
    epochs = np.array([0, 1, 2])
    train = np.array([0.5, 0.1 + 0.2, 1e-300])
    test = np.array([0.25, math.nan, 3.0])
    rows = list(csv.reader(io.StringIO(loss_csv_text(epochs, train, test))))
    assert rows[0] == ["epoch", "train_loss", "test_loss"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2]
    assert [float(r[1]) for r in rows[1:]] == train.tolist()  # exact: repr round-trips
    assert rows[2][2] == "" and float(rows[3][2]) == 3.0
    with pytest.raises(ValueError, match="must be equal"):
        loss_csv_text(epochs, train[:2], test)


@pytest.mark.parametrize("problem", ["classification", "regression", "multiclass"])
def test_the_weights_json_rebuilds_the_same_network(problem):
    config = Config.from_dict({"problem": problem, "hidden": [3, 2], "features": ["x1", "x2", "sin_x1"]})
    trainer = Trainer(config, make_data(config))
    trainer.train(5)
    document = json.loads(weights_json_text(config, trainer.epoch, trainer.network.weights, trainer.network.biases))
    assert document["format"] == "playground-weights" and document["epoch"] == 5
    assert document["layer_sizes"] == list(config.layer_sizes) and document["features"] == ["x1", "x2", "sin_x1"]
    rebuilt = Network(document["layer_sizes"], document["activation"], document["output_activation"])
    for w, b, ws, bs in zip(rebuilt.weights, rebuilt.biases, document["weights"], document["biases"]):
        w[...], b[...] = ws, bs
    np.testing.assert_array_equal(rebuilt.params, trainer.network.params)


def test_a_diverged_network_is_refused():
    config = Config()
    network = Network(config.layer_sizes, "tanh", "tanh")
    network.params[0] = math.inf
    with pytest.raises(ValueError, match="diverged"):
        weights_json_text(config, 3, network.weights, network.biases)
