"""Stressing the real window: memory readings, windows opened and thrown away, a seeded monkey.

tests/ui/test_stress.py runs these briefly and asserts; benchmarks/soak.py runs them for as long
as asked and prints figures. Only Qt and the standard library: no pytest, no psutil.

Every wait spins a QEventLoop with a single-shot timer (never QTest.qWait, which keeps the GIL
while it sleeps, so the training thread would stand still).
"""

from __future__ import annotations

import ctypes
import gc
import os
import random
import sys
import threading
import time
import traceback
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QEvent,
    QEventLoop,
    QMessageLogContext,
    QPoint,
    QPointF,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QPixmapCache
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSlider,
    QSpinBox,
    QWidget,
)

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.trainer import Trainer
from playground.ui.app import IGNORED_QT_MESSAGES, make_application
from playground.ui.main_window import MainWindow
from playground.worker.controller import TrainingController

POLL_MS = 5
# A closed window that stayed alive cost about 2.5 MB here (a lambda holding it, connected to the
# controller). What is left per window once memory is settled (settle_memory) measured 0.01-0.03 MB
# (PySide6's own bookkeeping of each connect()), and a settled reading wanders by under 2 MB over
# 80 windows. 0.25 MB a window sits ten times below the first and ten times above the second.
MAX_MB_PER_WINDOW = 0.25
WAIT_S = 30.0  # a hang detector, not a timing requirement
LEFT = Qt.MouseButton.LeftButton
NO_KEYS = Qt.KeyboardModifier.NoModifier
try:
    _MALLOC_TRIM = ctypes.CDLL(None).malloc_trim  # glibc: hand freed heap back to the system
except (OSError, AttributeError, TypeError):
    _MALLOC_TRIM = None


