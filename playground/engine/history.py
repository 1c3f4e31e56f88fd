"""Per-epoch records that stay cheap to append to and to plot, in bounded memory.

Row 0 is the state before training and every epoch appends one row. Memory is bounded: when
MAX_ROWS rows are held, every second row is dropped (row 0 stays, and the newest rows go on
arriving one an epoch), so a run of any length keeps at most MAX_ROWS rows, densest near the
present. Until then row k is epoch k; after a thinning each row carries its epoch
(``epochs()``), and ``thinned`` says so. ``version`` counts thinnings, so a reader that keeps
rows by position knows when to start again.
"""

from __future__ import annotations

import numpy as np

HISTORY_COLUMNS: tuple[str, ...] = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
EPOCH_COLUMN = "epoch"  # in a state or a file only when the rows are not simply epochs 0..E
# 2^20 rows of 5 float64 = 42 MB: at 2,000 epochs/s the first thinning comes after ~9 minutes,
# and a whole-history redraw of the loss chart (peak-downsampled) stays a few milliseconds.
MAX_ROWS = 2**20


class History:
    def __init__(self, capacity: int = 1024, max_rows: int | None = None) -> None:
        self.max_rows = MAX_ROWS if max_rows is None else max_rows  # read at construction: tests lower it
        capacity = min(capacity, self.max_rows)
        self._rows = np.empty((capacity, len(HISTORY_COLUMNS)))  # (capacity, 4)
        self._epochs = np.empty(capacity)  # (capacity,) the epoch of each row
        self._count = 0
        self.version = 0  # thinnings so far

    def __len__(self) -> int:
        return self._count

    @property
    def thinned(self) -> bool:
        return self._count > 0 and self._epochs[self._count - 1] != self._count - 1

    def append(self, train_loss: float, test_loss: float, train_accuracy: float, test_accuracy: float) -> None:
        """The next epoch's row (epoch 0 first)."""
        epoch = self._epochs[self._count - 1] + 1 if self._count else 0.0
        if self._count == self.max_rows:
            self._thin()
        if self._count == len(self._rows):
            grown = min(2 * len(self._rows), self.max_rows)
            self._rows = np.concatenate([self._rows, np.empty((grown - len(self._rows), len(HISTORY_COLUMNS)))])
            self._epochs = np.concatenate([self._epochs, np.empty(grown - len(self._epochs))])
        self._rows[self._count] = (train_loss, test_loss, train_accuracy, test_accuracy)
        self._epochs[self._count] = epoch
        self._count += 1

    def extend(self, rows: np.ndarray) -> None:
        """The next epochs' rows, (n, 4) in HISTORY_COLUMNS order: as n appends, in bulk while
        no thinning is due."""
        n = len(rows)
        if not self._count or self._count + n > self.max_rows:
            for row in rows:
                self.append(*row)
            return
        while self._count + n > len(self._rows):
            grown = min(2 * len(self._rows), self.max_rows)
            self._rows = np.concatenate([self._rows, np.empty((grown - len(self._rows), len(HISTORY_COLUMNS)))])
            self._epochs = np.concatenate([self._epochs, np.empty(grown - len(self._epochs))])
        first = self._epochs[self._count - 1] + 1
        self._rows[self._count : self._count + n] = rows
        self._epochs[self._count : self._count + n] = np.arange(first, first + n)
        self._count += n

    def _thin(self) -> None:
        """Keep rows 0, 2, 4, ...: half the rows, row 0 (before training) among them."""
        kept = (self._count + 1) // 2
        self._rows[:kept] = self._rows[: self._count : 2]
        self._epochs[:kept] = self._epochs[: self._count : 2]
        self._count = kept
        self.version += 1

    def replace_last(self, train_loss: float, test_loss: float, train_accuracy: float, test_accuracy: float) -> None:
        """The current epoch measured again (its network was edited, or its points redrawn)."""
        if not self._count:
            raise IndexError("no row to replace")
        self._rows[self._count - 1] = (train_loss, test_loss, train_accuracy, test_accuracy)

    def column(self, name: str) -> np.ndarray:
        """A read-only view of one column's first len(self) entries (copy it to keep it)."""
        view = (self._epochs if name == EPOCH_COLUMN else self._rows[:, HISTORY_COLUMNS.index(name)])[: self._count]
        view.flags.writeable = False
        return view

    def epochs(self) -> np.ndarray:
        """(len,) read-only: the epoch of each row."""
        return self.column(EPOCH_COLUMN)

    def last(self, name: str) -> float:
        return float(self._rows[self._count - 1, HISTORY_COLUMNS.index(name)])

    def to_columns(self) -> dict[str, np.ndarray]:
        """Fresh copies of the columns, with EPOCH_COLUMN only when the rows are thinned."""
        names = (*HISTORY_COLUMNS, EPOCH_COLUMN) if self.thinned else HISTORY_COLUMNS
        return {name: self.column(name).copy() for name in names}

    @classmethod
    def from_columns(cls, columns: dict[str, np.ndarray | list[float]]) -> History:
        """From HISTORY_COLUMNS (and EPOCH_COLUMN for thinned rows; else epochs 0, 1, ...)."""
        names = [*HISTORY_COLUMNS, *([EPOCH_COLUMN] if EPOCH_COLUMN in columns else [])]
        lengths = {len(columns[name]) for name in names}
        if len(lengths) != 1:
            raise ValueError(f"history columns have different lengths {sorted(lengths)}; they must be equal")
        count = lengths.pop()
        history = cls(max(1024, count), max_rows=max(MAX_ROWS, count))
        rows = np.array([columns[name] for name in HISTORY_COLUMNS], dtype=np.float64).T
        history._rows[:count] = rows.reshape(-1, len(HISTORY_COLUMNS))
        epochs = columns.get(EPOCH_COLUMN)
        history._epochs[:count] = np.arange(count) if epochs is None else np.asarray(epochs, dtype=np.float64)
        history._count = count
        return history
