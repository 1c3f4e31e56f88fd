"""Per-epoch records that stay cheap to append to and to plot after 100,000 epochs."""

from __future__ import annotations

import numpy as np

HISTORY_COLUMNS: tuple[str, ...] = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")


class History:
    """Rows indexed by epoch (row 0 = before training), stored in a buffer that doubles."""

    def __init__(self, capacity: int = 1024) -> None:
        self._rows = np.empty((capacity, len(HISTORY_COLUMNS)))  # (capacity, 4)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(self, train_loss: float, test_loss: float, train_accuracy: float, test_accuracy: float) -> None:
        if self._count == len(self._rows):
            self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
        self._rows[self._count] = (train_loss, test_loss, train_accuracy, test_accuracy)
        self._count += 1

    def replace_last(self, train_loss: float, test_loss: float, train_accuracy: float, test_accuracy: float) -> None:
        """The current epoch measured again (its network was edited, or its points redrawn)."""
        if not self._count:
            raise IndexError("no row to replace")
        self._rows[self._count - 1] = (train_loss, test_loss, train_accuracy, test_accuracy)

    def column(self, name: str) -> np.ndarray:
        """A read-only view of one column's first len(self) entries (copy it to keep it)."""
        view = self._rows[: self._count, HISTORY_COLUMNS.index(name)]
        view.flags.writeable = False
        return view

    def last(self, name: str) -> float:
        return float(self._rows[self._count - 1, HISTORY_COLUMNS.index(name)])

    def to_columns(self) -> dict[str, list[float]]:
        return {name: self.column(name).tolist() for name in HISTORY_COLUMNS}

    @classmethod
    def from_columns(cls, columns: dict[str, list[float]]) -> History:
        lengths = {len(columns[name]) for name in HISTORY_COLUMNS}
        if len(lengths) != 1:
            raise ValueError(f"history columns have different lengths {sorted(lengths)}; they must be equal")
        history = cls(max(1024, lengths.pop()))
        rows = np.array([columns[name] for name in HISTORY_COLUMNS], dtype=np.float64).T
        history._rows[: len(rows)] = rows.reshape(-1, len(HISTORY_COLUMNS))
        history._count = len(rows)
        return history
