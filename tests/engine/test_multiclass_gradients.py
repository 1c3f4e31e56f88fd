"""Softmax + cross-entropy gradients worked by hand on a 2-input, 3-class network, checked against
every gradient path of the engine: ``backprop.accumulate_gradient``, the trainer's chunk kernel,
one SGD epoch of the ``Trainer``, its ``apply_examples`` and the inspector's ``Shot``. Plus
determinism: the same multiclass config and seed train the same run.

The network (features x1, x2; hidden [2], tanh; 3 softmax outputs), written out:
    z_h = x @ W0 + b0           (2,)      h = tanh(z_h)
    z_o = h @ W1 + b1           (3,)      p_k = e^(z_k) / Σ_j e^(z_j)
    E   = −ln p_c               c = the label's class
    δ_o = p − y                 y = one-hot(c)
    ∂E/∂W1[i, k] = h_i · δ_o[k],   ∂E/∂b1 = δ_o
    δ_h[j] = (1 − h_j²) · Σ_k W1[j, k] · δ_o[k]
    ∂E/∂W0[i, j] = x_i · δ_h[j],   ∂E/∂b0 = δ_h
Every formula below is plain Python on floats (math.exp, math.tanh), never the engine's code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.engine.backprop import accumulate_gradient
from playground.engine.chain_rule import chain_rule, chain_rule_markdown
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.kernel import ChunkKernel, augmented_inputs
from playground.engine.losses import targets_of
from playground.engine.network import Network
from playground.engine.shot import explain_samples
from playground.engine.trainer import Trainer

from .helpers import make_trainer

EXACT = 1e-14  # the same arithmetic in another order

W0 = [[0.2, -0.3], [0.4, 0.1]]  # (2 inputs, 2 hidden)
B0 = [0.1, -0.2]
W1 = [[0.5, -0.4, 0.3], [-0.2, 0.6, 0.1]]  # (2 hidden, 3 classes)
B1 = [0.05, -0.05, 0.0]
# Three samples (x1, x2, class): one of each class; the hand example is the first.
ROWS = [(0.5, -1.0, 2.0), (-1.5, 0.8, 0.0), (1.2, 2.0, 1.0)]
LR = 0.1


def hand_network() -> Network:
    net = Network((2, 2, 3), "tanh", "softmax")
    net.weights[0][...] = W0
    net.biases[0][...] = B0
    net.weights[1][...] = W1
    net.biases[1][...] = B1
    return net


def by_hand(x1: float, x2: float, c: int) -> dict:
    """p, E and every gradient of one sample, one float at a time."""
    x = [x1, x2]
    z_h = [x[0] * W0[0][j] + x[1] * W0[1][j] + B0[j] for j in range(2)]
    h = [math.tanh(z) for z in z_h]
    z_o = [h[0] * W1[0][k] + h[1] * W1[1][k] + B1[k] for k in range(3)]
    exps = [math.exp(z) for z in z_o]
    total = sum(exps)
    p = [e / total for e in exps]
    y = [1.0 if k == c else 0.0 for k in range(3)]
    delta_o = [p[k] - y[k] for k in range(3)]
    delta_h = [(1.0 - h[j] ** 2) * sum(W1[j][k] * delta_o[k] for k in range(3)) for j in range(2)]
    return {
        "z_h": z_h, "h": h, "z_o": z_o, "p": p, "E": -math.log(p[c]),
        "delta_o": delta_o, "delta_h": delta_h,
        "dW1": [[h[i] * delta_o[k] for k in range(3)] for i in range(2)], "db1": delta_o,
        "dW0": [[x[i] * delta_h[j] for j in range(2)] for i in range(2)], "db0": delta_h,
    }


def flat(grads: dict) -> np.ndarray:
    """A hand gradient laid out like Network.params."""
    net = Network((2, 2, 3), "linear", "linear")
    views = net.views(net.params)
    views.weights[0][...] = grads["dW0"]
    views.biases[0][...] = grads["db0"]
    views.weights[1][...] = grads["dW1"]
    views.biases[1][...] = grads["db1"]
    return net.params


def mean_hand_gradient() -> np.ndarray:
    return np.mean([flat(by_hand(x1, x2, int(c))) for x1, x2, c in ROWS], axis=0)


def close(actual, expected, tolerance: float = EXACT) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=0, atol=tolerance)


def hand_trainer(**config: object) -> Trainer:
    return make_trainer(ROWS, hand_network(), problem="multiclass", classes=3, dataset="blobs",
                        learning_rate=LR, batch_size=len(ROWS), **config)


def test_the_hand_arithmetic_in_decimal() -> None:
    hand = by_hand(*ROWS[0][:2], 2)
    close(hand["z_h"], [-0.2, -0.45])  # 0.5·0.2 − 1·0.4 + 0.1, 0.5·(−0.3) − 1·0.1 − 0.2
    assert sum(hand["p"]) == pytest.approx(1.0, abs=1e-15)
    assert sum(hand["delta_o"]) == pytest.approx(0.0, abs=1e-15)  # p − y sums to 1 − 1
    assert hand["delta_o"][2] < 0 < hand["delta_o"][0]  # raise the label's z, lower the others'
    assert hand["E"] == pytest.approx(-math.log(hand["p"][2]))


def test_accumulate_gradient_is_the_hand_gradient() -> None:
    net = hand_network()
    x1, x2, c = ROWS[0]
    grad = np.zeros(net.size)
    forward = accumulate_gradient(net, np.array([[x1, x2]]), targets_of(np.array([c]), "multiclass", 3), grad)
    hand = by_hand(x1, x2, int(c))
    close(forward.output[0], hand["p"])
    close(grad, flat(hand))


def test_the_chunk_kernel_sums_the_hand_gradients() -> None:
    net = hand_network()
    points = np.array(ROWS)
    grad = np.full(net.size, np.nan)  # the kernel overwrites; it must not read this
    targets = targets_of(points[:, 2], "multiclass", 3)  # (3, 3) one-hot rows
    ChunkKernel(net, len(points)).gradient_sum(augmented_inputs(points[:, :2]), targets.T, net.views(grad).blocks)
    close(grad, len(ROWS) * mean_hand_gradient())


def use_numpy_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Train with the NumPy engine (kernel.py) even where the compiled kernel is built."""
    try:
        from playground.engine import compiled
    except ImportError:  # no compiled engine: NumPy trains anyway
        return
    monkeypatch.setattr(compiled, "LIBRARY", None)


