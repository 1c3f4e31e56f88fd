"""Checkpoints of one run: whole training states at log-spaced epochs, in a fixed memory budget.

The schedule. With a density D (a power of two, DENSITY at first), epoch e is *due* when

    e % s(e) == 0,   s(e) = 1 for e < 2D,   s(e) = 2^k for 2^k·D ≤ e < 2^(k+1)·D   (k ≥ 1),

so every epoch below 2D is kept, then each octave [2^k·D, 2^(k+1)·D) keeps the D multiples of
2^k. The gap after a kept epoch e is s(e) ≤ max(1, e/D): scrubbing to any epoch t finds a
checkpoint within max(1, t/D) epochs of it (a relative error ≤ 1/D), and up to epoch E the run
keeps at most
    N(E, D) = 2D + D·⌈log2(E / 2D)⌉   checkpoints (E ≥ 2D),
which grows with log E, not E: at D = 256, E = 10^6 gives 3,305 (N = 512 + 256·11 = 3,328).

The budget. A checkpoint costs the nbytes of its arrays (parameters, pending and last gradient
sums, the optimizer's arrays, the dead mask, two history rows) plus RECORD_OVERHEAD_BYTES for
its Python objects; points are shared between consecutive checkpoints with equal points and
counted once. Whenever an added checkpoint takes the total over ``budget`` (BUDGET_BYTES), D is
halved and only the checkpoints due under the new D stay. The grids nest (s doubles or stays the
same at every epoch when D halves), so thinning never needs a state that was not kept, and it
halves every octave's share while keeping the shape: still every epoch below 2D, still a
relative gap ≤ 1/D. At D = 1 the kept epochs are the powers of two; if even those do not fit,
the oldest go. So between calls ``nbytes ≤ budget`` always, however long the run (inside
``add`` it may briefly exceed it by the one checkpoint being added). A single state larger than
the whole budget (a network of hundreds of thousands of weights) is not kept, and the store
stops asking for more (``due`` is then False): such runs have no checkpoints.

The run's first checkpoint (epoch 0, or where a loaded experiment began) is kept through
thinning, so scrubbing can always go back to the start.

What a checkpoint holds. Everything ``Trainer.from_state`` needs to continue bit-identically,
but not the run's history (a million rows would make every checkpoint 40 MB): only its first
and last rows. ``nearest`` returns a TrainerState whose history is those two rows (epochs 0 and
E); ``branch_state`` gives it the run's real history cut back to its epoch — the rows of the
live history before E, then the checkpoint's own row at E — which is how branching restores it.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from playground.engine.data import SplitData
from playground.engine.history import EPOCH_COLUMN, HISTORY_COLUMNS, History
from playground.engine.trainer_state import TrainerState

if TYPE_CHECKING:
    from playground.engine.trainer import Trainer

BUDGET_BYTES = 32 * 2**20  # 32 MiB for one run's checkpoints, points included
DENSITY = 256  # D at the start: checkpoints per octave of epochs (a power of two)
RECORD_OVERHEAD_BYTES = 2048  # Python objects of one checkpoint (traced: 1.2–1.5 KB, benchmarks/checkpoints.py)


@dataclasses.dataclass(frozen=True, eq=False)
class _Record:
    """One kept state: the state's own read-only arrays, its points shared with the previous
    record when equal, and of its history only two rows."""

    fields: dict[str, Any]  # TrainerState's fields but data and history
    rows: np.ndarray  # (2, 4) the history rows of epoch 0 and of this epoch
    data: SplitData  # the state's points, or the previous record's equal ones
    nbytes: int  # the arrays' nbytes + RECORD_OVERHEAD_BYTES (points not included)

    @property
    def epoch(self) -> int:
        return self.fields["epoch"]

    @classmethod
    def of(cls, state: TrainerState, data: SplitData) -> _Record:
        fields = {f.name: getattr(state, f.name) for f in dataclasses.fields(state) if f.name not in ("data", "history")}
        rows = np.array([[state.history[name][i] for name in HISTORY_COLUMNS] for i in (0, -1)])
        arrays = [state.params, state.dead, state.pending_sum, state.last_sum, rows]
        arrays += [v for v in state.optimizer.values() if isinstance(v, np.ndarray)]
        return cls(fields, rows, data, sum(a.nbytes for a in arrays) + RECORD_OVERHEAD_BYTES)


def stride(epoch: int, density: int) -> int:
    """s(e): 1 below 2D, else the power of two 2^k with 2^k·D ≤ e < 2^(k+1)·D."""
    octave = epoch // density
    return 1 if octave < 2 else 1 << (octave.bit_length() - 1)


def is_due(epoch: int, density: int) -> bool:
    return epoch % stride(epoch, density) == 0


class CheckpointStore:
    """Checkpoints of one run, ascending by epoch (see the module docstring for the schedule)."""

    def __init__(self, budget: int | None = None, density: int = DENSITY) -> None:
        """``budget``: bytes, BUDGET_BYTES (read now) when not given."""
        if density < 1 or density & (density - 1):
            raise ValueError(f"checkpoint density {density} is not allowed; allowed: a power of two ≥ 1")
        self.budget = BUDGET_BYTES if budget is None else budget
        self.density = density  # D now; halves when the budget is exceeded
        self.too_large = False  # a single state exceeded the budget: nothing is kept any more
        self._records: list[_Record] = []
        self._nbytes = 0
        self._epochs: np.ndarray | None = None  # cached, read-only

    @classmethod
    def for_run(cls, trainer: Trainer, budget: int | None = None, kept: Sequence[TrainerState] = ()) -> CheckpointStore:
        """A new run's store: ``kept`` (a saved run's checkpoints, rising, before its epoch), then
        the trainer as it is (epoch 0, or a loaded one)."""
        store = cls(budget)
        for state in kept:
            store.add(state)
        store.add(checkpoint_of(trainer))
        return store

    def states(self) -> list[TrainerState]:
        """Every kept state, rising by epoch (each with the two-row history of ``nearest``)."""
        return [self._restored(record) for record in self._records]

    def __len__(self) -> int:
        return len(self._records)

    @property
    def nbytes(self) -> int:
        """What the kept checkpoints cost: arrays' nbytes, points once, the per-record overhead."""
        return self._nbytes

    def due(self, epoch: int) -> bool:
        """Should the state after ``epoch`` be kept?"""
        return not self.too_large and is_due(epoch, self.density)

    def next_due(self, epoch: int) -> int:
        """The first epoch after ``epoch`` that is due (training should stop there); sys.maxsize
        when nothing will be (too_large)."""
        if self.too_large:
            return sys.maxsize
        e = epoch + 1
        s = stride(e, self.density)
        return -(-e // s) * s  # octave boundaries are multiples of the next stride: due too

    def epochs(self) -> np.ndarray:
        """(n,) int64 read-only, ascending: the kept epochs (the same array until one changes)."""
        if self._epochs is None:
            self._epochs = np.array([r.epoch for r in self._records], dtype=np.int64)
            self._epochs.flags.writeable = False
        return self._epochs

    def add(self, state: TrainerState) -> None:
        """Keep ``state`` (an epoch after the last kept one, or equal: it replaces that one, as
        after a hand edit at that epoch). Thins to the budget afterwards."""
        if self.too_large:
            return
        if self._records and state.epoch < self._records[-1].epoch:
            raise ValueError(f"checkpoint epoch {state.epoch} is before the last kept one, {self._records[-1].epoch}")
        if self._records and state.epoch == self._records[-1].epoch:
            self._records.pop()
            self._changed()
        previous = self._records[-1].data if self._records else None
        same = previous is not None and same_points(previous, state.data)
        record = _Record.of(state, previous if same else state.data)
        cost = record.nbytes + (0 if same else _data_nbytes(state.data))
        if cost > self.budget:
            self.too_large = True
            self._records.clear()
            self._changed()
            return
        self._records.append(record)
        self._nbytes += cost
        self._epochs = None
        self._thin()

    def keep(self, trainer: Trainer) -> None:
        """After training: keep the trainer's state if its epoch is due and it can be continued
        (a diverged state is not kept)."""
        if self.due(trainer.epoch) and not trainer.last_result().diverged:
            self.add(checkpoint_of(trainer))

    def refresh(self, trainer: Trainer) -> None:
        """The trainer changed in place (an edit, a shot, new points) at the last kept epoch: keep
        the changed state instead, the one training continues from, as the history's row shows."""
        epochs = self.epochs()
        if len(epochs) and epochs[-1] == trainer.epoch and not trainer.last_result().diverged:
            self.add(checkpoint_of(trainer))

    def nearest(self, epoch: int) -> TrainerState:
        """The kept state closest to ``epoch`` (the earlier on a tie), its history the run's
        first row and its own (see branch_state). Raises LookupError when none is kept."""
        return self._restored(self._records[self._nearest_index(epoch)])

    def nearest_epoch(self, epoch: int) -> int:
        """The epoch of the state ``nearest(epoch)`` returns (no state built); LookupError as there."""
        return self._records[self._nearest_index(epoch)].epoch

    def _nearest_index(self, epoch: int) -> int:
        if not self._records:
            raise LookupError(
                f"no checkpoints are kept of this run: one state of its network is larger than their whole "
                f"budget of {self.budget / 2**20:g} MiB" if self.too_large else "no checkpoints are kept of this run")
        epochs = self.epochs()
        i = int(np.searchsorted(epochs, epoch))
        if i == len(epochs) or (i > 0 and epoch - epochs[i - 1] <= epochs[i] - epoch):
            i -= 1
        return i

    def truncate_after(self, epoch: int) -> None:
        """Forget the checkpoints after ``epoch`` (a branch from there discards them)."""
        kept = [r for r in self._records if r.epoch <= epoch]
        if len(kept) != len(self._records):
            self._records = kept
            self._changed()

    def copy(self) -> CheckpointStore:
        """An independent store with the same checkpoints (states are immutable: shared)."""
        twin = CheckpointStore(self.budget, self.density)
        twin.too_large, twin._records = self.too_large, list(self._records)
        twin._changed()
        return twin

    # ----- inside -------------------------------------------------------------------------
    def _restored(self, record: _Record) -> TrainerState:
        epoch = record.epoch
        rows = record.rows if epoch else record.rows[1:]
        history: dict[str, Any] = {name: rows[:, k] for k, name in enumerate(HISTORY_COLUMNS)}
        if epoch > 1:
            history[EPOCH_COLUMN] = np.array([0.0, epoch])
        return TrainerState(**record.fields, data=record.data, history=history)

    def _thin(self) -> None:
        while self._nbytes > self.budget and self.density > 1:
            self.density //= 2
            first = self._records[0]
            self._records = [first] + [r for r in self._records[1:] if is_due(r.epoch, self.density)]
            self._changed()
        while self._nbytes > self.budget and len(self._records) > 1:
            self._records.pop(0)  # D = 1 and still too much: the oldest go
            self._changed()

    def _changed(self) -> None:
        self._epochs = None
        seen: set[int] = set()
        total = 0
        for record in self._records:
            total += record.nbytes
            if id(record.data) not in seen:
                seen.add(id(record.data))
                total += _data_nbytes(record.data)
        self._nbytes = total


def _data_nbytes(data: SplitData) -> int:
    return data.train.nbytes + data.test.nbytes


def same_points(a: SplitData, b: SplitData) -> bool:
    """Bit for bit the same training and test points."""
    return a is b or all(
        x.shape == y.shape and x.tobytes() == y.tobytes() for x, y in ((a.train, b.train), (a.test, b.test))
    )


def checkpoint_of(trainer: Trainer) -> TrainerState:
    """The trainer's state for a checkpoint: everything but the history, whose first and last
    rows alone are kept (Trainer.state() would copy every row)."""
    bare = trainer.bare_state()
    history = trainer.history
    rows = [[history.column(name)[i] for i in (0, -1)] for name in HISTORY_COLUMNS]
    epoch = trainer.epoch
    columns: dict[str, Any] = {name: row if epoch else row[1:] for name, row in zip(HISTORY_COLUMNS, rows)}
    if epoch > 1:
        columns[EPOCH_COLUMN] = [0.0, float(epoch)]
    return dataclasses.replace(bare, epoch=epoch, history=columns)


def branch_state(checkpoint: TrainerState, history: History) -> TrainerState:
    """``checkpoint`` with the run's history cut back to its epoch: the rows of ``history`` (the
    live run's, possibly thinned) before that epoch, then the checkpoint's own row."""
    epoch = checkpoint.epoch
    before = int(np.searchsorted(history.epochs(), epoch))  # rows of epochs < epoch
    columns: dict[str, Any] = {
        name: np.append(history.column(name)[:before], checkpoint.history[name][-1]) for name in HISTORY_COLUMNS
    }
    epochs = np.append(history.epochs()[:before], float(epoch))
    if len(epochs) != epoch + 1:
        columns[EPOCH_COLUMN] = epochs
    return dataclasses.replace(checkpoint, history=columns)

