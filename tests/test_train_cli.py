"""`playground train`: headless training end to end, in-process and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground import train_command
from playground.cli import main
from playground.engine import compiled
from playground.engine.config import Config
from playground.engine.data import SplitData, make_data
from playground.engine.experiment import load_experiment, save_experiment
from playground.engine.history import HISTORY_COLUMNS
from playground.engine.metrics import BINARY_CLASSES, confusion_matrix, r_squared, rmse
from playground.engine.trainer import Trainer


def straight_trainer(epochs: int, **changes: object) -> Trainer:
    config = Config(**changes)
    trainer = Trainer(config, make_data(config))
    trainer.train(epochs)
    return trainer


def assert_same_training(a: Trainer, b: Trainer) -> None:
    assert a.config == b.config
    assert a.epoch == b.epoch
    assert np.array_equal(a.network.params, b.network.params)
    assert np.array_equal(a.pending_grad, b.pending_grad)
    for name in HISTORY_COLUMNS:
        assert np.array_equal(a.history.column(name), b.history.column(name), equal_nan=True), name


def run_cli(*args: str) -> int:
    return main(["train", *args])


def assert_one_error_line(err: str) -> None:
    assert err.startswith("error: "), err
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "\r" not in err
    assert "Traceback" not in err


# ---------------------------------------------------------------- in-process, end to end

@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_train_writes_a_loadable_experiment(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--epochs", "50", "--dataset", "xor", "--out", "exp.json") == 0
    out, _ = capsys.readouterr()
    assert "epoch 50" in out
    assert "saved exp.json" in out
    trainer = load_experiment(in_tmp / "exp.json")
    assert trainer.epoch == 50
    assert trainer.config == Config(dataset="xor")
    assert_same_training(trainer, straight_trainer(50, dataset="xor"))


def test_summary_reports_losses_and_accuracy(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--epochs", "20", "--dataset", "xor", "--quiet") == 0
    out, _ = capsys.readouterr()
    expected = straight_trainer(20, dataset="xor").last_result()
    assert out.startswith("epoch 20: ")
    assert f"train loss {expected.train_loss:.4f}" in out
    assert f"test loss {expected.test_loss:.4f}" in out
    train, test = 100 * expected.train_accuracy, 100 * expected.test_accuracy
    assert f"train accuracy {train:.1f}%, test accuracy {test:.1f}%" in out


def test_summary_shows_the_confusion_matrices(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--epochs", "20", "--dataset", "xor", "--quiet") == 0
    out, _ = capsys.readouterr()
    trainer = straight_trainer(20, dataset="xor")
    train_out, test_out = trainer.outputs()
    train = confusion_matrix(train_out, trainer.data.train[:, 2], BINARY_CLASSES)
    test = confusion_matrix(test_out, trainer.data.test[:, 2], BINARY_CLASSES)

    def text(m: np.ndarray) -> str:
        return f"[[{m[0, 0]} {m[0, 1]}] [{m[1, 0]} {m[1, 1]}]]"

    assert out.count("\n") == 1  # still one line
    assert (
        f"; confusion (rows true -1, +1; columns predicted -1, +1): train {text(train)}, test {text(test)}; " in out
    )
    assert train.sum() == len(trainer.data.train) and test.sum() == len(trainer.data.test)


def test_multiclass_summary_shows_accuracy_and_the_k_by_k_matrices(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--problem", "multiclass", "--classes", "4", "--dataset", "blobs", "--epochs", "30")
    assert run_cli(*args, "--quiet", "--out", "exp.json") == 0
    out, _ = capsys.readouterr()
    trainer = straight_trainer(30, problem="multiclass", classes=4, dataset="blobs")
    assert load_experiment(in_tmp / "exp.json").config == trainer.config
    train_out, test_out = trainer.outputs()
    assert train_out.shape == (len(trainer.data.train), 4)
    classes = (0.0, 1.0, 2.0, 3.0)
    train = confusion_matrix(train_out, trainer.data.train[:, 2], classes)
    test = confusion_matrix(test_out, trainer.data.test[:, 2], classes)

    def text(m: np.ndarray) -> str:
        return "[" + " ".join("[" + " ".join(str(v) for v in row) + "]" for row in m) + "]"

    result = trainer.last_result()
    assert out.count("\n") == 2 and out.endswith("\nsaved exp.json\n")  # the summary is still one line
    assert out.startswith(
        f"epoch 30: train loss {result.train_loss:.4f}, test loss {result.test_loss:.4f}, "
        f"train accuracy {100 * result.train_accuracy:.1f}%, test accuracy {100 * result.test_accuracy:.1f}%; "
    )
    assert f"; confusion (rows true 0…3; columns predicted 0…3): train {text(train)}, test {text(test)}; " in out
    assert train.sum() == len(trainer.data.train) and test.sum() == len(trainer.data.test)
    assert np.trace(train) / train.sum() == pytest.approx(result.train_accuracy)


EMPTY_SETS = {"no test points": (True, False), "no points at all": (False, False)}


@pytest.mark.parametrize("problem", ["classification", "multiclass", "regression"])
@pytest.mark.parametrize(("keep_train", "keep_test"), EMPTY_SETS.values(), ids=EMPTY_SETS.keys())
def test_an_empty_set_reads_no_points(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], problem: str, keep_train: bool, keep_test: bool
) -> None:
    config = Config(problem=problem, dataset={"classification": "xor", "multiclass": "blobs"}.get(problem, "plane"))
    data = make_data(config)
    none = np.empty((0, 3))
    save_experiment(Trainer(config, SplitData(data.train if keep_train else none, data.test if keep_test else none)),
                    in_tmp / "exp.json")
    assert run_cli("--from", "exp.json", "--epochs", "2" if keep_train else "0", "--quiet") == 0
    out, _ = capsys.readouterr()
    assert "nan" not in out.lower() and out.count("\n") == 1
    assert "test loss no points" in out
    if problem == "regression":
        assert "test RMSE no points" in out and "test R² no points" in out
    else:
        assert "test accuracy no points" in out and "test no points" in out
    assert ("train loss no points" in out) == (not keep_train)


def test_an_experiment_without_training_points_cannot_train(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = make_data(Config())
    save_experiment(Trainer(Config(), SplitData(np.empty((0, 3)), data.test)), in_tmp / "exp.json")
    with pytest.raises(SystemExit) as exit_info:
        run_cli("--from", "exp.json", "--epochs", "5")
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_error_line(err)
    assert "no training points" in err and "--epochs 0" in err


def test_regression_summary_shows_rmse_and_r_squared(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--epochs", "3", "--problem", "regression", "--dataset", "plane", "--quiet") == 0
    out, _ = capsys.readouterr()
    trainer = straight_trainer(3, problem="regression", dataset="plane")
    train_out, test_out = trainer.outputs()
    train, test = trainer.data.train[:, 2], trainer.data.test[:, 2]
    assert (
        f"; train RMSE {rmse(train_out, train):.4f}, test RMSE {rmse(test_out, test):.4f}, "
        f"train R² {r_squared(train_out, train):.4f}, test R² {r_squared(test_out, test):.4f}; " in out
    )
    assert "confusion" not in out


def test_a_diverged_summary_has_no_confusion_or_rmse() -> None:
    trainer = straight_trainer(0, problem="regression", dataset="plane", learning_rate=100, hidden=(8, 8, 8))
    run = train_command.train_with_progress(trainer, 200, quiet=True)
    assert run.result.diverged and run.what_is_wrong == ""
    assert "RMSE" not in train_command.summary_line(run)


def test_regression_summary_has_no_accuracy(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--epochs", "3", "--problem", "regression", "--dataset", "plane", "--quiet") == 0
    out, _ = capsys.readouterr()
    assert "epoch 3: train loss" in out
    assert "accuracy" not in out
    assert "nan" not in out.lower()


def test_problem_regression_alone_uses_the_regression_default_dataset(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("--epochs", "2", "--problem", "regression", "--out", "exp.json", "--quiet") == 0
    assert load_experiment(in_tmp / "exp.json").config.dataset == "plane"


def test_continuing_equals_a_straight_run_with_the_lr_change(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--epochs", "50", "--dataset", "xor", "--out", "exp.json", "--quiet") == 0
    capsys.readouterr()
    assert run_cli("--from", "exp.json", "--epochs", "30", "--learning-rate", "0.01", "--out", "exp2.json") == 0
    out, _ = capsys.readouterr()
    assert "epoch 80" in out

    continued = load_experiment(in_tmp / "exp2.json")
    expected = straight_trainer(50, dataset="xor")
    expected.set_hyperparameters(learning_rate=0.01)
    expected.train(30)
    assert continued.epoch == 80
    assert continued.config.learning_rate == 0.01
    assert_same_training(continued, expected)
    assert load_experiment(in_tmp / "exp.json").epoch == 50  # the source is left as it was


def test_continuing_without_out_does_not_touch_the_source(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_experiment(straight_trainer(5), in_tmp / "exp.json")
    before = (in_tmp / "exp.json").read_bytes()
    assert run_cli("--from", "exp.json", "--epochs", "5", "--quiet") == 0
    assert "epoch 10" in capsys.readouterr().out
    assert (in_tmp / "exp.json").read_bytes() == before


def test_config_file_is_used(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = Config(dataset="gauss", hidden=(3,), seed=5, batch_size=7, activation="relu")
    config.save(in_tmp / "cfg.json")
    assert run_cli("--config", "cfg.json", "--epochs", "10", "--out", "exp.json", "--quiet") == 0
    trainer = load_experiment(in_tmp / "exp.json")
    assert trainer.config == config
    assert_same_training(trainer, straight_trainer(10, **{k: getattr(config, k) for k in ("dataset", "hidden", "seed", "batch_size", "activation")}))


def test_flags_override_the_config_file(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Config(dataset="gauss", hidden=(3,), seed=5, learning_rate=0.3).save(in_tmp / "cfg.json")
    assert run_cli("--config", "cfg.json", "--hidden", "2,2", "--learning-rate", "0.1", "--features",
                   "x1,x2,x1_x2", "--epochs", "4", "--out", "exp.json", "--quiet") == 0
    config = load_experiment(in_tmp / "exp.json").config
    assert config == Config(dataset="gauss", hidden=(2, 2), seed=5, learning_rate=0.1,
                            features=("x1", "x2", "x1_x2"))


def test_epochs_zero_saves_the_initial_state(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--epochs", "0", "--out", "exp.json", "--quiet") == 0
    assert "epoch 0" in capsys.readouterr().out
    assert load_experiment(in_tmp / "exp.json").epoch == 0


def test_epochs_zero_prints_one_clean_line_and_no_progress_bar(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("--epochs", "0", "--dataset", "xor") == 0
    out, err = capsys.readouterr()
    assert err == ""  # no empty 0/0 bar
    assert out.count("\n") == 1
    assert out.startswith("epoch 0: train loss ") and out.endswith(" (no epochs trained)\n")
    assert "epochs/s" not in out


def test_quiet_prints_no_progress_bar(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--epochs", "30", "--quiet") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.count("\n") == 1 and out.startswith("epoch 30: ")


def test_without_quiet_a_progress_bar_goes_to_stderr(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--epochs", "30") == 0
    out, err = capsys.readouterr()
    assert "30/30" in err
    assert "30/30" not in out  # stdout holds only the summary
    assert out.startswith("epoch 30: ")


# ---------------------------------------------------------------- refusals

def _bad_csv(path: Path) -> str:
    (path / "bad.csv").write_text("x,y,label\n1.0,2.0,1\n0.5,oops,-1\n-1.0,0.5,-1\n", encoding="utf-8")
    return str(path / "bad.csv")


def _huge_csv(path: Path) -> str:
    with (path / "huge.csv").open("wb") as stream:
        stream.truncate(150_000_000)  # sparse: 150 MB that take no disk
    return str(path / "huge.csv")


def _make_experiment(path: Path) -> str:
    save_experiment(straight_trainer(2), path / "x.json")
    return str(path / "x.json")


def _make_config(path: Path) -> str:
    Config().save(path / "cfg.json")
    return str(path / "cfg.json")


def _not_json(path: Path) -> str:
    (path / "cfg.json").write_text("dataset: xor\n", encoding="utf-8")
    return str(path / "cfg.json")


REFUSALS = {
    "unknown option": (lambda p: ["--bogus", "1"], "--bogus"),
    "noise 70": (lambda p: ["--noise", "70"], "noise"),
    "hidden 4,x": (lambda p: ["--hidden", "4,x"], "hidden"),
    "missing config": (lambda p: ["--config", str(p / "nope.json")], "nope.json"),
    "non-JSON config": (lambda p: ["--config", _not_json(p)], "cfg.json"),
    "bad CSV dataset": (lambda p: ["--dataset", _bad_csv(p)], "bad.csv"),
    "CSV over the size limit": (lambda p: ["--dataset", _huge_csv(p)],
                                "huge.csv': the file is 150 MB; allowed: at most 100 MB"),
    "from with config": (lambda p: ["--from", _make_experiment(p), "--config", _make_config(p)], "--config"),
    "from with hidden": (lambda p: ["--from", _make_experiment(p), "--hidden", "3"], "--hidden"),
    "from with dataset": (lambda p: ["--from", _make_experiment(p), "--dataset", "xor"], "--dataset"),
    "epochs -1": (lambda p: ["--epochs", "-1"], "--epochs"),
    "epochs not a number": (lambda p: ["--epochs", "ten"], "--epochs"),
    "from a missing experiment": (lambda p: ["--from", str(p / "missing.json")], "missing.json"),
    "from a bad lr": (lambda p: ["--from", _make_experiment(p), "--learning-rate", "0"], "learning_rate"),
    "out in a missing folder": (lambda p: ["--epochs", "1", "--quiet", "--out", str(p / "no" / "e.json")], "e.json"),
    "from a config file": (lambda p: ["--from", _make_config(p)],
                           "looks like a config, not an experiment (use --config)"),
    "config an experiment file": (lambda p: ["--config", _make_experiment(p)],
                                  "looks like an experiment, not a config (use --from)"),
}


@pytest.mark.parametrize(("make_args", "needle"), REFUSALS.values(), ids=REFUSALS.keys())
def test_bad_input_exits_2_with_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make_args, needle: str
) -> None:
    args = make_args(tmp_path)
    with pytest.raises(SystemExit) as info:
        run_cli(*args)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert_one_error_line(err)
    assert needle in err


# ---------------------------------------------------------------- --out, checked before any work

def _file(path: Path) -> Path:
    path.write_text("not a folder", encoding="utf-8")
    return path


BAD_OUT = {
    "missing folder": (lambda p: p / "no" / "e.json", "No such file or directory"),
    "an existing folder": (lambda p: p, "Is a directory"),
    "a path ending in a slash": (lambda p: f"{p / 'sub'}/", "Is a directory"),
    "a folder that is a file": (lambda p: _file(p / "f") / "e.json", "Not a directory"),
    "a device": (lambda p: "/dev/null", "not a regular file"),
}


@pytest.mark.parametrize(("make_path", "reason"), BAD_OUT.values(), ids=BAD_OUT.keys())
def test_bad_out_fails_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], make_path, reason: str
) -> None:
    out = str(make_path(tmp_path))
    if out == "/dev/null" and not Path(out).exists():
        pytest.skip("no /dev/null here")

    def no_training(args: object) -> Trainer:
        raise AssertionError("the trainer was built before --out was checked")

    monkeypatch.setattr(train_command, "build_trainer", no_training)
    with pytest.raises(SystemExit) as info:
        run_cli("--epochs", "5", "--out", out)
    assert info.value.code == 2
    out_text, err = capsys.readouterr()
    assert out_text == ""
    assert_one_error_line(err)
    assert err.startswith(f"error: cannot write experiment '{out}': {reason}")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_out_in_a_read_only_folder_fails_before_training(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(SystemExit):
            run_cli("--epochs", "5", "--out", str(folder / "e.json"))
    finally:
        folder.chmod(0o700)
    err = capsys.readouterr().err
    assert_one_error_line(err)
    assert "Permission denied" in err


def test_a_config_with_a_bad_value_is_not_called_an_experiment(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "cfg.json").write_text(json.dumps({"noise": 70}), encoding="utf-8")
    with pytest.raises(SystemExit):
        run_cli("--config", "cfg.json")
    err = capsys.readouterr().err
    assert_one_error_line(err)
    assert "noise" in err and "looks like" not in err


# ---------------------------------------------------------------- divergence

def test_speed_counts_the_epochs_trained_not_the_epochs_requested() -> None:
    trainer = straight_trainer(0, problem="regression", dataset="plane", learning_rate=100, hidden=(8, 8, 8))
    run = train_command.train_with_progress(trainer, 200, quiet=True)
    assert run.result.diverged
    assert run.trained == run.result.epoch < 200
    made_up = train_command.TrainingRun(run.result, requested=200, trained=8, seconds=2.0, interrupted=False,
                                        figures="train loss 1.0000")
    assert train_command.summary_line(made_up) == (
        f"epoch {run.result.epoch}: train loss 1.0000; 4 epochs/s ({compiled.engine_description()})")


def test_divergence_exits_1_with_a_warning_about_the_learning_rate(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_cli("--problem", "regression", "--dataset", "plane", "--learning-rate", "100",
                   "--hidden", "8,8,8", "--epochs", "200", "--out", "exp.json")
    assert code == 1
    out, err = capsys.readouterr()
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert warnings, err
    assert "learning rate" in warnings[0]
    assert "100" in warnings[0]
    assert "Traceback" not in err
    assert not (in_tmp / "exp.json").exists()
    assert any("not saved" in line for line in warnings)


# ---------------------------------------------------------------- a real process

def run_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "playground.cli", "train", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )


def test_subprocess_end_to_end(tmp_path: Path) -> None:
    first = run_process("--epochs", "50", "--dataset", "xor", "--out", "exp.json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "epoch 50" in first.stdout
    assert "Traceback" not in first.stderr
    trainer = load_experiment(tmp_path / "exp.json")
    assert trainer.epoch == 50
    assert_same_training(trainer, straight_trainer(50, dataset="xor"))
    json.loads((tmp_path / "exp.json").read_text(encoding="utf-8"))  # plain JSON

    second = run_process("--from", "exp.json", "--epochs", "30", "--learning-rate", "0.01", "--out", "exp.json",
                         "--quiet", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""
    assert "epoch 80" in second.stdout
    expected = straight_trainer(50, dataset="xor")
    expected.set_hyperparameters(learning_rate=0.01)
    expected.train(30)
    assert_same_training(load_experiment(tmp_path / "exp.json"), expected)


def test_subprocess_error_is_one_line_exit_2(tmp_path: Path) -> None:
    result = run_process("--noise", "70", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr)


def test_subprocess_divergence_exits_1(tmp_path: Path) -> None:
    result = run_process("--problem", "regression", "--dataset", "plane", "--learning-rate", "100",
                         "--hidden", "8,8,8", "--epochs", "200", "--quiet", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("warning: ")
    assert "learning rate" in result.stderr


def test_continuing_takes_live_changes_and_a_key_left_as_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "run.json"
    assert run_cli("--dataset", "xor", "--seed", "7", "--epochs", "3", "--quiet", "--out", str(path)) == 0
    capsys.readouterr()
    # The file's own seed and problem again change nothing; a new learning rate is live.
    assert run_cli("--from", str(path), "--seed", "7", "--problem", "classification", "--learning-rate", "0.1",
                   "--epochs", "2", "--quiet", "--out", str(path)) == 0
    capsys.readouterr()
    assert load_experiment(path).config.learning_rate == 0.1
    for flag, value in (("--seed", "8"), ("--hidden", "3"), ("--dataset", "circle")):
        with pytest.raises(SystemExit) as exit_info:
            run_cli("--from", str(path), flag, value, "--epochs", "1")
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert_one_error_line(err)
        assert f"{flag} cannot change when continuing an experiment" in err and "--learning-rate" in err
