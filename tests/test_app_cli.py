"""`playground` (the window command) at the door: good runs and one-line refusals."""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground import __version__, app_command
from playground.app_command import display_problem
from playground.engine import files
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.experiment import save_experiment
from playground.engine.trainer import Trainer

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
    assert "(engine: compiled C kernel, " in result.stdout  # the README's install command builds it


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


# ----- --config / --from given the other kind of file

def test_from_a_config_file_says_use_config(tmp_path: Path):
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps({"dataset": "xor", "hidden": [3]}), encoding="utf-8")
    assert_refused(run("--from", str(path)), "cfg.json", "looks like a config", "(use --config)")


def test_config_given_an_experiment_says_use_from(tmp_path: Path):
    path = tmp_path / "exp.json"
    trainer = Trainer(Config(), make_data(Config()))
    save_experiment(trainer, path)
    assert_refused(run("--config", str(path)), "exp.json", "looks like an experiment", "(use --from)")


def test_an_experiment_over_the_size_limit_is_refused_before_reading(tmp_path: Path):
    path = tmp_path / "huge.json"
    with path.open("wb") as stream:
        stream.truncate(150_000_000)  # sparse
    assert_refused(run("--from", str(path)), "huge.json", "150 MB", "at most 100 MB")


# ----- --screenshot: checked first, written atomically, failures say why

def test_screenshot_into_a_missing_folder_says_why(tmp_path: Path):
    out = tmp_path / "x" / "y.png"
    assert_refused(run("--screenshot", str(out)), f"cannot write screenshot '{out}': No such file or directory")


def test_screenshot_onto_a_folder_says_why(tmp_path: Path):
    out = tmp_path / "shot.png"
    out.mkdir()
    assert_refused(run("--screenshot", str(out)), f"cannot write screenshot '{out}': Is a directory")


def _screenshot_in_process(path: Path) -> int:
    from playground.ui.app import run_window

    return run_window(Trainer(Config(), make_data(Config())), screenshot=str(path))


def test_screenshot_replaces_an_old_png_atomically(qapp, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "shot.png"
    out.write_bytes(b"an old picture")
    assert _screenshot_in_process(out) == 0
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]


def test_a_failed_screenshot_write_keeps_the_old_png_and_gives_the_os_reason(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "shot.png"
    out.write_bytes(b"an old picture")

    def disk_full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "replace", disk_full)
    assert _screenshot_in_process(out) == 2
    assert capsys.readouterr().err == f"error: cannot write screenshot '{out}': {os.strerror(errno.ENOSPC)}\n"
    assert out.read_bytes() == b"an old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]


def test_a_screenshot_write_into_a_vanished_folder_gives_the_os_reason(
    qapp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "gone" / "shot.png"  # the command checks first; the window's own write says why too
    assert _screenshot_in_process(out) == 2
    assert capsys.readouterr().err == f"error: cannot write screenshot '{out}': No such file or directory\n"


# ----- a set but dead display: one line, not Qt's abort about xcb-cursor

def test_a_dead_x_display_is_one_line_not_a_qt_abort():
    if Path("/tmp/.X11-unix/X99").exists():
        pytest.skip("an X server runs on :99 here")
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "playground.cli"], capture_output=True, text=True, timeout=60,
                            env={**env, "DISPLAY": ":99"})
    assert_refused(result, "cannot connect to the X display ':99' (DISPLAY)", "--screenshot")


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="x") as folder:  # short: a socket path has at most 107 bytes
        yield Path(folder)


def listening_unix_socket(path: Path) -> socket.socket:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(16)  # never accepted: each probe's connection waits in this queue
    return server


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="unix sockets")
def test_a_local_x_display_answers_on_its_socket(socket_dir: Path):
    with listening_unix_socket(socket_dir / "X5"):
        for name in (":5", ":5.0", "unix:5", "unix/:5"):
            assert display_problem({"DISPLAY": name}, x11_dir=str(socket_dir)) is None, name
    (socket_dir / "X5").unlink()
    problem = display_problem({"DISPLAY": ":5"}, x11_dir=str(socket_dir), timeout=0.5)
    assert problem is not None and problem.startswith("cannot connect to the X display ':5' (DISPLAY)")


