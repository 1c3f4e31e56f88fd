"""Points drawn by hand on the plane: add (a click), spray (a drag), erase (the nearest point),
clear; and the undo/redo history of those edits.

Every edit takes a SplitData and returns a new one (points never change in place). Drawn points
are appended, to the training set unless asked for the test set, so the trainer's fixed order
keeps every earlier point where it was and a running network simply meets the new ones. Labels
follow the problem's rule: −1 or 1 for classification, a class index 0 … K−1 for multiclass, any
finite number for regression.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.engine.config import Config
from playground.engine.data import SplitData
from playground.engine.datasets import DataError, label_problem
from playground.engine.grid import GRID_EXTENT
from playground.engine.size_limits import MAX_POINTS

SPRAY_JITTER = 0.25  # the spread (standard deviation, plane units) of a drag's points around the pointer
HISTORY_LIMIT = 200  # edits that can be undone


def check_label(label: float, config: Config) -> float:
    """The label as a float, or DataError naming what is allowed."""
    value = float(label)
    problem = label_problem(value, config.problem, config.classes)
    if problem:
        raise DataError(f"a drawn point's label {problem}")
    return value


@dataclass(frozen=True)
class AddPoints:
    """Append (m, 2) positions with one label to the training set (or the test set)."""

    xy: np.ndarray  # (m, 2)
    label: float
    to_test: bool = False

    def apply(self, data: SplitData, config: Config) -> SplitData:
        label = check_label(self.label, config)
        xy = np.asarray(self.xy, dtype=np.float64).reshape(-1, 2)
        if not np.isfinite(xy).all():
            raise DataError("a drawn point must have finite coordinates")
        if len(data.train) + len(data.test) + len(xy) > MAX_POINTS:
            raise DataError(f"the plane is full; allowed: at most {MAX_POINTS:,} points (training and test together)")
        rows = np.column_stack([xy, np.full(len(xy), label)])  # (m, 3)
        if self.to_test:
            return SplitData(data.train, np.vstack([data.test, rows]))
        return SplitData(np.vstack([data.train, rows]), data.test)


@dataclass(frozen=True)
class ErasePoint:
    """Remove the point nearest (x, y), training or test, if it lies within ``radius``."""

    x: float
    y: float
    radius: float  # plane units (the view turns its few pixels into these)

    def apply(self, data: SplitData, config: Config) -> SplitData:
        rows = np.vstack([data.train, data.test])  # (n_train + n_test, 3)
        if not len(rows):
            return data
        distance = np.hypot(rows[:, 0] - self.x, rows[:, 1] - self.y)
        k = int(np.argmin(distance))
        if distance[k] > self.radius:
            return data  # nothing there: the same data, and no step in the history
        n_train = len(data.train)
        if k < n_train:
            return SplitData(np.delete(data.train, k, axis=0), data.test)
        return SplitData(data.train, np.delete(data.test, k - n_train, axis=0))


@dataclass(frozen=True)
class ClearPoints:
    """Every point goes."""

    def apply(self, data: SplitData, config: Config) -> SplitData:
        return SplitData(np.empty((0, 3)), np.empty((0, 3)))


PointEdit = AddPoints | ErasePoint | ClearPoints


def spray(x: float, y: float, count: int, rng: np.random.Generator, jitter: float = SPRAY_JITTER) -> np.ndarray:
    """(count, 2) positions scattered around (x, y), kept on the plane [−6, 6]²."""
    xy = rng.normal((x, y), jitter, size=(count, 2))
    return np.clip(xy, -GRID_EXTENT, GRID_EXTENT)


class PointHistory:
    """Undo and redo of point edits: the data before each edit, at most HISTORY_LIMIT of them."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self.limit = limit
        self._undo: list[SplitData] = []
        self._redo: list[SplitData] = []

    def record(self, before: SplitData) -> None:
        """An edit changed ``before`` into something new: it can be undone; redo is forgotten."""
        self._undo.append(before)
        del self._undo[: -self.limit]
        self._redo.clear()

    def undo(self, current: SplitData) -> SplitData | None:
        """The data before the last edit (None: nothing to undo)."""
        if not self._undo:
            return None
        self._redo.append(current)
        return self._undo.pop()

    def redo(self, current: SplitData) -> SplitData | None:
        if not self._redo:
            return None
        self._undo.append(current)
        return self._redo.pop()

    def forget(self) -> None:
        """New points from elsewhere (a dataset, a file): earlier drawing cannot be undone into them."""
        self._undo.clear()
        self._redo.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)
