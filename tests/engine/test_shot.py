"""The inspector's shot (engine/shot.py) and the chain rule of one weight (engine/chain_rule.py).

Checked against numbers computed elsewhere: the worked example in tests/data/ (computed by
independent code), a 2-2-1 tanh network worked out by hand below, the per-sample shots a batch is
the mean of, the trainer's own update, and the optimizers' formulas applied by hand.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

from playground.engine.chain_rule import DownstreamTerm, chain_rule
from playground.engine.experiment import read_experiment
from playground.engine.network import Network
from playground.engine.optimizers import ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, MOMENTUM
from playground.engine.regularization import get_regularizer
from playground.engine.shot import batch_indices, explain_points, explain_samples, network_of, parameter_index
from playground.engine.trainer import Trainer
from playground.engine.trainer_state import TrainerState

from .helpers import make_trainer, random_network

DATA = Path(__file__).resolve().parents[1] / "data"
EXACT = 1e-12  # numbers the engine computes the same way as the reference, up to summation order

# Eight points in the plane with ±1 labels.
ROWS = [(0.5, -1.2, 1.0), (-1.0, 0.4, -1.0), (2.0, 1.5, 1.0), (0.3, -0.2, -1.0), (-0.7, -1.8, 1.0),
        (1.5, 0.9, -1.0), (-2.0, 0.6, 1.0), (1.1, -0.3, -1.0)]


def reference() -> tuple[TrainerState, dict]:
    state = read_experiment(DATA / "explain_example_experiment.json")
    answer = json.loads((DATA / "explain_example_train5.json").read_text(encoding="utf-8"))
    return state, answer


def close(actual, expected, tolerance: float = EXACT) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=0, atol=tolerance)


# ---------------------------------------------------------------- the reference worked example

def test_the_reference_worked_example_is_reproduced() -> None:
    state, answer = reference()
    shot = explain_samples(state, [5])
    assert shot.m == 1 and shot.indices.tolist() == [5]
    sample = answer["sample"]
    close(shot.points[0], [sample["x"], sample["y"], sample["label"]], 0.0)
    close(shot.a[0][0], answer["inputs"])
    assert len(answer["layers"]) == shot.n_layers
    for layer, expected in enumerate(answer["layers"]):
        close(shot.z[layer][0], expected["z"])
        close(shot.a[layer + 1][0], expected["a"])
        close(shot.delta[layer][0], expected["delta"])
        close(shot.weight_gradients[layer], expected["weight_gradients"])
        close(shot.sample_weight_gradient(layer, 0), expected["weight_gradients"])
        close(shot.bias_gradients[layer], expected["bias_gradients"])
    close(shot.outputs, [answer["output"]])
    close(shot.losses, [answer["loss"]])
    step = answer["step"]
    assert shot.step.optimizer == step["optimizer"] and shot.step.learning_rate == step["learning_rate"]
    views = network_of(state).views(shot.step.params_after)
    for layer in range(shot.n_layers):
        close(views.weights[layer], step["weights"][layer])
        close(views.biases[layer], step["biases"][layer])
    close(shot.step.losses_after, [step["loss_after"]])
    assert shot.step.loss_after == pytest.approx(step["loss_after"], abs=EXACT)


def test_the_reference_central_differences_are_reproduced() -> None:
    from playground.engine.explain import numeric_gradient  # the check the JSON document reports

    state, answer = reference()
    shot = explain_samples(state, [5])
    numeric = network_of(state).views(numeric_gradient(shot, answer["check"]["h"]))
    for layer in range(shot.n_layers):
        close(numeric.weights[layer], answer["check"]["weight_gradients"][layer], 1e-8)
        close(numeric.biases[layer], answer["check"]["bias_gradients"][layer], 1e-8)


# ---------------------------------------------------------------- a 2-2-1 network worked by hand

# Inputs x1, x2; hidden neurons h1, h2 (tanh); the output (tanh).
X1, X2, T = 0.5, -1.0, 1.0  # the sample and its label
W_H = [[0.2, -0.4],  # w(x1→h1), w(x1→h2)
       [0.3, 0.1]]  # w(x2→h1), w(x2→h2)
B_H = [0.1, -0.2]  # b(h1), b(h2)
W_OUT = [0.5, -0.6]  # w(h1→out), w(h2→out)
B_OUT = 0.05
LR = 0.1

# Fire.
Z1 = X1 * 0.2 + X2 * 0.3 + 0.1  # = 0.1 − 0.3 + 0.1 = −0.1
Z2 = X1 * -0.4 + X2 * 0.1 + -0.2  # = −0.2 − 0.1 − 0.2 = −0.5
A1, A2 = math.tanh(Z1), math.tanh(Z2)  # tanh(−0.1) ≈ −0.09967, tanh(−0.5) ≈ −0.4621
Z_OUT = A1 * 0.5 + A2 * -0.6 + 0.05  # ≈ −0.04984 + 0.2773 + 0.05 ≈ 0.2774
OUT = math.tanh(Z_OUT)  # ≈ 0.2706
# Miss.
E = 0.5 * (OUT - T) ** 2  # ≈ ½(0.2706 − 1)² ≈ 0.2660
# Blame, the output first: δ = f′(z)·∂E/∂a with tanh′(z) = 1 − tanh(z)².
SLOPE_OUT = 1 - OUT**2
DELTA_OUT = SLOPE_OUT * (OUT - T)
SUM_1 = 0.5 * DELTA_OUT  # Σₖ w(h1→k)·δₖ: one term, the output
SUM_2 = -0.6 * DELTA_OUT
SLOPE_1, SLOPE_2 = 1 - A1**2, 1 - A2**2
DELTA_1, DELTA_2 = SLOPE_1 * SUM_1, SLOPE_2 * SUM_2
# Every weight: ∂E/∂w = a_in·δ_out; every bias: ∂E/∂b = δ.
G_W_H = [[X1 * DELTA_1, X1 * DELTA_2],
         [X2 * DELTA_1, X2 * DELTA_2]]
G_B_H = [DELTA_1, DELTA_2]
G_W_OUT = [A1 * DELTA_OUT, A2 * DELTA_OUT]
G_B_OUT = DELTA_OUT


def hand_state(**config: object) -> TrainerState:
    net = Network((2, 2, 1), "tanh", "tanh")
    net.weights[0][...] = W_H
    net.biases[0][...] = B_H
    net.weights[1][:, 0] = W_OUT
    net.biases[1][0] = B_OUT
    rows = [(X1, X2, T), *ROWS]
    return make_trainer(rows, net, problem="classification", learning_rate=LR, batch_size=1, **config).state()


def test_the_hand_worked_2_2_1_example_fires_misses_and_blames() -> None:
    shot = explain_samples(hand_state(), [0])
    close(shot.a[0][0], [X1, X2])
    close(shot.z[0][0], [Z1, Z2])
    close(shot.z[0][0], [-0.1, -0.5])  # the arithmetic above, done in decimal
    close(shot.a[1][0], [A1, A2])
    close(shot.slopes[0][0], [SLOPE_1, SLOPE_2])
    close(shot.z[1][0], [Z_OUT])
    close(shot.a[2][0], [OUT])
    close(shot.outputs, [OUT])
    close(shot.losses, [E])
    assert shot.loss == pytest.approx(E, abs=EXACT)
    close(shot.slopes[1][0], [SLOPE_OUT])
    close(shot.delta[1][0], [DELTA_OUT])
    close(shot.delta[0][0], [DELTA_1, DELTA_2])
    close(shot.weight_gradients[0], G_W_H)
    close(shot.bias_gradients[0], G_B_H)
    close(shot.weight_gradients[1][:, 0], G_W_OUT)
    close(shot.bias_gradients[1], [G_B_OUT])
    close(shot.weights[0], W_H, 0.0)
    close(shot.biases[1], [B_OUT], 0.0)


def test_the_hand_worked_step_and_fire_again() -> None:
    shot = explain_samples(hand_state(), [0])
    views = network_of(hand_state()).views(shot.step.params_after)
    close(views.weights[0], [[0.2 - LR * G_W_H[0][0], -0.4 - LR * G_W_H[0][1]],
                             [0.3 - LR * G_W_H[1][0], 0.1 - LR * G_W_H[1][1]]])
    close(views.biases[0], [0.1 - LR * DELTA_1, -0.2 - LR * DELTA_2])
    w_out = [0.5 - LR * G_W_OUT[0], -0.6 - LR * G_W_OUT[1]]
    b_out = B_OUT - LR * G_B_OUT
    close(views.weights[1][:, 0], w_out)
    close(views.biases[1], [b_out])
    # Fire again through the corrected network.
    a1 = math.tanh(X1 * views.weights[0][0, 0] + X2 * views.weights[0][1, 0] + views.biases[0][0])
    a2 = math.tanh(X1 * views.weights[0][0, 1] + X2 * views.weights[0][1, 1] + views.biases[0][1])
    out = math.tanh(a1 * w_out[0] + a2 * w_out[1] + b_out)
    close(shot.step.outputs_after, [out])
    close(shot.step.losses_after, [0.5 * (out - T) ** 2])
    assert shot.step.loss_after < E  # less error
    close(shot.step.change, -LR * shot.flat_gradient())  # SGD: every parameter moved by −η·∂E/∂p


def test_the_hand_worked_chain_rule_of_a_hidden_weight() -> None:
    shot = explain_samples(hand_state(), [0])
    rule = chain_rule(shot, layer=0, row=0, neuron=0)  # w(x1→h1)
    assert (rule.is_bias, rule.is_output) == (False, False)
    assert rule.weight == 0.2
    assert rule.a_in == pytest.approx(X1, abs=0.0)
    for actual, expected in ((rule.z, Z1), (rule.a, A1), (rule.slope, SLOPE_1), (rule.error, SUM_1),
                             (rule.delta, DELTA_1), (rule.gradient, X1 * DELTA_1), (rule.output, OUT)):
        assert actual == pytest.approx(expected, abs=EXACT)
    assert rule.label == T
    assert len(rule.terms) == 1
    term = rule.terms[0]
    assert (term.neuron, term.weight) == (0, 0.5)
    assert term.delta == pytest.approx(DELTA_OUT, abs=EXACT)
    assert term.product == pytest.approx(0.5 * DELTA_OUT, abs=EXACT)
    # The product of the named factors is the engine's gradient.
    assert rule.a_in * rule.slope * rule.error == pytest.approx(rule.gradient, rel=1e-14)


def test_the_hand_worked_chain_rule_of_the_output_weight_and_a_bias() -> None:
    shot = explain_samples(hand_state(), [0])
    out = chain_rule(shot, layer=1, row=1, neuron=0)  # w(h2→out)
    assert (out.is_bias, out.is_output, out.terms) == (False, True, ())
    assert out.weight == -0.6
    for actual, expected in ((out.a_in, A2), (out.z, Z_OUT), (out.slope, SLOPE_OUT), (out.error, OUT - T),
                             (out.delta, DELTA_OUT), (out.gradient, A2 * DELTA_OUT)):
        assert actual == pytest.approx(expected, abs=EXACT)
    bias = chain_rule(shot, layer=0, row=2, neuron=1)  # b(h2): row n_in is the bias
    assert (bias.is_bias, bias.weight, bias.a_in) == (True, -0.2, 1.0)
    assert bias.error == pytest.approx(SUM_2, abs=EXACT)
    assert bias.gradient == pytest.approx(DELTA_2, abs=EXACT)
    assert bias.terms == (DownstreamTerm(0, -0.6, float(shot.delta[1][0, 0]), -0.6 * float(shot.delta[1][0, 0])),)


def test_chain_rule_refuses_a_parameter_that_does_not_exist() -> None:
    shot = explain_samples(hand_state(), [0])
    for layer, row, neuron in ((0, 3, 0), (0, 0, 2), (1, 0, 1), (0, -1, 0)):
        with pytest.raises(ValueError, match="no parameter"):
            chain_rule(shot, layer, row, neuron)
    with pytest.raises(ValueError, match="sample 1"):
        chain_rule(shot, 0, 0, 0, sample=1)


def test_a_hidden_chain_rule_sums_one_row_per_downstream_neuron() -> None:
    state, _ = reference()
    shot = explain_samples(state, [5])
    rule = chain_rule(shot, layer=0, row=0, neuron=1)  # X₁ → neuron 2 of hidden layer 1
    assert [t.neuron for t in rule.terms] == [0, 1]  # the two neurons of hidden layer 2
    close([t.weight for t in rule.terms], shot.weights[1][1], 0.0)
    close([t.delta for t in rule.terms], shot.delta[1][0], 0.0)
    assert sum(t.product for t in rule.terms) == pytest.approx(rule.error, abs=EXACT)
    assert rule.slope * rule.error == pytest.approx(rule.delta, abs=EXACT)
    assert rule.gradient == pytest.approx(float(shot.weight_gradients[0][0, 1]), abs=0.0)


# ---------------------------------------------------------------- mini-batches

def batch_state(batch_size: int = 3, **config: object) -> TrainerState:
    net = random_network((2, 3, 2, 1), "tanh", "classification", seed=4)
    return make_trainer(ROWS, net, problem="classification", batch_size=batch_size, learning_rate=0.3,
                        **config).state()


def test_a_mini_batch_gradient_is_the_mean_of_its_samples_gradients() -> None:
    state = batch_state()
    rows = batch_indices(len(ROWS), 3, 4)
    assert rows.tolist() == [3, 4, 5]
    shot = explain_samples(state, rows)
    singles = [explain_samples(state, [int(r)]) for r in rows]
    close(shot.flat_gradient(), np.mean([s.flat_gradient() for s in singles], axis=0), 1e-15)
    for layer in range(shot.n_layers):
        per_sample = np.array([shot.sample_weight_gradient(layer, s) for s in range(shot.m)])
        close(shot.weight_gradients[layer], per_sample.mean(axis=0), 1e-15)
        close(shot.bias_gradients[layer], shot.delta[layer].mean(axis=0), 1e-15)
        for s, single in enumerate(singles):
            close(shot.delta[layer][s], single.delta[layer][0], 0.0)
    close(shot.losses, [single.loss for single in singles], 1e-15)
    assert shot.loss == pytest.approx(np.mean(shot.losses), abs=0.0)


def test_a_mini_batch_gradient_is_what_the_trainer_applies() -> None:
    state = batch_state()
    rows = batch_indices(len(ROWS), 3, 7)
    shot = explain_samples(state, rows)
    trainer = Trainer.from_state(state)
    trainer.apply_examples(state.data.train[rows])
    close(trainer.last_gradient(), shot.flat_gradient(), 1e-15)
    np.testing.assert_array_equal(trainer.network.params, shot.step.params_after)
    np.testing.assert_array_equal(shot.step.state_after.params, shot.step.params_after)
    assert shot.step.state_after.last_count == len(rows)


def test_explain_points_is_explain_samples_for_the_same_rows() -> None:
    state = batch_state()
    by_rows = explain_samples(state, [1, 2])
    by_points = explain_points(state, state.data.train[[1, 2]])
    assert by_points.indices.tolist() == [-1, -1]
    close(by_points.flat_gradient(), by_rows.flat_gradient(), 0.0)
    np.testing.assert_array_equal(by_points.step.params_after, by_rows.step.params_after)


def test_explain_samples_refuses_rows_that_do_not_exist() -> None:
    state = batch_state()
    for rows in ([], [8], [-1], [0, 99]):
        with pytest.raises(ValueError, match=r"allowed: 0 … 7"):
            explain_samples(state, rows)


@pytest.mark.parametrize(("n_train", "size", "index", "expected"), [
    (10, 4, 0, [0, 1, 2, 3]),
    (10, 4, 3, [0, 1, 2, 3]),
    (10, 4, 5, [4, 5, 6, 7]),
    (10, 4, 9, [8, 9]),  # the last, short batch: the trainer carries it into the next epoch
    (10, 1, 6, [6]),
    (10, 10, 7, list(range(10))),
    (10, 30, 2, list(range(10))),  # a batch larger than the data: one update per epoch
    (1, 5, 0, [0]),
])
def test_batch_indices(n_train: int, size: int, index: int, expected: list[int]) -> None:
    assert batch_indices(n_train, size, index).tolist() == expected


@pytest.mark.parametrize("index", [-1, 10])
def test_batch_indices_refuses_a_sample_that_does_not_exist(index: int) -> None:
    with pytest.raises(ValueError, match=r"training sample .* does not exist; allowed: 0 … 9"):
        batch_indices(10, 4, index)


def test_batch_indices_are_the_trainers_batches() -> None:
    """An epoch of the trainer equals its updates, one per batch_indices batch, in order."""
    state = batch_state(batch_size=3)
    trainer = Trainer.from_state(state)
    by_hand = Trainer.from_state(state)
    trainer.train_epoch()
    for start in (0, 3):  # two full batches; rows 6 and 7 stay pending
        by_hand.apply_examples(state.data.train[batch_indices(8, 3, start)])
    np.testing.assert_allclose(trainer.network.params, by_hand.network.params, rtol=0, atol=1e-15)
    assert batch_indices(8, 3, 7).tolist() == [6, 7]


# ---------------------------------------------------------------- the step, by the optimizers' formulas

def primed_state(optimizer: str, regularization: str) -> TrainerState:
    """A state whose optimizer has taken steps already (velocity, t, m and v not zero), with one
    tiny weight that only regularization moves (L1 pushes it across 0: it dies)."""
    net = random_network((2, 3, 2, 1), "tanh", "classification", seed=11)
    # Neuron 1 of hidden layer 1 is zero in and out: no gradient reaches it, every optimizer leaves it at 0.
    net.weights[0][:, 0] = 0.0
    net.biases[0][0] = 0.0
    net.weights[1][0, :] = 0.0
    trainer = make_trainer(ROWS, net, problem="classification", batch_size=4, learning_rate=0.05,
                           optimizer=optimizer, regularization_rate=0.01)
    trainer.train_epoch()  # two updates, no regularization yet
    trainer.set_hyperparameters(regularization=regularization)
    trainer.set_parameter(1, 0, 0, 1e-4)  # its gradient is a·δ with a = tanh(0) = 0
    return trainer.state()


def step_by_hand(state: TrainerState, g: np.ndarray) -> tuple[np.ndarray, dict]:
    """The update of optimizers.py and the trainer's regularization step, written out."""
    config, p = state.config, state.params.copy()
    lr, rate = config.learning_rate, config.regularization_rate
    before = p.copy()
    after: dict = {}
    if config.optimizer == "sgd":
        p = p - lr * g
    elif config.optimizer == "momentum":
        v = MOMENTUM * state.optimizer["velocity"] + g
        p = p - lr * v
        after = {"velocity": v}
    else:
        t = state.optimizer["t"] + 1
        m = ADAM_BETA1 * state.optimizer["m"] + (1 - ADAM_BETA1) * g
        v = ADAM_BETA2 * state.optimizer["v"] + (1 - ADAM_BETA2) * g * g
        m_hat, v_hat = m / (1 - ADAM_BETA1**t), v / (1 - ADAM_BETA2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + ADAM_EPSILON)
        after = {"t": t, "m": m, "v": v}
    if config.regularization != "none":
        weights = network_of(state).weight_mask
        penalty = lr * rate * get_regularizer(config.regularization).derivative(before) * weights
        updated = p - penalty
        if config.regularization == "l1":
            crossed = p * updated < 0
            updated[crossed] = 0.0
            after["dead"] = crossed
        p = updated
    return p, after


