"""Runs A and B from one state: the fork, each side's settings, and a kept side joined to its past.

Shared by `playground compare` (headless) and the window's comparison (worker/compare_worker.py),
so both fork the same way: the same weights, optimizer state, dead weights, carried remainder,
data and epoch, then each side's own settings of SIDE_KEYS.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from playground.engine.config import ACTIVATION_NAMES, OPTIMIZER_NAMES, REGULARIZATION_NAMES, Config
from playground.engine.config_edits import LIVE_KEYS
from playground.engine.history import EPOCH_COLUMN, HISTORY_COLUMNS, History
from playground.engine.trainer import Trainer
from playground.engine.trainer_state import TrainerState

SIDES = ("a", "b")
# What each side may set: the live settings, and the activation (a new network, the same weights).
SIDE_KEYS: tuple[str, ...] = (*LIVE_KEYS, "activation")
CHOICES = {"optimizer": OPTIMIZER_NAMES, "regularization": REGULARIZATION_NAMES, "activation": ACTIVATION_NAMES}


def fork(state: TrainerState, config: Config) -> Trainer:
    """A trainer that continues `state` under `config` (which differs from the state's only in
    SIDE_KEYS). Another activation is the same network of the same weights computing another
    function: the current history row is measured again; the live keys change as the window
    changes them (set_hyperparameters: another optimizer starts fresh, leaving L1 revives)."""
    if config.activation != state.config.activation:
        state = dataclasses.replace(state, config=state.config.replace(activation=config.activation))
        trainer = Trainer.from_state(state)
        trainer.reevaluate()
    else:
        trainer = Trainer.from_state(state)
    live = {key: getattr(config, key) for key in LIVE_KEYS if getattr(config, key) != getattr(state.config, key)}
    if live:
        trainer.set_hyperparameters(**live)
    return trainer


def joined_state(side: TrainerState, before: History, fork_epoch: int) -> TrainerState:
    """A compared side kept: ``side`` (a full state, its history from the fork on) with the rows of
    the run it forked from (``before``, possibly thinned) before ``fork_epoch`` in front of its own,
    so the kept run's loss curve reads as one run from epoch 0."""
    own = side.history
    own_epochs = np.asarray(own[EPOCH_COLUMN]) if EPOCH_COLUMN in own else np.arange(len(own[HISTORY_COLUMNS[0]]))
    keep = own_epochs >= fork_epoch  # the side's rows from the fork on (its row 0 is the main run's)
    cut = int(np.searchsorted(before.epochs(), fork_epoch))  # the main run's rows of epochs < fork_epoch
    columns: dict[str, Any] = {
        name: np.concatenate([before.column(name)[:cut], np.asarray(own[name])[keep]]) for name in HISTORY_COLUMNS
    }
    epochs = np.concatenate([before.epochs()[:cut], own_epochs[keep].astype(np.float64)])
    if len(epochs) != side.epoch + 1:
        columns[EPOCH_COLUMN] = epochs
    return dataclasses.replace(side, history=columns)
