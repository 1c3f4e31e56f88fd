"""`playground` (the window command) at the door: good runs and one-line refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from playground import __version__

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "playground.cli", *args], capture_output=True, text=True, timeout=timeout, env=ENV
    )


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


def test_version():
    result = run("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_smoke_test_trains_draws_and_closes():
    result = run("--smoke-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("smoke test passed")
    assert "worker thread stopped" in result.stdout


def test_unknown_option_is_refused():
    assert_refused(run("--colour", "blue"), "--colour")


def test_missing_config_is_refused(tmp_path: Path):
    assert_refused(run("--config", str(tmp_path / "nope.json")), "nope.json")


def test_config_with_a_bad_value_is_refused(tmp_path: Path):
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps({"learning_rate": -1}), encoding="utf-8")
    assert_refused(run("--config", str(path)), "learning_rate")


def test_truncated_experiment_is_refused(tmp_path: Path):
    path = tmp_path / "exp.json"
    path.write_text('{"format": "playground-experiment", "version": 1, "con', encoding="utf-8")
    assert_refused(run("--from", str(path)), "exp.json")


def test_csv_that_is_not_points_is_refused(tmp_path: Path):
    points = tmp_path / "points.csv"
    points.write_text("x,y,label\n1,2,1\nhello,3,-1\n", encoding="utf-8")
    config = tmp_path / "cfg.json"
    config.write_text(json.dumps({"dataset": str(points)}), encoding="utf-8")
    assert_refused(run("--config", str(config)), "points.csv", "line 3")


@pytest.mark.parametrize("args", [["--screenshot", "out.jpg"], ["--epochs", "-3"], ["--config", "a.json", "--from", "b.json"]])
def test_other_bad_combinations_are_refused(args):
    assert_refused(run(*args))


def test_no_display_is_one_line_not_a_qt_abort():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "playground.cli"], capture_output=True, text=True, timeout=60, env=env)
    assert_refused(result, "display")
