"""Python's cyclic garbage collection on the GUI thread only.

The collector runs in whichever thread happens to allocate when a generation's count passes its
threshold. The training worker allocates a great deal (a checkpoint every epoch at first), so a
collection often ran there, and freed the window's garbage there: pyqtgraph keeps pens and
brushes (PySide wrappers) in NumPy object arrays inside reference cycles, and releasing such a
wrapper from the worker thread races the GUI thread inside Shiboken's binding manager. gdb showed
it: the worker in array_dealloc → Shiboken::BindingManager::releaseWrapper while the GUI thread
segfaulted in QMetaCallEvent::placeMetaCall (an intermittent crash of the test suite).

So automatic collection is switched off and a GUI-thread timer collects instead, generation by
generation when its count passes the threshold, as pyqtgraph's own util.GarbageCollector does
(which is not exported, so it is not relied on). Reference counting still frees acyclic objects
at once, in any thread; only cycles wait for the timer (a few seconds' garbage at most).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collects on its own thread's timer (created on the GUI thread); automatic collection off."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.collections = 0  # collections made (of any generation), for tests
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        gc.disable()
        self._timer.start()

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):  # the oldest due: it collects the younger ones too
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                self.collections += 1
                return


def collect_on_gui_thread(app: QObject) -> GuiThreadCollector:
    """Install the collector on ``app`` (the QApplication) once; later calls return it."""
    existing = app.findChild(GuiThreadCollector)
    return existing if existing is not None else GuiThreadCollector(app)
