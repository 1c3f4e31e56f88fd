"""TrainerState: a frozen copy of everything continuation needs; Trainer.from_state(t.state())
trains bit-identically to t, and neither the state nor a second trainer from it is disturbed."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.history import HISTORY_COLUMNS
from playground.engine.trainer import Trainer
from playground.engine.trainer_state import TrainerState


def new_trainer(**changes: Any) -> Trainer:
    config = Config(**changes)
    return Trainer(config, make_data(config))


L1 = dict(regularization="l1", regularization_rate=0.01, batch_size=7, dataset="xor", hidden=(6, 4),
          features=("x1", "x2", "x1_x2"))
# Batch 7 over 250 (or 600) training points leaves 5 examples pending at every epoch's end.
CASES = {
    "sgd": dict(batch_size=7, learning_rate=0.1),
    "momentum-l1": dict(optimizer="momentum", **L1),
    "adam-l1": dict(optimizer="adam", **L1),
    "adam-l2-regression": dict(problem="regression", dataset="multigauss", optimizer="adam",
                               regularization="l2", regularization_rate=0.01, batch_size=7),
}


@pytest.mark.parametrize("changes", CASES.values(), ids=CASES.keys())
def test_from_state_continues_bit_identically(changes: dict[str, Any]) -> None:
    original = new_trainer(**changes)
    original.train(10)
    state = original.state()
    assert state.pending_count > 0 and state.last_count > 0
    if changes.get("regularization") == "l1":
        assert state.dead.any(), "the L1 cases should have dead weights in the state"
    copy = Trainer.from_state(state)
    assert copy.state().is_identical_to(state)
    for _ in range(15):
        a, b = original.train_epoch(), copy.train_epoch()
        assert a == b
    assert copy.state().is_identical_to(original.state())
    np.testing.assert_array_equal(copy.last_gradient(), original.last_gradient())
    if changes.get("regularization") == "l1":
        assert original.dead_mask().sum() > state.dead.sum(), "more weights should die after the state"


def test_two_trainers_from_one_state_are_independent() -> None:
    trainer = new_trainer(optimizer="adam", **L1)
    trainer.train(5)
    state = trainer.state()
    a, b = Trainer.from_state(state), Trainer.from_state(state)
    a.set_hyperparameters(learning_rate=0.3)
    a.train(5)
    assert b.state().is_identical_to(state), "training one trainer moved the other"
    b.train(5)
    assert not np.array_equal(a.network.params, b.network.params)
    trainer.train(5)
    assert b.state().is_identical_to(trainer.state())


def test_state_never_changes_after_it_is_made() -> None:
    trainer = new_trainer(optimizer="momentum", **L1)
    trainer.train(3)
    state = trainer.state()
    before = Trainer.from_state(state).state()
    trainer.train(4)
    trainer.set_parameter(0, 0, 0, 5.0)
    trainer.set_data(make_data(trainer.config, generation=1))
    Trainer.from_state(state).train(3)
    assert state.is_identical_to(before)
    assert state.epoch == 3 and len(state.history["train_loss"]) == 4


def test_state_is_frozen() -> None:
    state = new_trainer(optimizer="adam").state()
    arrays = [state.params, state.dead, state.pending_sum, state.last_sum, state.data.train, state.data.test,
              *state.history.values(), state.optimizer["m"], state.optimizer["v"]]
    for array in arrays:
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.epoch = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        state.history["train_loss"] = np.zeros(1)  # type: ignore[index]
    with pytest.raises(TypeError):
        state.optimizer["t"] = 3  # type: ignore[index]


def test_state_copies_what_it_is_made_from() -> None:
    trainer = new_trainer()
    params = trainer.network.params.copy()
    fields = {f.name: getattr(trainer.state(), f.name) for f in dataclasses.fields(TrainerState)}
    mine = np.array(params)
    state = TrainerState(**{**fields, "params": mine})
    mine[:] = 7.0
    np.testing.assert_array_equal(state.params, params)
    assert mine.flags.writeable, "the caller's array must stay the caller's"


def test_state_fields() -> None:
    trainer = new_trainer(hidden=(3,), optimizer="momentum")
    trainer.train(2)
    state = trainer.state()
    n = trainer.network.size
    assert state.n_params == n and state.layer_sizes == (2, 3, 1)
    assert state.params.shape == state.dead.shape == state.pending_sum.shape == state.last_sum.shape == (n,)
    assert state.dead.dtype == bool and not state.dead.any()
    assert set(state.optimizer) == {"velocity"} and state.optimizer["velocity"].shape == (n,)
    assert set(state.history) == set(HISTORY_COLUMNS)
    np.testing.assert_array_equal(state.history["test_loss"], trainer.history.column("test_loss"))
    np.testing.assert_array_equal(state.last_sum / state.last_count, trainer.last_gradient())


def _fields(state: TrainerState) -> dict[str, Any]:
    return {f.name: getattr(state, f.name) for f in dataclasses.fields(TrainerState)}


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda f: {"params": f["params"][:-1]}, "'params' has shape"),
        (lambda f: {"dead": np.zeros(3, dtype=bool)}, "'dead' has shape"),
        (lambda f: {"pending_count": -1}, "'pending_count' is -1"),
        (lambda f: {"epoch": 1.5}, "'epoch' is 1.5"),
        (lambda f: {"epoch": 4}, "history 'train_loss' has"),
        (lambda f: {"history": {"train_loss": f["history"]["train_loss"]}}, "history has columns"),
        (lambda f: {"optimizer": {"velocity": np.zeros(f["params"].size)}}, "adam optimizer state has keys"),
    ],
    ids=["params", "dead", "count", "epoch-type", "history-length", "history-columns", "optimizer"],
)
def test_inconsistent_state_is_refused_in_one_line(change: Any, needle: str) -> None:
    fields = _fields(new_trainer(optimizer="adam").state())
    with pytest.raises(ValueError) as info:
        TrainerState(**{**fields, **change(fields)})
    assert needle in str(info.value) and "\n" not in str(info.value)


# ---------------------------------------------------------------- read-only accessors

def test_accessors_give_copies_or_read_only_views() -> None:
    trainer = new_trainer(**L1)
    trainer.train(3)
    dead = trainer.dead_mask()
    dead[:] = True
    assert not trainer.dead_mask().all()
    gradient = trainer.last_gradient()
    gradient[:] = 0.0
    assert trainer.last_gradient().any()
    with pytest.raises(ValueError, match="read-only"):
        trainer.pending_grad[0] = 1.0
    np.testing.assert_array_equal(trainer.pending_grad, trainer.state().pending_sum)


def test_training_internals_are_private() -> None:
    # Experiment files, snapshots and checkpoints read the trainer through state() and accessors.
    trainer = new_trainer()
    for name in ("alive", "grad_sum", "grad_count", "pending_count", "optimizer"):
        assert not hasattr(trainer, name), name
