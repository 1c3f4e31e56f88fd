"""`playground train`: the same engine without a window, with progress and a summary."""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from playground.cli_errors import EXIT_INTERRUPTED, OneLineParser, UsageError, fail
from playground.cli_files import check_output_path, check_start_options, load_config_option, load_experiment_option
from playground.engine.checkpoints import CheckpointStore
from playground.engine.compiled import engine_description
from playground.engine.config import CONFIG_KEYS, Config, ConfigError, parse_value
from playground.engine.config_edits import DATA, LIVE_KEYS, NETWORK, effect, with_changes
from playground.engine.data import make_data
from playground.engine.datasets import DataError
from playground.engine.experiment import (
    DIVERGED_NOT_SAVED,
    ExperimentError,
    description_of,
    take_checkpoints,
    write_experiment,
)
from playground.engine.metrics import class_labels, confusion_matrix, r_squared, rmse
from playground.engine.pacing import EpochPacer
from playground.engine.trainer import EpochResult, Trainer
from playground.engine.trainer_state import TrainerState

DEFAULT_EPOCHS = 1000
PROGRESS_INTERVAL_S = 0.1  # how often the progress line is redrawn
EXIT_DIVERGED = 1
SETS = ("train", "test")
NO_POINTS = "no points"  # what an empty set's figures read (the window's word too)


def make_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="playground train",
        description="Train a network headless (no window) and optionally save the experiment.",
    )
    parser.add_argument("--config", metavar="FILE", help="a config JSON file to start from")
    parser.add_argument("--from", dest="source", metavar="EXPERIMENT", help="continue a saved experiment")
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS, metavar="N", help="epochs to train (default 1000)")
    parser.add_argument("--out", metavar="EXPERIMENT", help="save the experiment here when done")
    parser.add_argument("--checkpoints", action="store_true",
                        help="keep the run's checkpoints (and those of --from) and write them into --out, so the "
                             "window can scrub back through it (a larger file)")
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
    check_start_options(args.epochs, args.config, args.source)
    if args.source:
        trainer = load_experiment_option(args.source)
        old = trainer.config
        config = with_changes(old, overrides)
        # What the window would do decides: a live change continues, anything more is refused.
        if effect(old, config) in (DATA, NETWORK):
            fixed = next(k for k in CONFIG_KEYS if k not in LIVE_KEYS and getattr(config, k) != getattr(old, k))
            raise UsageError(
                f"--{fixed.replace('_', '-')} cannot change when continuing an experiment (it needs a new "
                f"network or new points); allowed: {', '.join('--' + k.replace('_', '-') for k in LIVE_KEYS)}"
            )
        live = {key: getattr(config, key) for key in LIVE_KEYS if getattr(config, key) != getattr(old, key)}
        if live:
            trainer.set_hyperparameters(**live)
        return trainer
    config = with_changes(load_config_option(args.config) if args.config else Config(), overrides)
    return Trainer(config, make_data(config))


@dataclass(frozen=True)
class TrainingRun:
    """What one `playground train` run did."""

    result: EpochResult  # the last epoch's figures
    requested: int  # epochs asked for
    trained: int  # epochs actually trained (fewer after divergence or Ctrl-C)
    seconds: float
    interrupted: bool  # stopped early by Ctrl-C
    what_is_wrong: str = ""  # the confusion matrices or RMSE and R² at the end (what_is_wrong)
    figures: str = ""  # the last epoch's losses (and accuracies), as figures_text writes them

    @property
    def speed(self) -> float:
        """Epochs per second, of the epochs actually trained."""
        return self.trained / self.seconds if self.seconds > 0 else 0.0