# ----- memory and waiting --------------------------------------------------------------------
def rss_mb() -> float:
    """Resident memory of this process now, in MB (where /proc is missing: the peak so far)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


def drain_deletes() -> None:
    """Run the deleteLater()s that are due and whatever events they post."""
    for _ in range(3):
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()


def settle_memory() -> None:
    """Free what can be freed, so that a reading shows what is kept, not what is cached.

    Empties QPixmapCache: Qt keeps there the pixmaps QIcon renders (about 100 KB a window, for the
    dataset buttons' previews) and evicts them only past its 10 MB limit. That growth is bounded,
    but over a hundred windows it would hide a small leak. malloc_trim hands freed heap back, so
    the resident size follows what is in use rather than what the allocator still holds.
    """
    gc.collect()
    drain_deletes()
    gc.collect()
    QPixmapCache.clear()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def spin(ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds (the worker trains meanwhile).

    Refuses loudly when no event loop can run (after QCoreApplication.quit() outside exec(),
    every exec() returns -1 at once): polling on would pile up timers, not wait."""
    loop, timer = QEventLoop(), QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(ms)
    code = loop.exec()
    timer.stop()
    if code != 0:
        raise RuntimeError(f"the event loop would not run (exec() returned {code}): was the application told to quit?")


def wait_until(condition: Callable[[], bool], timeout_s: float = WAIT_S, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout_s:g} s")
        spin(POLL_MS)


# ----- what went wrong -------------------------------------------------------------------------
class ErrorRecorder:
    """Records every uncaught exception, from any thread, while in a ``with`` block."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def __enter__(self) -> ErrorRecorder:  # noqa: PYI034
        self._saved = sys.excepthook, threading.excepthook
        sys.excepthook = self._record
        threading.excepthook = lambda args: self._record(args.exc_type, args.exc_value, args.exc_traceback)
        return self

    def __exit__(self, *_: object) -> None:
        sys.excepthook, threading.excepthook = self._saved

    def _record(self, kind: type[BaseException], value: BaseException | None, tb: object) -> None:
        self.errors.append("".join(traceback.format_exception(kind, value, tb)))


class QtMessageRecorder:
    """Records Qt's warnings and errors (not debug or info) while in a ``with`` block; the
    offscreen platform's harmless notice is left out, as the app itself does."""

    def __init__(self, echo: bool = True) -> None:
        self.messages: list[str] = []
        self._echo = echo

    def __enter__(self) -> QtMessageRecorder:  # noqa: PYI034
        self._previous = qInstallMessageHandler(self._handle)
        return self

    def __exit__(self, *_: object) -> None:
        qInstallMessageHandler(self._previous)

    def _handle(self, kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) or message in IGNORED_QT_MESSAGES:
            return
        self.messages.append(f"{kind.name}: {message}")
        if self._echo:
            print(f"Qt {kind.name}: {message}", file=sys.stderr)


# ----- windows -----------------------------------------------------------------------------
def find(window: QWidget, kind: type, name: str):
    widget = window.findChild(kind, name)
    if widget is None:
        raise LookupError(f"no {kind.__name__} named {name!r}")
    return widget


def open_window(config: Config | None = None) -> MainWindow:
    """A shown window on a new controller, with its first snapshot drawn."""
    make_application()
    config = config or Config()
    window = MainWindow(TrainingController(Trainer(config, make_data(config))))
    window.show()
    wait_until(lambda: window.controller.snapshot is not None, what="the first snapshot")
    return window


def open_train_close(epochs: int = 20) -> tuple[weakref.ref, weakref.ref]:
    """Open a window, press Play, let ``epochs`` more epochs train, close it and let go of it.

    Returns weak references to the window and its controller: both should die."""
    refs = _train_and_close(epochs)  # its frame, holding the last references, is gone on return
    gc.collect()
    drain_deletes()
    return refs


def _train_and_close(epochs: int) -> tuple[weakref.ref, weakref.ref]:
    window = open_window()
    controller = window.controller
    start = controller.snapshot.epoch
    QTest.mouseClick(find(window, QAbstractButton, "play_button"), LEFT)
    wait_until(lambda: controller.snapshot.running and controller.snapshot.epoch >= start + epochs, what="training")
    window.close()
    if controller.thread_running:
        raise AssertionError("the worker thread outlived its window")
    window.deleteLater()
    return weakref.ref(window), weakref.ref(controller)


@dataclass
class WindowCycle:
    """What opening and closing ``windows`` windows left behind."""

    windows: int
    warm_up: int
    rss_after_warm_up: float  # MB, settled
    rss_at_end: float  # MB, settled
    windows_alive: int
    controllers_alive: int
    seconds: float

    @property
    def mb_per_window(self) -> float:
        return (self.rss_at_end - self.rss_after_warm_up) / max(self.windows - self.warm_up, 1)


def cycle_windows(
    windows: int, warm_up: int, epochs: int = 20, progress: Callable[[int, float], None] | None = None,
    progress_every: int = 10,
) -> WindowCycle:
    """Open, train and close ``windows`` windows one after another; memory is read (settled)
    after ``warm_up`` of them and at the end; ``progress(done, rss_mb)`` every few windows."""
    refs: list[tuple[weakref.ref, weakref.ref]] = []
    start, rss_warm = time.monotonic(), 0.0
    for k in range(1, windows + 1):
        refs.append(open_train_close(epochs))
        if k == warm_up:
            settle_memory()
            rss_warm = rss_mb()
        if progress is not None and k % progress_every == 0:
            settle_memory()
            progress(k, rss_mb())
    settle_memory()
    return WindowCycle(
        windows=windows, warm_up=warm_up, rss_after_warm_up=rss_warm, rss_at_end=rss_mb(),
        windows_alive=sum(w() is not None for w, _ in refs), controllers_alive=sum(c() is not None for _, c in refs),
        seconds=time.monotonic() - start,
    )


def close_dialogs(window: QWidget) -> list[str]:
    """Press OK on every message box showing, as a user would; their names."""
    closed = []
    for dialog in window.findChildren(QMessageBox):
        if dialog.isVisible():
            closed.append(dialog.objectName())
            QTest.mouseClick(dialog.button(QMessageBox.StandardButton.Ok), LEFT)
    return closed


def check_responsive(window: MainWindow, timeout_s: float = 10.0) -> int:
    """Pause, then press Step: a snapshot one epoch on must come within ``timeout_s`` and the
    epoch counter must say so. Returns that epoch."""
    close_dialogs(window)
    controller, marker = window.controller, 0.0123
    controller.pause()
    # Requests reach the worker in order: once the marker shows, every earlier one has landed.
    window.run_view.set_value("learning_rate", marker)
    wait_until(lambda: controller.snapshot.config.learning_rate == marker and not controller.snapshot.running,
               what="the pause")
    close_dialogs(window)  # a refusal of an earlier request shows by now, and would block the clicks
    if controller.snapshot.diverged:
        QTest.mouseClick(find(window, QAbstractButton, "reset_button"), LEFT)
        wait_until(lambda: not controller.snapshot.diverged and controller.snapshot.epoch == 0, what="the reset")
    if not len(controller.snapshot.train_points):  # the monkey cleared the plane: Step waits for points
        find(window, QAbstractButton, "regenerate_button").click()  # (hidden while the inspector is open)
        wait_until(lambda: len(controller.snapshot.train_points) > 0, what="new points on the cleared plane")
    epoch = controller.snapshot.epoch + 1
    QTest.mouseClick(find(window, QAbstractButton, "step_button"), LEFT)
    wait_until(lambda: controller.snapshot.epoch == epoch, timeout_s, what="the step's snapshot")
    shown = window.run_view.top_bar.epoch_label.text()
    if shown != f"{epoch:07,d}":
        raise AssertionError(f"the epoch counter says {shown!r} after step to epoch {epoch}")
    return epoch


# ----- the monkey --------------------------------------------------------------------------------
# What a person might type into a number box: numbers, nonsense, and numbers no box accepts.
GARBAGE = (
    "0.1", "3", "0", "-1", "1e-9", "1e9", "1e400", "nan", "inf", "-inf", "", " ", "abc", "1,5", "−2", "0x10",
    "+.5", ".", "-", "e", "١٢", "é", "9" * 40, "0.000001", "10", "2147483648", "42", "1 2", "0.03", "1e-5",
)
NOT_CLICKED = {"load_csv_button", "save_points_button"}  # open a modal file dialog, which would wait for a person
NOT_CLICKED |= {"compare_button"}  # the comparison replaces the panels the monkey drives (its own: test_compare_view.py)
TEXT_ENDS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Escape, None)
COMBO_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
SLIDER_KEYS = (*COMBO_KEYS, Qt.Key.Key_Left, Qt.Key.Key_Right)
WINDOW_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_R, Qt.Key.Key_I, Qt.Key.Key_Left, Qt.Key.Key_Escape)


