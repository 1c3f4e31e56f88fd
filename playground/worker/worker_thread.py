"""What both GUI-thread controllers share (controller.py for the run, compare_controller.py for
a comparison): a worker moved to a QThread of its own, its snapshots re-emitted to the views and
then acknowledged so the worker may send the next one, and an orderly shutdown.

Requests go to the worker as queued signals the subclass declares; results come back to slots of
this QObject (never to a lambda, which would run in the worker's thread).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Signal, Slot


class WorkerThread(QObject):
    snapshot_changed = Signal(object)  # the worker's snapshot, for the views
    failed = Signal(str)  # a one-line message to show the user
    _drawn = Signal(int)  # the serial of the snapshot the views have drawn

    def _start(self, worker: QObject, name: str, requests: Iterable[tuple[Signal, object]], outputs=()) -> None:
        """Move ``worker`` to a new thread named ``name``, connect each (request signal, worker
        slot) and each (worker signal, own slot), then start the thread."""
        self.snapshot = None  # the latest, as drawn
        self._stopped = False
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = worker
        worker.moveToThread(self._thread)
        for request, slot in (*requests, (self._drawn, worker.snapshot_drawn)):
            request.connect(slot)
        for signal, slot in (*outputs, (worker.snapshot_ready, self._on_snapshot), (worker.failed, self._on_failed)):
            signal.connect(slot)
        self._thread.start()

    @property
    def running(self) -> bool:
        return bool(self.snapshot and self.snapshot.running)

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
    def _on_snapshot(self, snapshot: object) -> None:
        if self._stopped:
            return
        self.snapshot = snapshot
        self.snapshot_changed.emit(snapshot)  # views draw synchronously here
        self._drawn.emit(snapshot.serial)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if not self._stopped:
            self.failed.emit(message)
