"""The slope view's numbers: E along one parameter, the tangent, the optimizer's step and the secant,
all from the engine's own forward pass (ShotLoss) and the shot's own gradient and step."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from playground.engine.gradient_check import ShotLoss
from playground.engine.shot import batch_indices, explain_samples, network_of
from playground.engine.slope import half_width, secant, slope_data, value_range
from playground.engine.trainer_state import TrainerState
from tests.engine.helpers import trained_state


@pytest.fixture(scope="module")
def state() -> TrainerState:
    return trained_state()


@pytest.mark.parametrize("index", [0, 5, 12, 24])  # first-layer weight, bias, second layer, output bias
def test_curves_are_the_loss_along_the_parameter(state, index):
    shot = explain_samples(state, [7])
    data = slope_data(state, shot, index)
    sample = ShotLoss(network_of(state), state.config.features, shot.points)
    train = ShotLoss(network_of(state), state.config.features, state.data.train)
    assert data.index == index and data.value == state.params[index]
    assert data.values.shape == data.sample_loss.shape == data.train_loss.shape == (201,)
    np.testing.assert_array_equal(data.sample_loss, sample.along(index, data.values))
    np.testing.assert_array_equal(data.train_loss, train.along(index, data.values))
    assert data.values[100] == data.value  # the curve passes through the current point
    assert np.all(np.diff(data.values) > 0)
    assert data.loss_now == sample.at(index, data.value)[0] == pytest.approx(shot.loss, abs=1e-15)
    # The training-set curve at the current value is the loss chart's train loss now.
    assert data.train_loss[100] == pytest.approx(state.history["train_loss"][-1], rel=1e-12)


def test_tangent_step_and_landing_are_the_shots_own(state):
    shot = explain_samples(state, batch_indices(len(state.data.train), state.config.batch_size, 4))
    index = 9
    data = slope_data(state, shot, index)
    sample = ShotLoss(network_of(state), state.config.features, shot.points)
    assert data.slope == shot.flat_gradient()[index]
    assert data.new_value == shot.step.params_after[index]
    assert data.step == data.new_value - data.value
    assert data.loss_at_new == sample.at(index, data.new_value)[0]
    assert data.predicted_at_new == pytest.approx(data.loss_now + data.slope * (data.new_value - data.value))
    # SGD without regularization: the step is −lr × the slope, so the tangent predicts a descent.
    assert data.step == pytest.approx(-state.config.learning_rate * data.slope)
    assert data.predicted_at_new <= data.loss_now


@pytest.mark.parametrize("learning_rate", [0.03, 3.0, 10.0])
def test_range_holds_value_and_landing(learning_rate):
    state = trained_state(learning_rate=learning_rate, epochs=1)
    shot = explain_samples(state, [0])
    for index in range(state.n_params):
        data = slope_data(state, shot, index, points=21)
        assert data.values[0] < min(data.value, data.new_value)
        assert data.values[-1] > max(data.value, data.new_value)
        assert data.values[0] <= data.value - 1.0 and data.values[-1] >= data.value + 1.0


def test_half_width_rule():
    assert half_width(0.2, 0.21) == 1.0  # a small step: ±1
    assert half_width(0.2, 4.2) == 6.0  # a large step: 1.5 × the step
    assert half_width(-3.0, -3.1) == 3.0  # a large weight: the range reaches 0
    assert half_width(0.0, float("nan")) == 1.0  # a diverged step is left out
    assert value_range(0.5, 0.5, 5).tolist() == [-0.5, 0.0, 0.5, 1.0, 1.5]
    with pytest.raises(ValueError, match="at least 3 points"):
        value_range(0.0, 0.0, 2)


def test_overshoot_at_a_large_learning_rate():
    """At lr 10 some parameter's step lands far above where the tangent says it would."""
    state = trained_state(learning_rate=10.0, epochs=0)
    shot = explain_samples(state, [1])
    gaps = [slope_data(state, shot, i, points=5) for i in range(state.n_params)]
    assert max(d.loss_at_new - d.predicted_at_new for d in gaps) > 0.1


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_secant_turns_into_the_tangent(activation):
    state = trained_state(activation=activation)
    shot = explain_samples(state, [2])
    index = 3
    slope = float(shot.flat_gradient()[index])
    loss = ShotLoss(network_of(state), state.config.features, shot.points)
    value = float(state.params[index])
    minus, plus, secant_slope = secant(state, shot, index, 0.5)
    assert (minus, plus) == (loss.at(index, value - 0.5)[0], loss.at(index, value + 0.5)[0])
    assert secant_slope == pytest.approx((plus - minus) / 1.0)
    errors = [abs(secant(state, shot, index, h)[2] - slope) for h in (0.5, 1e-1, 1e-3)]
    assert errors[2] < 1e-6 + 1e-3 * errors[0] and errors[2] <= errors[1] <= errors[0] + 1e-12


def test_refusals(state):
    shot = explain_samples(state, [0])
    with pytest.raises(ValueError, match=r"parameter 25 does not exist; allowed: 0 … 24"):
        slope_data(state, shot, 25)
    with pytest.raises(ValueError, match="allowed: a number > 0"):
        secant(state, shot, 0, 0.0)
    with pytest.raises(ValueError, match="allowed: a number > 0"):
        secant(state, shot, 0, float("nan"))
    other = trained_state(epochs=4)
    with pytest.raises(ValueError, match="other weights"):
        slope_data(other, shot, 0)


def test_slope_data_carries_its_loss_function(state):
    rows = batch_indices(len(state.data.train), state.config.batch_size, 0)
    shot = explain_samples(state, rows)
    data = slope_data(state, shot, 6)
    assert data.samples == len(rows) == 10
    for h in (0.7, 1e-2, 1e-4):
        assert data.secant(h) == secant(state, shot, 6, h)
    assert data.loss_at(data.values[17]) == data.sample_loss[17]
    assert data.loss_at(data.new_value) == data.loss_at_new
    bare = dataclasses.replace(data, shot_loss=None)
    with pytest.raises(ValueError, match="no loss function"):
        bare.secant(0.1)


@pytest.mark.parametrize("index", [0, 14, 26])  # a first-layer weight, an output weight, an output bias
def test_a_multiclass_curve_is_cross_entropy_with_backprops_slope(index):
    state = trained_state(problem="multiclass", classes=3, dataset="blobs", hidden=(4,), noise=30)
    shot = explain_samples(state, [3])
    data = slope_data(state, shot, index)
    assert data.loss_now == pytest.approx(-np.log(shot.outputs[0, int(shot.labels[0])]), abs=1e-14)
    # The training-set curve at the current value is the loss chart's train cross-entropy now.
    assert data.train_loss[100] == pytest.approx(state.history["train_loss"][-1], rel=1e-12)
    _, _, secant_slope = data.secant(1e-5)
    assert secant_slope == pytest.approx(data.slope, rel=1e-6, abs=1e-10)  # the tangent is the curve's
    assert data.new_value == shot.step.params_after[index]