@pytest.mark.parametrize("engine", ["default", "numpy"])
def test_one_sgd_epoch_of_the_whole_set_moves_every_parameter_by_minus_lr_times_the_mean_gradient(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine == "numpy":
        use_numpy_engine(monkeypatch)
    trainer = hand_trainer()
    before = trainer.network.params.copy()
    trainer.train(1)  # batch = all three points: exactly one update
    close(trainer.network.params - before, -LR * mean_hand_gradient())
    # The reported loss after the epoch is the mean of −ln p_label over the set, measured again.
    after = Network((2, 2, 3), "tanh", "softmax", trainer.network.params.copy())
    p = after.predict(np.array(ROWS)[:, :2])
    expected = np.mean([-math.log(p[s, int(c)]) for s, (_, _, c) in enumerate(ROWS)])
    assert trainer.history.to_columns()["train_loss"][-1] == pytest.approx(expected, abs=EXACT)


def test_apply_examples_makes_the_same_update() -> None:
    trainer = hand_trainer()
    before = trainer.network.params.copy()
    trainer.apply_examples(np.array(ROWS))
    close(trainer.network.params - before, -LR * mean_hand_gradient())


def test_the_shot_shows_the_hand_numbers() -> None:
    state = hand_trainer().state()
    shot = explain_samples(state, [0])
    hand = by_hand(*ROWS[0][:2], 2)
    assert shot.multiclass and shot.outputs.shape == (1, 3)
    close(shot.z[0][0], hand["z_h"])
    close(shot.a[1][0], hand["h"])
    close(shot.z[1][0], hand["z_o"])
    close(shot.outputs[0], hand["p"])
    close(shot.losses, [hand["E"]])
    assert shot.label_output(0) == pytest.approx(hand["p"][2], abs=EXACT)
    close(shot.targets, [[0.0, 0.0, 1.0]])
    close(shot.delta[1][0], hand["delta_o"])
    close(shot.delta[0][0], hand["delta_h"])
    close(shot.flat_gradient(), flat(hand))
    close(shot.step.change, -LR * flat(hand))  # the one-sample step: −η·∂E/∂p
    batch = explain_samples(state, [0, 1, 2])
    close(batch.flat_gradient(), mean_hand_gradient())


def test_the_chain_rule_of_an_output_weight_is_a_times_p_minus_y_and_a_hidden_one_sums_the_classes() -> None:
    shot = explain_samples(hand_trainer().state(), [0])
    hand = by_hand(*ROWS[0][:2], 2)
    for k in range(3):
        rule = chain_rule(shot, layer=1, row=1, neuron=k)  # w(h2 → class k)
        assert (rule.is_output, rule.multiclass, rule.terms) == (True, True, ())
        assert rule.y == (1.0 if k == 2 else 0.0) and rule.p == pytest.approx(hand["p"][k], abs=EXACT)
        assert rule.error == pytest.approx(hand["p"][k] - rule.y, abs=EXACT)  # p_k − y_k, no f′
        assert rule.gradient == pytest.approx(hand["h"][1] * hand["delta_o"][k], abs=EXACT)
        assert rule.output == pytest.approx(hand["p"][2], abs=EXACT) and rule.loss == pytest.approx(hand["E"])
    markdown = chain_rule_markdown(chain_rule(shot, 1, 1, 0), "w(h1.2→class 0)", "class 0")
    assert "a_i × (p_j − y_j)" in markdown and "f′(z_j)" not in markdown
    hidden = chain_rule(shot, layer=0, row=0, neuron=1)  # w(x1 → h2): Σ over the three classes
    assert hidden.feeds_classes and len(hidden.terms) == 3
    for term in hidden.terms:
        assert term.product == pytest.approx(W1[1][term.neuron] * hand["delta_o"][term.neuron], abs=EXACT)
    assert hidden.error == pytest.approx(sum(W1[1][k] * hand["delta_o"][k] for k in range(3)), abs=EXACT)
    assert hidden.gradient == pytest.approx(ROWS[0][0] * hand["delta_h"][1], abs=EXACT)
    assert "k = class 2" in chain_rule_markdown(hidden, "w(X₁→h1.2)", "h1.2")


@pytest.mark.parametrize("engine", ["default", "numpy"])
def test_l2_adds_lr_times_rate_times_w_to_the_weights_only(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if engine == "numpy":
        use_numpy_engine(monkeypatch)
    rate = 0.01
    trainer = hand_trainer(regularization="l2", regularization_rate=rate)
    before = trainer.network.params.copy()
    trainer.train(1)
    # The trainer steps the loss first, then the penalty from the weights it had before the step.
    expected = -LR * mean_hand_gradient() - LR * rate * before * trainer.network.weight_mask
    close(trainer.network.params - before, expected)


# ---------------------------------------------------------------- determinism


def run(seed: int, epochs: int = 30) -> Trainer:
    config = Config(problem="multiclass", classes=4, dataset="spiral", hidden=(6, 4), batch_size=7, noise=10,
                    optimizer="adam", learning_rate=0.01, regularization="l1", regularization_rate=0.001, seed=seed)
    trainer = Trainer(config, make_data(config))
    trainer.train(epochs)
    return trainer


def test_the_same_config_and_seed_give_the_same_multiclass_run() -> None:
    first, second = run(5), run(5)
    np.testing.assert_array_equal(first.data.train, second.data.train)
    np.testing.assert_array_equal(first.data.test, second.data.test)
    np.testing.assert_array_equal(first.network.params, second.network.params)
    for name, column in first.history.to_columns().items():
        np.testing.assert_array_equal(column, second.history.to_columns()[name], err_msg=name)
    third = run(6)
    assert not np.array_equal(first.data.train, third.data.train)
    assert not np.array_equal(first.network.params, third.network.params)
