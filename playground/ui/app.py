"""Starting the window: the application object, style, error dialogs, and the two
non-interactive modes (a screenshot, a smoke test)."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMessageLogContext,
    QSize,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from playground.engine.compiled import engine_description
from playground.engine.config import Config, ConfigError
from playground.engine.data import make_data
from playground.engine.datasets import DataError
from playground.engine.trainer import Trainer
from playground.inspect_request import InspectRequest
from playground.resource_files import icon_path, stylesheet
from playground.ui import startup_probe, theme
from playground.ui.error_report import install_error_dialog
from playground.ui.gui_gc import collect_on_gui_thread
from playground.ui.main_window import PREFERRED_SIZE, WINDOW_TITLE, MainWindow
from playground.ui.settings import AppSettings
from playground.worker.controller import TrainingController

SMOKE_EPOCHS = 300
SMOKE_MIN_FRAMES = 5
TIMEOUT_S = 120.0
POLL_MS = 20


# The offscreen platform says these (on every window; on a tooltip); they mean nothing for us (that plugin lacks the calls).
IGNORED_QT_MESSAGES = ("This plugin does not support propagateSizeHints()", "This plugin does not support raise()")


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if message not in IGNORED_QT_MESSAGES:
        print(message, file=sys.stderr)


def make_application() -> QApplication:
    if QApplication.instance() is None:
        qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(WINDOW_TITLE)
    app.setStyleSheet(stylesheet())
    app.setWindowIcon(QIcon(str(icon_path())))
    collect_on_gui_thread(app)  # never in the training thread (gui_gc.py)
    return app


def run_window(
    trainer: Trainer | None,
    screenshot: str | None = None,
    smoke_test: bool = False,
    reset_settings: bool = False,
    inspect: InspectRequest | None = None,
    size: tuple[int, int] | None = None,
    source: str | None = None,
    dark: bool = False,
) -> int:
    """The window on ``trainer``; None: on the configuration in force when it last closed.
    ``source``: the experiment file it was read from (its description is shown). ``dark``: the
    dark theme for this session (else the remembered theme; a screenshot: the light one).

    Screenshots and smoke tests neither read nor write the user's settings.
    """
    app = make_application()
    settings = None if screenshot or smoke_test else AppSettings(reset=reset_settings)
    controller = TrainingController(trainer if trainer is not None else remembered_trainer(settings))
    if dark:
        theme.configure("dark", for_session=True)  # before the window: it is built dark
    elif settings is None:
        theme.configure("light")  # a screenshot looks the same on every desktop
    else:
        theme.configure(settings.theme(), settings.colorblind())  # before the window: built in it once
    window = MainWindow(controller, settings)
    if screenshot:
        window.resize(QSize(*size) if size else PREFERRED_SIZE)  # a picture, not a window on a screen: no screen to fit
    if source:
        window.show_description_of(source)  # a lesson opened with --from says what to look for
    window.show()
    try:
        if screenshot:
            ready = lambda: controller.snapshot is not None  # noqa: E731
            if inspect is not None:
                ready = _inspector_ready(window, inspect)
            return _when(app, ready, lambda: _save_screenshot(window, screenshot))
        if smoke_test:
            return _smoke_test(app, window)
        install_error_dialog(window, WINDOW_TITLE)
        if startup_probe.wanted():
            startup_probe.FirstFrameProbe(app, controller)
        return app.exec()
    finally:
        controller.shutdown()  # idempotent; a QThread destroyed while running aborts the process
        sys.excepthook = sys.__excepthook__


def remembered_trainer(settings: AppSettings | None) -> Trainer:
    """A fresh run of the last configuration; the defaults if there is none or it no longer
    works (its CSV file was moved, say)."""
    config = settings.last_config() if settings is not None else None
    if config is not None:
        try:
            return Trainer(config, make_data(config))
        except (ConfigError, DataError, OSError) as exc:
            print(f"note: the last configuration cannot be restored ({exc}); starting from the defaults", file=sys.stderr)
    return Trainer(Config(), make_data(Config()))


def _inspector_ready(window: MainWindow, request: InspectRequest):
    """A condition for _when that opens the inspector as ``request`` says, one step per poll,
    and is true once it shows the asked-for stage and item."""
    inspector = window.run_view.inspector
    done = {"chosen": False, "shown": False}

    def ready() -> bool:
        if window.controller.snapshot is None:
            return False
        if not inspector.is_open:
            inspector.open()
            return False
        if inspector.shot is None:
            return False
        if not done["chosen"]:
            done["chosen"] = True
            inspector.set_batch(request.batch)
            inspector.choose_row(request.row)
            return False
        if not done["shown"]:
            done["shown"] = True
            inspector.go_to_stage(request.stage)
            if request.select is not None:
                inspector.select(request.select)
            return False
        return True

    return ready


def _when(app: QApplication, condition, action) -> int:
    """Poll ``condition`` from the event loop; then run ``action`` (returns the exit status)."""
    deadline = time.monotonic() + TIMEOUT_S
    status = {"code": 1}

    def poll() -> None:
        if condition():
            timer.stop()
            status["code"] = action()
            app.quit()
        elif time.monotonic() > deadline:
            timer.stop()
            print("error: the window did not become ready in time", file=sys.stderr)
            app.quit()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(POLL_MS)
    app.exec()
    # Closing the last window inside exec() posted a Quit of its own (Qt quits after the last
    # window) that app.quit() overtook. Left queued, it would run outside exec() and make every
    # later event loop of this process (the in-process tests' waits) return at once.
    QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
    return status["code"]


def _save_screenshot(window: MainWindow, path: str) -> int:
    """Render the window to PNG bytes, then write them atomically: a failed write keeps an old file
    whole, and the message says why it failed (the operating system's reason). Exit status 0 or 2."""
    from playground.cli_errors import EXIT_BAD_INPUT  # only the screenshot needs these
    from playground.engine.files import atomic_write_bytes
    from playground.ui.export import widget_png

    try:
        try:
            png = widget_png(window)
        finally:
            window.close()
        atomic_write_bytes(path, png)
    except OSError as exc:
        print(f"error: cannot write screenshot '{path}': {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"wrote {path}")
    return 0


def _smoke_test(app: QApplication, window: MainWindow) -> int:
    controller = window.controller
    frames = {"count": 0}
    controller.snapshot_changed.connect(lambda _s: frames.__setitem__("count", frames["count"] + 1))
    start = time.perf_counter()
    first = {}

    def ready() -> bool:
        snapshot = controller.snapshot
        if snapshot is None:
            return False
        if not first:
            first.update(epoch=snapshot.epoch, loss=snapshot.train_loss)
            controller.play()
        return snapshot.epoch - first["epoch"] >= SMOKE_EPOCHS and frames["count"] >= SMOKE_MIN_FRAMES or snapshot.diverged

    def check() -> int:
        snapshot = controller.snapshot
        seconds = time.perf_counter() - start
        window.close()
        fell = snapshot.train_loss < first["loss"]
        ok = fell and not snapshot.diverged and not controller.thread_running
        print(
            f"smoke test {'passed' if ok else 'FAILED'}: {snapshot.epoch - first['epoch']} epochs, "
            f"{frames['count']} frames in {seconds:.1f} s, train loss {first['loss']:.4f} -> {snapshot.train_loss:.4f}"
            f"{'' if fell else ' (did not fall)'}, worker thread {'stopped' if not controller.thread_running else 'STILL RUNNING'}"
            f", engine: {engine_description()}"
        )
        return 0 if ok else 1

    return _when(app, ready, check)
