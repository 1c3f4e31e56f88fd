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
                  "last_update": {"count": n, "weights": [...], "biases": [...]}},
     "checkpoints": [...]}                               optional: the run's past, checkpoint_files.py

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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.engine.checkpoint_files import CHECKPOINTS_KEY, checkpoints_from_list, checkpoints_to_list
from playground.engine.config import Config, ConfigError
from playground.engine.data import SplitData
from playground.engine.datasets import DataError
from playground.engine.experiment_fields import (
    ExperimentError,
    check_finite,
    check_keys,
    expect,
    layers_to_lists,
    network_of,
    number_array,
    only_numbers,
    read_data,
    read_layers,
    read_training,
    training_to_dict,
)
from playground.engine.files import FileFormatError, atomic_write_text, read_json
from playground.engine.history import EPOCH_COLUMN, HISTORY_COLUMNS
from playground.engine.network import Network
from playground.engine.trainer import Trainer, evaluate
from playground.engine.trainer_state import TrainerState

FORMAT = "playground-experiment"
VERSION = 1
TOP_KEYS = ("format", "version", "config", "data", "network", "epoch", "history", "training")
REQUIRED_KEYS = TOP_KEYS[:-1]
DESCRIPTION_KEY = "description"  # optional, beside TOP_KEYS (written only when there is one)
MAX_DESCRIPTION = 1000  # characters: a few sentences, not a manual
REQUIRED_HISTORY = ("train_loss", "test_loss")


# What the command line and the window both say when asked to save a diverged run.
DIVERGED_NOT_SAVED = "not saved to '{path}': a diverged network cannot continue"


