"""The worker in its thread, driven through the GUI-thread controller, with no window."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.engine.config import Config
from playground.engine.config_edits import AddLayer, ChangeWidth, LoadPoints, ToggleFeature
from playground.engine.experiment import DIVERGED_NOT_SAVED
from tests.worker.conftest import WAIT_MS


def test_play_trains_and_lowers_the_loss_then_pause_stops(make_controller, qtbot):
    controller = make_controller(Config(dataset="circle"))
    start_loss = controller.snapshot.test_loss
    controller.play()
    qtbot.waitUntil(lambda: controller.snapshot.running and controller.snapshot.epoch >= 100, timeout=WAIT_MS)
    controller.pause()
    qtbot.waitUntil(lambda: not controller.snapshot.running, timeout=WAIT_MS)
    paused_epoch = controller.snapshot.epoch
    assert controller.snapshot.test_loss < start_loss
    # A step after the pause shows exactly one more epoch: nothing ran in between.
    controller.step()
    qtbot.waitUntil(lambda: controller.snapshot.epoch == paused_epoch + 1, timeout=WAIT_MS)


def test_step_advances_exactly_one_epoch_and_reset_returns_to_zero(make_controller, qtbot):
    controller = make_controller()
    initial = [w.copy() for w in controller.snapshot.weights]
    for expected in (1, 2, 3):
        controller.step()
        qtbot.waitUntil(lambda: controller.snapshot.epoch == expected, timeout=WAIT_MS)
    controller.reset()
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 0, timeout=WAIT_MS)
    assert controller.snapshot.history_reset
    for before, after in zip(initial, controller.snapshot.weights):
        np.testing.assert_array_equal(before, after)


def test_history_arrives_in_increments_that_add_up(make_controller, qtbot):
    controller = make_controller()
    rows = [controller.snapshot.new_history]
    controller.snapshot_changed.connect(lambda s: rows.append(s.new_history))
    controller.play()
    qtbot.waitUntil(lambda: controller.snapshot.epoch >= 300, timeout=WAIT_MS)
    controller.pause()
    qtbot.waitUntil(lambda: not controller.snapshot.running, timeout=WAIT_MS)
    total = np.concatenate(rows)
    assert len(total) == controller.snapshot.epoch + 1  # entry 0 = before training
    assert total[-1, 0] == pytest.approx(controller.snapshot.train_loss)


def test_learning_rate_change_mid_run_keeps_the_weights(make_controller, qtbot):
    controller = make_controller()
    controller.step()
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 1, timeout=WAIT_MS)
    weights = [w.copy() for w in controller.snapshot.weights]
    # Three changes sent before any snapshot comes back: each applies to the config in force.
    controller.set_value("learning_rate", 0.1)
    controller.set_value("regularization", "l2")
    controller.set_value("optimizer", "adam")
    qtbot.waitUntil(lambda: controller.snapshot.config.optimizer == "adam", timeout=WAIT_MS)
    config = controller.snapshot.config
    assert (config.learning_rate, config.regularization, config.optimizer) == (0.1, "l2", "adam")
    assert controller.snapshot.epoch == 1
    for before, after in zip(weights, controller.snapshot.weights):
        np.testing.assert_array_equal(before, after)


def test_architecture_change_rebuilds_and_keeps_running(make_controller, qtbot):
    controller = make_controller()
    controller.play()
    qtbot.waitUntil(lambda: controller.snapshot.epoch >= 50, timeout=WAIT_MS)
    controller.set_value("hidden", [3, 3, 2])
    qtbot.waitUntil(lambda: controller.snapshot.layer_sizes == (2, 3, 3, 2, 1), timeout=WAIT_MS)
    assert controller.snapshot.running
    controller.pause()


def test_divergence_pauses_with_a_message(make_controller, qtbot):
    controller = make_controller(Config(problem="regression", dataset="plane", learning_rate=10, hidden=[8, 8, 8]))
    controller.play()
    qtbot.waitUntil(lambda: controller.snapshot.diverged and not controller.snapshot.running, timeout=WAIT_MS)
    assert "learning rate" in controller.snapshot.message.lower()
    assert np.isnan(controller.snapshot.output_map).any()


def test_editing_a_weight_changes_the_output_map(make_controller, qtbot):
    controller = make_controller()
    before = controller.snapshot.output_map.copy()
    controller.set_weight(2, 0, 0, 5.0)  # the weight from hidden neuron 0 of layer 2 to the output
    qtbot.waitUntil(lambda: controller.snapshot.weights[2][0, 0] == 5.0, timeout=WAIT_MS)
    assert not np.allclose(before, controller.snapshot.output_map)
    controller.set_bias(2, 0, -0.75)
    qtbot.waitUntil(lambda: controller.snapshot.biases[2][0] == -0.75, timeout=WAIT_MS)


def test_trace_point_traces_that_sample(make_controller, qtbot):
    controller = make_controller()
    controller.set_trace_point(1.0, -2.0, 1.0)
    qtbot.waitUntil(lambda: controller.snapshot.trace is not None, timeout=WAIT_MS)
    assert controller.snapshot.trace.point == (1.0, -2.0)
    controller.clear_trace_point()
    qtbot.waitUntil(lambda: controller.snapshot.trace is None, timeout=WAIT_MS)


def test_a_bad_experiment_file_fails_and_changes_nothing(make_controller, qtbot, tmp_path):
    controller = make_controller()
    controller.step()
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 1, timeout=WAIT_MS)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "playground-experiment", "version": 1, "config": {', encoding="utf-8")
    with qtbot.waitSignal(controller.failed, timeout=WAIT_MS) as failure:
        controller.load_experiment(str(bad))
    assert "bad.json" in failure.args[0]
    controller.step()
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 2, timeout=WAIT_MS)


def test_save_then_load_restores_the_experiment(make_controller, qtbot, tmp_path):
    controller = make_controller()
    for expected in (1, 2):
        controller.step()
        qtbot.waitUntil(lambda: controller.snapshot.epoch == expected, timeout=WAIT_MS)
    path = str(tmp_path / "run.json")
    with qtbot.waitSignal(controller.saved, timeout=WAIT_MS):
        controller.save_experiment(path)
    controller.reset()
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 0, timeout=WAIT_MS)
    controller.load_experiment(path)
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 2, timeout=WAIT_MS)


def test_shutdown_while_running_stops_the_thread(make_controller, qtbot):
    controller = make_controller()
    controller.play()
    qtbot.waitUntil(lambda: controller.snapshot.running, timeout=WAIT_MS)
    controller.shutdown()
    controller.shutdown()  # idempotent
    assert not controller.thread_running


def test_two_quick_neuron_clicks_add_two_neurons(make_controller, qtbot):
    controller = make_controller()
    controller.play()  # while running, as a learner clicks
    controller.edit(ChangeWidth(0, +1))
    controller.edit(ChangeWidth(0, +1))
    qtbot.waitUntil(lambda: controller.snapshot.config.hidden == (6, 2), timeout=WAIT_MS)
    controller.edit(ToggleFeature("x1_squared"))
    controller.edit(ToggleFeature("x2_squared"))
    controller.edit(AddLayer())
    qtbot.waitUntil(lambda: controller.snapshot.config.hidden == (6, 2, 2), timeout=WAIT_MS)
    assert controller.snapshot.config.features == ("x1", "x2", "x1_squared", "x2_squared")
    controller.pause()


def test_repicking_the_problem_type_keeps_a_loaded_csv(make_controller, qtbot, tmp_path):
    points = tmp_path / "mine.csv"
    points.write_text("x,y,label\n" + "".join(f"{i % 5},{i // 5},{1 if i % 2 else -1}\n" for i in range(20)), encoding="utf-8")
    controller = make_controller()
    controller.set_value("dataset", str(points))
    qtbot.waitUntil(lambda: controller.snapshot.config.dataset == str(points), timeout=WAIT_MS)
    version = controller.snapshot.data_version
    controller.set_value("problem", "classification")  # the problem already in force
    controller.step()
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 1, timeout=WAIT_MS)
    assert controller.snapshot.config.dataset == str(points)
    assert controller.snapshot.data_version == version


def test_after_divergence_step_does_not_train_and_save_is_refused(make_controller, qtbot, tmp_path):
    controller = make_controller(Config(problem="regression", dataset="plane", learning_rate=10, hidden=[8, 8, 8]))
    controller.play()
    qtbot.waitUntil(lambda: controller.snapshot.diverged and not controller.snapshot.running, timeout=WAIT_MS)
    epoch, serial = controller.snapshot.epoch, controller.snapshot.serial
    controller.step()
    qtbot.waitUntil(lambda: controller.snapshot.serial > serial, timeout=WAIT_MS)
    assert controller.snapshot.epoch == epoch
    path = tmp_path / "diverged.json"
    with qtbot.waitSignal(controller.failed, timeout=WAIT_MS) as failure:
        controller.save_experiment(str(path))
    assert failure.args[0] == DIVERGED_NOT_SAVED.format(path=path)
    assert not path.exists()


def test_an_edited_weight_and_new_points_are_measured_at_once(make_controller, qtbot):
    controller = make_controller()
    for expected in (1, 2):
        controller.step()
        qtbot.waitUntil(lambda: controller.snapshot.epoch == expected, timeout=WAIT_MS)
    rows = [controller.snapshot.new_history]
    controller.snapshot_changed.connect(lambda s: rows.append((s.history_start, s.new_history)))
    loss = controller.snapshot.train_loss
    controller.set_weight(2, 0, 0, 5.0)
    qtbot.waitUntil(lambda: controller.snapshot.weights[2][0, 0] == 5.0, timeout=WAIT_MS)
    assert controller.snapshot.epoch == 2 and controller.snapshot.train_loss != loss
    start, again = rows[-1]
    assert start == 2 and again[-1, 0] == controller.snapshot.train_loss  # the drawn row is replaced
    loss, version = controller.snapshot.test_loss, controller.snapshot.data_version
    controller.regenerate()
    qtbot.waitUntil(lambda: controller.snapshot.data_version != version, timeout=WAIT_MS)
    assert controller.snapshot.epoch == 2 and controller.snapshot.test_loss != loss


def test_loading_the_same_csv_again_reads_it_again(make_controller, qtbot, tmp_path):
    path = tmp_path / "mine.csv"
    rows = "".join(f"{i % 5},{i // 5},{1 if i % 2 else -1}\n" for i in range(20))
    path.write_text("x,y,label\n" + rows, encoding="utf-8")
    controller = make_controller()
    controller.edit(LoadPoints(str(path)))
    qtbot.waitUntil(lambda: controller.snapshot.config.dataset == str(path), timeout=WAIT_MS)
    version = controller.snapshot.data_version
    path.write_text("x,y,label\n" + rows.replace(",-1\n", ",1\n", 3), encoding="utf-8")  # the learner fixes labels
    controller.edit(LoadPoints(str(path)))
    qtbot.waitUntil(lambda: controller.snapshot.data_version != version, timeout=WAIT_MS)
    labels = np.concatenate([controller.snapshot.train_points[:, 2], controller.snapshot.test_points[:, 2]])
    assert (labels == 1).sum() == 13


def test_drawn_points_join_the_running_network_and_undo_redo_walk_them(make_controller, qtbot):
    from playground.engine.point_edits import AddPoints, ErasePoint

    controller = make_controller(Config(dataset="circle"))
    train = controller.snapshot.train_points.copy()
    weights = [w.copy() for w in controller.snapshot.weights]
    controller.edit_points(AddPoints(np.array([[0.25, -0.5], [1.0, 2.0]]), -1.0))
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == len(train) + 2, timeout=WAIT_MS)
    snapshot = controller.snapshot
    np.testing.assert_array_equal(snapshot.train_points[-2:], [[0.25, -0.5, -1.0], [1.0, 2.0, -1.0]])
    np.testing.assert_array_equal(snapshot.train_points[:-2], train)
    for before, after in zip(weights, snapshot.weights):  # the weights are not reset
        np.testing.assert_array_equal(before, after)
    controller.edit_points(ErasePoint(0.25, -0.5, 0.01))
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == len(train) + 1, timeout=WAIT_MS)
    controller.undo_points()
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == len(train) + 2, timeout=WAIT_MS)
    controller.undo_points()
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == len(train), timeout=WAIT_MS)
    np.testing.assert_array_equal(controller.snapshot.train_points, train)
    controller.redo_points()
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == len(train) + 2, timeout=WAIT_MS)
    # Drawing while training: the run goes on with the new points.
    controller.play()
    controller.edit_points(AddPoints(np.array([[3.0, 3.0]]), 1.0))
    qtbot.waitUntil(lambda: controller.snapshot.running and len(controller.snapshot.train_points) == len(train) + 3,
                    timeout=WAIT_MS)
    controller.pause()


def test_a_drawn_label_the_problem_does_not_have_is_refused(make_controller, qtbot):
    from playground.engine.point_edits import AddPoints

    controller = make_controller(Config(dataset="circle"))
    n = len(controller.snapshot.train_points)
    with qtbot.waitSignal(controller.failed, timeout=WAIT_MS) as failed:
        controller.edit_points(AddPoints(np.array([[0.0, 0.0]]), 0.5))
    assert "allowed: -1 or 1" in failed.args[0]
    assert len(controller.snapshot.train_points) == n


def test_an_empty_plane_measures_no_points_and_play_waits_for_a_training_point(make_controller, qtbot):
    from playground.engine.point_edits import AddPoints, ClearPoints

    controller = make_controller(Config(dataset="circle"))
    controller.edit_points(ClearPoints())
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == 0, timeout=WAIT_MS)
    snapshot = controller.snapshot
    assert len(snapshot.test_points) == 0
    assert math.isnan(snapshot.train_loss) and math.isnan(snapshot.test_loss)  # shown as "no points"
    controller.step()  # nothing to train on: no epoch
    controller.play()
    qtbot.waitUntil(lambda: controller.snapshot.running, timeout=WAIT_MS)
    controller.edit_points(AddPoints(np.array([[4.0, 4.0]]), 1.0, to_test=True))  # a test point only
    qtbot.waitUntil(lambda: len(controller.snapshot.test_points) == 1, timeout=WAIT_MS)
    assert controller.snapshot.epoch == 0 and controller.snapshot.running  # still waiting
    assert math.isnan(controller.snapshot.train_loss) and math.isfinite(controller.snapshot.test_loss)
    controller.edit_points(AddPoints(np.array([[1.0, 1.0]]), -1.0))  # the first training point
    qtbot.waitUntil(lambda: controller.snapshot.epoch > 10, timeout=WAIT_MS)
    assert math.isfinite(controller.snapshot.train_loss)
    controller.undo_points()  # the plane has no training point again: training waits
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == 0, timeout=WAIT_MS)
    epoch = controller.snapshot.epoch
    controller.edit_points(AddPoints(np.array([[-4.0, 4.0]]), 1.0, to_test=True))  # a new snapshot, same epoch
    qtbot.waitUntil(lambda: len(controller.snapshot.test_points) == 2, timeout=WAIT_MS)
    assert controller.snapshot.running and controller.snapshot.epoch == epoch
    controller.pause()
    qtbot.waitUntil(lambda: not controller.snapshot.running, timeout=WAIT_MS)
    assert controller.snapshot.epoch == epoch


def test_new_points_from_a_setting_can_be_undone_back_to_the_drawn_ones(make_controller, qtbot):
    from playground.engine.config_edits import SetValue
    from playground.engine.point_edits import AddPoints, ClearPoints

    controller = make_controller(Config(dataset="circle"))
    controller.edit_points(ClearPoints())
    controller.edit_points(AddPoints(np.array([[1.0, 2.0], [3.0, 4.0]]), 1.0))
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == 2, timeout=WAIT_MS)
    drawn = controller.snapshot.train_points.copy()
    controller.edit(SetValue("noise", 10))  # a slider touched by mistake: new circle points
    qtbot.waitUntil(lambda: controller.snapshot.config.noise == 10, timeout=WAIT_MS)
    assert len(controller.snapshot.train_points) == 250
    controller.undo_points()
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == 2, timeout=WAIT_MS)
    np.testing.assert_array_equal(controller.snapshot.train_points, drawn)
    controller.regenerate()
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == 250, timeout=WAIT_MS)
    controller.undo_points()
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == 2, timeout=WAIT_MS)
    # Points whose labels a new problem does not have are not brought back into it.
    controller.edit(SetValue("problem", "multiclass"))
    qtbot.waitUntil(lambda: controller.snapshot.config.problem == "multiclass", timeout=WAIT_MS)
    controller.undo_points()
    controller.edit_points(AddPoints(np.array([[0.0, 0.0]]), 2.0))
    qtbot.waitUntil(lambda: len(controller.snapshot.train_points) == 251, timeout=WAIT_MS)
    assert set(np.unique(controller.snapshot.train_points[:, 2])) == {0.0, 1.0, 2.0}


def test_a_traced_label_the_problem_no_longer_has_is_not_traced(make_controller, qtbot):
    from playground.engine.config_edits import SetValue

    controller = make_controller(Config.from_dict({"problem": "multiclass", "classes": 4}))
    controller.set_trace_point(1.0, 1.0, 3.0)
    qtbot.waitUntil(lambda: controller.snapshot.trace is not None, timeout=WAIT_MS)
    controller.edit(SetValue("classes", 2))  # class 3 is gone; the hover may still be in flight
    qtbot.waitUntil(lambda: controller.snapshot.config.classes == 2, timeout=WAIT_MS)
    assert controller.snapshot.trace is None
    controller.set_trace_point(1.0, 1.0, -1.0)  # a ±1 label from a binary problem: no class here either
    controller.step()
    qtbot.waitUntil(lambda: controller.snapshot.epoch == 1, timeout=WAIT_MS)
    assert controller.snapshot.trace is None
    controller.set_trace_point(1.0, 1.0, 1.0)
    qtbot.waitUntil(lambda: controller.snapshot.trace is not None, timeout=WAIT_MS)
