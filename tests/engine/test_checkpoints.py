"""The checkpoint store: its schedule, its memory budget, exact continuation, truncation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from playground.engine.checkpoints import (
    BUDGET_BYTES,
    CheckpointStore,
    branch_state,
    checkpoint_of,
    is_due,
    stride,
)
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.history import EPOCH_COLUMN, HISTORY_COLUMNS
from playground.engine.trainer import Trainer


def make_trainer(config: Config | None = None) -> Trainer:
    config = config or Config()
    return Trainer(config, make_data(config))


def at_epoch(state, epoch: int):
    """``state`` relabelled to ``epoch`` (a simulated run: the arrays do not matter here)."""
    history = {name: [0.5, 0.25] if epoch else [0.5] for name in HISTORY_COLUMNS}
    if epoch > 1:
        history[EPOCH_COLUMN] = [0.0, float(epoch)]
    return dataclasses.replace(state, epoch=epoch, history=history)


def simulate(store: CheckpointStore, state, last_epoch: int, check_budget: bool = True) -> int:
    """Add a state at every due epoch up to ``last_epoch`` as the worker does; returns the adds."""
    epoch, adds = 0, 0
    while epoch <= last_epoch:
        store.add(at_epoch(state, epoch))
        adds += 1
        if check_budget:
            assert store.nbytes <= store.budget
        epoch = store.next_due(epoch)
    return adds


def test_schedule_is_every_epoch_first_then_a_relative_gap_of_one_over_density():
    d = 8
    due = [e for e in range(200) if is_due(e, d)]
    assert due[:16] == list(range(16))  # every epoch below 2D
    assert due[16:24] == list(range(16, 32, 2))  # D per octave, stride 2, 4, 8 ...
    assert due[24:32] == list(range(32, 64, 4))
    for e in range(1, 5000):
        assert stride(e, d) <= max(1, e / d)


def test_next_due_is_the_first_due_epoch_after():
    store = CheckpointStore(density=8)
    for e in range(0, 3000):
        following = store.next_due(e)
        assert following > e and store.due(following)
        assert not any(store.due(k) for k in range(e + 1, following))


def test_density_must_be_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        CheckpointStore(density=12)


def test_a_million_epochs_on_a_small_network_stay_under_the_budget():
    store = CheckpointStore()
    state = checkpoint_of(make_trainer())
    simulate(store, state, 1_000_000)
    assert store.nbytes <= BUDGET_BYTES
    assert store.epochs()[0] == 0 and store.epochs()[-1] > 999_000
    # A default network fits easily: no thinning; every epoch below 2D = 512, D in each octave
    # up to 2^19, then the multiples of 2048 in [2^19, 10^6].
    assert store.density == 256 and len(store) == 512 + 256 * 10 + 233


def test_a_tight_budget_thins_every_octave_and_keeps_the_start():
    state = checkpoint_of(make_trainer(Config(hidden=(8, 8, 8), optimizer="adam")))
    store = CheckpointStore(budget=300_000)
    simulate(store, state, 200_000)
    epochs = store.epochs()
    assert store.density < 256 and store.nbytes <= 300_000
    assert epochs[0] == 0
    assert all(is_due(int(e), store.density) for e in epochs)
    gaps = np.diff(epochs)
    assert (gaps <= np.maximum(1, epochs[:-1] / store.density)).all()  # relative gap ≤ 1/D


def test_density_one_keeps_powers_of_two_then_drops_the_oldest():
    state = checkpoint_of(make_trainer())
    one = CheckpointStore(budget=10**9, density=1)
    simulate(one, state, 5000)
    assert list(one.epochs()) == [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
    small = CheckpointStore(budget=one.nbytes // 3)
    simulate(small, state, 5000)
    assert small.nbytes <= small.budget and small.epochs()[-1] == 4096


def test_a_state_larger_than_the_budget_is_not_kept_and_nothing_more_is_asked():
    store = CheckpointStore(budget=1000)
    store.add(checkpoint_of(make_trainer()))
    assert len(store) == 0 and store.nbytes == 0 and not store.due(0)
    with pytest.raises(LookupError):
        store.nearest(0)


def test_equal_points_are_shared_and_counted_once():
    trainer = make_trainer()
    store = CheckpointStore()
    store.add(checkpoint_of(trainer))
    one = store.nbytes
    trainer.train(1)
    store.add(checkpoint_of(trainer))
    points = trainer.data.train.nbytes + trainer.data.test.nbytes
    assert store.nbytes - one < points
    np.testing.assert_array_equal(store.nearest(1).data.train, trainer.data.train)


def test_restored_checkpoint_continues_bit_identically():
    trainer = make_trainer(Config(dataset="spiral", optimizer="adam", regularization="l1", regularization_rate=0.003))
    store = CheckpointStore(density=4)
    store.add(checkpoint_of(trainer))
    while trainer.epoch < 60:
        trainer.train(store.next_due(trainer.epoch) - trainer.epoch)
        store.add(checkpoint_of(trainer))
    assert 20 in store.epochs()
    twin = Trainer.from_state(store.nearest(20))
    reference = make_trainer(trainer.config)
    reference.train(20)
    assert twin.bare_state().is_identical_to(reference.bare_state())
    twin.train(trainer.epoch - 20)
    np.testing.assert_array_equal(twin.network.params, trainer.network.params)
    assert twin.bare_state().is_identical_to(trainer.bare_state())  # the last row measured the same too
    assert twin.epoch == trainer.epoch


def test_branch_state_cuts_the_history_back_to_the_checkpoint():
    trainer = make_trainer()
    store = CheckpointStore(density=4)
    store.add(checkpoint_of(trainer))
    while trainer.epoch < 40:
        trainer.train(store.next_due(trainer.epoch) - trainer.epoch)
        store.add(checkpoint_of(trainer))
    branched = branch_state(store.nearest(13), trainer.history)
    assert branched.epoch == 12  # nearest kept epoch to 13 (every 2 from 8)
    assert EPOCH_COLUMN not in branched.history
    for name in HISTORY_COLUMNS:
        np.testing.assert_array_equal(branched.history[name], trainer.history.column(name)[:13])
    again = Trainer.from_state(branched)
    again.train(28)
    assert again.state().is_identical_to(trainer.state())


def test_branch_state_from_a_thinned_history_keeps_its_epochs():
    trainer = make_trainer()
    trainer.history.max_rows = 16  # thins at 16 rows
    store = CheckpointStore(density=4)
    store.add(checkpoint_of(trainer))
    while trainer.epoch < 40:
        trainer.train(store.next_due(trainer.epoch) - trainer.epoch)
        store.add(checkpoint_of(trainer))
    branched = branch_state(store.nearest(32), trainer.history)
    epochs = branched.history[EPOCH_COLUMN]
    assert epochs[0] == 0 and epochs[-1] == 32 and (np.diff(epochs) > 0).all()


def test_truncate_after_and_copy():
    state = checkpoint_of(make_trainer())
    store = CheckpointStore(density=4)
    simulate(store, state, 100)
    twin = store.copy()
    store.truncate_after(20)
    assert store.epochs()[-1] == 20 and twin.epochs()[-1] > 20
    assert store.nbytes < twin.nbytes
    assert store.next_due(20) == 24
    store.add(at_epoch(state, 24))
    assert store.epochs()[-1] == 24


def test_an_earlier_epoch_is_refused_and_the_same_epoch_replaces():
    trainer = make_trainer()
    store = CheckpointStore()
    store.add(checkpoint_of(trainer))
    trainer.set_parameter(0, 0, 0, 0.5)
    store.add(checkpoint_of(trainer))
    assert len(store) == 1 and store.nearest(0).params[0] == 0.5
    trainer.train(3)
    store.add(checkpoint_of(trainer))
    with pytest.raises(ValueError, match="before the last"):
        store.add(at_epoch(checkpoint_of(trainer), 2))


def test_nearest_picks_the_closest_and_the_earlier_on_a_tie():
    state = checkpoint_of(make_trainer())
    store = CheckpointStore(density=4)
    simulate(store, state, 40)  # ... 8, 10, 12, 14, 16, 20, 24 ...
    assert store.nearest(17).epoch == 16
    assert store.nearest(18).epoch == 16
    assert store.nearest(19).epoch == 20
    assert store.nearest(10**6).epoch == store.epochs()[-1]
    assert store.nearest(-5).epoch == 0


def test_epochs_is_one_read_only_array_until_a_checkpoint_changes():
    trainer = make_trainer()
    store = CheckpointStore.for_run(trainer)
    epochs = store.epochs()
    assert store.epochs() is epochs and not epochs.flags.writeable
    trainer.train(1)
    store.keep(trainer)
    assert store.epochs() is not epochs and list(store.epochs()) == [0, 1] and list(epochs) == [0]


def test_refresh_replaces_only_a_state_kept_at_the_current_epoch():
    trainer = make_trainer()
    store = CheckpointStore.for_run(trainer, budget=10**7)
    trainer.set_parameter(0, 0, 0, 0.25)
    store.refresh(trainer)
    assert store.nearest(0).params[0] == 0.25
    store = CheckpointStore(density=1)
    store.add(checkpoint_of(trainer))
    trainer.train(3)  # epoch 3 is not due at D = 1
    store.keep(trainer)
    trainer.set_parameter(0, 0, 0, 0.5)
    store.refresh(trainer)
    assert list(store.epochs()) == [0] and store.nearest(3).params[0] == 0.25
