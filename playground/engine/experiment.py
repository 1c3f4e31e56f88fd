"""Experiment files: the JSON codec of a TrainerState, so training continues exactly where it stopped.

    {"format": "playground-experiment", "version": 1,
     "description": "...",                               optional: what it sets up, what to look for
     "config": {...},                                    Config.to_dict(); missing keys take defaults
     "data": {"train": [[x, y, label], ...], "test": [...]},   multiclass labels: class index 0 … K−1
     "network": {"weights": [W_0, ...], "biases": [b_0, ...]},   W_l: (n_in, n_out) nested lists;
                                                         the last is (n, K) for K classes
     "epoch": E,
     "history": {"train_loss": [...], "test_loss": [...],       E + 1 entries each, entry 0 = before
                 "train_accuracy": [...], "test_accuracy": [...]},   training; null where unknown
                 (a run past 2^20 epochs keeps fewer rows, thinned, and adds "epoch": [0, ...])
     "training": {"optimizer": {...},                   its state; flat vectors in params order
                  "dead": [D_0, ...],                    D_l: (n_in, n_out) booleans (L1)
                  "pending": {"count": n, "weights": [...], "biases": [...]},
                  "last_update": {"count": n, "weights": [...], "biases": [...]}}}

"pending" holds the summed derivatives of examples not yet in an update (carried into the next
epoch); "last_update" the summed derivatives of the last update (what the edges are coloured by).
The app writes everything. A person may write only format, version, config, data, network, epoch
and the two loss columns: without "training" (or any part of it) training starts fresh there (new
optimizer state, no dead weights, nothing pending, no last update); a missing accuracy column is
unknown (NaN) for past epochs, and the current epoch's unknown entries are computed from the network.
Loading validates everything before building anything, so a bad file never half-loads.

"description" (optional, anyone may write it) is a short text for the learner: what the experiment
sets up and, in a sentence or two, what to look for. The lessons (resources/lessons/) are experiment
files with one, and the window shows it when any file that has one is opened. It must be a string
of 1 to MAX_DESCRIPTION characters, not blank. It is not training state, so it lives beside the
TrainerState, not in it: `read_experiment_file` returns both, and a trainer built by
`load_experiment` keeps its file's description (in a weak side table, see `description_of`) so that
`save_experiment` writes it back; a trainer built any other way (a reset, a new network) has none.
"""

from __future__ import annotations

import json
import math
import os
import weakref
from typing import Any

import numpy as np

from playground.engine.config import Config, ConfigError
from playground.engine.data import SplitData
from playground.engine.datasets import DataError, first_bad_label
from playground.engine.files import FileFormatError, atomic_write_text, read_json
from playground.engine.history import EPOCH_COLUMN, HISTORY_COLUMNS
from playground.engine.network import Network
from playground.engine.optimizers import make_optimizer
from playground.engine.trainer import Trainer, evaluate, output_activation
from playground.engine.trainer_state import TrainerState

FORMAT = "playground-experiment"
VERSION = 1
TOP_KEYS = ("format", "version", "config", "data", "network", "epoch", "history", "training")
REQUIRED_KEYS = TOP_KEYS[:-1]
DESCRIPTION_KEY = "description"  # optional, beside TOP_KEYS (written only when there is one)
MAX_DESCRIPTION = 1000  # characters: a few sentences, not a manual
REQUIRED_HISTORY = ("train_loss", "test_loss")
TRAINING_KEYS = ("optimizer", "dead", "pending", "last_update")


# What the command line and the window both say when asked to save a diverged run.
DIVERGED_NOT_SAVED = "not saved to '{path}': a diverged network cannot continue"


class ExperimentError(ValueError):
    """An experiment file was refused; the message is one line."""


# The description of each trainer load_experiment built, so that saving it keeps the text. Weak:
# a trainer the worker replaces (reset, new network) is forgotten with it, and its successor has none.
_DESCRIPTIONS: weakref.WeakKeyDictionary[Trainer, str] = weakref.WeakKeyDictionary()


