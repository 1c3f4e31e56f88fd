"""The training rule, checked on networks small enough to follow by hand.

Expected numbers are computed here independently: explicit formulas for a one-input linear
neuron (out = w·x + b), and ``helpers.ReferenceNet`` (a per-example, per-node mirror of the
playground's nn.ts) for a 2-2-1 tanh network.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.engine.backprop import accumulate_gradient
from playground.engine.config import Config
from playground.engine.data import SplitData, make_data
from playground.engine.trainer import Trainer

from .helpers import ReferenceNet, make_trainer, network_from

# Seven training points (x, unused, label): batch 3 leaves one over every epoch.
ROWS_7 = [(0.5, 0.0, 0.8), (-1.0, 0.0, -0.3), (2.0, 0.0, 1.1), (0.3, 0.0, 0.2), (-0.7, 0.0, -0.9),
          (1.5, 0.0, 0.4), (-2.0, 0.0, -1.2)]
# Seven points in the plane with ±1 labels for the 2-2-1 tanh network.
ROWS_XY = [(0.5, -1.2, 1.0), (-1.0, 0.4, -1.0), (2.0, 1.5, 1.0), (0.3, -0.2, -1.0), (-0.7, -1.8, 1.0),
           (1.5, 0.9, -1.0), (-2.0, 0.6, 1.0)]
TANH_221 = [0.3, -0.4, 0.1, -0.2, 0.5, 0.05, 0.6, -0.7, 0.1]  # engine layout: per neuron weights, bias


def linear_neuron(w: float, b: float):
    return network_from([w, b], (1, 1), "tanh", "regression")  # no hidden layer: out = w·x + b


def mean_gradient(w: float, b: float, rows) -> tuple[float, float]:
    """Mean over rows of dE/dw, dE/db for out = w·x + b, E = ½(out − y)²."""
    g_w = sum((w * x + b - y) * x for x, _, y in rows) / len(rows)
    g_b = sum((w * x + b - y) for x, _, y in rows) / len(rows)
    return g_w, g_b


def sgd_step(w: float, b: float, rows, lr: float) -> tuple[float, float]:
    g_w, g_b = mean_gradient(w, b, rows)
    return w - lr * g_w, b - lr * g_b


# ---------------------------------------------------------------- batches and leftovers

def test_leftover_examples_join_the_next_epochs_first_update() -> None:
    w, b, lr = 0.4, -0.1, 0.1
    trainer = make_trainer(ROWS_7, linear_neuron(w, b), batch_size=3, learning_rate=lr)
    # Epoch 1: updates after examples 0-2 and 3-5; example 6's derivative (at the params after
    # the second update) waits.
    w, b = sgd_step(w, b, ROWS_7[0:3], lr)
    w, b = sgd_step(w, b, ROWS_7[3:6], lr)
    carried_w, carried_b = (w * ROWS_7[6][0] + b - ROWS_7[6][2]) * ROWS_7[6][0], w * ROWS_7[6][0] + b - ROWS_7[6][2]
    trainer.train_epoch()
    np.testing.assert_allclose(trainer.network.params, [w, b], rtol=0, atol=1e-12)
    # Epoch 2: the first update averages 4 derivatives (example 6 of epoch 1, then 0-2).
    g_w, g_b = mean_gradient(w, b, ROWS_7[0:3])
    no_carry = sgd_step(*sgd_step(w, b, ROWS_7[0:3], lr), ROWS_7[3:6], lr)
    w, b = w - lr * (3 * g_w + carried_w) / 4, b - lr * (3 * g_b + carried_b) / 4
    w, b = sgd_step(w, b, ROWS_7[3:6], lr)
    trainer.train_epoch()
    np.testing.assert_allclose(trainer.network.params, [w, b], rtol=0, atol=1e-12)
    assert abs(no_carry[0] - w) > 1e-4  # the check above does see the carried example


def test_leftovers_on_a_tanh_network_match_the_playground_loop() -> None:
    net = network_from(TANH_221, (2, 2, 1), "tanh", "classification")
    reference = ReferenceNet(net)
    trainer = make_trainer(ROWS_XY, net, problem="classification", batch_size=3, learning_rate=0.3)
    for _ in range(2):
        trainer.train_epoch()
        reference.train_epoch(ROWS_XY, 2, batch_size=3, lr=0.3)
        np.testing.assert_allclose(trainer.network.params, reference.flat(), rtol=0, atol=1e-12)


# ---------------------------------------------------------------- regularization

@pytest.mark.parametrize("regularization, r_prime", [("l2", lambda w: w), ("l1", lambda w: math.copysign(1.0, w))])
def test_regularization_step_uses_the_weight_before_the_update(regularization, r_prime) -> None:
    w, b, lr, rate = 0.7, 0.2, 0.1, 0.3
    rows = ROWS_7[:5]
    trainer = make_trainer(rows, linear_neuron(w, b), batch_size=5, learning_rate=lr,
                           regularization=regularization, regularization_rate=rate)
    trainer.train_epoch()
    g_w, g_b = mean_gradient(w, b, rows)
    expected = [w - lr * g_w - lr * rate * r_prime(w), b - lr * g_b]  # the bias is never regularized
    np.testing.assert_allclose(trainer.network.params, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("regularization", ["l1", "l2"])
def test_regularized_tanh_network_matches_the_playground_loop(regularization) -> None:
    net = network_from(TANH_221, (2, 2, 1), "tanh", "classification")
    reference = ReferenceNet(net)
    trainer = make_trainer(ROWS_XY, net, problem="classification", batch_size=2, learning_rate=0.3,
                           regularization=regularization, regularization_rate=0.03)
    for _ in range(5):
        trainer.train_epoch()
        reference.train_epoch(ROWS_XY, 2, batch_size=2, lr=0.3, regularization=regularization, rate=0.03)
        np.testing.assert_allclose(trainer.network.params, reference.flat(), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(trainer.dead_mask(), reference.dead_flat())


def _orthogonal_rows(c2: float) -> list[tuple[float, float, float]]:
    """Labels 0.8·x1 + c2·x2 + 0.3 on two batches of 4 corners: within each batch x1, x2 and
    x1·x2 average to 0, so for out = w1·x1 + w2·x2 + b, dE/dw2 averages (w2 − c2)·s²."""
    return [(s * x1, s * x2, 0.8 * s * x1 + c2 * s * x2 + 0.3)
            for s in (1.0, 1.5) for x1, x2 in ((1, 1), (1, -1), (-1, 1), (-1, -1))]


def test_l1_weight_pushed_across_zero_dies_and_stays_zero() -> None:
    lr, rate = 0.1, 0.1
    rows = _orthogonal_rows(-0.01)
    net = network_from([0.2, 0.004, 0.0], (2, 1), "tanh", "regression")
    reference = ReferenceNet(net)
    trainer = make_trainer(rows, net, batch_size=4, learning_rate=lr, regularization="l1", regularization_rate=rate)
    w2_index = 1  # engine layout of a (2, 1) network: w1, w2, b

    def check_epoch(rows) -> np.ndarray:
        before = trainer.network.params.copy()
        trainer.train_epoch()
        reference.train_epoch(rows, 2, batch_size=4, lr=lr, regularization="l1", rate=rate)
        params = trainer.network.params
        np.testing.assert_allclose(params, reference.flat(), rtol=0, atol=1e-12)
        assert params[w2_index] == 0.0  # exactly zero
        np.testing.assert_array_equal(trainer.dead_mask(), [False, True, False])
        assert trainer.last_gradient()[w2_index] == 0.0  # a dead link accumulates nothing (nn.ts)
        return params - before

    # First update: the gradient step leaves w2 at 0.004 − 0.1·(0.004 + 0.01) = 0.0026 > 0, and
    # the L1 step 0.0026 − lr·rate·sign(0.004) = −0.0074 crosses zero: w2 dies.
    change = check_epoch(rows)
    assert change[0] != 0.0 and change[2] != 0.0
    for _ in range(3):
        change = check_epoch(rows)
        assert change[0] != 0.0 and change[2] != 0.0  # w1 and the bias keep learning
    # New points whose gradient pulls w2 up by lr·0.5 per update, far more than L1's 0.01:
    # a live w2 would grow; the dead one stays 0.
    rows = _orthogonal_rows(0.5)
    trainer.set_data(SplitData(np.array(rows), np.array([[0.5, -0.5, 0.0]])))
    raw = np.zeros(3)
    accumulate_gradient(trainer.network, np.array(rows)[:, :2], np.array(rows)[:, 2:], raw)
    assert raw[w2_index] < -1.0
    for _ in range(3):
        check_epoch(rows)


@pytest.mark.parametrize("regularization", ["l1", "l2"])
def test_regularization_rate_zero_changes_nothing(regularization) -> None:
    def train(reg: str, rate: float) -> tuple[np.ndarray, np.ndarray]:
        net = network_from(TANH_221, (2, 2, 1), "tanh", "classification")
        trainer = make_trainer(ROWS_XY, net, problem="classification", batch_size=3, learning_rate=0.3,
                               regularization=reg, regularization_rate=rate)
        trainer.train(5)
        return trainer.network.params.copy(), trainer.dead_mask()

    plain, _ = train("none", 0.0)
    params, dead = train(regularization, 0.0)
    np.testing.assert_array_equal(params, plain)
    assert not dead.any()
    assert np.abs(train(regularization, 0.01)[0] - plain).max() > 1e-6  # a nonzero rate does act


# ---------------------------------------------------------------- optimizers

def _sgd(state, w, b, g, lr):
    return state, w - lr * g[0], b - lr * g[1]


def _momentum(state, w, b, g, lr):
    v = [0.9 * v_k + g_k for v_k, g_k in zip(state or (0.0, 0.0), g)]
    return v, w - lr * v[0], b - lr * v[1]


def _adam(state, w, b, g, lr):
    t, m, v = state or (0, (0.0, 0.0), (0.0, 0.0))
    t += 1
    m = [0.9 * m_k + 0.1 * g_k for m_k, g_k in zip(m, g)]
    v = [0.999 * v_k + 0.001 * g_k * g_k for v_k, g_k in zip(v, g)]
    step = [lr * (m_k / (1 - 0.9**t)) / (math.sqrt(v_k / (1 - 0.999**t)) + 1e-8) for m_k, v_k in zip(m, v)]
    return (t, m, v), w - step[0], b - step[1]


HAND_STEPS = {"sgd": _sgd, "momentum": _momentum, "adam": _adam}


@pytest.mark.parametrize("optimizer", list(HAND_STEPS))
def test_first_two_optimizer_steps(optimizer) -> None:
    w, b, lr, rows = 0.4, -0.1, 0.05, ROWS_7
    trainer = make_trainer(rows, linear_neuron(w, b), batch_size=7, learning_rate=lr, optimizer=optimizer)
    state = None
    for _ in range(2):  # one update per epoch
        state, w, b = HAND_STEPS[optimizer](state, w, b, mean_gradient(w, b, rows), lr)
        trainer.train_epoch()
        np.testing.assert_allclose(trainer.network.params, [w, b], rtol=0, atol=1e-12)


def test_adam_first_step_moves_each_parameter_by_the_learning_rate() -> None:
    trainer = make_trainer(ROWS_7, linear_neuron(0.4, -0.1), batch_size=7, learning_rate=0.05, optimizer="adam")
    trainer.train_epoch()
    g = mean_gradient(0.4, -0.1, ROWS_7)
    np.testing.assert_allclose(trainer.network.params, [0.4 - 0.05 * math.copysign(1, g[0]),
                                                        -0.1 - 0.05 * math.copysign(1, g[1])], atol=1e-8)


# ---------------------------------------------------------------- live changes

def test_changing_the_learning_rate_keeps_weights_pending_sums_and_momentum() -> None:
    w, b = 0.4, -0.1
    trainer = make_trainer(ROWS_7, linear_neuron(w, b), batch_size=7, learning_rate=0.05, optimizer="momentum")
    state = None
    for _ in range(2):
        state, w, b = _momentum(state, w, b, mean_gradient(w, b, ROWS_7), 0.05)
    trainer.train(2)
    before = trainer.network.params.copy()
    trainer.set_hyperparameters(learning_rate=0.3)
    np.testing.assert_array_equal(trainer.network.params, before)
    assert trainer.config.learning_rate == 0.3 and trainer.epoch == 2 and len(trainer.history) == 3
    state, w, b = _momentum(state, w, b, mean_gradient(w, b, ROWS_7), 0.3)  # same velocity, new rate
    trainer.train_epoch()
    np.testing.assert_allclose(trainer.network.params, [w, b], rtol=0, atol=1e-12)


def test_changing_the_learning_rate_mid_leftover_matches_the_playground_loop() -> None:
    net = network_from(TANH_221, (2, 2, 1), "tanh", "classification")
    reference = ReferenceNet(net)
    trainer = make_trainer(ROWS_XY, net, problem="classification", batch_size=3, learning_rate=0.3)
    for lr in (0.3, 0.3, 1.0, 1.0):
        trainer.set_hyperparameters(learning_rate=lr)
        trainer.train_epoch()
        reference.train_epoch(ROWS_XY, 2, batch_size=3, lr=lr)
    np.testing.assert_allclose(trainer.network.params, reference.flat(), rtol=0, atol=1e-12)


def test_switching_optimizer_starts_it_from_a_fresh_state() -> None:
    w, b, lr = 0.4, -0.1, 0.05
    trainer = make_trainer(ROWS_7, linear_neuron(w, b), batch_size=7, learning_rate=lr, optimizer="momentum")
    trainer.train(3)
    for optimizer in ("adam", "momentum"):
        trainer.set_hyperparameters(optimizer=optimizer)
        w, b = trainer.network.params
        state = None
        for _ in range(2):
            state, w, b = HAND_STEPS[optimizer](state, w, b, mean_gradient(w, b, ROWS_7), lr)
            trainer.train_epoch()
            np.testing.assert_allclose(trainer.network.params, [w, b], rtol=0, atol=1e-12)


# ---------------------------------------------------------------- divergence

DIVERGING = dict(problem="regression", dataset="plane", hidden=(8, 8, 8, 8, 8, 8), activation="tanh",
                 features=("x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"))


def _diverge(learning_rate: float):
    config = Config(learning_rate=learning_rate, **DIVERGING)
    trainer = Trainer(config, make_data(config))
    return trainer, trainer.train(200)


@pytest.mark.parametrize("learning_rate", [10, 100])
def test_divergence_is_reported_not_raised(learning_rate) -> None:
    # No warning filter: under this project's pytest config (warnings are errors) an overflow
    # warning leaking out of the engine would fail this test too.
    trainer, result = _diverge(learning_rate)
    assert result.diverged
    assert result.epoch < 200 and len(trainer.history) == result.epoch + 1  # stopped at the first bad epoch
    assert "learning rate" in result.message.lower() and f"{learning_rate:g}" in result.message
    again = trainer.train(3)  # training on from a broken network still returns
    assert again.diverged and trainer.last_result().diverged