TYPED_BOXES = ("parameter_editor", "gradient_check_h")  # line edits typed into when they show
SPIN_BOXES = ("seed_spin", "classes_spinbox")  # stepped with the keys when they show


def type_keys(widget: QWidget, text: str) -> None:
    """Key presses that type ``text`` (QTest.keyClicks aborts on characters beyond ASCII)."""
    for char in text:
        if char.isascii():
            QTest.keyClick(widget, char)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, NO_KEYS)


class Monkey:
    """Random actions of a user on one live window, from a seeded generator: clicks, keys,
    typing, mouse moves over the network and the plots, hovers through the views' signals,
    resizes, the example, lesson and help menus. Message boxes are closed with OK before each action.

    The seed fixes the choices, not the run: what a click finds (which buttons show, how many
    layers) depends on which snapshots the training thread delivered in time."""

    def __init__(self, window: MainWindow, seed: int = 0) -> None:
        self.window, self.rng = window, random.Random(seed)
        self.done: Counter[str] = Counter()  # action → times
        self.dialogs: Counter[str] = Counter()  # message box objectName → times closed
        self.kinds: list[tuple[Callable[[], None], int]] = [  # (action, weight)
            (self.click_button, 20), (self.combo_key, 8), (self.type_text, 12), (self.slider_key, 8),
            (self.spin_key, 3), (self.window_key, 8), (self.click_network, 8), (self.move_over_network, 8),
            (self.move_over_plots, 8), (self.hover_by_signal, 6), (self.resize, 2), (self.menu, 1), (self.pause, 8),
        ]

    def run(self, actions: int, every: int = 0, report: Callable[[int], None] | None = None) -> None:
        functions, weights = zip(*self.kinds)
        for k in range(1, actions + 1):
            for name in close_dialogs(self.window):
                self.dialogs[name] += 1
            action = self.rng.choices(functions, weights)[0]
            action()
            self.done[action.__name__] += 1
            QApplication.processEvents()
            if report is not None and every and k % every == 0:
                report(k)
        for name in close_dialogs(self.window):
            self.dialogs[name] += 1

    def _shown(self, kind: type) -> list:
        return [
            w for w in self.window.findChildren(kind)
            if w.objectName() and not w.objectName().startswith("qt_") and w.isVisible() and w.isEnabled()
        ]

    # ----- actions ---------------------------------------------------------------------------
    def click_button(self) -> None:
        buttons = [b for b in self._shown(QAbstractButton) if b.objectName() not in NOT_CLICKED]
        button = self.rng.choice(buttons)
        # A check box toggles when its box is clicked (its widget may be wider than box and text).
        where = QPoint(8, button.height() // 2) if isinstance(button, QCheckBox) else button.rect().center()
        QTest.mouseClick(button, LEFT, NO_KEYS, where)

    def combo_key(self) -> None:
        QTest.keyClick(self.rng.choice(self._shown(QComboBox)), self.rng.choice(COMBO_KEYS))

    def type_text(self) -> None:
        top, data = self.window.run_view.top_bar, self.window.run_view.data_panel
        boxes: list[QWidget] = [top.learning_rate_combo.lineEdit(), top.regularization_rate_combo.lineEdit(),
                                data.seed_spin]
        boxes += [e for e in self.window.findChildren(QLineEdit) if e.objectName() in TYPED_BOXES and e.isVisible()]
        boxes = [box for box in boxes if box.isVisible()]
        box = self.rng.choice(boxes)
        QTest.mouseClick(box, LEFT)
        QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
        text = self.rng.choice(GARBAGE) if self.rng.random() < 0.7 else self._random_text()
        type_keys(box, text)
        end = self.rng.choice(TEXT_ENDS)
        if end is not None:
            QTest.keyClick(box, end)

    def _random_text(self) -> str:
        return "".join(self.rng.choice("0123456789.-+eE, x") for _ in range(self.rng.randint(0, 12)))

    def slider_key(self) -> None:
        sliders = self._shown(QSlider)  # none while the inspector has the data panel's place
        if sliders:
            QTest.keyClick(self.rng.choice(sliders), self.rng.choice(SLIDER_KEYS))

    def spin_key(self) -> None:
        # the seed, or a multi-class problem's class count when it shows (the problem combo picks it)
        spin_box = self.rng.choice([b for b in self._shown(QSpinBox) if b.objectName() in SPIN_BOXES] or
                                   [find(self.window, QSpinBox, "seed_spin")])
        QTest.keyClick(spin_box, self.rng.choice((Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp)))
        if self.rng.random() < 0.5:
            QTest.keyClick(spin_box, Qt.Key.Key_Return)

    def window_key(self) -> None:
        QTest.keyClick(self.window, self.rng.choice(WINDOW_KEYS))

    def _network_point(self) -> QPoint:
        """Somewhere on the network canvas: often on a square, a bias or an edge."""
        canvas = find(self.window, QWidget, "network_canvas")
        items = [i for i in canvas.scene().items() if getattr(i, "target", None) is not None]
        if items and self.rng.random() < 0.7:
            centre = self.rng.choice(items).sceneBoundingRect().center()
            return canvas.mapFromScene(centre)
        viewport = canvas.viewport()
        return QPoint(self.rng.randrange(max(viewport.width(), 1)), self.rng.randrange(max(viewport.height(), 1)))

    def click_network(self) -> None:
        where = self._network_point()
        QTest.mouseClick(find(self.window, QWidget, "network_canvas").viewport(), LEFT, NO_KEYS, where)

    def move_over_network(self) -> None:
        where = self._network_point()
        QTest.mouseMove(find(self.window, QWidget, "network_canvas").viewport(), where)

    def move_over_plots(self) -> None:
        panel = self.window.run_view.output_panel
        plot = panel.boundary_plot if self.rng.random() < 0.75 else panel.loss_plot
        viewport = plot.plot_widget.viewport()
        snapshot = self.window.controller.snapshot
        if plot is panel.boundary_plot and self.rng.random() < 0.6 and len(snapshot.train_points):
            x, y, _ = snapshot.train_points[self.rng.randrange(len(snapshot.train_points))]
            scene = plot.view_box.mapViewToScene(QPointF(float(x), float(y)))
            where = plot.plot_widget.mapFromScene(scene)
        else:
            where = QPoint(self.rng.randrange(max(viewport.width(), 1)), self.rng.randrange(max(viewport.height(), 1)))
        QTest.mouseMove(viewport, where)

    def hover_by_signal(self) -> None:
        view, panel = self.window.run_view.network_view, self.window.run_view.output_panel
        snapshot = self.window.controller.snapshot
        choice = self.rng.random()
        if choice < 0.4:
            view.node_hovered.emit(self.rng.randrange(-1, snapshot.n_nodes))
        elif choice < 0.8 and len(snapshot.train_points):
            x, y, label = snapshot.train_points[self.rng.randrange(len(snapshot.train_points))]
            panel.sample_hovered.emit(float(x), float(y), float(label))
        else:
            panel.sample_left.emit()

    def resize(self) -> None:
        self.window.resize(self.rng.randint(700, 1600), self.rng.randint(480, 1000))

    def menu(self) -> None:
        """An example experiment, a lesson, or a help text (the file dialogs are left alone)."""
        examples = find(self.window, QMenu, "examples_menu").actions()
        lessons = find(self.window, QMenu, "lessons_menu").actions()
        help_menu = self.window.menuBar().actions()[-1].menu()
        self.rng.choice([*examples, *lessons, *help_menu.actions()]).trigger()  # (File › Export asks for a file)

    def pause(self) -> None:
        """The user looks for a moment: frames are drawn, the worker trains."""
        spin(self.rng.randint(2, 40))
