"""The inspector's gradient check (engine/gradient_check.py): backprop's ∂E/∂p of a shot against
the central difference (E(p + h) − E(p − h)) / 2h, for every activation and every problem
(multiclass: softmax + cross-entropy, E = −ln p_label); kinks
reported where ReLU's slope jumps; "check all" worst first and bounded; the loss along one weight."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from playground.engine.activations import ACTIVATION_NAMES
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.gradient_check import (
    DEFAULT_H,
    KINKED_ACTIVATIONS,
    MAX_CHECK_ALL,
    PASS_BELOW,
    ShotLoss,
    central_differences,
    cross_entropy_of_logits,
    relative_error,
)
from playground.engine.losses import SMALLEST_PROBABILITY, example_losses, targets_of
from playground.engine.network import Network
from playground.engine.shot import Shot, explain_samples, network_of, parameter_index
from playground.engine.trainer import Trainer
from playground.engine.trainer_state import TrainerState

from .helpers import make_trainer, random_network

FEATURES = ("x1", "x2", "sin_x1", "x1_x2")
SIZES = (len(FEATURES), 3, 2, 1)
ROWS = [(0.5, -1.2, 1.0), (-1.0, 0.4, -1.0), (2.0, 1.5, 1.0), (0.3, -0.2, -1.0), (-0.7, -1.8, 1.0),
        (1.5, 0.9, -1.0)]
KINK_MARGIN = 1e-3  # every hidden |z| at least this: ±h on any parameter moves z by far less


def state_for(activation: str, problem: str, seed: int = 3, rows=ROWS) -> TrainerState:
    sizes = (*SIZES[:-1], 3) if problem == "multiclass" else SIZES  # three classes: three softmax outputs
    net = random_network(sizes, activation, problem, seed)
    extra = {}
    if problem == "regression":
        rows = [(x, y, 0.3 * x - 0.5 * y) for x, y, _ in rows]
    elif problem == "multiclass":
        rows = [(x, y, float(k % 3)) for k, (x, y, _) in enumerate(rows)]  # classes 0, 1, 2
        extra = {"classes": 3, "dataset": "blobs"}
    return make_trainer(rows, net, problem=problem, features=FEATURES, activation=activation, **extra).state()


def loss_of(state: TrainerState, shot: Shot) -> ShotLoss:
    return ShotLoss(network_of(state), state.config.features, shot.points)


def hidden_z(shot: Shot) -> np.ndarray:
    return np.concatenate([z.ravel() for z in shot.z[:-1]])


@pytest.mark.parametrize("rows", [[0], [1, 2, 3]], ids=["one sample", "a mini-batch"])
@pytest.mark.parametrize("problem", ["classification", "regression", "multiclass"])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_central_differences_agree_with_backprop_for_every_activation(activation, problem, rows) -> None:
    # Multiclass seed 4: under seed 3 one leaky-ReLU gradient is 3e-7 beside E ≈ 0.96, below what a
    # float64 difference over 2h = 2e-5 resolves to 1e-6 (E's round-off ~1e-16 / 2e-5 ≈ 1e-11).
    state = state_for(activation, problem, seed=4 if problem == "multiclass" else 3)
    assert (state.config.activation, network_of(state).activation.name) == (activation, activation)
    shot = explain_samples(state, rows)
    assert np.abs(hidden_z(shot)).min() > KINK_MARGIN  # no kink within reach of ±h
    checks = loss_of(state, shot).check_all(shot.flat_gradient())
    assert len(checks) == network_of(state).size
    worst = checks[0]
    assert worst.relative_error < PASS_BELOW, (activation, worst)
    assert all(check.passed and not check.kink for check in checks)
    assert np.abs(shot.flat_gradient()).max() > 1e-3  # the check compared real slopes, not zeros


def test_central_differences_are_the_checks_numbers() -> None:
    state = state_for("tanh", "classification")
    shot = explain_samples(state, [2])
    loss = loss_of(state, shot)
    numeric = central_differences(loss, DEFAULT_H)
    by_check = sorted(loss.check_all(shot.flat_gradient()), key=lambda c: c.index)
    np.testing.assert_array_equal(numeric, [c.numeric for c in by_check])
    for check in by_check[:5]:
        assert check.numeric == (check.loss_plus - check.loss_minus) / (2 * DEFAULT_H)
        assert check.analytic == shot.flat_gradient()[check.index]
        assert check.h == DEFAULT_H


@pytest.mark.parametrize("activation", sorted(KINKED_ACTIVATIONS))
def test_a_kink_within_h_is_reported(activation: str) -> None:
    state = state_for(activation, "classification")
    shot = explain_samples(state, [0])
    # Move the bias of neuron 1 of hidden layer 1 so that its z sits 3e-6 above 0, within h = 1e-5.
    bias = parameter_index(SIZES, 0, SIZES[0], 0)
    params = state.params.copy()
    params[bias] -= float(shot.z[0][0, 0]) - 3e-6
    net = Network(SIZES, activation, "tanh", params)
    loss = ShotLoss(net, FEATURES, shot.points)
    assert abs(loss.at(bias, float(params[bias]))[1][0][0, 0] - 3e-6) < 1e-12
    check = loss.check(bias, 0.0, DEFAULT_H)
    assert check.kink
    far = loss.check(bias, 0.0, 1e-7)  # a smaller h no longer reaches the kink
    assert not far.kink


def test_no_kink_is_reported_for_a_smooth_activation() -> None:
    state = state_for("tanh", "classification")
    shot = explain_samples(state, [0])
    bias = parameter_index(SIZES, 0, SIZES[0], 0)
    params = state.params.copy()
    params[bias] -= float(shot.z[0][0, 0])  # z exactly 0: no kink for tanh
    loss = ShotLoss(Network(SIZES, "tanh", "tanh", params), FEATURES, shot.points)
    assert not loss.kinked
    assert not loss.check(bias, 0.0).kink


def test_check_all_lists_the_worst_first() -> None:
    state = state_for("sigmoid", "regression")
    shot = explain_samples(state, [0, 1])
    analytic = shot.flat_gradient().copy()
    analytic[7] *= 1.5  # a wrong gradient, as a bug in backprop would give
    analytic[3] *= 1.01
    checks = loss_of(state, shot).check_all(analytic)
    errors = [c.relative_error for c in checks]
    assert errors == sorted(errors, reverse=True)
    assert [checks[0].index, checks[1].index] == [7, 3]
    assert not checks[0].passed and checks[2].passed
    assert checks[0].relative_error == pytest.approx(0.5 / 1.5, rel=1e-6)


def test_check_all_refuses_a_network_too_large_to_difference() -> None:
    sizes = (2, 200, 100, 1)  # 20,801 parameters
    net = Network(sizes, "tanh", "tanh")
    assert net.size > MAX_CHECK_ALL
    loss = ShotLoss(net, ("x1", "x2"), np.array([[0.1, 0.2, 1.0]]))
    with pytest.raises(ValueError) as info:
        loss.check_all(np.zeros(net.size))
    message = str(info.value)
    assert "20,801" in message and f"{MAX_CHECK_ALL:,}" in message and "allowed" in message
    assert "\n" not in message


@pytest.mark.parametrize("h", [0.0, -1e-5, float("nan"), float("inf")])
def test_check_refuses_a_bad_h(h: float) -> None:
    state = state_for("tanh", "classification")
    shot = explain_samples(state, [0])
    with pytest.raises(ValueError, match="allowed: a number > 0"):
        loss_of(state, shot).check(0, 0.0, h)


def test_the_loss_along_one_weight() -> None:
    state = state_for("tanh", "classification")
    shot = explain_samples(state, [0, 1, 2])
    loss = loss_of(state, shot)
    index = parameter_index(SIZES, 1, 2, 1)
    value = float(state.params[index])
    values = value + np.linspace(-1.0, 1.0, 9)
    curve = loss.along(index, values)
    assert curve.shape == (9,)
    assert curve[4] == pytest.approx(shot.loss, abs=1e-15)  # the middle is the weight as it is
    for v, e in zip(values[::4], curve[::4]):
        params = state.params.copy()
        params[index] = v
        other = explain_samples(_with_params(state, params), [0, 1, 2])
        assert e == pytest.approx(other.loss, abs=1e-15)
    np.testing.assert_array_equal(loss.network.params, state.params)  # put back after every value


def test_shot_loss_never_changes_the_callers_network() -> None:
    state = state_for("relu", "regression")
    shot = explain_samples(state, [0])
    net = network_of(state)
    before = net.params.copy()
    loss = ShotLoss(net, FEATURES, shot.points)
    loss.check_all(shot.flat_gradient())
    loss.along(0, np.array([5.0, -5.0]))
    np.testing.assert_array_equal(net.params, before)
    np.testing.assert_array_equal(loss.network.params, before)


def test_relative_error() -> None:
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1)
    assert relative_error(-2.0, 2.0) == 2.0
    assert relative_error(1e-12, 0.0) == pytest.approx(1e-4)  # tiny gradients are compared against the floor
    assert relative_error(-5.1276e-13, -5.12761e-13) < 1e-6  # a fitted sample's round-off passes
    assert relative_error(1e-3, 1.1e-3) == pytest.approx(0.1 / 1.1)  # above the floor: relative
    assert relative_error(3.0, 3.0) == 0.0


def _with_params(state: TrainerState, params: np.ndarray) -> TrainerState:
    return dataclasses.replace(state, params=params)


def test_cross_entropy_of_a_fitted_sample_is_differenced_without_false_failures() -> None:
    """E from the logits keeps its relative accuracy as p_label → 1, so a fitted sample's tiny
    gradients still check (from p, E's absolute round-off of ~1e-16 made them ✗)."""
    z = np.array([[40.0, 0.0, -5.0], [1.0, 2.0, 3.0], [0.0, 900.0, 0.0]])
    onehot = targets_of(np.array([0.0, 1.0, 0.0]), "multiclass", 3)
    expected = [np.log1p(np.exp(-40.0) + np.exp(-45.0)), 3.0 - 2.0 + np.log1p(np.exp(-1.0) + np.exp(-2.0)),
                -np.log(SMALLEST_PROBABILITY)]  # the last capped as losses.example_losses floors p
    np.testing.assert_allclose(cross_entropy_of_logits(z, onehot), expected, rtol=1e-15)
    assert cross_entropy_of_logits(z, onehot)[0] > 0  # from p (1 − 4e-18 rounds to 1) it is exactly 0:
    assert example_losses(np.exp(z[:1]) / np.exp(z[:1]).sum(), onehot[:1], "multiclass")[0] == 0.0
    config = Config(problem="multiclass", classes=3, dataset="blobs", hidden=(4,))
    trainer = Trainer(config, make_data(config))
    trainer.train(300)
    state = trainer.state()
    for row in range(0, len(state.data.train), 10):
        shot = explain_samples(state, [row])
        assert loss_of(state, shot).at(0, float(state.params[0]))[0] == pytest.approx(shot.loss, abs=1e-14)
        assert loss_of(state, shot).check_all(shot.flat_gradient())[0].passed, row
