"""The loss history keeps bounded memory on a run of any length, and files carry it exactly."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import history as history_module
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.experiment import load_experiment, save_experiment
from playground.engine.history import EPOCH_COLUMN, History
from playground.engine.trainer import Trainer
from playground.worker.snapshot_builder import SnapshotBuilder


def test_rows_are_epochs_until_the_cap_then_every_second_row_goes():
    history = History(capacity=4, max_rows=8)
    for epoch in range(8):
        history.append(epoch, -epoch, np.nan, np.nan)
    assert not history.thinned and history.version == 0
    np.testing.assert_array_equal(history.epochs(), np.arange(8))
    for epoch in range(8, 40):
        history.append(epoch, -epoch, np.nan, np.nan)
        assert len(history) <= 8
    epochs = history.epochs()
    assert history.thinned and history.version > 0
    assert epochs[0] == 0 and epochs[-1] == 39 and (np.diff(epochs) > 0).all()
    np.testing.assert_array_equal(history.column("train_loss"), epochs)  # each row still its own epoch's
    assert set(history.to_columns()) == {"train_loss", "test_loss", "train_accuracy", "test_accuracy", EPOCH_COLUMN}


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(history_module, "MAX_ROWS", 16)


def test_a_long_run_keeps_at_most_the_cap_and_continues_exactly_through_a_file(small_cap, tmp_path):
    config = Config(dataset="xor", optimizer="adam")
    straight = Trainer(config, make_data(config))
    straight.train(100)
    assert len(straight.history) <= 16 and straight.history.thinned
    halfway = Trainer(config, make_data(config))
    halfway.train(60)
    path = tmp_path / "long.json"
    save_experiment(halfway, path)
    loaded = load_experiment(path)
    np.testing.assert_array_equal(loaded.history.epochs(), halfway.history.epochs())
    loaded.train(40)
    assert loaded.state().is_identical_to(straight.state())


def test_a_thinning_restarts_the_views_curve_with_every_row_and_its_epoch(small_cap):
    config = Config()
    trainer = Trainer(config, make_data(config))
    builder = SnapshotBuilder()
    builder.build(trainer, running=True, epochs_per_second=0.0)
    trainer.train(15)
    grown = builder.build(trainer, running=True, epochs_per_second=0.0)
    assert not grown.history_reset and len(grown.new_history) == 15
    trainer.train(1)  # the 17th row: the history thins
    thinned = builder.build(trainer, running=True, epochs_per_second=0.0)
    assert thinned.history_reset and len(thinned.new_history) == len(trainer.history) <= 16
    np.testing.assert_array_equal(thinned.history_epochs, trainer.history.epochs())
    assert thinned.history_start == 0 and thinned.history_epochs[-1] == 16
