"""The GUI-thread side of a comparison: owns the CompareWorker and its thread (as controller.py
owns the training worker), sends it requests as queued signals and re-emits its snapshots."""

from __future__ import annotations

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Signal, Slot

from playground.engine.trainer_state import TrainerState
from playground.worker.compare_worker import CompareSnapshot, CompareWorker


class CompareController(QObject):
    snapshot_changed = Signal(object)  # CompareSnapshot, for the views
    failed = Signal(str)
    side_taken = Signal(int, object)  # side index, its full TrainerState (asked for by take_side)

    _play = Signal()
    _pause = Signal()
    _step = Signal()
    _reset = Signal()
    _set_value = Signal(int, str, object)
    _take_side = Signal(int)
    _drawn = Signal(int)

    def __init__(self, state: TrainerState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.snapshot: CompareSnapshot | None = None  # the latest, as drawn
        self._stopped = False
        self._thread = QThread()
        self._thread.setObjectName("compare-worker")
        self._worker = CompareWorker(state)
        self._worker.moveToThread(self._thread)
        w = self._worker
        for request, slot in (
            (self._play, w.play), (self._pause, w.pause), (self._step, w.step), (self._reset, w.reset),
            (self._set_value, w.set_value), (self._take_side, w.take_side), (self._drawn, w.snapshot_drawn),
        ):
            request.connect(slot)
        w.snapshot_ready.connect(self._on_snapshot)
        w.failed.connect(self._on_failed)
        w.side_taken.connect(self._on_side_taken)
        self._thread.start()
        self._pause.emit()  # the first snapshot

    @property
    def running(self) -> bool:
        return bool(self.snapshot and self.snapshot.running)

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

    def shutdown(self) -> None:
        """Stop the worker's timer in its own thread, then the thread; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        QMetaObject.invokeMethod(self._worker, "stop", Qt.ConnectionType.BlockingQueuedConnection)
        self._thread.quit()
        self._thread.wait()

    @property
    def thread_running(self) -> bool:
        return self._thread.isRunning()

    @Slot(object)
    def _on_snapshot(self, snapshot: CompareSnapshot) -> None:
        if self._stopped:
            return
        self.snapshot = snapshot
        self.snapshot_changed.emit(snapshot)  # views draw synchronously here
        self._drawn.emit(snapshot.serial)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if not self._stopped:
            self.failed.emit(message)

    @Slot(int, object)
    def _on_side_taken(self, side: int, state: object) -> None:
        if not self._stopped:
            self.side_taken.emit(side, state)