# ----- the trainer's side: thin wrappers ----------------------------------------------
def save_experiment(trainer: Trainer, path: str | os.PathLike[str]) -> None:
    write_experiment(trainer.state(), path, description_of(trainer))


def load_experiment(path: str | os.PathLike[str]) -> Trainer:
    state, description = read_experiment_file(path)
    trainer = Trainer.from_state(state)
    if description is not None:
        _DESCRIPTIONS[trainer] = description
    return trainer


def description_of(trainer: Trainer) -> str | None:
    """The description of the file this trainer was loaded from, if it had one."""
    return _DESCRIPTIONS.get(trainer)


# ----- saving -------------------------------------------------------------------------
def state_to_dict(state: TrainerState, description: str | None = None) -> dict[str, Any]:
    """The whole state as JSON-ready values; refuses a diverged state (JSON has no NaN)."""
    if not np.isfinite(state.params).all():
        raise ExperimentError("the network has diverged (a weight is NaN or infinite); reset it before saving")
    for name, vector in (("pending gradient", state.pending_sum), ("last gradient", state.last_sum)):
        if not np.isfinite(vector).all():
            raise ExperimentError(f"the {name} is NaN or infinite (training diverged); reset before saving")
    if not all(np.isfinite(v).all() for v in state.optimizer.values()):
        raise ExperimentError("the optimizer state is NaN or infinite (training diverged); reset before saving")
    net = _network(state.config)
    optimizer = {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in state.optimizer.items()}
    return {
        "format": FORMAT,
        "version": VERSION,
        **({} if description is None else {DESCRIPTION_KEY: checked_description(description)}),
        "config": state.config.to_dict(),
        "data": {"train": state.data.train.tolist(), "test": state.data.test.tolist()},
        "network": _layers_to_lists(net, state.params),
        "epoch": state.epoch,
        "history": {
            k: [int(v) for v in vs.tolist()] if k == EPOCH_COLUMN else [v if math.isfinite(v) else None for v in vs.tolist()]
            for k, vs in state.history.items()
        },
        "training": {
            "optimizer": optimizer,
            "dead": [w.tolist() for w in net.views(state.dead).weights],
            "pending": {"count": state.pending_count, **_layers_to_lists(net, state.pending_sum)},
            "last_update": {"count": state.last_count, **_layers_to_lists(net, state.last_sum)},
        },
    }


def write_experiment(state: TrainerState, path: str | os.PathLike[str], description: str | None = None) -> None:
    """Write atomically: the old file survives any failure."""
    text = json.dumps(state_to_dict(state, description), allow_nan=False, separators=(",", ":"))
    atomic_write_text(path, text + "\n")


def _network(config: Config) -> Network:
    """An all-zero network of the config's shape, for its per-layer views of flat vectors."""
    return Network(config.layer_sizes, config.activation, output_activation(config.problem))


def _layers_to_lists(net: Network, flat: np.ndarray) -> dict[str, list]:
    views = net.views(flat)
    return {"weights": [w.tolist() for w in views.weights], "biases": [b.tolist() for b in views.biases]}


# ----- loading ------------------------------------------------------------------------
def read_experiment(path: str | os.PathLike[str]) -> TrainerState:
    """The state a file holds; every problem is an ExperimentError of one line naming the file."""
    return read_experiment_file(path)[0]


def read_experiment_file(path: str | os.PathLike[str]) -> tuple[TrainerState, str | None]:
    """The state a file holds and its description (None without one); refused as read_experiment."""
    try:
        document = read_json(path, "experiment")
        return state_from_dict(document), description_from_dict(document)
    except FileFormatError as exc:
        raise ExperimentError(str(exc)) from None
    except (ConfigError, DataError, ExperimentError, ValueError, OverflowError) as exc:
        raise ExperimentError(f"cannot load experiment '{os.fspath(path)}': {exc}") from None


