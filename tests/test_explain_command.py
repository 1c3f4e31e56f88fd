"""`playground explain`: the worked example of one sample, as JSON (checked against the reference
in tests/data/, computed by independent code) and as Markdown (the chain rule with real numbers);
--out, refusals in one line, and one run of the installed console script."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground import explain_command
from playground.cli import main
from playground.engine.chain_rule import chain_rule
from playground.engine.config import Config
from playground.engine.data import SplitData, make_data
from playground.engine.experiment import read_experiment, save_experiment, write_experiment
from playground.engine.explain import (
    Names,
    explain_document,
    explain_markdown,
    factor,
    number,
    steepest_weight,
)
from playground.engine.network import Network
from playground.engine.shot import explain_points, explain_samples, parameter_index
from playground.engine.trainer import Trainer
from tests.test_train_cli import assert_one_error_line

DATA = Path(__file__).resolve().parent / "data"
EXPERIMENT = DATA / "explain_example_experiment.json"
ANSWER = DATA / "explain_example_train5.json"
NUMBERS = 1e-12  # every z, a, δ, gradient, loss and step
CHECK = 1e-8  # the central differences carry the round-off of E(p ± h)
GUNNER = ("## Aim", "## Fire", "## Miss", "## Blame", "## Check", "## Correct", "## Fire again")


def explain(*args: str) -> int:
    return main(["explain", *args])


def assert_same_document(actual, expected, path: str = "") -> None:
    """The same keys at every level, lists of the same lengths, numbers within tolerance."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), path
        for key in expected:
            assert_same_document(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_same_document(a, e, f"{path}[{i}]")
    elif isinstance(expected, str):
        assert actual == expected, path
    else:
        tolerance = CHECK if path.startswith(".check") else NUMBERS
        assert isinstance(actual, float) and math.isfinite(actual), path
        assert abs(actual - expected) <= tolerance, (path, actual, expected)


def shot_5():
    return explain_samples(read_experiment(EXPERIMENT), [5])


# ---------------------------------------------------------------- JSON

def test_json_reproduces_the_reference(capsys: pytest.CaptureFixture[str]) -> None:
    assert explain("--from", str(EXPERIMENT), "--sample", "train:5", "--format", "json") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert_same_document(json.loads(out), json.loads(ANSWER.read_text(encoding="utf-8")))


def test_json_round_trips_and_equals_the_in_process_document(capsys: pytest.CaptureFixture[str]) -> None:
    explain("--from", str(EXPERIMENT), "--sample", "train:5", "--format", "json")
    out = capsys.readouterr().out
    document = explain_document(shot_5())
    assert json.loads(out) == document  # every float exactly: JSON carries repr's shortest round-trip form
    assert out == json.dumps(document, indent=1, allow_nan=False, ensure_ascii=False) + "\n"


def test_json_numbers_are_the_engines_arrays(capsys: pytest.CaptureFixture[str]) -> None:
    explain("--from", str(EXPERIMENT), "--sample", "train:5", "--format", "json")
    document = json.loads(capsys.readouterr().out)
    shot = shot_5()
    for layer, part in enumerate(document["layers"]):
        np.testing.assert_array_equal(part["z"], shot.z[layer][0])
        np.testing.assert_array_equal(part["delta"], shot.delta[layer][0])
        np.testing.assert_array_equal(part["weight_gradients"], shot.weight_gradients[layer])
        assert np.shape(part["weight_gradients"]) == shot.weights[layer].shape  # n_in rows × n_out
    assert document["loss"] == shot.loss and document["step"]["loss_after"] == shot.step.loss_after
    assert document["check"]["max_relative_error"] < 1e-6


def test_a_test_sample_and_a_point_of_ones_own(capsys: pytest.CaptureFixture[str]) -> None:
    state = read_experiment(EXPERIMENT)
    explain("--from", str(EXPERIMENT), "--sample", "test:3", "--format", "json")
    test_3 = json.loads(capsys.readouterr().out)
    x, y, label = state.data.test[3]
    assert test_3["sample"] == {"x": x, "y": y, "label": label}
    assert test_3 == explain_document(explain_points(state, state.data.test[3:4]))
    assert test_3["step"]["loss_after"] != test_3["loss"]  # the step of this one shot, not applied anywhere
    explain("--from", str(EXPERIMENT), "--point=-1.5,0.25,-1", "--format", "json")
    point = json.loads(capsys.readouterr().out)
    assert point["sample"] == {"x": -1.5, "y": 0.25, "label": -1.0}
    assert point == explain_document(explain_points(state, np.array([[-1.5, 0.25, -1.0]])))
    x, y, label = (float(v) for v in state.data.train[5])
    explain("--from", str(EXPERIMENT), "--point", f"{x!r},{y!r},{label!r}", "--format", "json")
    assert json.loads(capsys.readouterr().out) == explain_document(shot_5())  # a training point by hand


def test_the_default_sample_is_train_0_and_the_default_format_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    explain("--from", str(EXPERIMENT))
    default = capsys.readouterr().out
    explain("--from", str(EXPERIMENT), "--sample", "train:0", "--format", "markdown")
    assert default == capsys.readouterr().out
    assert default.startswith("# Backpropagation, worked: training sample 0\n")


def test_help_names_the_default_sample(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        explain("--help")
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "default train:0" in out and "--point" in out and "markdown" in out


# ---------------------------------------------------------------- Markdown

def test_markdown_writes_the_chain_rule_with_the_real_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    explain("--from", str(EXPERIMENT), "--sample", "train:5")
    text = capsys.readouterr().out
    shot = shot_5()
    assert text == explain_markdown(shot, name="training sample 5")
    # The worked numbers, as a reader checks them with a calculator (4 significant digits).
    assert "E = ½(out − t)² = ½(−0.004521 − 1)² = ½·(−1.005)² = 0.5045" in text
    assert "4.011 × 0.2129 × 0.08217 = 0.07019" in text  # w(X₁→h1.2): a × f′(z) × Σ
    assert "0.8872 × 0.8385 × (−0.2567) = −0.191" in text  # w(h1.2→h2.1)
    assert "(−0.4019) × 1 × (−1.005) = 0.4037" in text  # w(h2.1→out): a × f′(z) × (out − t)
    assert "| h2.1 | −0.3138 | −0.2153 | 0.06755 |" in text  # a row of the Σ: w, δ, w·δ
    assert "| **Σ** |  |  | **0.08217** |" in text
    assert "E 0.5045 → 0.3768" in text
    for layer in range(shot.n_layers):  # and in general: every factor the engine computed
        rule = chain_rule(shot, layer, *steepest_weight(shot, layer))
        factors = f"{factor(rule.a_in)} × {factor(rule.slope)} × {factor(rule.error)} = {number(rule.gradient)}"
        assert factors in text
        for term in rule.terms:
            assert f"| {number(term.weight)} | {number(term.delta)} | {number(term.product)} |" in text


def test_markdown_tells_the_gunners_story_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    explain("--from", str(EXPERIMENT), "--sample", "train:5")
    text = capsys.readouterr().out
    places = [text.index(heading) for heading in GUNNER]
    assert places == sorted(places)
    blame = text[text.index("## Blame"):text.index("## Check")]
    layers = [blame.index(f"### Blame at {name}") for name in ("the output layer", "hidden layer 2", "hidden layer 1")]
    assert layers == sorted(layers)  # the last layer first
    assert "is 2.87×10⁻⁹ ✓" in text  # the largest relative error of the gradient check
    assert "| w(h2.1→out) | 0.2556 | 0.4037 | 0.2152 | −0.04037 |" in text  # before, ∂E/∂p, after, change


@pytest.mark.parametrize(("optimizer", "regularization", "needles"), [
    ("momentum", "l2", ("velocity v after", "v ← 0.9·v + ∂E/∂p", "Then L2 regularization")),
    ("adam", "l1", ("m after", "v after", "t goes 0 → 1", "a weight this step pushes across 0 dies")),
    ("sgd", "l1", ("1 weight is dead after this step (L1 set it to 0)",)),
])
def test_markdown_shows_the_optimizers_state(optimizer: str, regularization: str, needles) -> None:
    config = Config(dataset="xor", hidden=(3,), optimizer=optimizer, regularization=regularization,
                    regularization_rate=0.001)
    trainer = Trainer(config, make_data(config))
    if optimizer == "sgd":  # h1.1 silent (a = tanh(0) = 0): its tiny outgoing weight gets ∂E/∂w = 0, L1 kills it
        for row in range(3):
            trainer.set_parameter(0, row, 0, 0.0)
        trainer.set_parameter(1, 0, 0, 1e-9)
    text = explain_markdown(explain_samples(trainer.state(), [0]))
    for needle in needles:
        assert needle in text


def test_markdown_of_a_large_network_stays_readable() -> None:
    config = Config(dataset="spiral", hidden=(8, 8, 8, 8, 8, 8), activation="relu",
                    features=("x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"))
    shot = explain_samples(Trainer(config, make_data(config)).state(), [3])
    text = explain_markdown(shot)
    changed = np.count_nonzero(shot.step.change)
    assert 30 < changed <= Network((7, 8, 8, 8, 8, 8, 8, 1), "relu", "tanh").size
    assert f"The 12 largest of {changed:,} changes." in text
    assert "… (3 more)" in text  # z = Σ a·w + b is written out for 4 inputs of 7, then "…"
    assert "max(0, " in text
    assert len(text.splitlines()) < 800  # tables stop at 8 rows and 8 columns


def test_a_regression_point_and_one_layer_network() -> None:
    config = Config(problem="regression", dataset="plane", hidden=())
    state = Trainer(config, make_data(config)).state()
    text = explain_markdown(explain_points(state, np.array([[1.0, -2.0, 0.75]])))
    assert text.startswith("# Backpropagation, worked: the point (1, −2)\n")
    assert "in the hidden layers" not in text and "f(z) = z at the output" in text
    assert "The sum, one row" not in text  # no hidden layer: no Σ


def test_a_mini_batch_is_not_a_worked_example() -> None:
    shot = explain_samples(read_experiment(EXPERIMENT), [4, 5, 6, 7])
    with pytest.raises(ValueError, match="this shot has 4 .allowed: 1."):
        explain_document(shot)
    with pytest.raises(ValueError, match="allowed: 1"):
        explain_markdown(shot)


@pytest.mark.parametrize(("value", "text"), [
    (0.07018684, "0.07019"), (-0.2426, "−0.2426"), (2.870229e-9, "2.87×10⁻⁹"), (1e-5, "1×10⁻⁵"),
    (123456.0, "1.235×10⁵"), (1.0, "1"), (float("nan"), "NaN"), (float("-inf"), "−∞"),
])
def test_numbers_for_a_student(value: float, text: str) -> None:
    assert number(value) == text


# ---------------------------------------------------------------- --out

def test_out_writes_the_file_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "worked.json"
    target.write_text("old", encoding="utf-8")
    written = []
    real = explain_command.atomic_write_text

    def spy(path: str, text: str) -> None:
        written.append(path)
        real(path, text)

    monkeypatch.setattr(explain_command, "atomic_write_text", spy)
    assert explain("--from", str(EXPERIMENT), "--sample", "train:5", "--format", "json", "--out", str(target)) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (f"wrote {target}\n", "")
    assert written == [str(target)]
    assert json.loads(target.read_text(encoding="utf-8")) == explain_document(shot_5())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["worked.json"]  # no temporary file left


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "worked.md"
    target.write_text("old", encoding="utf-8")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(SystemExit) as info:
        explain("--from", str(EXPERIMENT), "--out", str(target))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert_one_error_line(err)
    assert f"cannot write worked example '{target}': No space left on device" in err
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["worked.md"]


def _file(path: Path) -> Path:
    path.write_text("not a folder", encoding="utf-8")
    return path


BAD_OUT = {
    "missing folder": (lambda p: p / "no" / "e.md", "No such file or directory"),
    "an existing folder": (lambda p: p, "Is a directory"),
    "a folder that is a file": (lambda p: _file(p / "f") / "e.md", "Not a directory"),
    "a device": (lambda p: "/dev/null", "not a regular file"),
}


@pytest.mark.parametrize(("make_path", "reason"), BAD_OUT.values(), ids=BAD_OUT.keys())
def test_a_bad_out_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], make_path, reason: str) -> None:
    out = str(make_path(tmp_path))
    if out == "/dev/null" and not Path(out).exists():
        pytest.skip("no /dev/null here")

    def no_work(path: str):
        raise AssertionError("the experiment was read before --out was checked")

    monkeypatch.setattr(explain_command, "load_state", no_work)
    with pytest.raises(SystemExit) as info:
        explain("--from", str(EXPERIMENT), "--out", out)
    assert info.value.code == 2
    out_text, err = capsys.readouterr()
    assert out_text == ""
    assert_one_error_line(err)
    assert err.startswith(f"error: cannot write worked example '{out}': {reason}")


