"""`playground`: open the window; or render it to a PNG (--screenshot); or smoke-test it."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from playground import __version__
from playground.cli_errors import OneLineParser, UsageError, fail
from playground.engine.config import Config, ConfigError
from playground.engine.data import make_data
from playground.engine.datasets import DataError
from playground.engine.experiment import ExperimentError, load_experiment
from playground.engine.trainer import Trainer


def make_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="playground",
        description="Backprop Playground: watch a neural network learn. "
        "Run 'playground train --help' for the headless trainer.",
    )
    parser.add_argument("--version", action="version", version=f"Backprop Playground {__version__}")
    parser.add_argument("--config", metavar="FILE", help="start from this config JSON file")
    parser.add_argument("--from", dest="source", metavar="EXPERIMENT", help="open a saved experiment")
    parser.add_argument("--epochs", type=int, default=0, metavar="N", help="train N epochs before showing")
    parser.add_argument("--screenshot", metavar="FILE.png", help="render the window offscreen to a PNG and exit")
    parser.add_argument("--smoke-test", action="store_true", help="open offscreen, train, check, close, exit 0 or 1")
    return parser


def build_trainer(args: argparse.Namespace) -> Trainer:
    if args.epochs < 0:
        raise UsageError(f"--epochs {args.epochs} is negative; allowed: an integer ≥ 0")
    if args.config and args.source:
        raise UsageError("--config and --from cannot be used together; --from already holds a config")
    if args.source:
        trainer = load_experiment(args.source)
    else:
        config = Config.load(args.config) if args.config else Config()
        trainer = Trainer(config, make_data(config))
    trainer.train(args.epochs)
    return trainer


def _no_display() -> bool:
    """On Linux without X11 or Wayland, Qt would abort; say so in one line instead."""
    return (
        sys.platform.startswith("linux")
        and "QT_QPA_PLATFORM" not in os.environ
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    )


def main(argv: Sequence[str]) -> int:
    args = make_parser().parse_args(list(argv))
    if args.screenshot and not args.screenshot.lower().endswith(".png"):
        fail(f"--screenshot {args.screenshot!r} must name a .png file")
    try:
        trainer = build_trainer(args)
    except (UsageError, ConfigError, DataError, ExperimentError) as exc:
        fail(str(exc))
    if args.screenshot or args.smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif _no_display():
        fail(
            "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); run it on a desktop, "
            "or use 'playground --screenshot FILE.png' or 'playground train'"
        )
    from playground.ui.app import run_window  # Qt is imported only now

    return run_window(trainer, screenshot=args.screenshot, smoke_test=args.smoke_test)
