"""Ctrl-C during `playground train`: it stops after the current epoch, saves what was trained to
--out, prints the summary and exits 130; never a traceback, and never a damaged --out."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground import train_command
from playground.cli import main
from playground.engine import files
from playground.engine.experiment import load_experiment, save_experiment
from playground.engine.trainer import EpochResult, Trainer
from tests.test_train_cli import assert_same_training, straight_trainer

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name == "nt", reason="POSIX signals")
LONG_RUN = "100000000"
TIMEOUT_S = 120


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def sigint_restored() -> Iterator[None]:
    """The test process's own Ctrl-C handling is put back whatever the command did to it."""
    before = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, before)


def ctrl_c_after_epoch(monkeypatch: pytest.MonkeyPatch, epoch: int) -> list[int]:
    """Deliver a real SIGINT to this process as soon as a call of the trainer gets past `epoch`;
    the list it returns receives the epoch the trainer had then."""
    real, reached = Trainer.train, []

    def train(self: Trainer, epochs: int, measure: bool = True) -> EpochResult:
        result = real(self, epochs, measure)
        if self.epoch >= epoch and not reached:
            reached.append(self.epoch)
            os.kill(os.getpid(), signal.SIGINT)
        return result

    monkeypatch.setattr(Trainer, "train", train)
    return reached


# ---------------------------------------------------------------- in-process, exact

def test_ctrl_c_stops_after_the_current_epoch_saves_and_exits_130(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sigint_restored: None
) -> None:
    reached = ctrl_c_after_epoch(monkeypatch, 7)
    assert main(["train", "--epochs", "100000", "--dataset", "xor", "--out", "exp.json"]) == 130
    (stopped,) = reached  # the end of the call in hand when Ctrl-C came: at most 0.1 s of epochs
    assert 7 <= stopped < 100000
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith(f"epoch {stopped}: train loss ")
    assert lines[0].endswith(f"; stopped by Ctrl-C after {stopped:,} of 100,000 epochs")
    assert lines[1:] == ["saved exp.json"]
    assert "Traceback" not in err
    saved = load_experiment(in_tmp / "exp.json")
    assert saved.epoch == stopped
    assert_same_training(saved, straight_trainer(stopped, dataset="xor"))


def test_ctrl_c_during_the_save_lets_the_save_finish(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sigint_restored: None
) -> None:
    save_experiment(straight_trainer(2, dataset="xor"), in_tmp / "exp.json")
    real_replace = files.os.replace

    def replace_after_ctrl_c(src: str, dst: str) -> None:  # Ctrl-C between writing and renaming
        os.kill(os.getpid(), signal.SIGINT)
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", replace_after_ctrl_c)
    assert main(["train", "--from", "exp.json", "--epochs", "5", "--out", "exp.json", "--quiet"]) == 130
    out, err = capsys.readouterr()
    assert out.startswith("epoch 7: ") and out.endswith("saved exp.json\n")
    assert err == ""
    assert load_experiment(in_tmp / "exp.json").epoch == 7
    assert sorted(p.name for p in in_tmp.iterdir()) == ["exp.json"]


def test_ctrl_c_while_starting_up_exits_130_without_a_traceback(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sigint_restored: None
) -> None:
    save_experiment(straight_trainer(2), in_tmp / "exp.json")
    before = (in_tmp / "exp.json").read_bytes()

    def interrupted_while_loading(args: object) -> Trainer:
        raise KeyboardInterrupt

    monkeypatch.setattr(train_command, "build_trainer", interrupted_while_loading)
    assert main(["train", "--from", "exp.json", "--out", "exp.json"]) == 130
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "interrupted (Ctrl-C)\n"
    assert (in_tmp / "exp.json").read_bytes() == before


# ---------------------------------------------------------------- a real process, a real Ctrl-C

class StderrWatcher:
    """Reads a process's stderr on a thread; `progress` is set once the bar shows epochs done."""

    DONE = re.compile(r"\b([0-9]+)/" + LONG_RUN + r"\b")

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.text = ""
        self.progress = threading.Event()
        self._process = process
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        fd = self._process.stderr.fileno()
        while chunk := os.read(fd, 4096):
            self.text += chunk.decode("utf-8", "replace")
            if any(int(n) > 0 for n in self.DONE.findall(self.text[-4096:])):
                self.progress.set()

    def finish(self) -> str:
        self._thread.join(TIMEOUT_S)
        return self.text


def start(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "playground.cli", "train", *args], cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as from a terminal, even if we ignore it
    )


def test_ctrl_c_in_a_real_run(tmp_path: Path) -> None:
    with start("--epochs", LONG_RUN, "--dataset", "xor", "--out", "exp.json", cwd=tmp_path) as process:
        watcher = StderrWatcher(process)
        try:
            assert watcher.progress.wait(TIMEOUT_S), f"no progress shown: {watcher.text!r}"
            process.send_signal(signal.SIGINT)
            process.wait(TIMEOUT_S)
        finally:
            process.kill()  # only if it is still running: a failed test must not leave it behind
        err = watcher.finish()
        out = process.stdout.read().decode()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    summary = re.fullmatch(r"epoch ([0-9]+): train loss .+, train accuracy .+; stopped by Ctrl-C after .+\n"
                           r"saved exp\.json\n", out)
    assert summary, out
    saved = load_experiment(tmp_path / "exp.json")
    assert saved.epoch == int(summary[1]) > 0


def test_ctrl_c_at_once_leaves_the_old_file_and_no_traceback(tmp_path: Path) -> None:
    save_experiment(straight_trainer(3, dataset="xor"), tmp_path / "exp.json")
    before = (tmp_path / "exp.json").read_bytes()
    with start("--from", "exp.json", "--epochs", LONG_RUN, "--out", "exp.json", cwd=tmp_path) as process:
        process.send_signal(signal.SIGINT)  # most likely while Python starts or the modules load
        out, err = (b.decode() for b in process.communicate(timeout=TIMEOUT_S))
    assert process.returncode in (130, -signal.SIGINT), err  # -SIGINT: before Python set up its handler
    assert "Traceback" not in err
    if "saved exp.json" in out:  # it was already training: what it trained was saved
        assert load_experiment(tmp_path / "exp.json").epoch > 3
    else:
        assert (tmp_path / "exp.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.json"]
