"""The GUI-thread side: owns the worker and its thread, and is the views' only door to it.

Requests go to the worker as queued signals; snapshots come back to a slot of this QObject
(never to a lambda, which would run in the worker's thread) and are re-emitted to the views,
then acknowledged so the worker may send the next one.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from playground.engine.config import Config
from playground.engine.config_edits import Edit, SetValue
from playground.engine.trainer import Trainer
from playground.worker.snapshot import Snapshot
from playground.worker.training_worker import TrainingWorker
from playground.worker.worker_thread import WorkerThread


class TrainingController(WorkerThread):
    saved = Signal(str)  # an experiment was written to this path
    loaded = Signal(str)  # an experiment was read from this path and is now shown
    state_taken = Signal(object)  # TrainerState (history left out), asked for by take_state()
    checkpoint_ready = Signal(object)  # TrainerState kept nearest the epoch request_checkpoint() asked for
    branched = Signal(object)  # int: branch_from() continued from this epoch (undo_branch() can undo it)
    branch_undone = Signal(object)  # int: undo_branch() brought back the run at this epoch
    checkpoints_ready = Signal(object)  # list of TrainerStates asked for by request_checkpoints()
    fork_taken = Signal(object)  # TrainerState (history: first and last rows), asked for by take_fork()

    # Requests, delivered to the worker's thread.
    _play = Signal()
    _pause = Signal()
    _step = Signal()
    _reset = Signal()
    _refresh = Signal()
    _regenerate = Signal()
    _apply_edit = Signal(object)
    _set_parameter = Signal(int, int, int, float)
    _set_trace_point = Signal(object)
    _load = Signal(str)
    _save = Signal(str, bool)
    _take_state = Signal()
    _apply_shot = Signal(object)
    _edit_points = Signal(object)
    _undo_points = Signal()
    _redo_points = Signal()
    _request_checkpoint = Signal(object)
    _show_checkpoint = Signal(object)
    _branch_from = Signal(object)
    _undo_branch = Signal()
    _request_checkpoints = Signal(int, int, int)
    _take_fork = Signal()
    _adopt_state = Signal(object, int)

    def __init__(self, trainer: Trainer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.snapshot: Snapshot | None = None  # the latest, as drawn
        w = TrainingWorker(trainer)
        requests = (
            (self._play, w.play),
            (self._pause, w.pause),
            (self._step, w.step),
            (self._reset, w.reset),
            (self._refresh, w.refresh),
            (self._regenerate, w.regenerate),
            (self._apply_edit, w.apply_edit),
            (self._set_parameter, w.set_parameter),
            (self._set_trace_point, w.set_trace_point),
            (self._load, w.load_experiment),
            (self._save, w.save_experiment),
            (self._take_state, w.take_state),
            (self._apply_shot, w.apply_shot),
            (self._edit_points, w.edit_points),
            (self._undo_points, w.undo_points),
            (self._redo_points, w.redo_points),
            (self._request_checkpoint, w.request_checkpoint),
            (self._show_checkpoint, w.show_checkpoint),
            (self._branch_from, w.branch_from),
            (self._undo_branch, w.undo_branch),
            (self._request_checkpoints, w.request_checkpoints),
            (self._take_fork, w.take_fork),
            (self._adopt_state, w.adopt_state),
        )
        outputs = (
            (w.saved, self._on_saved),
            (w.loaded, self._on_loaded),
            (w.state_taken, self._on_state_taken),
            (w.checkpoint_ready, self._on_checkpoint_ready),
            (w.branched, self._on_branched),
            (w.branch_undone, self._on_branch_undone),
            (w.checkpoints_ready, self._on_checkpoints_ready),
            (w.fork_taken, self._on_fork_taken),
        )
        self._start(w, "training-worker", requests, outputs)
        self._refresh.emit()  # the first snapshot

    # ----- what the views may ask -------------------------------------------------------
    @property
    def config(self) -> Config:
        assert self.snapshot is not None, "no snapshot yet"
        return self.snapshot.config

    def play(self) -> None:
        self._play.emit()

    def pause(self) -> None:
        self._pause.emit()

    def toggle_running(self) -> None:
        (self.pause if self.running else self.play)()

    def step(self) -> None:
        self._step.emit()

    def reset(self) -> None:
        self._reset.emit()

    def regenerate(self) -> None:
        self._regenerate.emit()

    def edit(self, edit: Edit) -> None:
        """A change of settings, applied by the worker to the config in force when it arrives."""
        self._apply_edit.emit(edit)

    def set_value(self, key: str, value: object) -> None:
        self.edit(SetValue(key, value))

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        self._set_parameter.emit(layer, i, j, value)

    def set_bias(self, layer: int, j: int, value: float) -> None:
        n_in = self.snapshot.layer_sizes[layer] if self.snapshot else 0
        self._set_parameter.emit(layer, n_in, j, value)

    def set_trace_point(self, x: float, y: float, label: float) -> None:
        self._set_trace_point.emit((x, y, label))

    def clear_trace_point(self) -> None:
        self._set_trace_point.emit(None)

    def take_state(self) -> None:
        """Ask for a frozen copy of the trainer; it arrives as ``state_taken``."""
        self._take_state.emit()

    def apply_shot(self, points: object) -> None:
        """One update from these (m, 3) rows of x, y, label (pauses the run)."""
        self._apply_shot.emit(points)

    def edit_points(self, edit: object) -> None:
        """Points drawn, erased or cleared (engine/point_edits.py); the network keeps training."""
        self._edit_points.emit(edit)

    def undo_points(self) -> None:
        self._undo_points.emit()

    def redo_points(self) -> None:
        self._redo_points.emit()

    def request_checkpoint(self, epoch: int) -> None:
        """Ask for the checkpoint nearest ``epoch``; it arrives as ``checkpoint_ready``."""
        self._request_checkpoint.emit(int(epoch))

    def show_checkpoint(self, epoch: int | None) -> None:
        """Draw the checkpoint nearest ``epoch`` instead of the run, which pauses (None: the run
        again). Snapshots then say ``scrubbed``; Play, Step, a shot or a typed weight branch from it."""
        self._show_checkpoint.emit(None if epoch is None else int(epoch))

    def branch_from(self, epoch: int) -> None:
        """Continue from the checkpoint nearest ``epoch``, discarding what came after it."""
        self._branch_from.emit(int(epoch))

    def undo_branch(self) -> None:
        """Bring back the run as it was before the last branch."""
        self._undo_branch.emit()

    def request_checkpoints(self, first_epoch: int, last_epoch: int, max_frames: int) -> None:
        """Ask for an animation's frames: at most ``max_frames`` kept states of these epochs
        (engine/frame_epochs.py); the list arrives as ``checkpoints_ready``."""
        self._request_checkpoints.emit(int(first_epoch), int(last_epoch), int(max_frames))

    def take_fork(self) -> None:
        """Pause and ask for the run's state to compare from; it arrives as ``fork_taken``."""
        self._take_fork.emit()

    def adopt_state(self, state: object, fork_epoch: int) -> None:
        """Replace the run by a compared side's full state (forked at ``fork_epoch``), paused."""
        self._adopt_state.emit(state, int(fork_epoch))

    def load_experiment(self, path: str) -> None:
        self._load.emit(path)

    def save_experiment(self, path: str, with_checkpoints: bool = False) -> None:
        """Save the run; ``with_checkpoints``: with its kept checkpoints (Save with history)."""
        self._save.emit(path, bool(with_checkpoints))

    # ----- from the worker ---------------------------------------------------------------
    @Slot(str)
    def _on_saved(self, path: str) -> None:
        self.saved.emit(path)

    @Slot(str)
    def _on_loaded(self, path: str) -> None:
        self.loaded.emit(path)

    @Slot(object)
    def _on_state_taken(self, state: object) -> None:
        if not self._stopped:
            self.state_taken.emit(state)

    @Slot(object)
    def _on_checkpoint_ready(self, state: object) -> None:
        if not self._stopped:
            self.checkpoint_ready.emit(state)

    @Slot(object)
    def _on_branched(self, epoch: object) -> None:
        if not self._stopped:
            self.branched.emit(epoch)

    @Slot(object)
    def _on_branch_undone(self, epoch: object) -> None:
        if not self._stopped:
            self.branch_undone.emit(epoch)

    @Slot(object)
    def _on_checkpoints_ready(self, states: object) -> None:
        if not self._stopped:
            self.checkpoints_ready.emit(states)

    @Slot(object)
    def _on_fork_taken(self, state: object) -> None:
        if not self._stopped:
            self.fork_taken.emit(state)
