"""Scrub and branch through the controller: checkpoints kept while training, asked for, branched
from, continued and undone, with the worker in its thread."""

from __future__ import annotations

import numpy as np

from playground.engine.checkpoints import DENSITY, checkpoint_of, is_due
from playground.engine.config import Config
from playground.engine.config_edits import SetValue
from playground.engine.data import make_data
from playground.engine.network import Network
from playground.engine.trainer import Trainer
from playground.worker.controller import TrainingController
from tests.worker.conftest import WAIT_MS


def train_paused(controller: TrainingController, qtbot, epochs: int) -> int:
    controller.play()
    qtbot.waitUntil(lambda: controller.snapshot.epoch >= epochs, timeout=WAIT_MS)
    controller.pause()
    qtbot.waitUntil(lambda: not controller.snapshot.running, timeout=WAIT_MS)
    return controller.snapshot.epoch


def ask(controller: TrainingController, qtbot, epoch: int):
    with qtbot.waitSignal(controller.checkpoint_ready, timeout=WAIT_MS) as blocker:
        controller.request_checkpoint(epoch)
    return blocker.args[0]


def test_training_keeps_a_checkpoint_at_every_due_epoch(make_controller, qtbot):
    controller = make_controller()
    assert list(controller.snapshot.checkpoint_epochs) == [0]
    last = train_paused(controller, qtbot, 2 * DENSITY + 100)
    epochs = controller.snapshot.checkpoint_epochs
    expected = [e for e in range(last + 1) if is_due(e, DENSITY)]
    assert list(epochs) == expected  # every call of the kernel stopped exactly where one was due


def test_a_checkpoint_is_the_state_an_uninterrupted_run_had(make_controller, qtbot):
    config = Config(dataset="xor", optimizer="momentum")
    controller = make_controller(config)
    train_paused(controller, qtbot, 50)
    state = ask(controller, qtbot, 37)
    assert state.epoch == 37
    reference = Trainer(config, make_data(config))
    reference.train(37)
    assert state.is_identical_to(checkpoint_of(reference))  # history: the rows of epochs 0 and 37


def test_branch_continue_and_undo(make_controller, qtbot):
    config = Config(dataset="circle")
    controller = make_controller(config)
    last = train_paused(controller, qtbot, 300)
    weights_at_end = [w.copy() for w in controller.snapshot.weights]
    with qtbot.waitSignal(controller.branched, timeout=WAIT_MS) as blocker:
        controller.branch_from(101)  # nearest kept: 101 (every epoch below 2D = 512)
    assert blocker.args == [101]
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 101, timeout=WAIT_MS)
    snapshot = controller.snapshot
    assert snapshot.history_reset and len(snapshot.new_history) == 102  # epochs 0..101, the rest cut
    assert snapshot.checkpoint_epochs[-1] == 101
    # Continuing the branch goes exactly the way the first run went.
    reference = Trainer(config, make_data(config))
    reference.train(150)
    controller.step()  # one epoch, then play on a little
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 102, timeout=WAIT_MS)
    train_paused(controller, qtbot, 150)
    state = ask(controller, qtbot, 150)
    assert state.epoch == 150
    np.testing.assert_array_equal(state.params, reference.network.params)
    # Undo brings the run before the branch back, with its later checkpoints.
    with qtbot.waitSignal(controller.branch_undone, timeout=WAIT_MS) as undone:
        controller.undo_branch()
    assert undone.args == [last]
    qtbot.waitUntil(lambda: controller.snapshot.epoch == last, timeout=WAIT_MS)
    for before, after in zip(weights_at_end, controller.snapshot.weights):
        np.testing.assert_array_equal(before, after)
    assert controller.snapshot.checkpoint_epochs[-1] <= last and len(controller.snapshot.new_history) == last + 1
    with qtbot.waitSignal(controller.failed, timeout=WAIT_MS) as failed:
        controller.undo_branch()  # only one undo
    assert "no branch to undo" in failed.args[0]


