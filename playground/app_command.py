"""`playground`: open the window; or render it to a PNG (--screenshot); or smoke-test it."""

from __future__ import annotations

import argparse
import os
import re
import socket
import sys
from collections.abc import Mapping, Sequence

from playground import __version__
from playground.cli_errors import OneLineParser, UsageError, fail
from playground.cli_files import check_output_path, check_start_options, load_config_option, load_experiment_option
from playground.engine.compiled import engine_description
from playground.engine.config import Config, ConfigError
from playground.engine.data import make_data
from playground.engine.datasets import DataError
from playground.engine.experiment import ExperimentError
from playground.engine.trainer import Trainer
from playground.inspect_request import check_inspect, parse_inspect

X11_SOCKET_DIR = "/tmp/.X11-unix"  # where a local X server listens (socket X<N> for display :N)
X11_TCP_PORT = 6000  # display N listens on TCP port 6000 + N (ssh X forwarding: localhost:10 → 6010)
CONNECT_TIMEOUT_S = 1.0
# DISPLAY is [protocol/][host]:number[.screen]; a host in brackets is an IPv6 address.
_X_DISPLAY = re.compile(r"(?:(?P<protocol>[A-Za-z0-9]+)/)?(?P<host>[^/]*?):(?P<number>\d+)(?:\.\d+)?")


DEFAULT_SIZE = (1440, 880)  # main_window.PREFERRED_SIZE (not imported here: Qt loads only for a window)
MIN_SIZE = (1000, 680)  # below this the window's own minimum would enlarge the picture
MAX_SIZE = (7680, 4320)


def make_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="playground",
        description="Backprop Playground: watch a neural network learn. "
        "Run 'playground train --help' for the headless trainer.",
    )
    parser.add_argument("--version", action="version",
                        version=f"Backprop Playground {__version__} (engine: {engine_description()})")
    parser.add_argument("--config", metavar="FILE", help="start from this config JSON file")
    parser.add_argument("--from", dest="source", metavar="EXPERIMENT", help="open a saved experiment")
    parser.add_argument("--epochs", type=int, default=0, metavar="N", help="train N epochs before showing")
    parser.add_argument("--screenshot", metavar="FILE.png", help="render the window offscreen to a PNG and exit")
    parser.add_argument("--size", metavar="WxH",
                        help=f"with --screenshot: the picture's size in pixels (default {DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]}; "
                             f"{MIN_SIZE[0]}x{MIN_SIZE[1]} to {MAX_SIZE[0]}x{MAX_SIZE[1]})")
    parser.add_argument("--inspect", metavar="train:K",
                        help="with --screenshot: open the backprop inspector on training sample K (batch:K: its mini-batch)")
    parser.add_argument("--stage", metavar="NAME",
                        help="with --inspect: the stage shown (aim, fire, miss, blame, correct, fire_again)")
    parser.add_argument("--select", metavar="ITEM",
                        help="with --inspect: the item explained: edge:L,I,J, bias:L,J or neuron:LAYER,J")
    parser.add_argument("--dark", action="store_true",
                        help="use the dark theme (with --screenshot: the picture's theme; in the window: for this session)")
    parser.add_argument("--smoke-test", action="store_true", help="open offscreen, train, check, close, exit 0 or 1")
    parser.add_argument("--reset-settings", action="store_true",
                        help="forget the remembered window, configuration and recent files; start clean")
    return parser


def parse_size(text: str | None) -> tuple[int, int] | None:
    """'1920x1080' → (1920, 1080); UsageError naming what is allowed otherwise."""
    if text is None:
        return None
    allowed = f"allowed: WIDTHxHEIGHT in pixels, from {MIN_SIZE[0]}x{MIN_SIZE[1]} to {MAX_SIZE[0]}x{MAX_SIZE[1]}"
    match = re.fullmatch(r"\s*(\d{1,5})\s*[xX×]\s*(\d{1,5})\s*", text)
    if match is None:
        raise UsageError(f"--size {text!r} is not a size; {allowed}")
    size = int(match.group(1)), int(match.group(2))
    if not all(low <= v <= high for v, low, high in zip(size, MIN_SIZE, MAX_SIZE)):
        raise UsageError(f"--size {text!r} is out of range; {allowed}")
    return size


def build_trainer(args: argparse.Namespace) -> Trainer | None:
    """The trainer the window opens on; None (no file, no epochs): the configuration remembered
    from the last session."""
    check_start_options(args.epochs, args.config, args.source)
    if not args.config and not args.source and args.epochs == 0:
        return None
    if args.source:
        trainer = load_experiment_option(args.source)
    else:
        config = load_config_option(args.config) if args.config else Config()
        trainer = Trainer(config, make_data(config))
    trainer.train(args.epochs)
    return trainer


