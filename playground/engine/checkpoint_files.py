"""A run's kept checkpoints in its experiment file (the optional "checkpoints" key), so that a
saved run opens with its past: the history slider scrubs it and a branch continues from it.

    "checkpoints": [
        {"epoch": e,                               whole, rising, below the file's "epoch"
         "network": {"weights": [...], "biases": [...]},      as the file's own keys
         "training": {...},                                   as the file's own "training"
         "row": [train_loss, test_loss, train_accuracy, test_accuracy],   null where unknown
         "config": {...},      only where the settings differ from the checkpoint before (the
                               first one's: from the file's own); only the live settings may
         "data": {"train": [...], "test": [...]}   only where the points differ likewise
        }, ...]

The file's own state is the run's last checkpoint, so it is not repeated. A checkpoint's history
is, as in the store (checkpoints.py), two rows: the file's first and its own "row". Reading checks
every checkpoint as fully as the file's own state, before anything is built. Writing them is a
choice (Save with history, ``playground train --checkpoints``): a long run's file grows by about
1 KB a checkpoint for the default network (3,304 after 10^6 epochs: 3.2 MiB, written in
0.4 s and read in 1 s, benchmarks/checkpoints.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from playground.engine.checkpoints import same_points
from playground.engine.config import Config, ConfigError
from playground.engine.config_edits import LIVE_KEYS
from playground.engine.experiment_fields import (
    ExperimentError,
    check_finite,
    check_keys,
    expect,
    layers_to_lists,
    network_of,
    number_array,
    read_data,
    read_layers,
    read_training,
    training_to_dict,
)
from playground.engine.history import EPOCH_COLUMN, HISTORY_COLUMNS
from playground.engine.trainer_state import TrainerState

CHECKPOINTS_KEY = "checkpoints"
CHECKPOINT_KEYS = ("epoch", "network", "training", "row", "config", "data")
MAX_CHECKPOINTS = 100_000  # far above what one run's store keeps (3,328 at most at 10^6 epochs)


def checkpoints_to_list(checkpoints: Sequence[TrainerState], state: TrainerState) -> list[dict[str, Any]]:
    """The checkpoints before ``state`` (the file's own) as JSON-ready values, rising by epoch."""
    config, data = state.config, state.data
    entries = []
    for checkpoint in checkpoints:
        if checkpoint.epoch >= state.epoch:
            continue  # the file's own state is the last
        check_finite(checkpoint)
        net = network_of(checkpoint.config)
        row = [float(checkpoint.history[name][-1]) for name in HISTORY_COLUMNS]
        entry: dict[str, Any] = {
            "epoch": checkpoint.epoch,
            "network": layers_to_lists(net, checkpoint.params),
            "training": training_to_dict(checkpoint, net),
            "row": [v if math.isfinite(v) else None for v in row],
        }
        if checkpoint.config != config:
            entry["config"] = checkpoint.config.to_dict()
        if not same_points(checkpoint.data, data):
            entry["data"] = {"train": checkpoint.data.train.tolist(), "test": checkpoint.data.test.tolist()}
        config, data = checkpoint.config, checkpoint.data
        entries.append(entry)
    return entries


def checkpoints_from_list(values: Any, state: TrainerState) -> tuple[TrainerState, ...]:
    """The checkpoints a file's "checkpoints" holds, checked against its own ``state``."""
    if not isinstance(values, list):
        raise ExperimentError(f"'{CHECKPOINTS_KEY}' must be a JSON list of checkpoints")
    if len(values) > MAX_CHECKPOINTS:
        raise ExperimentError(f"'{CHECKPOINTS_KEY}' lists {len(values):,}; allowed: at most {MAX_CHECKPOINTS:,}")
    first_row = {name: state.history[name][0] for name in HISTORY_COLUMNS}
    config, data, last_epoch = state.config, state.data, -1
    checkpoints = []
    for i, entry in enumerate(values):
        what = f"{CHECKPOINTS_KEY}[{i}]"
        if not isinstance(entry, dict):
            raise ExperimentError(f"{what} must be a JSON object with {', '.join(CHECKPOINT_KEYS[:4])}")
        check_keys(entry, what, CHECKPOINT_KEYS)
        epoch = expect(entry, "epoch", int)
        if not last_epoch < epoch < state.epoch:
            raise ExperimentError(f"{what}.epoch is {epoch}; allowed: epochs rising from 0, below the file's epoch {state.epoch}")
        if "config" in entry:
            config = _live_change(entry["config"], state.config, what)
        if "data" in entry:
            data = read_data(expect(entry, "data", dict), config)
            data.check_fits(config.hidden)
        net = network_of(config)
        params = read_layers(net, expect(entry, "network", dict), f"{what}.network")
        net.params[...] = params
        training = read_training(expect(entry, "training", dict), net, config)
        row = _read_row(expect(entry, "row", list), what)
        history: dict[str, Any] = {
            name: [first_row[name], row[k]] if epoch else [row[k]] for k, name in enumerate(HISTORY_COLUMNS)
        }
        if epoch > 1:
            history[EPOCH_COLUMN] = [0.0, float(epoch)]
        checkpoints.append(TrainerState(config=config, data=data, params=params, epoch=epoch, history=history, **training))
        last_epoch = epoch
    return tuple(checkpoints)


def _live_change(values: Any, config: Config, what: str) -> Config:
    """A checkpoint's settings: the file's but for the live ones (a run changes nothing else)."""
    try:
        changed = Config.from_dict(values) if isinstance(values, dict) else None
    except ConfigError as exc:
        raise ExperimentError(f"{what}.config: {exc}") from None
    if changed is None:
        raise ExperimentError(f"{what}.config must be a JSON object")
    differing = [key for key, value in config.to_dict().items() if key not in LIVE_KEYS and changed.to_dict()[key] != value]
    if differing:
        raise ExperimentError(f"{what}.config changes {differing[0]!r}; allowed: only the settings a run changes "
                              f"while training ({', '.join(LIVE_KEYS)})")
    return changed


def _read_row(values: list, what: str) -> list[float]:
    if len(values) != len(HISTORY_COLUMNS):
        raise ExperimentError(f"{what}.row must list {len(HISTORY_COLUMNS)} values: {', '.join(HISTORY_COLUMNS)}")
    known = [0.0 if v is None else v for v in values]
    number_array(known, (len(HISTORY_COLUMNS),), f"{what}.row")
    return [math.nan if v is None else float(v) for v in values]
