"""The engine against a trace recorded from TensorFlow Playground's own nn.ts (spiral, seed 1).

Starting from the recorded initial weights on the recorded points, with the playground's
default settings, every displayed loss of 1000 epochs and the final weights must match.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from playground.engine.config import Config
from playground.engine.data import SplitData
from playground.engine.history import History
from playground.engine.network import Network
from playground.engine.trainer import Trainer, build_network

TRACE = Path(__file__).resolve().parents[1] / "data" / "tfp_spiral_default_seed1.json"  # see tests/data/README.md
EPOCHS = 1000
TOLERANCE = 1e-9


@lru_cache(maxsize=1)
def load_trace() -> dict:
    # Never skip: a missing trace means the parity check silently stopped running.
    assert TRACE.is_file(), f"reference trace not found at {TRACE} (it belongs in the repository's tests/data/)"
    with TRACE.open(encoding="utf-8") as f:
        return json.load(f)


def rows(points: list[dict]) -> np.ndarray:
    return np.array([[p["x"], p["y"], p["label"]] for p in points], dtype=np.float64)


def flat_params(layers: list[list[dict]]) -> np.ndarray:
    """The trace's nodes in the engine's layout: per layer, per neuron, weights then bias."""
    return np.array([v for layer in layers for node in layer for v in (*(w["w"] for w in node["weights"]), node["bias"])])


def trace_network(trace: dict) -> Network:
    """A network for the trace's shape, filled neuron by neuron from ``initialParams``."""
    shape = (2, *trace["config"]["networkShape"], 1)
    net = Network(shape, "tanh", "tanh")
    for layer, nodes in enumerate(trace["initialParams"]):
        assert len(nodes) == shape[layer + 1]
        for j, node in enumerate(nodes):
            net.biases[layer][j] = node["bias"]
            sources = ["x", "y"] if layer == 0 else [n["id"] for n in trace["initialParams"][layer - 1]]
            assert [w["from"] for w in node["weights"]] == sources  # inputs in the engine's order
            for i, link in enumerate(node["weights"]):
                net.weights[layer][i, j] = link["w"]
    return net


@pytest.fixture(scope="module")
def trace() -> dict:
    return load_trace()


@pytest.fixture(scope="module")
def trained(trace):
    config = Config(dataset="spiral")
    data = SplitData(rows(trace["trainData"]), rows(trace["testData"]))
    trainer = Trainer(config, data, network=trace_network(trace))
    initial = trainer.network.params.copy()
    result = trainer.train(EPOCHS)
    return trainer, initial, result


def test_trace_settings_are_the_default_config(trace) -> None:
    config, recorded = Config(dataset="spiral"), trace["config"]
    assert recorded["dataset"] == config.dataset == "spiral"
    assert recorded["learningRate"] == config.learning_rate
    assert recorded["batchSize"] == config.batch_size
    assert recorded["activation"] == config.activation
    assert recorded["regularization"] == config.regularization
    assert recorded["regularizationRate"] == config.regularization_rate
    assert tuple(recorded["networkShape"]) == config.hidden
    assert recorded["x"] and recorded["y"] and config.features == ("x1", "x2")
    assert recorded["percTrainData"] == config.train_ratio
    assert len(trace["lossTrain"]) == len(trace["lossTest"]) == EPOCHS + 1


def test_initial_params_fill_every_weight_and_bias(trace) -> None:
    net = trace_network(trace)
    np.testing.assert_array_equal(net.params, flat_params(trace["initialParams"]))
    assert net.params.shape == (build_network(Config(dataset="spiral")).size,)


def test_epoch_zero_losses_match(trained, trace) -> None:
    trainer, _, _ = trained
    history = trainer.history
    assert abs(history.column("train_loss")[0] - trace["lossTrain"][0]) < TOLERANCE
    assert abs(history.column("test_loss")[0] - trace["lossTest"][0]) < TOLERANCE


def test_epoch_zero_by_re_evaluating_after_overwriting_params(trace) -> None:
    # The other route: a trainer built from the config, its params then overwritten in place.
    data = SplitData(rows(trace["trainData"]), rows(trace["testData"]))
    trainer = Trainer(Config(dataset="spiral"), data)
    trainer.network.params[...] = trace_network(trace).params
    trainer.history = History()
    trainer.history.append(*trainer._evaluate())
    assert abs(trainer.history.last("train_loss") - trace["lossTrain"][0]) < TOLERANCE
    assert abs(trainer.history.last("test_loss") - trace["lossTest"][0]) < TOLERANCE


@pytest.mark.parametrize("column, key", [("train_loss", "lossTrain"), ("test_loss", "lossTest")])
def test_every_loss_of_1000_epochs_matches(trained, trace, column, key) -> None:
    trainer, _, result = trained
    assert not result.diverged and result.epoch == EPOCHS
    ours = trainer.history.column(column)
    theirs = np.array(trace[key])
    assert ours.shape == theirs.shape == (EPOCHS + 1,)
    err = np.abs(ours - theirs)
    worst = int(np.argmax(err))
    assert err[worst] < TOLERANCE, f"epoch {worst}: {column} {ours[worst]!r} vs playground {theirs[worst]!r}"


def test_final_params_match(trained, trace) -> None:
    trainer, initial, _ = trained
    expected = flat_params(trace["finalParams"])
    np.testing.assert_allclose(trainer.network.params, expected, rtol=0, atol=TOLERANCE)
    assert np.abs(expected - initial).max() > 0.1  # the trace really trained


def test_trace_loss_actually_changes(trace) -> None:
    # Guards the comparison above against a degenerate trace.
    losses = np.array(trace["lossTrain"])
    assert losses[-1] < losses[0] - 0.05
