"""Garbage is collected on the GUI thread only (gui_gc.py): automatic collection is off, and the
GUI thread's timer collects the cycles training threads leave."""

from __future__ import annotations

import gc
import threading
import weakref

from playground.ui.app import make_application
from playground.ui.gui_gc import GuiThreadCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_cycles_made_in_another_thread_are_freed_by_the_gui_thread(qtbot):
    app = make_application()
    collectors = app.findChildren(GuiThreadCollector)
    assert len(collectors) == 1 and not gc.isenabled()  # installed once, automatic collection off
    freed_in: list[str] = []
    refs: list[weakref.ref] = []

    def make_garbage() -> None:
        for _ in range(20_000):  # far past generation 0's threshold
            node = Node()
            refs.append(weakref.ref(node, lambda _: freed_in.append(threading.current_thread().name)))
            del node

    worker = threading.Thread(target=make_garbage, name="not-the-gui")
    worker.start()
    worker.join()
    assert not freed_in  # nothing collected in the other thread
    qtbot.waitUntil(lambda: len(freed_in) == len(refs), timeout=20_000)
    assert set(freed_in) == {threading.main_thread().name}  # the GUI thread's