def test_an_edit_at_a_kept_epoch_replaces_its_checkpoint(make_controller, qtbot):
    controller = make_controller()
    controller.step()
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 1, timeout=WAIT_MS)
    controller.set_weight(0, 0, 0, 0.75)
    qtbot.waitUntil(lambda: controller.snapshot.weights[0][0, 0] == 0.75, timeout=WAIT_MS)
    assert ask(controller, qtbot, 1).params[0] == 0.75
    controller.set_value("learning_rate", 0.1)
    qtbot.waitUntil(lambda: controller.snapshot.config.learning_rate == 0.1, timeout=WAIT_MS)
    assert ask(controller, qtbot, 1).config.learning_rate == 0.1


def test_reset_and_a_new_network_start_a_new_store_and_drop_the_undo(make_controller, qtbot):
    controller = make_controller()
    train_paused(controller, qtbot, 40)
    controller.branch_from(20)
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 20, timeout=WAIT_MS)
    controller.edit(SetValue("hidden", (3,)))
    qtbot.waitUntil(lambda: controller.snapshot.layer_sizes[1:-1] == (3,), timeout=WAIT_MS)
    assert list(controller.snapshot.checkpoint_epochs) == [0]
    with qtbot.waitSignal(controller.failed, timeout=WAIT_MS):
        controller.undo_branch()
    train_paused(controller, qtbot, 10)
    controller.reset()
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 0, timeout=WAIT_MS)
    assert list(controller.snapshot.checkpoint_epochs) == [0]


def test_branching_before_a_divergence_recovers_the_run(make_controller, qtbot):
    controller = make_controller(Config(problem="regression", dataset="plane", learning_rate=10, hidden=[8, 8, 8]))
    controller.play()
    qtbot.waitUntil(lambda: controller.snapshot.diverged, timeout=WAIT_MS)
    bad = controller.snapshot.epoch
    kept = controller.snapshot.checkpoint_epochs
    assert kept[-1] < bad  # a diverged state is never kept
    controller.branch_from(0)
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 0 and not controller.snapshot.diverged, timeout=WAIT_MS)
    assert list(controller.snapshot.checkpoint_epochs) == [0]


def test_without_checkpoints_a_request_fails_in_one_line(make_controller, qtbot, monkeypatch):
    from playground.engine import checkpoints

    monkeypatch.setattr(checkpoints, "BUDGET_BYTES", 100)  # read when each run's store is made
    controller = make_controller()
    assert len(controller.snapshot.checkpoint_epochs) == 0
    with qtbot.waitSignal(controller.failed, timeout=WAIT_MS) as failed:
        controller.branch_from(0)
    assert "larger than their whole budget" in failed.args[0]
    train_paused(controller, qtbot, 20)  # training goes on, keeping nothing
    assert len(controller.snapshot.checkpoint_epochs) == 0


# ----- scrubbing: a checkpoint drawn instead of the run ---------------------------------------
def test_showing_a_checkpoint_draws_it_and_keeps_the_run(make_controller, qtbot):
    config = Config(dataset="xor")
    controller = make_controller(config)
    last = train_paused(controller, qtbot, 200)
    controller.show_checkpoint(60)
    qtbot.waitUntil(lambda: controller.snapshot.scrubbed, timeout=WAIT_MS)
    shown = controller.snapshot
    assert shown.epoch == 60 and shown.live_epoch == last and not shown.running
    assert not shown.history_reset and len(shown.new_history) == 0  # the loss curve stays the run's
    reference = Trainer(config, make_data(config))
    reference.train(60)
    for drawn, kept in zip(shown.weights, reference.network.weights):
        np.testing.assert_array_equal(drawn, kept)
    assert shown.train_loss == reference.last_result().train_loss
    controller.show_checkpoint(None)
    qtbot.waitUntil(lambda: not controller.snapshot.scrubbed, timeout=WAIT_MS)
    assert controller.snapshot.epoch == last
    controller.show_checkpoint(last + 1000)  # at or past the run's own epoch: the run itself
    controller.show_checkpoint(5)
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 5, timeout=WAIT_MS)
    controller.show_checkpoint(last + 1000)
    qtbot.waitUntil(lambda: not controller.snapshot.scrubbed, timeout=WAIT_MS)


