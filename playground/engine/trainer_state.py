"""A trainer's complete state, frozen: everything exact continuation depends on.

``Trainer.state()`` makes one and ``Trainer.from_state(state)`` builds a trainer that continues
bit-identically, so a state is what experiment files encode (experiment.py is its JSON codec),
what a checkpoint keeps and what two compared runs start from. Construction validates the shapes
against the config and copies every array into a read-only one: a state never changes after it
is made, whatever happens to the arrays it was made from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from playground.engine.config import Config
from playground.engine.data import SplitData
from playground.engine.history import EPOCH_COLUMN, HISTORY_COLUMNS
from playground.engine.optimizers import make_optimizer
from playground.engine.size_limits import parameter_count


def frozen(values: Any, dtype: type = np.float64) -> np.ndarray:
    """A read-only copy."""
    array = np.array(values, dtype=dtype)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class TrainerState:
    """One moment of training. Flat vectors are laid out like ``Network.params`` (n_params,)."""

    config: Config
    data: SplitData  # train (n_train, 3) and test (n_test, 3) rows of x, y, label
    params: np.ndarray  # (n_params,) weights and biases
    optimizer: Mapping[str, Any]  # the optimizer's state: {} sgd, velocity momentum, t m v adam
    dead: np.ndarray  # (n_params,) bool: weights L1 has killed (never a bias)
    pending_sum: np.ndarray  # (n_params,) Σ dE/dparam of examples not yet in an update
    pending_count: int  # how many examples pending_sum holds
    last_sum: np.ndarray  # (n_params,) Σ dE/dparam of the last update's examples
    last_count: int  # how many examples the last update averaged; 0 before the first
    epoch: int  # epochs trained
    history: Mapping[str, np.ndarray]  # HISTORY_COLUMNS → (epoch + 1,) each, row 0 before training;
    # a thinned history (engine/history.py) has fewer rows and an EPOCH_COLUMN saying whose

    def __post_init__(self) -> None:
        n = self.n_params
        for name in ("params", "pending_sum", "last_sum"):
            self._freeze(name, _checked_vector(getattr(self, name), n, name))
        self._freeze("dead", frozen(_checked_vector(self.dead, n, "dead", bool), bool))
        data = SplitData(frozen(self.data.train), frozen(self.data.test))
        self._freeze("data", data)
        for name in ("pending_count", "last_count", "epoch"):
            self._freeze(name, _checked_count(getattr(self, name), name))
        optimizer = make_optimizer(self.config.optimizer, n)
        optimizer.load_state(dict(self.optimizer))  # validates the keys and sizes
        state = optimizer.state()  # fresh copies, which nothing else holds
        for value in state.values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
        self._freeze("optimizer", MappingProxyType(state))
        self._freeze("history", MappingProxyType(_checked_history(self.history, self.epoch)))

    def _freeze(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return self.config.layer_sizes

    @property
    def n_params(self) -> int:
        return parameter_count(len(self.config.features), self.config.hidden, self.config.n_outputs)

    def is_identical_to(self, other: TrainerState) -> bool:
        """Bit for bit the same (NaN equal to NaN), so training from either goes the same way."""
        same = (
            self.config == other.config and self.epoch == other.epoch
            and self.pending_count == other.pending_count and self.last_count == other.last_count
            and set(self.optimizer) == set(other.optimizer) and set(self.history) == set(other.history)
        )
        pairs = [
            (self.data.train, other.data.train), (self.data.test, other.data.test),
            (self.params, other.params), (self.dead, other.dead),
            (self.pending_sum, other.pending_sum), (self.last_sum, other.last_sum),
            *((self.history[k], other.history[k]) for k in self.history if k in other.history),
            *((self.optimizer[k], other.optimizer[k]) for k in self.optimizer if k in other.optimizer),
        ]
        return same and all(_bitwise_equal(a, b) for a, b in pairs)


def _checked_vector(values: Any, n: int, name: str, dtype: type = np.float64) -> np.ndarray:
    array = frozen(values, dtype)
    if array.shape != (n,):
        raise ValueError(f"trainer state '{name}' has shape {array.shape}; the config's network needs ({n},)")
    return array


def _checked_count(value: Any, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"trainer state '{name}' is {value!r}; allowed: an integer ≥ 0")
    return int(value)


def _checked_history(history: Mapping[str, Any], epoch: int) -> dict[str, np.ndarray]:
    """HISTORY_COLUMNS, epoch + 1 entries each; or, for a thinned history (history.py), fewer
    rows with an EPOCH_COLUMN of strictly increasing epochs from 0 to ``epoch``."""
    names = (*HISTORY_COLUMNS, *([EPOCH_COLUMN] if EPOCH_COLUMN in history else []))
    if set(history) != set(names):
        raise ValueError(f"trainer state history has columns {sorted(history)}; expected {sorted(HISTORY_COLUMNS)}")
    columns = {name: frozen(history[name]) for name in names}
    rows = epoch + 1
    if EPOCH_COLUMN in columns:
        epochs = columns[EPOCH_COLUMN]
        rows = epochs.size
        if not (rows and epochs[0] == 0 and epochs[-1] == epoch and (np.diff(epochs) > 0).all()):
            raise ValueError(f"trainer state history epochs must rise strictly from 0 to epoch {epoch}")
    for name, column in columns.items():
        if column.shape != (rows,):
            raise ValueError(f"trainer state history '{name}' has {column.size} entries; epoch {epoch} needs {rows}")
    return columns


def _bitwise_equal(a: Any, b: Any) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()