def read_description(path: str | os.PathLike[str]) -> str | None:
    """Only the description of an experiment file: None when it has none or cannot be read.

    For the window, after the worker has loaded the file: a file whose bytes never spell the key
    is not parsed at all, so a huge experiment without a description costs a scan, not a parse."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        if b'"description"' not in raw:
            return None
        return description_from_dict(json.loads(raw))
    except (OSError, ValueError, RecursionError):
        return None


def description_from_dict(document: Any) -> str | None:
    if not isinstance(document, dict) or DESCRIPTION_KEY not in document:
        return None
    return checked_description(document[DESCRIPTION_KEY])


def checked_description(value: Any) -> str:
    """The description if it is text of 1 to MAX_DESCRIPTION characters (not blank); else refused."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_DESCRIPTION:
        got = (f"a JSON {_json_kind(value)}" if not isinstance(value, str)
               else "blank" if not value.strip() else f"{len(value)} characters long")
        raise ExperimentError(f"'description' is {got}; allowed: text of 1 to {MAX_DESCRIPTION} characters, "
                              "not blank (what the experiment sets up and what to look for)")
    return value


def _json_kind(value: Any) -> str:
    kinds = ((bool, "true/false"), (type(None), "null"), ((int, float), "number"), (list, "list"), (dict, "object"))
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


def state_from_dict(document: Any) -> TrainerState:
    _check_header(document)
    description_from_dict(document)  # a bad description refuses the file, as any other bad key
    config = Config.from_dict(_expect(document, "config", dict))
    data = _read_data(_expect(document, "data", dict), config)
    data.check_fits(config.hidden)  # before the network measures them
    net = _network(config)
    net.params[...] = _read_layers(net, _expect(document, "network", dict), "network")
    epoch = _expect(document, "epoch", int)
    if epoch < 0:
        raise ExperimentError(f"'epoch' is {epoch}; allowed: an integer ≥ 0")
    history = _read_history(_expect(document, "history", dict), epoch)
    _fill_current_row(history, net, config, data)
    training = _read_training(document.get("training", {}), net, config)
    return TrainerState(config=config, data=data, params=net.params, epoch=epoch, history=history, **training)


def _check_header(document: Any) -> None:
    if not isinstance(document, dict):
        raise ExperimentError("an experiment must be a JSON object")
    if document.get("format") != FORMAT:
        raise ExperimentError(f"'format' is {document.get('format')!r}; allowed: {FORMAT!r}")
    if document.get("version") != VERSION:
        raise ExperimentError(f"'version' is {document.get('version')!r}; this program reads version {VERSION}")
    _check_keys(document, "the experiment", (*TOP_KEYS, DESCRIPTION_KEY))
    for key in REQUIRED_KEYS:
        _expect(document, key, object)


def _expect(mapping: dict, key: str, kind: type) -> Any:
    if key not in mapping:
        raise ExperimentError(f"the key {key!r} is missing")
    value = mapping[key]
    if kind is not object and (isinstance(value, bool) or not isinstance(value, kind)):
        raise ExperimentError(f"{key!r} must be {'an integer' if kind is int else 'a JSON ' + kind.__name__}")
    return value


def _check_keys(mapping: dict, what: str, keys: tuple[str, ...]) -> None:
    unknown = sorted(set(mapping) - set(keys))
    if unknown:
        where = "" if what == "the experiment" else f" in {what}"
        raise ExperimentError(f"unknown key {unknown[0]!r}{where}; allowed keys: {', '.join(keys)}")


