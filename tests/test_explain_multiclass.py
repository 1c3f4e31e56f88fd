"""`playground explain` on a multiclass experiment (tests/data/multiclass_example_epoch0.json: 3
classes, hidden [4] tanh, SGD at 0.1 with L2 at 0.001).

Every number of the JSON is checked against this file's own forward pass, read straight from the
experiment's JSON (not the engine's network): the softmax probabilities, E = −ln p_label, δ at the
output = p − onehot, the gradients against central differences of that forward pass, and the SGD
step. The Markdown must start the chain rule from p − onehot with the real numbers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from playground.cli import main
from playground.engine.experiment import read_experiment
from playground.engine.explain import explain_document
from playground.engine.number_text import number
from playground.engine.shot import explain_points, explain_samples
from tests.test_train_cli import assert_one_error_line

EXPERIMENT = Path(__file__).resolve().parent / "data" / "multiclass_example_epoch0.json"
RAW = json.loads(EXPERIMENT.read_text(encoding="utf-8"))
H = 1e-6
GUNNER = ("## Aim", "## Fire", "## Miss", "## Blame", "## Check", "## Correct", "## Fire again")


def explain_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["explain", "--from", str(EXPERIMENT), "--format", "json", *args]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return json.loads(out)


def raw_params() -> list[np.ndarray]:
    """[W0 (2, 4), b0 (4,), W1 (4, 3), b1 (3,)] as the experiment file writes them."""
    net = RAW["network"]
    return [np.array(net["weights"][0]), np.array(net["biases"][0]), np.array(net["weights"][1]),
            np.array(net["biases"][1])]


def forward(params: list[np.ndarray], x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
    """(hidden a (4,), p (3,)): features x1, x2; tanh; softmax written out."""
    w0, b0, w1, b1 = params
    hidden = np.tanh(np.array([x, y]) @ w0 + b0)
    z = hidden @ w1 + b1
    e = np.exp(z - z.max())
    return hidden, e / e.sum()


def loss(params: list[np.ndarray], x: float, y: float, label: int) -> float:
    return -math.log(forward(params, x, y)[1][label])


def central_differences(params: list[np.ndarray], x: float, y: float, label: int) -> list[np.ndarray]:
    grads = []
    for array in params:
        grad = np.empty_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + H
            plus = loss(params, x, y, label)
            array[index] = saved - H
            minus = loss(params, x, y, label)
            array[index] = saved
            grad[index] = (plus - minus) / (2 * H)
        grads.append(grad)
    return grads


@pytest.mark.parametrize("row", [0, 3, 11])
def test_json_numbers_agree_with_an_independent_forward_pass(row: int, capsys: pytest.CaptureFixture[str]) -> None:
    doc = explain_json(capsys, "--sample", f"train:{row}")
    x, y, label = RAW["data"]["train"][row]
    label = int(label)
    assert doc["sample"] == {"x": x, "y": y, "label": label}  # the class index, a whole number
    params = raw_params()
    hidden, p = forward(params, x, y)
    onehot = np.eye(3)[label]
    # The output is the K probabilities, with the one-hot target and the class the network answers.
    np.testing.assert_allclose(doc["output"], p, rtol=0, atol=1e-15)
    assert doc["target"] == onehot.tolist()
    assert doc["predicted"] == int(np.argmax(p))
    assert doc["loss"] == pytest.approx(-math.log(p[label]), abs=1e-14)
    assert list(doc) == ["sample", "inputs", "layers", "output", "target", "predicted", "loss", "check", "step"]
    # Blame starts from δ = p − onehot, every output neuron its own δ; ∂E/∂W1 = outer(a, δ).
    out = doc["layers"][1]
    np.testing.assert_allclose(out["a"], p, rtol=0, atol=1e-15)
    np.testing.assert_allclose(out["delta"], p - onehot, rtol=0, atol=1e-15)
    np.testing.assert_allclose(out["weight_gradients"], np.outer(hidden, p - onehot), rtol=0, atol=1e-15)
    np.testing.assert_allclose(out["bias_gradients"], p - onehot, rtol=0, atol=1e-15)
    # Hidden δ_j = (1 − a_j²) Σ_k W1[j, k] δ_k: the Σ runs over the three classes.
    hidden_delta = (1 - hidden**2) * (params[2] @ (p - onehot))
    np.testing.assert_allclose(doc["layers"][0]["delta"], hidden_delta, rtol=0, atol=1e-15)
    # Every gradient against this file's own central differences.
    numeric = central_differences(params, x, y, label)
    for layer in range(2):
        np.testing.assert_allclose(doc["layers"][layer]["weight_gradients"], numeric[2 * layer], rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(doc["layers"][layer]["bias_gradients"], numeric[2 * layer + 1], rtol=1e-6, atol=1e-9)
    assert doc["check"]["max_relative_error"] < 1e-6


def test_json_step_is_sgd_with_l2_and_fires_again(capsys: pytest.CaptureFixture[str]) -> None:
    doc = explain_json(capsys, "--sample", "train:3")
    config = RAW["config"]
    lr, rate = config["learning_rate"], config["regularization_rate"]
    assert (config["optimizer"], config["regularization"], doc["step"]["optimizer"]) == ("sgd", "l2", "sgd")
    params = raw_params()
    after = []
    for layer in range(2):
        w, b = params[2 * layer], params[2 * layer + 1]
        g_w, g_b = np.array(doc["layers"][layer]["weight_gradients"]), np.array(doc["layers"][layer]["bias_gradients"])
        w_after = w - lr * g_w - lr * rate * w  # the loss step, then L2 on the weights it had
        np.testing.assert_allclose(doc["step"]["weights"][layer], w_after, rtol=0, atol=1e-15)
        np.testing.assert_allclose(doc["step"]["biases"][layer], b - lr * g_b, rtol=0, atol=1e-15)
        after += [w_after, b - lr * g_b]
    x, y, label = RAW["data"]["train"][3]
    p_after = forward(after, x, y)[1]
    np.testing.assert_allclose(doc["step"]["output_after"], p_after, rtol=0, atol=1e-14)
    assert doc["step"]["predicted_after"] == int(np.argmax(p_after))
    assert doc["step"]["loss_after"] == pytest.approx(-math.log(p_after[int(label)]), abs=1e-13)
    assert doc["step"]["loss_after"] < doc["loss"]  # this shot's step helps its own sample


def test_a_test_sample_and_a_point_with_a_class_index(capsys: pytest.CaptureFixture[str]) -> None:
    state = read_experiment(EXPERIMENT)
    test_2 = explain_json(capsys, "--sample", "test:2")
    assert test_2 == explain_document(explain_points(state, state.data.test[2:3]))
    point = explain_json(capsys, "--point=-1.5,0.25,2")
    assert point["sample"] == {"x": -1.5, "y": 0.25, "label": 2}
    assert point["target"] == [0.0, 0.0, 1.0]
    assert point == explain_document(explain_points(state, np.array([[-1.5, 0.25, 2.0]])))


@pytest.mark.parametrize("label", ["3", "-1", "1.5"])
def test_a_point_whose_label_is_not_a_class_is_refused(label: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["explain", "--from", str(EXPERIMENT), f"--point=0.5,0.5,{label}"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert_one_error_line(err)
    assert "allowed: the class indices 0 to 2" in err


def test_markdown_starts_the_chain_rule_from_p_minus_onehot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--from", str(EXPERIMENT), "--sample", "train:3"]) == 0
    text = capsys.readouterr().out
    positions = [text.index(head) for head in GUNNER]
    assert positions == sorted(positions)
    shot = explain_samples(read_experiment(EXPERIMENT), [3])
    p, label = shot.outputs[0], int(shot.labels[0])
    delta = p - np.eye(3)[label]
    vector = "(" + ", ".join(number(v) for v in p) + ")"
    assert f"label class {label}" in text and "E = −ln p_label" in text
    assert f"p = {vector}" in text
    assert f"E = −ln p_{label} = −ln {number(p[label])} = {number(shot.losses[0])}" in text
    onehot = "(" + ", ".join("1" if k == label else "0" for k in range(3)) + ")"
    assert f"∂E/∂z = p − y = {vector} − {onehot} = (" + ", ".join(number(v) for v in delta) + ")" in text
    assert "| neuron | z | p | y | δ = p − y |" in text
    # The output weight's chain rule: a × (p_k − y_k), no f′; the hidden one sums the classes' δs.
    assert "× (p(class " in text and "f′(z(class" not in text
    assert "| class 0 |" in text and "one row per class k" in text
    # Fire again: p of the label and E, before → after.
    after = shot.step.outputs_after[0, label]
    assert f"p_{label} {number(p[label])} → {number(after)}" in text
    assert f"E {number(shot.losses[0])} → {number(shot.step.losses_after[0])}" in text


def test_the_worked_example_of_every_training_sample_is_finite_and_checks(capsys: pytest.CaptureFixture[str]) -> None:
    state = read_experiment(EXPERIMENT)
    for row in range(len(state.data.train)):
        doc = explain_document(explain_samples(state, [row]))
        assert doc["check"]["max_relative_error"] < 1e-6
        assert sum(doc["output"]) == pytest.approx(1.0, abs=1e-15)
