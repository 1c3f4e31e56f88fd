"""engine/compare.py: the fork of runs A and B, and a kept side joined to the run it forked from."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.checkpoints import checkpoint_of
from playground.engine.compare import fork, joined_state
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.history import EPOCH_COLUMN, HISTORY_COLUMNS, History
from playground.engine.trainer import Trainer


def trained(epochs: int, config: Config | None = None) -> Trainer:
    config = config or Config(dataset="xor", optimizer="momentum", batch_size=7)
    trainer = Trainer(config, make_data(config))
    trainer.train(epochs)
    return trainer


@pytest.mark.parametrize("fork_epoch", [0, 1, 6])
def test_a_kept_side_reads_as_one_run_from_epoch_zero(fork_epoch):
    main = trained(fork_epoch)
    side = fork(checkpoint_of(main), main.config.replace(learning_rate=0.1))
    side.train(4)
    joined = Trainer.from_state(joined_state(side.state(), main.history, fork_epoch))
    assert joined.epoch == fork_epoch + 4 and not joined.history.thinned
    for name in ("train_loss", "test_loss"):
        column = joined.history.column(name)
        np.testing.assert_array_equal(column[:fork_epoch], main.history.column(name)[:fork_epoch])
        np.testing.assert_array_equal(column[fork_epoch:], side.history.column(name)[-5:])
    np.testing.assert_array_equal(joined.network.params, side.network.params)
    assert joined.config.learning_rate == 0.1


def test_an_unchanged_side_continues_the_run_bit_identically():
    main = trained(5)
    side = fork(checkpoint_of(main), main.config)
    side.train(30)
    main.train(30)
    np.testing.assert_array_equal(side.network.params, main.network.params)
    np.testing.assert_array_equal(side.history.column("test_loss")[-30:], main.history.column("test_loss")[-30:])


def test_another_activation_keeps_the_weights_and_measures_again():
    main = trained(3)
    side = fork(checkpoint_of(main), main.config.replace(activation="relu"))
    np.testing.assert_array_equal(side.network.params, main.network.params)
    assert side.history.last("train_loss") != main.history.last("train_loss")
    assert side.config == main.config.replace(activation="relu")


def test_a_thinned_history_before_the_fork_keeps_its_epochs():
    main = trained(9)
    thinned = History(max_rows=4)
    for row in zip(*(main.history.column(name) for name in HISTORY_COLUMNS)):
        thinned.append(*row)
    assert thinned.thinned
    side = fork(checkpoint_of(main), main.config)
    side.train(2)
    state = joined_state(side.state(), thinned, 9)
    epochs = np.asarray(state.history[EPOCH_COLUMN])
    assert epochs[0] == 0 and list(epochs[-3:]) == [9, 10, 11] and (np.diff(epochs) > 0).all()
    assert Trainer.from_state(state).epoch == 11