# The description of each trainer load_experiment built, so that saving it keeps the text. Weak:
# a trainer the worker replaces (reset, new network) is forgotten with it, and its successor has none.
_DESCRIPTIONS: weakref.WeakKeyDictionary[Trainer, str] = weakref.WeakKeyDictionary()
_CHECKPOINTS: weakref.WeakKeyDictionary[Trainer, tuple[TrainerState, ...]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class ExperimentDocument:
    """What an experiment file holds: the state, and beside it its description and checkpoints."""

    state: TrainerState
    description: str | None
    checkpoints: tuple[TrainerState, ...]  # rising by epoch, all before state.epoch; () without them


# ----- the trainer's side: thin wrappers ----------------------------------------------
def save_experiment(trainer: Trainer, path: str | os.PathLike[str], checkpoints: Sequence[TrainerState] = ()) -> None:
    """``checkpoints``: the run's kept states to write with it (checkpoint_files.py); none by default."""
    write_experiment(trainer.state(), path, description_of(trainer), checkpoints)


def load_experiment(path: str | os.PathLike[str]) -> Trainer:
    document = read_experiment_document(path)
    trainer = Trainer.from_state(document.state)
    if document.description is not None:
        _DESCRIPTIONS[trainer] = document.description
    if document.checkpoints:
        _CHECKPOINTS[trainer] = document.checkpoints
    return trainer


def take_checkpoints(trainer: Trainer) -> tuple[TrainerState, ...]:
    """The checkpoints the file this trainer was loaded from held, once (the caller keeps them:
    a second call gives none, so they are not held twice)."""
    return _CHECKPOINTS.pop(trainer, ())


def description_of(trainer: Trainer) -> str | None:
    """The description of the file this trainer was loaded from, if it had one."""
    return _DESCRIPTIONS.get(trainer)


# ----- saving -------------------------------------------------------------------------
def state_to_dict(
    state: TrainerState, description: str | None = None, checkpoints: Sequence[TrainerState] = ()
) -> dict[str, Any]:
    """The whole state as JSON-ready values; refuses a diverged state (JSON has no NaN)."""
    check_finite(state)
    net = network_of(state.config)
    return {
        "format": FORMAT,
        "version": VERSION,
        **({} if description is None else {DESCRIPTION_KEY: checked_description(description)}),
        "config": state.config.to_dict(),
        "data": {"train": state.data.train.tolist(), "test": state.data.test.tolist()},
        "network": layers_to_lists(net, state.params),
        "epoch": state.epoch,
        "history": {
            k: [int(v) for v in vs.tolist()] if k == EPOCH_COLUMN else [v if math.isfinite(v) else None for v in vs.tolist()]
            for k, vs in state.history.items()
        },
        "training": training_to_dict(state, net),
        **({CHECKPOINTS_KEY: checkpoints_to_list(checkpoints, state)} if checkpoints else {}),
    }


def write_experiment(
    state: TrainerState, path: str | os.PathLike[str], description: str | None = None,
    checkpoints: Sequence[TrainerState] = (),
) -> None:
    """Write atomically: the old file survives any failure."""
    text = json.dumps(state_to_dict(state, description, checkpoints), allow_nan=False, separators=(",", ":"))
    atomic_write_text(path, text + "\n")


# ----- loading ------------------------------------------------------------------------
def read_experiment(path: str | os.PathLike[str]) -> TrainerState:
    """The state a file holds; every problem is an ExperimentError of one line naming the file."""
    return read_experiment_file(path)[0]


def read_experiment_file(path: str | os.PathLike[str]) -> tuple[TrainerState, str | None]:
    """The state a file holds and its description (None without one); refused as read_experiment."""
    document = read_experiment_document(path)
    return document.state, document.description


def read_experiment_document(path: str | os.PathLike[str]) -> ExperimentDocument:
    """Everything a file holds, checked before anything is built; refused as read_experiment."""
    try:
        document = read_json(path, "experiment")
        state = state_from_dict(document)
        checkpoints = checkpoints_from_list(document[CHECKPOINTS_KEY], state) if CHECKPOINTS_KEY in document else ()
        return ExperimentDocument(state, description_from_dict(document), checkpoints)
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
    config = Config.from_dict(expect(document, "config", dict))
    data = read_data(expect(document, "data", dict), config)
    data.check_fits(config.hidden)  # before the network measures them
    net = network_of(config)
    net.params[...] = read_layers(net, expect(document, "network", dict), "network")
    epoch = expect(document, "epoch", int)
    if epoch < 0:
        raise ExperimentError(f"'epoch' is {epoch}; allowed: an integer ≥ 0")
    history = _read_history(expect(document, "history", dict), epoch)
    _fill_current_row(history, net, config, data)
    training = read_training(document.get("training", {}), net, config)
    return TrainerState(config=config, data=data, params=net.params, epoch=epoch, history=history, **training)


def _check_header(document: Any) -> None:
    if not isinstance(document, dict):
        raise ExperimentError("an experiment must be a JSON object")
    if document.get("format") != FORMAT:
        raise ExperimentError(f"'format' is {document.get('format')!r}; allowed: {FORMAT!r}")
    if document.get("version") != VERSION:
        raise ExperimentError(f"'version' is {document.get('version')!r}; this program reads version {VERSION}")
    check_keys(document, "the experiment", (*TOP_KEYS, DESCRIPTION_KEY, CHECKPOINTS_KEY))
    for key in REQUIRED_KEYS:
        expect(document, key, object)


def _read_history(history: dict, epoch: int) -> dict[str, np.ndarray]:
    """Every column, epoch + 1 entries; an absent accuracy column is all NaN (unknown). A thinned
    history (a very long run, engine/history.py) has fewer rows and an "epoch" list naming them."""
    check_keys(history, "history", (*HISTORY_COLUMNS, EPOCH_COLUMN))
    missing = [key for key in REQUIRED_HISTORY if key not in history]
    if missing:
        raise ExperimentError(f"history.{missing[0]} is missing; history needs {' and '.join(REQUIRED_HISTORY)}")
    columns, rows, what = {}, epoch + 1, f"epoch + 1 = {epoch + 1} values (entry 0 = before training)"
    if EPOCH_COLUMN in history:
        epochs = number_array(history[EPOCH_COLUMN], None, "history.epoch")
        if not (epochs.ndim == 1 and epochs.size and epochs[0] == 0 and epochs[-1] == epoch
                and (np.diff(epochs) > 0).all() and (epochs == np.round(epochs)).all()):
            raise ExperimentError(f"history.epoch must list whole epochs rising strictly from 0 to {epoch}")
        columns[EPOCH_COLUMN], rows, what = epochs, epochs.size, f"one value per history.epoch ({epochs.size})"
    for key in HISTORY_COLUMNS:
        values = history.get(key, [None] * rows)
        if not isinstance(values, list) or len(values) != rows:
            raise ExperimentError(f"history.{key} must list {what}")
        numbers = [0.0 if v is None else v for v in values]
        if not only_numbers(numbers):
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
