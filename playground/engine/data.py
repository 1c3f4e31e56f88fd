"""The training and test points of one experiment, made from a configuration and a seed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.engine.config import Config
from playground.engine.datasets import BUILTIN_DATASETS, DataError, generate, load_csv, shuffle_split
from playground.engine.size_limits import points_problem


@dataclass(frozen=True)
class SplitData:
    """Either set may be empty (a plane the user is drawing on); a trainer trains only with ≥ 1
    training point. Labels: ±1 (classification), class indices 0 … K−1 (multiclass), or reals."""

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
    return name in BUILTIN_DATASETS


def make_data(config: Config, generation: int = 0) -> SplitData:
    """Generate (or read from CSV) the points, shuffle once, split by ``train_ratio``.

    Raises DataError for a CSV that is not points of the configured problem (for multiclass: of
    exactly ``config.classes`` classes), or that leaves no training point.
    """
    rng = data_rng(config.seed, generation)
    if is_builtin_dataset(config.dataset):
        points = generate(config.dataset, config.noise, rng, config.problem, config.classes)
    else:
        points = load_csv(config.dataset, config.problem)
        check_classes(points, config)
    train, test = shuffle_split(points, config.train_ratio, rng)
    if not len(train):
        raise DataError("the training set is empty; allowed: at least 1 training point (raise the train ratio)")
    return SplitData(train, test)


def csv_classes(points: np.ndarray) -> int:
    """K of multiclass points whose labels load_csv has checked: the number of distinct labels."""
    return len(np.unique(points[:, 2]))


def check_classes(points: np.ndarray, config: Config) -> None:
    """DataError unless multiclass points from a file have exactly the config's number of classes."""
    if config.problem != "multiclass":
        return
    k = csv_classes(points)
    if k != config.classes:
        raise DataError(
            f"{config.dataset} has {k} classes (labels 0 … {k - 1}) but the config says classes {config.classes}; "
            f"allowed: set classes to {k} for this file"
        )