# ---------------------------------------------------------------- refusals

def _config_file(path: Path) -> str:
    Config().save(path / "cfg.json")
    return str(path / "cfg.json")


def _not_json(path: Path) -> str:
    (path / "x.json").write_text("weights: many\n", encoding="utf-8")
    return str(path / "x.json")


def _experiment_of(path: Path, config: Config) -> str:
    save_experiment(Trainer(config, make_data(config)), path / "e.json")
    return str(path / "e.json")


def _overflowing(path: Path) -> str:
    """Finite weights so large that this sample's numbers overflow (linear: nothing saturates)."""
    config = Config(problem="regression", dataset="plane", hidden=(2,), activation="linear")
    state = Trainer(config, make_data(config)).state()
    huge = np.full_like(state.params, 1e200)
    from dataclasses import replace

    write_experiment(replace(state, params=huge, history={k: np.zeros(1) for k in state.history}), path / "big.json")
    return str(path / "big.json")


REFUSALS = {
    "train:999": (lambda p: ["--sample", "train:999"],
                  "--sample train:999 does not exist; the training set has 12 points; allowed: train:0 … train:11"),
    "test:8": (lambda p: ["--sample", "test:8"], "the test set has 8 points; allowed: test:0 … test:7"),
    "test:x": (lambda p: ["--sample", "test:x"], "--sample 'test:x' is not allowed; allowed: train:K or test:K"),
    "foo": (lambda p: ["--sample", "foo"], "--sample 'foo' is not allowed"),
    "train:-1": (lambda p: ["--sample=train:-1"], "--sample 'train:-1' is not allowed"),
    "point of two numbers": (lambda p: ["--point", "1,2"], "--point '1,2' is not allowed; allowed: three numbers"),
    "point of four numbers": (lambda p: ["--point", "1,2,1,1"], "--point '1,2,1,1' is not allowed"),
    "point not numbers": (lambda p: ["--point", "a,b,c"], "--point 'a,b,c' is not allowed"),
    "point nan": (lambda p: ["--point", "nan,0,1"], "--point 'nan,0,1' is not allowed"),
    "point label 0.5": (lambda p: ["--point", "1,2,0.5"],
                        "--point label 0.5 is not a class; allowed: -1 or 1"),
    "sample and point": (lambda p: ["--sample", "train:1", "--point", "1,2,1"], "not allowed with argument"),
    "format xml": (lambda p: ["--format", "xml"], "--format: invalid choice: 'xml'"),
    "missing from file": (lambda p: ["--from", str(p / "missing.json")], "missing.json"),
    "not JSON": (lambda p: ["--from", _not_json(p)], "x.json"),
    "a config file": (lambda p: ["--from", _config_file(p)], "looks like a config, not an experiment; allowed: "),
    "too large to check": (lambda p: ["--from", _experiment_of(p, Config(hidden=(200, 100)))],
                           "the network's 20,801 parameters; allowed: networks of up to 20,000"),
    "overflowing numbers": (lambda p: ["--from", _overflowing(p)], "the network diverges on this sample"),
}