def _array(values: Any, shape: tuple[int, ...] | None, what: str) -> np.ndarray:
    """Nested lists of JSON numbers (finite: JSON has no NaN) as a float64 array of ``shape``."""
    if not _only_numbers(values):
        raise ExperimentError(f"{what} must hold numbers only (no text, true/false or null)")
    try:
        array = np.array(values, dtype=np.float64)
    except OverflowError:  # a JSON integer beyond float64, such as 1e400 written out in digits
        raise ExperimentError(f"{what} holds a number too large for a 64-bit float") from None
    except (TypeError, ValueError):
        raise ExperimentError(f"{what} must be a list of numbers of consistent shape") from None
    if shape is not None and array.shape != shape:
        raise ExperimentError(f"{what} has shape {array.shape}; the config needs {shape}")
    if not np.isfinite(array).all():
        raise ExperimentError(f"{what} holds a value that is not a finite number")
    return array


def _only_numbers(values: Any) -> bool:
    """True when every leaf of nested lists is an int or float (JSON numbers, not bools)."""
    if isinstance(values, list):
        return all(_only_numbers(v) for v in values)
    return isinstance(values, (int, float)) and not isinstance(values, bool)


def _read_data(data: dict, config: Config) -> SplitData:
    _check_keys(data, "data", ("train", "test"))
    parts = {}
    for key in ("train", "test"):
        rows = _array(_expect(data, key, list), None, f"data.{key}")
        if rows.size == 0:
            rows = rows.reshape(0, 3)
        if rows.ndim != 2 or rows.shape[1] != 3:
            raise ExperimentError(f"data.{key} must be rows of [x, y, label]; got shape {rows.shape}")
        wrong = first_bad_label(rows[:, 2], config.problem, config.classes)
        if wrong:
            raise ExperimentError(f"data.{key}[{wrong[0]}] has label {wrong[1]}")
        parts[key] = rows
    return SplitData(parts["train"], parts["test"])


def _read_layers(net: Network, layers: Any, what: str, keys: tuple[str, ...] = ("weights", "biases")) -> np.ndarray:
    """A flat vector laid out like net.params from {"weights": [...], "biases": [...]}."""
    if not isinstance(layers, dict):
        raise ExperimentError(f"{what} must be a JSON object with {', '.join(keys)}")
    _check_keys(layers, what, keys)
    flat = np.zeros(net.size)
    views = net.views(flat)
    for key, targets in (("weights", views.weights), ("biases", views.biases)):
        values = layers.get(key)
        if not isinstance(values, list):
            raise ExperimentError(f"{what}.{key} is missing or not a list; it needs {len(targets)} layers")
        if len(values) != len(targets):
            raise ExperimentError(f"{what}.{key} has {len(values)} layers; the config needs {len(targets)}")
        for layer, (value, target) in enumerate(zip(values, targets)):
            target[...] = _array(value, target.shape, f"{what}.{key}[{layer}]")
    return flat


def _read_history(history: dict, epoch: int) -> dict[str, np.ndarray]:
    """Every column, epoch + 1 entries; an absent accuracy column is all NaN (unknown). A thinned
    history (a very long run, engine/history.py) has fewer rows and an "epoch" list naming them."""
    _check_keys(history, "history", (*HISTORY_COLUMNS, EPOCH_COLUMN))
    missing = [key for key in REQUIRED_HISTORY if key not in history]
    if missing:
        raise ExperimentError(f"history.{missing[0]} is missing; history needs {' and '.join(REQUIRED_HISTORY)}")
    columns, rows, what = {}, epoch + 1, f"epoch + 1 = {epoch + 1} values (entry 0 = before training)"
    if EPOCH_COLUMN in history:
        epochs = _array(history[EPOCH_COLUMN], None, "history.epoch")
        if not (epochs.ndim == 1 and epochs.size and epochs[0] == 0 and epochs[-1] == epoch
                and (np.diff(epochs) > 0).all() and (epochs == np.round(epochs)).all()):
            raise ExperimentError(f"history.epoch must list whole epochs rising strictly from 0 to {epoch}")
        columns[EPOCH_COLUMN], rows, what = epochs, epochs.size, f"one value per history.epoch ({epochs.size})"
    for key in HISTORY_COLUMNS:
        values = history.get(key, [None] * rows)
        if not isinstance(values, list) or len(values) != rows:
            raise ExperimentError(f"history.{key} must list {what}")
        numbers = [0.0 if v is None else v for v in values]
        if not _only_numbers(numbers):
            raise ExperimentError(f"history.{key} must hold numbers or null only")
        columns[key] = np.array([math.nan if v is None else v for v in values], dtype=np.float64)
    return columns


