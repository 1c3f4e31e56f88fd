"""File › Export › Animation: the boundary and the network over the last N epochs, as a GIF or MP4.

The dialog chooses the epochs, the number of frames, their rate, size and format, and says how
many frames the kept checkpoints give. Export asks for a file name, then asks the worker for the
checkpoints (TrainingController.request_checkpoints) and draws one frame per turn of the event
loop (a zero-interval timer: the window stays responsive, Cancel works at once), each with a
FrameRenderer, into a GIF or MP4 writer that writes the file atomically at the end.
"""

from __future__ import annotations

import os
import threading

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from playground.engine.checkpoints import DENSITY
from playground.engine.files import size_text
from playground.engine.frame_epochs import frame_epochs
from playground.ui.animation_renderer import DEFAULT_SIZE, SIZES, FrameRenderer
from playground.ui.animation_writer import GIF, MAX_FPS, MIN_FPS, MP4, ffmpeg_path, writer_for

DEFAULT_FRAMES, MAX_FRAMES = 100, 300  # each GIF frame is held as 1 byte a pixel until the end: ≤ 233 MB at 1280 px
WRITE_POLL_MS = 20
DEFAULT_FPS = 10
FORMAT_FILTERS = {GIF: "GIF animations (*.gif)", MP4: "MP4 videos (*.mp4)"}
NO_FFMPEG = "MP4 needs the program ffmpeg on the PATH, which was not found; GIF needs nothing"


