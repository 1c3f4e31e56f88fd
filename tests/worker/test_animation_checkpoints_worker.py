"""request_checkpoints through the controller: an animation's frames, with the worker in its thread."""

from __future__ import annotations

import numpy as np

from playground.engine.checkpoints import checkpoint_of
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.trainer import Trainer
from tests.worker.conftest import WAIT_MS
from tests.worker.test_checkpoints_worker import train_paused


def ask(controller, qtbot, first: int, last: int, max_frames: int) -> list:
    with qtbot.waitSignal(controller.checkpoints_ready, timeout=WAIT_MS) as blocker:
        controller.request_checkpoints(first, last, max_frames)
    return blocker.args[0]


def test_the_frames_are_kept_states_evenly_spread_ending_with_the_run_as_it_is(make_controller, qtbot):
    config = Config(dataset="xor")
    controller = make_controller(config)
    last = train_paused(controller, qtbot, 700)  # past 512: from there only some epochs are kept
    states = ask(controller, qtbot, 0, last, 8)
    epochs = [s.epoch for s in states]
    assert len(states) == 8 and epochs[0] == 0 and epochs[-1] == last  # the live run ends it, kept or not
    steps = np.diff(epochs)
    assert steps.max() - steps.min() <= 2  # evenly spread (every epoch below 512 is kept)
    reference = Trainer(config, make_data(config))
    reference.train(epochs[3])
    assert states[3].is_identical_to(checkpoint_of(reference))  # the state the run had then
    for got, shown in zip(Trainer.from_state(states[-1]).network.weights, controller.snapshot.weights):
        np.testing.assert_array_equal(got, shown)  # the last frame: what the window shows


def test_few_epochs_give_every_kept_one_and_none_give_an_empty_list(make_controller, qtbot):
    controller = make_controller()
    last = train_paused(controller, qtbot, 30)
    assert [s.epoch for s in ask(controller, qtbot, 10, 15, 50)] == [10, 11, 12, 13, 14, 15]
    assert ask(controller, qtbot, last + 1, last + 10, 5) == []