def test_play_while_scrubbed_branches_with_the_settings_in_force(make_controller, qtbot):
    config = Config(dataset="circle")
    controller = make_controller(config)
    last = train_paused(controller, qtbot, 150)
    controller.show_checkpoint(40)
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 40, timeout=WAIT_MS)
    controller.set_value("optimizer", "adam")  # chosen while looking at epoch 40
    qtbot.waitUntil(lambda: controller.snapshot.config.optimizer == "adam", timeout=WAIT_MS)
    assert controller.snapshot.scrubbed and controller.snapshot.epoch == 40
    with qtbot.waitSignal(controller.branched, timeout=WAIT_MS) as blocker:
        controller.step()  # trains: from the checkpoint shown, with Adam
    assert blocker.args == [40]
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 41 and not controller.snapshot.scrubbed, timeout=WAIT_MS)
    reference = Trainer(config, make_data(config))
    reference.train(40)
    reference.set_hyperparameters(optimizer="adam")
    reference.train(1)
    for drawn, expected in zip(controller.snapshot.weights, reference.network.weights):
        np.testing.assert_array_equal(drawn, expected)
    assert controller.snapshot.checkpoint_epochs[-1] == 41  # the later ones were discarded
    with qtbot.waitSignal(controller.branch_undone, timeout=WAIT_MS) as undone:
        controller.undo_branch()
    assert undone.args == [last]


def test_inspecting_while_scrubbed_takes_the_network_shown(make_controller, qtbot):
    controller = make_controller(Config(dataset="gauss"))
    train_paused(controller, qtbot, 80)
    controller.show_checkpoint(12)
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 12, timeout=WAIT_MS)
    with qtbot.waitSignal(controller.state_taken, timeout=WAIT_MS) as blocker:
        controller.take_state()
    state = blocker.args[0]  # (a bare state: its epoch is not kept)
    shown = controller.snapshot
    net = Network(shown.layer_sizes, "tanh", "tanh", params=state.params)
    for taken, drawn in zip(net.weights, shown.weights):
        np.testing.assert_array_equal(taken, drawn)
    controller.regenerate()  # a change of points ends scrubbing: the run is drawn again
    qtbot.waitUntil(lambda: not controller.snapshot.scrubbed, timeout=WAIT_MS)
    assert controller.snapshot.epoch >= 80


def test_a_fork_taken_while_scrubbed_is_the_epoch_shown(make_controller, qtbot):
    config = Config(dataset="xor")
    controller = make_controller(config)
    train_paused(controller, qtbot, 120)
    controller.show_checkpoint(40)
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 40, timeout=WAIT_MS)
    with qtbot.waitSignal(controller.fork_taken, timeout=WAIT_MS) as blocker:
        controller.take_fork()
    reference = Trainer(config, make_data(config))
    reference.train(40)
    assert blocker.args[0].is_identical_to(checkpoint_of(reference))


def test_a_diverged_run_continues_from_an_earlier_epoch_with_a_lower_rate(make_controller, qtbot):
    controller = make_controller(Config(problem="regression", dataset="plane", learning_rate=10, hidden=[8, 8, 8]))
    controller.play()
    qtbot.waitUntil(lambda: controller.snapshot.diverged and not controller.snapshot.running, timeout=WAIT_MS)
    diverged_at = controller.snapshot.epoch
    controller.show_checkpoint(0)
    qtbot.waitUntil(lambda: controller.snapshot.scrubbed and controller.snapshot.epoch == 0, timeout=WAIT_MS)
    assert not controller.snapshot.diverged  # epoch 0, as it was
    controller.set_value("learning_rate", 0.03)
    qtbot.waitUntil(lambda: controller.snapshot.config.learning_rate == 0.03, timeout=WAIT_MS)
    controller.play()  # continues from epoch 0 at the lower rate
    qtbot.waitUntil(lambda: controller.snapshot.epoch >= diverged_at + 50, timeout=WAIT_MS)
    controller.pause()
    qtbot.waitUntil(lambda: not controller.snapshot.running, timeout=WAIT_MS)
    assert not controller.snapshot.diverged and controller.snapshot.train_loss < 0.05