def test_a_remote_x_display_answers_on_tcp_port_6000_plus_n(monkeypatch: pytest.MonkeyPatch):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        monkeypatch.setattr(app_command, "X11_TCP_PORT", port - 10)  # display 10 is this port
        assert display_problem({"DISPLAY": "127.0.0.1:10.0"}) is None
    problem = display_problem({"DISPLAY": "127.0.0.1:10.0"}, timeout=0.5)
    assert problem is not None and "the X display '127.0.0.1:10.0' (DISPLAY)" in problem


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="unix sockets")
def test_a_wayland_display_answers_on_its_socket(socket_dir: Path):
    env = {"WAYLAND_DISPLAY": "wayland-1", "XDG_RUNTIME_DIR": str(socket_dir), "DISPLAY": ":5"}
    with listening_unix_socket(socket_dir / "wayland-1"):
        assert display_problem(env, x11_dir=str(socket_dir)) is None
    (socket_dir / "wayland-1").unlink()
    problem = display_problem(env, x11_dir=str(socket_dir), timeout=0.5)
    assert problem is not None
    assert "the X display ':5' (DISPLAY) or the Wayland display 'wayland-1' (WAYLAND_DISPLAY)" in problem


def test_no_display_and_unknown_display_forms():
    assert "DISPLAY and WAYLAND_DISPLAY are unset" in display_problem({})
    assert display_problem({"DISPLAY": "decnet::0"}) is None  # a form we do not know: Qt decides


# ----- remembered settings

def test_the_window_opens_on_the_remembered_config_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch):
    import playground.ui.app as ui_app

    calls = []
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(ui_app, "run_window", lambda trainer, **kw: calls.append((trainer, kw)) or 0)
    assert app_command.main(["--reset-settings"]) == 0
    assert app_command.main(["--epochs", "3"]) == 0
    trainer, options = calls[0]
    assert trainer is None and options["reset_settings"] is True  # None: the remembered configuration
    trainer, options = calls[1]
    assert trainer.epoch == 3 and options["reset_settings"] is False


def test_the_startup_probe_reports_the_first_painted_frame_and_quits(tmp_path):
    import time

    env = {**ENV, "PLAYGROUND_STARTUP_PROBE": "1", "PLAYGROUND_SETTINGS_DIR": str(tmp_path)}
    before = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "playground.cli"], capture_output=True, text=True, timeout=120,
                            env=env)
    after = time.monotonic()
    assert result.returncode == 0, result.stderr
    reported = float(result.stdout.split("first frame at ")[1].split()[0])
    assert before < reported < after  # the clock benchmarks/startup.py compares with its own


def test_screenshot_size_sets_the_pictures_pixels(tmp_path):
    from PySide6.QtGui import QImage

    path = tmp_path / "wide.png"
    result = run("--screenshot", str(path), "--size", "1920x1080")
    assert result.returncode == 0, result.stderr
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1920, 1080)


@pytest.mark.parametrize(("size", "words"), [
    ("10x10", "is out of range; allowed: WIDTHxHEIGHT in pixels, from 1000x680 to 7680x4320"),
    ("wide", "is not a size"), ("1920", "is not a size"), ("99999x1080", "out of range"),
])
def test_a_bad_screenshot_size_is_refused_in_one_line(tmp_path, size, words):
    assert_refused(run("--screenshot", str(tmp_path / "x.png"), "--size", size), f"--size {size!r}", words)


# ----- --dark: the screenshot's theme, and the window's for the session
def _mean_luminance(path: Path, x0: int, y0: int, x1: int, y1: int) -> float:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull()
    values = [image.pixelColor(x, y) for x in range(x0, x1, 4) for y in range(y0, y1, 4)]
    return sum(0.2126 * c.red() + 0.7152 * c.green() + 0.0722 * c.blue() for c in values) / len(values)


def test_dark_screenshot_is_dark_where_the_light_one_is_light(qapp, tmp_path: Path):
    light, dark = tmp_path / "light.png", tmp_path / "dark.png"
    for path, extra in ((light, ()), (dark, ("--dark",))):
        result = run("--screenshot", str(path), "--size", "1000x680", *extra)
        assert result.returncode == 0 and result.stderr == "", result.stderr
    # The data panel's margin (left edge, middle height) and the network canvas's empty lower middle.
    for box in ((0, 300, 10, 400), (420, 560, 560, 620)):
        assert _mean_luminance(light, *box) > 200
        assert _mean_luminance(dark, *box) < 60


def test_dark_opens_the_window_dark_too():
    result = run("--smoke-test", "--dark")
    assert result.returncode == 0 and "smoke test passed" in result.stdout, result.stdout + result.stderr