def _fill_current_row(history: dict[str, np.ndarray], net: Network, config: Config, data: SplitData) -> None:
    """Compute the current epoch's unknown entries (NaN) from the network, as the trainer would."""
    needed = REQUIRED_HISTORY if config.problem == "regression" else HISTORY_COLUMNS
    if not any(math.isnan(history[key][-1]) for key in needed):
        return
    with np.errstate(all="ignore"):  # huge hand-written weights measure as inf, not as a warning
        row = evaluate(net, config, data)
    for key, value in zip(HISTORY_COLUMNS, row):
        if math.isnan(history[key][-1]):
            history[key][-1] = value


def _read_training(training: Any, net: Network, config: Config) -> dict[str, Any]:
    """The TrainerState fields of "training"; each absent part is a fresh start's."""
    if not isinstance(training, dict):
        raise ExperimentError("'training' must be a JSON object")
    _check_keys(training, "training", TRAINING_KEYS)
    optimizer = make_optimizer(config.optimizer, net.size)
    if "optimizer" in training:
        try:
            optimizer.load_state(training["optimizer"])
        except ValueError as exc:
            raise ExperimentError(f"training.optimizer: {exc}") from None
    result: dict[str, Any] = {"optimizer": optimizer.state()}
    result["dead"] = _read_dead(training.get("dead"), net, config)
    for key, sum_name, count_name in (("pending", "pending_sum", "pending_count"),
                                      ("last_update", "last_sum", "last_count")):
        result[sum_name], result[count_name] = _read_sum(training.get(key), net, f"training.{key}")
    return result


def _read_dead(dead_layers: Any, net: Network, config: Config) -> np.ndarray:
    dead = np.zeros(net.size, dtype=bool)
    if dead_layers is None:
        return dead
    if not isinstance(dead_layers, list) or len(dead_layers) != net.n_layers:
        raise ExperimentError(f"training.dead must list {net.n_layers} layers of booleans, one per weight matrix")
    for layer, (value, target) in enumerate(zip(dead_layers, net.views(dead).weights)):
        if np.array(value).shape != target.shape or np.array(value).dtype != bool:
            raise ExperimentError(f"training.dead[{layer}] must be booleans of shape {target.shape}")
        target[...] = value
    if dead.any() and config.regularization != "l1":
        raise ExperimentError(
            f"training.dead marks dead weights, but only L1 kills weights; config regularization is "
            f"{config.regularization!r} (allowed: no dead weights, or regularization 'l1')"
        )
    if (net.params[dead] != 0.0).any():
        raise ExperimentError("training.dead marks a weight dead that the network gives a non-zero value; "
                              "allowed: dead weights are 0")
    return dead


def _read_sum(part: Any, net: Network, what: str) -> tuple[np.ndarray, int]:
    """(summed derivatives, count) of {"count": n, "weights": [...], "biases": [...]}; absent: nothing."""
    if part is None:
        return np.zeros(net.size), 0
    if not isinstance(part, dict):
        raise ExperimentError(f"{what} must be a JSON object with count, weights, biases")
    count = part.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ExperimentError(f"{what}.count is {count!r}; allowed: an integer ≥ 0")
    total = _read_layers(net, part, what, keys=("count", "weights", "biases"))
    if count == 0 and total.any():
        raise ExperimentError(f"{what} has count 0 but non-zero sums; allowed: zero sums when the count is 0")
    return total, count
