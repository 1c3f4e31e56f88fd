"""`playground compare`: one saved experiment forked into runs A and B, trained side by side headless.

Both sides start from the same TrainerState (weights, optimizer state, dead weights, carried
remainder, data, epoch; forked by engine/compare.py, as in the window); each may change the settings of SIDE_KEYS through `--a-<key>` / `--b-<key>`.
They train in step (rounds of the same number of epochs each, so Ctrl-C leaves them level), then
each prints the summary `playground train` prints, labelled A and B, and one line says which ended
with the lower test loss.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from tqdm import tqdm

from playground.cli_errors import EXIT_INTERRUPTED, OneLineParser, UsageError, fail
from playground.cli_files import check_output_path, check_start_options, load_experiment_option
from playground.engine.compare import CHOICES, SIDE_KEYS, SIDES, fork
from playground.engine.config import CONFIG_KEYS, Config, ConfigError, parse_value
from playground.engine.config_edits import with_changes
from playground.engine.datasets import DataError
from playground.engine.experiment import DIVERGED_NOT_SAVED, ExperimentError, description_of
from playground.engine.pacing import EpochPacer
from playground.engine.trainer import EpochResult, Trainer
from playground.train_command import (
    DEFAULT_EPOCHS,
    EXIT_DIVERGED,
    NO_POINTS,
    PROGRESS_INTERVAL_S,
    StopRequest,
    TrainingRun,
    check_trainable,
    finished_run,
    interrupts_deferred,
    save_or_reason,
    summary_line,
)


def _flag(key: str, side: str | None = None) -> str:
    return f"--{side + '-' if side else ''}{key.replace('_', '-')}"


def make_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="playground compare",
        description="Fork a saved experiment into runs A and B (same weights, optimizer state and data), "
        "give each side its own settings, train both the same number of epochs headless and compare them.",
    )
    parser.add_argument("--from", dest="source", metavar="EXPERIMENT", required=True,
                        help="the saved experiment both sides start from (required)")
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS, metavar="N",
                        help=f"epochs to train each side (default {DEFAULT_EPOCHS})")
    parser.add_argument("--out-a", metavar="EXPERIMENT", help="save side A's experiment here when done")
    parser.add_argument("--out-b", metavar="EXPERIMENT", help="save side B's experiment here when done")
    parser.add_argument("--quiet", action="store_true", help="no progress line, only the summaries")
    for side in SIDES:
        group = parser.add_argument_group(f"side {side.upper()}'s settings (default: the experiment's own)")
        for key in SIDE_KEYS:
            group.add_argument(_flag(key, side), dest=f"{side}_{key}", metavar="VALUE",
                               help=f"{key.replace('_', ' ')} of side {side.upper()}{_choices(key)}")
    return parser


def _choices(key: str) -> str:
    names = CHOICES.get(key)
    return f" (one of {', '.join(names)})" if names else ""


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """The options; an unknown one is refused in one line, naming the per-side keys when it looks like one."""
    parser = make_parser()
    args, rest = parser.parse_known_args(list(argv))
    unknown = next((word for word in rest if word.startswith("--")), rest[0] if rest else None)
    if unknown is None:
        return args
    name = unknown.split("=", 1)[0]
    key = name[2:].removeprefix("a-").removeprefix("b-").replace("-", "_")
    allowed = "--a-KEY and --b-KEY, KEY one of " + ", ".join(k.replace("_", "-") for k in SIDE_KEYS)
    if name.startswith(("--a-", "--b-")) or key in CONFIG_KEYS:
        reason = ("is not a per-side setting" if key in CONFIG_KEYS else "is not a known option")
        fail(f"{name} {reason}: both sides keep the experiment's data, features, hidden layers and seed; "
             f"allowed per side: {allowed} (see 'playground compare --help')")
    parser.error(f"unrecognized arguments: {' '.join(rest)}")


# ----- the two sides ----------------------------------------------------------------------
def side_overrides(args: argparse.Namespace, side: str) -> dict[str, str]:
    """The settings given for `side`, as the text typed, by config key."""
    return {key: text for key in SIDE_KEYS if (text := getattr(args, f"{side}_{key}")) is not None}


def side_config(base: Config, side: str, overrides: dict[str, str]) -> Config:
    """`base` with one side's settings, each checked on its own first so a refusal names its flag."""
    config = base
    for key, text in overrides.items():
        try:
            config = with_changes(config, {key: parse_value(key, text)})
        except ConfigError as exc:
            raise UsageError(f"{_flag(key, side)}: {exc}") from None
    return config


def check_outputs(out_a: str | None, out_b: str | None) -> None:
    """As `playground train` does, before anything is computed; and A and B never share a file."""
    for side, out in zip(SIDES, (out_a, out_b)):
        if out:
            check_output_path(out, f"side {side.upper()}'s experiment")
    if out_a and out_b and _same_file(out_a, out_b):
        raise UsageError(f"--out-a '{out_a}' and --out-b '{out_b}' name the same file; "
                         "allowed: two different paths (one experiment each)")


def _same_file(first: str, second: str) -> bool:
    if os.path.realpath(first) == os.path.realpath(second):
        return True
    try:
        return os.path.samefile(first, second)  # hard links, or two names of one file
    except OSError:
        return False


@dataclass
class Side:
    """One run of the comparison: its label, trainer and training time so far."""

    label: str  # "A" or "B"
    trainer: Trainer
    result: EpochResult
    description: str | None = None  # the experiment file's, which both sides' files keep
    seconds: float = 0.0

    def train(self, epochs: int) -> None:
        if not self.result.diverged:
            start = time.perf_counter()
            self.result = self.trainer.train(epochs)
            self.seconds += time.perf_counter() - start


