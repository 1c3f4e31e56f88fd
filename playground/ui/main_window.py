"""The main window: lays out one RunView's panels, builds the menus, asks for files, shows
dialogs and remembers what a person expects remembered. It routes no snapshot itself."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from playground import __version__
from playground.engine.compiled import engine_description
from playground.engine.config_edits import LoadPoints
from playground.engine.datasets import save_csv
from playground.engine.experiment import read_description
from playground.resource_files import example_paths, examples_folder, lesson_paths, lesson_title, lessons_folder
from playground.ui.colors import palette
from playground.ui.compare_view import Comparison
from playground.ui.export_menu import Exporter, all_points
from playground.ui.lesson_note import LessonNote
from playground.ui.run_view import RunView
from playground.ui.settings import AppSettings
from playground.ui.view_menu import build_view_menu
from playground.worker.controller import TrainingController

WINDOW_TITLE = "Backprop Playground"
ARROW_WIDGETS = (QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit)  # they use → themselves
PREFERRED_SIZE = QSize(1440, 880)
EXAMPLES = examples_folder()  # File > Open example lists example_paths()
LESSONS = lessons_folder()  # the Lessons menu lists lesson_paths()
EXPERIMENT_FILTER = "Experiments (*.json);;All files (*)"
GUIDE = """<p><b>Each square</b> is one neuron, drawn as its output over the input plane (x from −6 to 6
left to right, y from −6 to 6 bottom to top): <span style="color:{negative_hex}"><b>{negative}</b></span> is −1,
light grey 0, <span style="color:{positive_hex}"><b>{positive}</b></span> +1. Features are the inputs; the last
square is the output, shown large on the right with the data points on top.</p>
<p><b>Edges</b> carry the weights. Their width is |w|. Their colour is the gradient dE/dw of the last
update: <span style="color:{grad_negative_hex}"><b>{grad_negative}</b></span> negative (the update will raise the
weight), <span style="color:{grad_positive_hex}"><b>{grad_positive}</b></span> positive (it will lower it), on a scale that
follows the gradients so small ones stay visible; gradients too small to matter draw grey. Tick
"Colour edges by weight" for the weights themselves. The small square beside each neuron is its bias.</p>
<p><b>Hover a data point</b> to trace that one sample: each neuron's ring takes its activation for it.
<b>Hover a neuron</b> to see its map large. <b>Click an edge or a bias</b> to type a new value.</p>
<p><b>Inspect</b> (I) pauses and explains one shot of backpropagation with real numbers: <b>aim</b> (the
weights), <b>fire</b> (the forward pass, layer by layer), <b>miss</b> (the error at the output),
<b>blame</b> (δ = ∂E/∂z sent back, last layer first), <b>correct</b> (the optimizer's step) and
<b>fire again</b>. Click a training point to choose the shot, a neuron for its numbers, an edge for
its chain rule, slope and gradient check; ← and → step through the stages.</p>
<p><b>Loss</b> is the mean of ½(output − label)² over the training and the test points; it should
fall as the network learns. If it turns to NaN the network has diverged (drawn dark grey): lower the
learning rate and reset, or drag the timeline back to before it went wrong, lower the rate there and
continue.</p>
<p><b>The timeline</b> under the loss chart goes back in time: drag it and the whole window shows the
network as it was at that epoch (a line marks it on the loss curve). <b>Continue from here</b>, Play
or Step train on from there with the settings in force now; <b>Undo continue</b> brings the later
run back. <b>Compare</b> runs two copies side by side from the same start, each with its own settings.</p>"""


class MainWindow(QMainWindow):
    def __init__(self, controller: TrainingController, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.controller = controller
        self.settings = settings  # None: remember nothing (screenshots, smoke tests)
        self.setWindowTitle(WINDOW_TITLE)
        self.setObjectName("main_window")
        self.run_view = RunView(controller, self)
        self._dialog: QMessageBox | None = None
        self.exporter = Exporter(self)  # File › Export
        self._build_layout()
        self._connect()
        self._build_menu()
        self.comparison = Comparison(self, self.centre)  # A and B side by side, in place of the panels
        self._size_to_screen()

    def _build_layout(self) -> None:
        view = self.run_view
        central = QWidget()
        column = QVBoxLayout(central)
        column.addWidget(view.top_bar)
        column.addWidget(view.message_banner)
        self.lesson_note = LessonNote()  # the description of an opened lesson (or any file that has one)
        column.addWidget(self.lesson_note)
        row = QHBoxLayout()
        view.data_panel.setFixedWidth(190)
        # Scrolled, so a short screen still holds the window (the data and drawing controls are tall).
        self.data_scroll = QScrollArea()
        self.data_scroll.setObjectName("data_scroll")
        self.data_scroll.setWidget(view.data_panel)
        self.data_scroll.setWidgetResizable(True)
        self.data_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.data_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.data_scroll.setFixedWidth(190 + self.data_scroll.verticalScrollBar().sizeHint().width())
        row.addWidget(self.data_scroll)
        middle = QVBoxLayout()
        middle.setSpacing(0)
        middle.addWidget(view.network_view, stretch=1)
        middle.addWidget(view.inspector_holder, stretch=1)
        row.addLayout(middle, stretch=3)
        view.output_panel.setMinimumWidth(400)
        row.addWidget(view.output_panel, stretch=2)
        column.addLayout(row, stretch=1)
        self.centre = QStackedWidget()  # page 0 the run's panels; a comparison adds its own while it lasts
        self.centre.addWidget(central)
        self.setCentralWidget(self.centre)

    def _size_to_screen(self) -> None:
        """The remembered geometry, else the preferred size, never beyond the screen's free area."""
        if self.settings is not None and (geometry := self.settings.geometry()) is not None:
            self.restoreGeometry(geometry)  # Qt moves it back onto a screen if that one is gone
        else:
            self.resize(PREFERRED_SIZE)
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry()
            self.resize(min(self.width(), free.width()), min(self.height(), free.height()))

    def _connect(self) -> None:
        c = self.controller
        c.failed.connect(self.show_error)
        c.saved.connect(self._on_saved)
        c.loaded.connect(self._on_loaded)
        self.run_view.data_panel.load_csv_clicked.connect(self._ask_csv)
        tools = self.run_view.data_panel.draw_tools
        tools.save_clicked.connect(self._ask_save_points)
        for sequence, slot in (("D", tools.draw_button.toggle), ("Ctrl+Z", c.undo_points), ("Ctrl+Shift+Z", c.redo_points)):
            QShortcut(QKeySequence(sequence), self).activated.connect(slot)
        # The inspector takes the data panel's width: it is a paused study of one shot, and the
        # chain rule, the slope and the check need the room more than the dataset choice does.
        self.run_view.inspector_opened.connect(self._inspector_opened)
        for key, slot in (
            (Qt.Key.Key_Space, c.toggle_running), (Qt.Key.Key_Right, self._right_key), (Qt.Key.Key_R, c.reset),
            (Qt.Key.Key_I, self.run_view.toggle_inspector),
        ):
            # connect() rather than QShortcut(..., activated=slot): PySide6 keeps the Connection object of a
            # keyword connection for good (one leaked per shortcut per window, tests/ui/test_stress.py).
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)
            if key == Qt.Key.Key_Right:
                self._right_shortcut = shortcut

    def _inspector_opened(self, on: bool) -> None:
        self.data_scroll.setVisible(not on)

    def _right_key(self) -> None:
        """→ (a window shortcut, so it reaches no widget by itself): a slider, text field or list
        with focus gets it; in the inspector it is the next stage (← and Esc reach the inspector
        as plain keys); anywhere else it trains one epoch."""
        focus = QApplication.focusWidget()
        holder = self.run_view.inspector_holder
        if isinstance(focus, ARROW_WIDGETS):
            self._right_shortcut.setEnabled(False)  # or the key sent on would come back here
            try:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(focus, QKeyEvent(kind, Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier))
            finally:
                self._right_shortcut.setEnabled(True)
        elif self.run_view.inspector_is_open and focus is not None and holder.isAncestorOf(focus):
            self.run_view.inspector.next_stage()
        else:
            self.controller.step()

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._add_actions(file_menu, (("&Open experiment…", QKeySequence.StandardKey.Open, self._ask_open),))
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setObjectName("recent_menu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        examples = file_menu.addMenu("Open &example")
        examples.setObjectName("examples_menu")
        for path in example_paths():
            action = QAction(path.stem.replace("-", " ").capitalize(), self)
            action.setData(str(path))
            action.triggered.connect(self._open_action_file)
            examples.addAction(action)
        self._add_actions(file_menu, (
            ("&Save experiment…", QKeySequence.StandardKey.Save, self._ask_save),
            ("Save experiment with &history…", None, self._ask_save_with_history),
            ("Load &points from CSV…", None, self._ask_csv),
        ))
        self.exporter.menu(file_menu)
        self._add_actions(file_menu, (("&Quit", QKeySequence.StandardKey.Quit, self.close),))
        lessons = self.menuBar().addMenu("&Lessons")
        lessons.setObjectName("lessons_menu")
        for path in lesson_paths():
            action = QAction(lesson_title(path), self)
            action.setData(str(path))
            action.triggered.connect(self._open_action_file)
            lessons.addAction(action)
        self.view_menu = build_view_menu(self)  # View: theme, colour-blind-safe colours, presentation (F11)
        help_menu = self.menuBar().addMenu("&Help")
        self._add_actions(help_menu, (
            ("&What am I looking at?", QKeySequence.StandardKey.HelpContents, self.show_guide),
            ("&About Backprop Playground", None, self.show_about),
        ))

    def _add_actions(self, menu: QMenu, entries: tuple) -> None:
        for text, shortcut, slot in entries:
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = self.settings.recent_files() if self.settings is not None else []
        for path in recent:
            action = menu.addAction(os.path.basename(path))
            action.setToolTip(path)
            action.setData(path)
            action.triggered.connect(self._open_action_file)
        menu.setEnabled(bool(recent))

    # ----- files ------------------------------------------------------------------------------
    @Slot()
    def _open_action_file(self) -> None:
        action = self.sender()
        if not isinstance(action, QAction):
            return
        path = str(action.data())
        if not os.path.exists(path) and self.settings is not None and path in self.settings.recent_files():
            self.settings.forget_recent_file(path)  # moved or deleted since: offered no more
            self._fill_recent_menu()
            self.show_error(f"cannot open '{path}': the file no longer exists; it was removed from Open recent")
            return
        self.controller.load_experiment(path)

    def _folder(self) -> str:
        return self.settings.last_folder() if self.settings is not None else ""

    def _remember_folder(self, path: str) -> None:
        if self.settings is not None:
            self.settings.set_last_folder(os.path.dirname(os.path.abspath(path)))

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load points from CSV", self._folder(), "CSV files (*.csv);;All files (*)")
        if path:
            self._remember_folder(path)
            self.run_view.edit(LoadPoints(path))

    def _ask_save_points(self) -> None:
        snapshot = self.controller.snapshot
        if snapshot is None:
            return
        start = os.path.join(self._folder(), "points.csv")
        path, _ = QFileDialog.getSaveFileName(self, "Save points", start, "CSV files (*.csv);;All files (*)")
        if path:
            self._remember_folder(path)
            self.save_points(path)

    def save_points(self, path: str) -> None:
        """Every point, training then test, as the CSV that Load points reads (atomically)."""
        points = all_points(self.controller.snapshot)
        try:
            save_csv(path, points)
        except (OSError, ValueError) as exc:
            self.show_error(f"cannot save the points to '{path}': {getattr(exc, 'strerror', None) or exc}")
            return
        self.statusBar().showMessage(f"Saved {len(points)} points to {path}", 5000)

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open experiment", self._folder(), EXPERIMENT_FILTER)
        if path:
            self.controller.load_experiment(path)

    def _ask_save(self, with_history: bool = False) -> None:
        start = os.path.join(self._folder(), "experiment.json")
        title = "Save experiment with its history" if with_history else "Save experiment"
        path, _ = QFileDialog.getSaveFileName(self, title, start, EXPERIMENT_FILTER)
        if path:
            self.controller.save_experiment(path, with_checkpoints=with_history)

    def _ask_save_with_history(self) -> None:
        """Save with the kept checkpoints: a larger file that opens with its past to scrub."""
        self._ask_save(with_history=True)

    @Slot(str)
    def _on_saved(self, path: str) -> None:
        self.statusBar().showMessage(f"Saved {path}", 5000)
        self._remember_file(path)

    @Slot(str)
    def _on_loaded(self, path: str) -> None:
        self.statusBar().showMessage(f"Opened {path}", 5000)
        if not _is_inside(path, EXAMPLES) and not _is_inside(path, LESSONS):  # they have their own menus
            self._remember_file(path)
        self.show_description_of(path)

    def show_description_of(self, path: str) -> None:
        """The note under the top bar: the description of the experiment file at ``path``, if any."""
        self.lesson_note.show_description(lesson_title(path), read_description(path))

    def _remember_file(self, path: str) -> None:
        if self.settings is not None:
            self.settings.add_recent_file(path)
            self._fill_recent_menu()

    # ----- feedback -------------------------------------------------------------------------
    @Slot(str)
    def show_error(self, message: str) -> None:
        """A non-blocking dialog: the message names what is wrong and what is allowed."""
        self.statusBar().showMessage(message, 10000)
        self._show_dialog(QMessageBox.Icon.Warning, WINDOW_TITLE, message, "error_dialog")

    def show_guide(self) -> None:
        self._show_dialog(QMessageBox.Icon.Information, "What am I looking at?", GUIDE.format(**palette.words()), "guide_dialog")

    def show_about(self) -> None:
        text = (
            f"<b>Backprop Playground {__version__}</b><p>Watch a neural network learn and see backpropagation: "
            "edges are coloured by the gradient of the loss, neurons by their activation.</p>"
            f"<p>Training engine: {engine_description()}.</p>"
        )
        self._show_dialog(QMessageBox.Icon.Information, "About", text, "about_dialog")

    def _show_dialog(self, icon: QMessageBox.Icon, title: str, text: str, name: str) -> None:
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()  # one dialog at a time; a closed one is not kept for good
        self._dialog = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        self._dialog.setObjectName(name)
        self._dialog.open()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.settings is not None:
            self.settings.set_geometry(self.saveGeometry())
            if self.controller.snapshot is not None:
                self.settings.set_last_config(self.controller.config)
            self.settings.sync()
        self.comparison.shutdown()
        self.controller.shutdown()
        super().closeEvent(event)


def _is_inside(path: str, folder: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
