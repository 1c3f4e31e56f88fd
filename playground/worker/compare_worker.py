"""The comparison worker: runs A and B forked from one state, trained in step in their own QThread.

The same pattern as training_worker.py: a zero-interval timer trains a chunk of about
CHUNK_SECONDS and returns to the thread's event loop, so requests (play, a side's new setting,
keep, shutdown) arrive as queued slot calls between chunks. Every call trains each side the same
number of epochs, so they stay level; a side that diverges stops there (shown diverged) while the
other goes on, and the comparison pauses when both have. One CompareSnapshot per frame carries
both sides, and none goes out before the last was acknowledged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from playground.engine.compare import SIDE_KEYS, fork
from playground.engine.config import ConfigError
from playground.engine.config_edits import LIVE_KEYS, with_changes
from playground.engine.pacing import EpochPacer
from playground.engine.trainer import Trainer
from playground.engine.trainer_state import TrainerState
from playground.worker.frame_clock import FrameClock, SpeedMeter
from playground.worker.snapshot import Snapshot
from playground.worker.snapshot_builder import SnapshotBuilder

MAX_SNAPSHOTS_PER_SECOND = 30  # each frame is two runs' maps and points: half the main window's rate
MAX_EPOCHS_PER_CALL = 100_000
SIDE_NAMES = ("A", "B")


@dataclass(frozen=True)
class CompareSnapshot:
    """Both sides at one moment: two ordinary Snapshots (fresh copies, see snapshot.py)."""

    serial: int
    fork_epoch: int  # where both sides began
    sides: tuple[Snapshot, Snapshot]  # A, B
    running: bool
    epochs_per_second: float  # of each side, while running


class CompareWorker(QObject):
    snapshot_ready = Signal(object)  # CompareSnapshot
    failed = Signal(str)  # a one-line message; nothing was changed
    side_taken = Signal(int, object)  # side index, its full TrainerState (history from the fork on)

    def __init__(self, state: TrainerState) -> None:
        super().__init__()
        self._timer = QTimer(self)  # moves with the worker to its thread
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)
        self._fork = state  # both sides start here; Reset comes back here
        self._trainers = [fork(state, state.config), fork(state, state.config)]
        self._builders = [SnapshotBuilder(), SnapshotBuilder()]
        self._serial = 0
        self._running = False
        self._awaiting_ack = False
        self._dirty = True
        self._clock = FrameClock(MAX_SNAPSHOTS_PER_SECOND)  # when chunks stop and frames go out
        self._pacer = EpochPacer()  # an epoch of both sides together
        self._speed_meter = SpeedMeter()  # epochs per second, shown while running

    # ----- requests (queued slots, between chunks) -------------------------------------------
    @Slot()
    def play(self) -> None:
        self._running = bool(self._live())
        self._speed_meter.clear()
        self._changed()

    @Slot()
    def pause(self) -> None:
        self._running = False
        self._changed()

    @Slot()
    def step(self) -> None:
        """One epoch of each side that has not diverged."""
        self._running = False
        for trainer in self._live():
            trainer.train_epoch()
        self._changed()

    @Slot()
    def reset(self) -> None:
        """Both sides back to the fork, each keeping its own settings."""
        try:
            self._trainers = [fork(self._fork, trainer.config) for trainer in self._trainers]
        except (ConfigError, ValueError) as exc:
            self.failed.emit(str(exc))
        for builder in self._builders:
            builder.restart_history()
        self._changed()

    @Slot(int, str, object)
    def set_value(self, side: int, key: str, value: object) -> None:
        """One side's setting. Live keys change as in the main run; another activation is the same
        weights computing another function from now on (engine/compare.py: fork)."""
        trainer = self._trainers[side]
        try:
            if key not in SIDE_KEYS:
                raise ValueError(f"{key} is the same for both sides; allowed per side: {', '.join(SIDE_KEYS)}")
            config = with_changes(trainer.config, {key: value})
            if key in LIVE_KEYS:
                if config != trainer.config:
                    trainer.set_hyperparameters(**{key: getattr(config, key)})
            elif config != trainer.config:
                self._trainers[side] = fork(trainer.state(), config)
                self._builders[side].last_row_changed(len(self._trainers[side].history))
        except (ConfigError, ValueError) as exc:
            self.failed.emit(f"side {SIDE_NAMES[side]}: {exc}")
        self._changed()

    @Slot(int)
    def take_side(self, side: int) -> None:
        """Send side ``side``'s full state (to be kept as the main run), unless it has diverged."""
        self.pause()
        trainer = self._trainers[side]
        if trainer.last_result().diverged:
            self.failed.emit(f"side {SIDE_NAMES[side]} has diverged and cannot be kept; "
                             f"allowed: keep the other side, or Reset both to the fork")
            return
        self.side_taken.emit(side, trainer.state())

    @Slot(int)
    def snapshot_drawn(self, serial: int) -> None:
        if serial == self._serial:
            self._awaiting_ack = False
            if self._dirty and not self._running:
                self._emit_snapshot()

    @Slot()
    def stop(self) -> None:
        """Stop the timer in this thread and go back to the GUI thread (see TrainingWorker.stop)."""
        self._running = False
        self._timer.stop()
        self.moveToThread(QCoreApplication.instance().thread())

    # ----- the loop -------------------------------------------------------------------------
    def _live(self) -> list[Trainer]:
        """The sides that can train: not diverged, with training points."""
        return [t for t in self._trainers if not t.last_result().diverged and len(t.data.train)]

    def _changed(self) -> None:
        self._dirty = True
        if self._running:
            self._timer.start()
            return
        self._timer.stop()
        if not self._awaiting_ack:
            self._emit_snapshot()

    @Slot()
    def _tick(self) -> None:
        if self._running:
            self._train_until(self._clock.chunk_deadline(time.perf_counter(), self._awaiting_ack))
            self._dirty = True
        if not self._running:  # both diverged: the views must see it now
            self._changed()
            return
        now = time.perf_counter()
        if not self._awaiting_ack and self._clock.due(now):
            self._emit_snapshot()

    def _train_until(self, deadline: float) -> None:
        """Calls of the same number of epochs for every live side, sized to the time left."""
        while (left := deadline - time.perf_counter()) > 0:
            live = self._live()
            if not live:
                self._running = False
                return
            epochs = self._pacer.epochs_for(left, MAX_EPOCHS_PER_CALL)
            start = time.perf_counter()
            for trainer in live:
                trainer.train(epochs)
            self._pacer.measured(time.perf_counter() - start, epochs)

    def _emit_snapshot(self) -> None:
        now = time.perf_counter()
        self._clock.sent(now)
        self._dirty, self._awaiting_ack = False, True
        speed = self._speed(now)
        self._serial += 1
        sides = tuple(
            builder.build(trainer, running=self._running, epochs_per_second=speed)
            for builder, trainer in zip(self._builders, self._trainers)
        )
        self.snapshot_ready.emit(CompareSnapshot(self._serial, self._fork.epoch, sides, self._running, speed))

    def _speed(self, now: float) -> float:
        """Epochs per second of the furthest side over the last SPEED_WINDOW_SECONDS, else 0."""
        if not self._running:
            self._speed_meter.clear()
            return 0.0
        return self._speed_meter.measure(now, max(t.epoch for t in self._trainers))
