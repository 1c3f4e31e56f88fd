"""Presentation mode (View › Presentation mode, F11): for a lecture room and a projector.

It goes full screen, makes every font of the stylesheet FONT_SCALE times larger and lines (edges,
data points, loss curves) LINE_SCALE times wider, and hides what a lesson rarely needs: the
drawing tools, the seed and the CSV loader of the data panel (preparing data is done before the
lesson; choosing a dataset, noise and the ratio stay), and the status bar. Leaving it restores
exactly what was there: each hidden widget's own hidden flag, the window's state and geometry,
the sizes. Esc does not leave it (Esc belongs to the inspector, which a lesson uses); F11 does.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QRect, Qt, Slot
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from playground.ui import theme

FONT_SCALE = 1.4
LINE_SCALE = 1.6  # (data points grow half as much: the plot is dense)
COLUMN_SCALE = 1.3  # the data column is widened, its dataset names being larger
HIDDEN_HEADINGS = ("DRAW", "Seed")  # the data panel's unnamed labels over what is hidden


@dataclass
class _Saved:
    geometry: QRect  # the window's (not restoreGeometry's bytes: restoring them moves a frameless window)
    state: Qt.WindowState
    hidden: dict[QWidget, bool]  # each widget's own hidden flag before
    widths: dict[QWidget, tuple[int, int]]  # minimum and maximum width of the fixed-width data column


class Presentation(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._saved: _Saved | None = None

    @property
    def on(self) -> bool:
        return self._saved is not None

    def widgets_hidden(self) -> list[QWidget]:
        """What presentation mode hides."""
        widgets: list[QWidget] = [self.window.statusBar()]
        run_view = getattr(self.window, "run_view", None)
        if run_view is not None:
            panel = run_view.data_panel
            widgets += [panel.draw_tools, panel.seed_spin, panel.load_csv_button]
            widgets += [label for label in panel.findChildren(QLabel) if label.text() in HIDDEN_HEADINGS]
        return widgets

    def _fixed_width_column(self) -> list[QWidget]:
        scroll = getattr(self.window, "data_scroll", None)
        run_view = getattr(self.window, "run_view", None)
        return [w for w in (scroll, run_view.data_panel if run_view is not None else None) if w is not None]

    @Slot(bool)
    def set_on(self, on: bool) -> None:
        if on == self.on:
            return
        if on:
            self._enter()
        else:
            self._leave()

    def _enter(self) -> None:
        window = self.window
        widgets = self.widgets_hidden()
        column = self._fixed_width_column()
        self._saved = _Saved(QRect(window.geometry()), window.windowState(), {w: w.isHidden() for w in widgets},
                             {w: (w.minimumWidth(), w.maximumWidth()) for w in column})
        for widget in widgets:
            widget.hide()
        for widget in column:  # the larger dataset names need a wider data column
            widget.setFixedWidth(round(widget.minimumWidth() * COLUMN_SCALE))
        theme.set_presentation(FONT_SCALE, LINE_SCALE)
        window.setWindowState(window.windowState() | Qt.WindowState.WindowFullScreen)

    def _leave(self) -> None:
        saved, self._saved = self._saved, None
        window = self.window
        theme.set_presentation(1.0, 1.0)
        for widget, hidden in saved.hidden.items():
            widget.setHidden(hidden)
        for widget, (low, high) in saved.widths.items():
            widget.setMinimumWidth(low)
            widget.setMaximumWidth(high)
        window.setWindowState(saved.state)
        if not saved.state & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            window.setGeometry(saved.geometry)
