"""For benchmarks/startup.py: report when the window first paints a trained picture, then quit.

With PLAYGROUND_STARTUP_PROBE set, the app prints ``first frame at <time.monotonic()>`` once
the first snapshot has been drawn and the paint that shows it has finished, and exits. The
benchmark compares that clock (system-wide on Linux and macOS) with the one it read before
starting the process, so imports, the first data and network, and the first paint all count.
"""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

VARIABLE = "PLAYGROUND_STARTUP_PROBE"


def wanted() -> bool:
    return bool(os.environ.get(VARIABLE))


class FirstFrameProbe(QObject):
    """Watches paint events; the first one after a snapshot arrived marks the first frame."""

    def __init__(self, app: QApplication, controller) -> None:
        super().__init__(app)
        self._app, self._controller, self._done = app, controller, False
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if not self._done and event.type() == QEvent.Type.Paint and self._controller.snapshot is not None:
            self._done = True
            QTimer.singleShot(0, self._report)  # after this round of painting has finished
        return False

    def _report(self) -> None:
        print(f"first frame at {time.monotonic():.6f}", flush=True)
        self._app.quit()
