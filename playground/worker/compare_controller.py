"""The GUI-thread side of a comparison: owns the CompareWorker and its thread (as controller.py
owns the training worker), sends it requests as queued signals and re-emits its snapshots."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from playground.engine.trainer_state import TrainerState
from playground.worker.compare_worker import CompareSnapshot, CompareWorker
from playground.worker.worker_thread import WorkerThread


class CompareController(WorkerThread):
    side_taken = Signal(int, object)  # side index, its full TrainerState (asked for by take_side)

    _play = Signal()
    _pause = Signal()
    _step = Signal()
    _reset = Signal()
    _set_value = Signal(int, str, object)
    _take_side = Signal(int)

    def __init__(self, state: TrainerState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.snapshot: CompareSnapshot | None = None  # the latest, as drawn
        w = CompareWorker(state)
        requests = (
            (self._play, w.play), (self._pause, w.pause), (self._step, w.step), (self._reset, w.reset),
            (self._set_value, w.set_value), (self._take_side, w.take_side),
        )
        self._start(w, "compare-worker", requests, ((w.side_taken, self._on_side_taken),))
        self._pause.emit()  # the first snapshot

    def play(self) -> None:
        self._play.emit()

    def pause(self) -> None:
        self._pause.emit()

    def toggle_running(self) -> None:
        (self.pause if self.running else self.play)()

    def step(self) -> None:
        self._step.emit()

    def reset(self) -> None:
        self._reset.emit()

    def set_value(self, side: int, key: str, value: object) -> None:
        """Side ``side``'s (0: A, 1: B) setting ``key``, applied between chunks."""
        self._set_value.emit(int(side), key, value)

    def take_side(self, side: int) -> None:
        """Pause and ask for side ``side``'s full state; it arrives as ``side_taken``."""
        self._take_side.emit(int(side))

    @Slot(int, object)
    def _on_side_taken(self, side: int, state: object) -> None:
        if not self._stopped:
            self.side_taken.emit(side, state)
