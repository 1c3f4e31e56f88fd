"""File › Export: the window as PNG, the loss curve as CSV, the points as CSV, the weights as JSON,
and an animation of the run (GIF or MP4, playground/ui/animation_dialog.py).

Each export asks for a file name (a save dialog starting in the last folder used), then writes
atomically what the window shows now; a failure is one error message naming the file and the
operating system's reason, and nothing half-written is left. ``Exporter.export(kind, path)``
does the writing without a dialog (tests and scripts).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu

from playground.engine.datasets import save_csv
from playground.engine.export_files import loss_csv_text, weights_json_text
from playground.engine.files import atomic_write_text
from playground.ui.animation_dialog import AnimationDialog
from playground.ui.export import save_widget_png

# kind → (menu text, default file name, dialog filter)
EXPORTS: dict[str, tuple[str, str, str]] = {
    "png": ("The window as &PNG…", "playground.png", "PNG images (*.png)"),
    "losses": ("The &loss curve as CSV…", "losses.csv", "CSV files (*.csv)"),
    "points": ("The &points as CSV…", "points.csv", "CSV files (*.csv)"),
    "weights": ("The &weights as JSON…", "weights.json", "JSON files (*.json)"),
}


def all_points(snapshot) -> np.ndarray:
    """(n_train + n_test, 3): every point, training then test, as Load points reads them back."""
    return np.vstack([snapshot.train_points, snapshot.test_points])


class Exporter:
    """Writes what ``window`` shows; ``window`` is the MainWindow (its run view, controller,
    folder memory, status bar and error dialog)."""

    def __init__(self, window) -> None:
        self.window = window
        self.animation_dialog: AnimationDialog | None = None  # made with the menu

    def menu(self, parent: QMenu) -> QMenu:
        menu = parent.addMenu("E&xport")
        menu.setObjectName("export_menu")
        for kind, (text, _name, _filter) in EXPORTS.items():
            action = QAction(text, menu)
            action.setObjectName(f"export_{kind}_action")
            action.triggered.connect(lambda _checked=False, k=kind: self.ask(k))
            menu.addAction(action)
        self.animation_dialog = AnimationDialog(self.window)  # hidden until asked for
        action = QAction("An &animation of the run (GIF/MP4)…", menu)
        action.setObjectName("export_animation_action")
        action.triggered.connect(self.animation_dialog.open_for_window)
        menu.addSeparator()
        menu.addAction(action)
        return menu

    def ask(self, kind: str) -> None:
        text, name, file_filter = EXPORTS[kind]
        start = os.path.join(self.window._folder(), name)
        path, _ = QFileDialog.getSaveFileName(self.window, text.replace("&", "").rstrip("…"), start,
                                              f"{file_filter};;All files (*)")
        if path:
            self.window._remember_folder(path)
            self.export(kind, path)

    def export(self, kind: str, path: str) -> bool:
        """Write ``kind`` to ``path``; False (after saying why) when it could not."""
        writers: dict[str, Callable[[str], str]] = {
            "png": self._png, "losses": self._losses, "points": self._points, "weights": self._weights,
        }
        try:
            what = writers[kind](path)
        except (OSError, ValueError) as exc:
            self.window.show_error(f"cannot export to '{path}': {getattr(exc, 'strerror', None) or exc}")
            return False
        self.window.statusBar().showMessage(f"Exported {what} to {path}", 5000)
        return True

    def _png(self, path: str) -> str:
        save_widget_png(self.window, path)
        return "the window"

    def _losses(self, path: str) -> str:
        epochs, train, test = self.window.run_view.output_panel.loss_plot.losses()
        atomic_write_text(path, loss_csv_text(epochs, train, test))
        return f"{len(epochs)} epochs of losses"

    def _points(self, path: str) -> str:
        points = all_points(self.window.controller.snapshot)
        save_csv(path, points)
        return f"{len(points)} points"

    def _weights(self, path: str) -> str:
        snapshot = self.window.controller.snapshot
        atomic_write_text(path, weights_json_text(snapshot.config, snapshot.epoch, snapshot.weights, snapshot.biases))
        return "the weights"