def build_sides(args: argparse.Namespace) -> list[Side]:
    check_start_options(args.epochs, None, args.source)
    check_outputs(args.out_a, args.out_b)
    loaded = load_experiment_option(args.source)
    state, description = loaded.state(), description_of(loaded)
    configs = [side_config(state.config, side, side_overrides(args, side)) for side in SIDES]
    trainers = [fork(state, config) for config in configs]
    check_trainable(trainers[0], args)
    return [Side(side.upper(), trainer, trainer.last_result(), description) for side, trainer in zip(SIDES, trainers)]


# ----- training in step ------------------------------------------------------------------
def train_in_step(sides: list[Side], epochs: int, quiet: bool, stop: StopRequest) -> list[TrainingRun]:
    """Train every side `epochs` epochs in rounds of equal length (~PROGRESS_INTERVAL_S for all
    sides together); Ctrl-C ends training after the round it arrives in, so the sides stay level.
    A side that diverges stops; the others go on."""
    first = sides[0].trainer.epoch
    done = 0
    pacer = EpochPacer()  # an epoch of every side together
    with tqdm(total=epochs, unit="epoch", disable=quiet or epochs == 0, file=sys.stderr, dynamic_ncols=True) as bar:
        while done < epochs and not stop.requested and not all(side.result.diverged for side in sides):
            now = pacer.epochs_for(PROGRESS_INTERVAL_S, epochs - done)
            start = time.perf_counter()
            for side in sides:
                side.train(now)
            pacer.measured(time.perf_counter() - start, now)
            done += now
            bar.update(now)
            bar.set_postfix_str(", ".join(f"{side.label} test loss {_test_loss_text(side)}" for side in sides),
                                refresh=False)
    return [finished_run(side.trainer, side.result, epochs, first, side.seconds, stop) for side in sides]


def _test_loss_text(side: Side) -> str:
    return f"{side.result.test_loss:.4f}" if len(side.trainer.data.test) else NO_POINTS


# ----- what is printed -------------------------------------------------------------------
def side_labels(sides: list[Side]) -> list[str]:
    """'A' and 'B', each followed by its settings where the two differ: 'A (learning rate 0.03)'."""
    differing = [k for k in SIDE_KEYS if len({getattr(side.trainer.config, k) for side in sides}) > 1]
    labels = []
    for side in sides:
        settings = ", ".join(f"{k.replace('_', ' ')} {_value_text(getattr(side.trainer.config, k))}" for k in differing)
        labels.append(f"{side.label} ({settings})" if settings else side.label)
    return labels


def _value_text(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def verdict_line(sides: list[Side]) -> str:
    """Which side ended with the lower test loss (a diverged side never does)."""
    a, b = sides
    if not len(a.trainer.data.test):
        return "no test loss to compare: the experiment has no test points"
    finite = [side for side in sides if not side.result.diverged and math.isfinite(side.result.test_loss)]
    if not finite:
        return "neither ended with a test loss: both diverged"
    if len(finite) == 1:
        other = b if finite[0] is a else a
        return f"{finite[0].label} ended with the lower test loss: {_loss_pair(finite[0], None)} ({other.label} diverged)"
    if a.result.test_loss == b.result.test_loss:
        return f"A and B ended with the same test loss: {a.result.test_loss:.4f}"
    low, high = (a, b) if a.result.test_loss < b.result.test_loss else (b, a)
    return f"{low.label} ended with the lower test loss: {_loss_pair(low, high)}"


def _loss_pair(low: Side, high: Side | None) -> str:
    """'0.0412 against B's 0.1873', with more digits when four decimals would read the same."""
    digits = 4
    if high is not None and f"{low.result.test_loss:.4f}" == f"{high.result.test_loss:.4f}":
        digits = 10
    text = f"{low.result.test_loss:.{digits}f}"
    return text if high is None else f"{text} against {high.label}'s {high.result.test_loss:.{digits}f}"


def finish(sides: list[Side], runs: list[TrainingRun], outs: Sequence[str | None]) -> int:
    """Print the summaries and the verdict, warn about diverged sides, save the others; the status."""
    for label, run in zip(side_labels(sides), runs):
        print(f"{label}: {summary_line(run)}")
    print(verdict_line(sides), flush=True)
    status, failures = 0, []
    for side, out in zip(sides, outs):
        if side.result.diverged:
            print(f"warning: {side.label}: {side.result.message}", file=sys.stderr)
            if out:
                print(f"warning: {side.label}: {DIVERGED_NOT_SAVED.format(path=out)}", file=sys.stderr)
            status = EXIT_DIVERGED
        elif out:
            reason = save_or_reason(side.trainer, out, side.description)
            if reason:
                failures.append(reason)
            else:
                print(f"saved {out}")
    if failures:
        for reason in failures[:-1]:
            print(f"error: {reason}", file=sys.stderr)
        fail(failures[-1])
    return status


def main(argv: Sequence[str]) -> int:
    args = parse_arguments(argv)
    try:
        sides = build_sides(args)
    except (UsageError, ConfigError, DataError, ExperimentError) as exc:
        fail(str(exc))
    with interrupts_deferred() as stop:
        runs = train_in_step(sides, args.epochs, args.quiet, stop)
        status = finish(sides, runs, (args.out_a, args.out_b))
        return EXIT_INTERRUPTED if stop.requested and status == 0 else status