class AnimationDialog(QDialog):
    """Built once by the Exporter (hidden); ``open_for_window()`` fills it from the current run."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.setObjectName("animation_dialog")
        self.setWindowTitle("Export an animation")
        self._states: list | None = None  # the frames' checkpoints, while rendering
        self._done = 0  # frames of them drawn
        self._writing: threading.Thread | None = None  # encoding and writing the file, after the last frame
        self._written: list = []  # what the writing thread left: the file's size in bytes, or an exception
        self._waiting = False  # for the worker's checkpoints_ready to the last request
        self._requests = 0  # requests not answered yet (one cancelled while waiting is answered all the same)
        self._path = ""
        self._writer = None
        self._renderer: FrameRenderer | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._render_next)
        self._build()
        window.controller.snapshot_changed.connect(self._on_snapshot)
        window.controller.checkpoints_ready.connect(self._on_states)

    # ----- construction ---------------------------------------------------------------
    def _spinbox(self, name: str, low: int, high: int, value: int, tip: str) -> QSpinBox:
        box = QSpinBox()
        box.setObjectName(name)
        box.setRange(low, high)
        box.setValue(value)
        box.setToolTip(tip)
        box.valueChanged.connect(self._update_count)
        return box

    def _build(self) -> None:
        self.epochs_box = self._spinbox("animation_epochs_spinbox", 0, 1, 1,
                                        "How many of the last epochs the animation covers (at most the whole run)")
        self.frames_box = self._spinbox("animation_frames_spinbox", 2, MAX_FRAMES, DEFAULT_FRAMES,
                                        "At most this many frames, evenly spread over the epochs")
        self.fps_box = self._spinbox("animation_fps_spinbox", MIN_FPS, MAX_FPS, DEFAULT_FPS,
                                     "Frames per second when the animation plays (the last frame is held longer)")
        self.size_combo = QComboBox()
        self.size_combo.setObjectName("animation_size_combo")
        self.size_combo.setToolTip("The width of each frame; the height follows")
        self.size_combo.addItems(list(SIZES))
        self.size_combo.setCurrentText(DEFAULT_SIZE)
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("animation_format_combo")
        self.format_combo.addItem("GIF (plays everywhere, loops)", GIF)
        self.format_combo.addItem("MP4 (smaller, for slides and video)", MP4)
        self.count_label = QLabel("")
        self.count_label.setObjectName("animation_count_label")
        self.count_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("animation_progress")
        self.progress.setToolTip("Frames drawn so far")
        self.progress.setFormat("frame %v of %m")
        self.progress.hide()
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("animation_export_button")
        self.export_button.setToolTip("Choose a file name, then draw the frames and write the animation")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._ask_path)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("animation_cancel_button")
        self.cancel_button.setToolTip("Stop drawing frames (nothing is written), or close this dialog")
        self.cancel_button.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("Last epochs:", self.epochs_box)
        form.addRow("Frames at most:", self.frames_box)
        form.addRow("Frames per second:", self.fps_box)
        form.addRow("Size:", self.size_combo)
        form.addRow("Format:", self.format_combo)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.count_label)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)

    def _offer_mp4(self) -> None:
        """MP4 only with an ffmpeg on PATH (looked for each time: it may be installed meanwhile)."""
        item = self.format_combo.model().item(1)
        available = ffmpeg_path() is not None
        item.setEnabled(available)
        tip = "Encoded by the ffmpeg found on the PATH" if available else NO_FFMPEG
        self.format_combo.setItemData(1, tip, Qt.ItemDataRole.ToolTipRole)
        self.format_combo.setToolTip("GIF: made here, plays in every browser and slide program. MP4: " + tip)
        if not available:
            self.format_combo.setCurrentIndex(0)

    # ----- opening ----------------------------------------------------------------------
    def open_for_window(self) -> None:
        """Show the dialog for the run as it is now (the whole run chosen the first time)."""
        if self.window.controller.snapshot is None or self.rendering:
            return
        self._follow_run()
        self._offer_mp4()
        self._set_busy(False)
        self._update_count()
        self.open()

    def _follow_run(self) -> None:
        """The epochs' range ends at the run's epoch; "the whole run" stays the whole run."""
        whole = self.epochs_box.maximum() == self.epochs_box.value()
        self.epochs_box.setMaximum(max(0, min(self.window.controller.snapshot.epoch, 2**31 - 1)))
        if whole or self.epochs_box.value() == 0:
            self.epochs_box.setValue(self.epochs_box.maximum())

    @Slot(object)
    def _on_snapshot(self, _snapshot: object) -> None:
        """While open (the run may go on training meanwhile), say what Export would draw now."""
        if self.isVisible() and not self.rendering:
            self._follow_run()
            self._update_count()

    def epoch_range(self) -> tuple[int, int]:
        epoch = self.window.controller.snapshot.epoch
        return max(0, epoch - self.epochs_box.value()), epoch

    def frame_count(self) -> int:
        """How many frames Export would draw now (the worker picks them the same way)."""
        snapshot = self.window.controller.snapshot
        first, last = self.epoch_range()
        current = None if snapshot.diverged else snapshot.epoch
        return len(frame_epochs(snapshot.checkpoint_epochs, first, last, self.frames_box.value(), current))

    @Slot()
    def _update_count(self) -> None:
        if self.window.controller.snapshot is None:
            return
        n = self.frame_count()
        first, last = self.epoch_range()
        seconds = n / self.fps_box.value()
        kept = self.window.controller.snapshot.checkpoint_epochs
        gap = int(kept[-1] - kept[-2]) if len(kept) > 1 else 1
        density = f"; by now every {gap:,}th is kept, so frames are no closer than that" if gap > 1 else ""
        self.count_label.setText(
            f"{n} frame{'s' if n != 1 else ''} of epochs {first:,} to {last:,}, about {seconds:.1f} s. "
            f"The run keeps every epoch below {2 * DENSITY:,}, then fewer and fewer (log-spaced){density}.")
        self.export_button.setEnabled(n >= 1 and not self.rendering)

    # ----- exporting --------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.format_combo.currentData()

    @property
    def rendering(self) -> bool:
        return self._waiting or self._states is not None

    def _ask_path(self) -> None:
        start = os.path.join(self.window._folder(), f"animation.{self.kind}")
        path, _ = QFileDialog.getSaveFileName(self, "Export the animation", start,
                                              f"{FORMAT_FILTERS[self.kind]};;All files (*)")
        if path:
            self.window._remember_folder(path)
            self.start(path)

    def start(self, path: str) -> bool:
        """Draw the frames chosen and write them to ``path`` (no file dialog); False, after
        saying why, when the file could not be made at all (nothing drawn, nothing written)."""
        path = with_suffix(path, self.kind)
        problem = unwritable(path) or wrong_suffix(path, self.kind)
        if problem is None and self.kind == MP4 and ffmpeg_path() is None:
            problem = NO_FFMPEG
        if problem is not None:
            self.window.show_error(f"cannot export the animation to '{path}': {problem}")
            return False
        self._path, self._waiting = path, True
        self._set_busy(True)
        first, last = self.epoch_range()
        self._requests += 1
        self.window.controller.request_checkpoints(first, last, self.frames_box.value())
        return True

    @Slot(object)
    def _on_states(self, states: object) -> None:
        self._requests -= 1
        if self._requests or not self._waiting:  # the answer to a request cancelled since
            return
        self._waiting = False
        if not states:
            self._fail("no checkpoints are kept of those epochs; allowed: epochs the run has trained through")
            return
        try:
            self._writer = writer_for(self.kind, self._path, self.fps_box.value())
        except (OSError, ValueError) as exc:
            self._fail(str(exc))
            return
        self._states = list(states)
        self._renderer = FrameRenderer(SIZES[self.size_combo.currentText()], **self._window_choices())
        self._done = 0
        self.progress.setRange(0, len(self._states))
        self.progress.setValue(0)
        self._timer.start()

    def _window_choices(self) -> dict[str, bool]:
        """What the window's views show now (edge colours, test points, discretized output)."""

        def checked(name: str) -> bool:
            box = self.window.findChild(QCheckBox, name)
            return box is not None and box.isChecked()

        return {"colour_by_weight": checked("edge_colour_toggle"), "show_test": checked("show_test_checkbox"),
                "discretize": checked("discretize_checkbox")}

    @Slot()
    def _render_next(self) -> None:
        if self._writing is not None:
            self._check_written()
            return
        try:
            self._writer.add(self._renderer.render(self._states[self._done]))
        except (OSError, ValueError) as exc:
            self._fail(getattr(exc, "strerror", None) or str(exc))
            return
        self._done += 1
        self.progress.setValue(self._done)
        if self._done == len(self._states):
            self._start_writing()

    def _start_writing(self) -> None:
        """Encode and write in a Python thread (Pillow's encoder and ffmpeg release the GIL): 100
        frames of 1280 px take over a second, which the window's thread must not wait for. The
        timer polls the thread; Cancel waits too, as the file is about to be whole."""
        self.progress.setRange(0, 0)
        self.progress.setFormat("writing the file…")
        self.cancel_button.setEnabled(False)
        writer, result = self._writer, self._written

        def write() -> None:
            try:
                result.append(writer.finish())
            except (OSError, ValueError) as exc:
                result.append(exc)

        result.clear()
        self._writing = threading.Thread(target=write, name="animation-writer", daemon=True)
        self._writing.start()
        self._timer.setInterval(WRITE_POLL_MS)

    def _check_written(self) -> None:
        if self._writing.is_alive():
            return
        self._writing.join()
        self._writing = None
        self.cancel_button.setEnabled(True)
        outcome = self._written[0]
        if isinstance(outcome, Exception):
            self._fail(getattr(outcome, "strerror", None) or str(outcome))
            return
        frames = len(self._states)
        self._finish_rendering()
        self.window.statusBar().showMessage(f"Exported {frames} frames ({size_text(outcome)}) to {self._path}", 5000)
        self.accept()

    def _fail(self, reason: str) -> None:
        self._stop()
        self.window.show_error(f"cannot export the animation to '{self._path}': {reason}")

    def _stop(self) -> None:
        """Stop drawing; nothing is written (the writer removes what it had)."""
        self._waiting = False
        if self._writer is not None:
            self._writer.abort()
        self._finish_rendering()

    def _finish_rendering(self) -> None:
        self._timer.stop()
        self._timer.setInterval(0)
        self._states, self._writer = None, None
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.epochs_box, self.frames_box, self.fps_box, self.size_combo, self.format_combo):
            widget.setEnabled(not busy)
        self.export_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.progress.setFormat("frame %v of %m")
        if busy:
            self.progress.setRange(0, 0)  # busy until the checkpoints arrive

    def reject(self) -> None:
        """Cancel: while drawing, stop (nothing written) and stay open; otherwise close."""
        if self._writing is not None:
            return  # the file is being written: a moment, and it is whole
        if self.rendering:
            self._stop()
            self._update_count()
            self.window.statusBar().showMessage("Animation export cancelled: nothing was written", 5000)
            return
        super().reject()


def unwritable(path: str) -> str | None:
    """Why a new file cannot be made at ``path`` (checked before drawing any frame), or None."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return "it is a folder"
    if not os.path.isdir(folder):
        return f"'{folder}' is not a folder" if os.path.exists(folder) else f"the folder '{folder}' does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder '{folder}' is not writable"
    return None


def with_suffix(path: str, kind: str) -> str:
    """``path``, with ``.gif`` or ``.mp4`` added when its name has no suffix at all."""
    return path if os.path.splitext(os.path.basename(path))[1] else f"{path}.{kind}"


def wrong_suffix(path: str, kind: str) -> str | None:
    """A name ending in the other format's suffix (run.mp4 chosen as GIF) is refused: why, or None."""
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    if suffix in FORMAT_FILTERS and suffix != kind:
        return f"the name ends in .{suffix} but the format chosen is {kind.upper()}; allowed: a name ending in .{kind}"
    return None
