"""Unexpected errors, from any thread, become one dialog on the GUI thread (details on stderr).

An exception escaping a slot of the training worker reaches ``sys.excepthook`` in the worker's
thread, where no widget may be created. The hook only prints the details and emits a signal;
the signal is queued to the reporter, which lives on the GUI thread and shows the dialog there.
"""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget


class ErrorReporter(QObject):
    report = Signal(str)  # emitted from any thread; delivered on the reporter's (the GUI) thread

    def __init__(self, window: QWidget, title: str) -> None:
        super().__init__(window)  # lives (and dies) with the window, on its thread
        self._window, self._title = window, title
        self.dialog: QMessageBox | None = None
        self.report.connect(self._show)

    def hook(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        """A ``sys.excepthook``: safe to call from any thread."""
        traceback.print_exception(kind, value, tb, file=sys.stderr)
        self.report.emit(f"Something went wrong: {value}\n\nDetails were printed to the console.")

    @Slot(str)
    def _show(self, message: str) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = QMessageBox(QMessageBox.Icon.Critical, self._title, message, QMessageBox.StandardButton.Ok, self._window)
        self.dialog.setObjectName("unexpected_error_dialog")
        self.dialog.open()


def install_error_dialog(window: QWidget, title: str) -> ErrorReporter:
    reporter = ErrorReporter(window, title)
    sys.excepthook = reporter.hook
    return reporter
