"""The comparison: runs A and B side by side in place of the run's panels.

``Comparison`` is the session. Compare (the top bar's ``compare_button``) pauses the main run and
asks for its state (``TrainingController.take_fork``); a CompareController forks A and B from it and
a CompareView replaces the window's centre. Keep A / Keep B hand that side's full state to the main
worker (``adopt_state``: its history after the fork joined to the main run's before it) and bring the
run's panels back, paused; Cancel brings them back with the main run as it was. While comparing,
the window's menus, actions and shortcuts are off (they act on the main run); Space plays or pauses
the comparison. Esc does nothing: one key should not throw away both runs.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QStyle, QVBoxLayout, QWidget

from playground.engine.trainer_state import TrainerState
from playground.ui.compare_loss_plot import CompareLossPlot
from playground.ui.compare_side import ComparePanel
from playground.worker.compare_controller import CompareController
from playground.worker.compare_worker import CompareSnapshot

LOSS_PLOT_HEIGHT = 230


class CompareView(QWidget):
    """The controls, both sides and the shared loss chart, bound to one CompareController."""

    keep_requested = Signal(int)  # side index
    cancel_requested = Signal()

    def __init__(self, controller: CompareController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare_view")
        self.controller = controller
        self._shown_running: bool | None = None
        column = QVBoxLayout(self)
        column.addLayout(self._build_bar())
        sides = QHBoxLayout()
        self.sides = (ComparePanel(0), ComparePanel(1))
        for panel in self.sides:
            panel.setting_changed.connect(controller.set_value)
            sides.addWidget(panel, 1)
        column.addLayout(sides, 1)
        self.loss_plot = CompareLossPlot()
        self.loss_plot.setFixedHeight(LOSS_PLOT_HEIGHT)
        column.addWidget(self.loss_plot)
        controller.snapshot_changed.connect(self.show_snapshot)
        # The window's own Space is off while comparing (Comparison), so this one is not ambiguous.
        # No → key: it would take the arrow from focused fields and spin boxes (main_window.py forwards it by hand).
        self.space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)  # connect(), not activated=: see main_window.py
        self.space.activated.connect(controller.toggle_running)

    def _build_bar(self) -> QHBoxLayout:
        style = self.style()
        icon = style.standardIcon
        self.play_button = _button("Play", "compare_play_button", "Train both sides / pause (Space)",
                                   icon(QStyle.StandardPixmap.SP_MediaPlay))
        self.step_button = _button("Step", "compare_step_button", "Train each side exactly one epoch",
                                   icon(QStyle.StandardPixmap.SP_MediaSkipForward))
        self.reset_button = _button("Back to the fork", "compare_reset_button",
                                    "Both sides back to the fork point, each keeping its settings",
                                    icon(QStyle.StandardPixmap.SP_BrowserReload))
        self.play_button.clicked.connect(self.controller.toggle_running)
        self.step_button.clicked.connect(self.controller.step)
        self.reset_button.clicked.connect(self.controller.reset)
        self.title = QLabel("")
        self.title.setObjectName("compare_title")
        self.title.setToolTip("Both sides began from the same weights, optimizer state and data at this epoch")
        self.keep_buttons = (
            _button("Keep A", "compare_keep_a_button", "End the comparison and go on with side A's run "
                    "(its weights, settings and losses since the fork)"),
            _button("Keep B", "compare_keep_b_button", "End the comparison and go on with side B's run "
                    "(its weights, settings and losses since the fork)"),
        )
        for side, button in enumerate(self.keep_buttons):
            button.clicked.connect(lambda _checked=False, side=side: self.keep_requested.emit(side))
        self.cancel_button = _button("Cancel", "compare_cancel_button",
                                     "End the comparison and go back to the main run as it was at the fork")
        self.cancel_button.clicked.connect(self.cancel_requested)
        row = QHBoxLayout()
        for widget in (self.reset_button, self.play_button, self.step_button):
            row.addWidget(widget)
        row.addSpacing(12)
        row.addWidget(self.title, 1)
        for widget in (*self.keep_buttons, self.cancel_button):
            row.addWidget(widget)
        return row

    def show_snapshot(self, snapshot: CompareSnapshot) -> None:
        a, b = snapshot.sides
        speed = f" · {snapshot.epochs_per_second:,.0f} epochs/s each" if snapshot.running else " · paused"
        self.title.setText(f"<b>Comparing A and B</b> from epoch {snapshot.fork_epoch:,} · "
                           f"now A {a.epoch:,}, B {b.epoch:,}{speed}")
        running = bool(snapshot.running)
        if running != self._shown_running:
            self._shown_running = running
            pixmap = QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay
            self.play_button.setIcon(self.style().standardIcon(pixmap))
            self.play_button.setText("Pause" if running else "Play")
        for panel, side, button in zip(self.sides, snapshot.sides, self.keep_buttons):
            panel.show_snapshot(side)
            button.setEnabled(not side.diverged)
        self.loss_plot.show_snapshot(snapshot)


def _button(text: str, name: str, tooltip: str, icon=None) -> QPushButton:
    button = QPushButton(text) if icon is None else QPushButton(icon, text)
    button.setObjectName(name)
    button.setToolTip(tooltip)
    button.setMinimumHeight(34)
    return button


class Comparison(QObject):
    """The comparison session of one main window (see the module docstring)."""

    started = Signal()
    ended = Signal(object)  # the side kept (0 or 1), or None: cancelled

    def __init__(self, window, centre: QStackedWidget) -> None:
        super().__init__(window)
        self.window = window  # a MainWindow: its controller, run view, menus and error dialog
        self.centre = centre  # page 0: the run's panels
        self.controller: CompareController | None = None
        self.view: CompareView | None = None
        self._fork_epoch = 0
        self._waiting = False  # a fork was asked for and has not arrived
        self._switched_off: list[QObject] = []
        window.run_view.top_bar.compare_clicked.connect(self.start)
        window.controller.fork_taken.connect(self._begin)

    @property
    def active(self) -> bool:
        return self.view is not None

    @Slot()
    def start(self) -> None:
        """Pause the main run and fork it (once: a second press while comparing does nothing)."""
        if self.active or self._waiting:
            return
        snapshot = self.window.controller.snapshot
        if snapshot is not None and snapshot.diverged:
            self.window.show_error("The run has diverged: there is nothing to compare from. "
                                   "Reset it (or lower the learning rate and reset), then press Compare.")
            return
        if self.window.run_view.inspector_is_open:
            self.window.run_view.toggle_inspector()
        self._waiting = True
        self.window.controller.take_fork()

    @Slot(object)
    def _begin(self, state: TrainerState) -> None:
        if not self._waiting:
            return
        self._waiting = False
        self._fork_epoch = state.epoch
        self.controller = CompareController(state)
        self.controller.failed.connect(self.window.show_error)
        self.controller.side_taken.connect(self._adopt)
        self.view = CompareView(self.controller)
        self.view.keep_requested.connect(self.controller.take_side)
        self.view.cancel_requested.connect(self.cancel)
        self._switch_off_window_controls()
        self.centre.addWidget(self.view)
        self.centre.setCurrentWidget(self.view)
        self.view.setFocus()
        self.started.emit()

    def _switch_off_window_controls(self) -> None:
        """The menus, their actions' keys and the window's shortcuts act on the main run: off while
        comparing (a disabled menu bar alone would leave Ctrl+S working)."""
        menu_bar = self.window.menuBar()
        shortcuts = [s for s in self.window.findChildren(QShortcut) if s.isEnabled()]
        actions = [a for a in self.window.findChildren(QAction) if a.isEnabled() and not a.shortcut().isEmpty()]
        self._switched_off = [*shortcuts, *actions, *([menu_bar] if menu_bar.isEnabled() else [])]
        for item in self._switched_off:
            item.setEnabled(False)

    @Slot(int, object)
    def _adopt(self, side: int, state: TrainerState) -> None:
        self.window.controller.adopt_state(state, self._fork_epoch)
        self.window.statusBar().showMessage(f"Kept side {'AB'[side]}: its run goes on from epoch {state.epoch:,}", 5000)
        self._end(side)

    @Slot()
    def cancel(self) -> None:
        """Back to the main run, unchanged (paused, as the fork left it)."""
        if self.active:
            self._end(None)

    def shutdown(self) -> None:
        """The window closes: stop the comparison's thread (safe when none is running)."""
        self._waiting = False
        if self.active:
            self._end(None)

    def _end(self, kept: int | None) -> None:
        controller, view = self.controller, self.view
        self.controller = self.view = None
        controller.shutdown()
        self.centre.setCurrentIndex(0)
        self.centre.removeWidget(view)
        view.deleteLater()
        controller.deleteLater()
        for item in self._switched_off:
            item.setEnabled(True)
        self._switched_off = []
        self.ended.emit(kept)
