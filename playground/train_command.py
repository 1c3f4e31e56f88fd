"""`playground train`: the same engine without a window, with progress and a summary."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from tqdm import tqdm

from playground.cli_errors import OneLineParser, UsageError, fail
from playground.engine.config import CONFIG_KEYS, Config, ConfigError, parse_value
from playground.engine.data import is_builtin_dataset, make_data
from playground.engine.datasets import DataError
from playground.engine.experiment import ExperimentError, load_experiment, save_experiment
from playground.engine.trainer import HYPERPARAMETERS, EpochResult, Trainer

DEFAULT_EPOCHS = 1000
PROGRESS_INTERVAL_S = 0.1  # how often the progress line is redrawn
EXIT_DIVERGED = 1


def make_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="playground train",
        description="Train a network headless (no window) and optionally save the experiment.",
    )
    parser.add_argument("--config", metavar="FILE", help="a config JSON file to start from")
    parser.add_argument("--from", dest="source", metavar="EXPERIMENT", help="continue a saved experiment")
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS, metavar="N", help="epochs to train (default 1000)")
    parser.add_argument("--out", metavar="EXPERIMENT", help="save the experiment here when done")
    parser.add_argument("--quiet", action="store_true", help="no progress line, only the summary")
    keys = parser.add_argument_group("config keys (override the file or the defaults)")
    for key in CONFIG_KEYS:
        keys.add_argument(f"--{key.replace('_', '-')}", dest=key, metavar="VALUE", help=_help_for(key))
    return parser


def _help_for(key: str) -> str:
    default = Config().to_dict()[key]
    if isinstance(default, list):
        default = ",".join(str(v) for v in default)
    return f"default {default}"


def build_trainer(args: argparse.Namespace) -> Trainer:
    overrides = {key: parse_value(key, getattr(args, key)) for key in CONFIG_KEYS if getattr(args, key) is not None}
    if args.source:
        if args.config:
            raise UsageError("--config and --from cannot be used together; --from already holds a config")
        fixed = sorted(set(overrides) - set(HYPERPARAMETERS))
        if fixed:
            raise UsageError(
                f"--{fixed[0].replace('_', '-')} cannot change when continuing an experiment; "
                f"allowed: {', '.join('--' + k.replace('_', '-') for k in HYPERPARAMETERS)}"
            )
        trainer = load_experiment(args.source)
        if overrides:
            trainer.set_hyperparameters(**overrides)
        return trainer
    config = Config.load(args.config) if args.config else Config()
    base = config.to_dict()
    if "problem" in overrides and "dataset" not in overrides and is_builtin_dataset(config.dataset):
        del base["dataset"]  # a built-in dataset belongs to one problem: take the new problem's default
    config = Config.from_dict({**base, **overrides})
    return Trainer(config, make_data(config))


def train_with_progress(trainer: Trainer, epochs: int, quiet: bool) -> tuple[EpochResult, float]:
    """Train, redrawing one progress line; returns the last result and epochs per second."""
    target = trainer.epoch + epochs
    result = trainer.last_result()
    start = time.perf_counter()
    with tqdm(total=epochs, unit="epoch", disable=quiet, file=sys.stderr, dynamic_ncols=True) as bar:
        while trainer.epoch < target and not result.diverged:
            deadline = time.perf_counter() + PROGRESS_INTERVAL_S
            done_before = trainer.epoch
            while trainer.epoch < target and time.perf_counter() < deadline and not result.diverged:
                result = trainer.train_epoch()
            bar.update(trainer.epoch - done_before)
            bar.set_postfix_str(_figures(result), refresh=False)
    elapsed = time.perf_counter() - start
    return result, (epochs / elapsed if elapsed > 0 and epochs else 0.0)


def _figures(result: EpochResult) -> str:
    text = f"train loss {result.train_loss:.4f}, test loss {result.test_loss:.4f}"
    if result.train_accuracy == result.train_accuracy:  # not NaN: classification
        text += f", accuracy {100 * result.train_accuracy:.1f}% / {100 * result.test_accuracy:.1f}%"
    return text


def main(argv: Sequence[str]) -> int:
    args = make_parser().parse_args(list(argv))
    if args.epochs < 0:
        fail(f"--epochs {args.epochs} is negative; allowed: an integer ≥ 0")
    try:
        trainer = build_trainer(args)
    except (UsageError, ConfigError, DataError, ExperimentError) as exc:
        fail(str(exc))
    result, speed = train_with_progress(trainer, args.epochs, args.quiet)
    print(f"epoch {result.epoch}: {_figures(result)}; {speed:,.0f} epochs/s")
    if result.diverged:
        print(f"warning: {result.message}", file=sys.stderr)
        if args.out:
            print(f"warning: not saved to '{args.out}': a diverged network cannot continue", file=sys.stderr)
        return EXIT_DIVERGED
    if args.out:
        try:
            save_experiment(trainer, args.out)
        except OSError as exc:
            fail(f"cannot write experiment '{args.out}': {exc.strerror or exc}")
        print(f"saved {args.out}")
    return 0
