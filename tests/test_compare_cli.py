"""`playground compare`: one experiment forked into runs A and B, trained headless side by side."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground import compare_command
from playground.cli import main
from playground.engine.experiment import load_experiment, read_experiment
from playground.engine.history import HISTORY_COLUMNS
from playground.engine.trainer import Trainer
from playground.engine.trainer_state import TrainerState

DATA = Path(__file__).parent / "data"
MULTICLASS = DATA / "multiclass_example_epoch0.json"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def experiment(in_tmp: Path) -> Path:
    """An xor experiment trained 20 epochs: optimizer state, a carried remainder and history to fork."""
    assert main(["train", "--dataset", "xor", "--batch-size", "7", "--optimizer", "momentum",
                 "--epochs", "20", "--out", "exp.json", "--quiet"]) == 0
    return in_tmp / "exp.json"


def compare(*args: str) -> int:
    return main(["compare", *args])


def assert_one_error_line(err: str) -> None:
    assert err.startswith("error: "), err
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "Traceback" not in err


def assert_same_trainer(a: Trainer, b: Trainer) -> None:
    assert a.state().is_identical_to(b.state())


def assert_same_state(a: TrainerState, b: TrainerState) -> None:
    assert a.config == b.config and a.epoch == b.epoch
    for name in ("params", "dead", "pending_sum", "last_sum"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.pending_count == b.pending_count and a.last_count == b.last_count
    assert set(a.optimizer) == set(b.optimizer)
    for key in a.optimizer:
        assert np.array_equal(a.optimizer[key], b.optimizer[key]), key
    for name in HISTORY_COLUMNS:
        assert np.array_equal(a.history[name], b.history[name], equal_nan=True), name


# ---------------------------------------------------------------- the two sides

def test_side_a_without_overrides_is_playground_train_bit_for_bit(
    experiment: Path, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert compare("--from", str(experiment), "--b-learning-rate", "0.1", "--epochs", "40",
                   "--out-a", "A.json", "--out-b", "B.json", "--quiet") == 0
    assert main(["train", "--from", str(experiment), "--epochs", "40", "--out", "T.json", "--quiet"]) == 0
    assert (in_tmp / "A.json").read_bytes() == (in_tmp / "T.json").read_bytes()
    out = capsys.readouterr().out.splitlines()
    train_summary = out[-2]  # the train run's summary, then 'saved T.json'
    a_line = next(line for line in out if line.startswith("A "))
    # the same figures, up to the speed
    assert a_line.split(": ", 1)[1].rsplit(";", 1)[0] == train_summary.rsplit(";", 1)[0]


def test_side_b_with_its_own_learning_rate_differs(experiment: Path, in_tmp: Path) -> None:
    assert compare("--from", str(experiment), "--b-learning-rate", "0.1", "--epochs", "40",
                   "--out-a", "A.json", "--out-b", "B.json", "--quiet") == 0
    a, b = load_experiment(in_tmp / "A.json"), load_experiment(in_tmp / "B.json")
    assert a.config.learning_rate == 0.03 and b.config.learning_rate == 0.1
    assert a.epoch == b.epoch == 60
    assert not np.array_equal(a.network.params, b.network.params)
    assert a.config.replace(learning_rate=0.1) == b.config


def test_both_sides_start_from_the_same_state(experiment: Path, in_tmp: Path) -> None:
    assert compare("--from", str(experiment), "--b-learning-rate", "0.1", "--b-optimizer", "adam",
                   "--b-batch-size", "3", "--epochs", "1", "--out-a", "A.json", "--out-b", "B.json", "--quiet") == 0
    state = read_experiment(experiment)
    by_hand_a = Trainer.from_state(state)
    by_hand_a.train(1)
    by_hand_b = Trainer.from_state(state)
    by_hand_b.set_hyperparameters(learning_rate=0.1, optimizer="adam", batch_size=3)
    by_hand_b.train(1)
    assert_same_state(read_experiment(in_tmp / "A.json"), by_hand_a.state())
    assert_same_state(read_experiment(in_tmp / "B.json"), by_hand_b.state())


def test_another_activation_keeps_the_weights_and_the_training_state(experiment: Path, in_tmp: Path) -> None:
    assert compare("--from", str(experiment), "--b-activation", "relu", "--epochs", "0",
                   "--out-a", "A0.json", "--out-b", "B0.json", "--quiet") == 0
    assert compare("--from", str(experiment), "--b-activation", "relu", "--epochs", "1",
                   "--out-b", "B1.json", "--quiet") == 0
    state = read_experiment(experiment)
    start = read_experiment(in_tmp / "B0.json")
    assert start.config == state.config.replace(activation="relu")
    assert np.array_equal(start.params, state.params)
    assert np.array_equal(start.pending_sum, state.pending_sum)
    assert np.array_equal(start.optimizer["velocity"], state.optimizer["velocity"])
    assert_same_state(read_experiment(in_tmp / "A0.json"), state)
    by_hand = Trainer.from_state(dataclasses.replace(state, config=state.config.replace(activation="relu")))
    by_hand.reevaluate()  # the current row is the relu network's
    assert by_hand.history.last("train_loss") == start.history["train_loss"][-1]
    by_hand.train(1)
    assert_same_state(read_experiment(in_tmp / "B1.json"), by_hand.state())


def test_a_multiclass_experiment_compares(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert compare("--from", str(MULTICLASS), "--b-regularization", "l1", "--b-regularization-rate", "0.01",
                   "--epochs", "30", "--out-a", "A.json", "--out-b", "B.json", "--quiet") == 0
    assert main(["train", "--from", str(MULTICLASS), "--epochs", "30", "--out", "T.json", "--quiet"]) == 0
    assert (in_tmp / "A.json").read_bytes() == (in_tmp / "T.json").read_bytes()
    b = load_experiment(in_tmp / "B.json")
    assert (b.config.problem, b.config.regularization, b.epoch) == ("multiclass", "l1", 30)
    out = capsys.readouterr().out
    assert "A (regularization l2, regularization rate 0.001): epoch 30: " in out
    assert "B (regularization l1, regularization rate 0.01): epoch 30: " in out
    assert "confusion (rows true 0…2; columns predicted 0…2)" in out


# ---------------------------------------------------------------- what is printed and written

def test_summaries_verdict_and_files(experiment: Path, in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert compare("--from", str(experiment), "--b-learning-rate", "0.3", "--epochs", "25",
                   "--out-a", "A.json", "--out-b", "B.json", "--quiet") == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == ""
    assert lines[0].startswith("A (learning rate 0.03): epoch 45: train loss ")
    assert lines[1].startswith("B (learning rate 0.3): epoch 45: train loss ")
    a, b = (load_experiment(in_tmp / name).last_result() for name in ("A.json", "B.json"))
    low, high, low_loss, high_loss = ("A", "B", a.test_loss, b.test_loss) if a.test_loss < b.test_loss \
        else ("B", "A", b.test_loss, a.test_loss)
    assert lines[2] == f"{low} ended with the lower test loss: {low_loss:.4f} against {high}'s {high_loss:.4f}"
    assert lines[3:] == ["saved A.json", "saved B.json"]
    assert f"test loss {a.test_loss:.4f}" in lines[0] and f"test loss {b.test_loss:.4f}" in lines[1]


def test_identical_sides_end_level(experiment: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert compare("--from", str(experiment), "--epochs", "5", "--quiet") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("A: epoch 25: ") and lines[1].startswith("B: epoch 25: ")
    assert lines[2].startswith("A and B ended with the same test loss: ")


def test_a_diverged_side_is_reported_and_not_saved(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--problem", "regression", "--activation", "relu", "--epochs", "5",
                 "--out", "reg.json", "--quiet"]) == 0
    capsys.readouterr()
    assert compare("--from", "reg.json", "--b-learning-rate", "10", "--epochs", "50",
                   "--out-a", "A.json", "--out-b", "B.json", "--quiet") == 1
    out, err = capsys.readouterr()
    assert "A ended with the lower test loss: " in out and "(B diverged)" in out
    assert "saved A.json" in out and "B.json" not in out
    assert err.startswith("warning: B: Training diverged at epoch ")
    assert "warning: B: not saved to 'B.json'" in err
    assert (in_tmp / "A.json").exists() and not (in_tmp / "B.json").exists()
    assert load_experiment(in_tmp / "A.json").epoch == 55


# ---------------------------------------------------------------- refusals, before any training

@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--b-seed", "3"], "--b-seed is not a per-side setting"),
        (["--a-hidden", "3"], "--a-hidden is not a per-side setting"),
        (["--seed", "3"], "--seed is not a per-side setting"),
        (["--b-speed", "3"], "--b-speed is not a known option"),
        (["--b-learning-rate", "abc"], "--b-learning-rate: config key 'learning_rate': 'abc' is not a number"),
        (["--b-learning-rate", "-1"], "--b-learning-rate: config key 'learning_rate': -1.0 is out of range"),
        (["--a-optimizer", "foo"], "--a-optimizer: config key 'optimizer': 'foo' is not allowed"),
        (["--b-activation", "cube"], "--b-activation: config key 'activation': 'cube' is not allowed"),
        (["--epochs", "-1"], "--epochs -1 is negative"),
        (["--out-a", "same.json", "--out-b", "./same.json"], "name the same file"),
        (["--out-b", "no/such/folder/B.json"], "cannot write side B's experiment"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    experiment: Path, in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    args: list[str], expected: str,
) -> None:
    capsys.readouterr()
    monkeypatch.setattr(Trainer, "train", lambda *a, **k: pytest.fail("trained despite bad input"))
    with pytest.raises(SystemExit) as exit_info:
        compare("--from", str(experiment), "--out-a", "A.json", *args)
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_error_line(err)
    assert expected in err
    assert not (in_tmp / "A.json").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--from", "missing.json"], "cannot read experiment 'missing.json'"),
        ([], "the following arguments are required: --from"),
        (["--from", "exp.json", "stray"], "unrecognized arguments: stray"),
    ],
)
def test_missing_or_stray_input_is_one_line(
    experiment: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        compare(*args)
    assert exit_info.value.code == 2
    _, err = capsys.readouterr()
    assert_one_error_line(err)
    assert expected in err


def test_help_names_every_flag() -> None:
    text = compare_command.make_parser().format_help()
    for flag in ("--from", "--epochs", "--out-a", "--out-b", "--quiet"):
        assert flag in text
    for side in ("a", "b"):
        for key in ("learning-rate", "optimizer", "regularization", "regularization-rate", "activation", "batch-size"):
            assert f"--{side}-{key} " in text


def test_as_a_real_command(experiment: Path, in_tmp: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "playground", "compare", "--from", str(experiment), "--b-optimizer", "adam",
         "--epochs", "10", "--out-a", "A.json", "--out-b", "B.json"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("A (optimizer momentum): epoch 30: ")
    assert lines[1].startswith("B (optimizer adam): epoch 30: ")
    assert " ended with the lower test loss: " in lines[2] or lines[2].startswith("A and B ended")
    assert load_experiment(in_tmp / "B.json").config.optimizer == "adam"


def test_ctrl_c_stops_both_sides_level(experiment: Path) -> None:
    """Ctrl-C during side A's part of a round: B still trains that round, then both stop."""
    state = read_experiment(experiment)
    trainers = [Trainer.from_state(state), Trainer.from_state(state)]
    trainers[1].set_hyperparameters(learning_rate=0.1)
    sides = [compare_command.Side(label, t, t.last_result()) for label, t in zip("AB", trainers)]
    stop = compare_command.StopRequest()
    train_a = sides[0].train

    def interrupted_after(epochs: int) -> None:
        train_a(epochs)
        stop.requested = True

    sides[0].train = interrupted_after  # type: ignore[method-assign]
    runs = compare_command.train_in_step(sides, 10**6, quiet=True, stop=stop)
    assert 20 < trainers[0].epoch == trainers[1].epoch < 20 + 10**6
    assert all(run.interrupted and run.trained == trainers[0].epoch - 20 for run in runs)
    assert "stopped by Ctrl-C after" in compare_command.summary_line(runs[1])


def test_both_sides_keep_the_experiments_description(experiment: Path, in_tmp: Path) -> None:
    document = json.loads(experiment.read_text())
    document["description"] = "Momentum from here, or a faster rate? Watch the test loss."
    described = in_tmp / "described.json"
    described.write_text(json.dumps(document))
    assert compare("--from", str(described), "--b-learning-rate", "0.1", "--b-activation", "relu",
                   "--epochs", "5", "--out-a", "A.json", "--out-b", "B.json", "--quiet") == 0
    assert main(["train", "--from", str(described), "--epochs", "5", "--out", "T.json", "--quiet"]) == 0
    assert (in_tmp / "A.json").read_bytes() == (in_tmp / "T.json").read_bytes()
    for name in ("A.json", "B.json"):
        assert json.loads((in_tmp / name).read_text())["description"] == document["description"]