@pytest.mark.parametrize(("make_args", "needle"), REFUSALS.values(), ids=REFUSALS.keys())
def test_bad_input_exits_2_with_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               make_args, needle: str) -> None:
    args = make_args(tmp_path)
    if "--from" not in args:
        args = ["--from", str(EXPERIMENT), *args]
    with pytest.raises(SystemExit) as info:
        explain(*args)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_error_line(err)
    assert needle in err


def test_without_from_it_says_what_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        explain("--sample", "train:0")
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert_one_error_line(err)
    assert "--from" in err


def test_an_empty_test_set_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = Config(dataset="xor", hidden=(2,))
    trainer = Trainer(config, SplitData(make_data(config).train[:5], np.zeros((0, 3))))
    save_experiment(trainer, tmp_path / "e.json")
    with pytest.raises(SystemExit):
        explain("--from", str(tmp_path / "e.json"), "--sample", "test:0")
    err = capsys.readouterr().err
    assert_one_error_line(err)
    assert "the test set of this experiment is empty" in err


def test_a_diverged_network_is_refused(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from dataclasses import replace

    state = read_experiment(EXPERIMENT)
    params = state.params.copy()
    params[3] = np.inf
    monkeypatch.setattr(explain_command, "read_experiment", lambda path: replace(state, params=params))
    with pytest.raises(SystemExit) as info:
        explain("--from", str(EXPERIMENT))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert_one_error_line(err)
    assert "has diverged (a weight is NaN or infinite)" in err


# ---------------------------------------------------------------- the installed console script

def test_the_console_script_explains_the_reference(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("playground")
    if not script.exists():
        pytest.skip("the playground console script is not installed beside this Python")
    result = subprocess.run(
        [str(script), "explain", "--from", str(EXPERIMENT), "--sample", "train:5", "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert_same_document(json.loads(result.stdout), json.loads(ANSWER.read_text(encoding="utf-8")))


def test_parameter_names_follow_the_flat_layout() -> None:
    shot = shot_5()
    names = Names(shot, ("x1", "x2", "sin_x1"))
    flat = names.flat()
    assert len(flat) == len(shot.flat_gradient()) == len(set(flat))
    for layer, (n_in, n_out) in enumerate(zip(shot.layer_sizes[:-1], shot.layer_sizes[1:])):
        for neuron in range(n_out):
            for row in range(n_in + 1):
                index = parameter_index(shot.layer_sizes, layer, row, neuron)
                assert flat[index] == names.parameter(layer, row, neuron)
    assert flat[:4] == ["w(X₁→h1.1)", "w(X₂→h1.1)", "w(sin(X₁)→h1.1)", "b(h1.1)"]
    assert flat[-1] == "b(out)"