class StopRequest:
    """A signal handler for Ctrl-C (SIGINT) that only remembers it; training checks between epochs."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: object) -> None:
        self.requested = True


@contextmanager
def interrupts_deferred() -> Iterator[StopRequest]:
    """While inside, Ctrl-C raises nothing: it sets ``requested`` (so a save is never cut short)."""
    stop = StopRequest()
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield stop
        return
    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def train_with_progress(
    trainer: Trainer, epochs: int, quiet: bool, stop: StopRequest | None = None, store: CheckpointStore | None = None
) -> TrainingRun:
    """Train `epochs` epochs (fewer on divergence, or when `stop` is requested), redrawing one
    progress line on stderr; none when quiet or when there is nothing to train. With a `store`,
    each call stops where a checkpoint is due and the store keeps it (as the window's worker does)."""
    stop = stop or StopRequest()
    first = trainer.epoch
    target = first + epochs
    result = trainer.last_result()
    start = time.perf_counter()
    pacer = EpochPacer()
    with tqdm(total=epochs, unit="epoch", disable=quiet or epochs == 0, file=sys.stderr, dynamic_ncols=True) as bar:
        while trainer.epoch < target and not result.diverged and not stop.requested:
            deadline = time.perf_counter() + PROGRESS_INTERVAL_S
            done_before = trainer.epoch
            while trainer.epoch < target and (left := deadline - time.perf_counter()) > 0 and not result.diverged:
                # As many epochs a call as the time left holds: the compiled kernel runs them in one.
                call_start, call_first = time.perf_counter(), trainer.epoch
                count = pacer.epochs_for(left, target - trainer.epoch)
                if store is not None:
                    count = min(count, store.next_due(trainer.epoch) - trainer.epoch)
                result = trainer.train(count)
                if store is not None:
                    store.keep(trainer)
                pacer.measured(time.perf_counter() - call_start, trainer.epoch - call_first)
                if stop.requested:
                    break
            bar.update(trainer.epoch - done_before)
            bar.set_postfix_str(figures_text(result, trainer), refresh=False)
    return finished_run(trainer, result, epochs, first, time.perf_counter() - start, stop)


def finished_run(
    trainer: Trainer, result: EpochResult, requested: int, first: int, seconds: float, stop: StopRequest
) -> TrainingRun:
    """The TrainingRun of `trainer` after training from epoch `first` towards `first + requested`."""
    interrupted = stop.requested and trainer.epoch < first + requested and not result.diverged
    wrong = "" if result.diverged else what_is_wrong(trainer)
    return TrainingRun(result, requested, trainer.epoch - first, seconds, interrupted, wrong, figures_text(result, trainer))


def what_is_wrong(trainer: Trainer) -> str:
    """Classes (2 or K): 'confusion (rows true -1, +1; columns predicted -1, +1): train [[a b] [c d]],
    test [[…]]' (multiclass: 'rows true 0…K−1; columns predicted 0…K−1', a K × K matrix each); regression: 'train RMSE …,
    test RMSE …, train R² …, test R² …'. An empty set reads 'no points'."""
    train, test = trainer.outputs()  # (n,) each, or (n, K) probabilities for multiclass
    sets = (("train", train, trainer.data.train[:, 2]), ("test", test, trainer.data.test[:, 2]))
    problem = trainer.config.problem
    classes = class_labels(problem, trainer.config.classes)
    if classes is not None:
        names = ", ".join(f"{c:+g}" for c in classes) if problem == "classification" else f"0…{len(classes) - 1}"
        text = ", ".join(
            f"{name} {_matrix_text(confusion_matrix(out, labels, classes)) if len(labels) else NO_POINTS}"
            for name, out, labels in sets
        )
        return f"confusion (rows true {names}; columns predicted {names}): {text}"
    figures = [(f"{name} RMSE", rmse(out, labels), len(labels)) for name, out, labels in sets]
    figures += [(f"{name} R²", r_squared(out, labels), len(labels)) for name, out, labels in sets]
    return ", ".join(f"{name} {_regression_figure(value, n)}" for name, value, n in figures)


def _regression_figure(value: float, n_points: int) -> str:
    if not n_points:
        return NO_POINTS
    return f"{value:.4f}" if math.isfinite(value) else "undefined"


def _matrix_text(matrix: np.ndarray) -> str:
    return "[" + " ".join("[" + " ".join(str(int(v)) for v in row) + "]" for row in matrix) + "]"


def figures_text(result: EpochResult, trainer: Trainer) -> str:
    """'train loss …, test loss …' and, for classes, ', train accuracy …%, test accuracy …%';
    an empty set (its loss NaN by design) reads 'no points' instead of 'nan'."""
    sizes = (len(trainer.data.train), len(trainer.data.test))
    losses = (result.train_loss, result.test_loss)
    text = ", ".join(f"{name} loss {f'{loss:.4f}' if n else NO_POINTS}" for name, loss, n in zip(SETS, losses, sizes))
    if trainer.config.problem != "regression":
        accuracies = (result.train_accuracy, result.test_accuracy)
        text += "".join(
            f", {name} accuracy {f'{100 * value:.1f}%' if n else NO_POINTS}"
            for name, value, n in zip(SETS, accuracies, sizes)
        )
    return text


def summary_line(run: TrainingRun) -> str:
    """'epoch 50: train loss …, test loss …, train accuracy …, test accuracy …; confusion …; 2,345 epochs/s
    (compiled C kernel, AVX2)' (one line: RMSE and R² instead of accuracy and confusion for a regression)."""
    text = f"epoch {run.result.epoch}: {run.figures}"
    if run.what_is_wrong:
        text += f"; {run.what_is_wrong}"
    if run.trained == 0:
        return f"{text} (no epochs trained)"
    text += f"; {run.speed:,.0f} epochs/s ({engine_description()})"
    if run.interrupted:
        text += f"; stopped by Ctrl-C after {run.trained:,} of {run.requested:,} epochs"
    return text


def main(argv: Sequence[str]) -> int:
    args = make_parser().parse_args(list(argv))
    try:
        if args.out:
            check_output_path(args.out, "experiment")
        elif args.checkpoints:
            raise UsageError("--checkpoints are written into the saved experiment: add --out FILE.json")
        trainer = build_trainer(args)
        check_trainable(trainer, args)
    except (UsageError, ConfigError, DataError, ExperimentError) as exc:
        fail(str(exc))
    store = CheckpointStore.for_run(trainer, kept=take_checkpoints(trainer)) if args.checkpoints else None
    with interrupts_deferred() as stop:
        run = train_with_progress(trainer, args.epochs, args.quiet, stop, store)
        print(summary_line(run), flush=True)
        status = _finish(trainer, run, args.out, store)
        return EXIT_INTERRUPTED if stop.requested and status == 0 else status


def check_trainable(trainer: Trainer, args: argparse.Namespace) -> None:
    """An experiment saved from an emptied plane has no training points: only --epochs 0 runs."""
    if args.epochs and not len(trainer.data.train):
        raise UsageError(
            f"experiment '{args.source}' has no training points to train on; "
            "allowed: --epochs 0 (the summary only), or draw or load points in the window and save again"
        )


def _finish(trainer: Trainer, run: TrainingRun, out: str | None, store: CheckpointStore | None = None) -> int:
    """Warn about divergence, or save to `out`; the exit status so far."""
    if run.result.diverged:
        print(f"warning: {run.result.message}", file=sys.stderr)
        if out:
            print(f"warning: {DIVERGED_NOT_SAVED.format(path=out)}", file=sys.stderr)
        return EXIT_DIVERGED
    if out:
        reason = save_or_reason(trainer, out, checkpoints=store.states() if store is not None else ())
        if reason:
            fail(reason)
        print(f"saved {out}")
    return 0


def save_or_reason(
    trainer: Trainer, out: str, description: str | None = None, checkpoints: Sequence[TrainerState] = ()
) -> str | None:
    """Save the experiment atomically to `out` with `description` (by default that of the file
    `trainer` was loaded from, if any) and `checkpoints`; None when saved, else why not (one line)."""
    try:
        write_experiment(trainer.state(), out, description if description is not None else description_of(trainer),
                         checkpoints)
    except OSError as exc:
        return f"cannot write experiment '{out}': {exc.strerror or exc}"
    except ExperimentError as exc:
        return f"cannot write experiment '{out}': {exc}"
    return None
