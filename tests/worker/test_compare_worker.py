"""The comparison worker: forked from the main run, trained in step, diverged sides, keeping one."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.history import EPOCH_COLUMN
from playground.engine.trainer import Trainer
from playground.worker.compare_controller import CompareController

WAIT_MS = 20_000


@pytest.fixture
def forked(make_controller, qtbot):
    """A main run trained a little, paused, and its fork state."""

    def fork(config: Config | None = None, epochs: int = 5):
        main = make_controller(config)
        for _ in range(epochs):
            main.step()
        qtbot.waitUntil(lambda: main.snapshot.epoch == epochs, timeout=WAIT_MS)
        with qtbot.waitSignal(main.fork_taken, timeout=WAIT_MS) as taken:
            main.take_fork()
        return main, taken.args[0]

    return fork


@pytest.fixture
def make_compare(qtbot):
    made = []

    def make(state) -> CompareController:
        controller = CompareController(state)
        made.append(controller)
        qtbot.waitUntil(lambda: controller.snapshot is not None, timeout=WAIT_MS)
        return controller

    yield make
    for controller in made:
        controller.shutdown()
        assert not controller.thread_running


def test_the_fork_is_the_main_run_at_its_epoch(forked, make_compare):
    main, state = forked(epochs=5)
    assert state.epoch == 5 and not main.snapshot.running
    compare = make_compare(state)
    a, b = compare.snapshot.sides
    assert compare.snapshot.fork_epoch == 5 and a.epoch == b.epoch == 5
    for mine, theirs in zip(a.weights + b.weights, main.snapshot.weights * 2):
        np.testing.assert_array_equal(mine, theirs)


def test_sides_train_in_step_and_unchanged_a_continues_the_main_run_exactly(forked, make_compare, qtbot):
    main, state = forked(Config(optimizer="momentum", batch_size=7), epochs=3)
    compare = make_compare(state)
    compare.set_value(1, "learning_rate", 0.3)
    compare.set_value(1, "activation", "relu")
    compare.play()
    qtbot.waitUntil(lambda: min(s.epoch for s in compare.snapshot.sides) >= 60, timeout=WAIT_MS)
    compare.pause()
    qtbot.waitUntil(lambda: not compare.snapshot.running, timeout=WAIT_MS)
    a, b = compare.snapshot.sides
    assert a.epoch == b.epoch
    assert (b.config.learning_rate, b.config.activation) == (0.3, "relu")
    with qtbot.waitSignal(compare.side_taken, timeout=WAIT_MS) as taken:
        compare.take_side(0)
    side, a_state = taken.args
    alone = Trainer.from_state(state)  # the main run continued headless from the same moment
    alone.train(a.epoch - 3)
    assert side == 0 and a_state.epoch == alone.epoch
    np.testing.assert_array_equal(a_state.params, alone.network.params)
    trained = a.epoch - 3
    own = a_state.history["train_loss"][-trained:]
    np.testing.assert_array_equal(own, alone.history.column("train_loss")[-trained:])  # bit-identical losses
    assert not np.array_equal(a.train_loss, b.train_loss)


def test_a_diverged_side_stops_while_the_other_goes_on(forked, make_compare, qtbot):
    _, state = forked(Config(problem="regression", dataset="plane", hidden=(8, 8, 8)), epochs=1)
    compare = make_compare(state)
    compare.set_value(1, "learning_rate", 10.0)
    compare.play()
    qtbot.waitUntil(lambda: compare.snapshot.sides[1].diverged, timeout=WAIT_MS)
    stopped_at = compare.snapshot.sides[1].epoch
    qtbot.waitUntil(lambda: compare.snapshot.sides[0].epoch >= stopped_at + 200, timeout=WAIT_MS)
    assert compare.snapshot.running and compare.snapshot.sides[1].epoch == stopped_at
    assert "learning rate" in compare.snapshot.sides[1].message.lower()
    with qtbot.waitSignal(compare.failed, timeout=WAIT_MS) as failure:
        compare.take_side(1)
    assert "diverged" in failure.args[0]


def test_both_diverged_pauses(forked, make_compare, qtbot):
    _, state = forked(Config(problem="regression", dataset="plane", hidden=(8, 8, 8), learning_rate=10.0), epochs=0)
    compare = make_compare(state)
    compare.play()
    qtbot.waitUntil(lambda: all(s.diverged for s in compare.snapshot.sides) and not compare.snapshot.running,
                    timeout=WAIT_MS)


def test_reset_brings_both_back_to_the_fork_with_their_settings(forked, make_compare, qtbot):
    _, state = forked(epochs=2)
    compare = make_compare(state)
    compare.set_value(0, "optimizer", "adam")
    for _ in range(4):
        compare.step()
    qtbot.waitUntil(lambda: compare.snapshot.sides[0].epoch == 6, timeout=WAIT_MS)
    compare.reset()
    qtbot.waitUntil(lambda: compare.snapshot.sides[0].epoch == 2, timeout=WAIT_MS)
    a, b = compare.snapshot.sides
    assert a.history_reset and b.epoch == 2 and a.config.optimizer == "adam"
    np.testing.assert_array_equal(a.weights[0], b.weights[0])


def test_a_refused_setting_changes_nothing(forked, make_compare, qtbot):
    _, state = forked(epochs=1)
    compare = make_compare(state)
    with qtbot.waitSignal(compare.failed, timeout=WAIT_MS) as failure:
        compare.set_value(0, "learning_rate", -1.0)
    assert failure.args[0].startswith("side A: ") and compare.snapshot.sides[0].config.learning_rate == 0.03
    with qtbot.waitSignal(compare.failed, timeout=WAIT_MS) as failure:
        compare.set_value(1, "hidden", (2,))
    assert "same for both sides" in failure.args[0]


def test_adopting_a_side_joins_its_history_to_the_main_runs(forked, make_compare, qtbot):
    main, state = forked(epochs=4)
    alone = Trainer(Config(), make_data(Config()))  # the main run, headless
    alone.train(4)
    compare = make_compare(state)
    compare.set_value(1, "learning_rate", 0.1)
    for _ in range(3):
        compare.step()
    qtbot.waitUntil(lambda: compare.snapshot.sides[1].epoch == 7, timeout=WAIT_MS)
    with qtbot.waitSignal(compare.side_taken, timeout=WAIT_MS) as taken:
        compare.take_side(1)
    kept = taken.args[1]
    assert EPOCH_COLUMN in kept.history  # the side's own: the main run's first row, then the fork on
    main.adopt_state(kept, state.epoch)
    qtbot.waitUntil(lambda: main.snapshot.epoch == 7, timeout=WAIT_MS)
    snap = main.snapshot
    assert snap.config.learning_rate == 0.1 and snap.history_reset and not snap.running
    np.testing.assert_array_equal(snap.history_epochs, np.arange(8))
    np.testing.assert_array_equal(snap.new_history[:4, 0], alone.history.column("train_loss")[:4])
    np.testing.assert_array_equal(snap.weights[0], compare.snapshot.sides[1].weights[0])
    assert list(snap.checkpoint_epochs) == [0, 1, 2, 3, 7]  # the shared past before the fork, then B's run
    main.step()  # and it trains on from there
    qtbot.waitUntil(lambda: main.snapshot.epoch == 8, timeout=WAIT_MS)



def test_shutdown_while_training_stops_the_thread_and_may_be_repeated(forked, make_compare, qtbot):
    _, state = forked(epochs=1)
    compare = make_compare(state)
    compare.play()
    qtbot.waitUntil(lambda: compare.snapshot.running and compare.snapshot.sides[0].epoch > 50, timeout=WAIT_MS)
    compare.shutdown()
    assert not compare.thread_running
    compare.shutdown()