@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_the_step_is_the_optimizer_formula_applied_by_hand(optimizer: str, regularization: str) -> None:
    state = primed_state(optimizer, regularization)
    if optimizer == "momentum":
        assert np.abs(state.optimizer["velocity"]).max() > 0
    if optimizer == "adam":
        assert state.optimizer["t"] > 0
    shot = explain_samples(state, batch_indices(len(ROWS), 4, 2))
    params, after = step_by_hand(state, shot.flat_gradient())
    close(shot.step.params_after, params, 1e-14)
    assert shot.step.optimizer == optimizer and shot.step.regularization == regularization
    for key in ("velocity", "m", "v"):
        if key in after:
            close(shot.step.optimizer_after[key], after[key], 1e-15)
    if optimizer == "adam":
        assert shot.step.optimizer_after["t"] == after["t"] == shot.step.optimizer_before["t"] + 1
    if regularization == "l1":
        assert after["dead"].any()  # the tiny weight died
        np.testing.assert_array_equal(shot.step.dead_after, after["dead"])
    else:
        assert not shot.step.dead_after.any()
    close(shot.step.params_before, state.params, 0.0)


# ---------------------------------------------------------------- the state is never changed

def snapshot(state: TrainerState) -> dict:
    return {
        "params": state.params.copy(), "dead": state.dead.copy(), "pending": state.pending_sum.copy(),
        "last": state.last_sum.copy(), "counts": (state.pending_count, state.last_count, state.epoch),
        "optimizer": {k: np.copy(v) for k, v in state.optimizer.items()},
        "history": {k: v.copy() for k, v in state.history.items()},
        "train": state.data.train.copy(), "test": state.data.test.copy(), "config": state.config,
    }


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_explaining_never_changes_the_state(optimizer: str) -> None:
    state = primed_state(optimizer, "l1")
    before = snapshot(state)
    explain_samples(state, [0])
    explain_samples(state, batch_indices(len(ROWS), 4, 5))
    explain_points(state, np.array([[0.1, 0.2, -1.0]]))
    after = snapshot(state)
    for key, value in before.items():
        if isinstance(value, dict):
            for name in value:
                np.testing.assert_array_equal(after[key][name], value[name], err_msg=f"{key}.{name}")
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(after[key], value, err_msg=key)
        else:
            assert after[key] == value, key
    trainer, straight = Trainer.from_state(state), Trainer.from_state(state)
    explain_samples(trainer.state(), [3])
    trainer.train_epoch()
    straight.train_epoch()
    np.testing.assert_array_equal(trainer.network.params, straight.network.params)


