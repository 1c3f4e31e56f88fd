"""The training and test points of one experiment, made from a configuration and a seed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.engine.config import CLASSIFICATION_DATASETS, REGRESSION_DATASETS, Config
from playground.engine.datasets import DataError, generate, load_csv, shuffle_split
from playground.engine.size_limits import points_problem


@dataclass(frozen=True)
class SplitData:
    train: np.ndarray  # (n_train, 3) rows of x, y, label, in training order
    test: np.ndarray  # (n_test, 3) rows of x, y, label

    def __post_init__(self) -> None:
        for name, rows in (("train", self.train), ("test", self.test)):
            if rows.ndim != 2 or rows.shape[1] != 3:
                raise DataError(f"{name} points must be rows of x, y, label; got shape {rows.shape}")
            # A read-only copy: points never change in place (new points are a new SplitData),
            # so snapshots and views may share them without copying every frame.
            frozen = np.array(rows, dtype=np.float64)
            frozen.flags.writeable = False
            object.__setattr__(self, name, frozen)
        if len(self.train) == 0:
            raise DataError("the training set is empty; allowed: at least 1 training point (raise the train ratio)")

    def check_fits(self, hidden: Sequence[int]) -> None:
        """DataError if these points are too many to hold, or to measure with this network."""
        problem = points_problem(len(self.train) + len(self.test), hidden)
        if problem:
            raise DataError(problem)


def data_rng(seed: int, generation: int = 0) -> np.random.Generator:
    """The stream that draws points and the split; ``generation`` counts "Regenerate" presses."""
    return np.random.default_rng([seed, 0, generation])


def init_rng(seed: int) -> np.random.Generator:
    """The stream that draws the initial weights, independent of the data's."""
    return np.random.default_rng([seed, 1])


def is_builtin_dataset(name: str) -> bool:
    return name in CLASSIFICATION_DATASETS or name in REGRESSION_DATASETS


def make_data(config: Config, generation: int = 0) -> SplitData:
    """Generate (or read from CSV) the points, shuffle once, split by ``train_ratio``.

    Raises DataError for a CSV that is not points of the configured problem.
    """
    rng = data_rng(config.seed, generation)
    if is_builtin_dataset(config.dataset):
        points = generate(config.dataset, config.noise, rng)
    else:
        points = load_csv(config.dataset, config.problem)
    train, test = shuffle_split(points, config.train_ratio, rng)
    return SplitData(train, test)
