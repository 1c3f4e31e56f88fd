"""The trainer as a whole: reproducibility, learning, history and the reported gradient."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.engine.backprop import accumulate_gradient
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.features import feature_matrix
from playground.engine.losses import mean_loss
from playground.engine.trainer import Trainer, evaluate


def new_trainer(**changes: object) -> Trainer:
    config = Config(**changes)
    return Trainer(config, make_data(config))


def losses(trainer: Trainer) -> tuple[np.ndarray, np.ndarray]:
    h = trainer.history
    return h.column("train_loss").copy(), h.column("test_loss").copy()


# ---------------------------------------------------------------- seeds

def test_same_seed_reproduces_data_weights_and_losses() -> None:
    a, b = new_trainer(seed=7), new_trainer(seed=7)
    np.testing.assert_array_equal(a.data.train, b.data.train)
    np.testing.assert_array_equal(a.data.test, b.data.test)
    np.testing.assert_array_equal(a.network.params, b.network.params)
    a.train(20)
    b.train(20)
    for ours, theirs in zip(losses(a), losses(b)):
        assert len(ours) == 21
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(a.network.params, b.network.params)


def test_different_seed_gives_different_data_weights_and_losses() -> None:
    a, b = new_trainer(seed=7), new_trainer(seed=8)
    assert not np.array_equal(a.data.train, b.data.train)
    assert not np.array_equal(a.network.params, b.network.params)
    a.train(20)
    b.train(20)
    assert not np.array_equal(losses(a)[0], losses(b)[0])


def test_initial_weights_follow_the_playground_init() -> None:
    net = new_trainer(seed=3).network
    assert net.layer_sizes == (2, 4, 2, 1)
    weights = net.params[net.weight_mask]
    assert np.all(np.abs(weights) <= 0.5) and np.std(weights) > 0.1
    np.testing.assert_array_equal(net.params[~net.weight_mask], 0.1)


# ---------------------------------------------------------------- learning

def test_loss_on_circle_falls_with_the_default_config() -> None:
    trainer = new_trainer()  # circle, tanh, hidden [4, 2], lr 0.03, batch 10
    assert trainer.config.dataset == "circle" and trainer.config.hidden == (4, 2)
    result = trainer.train(200)
    train, test = losses(trainer)
    assert not result.diverged and result.epoch == 200 and len(train) == 201
    assert train[200] < 0.25 * train[0] and train[200] < 0.05
    assert test[200] < 0.25 * test[0] and test[200] < 0.05
    assert np.mean(train[150:]) < np.mean(train[1:50])
    assert trainer.history.last("train_accuracy") > 0.9


# ---------------------------------------------------------------- history and accuracy

def test_accuracy_is_a_fraction_for_classification() -> None:
    trainer = new_trainer()
    result = trainer.train(10)
    for name in ("train_accuracy", "test_accuracy"):
        column = trainer.history.column(name)
        assert len(column) == 11 and np.all((column >= 0.0) & (column <= 1.0))
        # a fraction of the set's points
        n = len(trainer.data.train if name == "train_accuracy" else trainer.data.test)
        np.testing.assert_allclose(column * n, np.round(column * n), atol=1e-9)
    assert 0.0 <= result.train_accuracy <= 1.0 and 0.0 <= result.test_accuracy <= 1.0


def test_accuracy_is_nan_for_regression() -> None:
    trainer = new_trainer(problem="regression", dataset="plane")
    result = trainer.train(5)
    assert math.isnan(result.train_accuracy) and math.isnan(result.test_accuracy)
    assert np.all(np.isnan(trainer.history.column("train_accuracy")))
    assert np.all(np.isnan(trainer.history.column("test_accuracy")))
    assert np.all(np.isfinite(trainer.history.column("train_loss")))


def test_history_row_zero_is_before_training() -> None:
    trainer = new_trainer(seed=2)
    net, data = trainer.network, trainer.data
    features = trainer.config.features
    expected_train = mean_loss(net.predict(feature_matrix(data.train[:, :2], features)), data.train[:, 2:])
    expected_test = mean_loss(net.predict(feature_matrix(data.test[:, :2], features)), data.test[:, 2:])
    assert len(trainer.history) == 1 and trainer.epoch == 0
    assert trainer.history.last("train_loss") == pytest.approx(expected_train, rel=1e-12)
    assert trainer.history.last("test_loss") == pytest.approx(expected_test, rel=1e-12)
    trainer.train(3)
    train, test = losses(trainer)
    assert len(train) == 4 and trainer.epoch == 3
    assert train[0] == pytest.approx(expected_train, rel=1e-12) and train[1] != train[0]
    assert test[0] == pytest.approx(expected_test, rel=1e-12)


def test_history_rows_are_the_losses_after_each_epoch() -> None:
    trainer = new_trainer(seed=4)
    features = trainer.config.features
    for epoch in range(1, 4):
        result = trainer.train_epoch()
        out = trainer.network.predict(feature_matrix(trainer.data.train[:, :2], features))
        assert result.epoch == epoch
        assert result.train_loss == pytest.approx(mean_loss(out, trainer.data.train[:, 2:]), rel=1e-12)
        assert trainer.history.column("train_loss")[epoch] == result.train_loss


# ---------------------------------------------------------------- the reported gradient

def test_last_gradient_is_zero_before_the_first_update() -> None:
    trainer = new_trainer()
    gradient = trainer.last_gradient()
    assert gradient.shape == trainer.network.params.shape and not gradient.any()


@pytest.mark.parametrize("batch_size", [10, 25, 1])
def test_last_gradient_is_the_mean_gradient_of_the_last_update(batch_size, numpy_engine) -> None:
    trainer = new_trainer(seed=5, batch_size=batch_size)
    n_train = len(trainer.data.train)
    assert n_train % batch_size == 0
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    step = trainer._optimizer.step  # white-box: record what the optimizer is given

    def recording_step(params, grad_sum, count, learning_rate):  # record what the last update started from
        seen.append((params.copy(), grad_sum / count))
        step(params, grad_sum, count, learning_rate)

    trainer._optimizer.step = recording_step
    trainer.train(2)
    assert len(seen) == 2 * n_train // batch_size
    params_before, grad_used = seen[-1]
    # Independently: Σ dE/dparam over the last batch of training points, at those params, / n.
    net = trainer.network.copy()
    net.params[...] = params_before
    last = trainer.data.train[-batch_size:]
    expected = np.zeros(net.size)
    accumulate_gradient(net, feature_matrix(last[:, :2], trainer.config.features), last[:, 2:], expected)
    expected /= batch_size
    np.testing.assert_allclose(trainer.last_gradient(), expected, rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(trainer.last_gradient(), grad_used)
    assert np.abs(expected).max() > 1e-6


def test_batch_size_changes_live_and_then_trains_as_that_batch_size():
    config = Config(dataset="spiral")
    live = Trainer(config, make_data(config))
    live.train(3)  # 250 training points, batch 10: nothing carried over
    weights_before = live.network.params.copy()
    live.set_hyperparameters(batch_size=25)
    np.testing.assert_array_equal(live.network.params, weights_before)
    fresh = Trainer(config.replace(batch_size=25), make_data(config))
    fresh.network.params[...] = weights_before
    live.train(2)
    fresh.train(2)
    np.testing.assert_array_equal(live.network.params, fresh.network.params)
    assert live.batch_size == 25


def test_a_hand_edited_parameter_is_measured_at_once():
    config = Config(dataset="spiral", hidden=(4, 2))
    trainer = Trainer(config, make_data(config))
    trainer.train(5)
    before = trainer.last_result()
    trainer.set_parameter(1, 4, 1, 3.0)  # the bias of hidden layer 2, neuron 2
    after = trainer.last_result()
    assert len(trainer.history) == 6 and after.epoch == 5
    assert after.train_loss != before.train_loss
    assert (after.train_loss, after.test_loss, after.train_accuracy, after.test_accuracy) == evaluate(
        trainer.network, config, trainer.data
    )


def test_reevaluate_measures_new_points_without_touching_the_past():
    config = Config(dataset="circle")
    trainer = Trainer(config, make_data(config))
    trainer.train(3)
    past = trainer.history.column("train_loss")[:-1].copy()
    trainer.set_data(make_data(config, generation=1))
    trainer.reevaluate()
    np.testing.assert_array_equal(trainer.history.column("train_loss")[:-1], past)
    assert trainer.last_result().train_loss == evaluate(trainer.network, config, trainer.data)[0]