def test_the_shot_keeps_its_own_copies() -> None:
    state = batch_state()
    shot = explain_samples(state, [2])
    params = state.params.copy()
    shot.weights[0][...] = 99.0  # the shot's arrays are its own
    shot.step.params_after[...] = 99.0
    np.testing.assert_array_equal(state.params, params)
    assert explain_samples(state, [2]).weights[0].max() < 99.0


# ---------------------------------------------------------------- the flat layout

@pytest.mark.parametrize("sizes", [(2, 1), (2, 2, 1), (3, 4, 2, 1), (7, 8, 8, 8, 1)])
def test_parameter_index_agrees_with_the_network_views(sizes: tuple[int, ...]) -> None:
    net = Network(sizes, "linear", "linear")
    seen = []
    for layer, (n_in, n_out) in enumerate(net.shapes):
        for neuron in range(n_out):
            for row in range(n_in + 1):
                flat = np.zeros(net.size)
                index = parameter_index(sizes, layer, row, neuron)
                flat[index] = 1.0
                views = net.views(flat)
                target = views.biases[layer][neuron] if row == n_in else views.weights[layer][row, neuron]
                assert target == 1.0 and flat.sum() == 1.0
                seen.append(index)
    assert sorted(seen) == list(range(net.size))


def test_flat_gradient_is_laid_out_like_the_parameters() -> None:
    shot = explain_samples(batch_state(), [1])
    flat = shot.flat_gradient()
    for layer, (n_in, n_out) in enumerate(zip(shot.layer_sizes[:-1], shot.layer_sizes[1:])):
        for neuron in range(n_out):
            for row in range(n_in):
                assert flat[parameter_index(shot.layer_sizes, layer, row, neuron)] == \
                    shot.weight_gradients[layer][row, neuron]
            assert flat[parameter_index(shot.layer_sizes, layer, n_in, neuron)] == shot.bias_gradients[layer][neuron]


@pytest.mark.parametrize(("layer", "row", "neuron"), [(0, 3, 0), (0, 0, 2), (1, 0, 1), (0, -1, 0)])
def test_parameter_index_refuses_a_parameter_that_does_not_exist(layer: int, row: int, neuron: int) -> None:
    with pytest.raises(ValueError, match="no parameter"):
        parameter_index((2, 2, 1), layer, row, neuron)


def test_a_diverged_network_gives_nan_numbers_without_warnings() -> None:
    state = batch_state()
    params = state.params.copy()
    params[0] = np.nan
    shot = explain_samples(dataclasses.replace(state, params=params), [0])  # pytest turns warnings into errors
    assert np.isnan(shot.outputs).all()
    assert np.isnan(shot.step.params_after[0])