# ----- is there a display to open the window on? ---------------------------------------
def display_problem(env: Mapping[str, str], x11_dir: str = X11_SOCKET_DIR,
                    timeout: float = CONNECT_TIMEOUT_S) -> str | None:
    """Why Qt could not open a window on Linux (it would abort), or None if a display answers.

    Connects the way the X and Wayland client libraries do: DISPLAY ':N' to the socket
    `x11_dir`/XN (and its abstract twin on Linux, then TCP), 'host:N' to TCP port 6000 + N;
    WAYLAND_DISPLAY to its socket in XDG_RUNTIME_DIR. A DISPLAY it cannot parse is let through.
    """
    x_name, wayland_name = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if not x_name and not wayland_name:
        return "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset)"
    if wayland_name and _wayland_answers(wayland_name, env.get("XDG_RUNTIME_DIR", "")):
        return None
    if x_name and _x11_answers(x_name, x11_dir, timeout) is not False:
        return None
    names = [f"the X display {x_name!r} (DISPLAY)"] if x_name else []
    names += [f"the Wayland display {wayland_name!r} (WAYLAND_DISPLAY)"] if wayland_name else []
    return (f"cannot connect to {' or '.join(names)}: nothing answers there "
            "(a stopped display server or a stale ssh forwarding?)")


def _x11_answers(name: str, x11_dir: str, timeout: float) -> bool | None:
    """True/False whether the X display answers; None when DISPLAY is not a form we know."""
    match = _X_DISPLAY.fullmatch(name)
    if not match or (match["protocol"] or "").lower() not in ("", "unix", "tcp", "inet", "inet6"):
        return None
    if match["host"].endswith(":"):  # DECnet's host::N
        return None
    host, number = match["host"].strip("[]"), int(match["number"])
    port = X11_TCP_PORT + number
    if host and host != "unix" and match["protocol"] != "unix":
        return port <= 65535 and _tcp_answers(host, port, timeout)
    path = f"{x11_dir}/X{number}"
    if sys.platform.startswith("linux") and _unix_answers("\0" + path, timeout):
        return True
    if _unix_answers(path, timeout):
        return True
    return match["protocol"] != "unix" and port <= 65535 and _tcp_answers("localhost", port, timeout)


def _wayland_answers(name: str, runtime_dir: str) -> bool:
    if not os.path.isabs(name):
        if not runtime_dir:
            return False
        name = os.path.join(runtime_dir, name)
    return _unix_answers(name, CONNECT_TIMEOUT_S)


def _unix_answers(address: str, timeout: float) -> bool:
    if not hasattr(socket, "AF_UNIX"):
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except (OSError, ValueError):
            return False
    return True


def _tcp_answers(host: str, port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def _check_display() -> None:
    """A real window on Linux (no QT_QPA_PLATFORM chosen): refuse in one line if no display answers."""
    if not sys.platform.startswith("linux") or "QT_QPA_PLATFORM" in os.environ:
        return
    problem = display_problem(os.environ)
    if problem:
        fail(f"{problem}; run it on a desktop, or use 'playground --screenshot FILE.png' or 'playground train'")


def main(argv: Sequence[str]) -> int:
    args = make_parser().parse_args(list(argv))
    if args.screenshot and not args.screenshot.lower().endswith(".png"):
        fail(f"--screenshot {args.screenshot!r} must name a .png file")
    if args.screenshot or args.smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    else:
        _check_display()
    try:
        inspect = parse_inspect(args.inspect, args.stage, args.select)
        if inspect is not None and not args.screenshot:
            raise UsageError("--inspect renders a screenshot: add --screenshot FILE.png (in the window, press I)")
        size = parse_size(args.size)
        if size is not None and not args.screenshot:
            raise UsageError("--size is the size of a screenshot: add --screenshot FILE.png")
        if args.screenshot:
            check_output_path(args.screenshot, "screenshot")
        trainer = build_trainer(args)
        if inspect is not None:
            if trainer is None:
                trainer = Trainer(Config(), make_data(Config()))
            check_inspect(inspect, len(trainer.data.train), trainer.network.layer_sizes)
    except (UsageError, ConfigError, DataError, ExperimentError) as exc:
        fail(str(exc))
    from playground.ui.app import run_window  # Qt is imported only now

    return run_window(trainer, screenshot=args.screenshot, smoke_test=args.smoke_test,
                      reset_settings=args.reset_settings, inspect=inspect, size=size, source=args.source,
                      dark=args.dark)
