"""Experiment files: everything needed to continue training exactly where it stopped.

    {"format": "playground-experiment", "version": 1,
     "config": {...},                                    Config.to_dict()
     "data": {"train": [[x, y, label], ...], "test": [...]},
     "network": {"weights": [W_0, ...], "biases": [b_0, ...]},   W_l: (n_in, n_out) nested lists
     "epoch": E,
     "history": {"train_loss": [...], ...},              E + 1 entries each, entry 0 = before
                                                         training; null where not a number
     "training": {"optimizer": {...},                   its state; flat vectors in params order
                  "dead": [D_0, ...],                    D_l: (n_in, n_out) booleans (L1)
                  "pending": {"count": n, "weights": [...], "biases": [...]},
                  "last_update": {"count": n, "weights": [...], "biases": [...]}}}

"pending" holds the summed derivatives of examples not yet in an update (carried into the next
epoch); "last_update" the summed derivatives of the last update (what the edges are coloured by).
Loading validates everything before building anything, so a bad file never half-loads.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np

from playground.engine.config import Config, ConfigError
from playground.engine.data import SplitData
from playground.engine.datasets import DataError
from playground.engine.files import FileFormatError, atomic_write_text, read_json
from playground.engine.history import HISTORY_COLUMNS, History
from playground.engine.network import Network
from playground.engine.trainer import Trainer, output_activation

FORMAT = "playground-experiment"
VERSION = 1
TOP_KEYS = ("format", "version", "config", "data", "network", "epoch", "history", "training")


class ExperimentError(ValueError):
    """An experiment file was refused; the message is one line."""


# ----- saving -------------------------------------------------------------------------
def experiment_to_dict(trainer: Trainer) -> dict[str, Any]:
    net = trainer.network
    if not np.isfinite(net.params).all():
        raise ExperimentError("the network has diverged (a weight is NaN or infinite); reset it before saving")
    for name, vector in (("pending gradient", trainer.pending_grad), ("last gradient", trainer.grad_sum)):
        if not np.isfinite(vector).all():
            raise ExperimentError(f"the {name} is NaN or infinite (training diverged); reset before saving")
    if not all(np.isfinite(np.asarray(v, dtype=float)).all() for v in trainer.optimizer.state().values()):
        raise ExperimentError("the optimizer state is NaN or infinite (training diverged); reset before saving")
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": trainer.config.to_dict(),
        "data": {"train": trainer.data.train.tolist(), "test": trainer.data.test.tolist()},
        "network": _layers_to_lists(net, net.params),
        "epoch": trainer.epoch,
        "history": {k: [v if math.isfinite(v) else None for v in vs] for k, vs in trainer.history.to_columns().items()},
        "training": {
            "optimizer": trainer.optimizer.state(),
            "dead": [(w == 0).tolist() for w in net.views(trainer.alive).weights],
            "pending": {"count": trainer.pending_count, **_layers_to_lists(net, trainer.pending_grad)},
            "last_update": {"count": trainer.grad_count, **_layers_to_lists(net, trainer.grad_sum)},
        },
    }


def save_experiment(trainer: Trainer, path: str | os.PathLike[str]) -> None:
    """Write atomically: the old file survives any failure."""
    text = json.dumps(experiment_to_dict(trainer), allow_nan=False, separators=(",", ":"))
    atomic_write_text(path, text + "\n")


def _layers_to_lists(net: Network, flat: np.ndarray) -> dict[str, list]:
    views = net.views(flat)
    return {"weights": [w.tolist() for w in views.weights], "biases": [b.tolist() for b in views.biases]}


# ----- loading ------------------------------------------------------------------------
def load_experiment(path: str | os.PathLike[str]) -> Trainer:
    try:
        document = read_json(path, "experiment")
        return trainer_from_dict(document)
    except FileFormatError as exc:
        raise ExperimentError(str(exc)) from None
    except (ConfigError, DataError, ExperimentError, ValueError) as exc:
        raise ExperimentError(f"cannot load experiment '{os.fspath(path)}': {exc}") from None


def trainer_from_dict(document: Any) -> Trainer:
    _check_header(document)
    config = Config.from_dict(_expect(document, "config", dict))
    data = _read_data(_expect(document, "data", dict), config.problem)
    network = Network((len(config.features), *config.hidden, 1), config.activation, output_activation(config.problem))
    network.params[...] = _read_layers(network, _expect(document, "network", dict), "network", finite=True)
    epoch = _expect(document, "epoch", int)
    if epoch < 0:
        raise ExperimentError(f"'epoch' is {epoch}; allowed: an integer ≥ 0")
    history = _read_history(_expect(document, "history", dict), epoch)
    training = _expect(document, "training", dict)
    trainer = Trainer(config, data, network=network)
    _restore_training(trainer, training)
    trainer.epoch, trainer.history = epoch, history
    return trainer


def _check_header(document: Any) -> None:
    if not isinstance(document, dict):
        raise ExperimentError("an experiment must be a JSON object")
    if document.get("format") != FORMAT:
        raise ExperimentError(f"'format' is {document.get('format')!r}; allowed: {FORMAT!r}")
    if document.get("version") != VERSION:
        raise ExperimentError(f"'version' is {document.get('version')!r}; this program reads version {VERSION}")
    unknown = sorted(set(document) - set(TOP_KEYS))
    if unknown:
        raise ExperimentError(f"unknown key {unknown[0]!r}; allowed keys: {', '.join(TOP_KEYS)}")


def _expect(mapping: dict, key: str, kind: type) -> Any:
    if key not in mapping:
        raise ExperimentError(f"the key {key!r} is missing")
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ExperimentError(f"{key!r} must be {'an integer' if kind is int else 'a JSON ' + kind.__name__}")
    return value


def _array(values: Any, shape: tuple[int, ...] | None, what: str, finite: bool = True) -> np.ndarray:
    if not _only_numbers(values):
        raise ExperimentError(f"{what} must hold numbers only (no text, true/false or null)")
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ExperimentError(f"{what} must be a list of numbers of consistent shape") from None
    if shape is not None and array.shape != shape:
        raise ExperimentError(f"{what} has shape {array.shape}; the config needs {shape}")
    if finite and not np.isfinite(array).all():
        raise ExperimentError(f"{what} holds a value that is not a finite number")
    return array


def _only_numbers(values: Any) -> bool:
    """True when every leaf of nested lists is an int or float (JSON numbers, not bools)."""
    if isinstance(values, list):
        return all(_only_numbers(v) for v in values)
    return isinstance(values, (int, float)) and not isinstance(values, bool)


def _check_keys(mapping: dict, what: str, keys: tuple[str, ...]) -> None:
    unknown = sorted(set(mapping) - set(keys))
    if unknown:
        raise ExperimentError(f"unknown key {unknown[0]!r} in {what}; allowed keys: {', '.join(keys)}")


def _read_data(data: dict, problem: str) -> SplitData:
    _check_keys(data, "data", ("train", "test"))
    parts = {}
    for key in ("train", "test"):
        rows = _array(_expect(data, key, list), None, f"data.{key}")
        if rows.size == 0:
            rows = rows.reshape(0, 3)
        if rows.ndim != 2 or rows.shape[1] != 3:
            raise ExperimentError(f"data.{key} must be rows of [x, y, label]; got shape {rows.shape}")
        if problem == "classification" and not np.isin(rows[:, 2], (-1.0, 1.0)).all():
            raise ExperimentError(f"data.{key} has a label that is not -1 or 1, as classification needs")
        parts[key] = rows
    return SplitData(parts["train"], parts["test"])


def _read_layers(net: Network, layers: dict, what: str, finite: bool) -> np.ndarray:
    """A flat vector laid out like net.params from {"weights": [...], "biases": [...]}."""
    _check_keys(layers, what, ("count", "weights", "biases") if what.startswith("training") else ("weights", "biases"))
    flat = np.zeros(net.size)
    views = net.views(flat)
    for key, targets in (("weights", views.weights), ("biases", views.biases)):
        values = _expect(layers, key, list)
        if len(values) != len(targets):
            raise ExperimentError(f"{what}.{key} has {len(values)} layers; the config needs {len(targets)}")
        for layer, (value, target) in enumerate(zip(values, targets)):
            target[...] = _array(value, target.shape, f"{what}.{key}[{layer}]", finite)
    return flat


def _read_history(history: dict, epoch: int) -> History:
    if set(history) != set(HISTORY_COLUMNS):
        raise ExperimentError(f"history keys are {sorted(history)}; expected {sorted(HISTORY_COLUMNS)}")
    columns = {}
    for key in HISTORY_COLUMNS:
        values = history[key]
        if not isinstance(values, list) or len(values) != epoch + 1:
            raise ExperimentError(f"history.{key} must list epoch + 1 = {epoch + 1} values (entry 0 = before training)")
        columns[key] = _array([math.nan if v is None else v for v in values], None, f"history.{key}", finite=False)
    return History.from_columns(columns)


def _restore_training(trainer: Trainer, training: dict) -> None:
    net = trainer.network
    _check_keys(training, "training", ("optimizer", "dead", "pending", "last_update"))
    try:
        trainer.optimizer.load_state(_expect(training, "optimizer", dict))
    except ValueError as exc:
        raise ExperimentError(f"training.optimizer: {exc}") from None
    dead = np.zeros(net.size, dtype=bool)
    dead_layers = _expect(training, "dead", list)
    if len(dead_layers) != net.n_layers:
        raise ExperimentError(f"training.dead has {len(dead_layers)} layers; the config needs {net.n_layers}")
    for layer, (value, target) in enumerate(zip(dead_layers, net.views(dead).weights)):
        if np.array(value).shape != target.shape or np.array(value).dtype != bool:
            raise ExperimentError(f"training.dead[{layer}] must be booleans of shape {target.shape}")
        target[...] = value
    trainer.alive[...] = np.where(dead, 0.0, 1.0)
    for key, grad in (("pending", "pending_grad"), ("last_update", "grad_sum")):
        part = _expect(training, key, dict)
        count = _expect(part, "count", int)
        if count < 0:
            raise ExperimentError(f"training.{key}.count is {count}; allowed: an integer ≥ 0")
        getattr(trainer, grad)[...] = _read_layers(net, part, f"training.{key}", finite=True)
        setattr(trainer, "pending_count" if key == "pending" else "grad_count", count)
