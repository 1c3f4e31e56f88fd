"""The timeline under the loss chart: look back at any kept checkpoint, continue from it, undo.

The slider's positions are the checkpoints the worker keeps (Snapshot.checkpoint_epochs: every
epoch at first, log-spaced later, engine/checkpoints.py), then the run as it is now when that is
not itself a checkpoint. Position, not epoch, is what the slider counts, so the first epochs, where
most of the learning happens, get as much of its length as the last decades do, and every stop
is a state that can be shown exactly. The loss chart marks the epoch shown.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from playground.worker.snapshot import Snapshot

SLIDER_TIP = (
    "Drag back through training: the network, its maps, the boundary and the numbers show the run "
    "as it was at that epoch (the nearest kept checkpoint: every epoch at first, then fewer, "
    "spaced evenly on a log scale). Dragging pauses the run; Play continues from the epoch shown."
)
BRANCH_TIP = "Continue training from the epoch shown, with the settings in force now; the later history is discarded (Undo brings it back)."
NOW_TIP = "Show the run as it is now again, unchanged."
UNDO_TIP = "Bring back the run as it was before you continued from an earlier epoch, with its whole history."


class HistoryBar(QWidget):
    show_requested = Signal(object)  # int epoch to show, or None: the run as it is now
    branch_requested = Signal(int)  # continue from this epoch
    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history_bar")
        self._positions = np.zeros(1, dtype=np.int64)  # the epoch of each slider position
        self._live_epoch = 0
        self._made_from: tuple[np.ndarray, int] | None = None  # the (checkpoint_epochs, live epoch) of _positions
        self._shown_epoch: int | None = None  # scrubbed to this epoch; None: now
        self._setting = False  # the slider is being set from a snapshot, not by the user
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("history_slider")
        self.slider.setToolTip(SLIDER_TIP)
        self.slider.setRange(0, 0)
        self.slider.setPageStep(16)
        self.slider.valueChanged.connect(self._moved)
        self.label = QLabel("now")
        self.label.setObjectName("history_label")
        self.label.setToolTip("The epoch shown, and the run's own epoch while you look back.")
        self.label.setMinimumWidth(120)
        self.branch_button = _button("branch_button", "Continue from here", BRANCH_TIP)
        self.branch_button.clicked.connect(self._branch)
        self.now_button = _button("history_now_button", "Now", NOW_TIP)
        self.now_button.clicked.connect(lambda: self.show_requested.emit(None))
        self.undo_button = _button("undo_branch_button", "Undo continue", UNDO_TIP)
        self.undo_button.clicked.connect(self.undo_requested)
        self.undo_button.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.slider, stretch=1)
        row.addWidget(self.label)
        row.addWidget(self.branch_button)
        row.addWidget(self.now_button)
        row.addWidget(self.undo_button)
        self._show_buttons()

    @property
    def shown_epoch(self) -> int | None:
        return self._shown_epoch

    def epoch_at(self, position: int) -> int:
        return int(self._positions[position])

    def position_of(self, epoch: int) -> int:
        """The slider position nearest ``epoch`` (the earlier on a tie), as the worker chooses."""
        i = int(np.searchsorted(self._positions, epoch))
        if i == len(self._positions) or (i > 0 and epoch - self._positions[i - 1] <= self._positions[i] - epoch):
            i -= 1
        return i

    # ----- from the snapshots ----------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        kept = snapshot.checkpoint_epochs
        live = snapshot.epoch if snapshot.live_epoch is None else snapshot.live_epoch
        made = self._made_from  # (the worker sends the same array until a checkpoint is added or dropped)
        if made is None or made[0] is not kept or made[1] != live:
            self._positions = kept if len(kept) and kept[-1] == live else np.append(kept, live)
            self._made_from = (kept, live)
        self._live_epoch = live
        self._shown_epoch = snapshot.epoch if snapshot.scrubbed else None
        target = len(self._positions) - 1 if self._shown_epoch is None else self.position_of(self._shown_epoch)
        self._setting = True
        try:
            if self.slider.maximum() != len(self._positions) - 1:
                self.slider.setRange(0, len(self._positions) - 1)
            if not self.slider.isSliderDown() and self.slider.value() != target:
                self.slider.setValue(target)  # (while dragged, the user's position stays)
        finally:
            self._setting = False
        self.label.setText(
            f"now: epoch {live:,}" if self._shown_epoch is None else f"epoch {self._shown_epoch:,} of {live:,}"
        )
        self.undo_button.setVisible(snapshot.branch_undoable)
        self._show_buttons()

    def _show_buttons(self) -> None:
        scrubbed = self._shown_epoch is not None
        self.branch_button.setEnabled(scrubbed)
        self.now_button.setEnabled(scrubbed)

    # ----- from the user ---------------------------------------------------------------
    def _moved(self, position: int) -> None:
        if self._setting:
            return
        last = len(self._positions) - 1
        self.show_requested.emit(None if position >= last else self.epoch_at(position))

    def _branch(self) -> None:
        if self._shown_epoch is not None:
            self.branch_requested.emit(self._shown_epoch)


def _button(name: str, text: str, tooltip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tooltip)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Space stays Play/Pause
    return button
