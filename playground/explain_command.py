"""`playground explain`: the worked example of one sample of a saved experiment, as Markdown or JSON.

The same numbers as the window's inspector (engine/shot.py, engine/explain.py): the sample fired
through a frozen copy of the network, its error blamed back to every weight, the gradient check and
the one-shot step. Nothing is trained and the experiment file is never changed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.cli_errors import OneLineParser, UsageError, fail
from playground.cli_files import check_output_path, json_file_kind
from playground.engine.datasets import label_problem
from playground.engine.experiment import ExperimentError, read_experiment
from playground.engine.explain import check_size, explain_document, explain_markdown
from playground.engine.files import atomic_write_text
from playground.engine.shot import Shot, explain_points, explain_samples
from playground.engine.trainer_state import TrainerState

FORMATS = ("markdown", "json")
DEFAULT_SAMPLE = "train:0"
SAMPLE_PATTERN = re.compile(r"(train|test):([0-9]+)")
ALLOWED_SAMPLE = "allowed: train:K or test:K, K a whole number counted from 0 (e.g. train:5)"
ALLOWED_POINT = "allowed: three numbers X,Y,LABEL such as 0.5,1.2,1 (write --point=-0.5,1.2,1 when X is negative)"
WHAT = "worked example"  # what --out holds, in messages


def make_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="playground explain",
        description="Write the worked example of one sample of a saved experiment: the forward pass, the "
        "error sent back (every δ and gradient, the chain rule of one weight per layer), a gradient check "
        "by central differences and the one-shot step. Nothing is trained; the experiment is not changed.",
    )
    parser.add_argument("--from", dest="source", metavar="EXPERIMENT", required=True, help="a saved experiment")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--sample", metavar="SET:K", help=f"train:K or test:K, the K-th point (from 0) of the "
                       f"training or the test set (default {DEFAULT_SAMPLE})")
    which.add_argument("--point", metavar="X,Y,LABEL", help="a point of your own instead (write --point=-1,2,1 "
                       "when X is negative); for classification LABEL is -1 or 1, for multiclass a "
                       "class index 0 … K-1")
    parser.add_argument("--format", choices=FORMATS, default="markdown",
                        help="markdown (a worked example to read, default) or json (every number, for programs)")
    parser.add_argument("--out", metavar="FILE", help="write it here (atomically) instead of to standard output")
    return parser


@dataclass(frozen=True)
class Choice:
    """Which sample: a row of the training or the test set, or a point given by hand."""

    part: str  # "train", "test" or "point"
    index: int = -1  # the row, for train and test
    point: tuple[float, float, float] | None = None

    @property
    def name(self) -> str | None:
        """What the worked example calls it (None: the point's own coordinates)."""
        return {"train": f"training sample {self.index}", "test": f"test sample {self.index}"}.get(self.part)


def parse_choice(sample: str | None, point: str | None) -> Choice:
    """--sample or --point as written, before any file is read."""
    if point is not None:
        return Choice("point", point=parse_point(point))
    text = DEFAULT_SAMPLE if sample is None else sample
    match = SAMPLE_PATTERN.fullmatch(text.strip())
    if not match:
        raise UsageError(f"--sample {text!r} is not allowed; {ALLOWED_SAMPLE}")
    return Choice(match.group(1), int(match.group(2)))


def parse_point(text: str) -> tuple[float, float, float]:
    parts = text.split(",")
    try:
        numbers = tuple(float(part) for part in parts)
    except ValueError:
        numbers = ()
    if len(parts) != 3 or len(numbers) != 3 or not all(math.isfinite(v) for v in numbers):
        raise UsageError(f"--point {text!r} is not allowed; {ALLOWED_POINT}")
    return numbers  # type: ignore[return-value]


def load_state(path: str) -> TrainerState:
    """The experiment of --from, refused when it cannot be explained (diverged, or too large to check)."""
    try:
        state = read_experiment(path)
    except ExperimentError:
        if json_file_kind(path) == "config":  # there is no --config here to point to
            raise UsageError(f"--from '{path}' looks like a config, not an experiment; allowed: an experiment "
                             "saved by the window (File › Save) or by playground train --out") from None
        raise
    if not np.isfinite(state.params).all():
        raise UsageError(f"the network in '{path}' has diverged (a weight is NaN or infinite); allowed: an "
                         "experiment whose weights are finite numbers")
    try:
        check_size(state.params.size)
    except ValueError as exc:
        raise UsageError(f"cannot explain '{path}': {exc}") from None
    return state


def fire(state: TrainerState, choice: Choice) -> Shot:
    """The shot of the chosen sample, after checking it exists in this experiment."""
    if choice.part == "point":
        _check_label(state, choice.point[2])
        return explain_points(state, np.array([choice.point]))
    rows = state.data.train if choice.part == "train" else state.data.test
    if choice.index >= len(rows):
        allowed = _allowed_rows(choice.part, len(rows))
        raise UsageError(f"--sample {choice.part}:{choice.index} does not exist; {allowed}")
    if choice.part == "train":
        return explain_samples(state, [choice.index])
    return explain_points(state, rows[choice.index : choice.index + 1])


def _allowed_rows(part: str, count: int) -> str:
    name = "training" if part == "train" else "test"
    if count == 0:
        return f"the {name} set of this experiment is empty (allowed: another set, or --point)"
    return f"the {name} set has {count} points; allowed: {part}:0 … {part}:{count - 1}"


def _check_label(state: TrainerState, label: float) -> None:
    config = state.config
    problem = label_problem(label, config.problem, config.classes)
    if problem:
        raise UsageError(f"--point label {problem}")


def render(shot: Shot, choice: Choice, form: str) -> str:
    """The worked example as text; refused when the network's numbers overflow for this sample."""
    if not shot_is_finite(shot):
        raise UsageError("the network diverges on this sample (a number of the worked example is NaN or "
                         "infinite); allowed: a network and a point whose numbers stay finite")
    if form == "json":
        return json.dumps(explain_document(shot), indent=1, allow_nan=False, ensure_ascii=False) + "\n"
    return explain_markdown(shot, name=choice.name)


def shot_is_finite(shot: Shot) -> bool:
    arrays = [*shot.z, *shot.a, *shot.delta, *shot.weight_gradients, *shot.bias_gradients, shot.outputs,
              shot.losses, shot.step.params_after, shot.step.losses_after]
    return all(np.isfinite(array).all() for array in arrays)


def main(argv: Sequence[str]) -> int:
    args = make_parser().parse_args(list(argv))
    try:
        if args.out:
            check_output_path(args.out, WHAT)
        choice = parse_choice(args.sample, args.point)
        text = render(fire(load_state(args.source), choice), choice, args.format)
    except (UsageError, ExperimentError) as exc:
        fail(str(exc))
    if args.out:
        return _write(args.out, text)
    return _print(text)


def _write(path: str, text: str) -> int:
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        fail(f"cannot write {WHAT} '{path}': {exc.strerror or exc}")
    print(f"wrote {path}")
    return 0


def _print(text: str) -> int:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `playground explain ... | head`: the reader has gone; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
