"""The training worker: a QObject living in a QThread, training in short chunks.

A zero-interval timer calls :meth:`_tick`, which trains for about CHUNK_SECONDS and returns
to the thread's event loop, so every request (pause, step, a new learning rate, shutdown)
arrives as a queued slot call *between* chunks: no locks, no shared flags. Snapshots go out
at most MAX_SNAPSHOTS_PER_SECOND, and never while the views have not acknowledged the last.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from playground.engine.checkpoints import CheckpointStore, branch_state, checkpoint_of, same_points
from playground.engine.compare import joined_state
from playground.engine.config import Config, ConfigError
from playground.engine.config_edits import DATA, LIVE, LIVE_KEYS, NETWORK, Edit, needs_of
from playground.engine.data import make_data
from playground.engine.datasets import DataError, label_problem
from playground.engine.experiment import (
    DIVERGED_NOT_SAVED,
    ExperimentError,
    load_experiment,
    save_experiment,
    take_checkpoints,
)
from playground.engine.frame_epochs import frame_epochs
from playground.engine.pacing import EpochPacer
from playground.engine.point_edits import PointEdit, PointHistory
from playground.engine.trainer import Trainer
from playground.engine.trainer_state import TrainerState
from playground.worker.frame_clock import FrameClock, SpeedMeter
from playground.worker.snapshot_builder import SnapshotBuilder

MAX_SNAPSHOTS_PER_SECOND = 60  # a frame every 16.7 ms at most, none before the last was drawn
MAX_EPOCHS_PER_CALL = 100_000  # bounds one call's history rows


class TrainingWorker(QObject):
    snapshot_ready = Signal(object)  # Snapshot
    failed = Signal(str)  # a one-line message for the user; nothing was changed
    saved = Signal(str)  # the path an experiment was written to
    loaded = Signal(str)  # the path an experiment was read from
    state_taken = Signal(object)  # a TrainerState without its history, for the inspector
    checkpoint_ready = Signal(object)  # the kept TrainerState nearest an epoch asked for (history: 2 rows)
    branched = Signal(object)  # int: the epoch a branch continues from
    branch_undone = Signal(object)  # int: the epoch of the run brought back
    checkpoints_ready = Signal(object)  # list of TrainerStates (2-row histories): an animation's frames
    fork_taken = Signal(object)  # TrainerState of the run now (history: its first and last rows), to compare from

    def __init__(self, trainer: Trainer) -> None:
        super().__init__()
        self._timer = QTimer(self)  # moves with the worker to its thread
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)
        self._builder = SnapshotBuilder()
        self._generation = 0  # "Regenerate" presses since the data config last changed
        self._trainer = trainer  # built (and validated) by the caller before the thread starts
        self._running = False
        self._awaiting_ack = False
        self._dirty = True  # something changed that the views have not seen
        self._clock = FrameClock(MAX_SNAPSHOTS_PER_SECOND)  # when chunks stop and frames go out
        self._trace_point: tuple[float, float, float] | None = None
        self._drawing = PointHistory()  # undo/redo of points drawn on the plane
        self._speed_meter = SpeedMeter()  # epochs per second, shown while running
        self._pacer = EpochPacer()  # sizes each call of the trainer to the time a chunk has left
        self._checkpoints = CheckpointStore.for_run(trainer, kept=take_checkpoints(trainer))  # engine/checkpoints.py
        self._before_branch: tuple[Trainer, CheckpointStore] | None = None  # for undo_branch
        self._shown: Trainer | None = None  # scrubbing: a checkpoint rebuilt, drawn instead of the run

    # ----- requests (queued slots, called between chunks) -------------------------------
    @Slot()
    def play(self) -> None:
        """Run; on a plane without training points, wait (running, idle) until one is drawn.
        While a checkpoint is shown (scrubbing), run on from it: a branch, asked nothing."""
        self._branch_from_shown()
        if self._trainer.last_result().diverged:
            self._changed()
            return
        self._running = True
        self._speed_meter.clear()
        self._changed()

    @Slot()
    def pause(self) -> None:
        self._running = False
        self._changed()

    @Slot()
    def step(self) -> None:
        """One epoch, unless the network has diverged (then only Reset helps)."""
        self._running = False
        self._branch_from_shown()
        if not self._trainer.last_result().diverged and self._has_training_points():
            self._trainer.train_epoch()
            self._checkpoints.keep(self._trainer)
        self._changed()

    @Slot()
    def refresh(self) -> None:
        """Send a snapshot of the current state (the first one, or after a view was rebuilt)."""
        self._changed()

    @Slot()
    def reset(self) -> None:
        """Epoch 0 again: the seed's initial weights on the current points."""
        config = self._trainer.config
        self._trainer = Trainer(config, self._trainer.data)
        self._leave_preview()
        self._new_checkpoints()
        self._builder.restart_history()
        self._changed()

    @Slot(object)
    def apply_edit(self, edit: Edit) -> None:
        """One change of settings, applied to the config in force now (not to the one the
        views last saw), so quick successive changes all count. Live keys keep the network;
        data, features or architecture rebuild it, keeping it running or paused as it was."""
        old = self._trainer.config
        try:
            config = edit.apply(old)
            needs = needs_of(edit, old, config)
            if needs in (DATA, NETWORK):
                self._rebuild(config, new_data=needs == DATA)
            elif needs == LIVE:
                live = {key: getattr(config, key) for key in LIVE_KEYS if getattr(config, key) != getattr(old, key)}
                self._trainer.set_hyperparameters(**live)
                self._checkpoints.refresh(self._trainer)
        except (ConfigError, DataError, ValueError) as exc:
            self.failed.emit(str(exc))
        self._changed()

    def _rebuild(self, config: Config, new_data: bool) -> None:
        if new_data:
            self._generation = 0
        old = self._trainer
        data = make_data(config, self._generation) if new_data else old.data
        self._trainer = Trainer(config, data)  # built fully before it replaces the old one
        self._leave_preview()
        self._new_checkpoints()
        self._builder.restart_history()
        if new_data:
            self._builder.data_changed()
            self._keep_undoable(old)

    def _keep_undoable(self, old: Trainer) -> None:
        """New points replaced ``old``'s: Ctrl+Z brings the old points back (hand-drawn ones
        are not lost to a click on the noise slider) while their labels still fit the problem."""
        if (old.config.problem, old.config.n_outputs) == (self._trainer.config.problem, self._trainer.config.n_outputs):
            self._drawing.record(old.data)
        else:
            self._drawing.forget()

    @Slot()
    def regenerate(self) -> None:
        """New points from the same settings, same network (the playground's Regenerate)."""
        self._leave_preview()
        self._generation += 1
        before = self._trainer.data
        try:
            self._trainer.set_data(make_data(self._trainer.config, self._generation))
            self._trainer.reevaluate()  # the losses of the new points, shown at once
            self._checkpoints.refresh(self._trainer)
        except DataError as exc:
            self.failed.emit(str(exc))
        self._builder.data_changed()
        if self._trainer.data is not before:
            self._drawing.record(before)  # Ctrl+Z brings the points before Regenerate back
        self._builder.last_row_changed(len(self._trainer.history))
        self._changed()

    @Slot(int, int, int, float)
    def set_parameter(self, layer: int, row: int, neuron: int, value: float) -> None:
        self._branch_from_shown()  # a weight of the network shown was typed: that network goes on
        try:
            self._trainer.set_parameter(layer, row, neuron, value)  # re-measures the losses
            self._checkpoints.refresh(self._trainer)
        except (ValueError, IndexError) as exc:
            self.failed.emit(str(exc))
        self._builder.last_row_changed(len(self._trainer.history))
        self._changed()

    @Slot(object)
    def edit_points(self, edit: PointEdit) -> None:
        """Points drawn, erased or cleared on the plane: the network stays, running or not, and
        meets the new points from the next update on; the losses are measured at once."""
        self._leave_preview()
        before = self._trainer.data
        try:
            after = edit.apply(before, self._trainer.config)
            if after is not before:
                self._set_points(after)
                self._drawing.record(before)
        except DataError as exc:
            self.failed.emit(str(exc))
        self._changed()

    @Slot()
    def undo_points(self) -> None:
        self._step_drawing(self._drawing.undo)

    @Slot()
    def redo_points(self) -> None:
        self._step_drawing(self._drawing.redo)

    def _step_drawing(self, step) -> None:
        self._leave_preview()
        data = step(self._trainer.data)
        if data is not None:
            try:
                self._set_points(data)
            except DataError as exc:  # too many for a network built since: the step is not taken
                self.failed.emit(str(exc))
        self._changed()

    def _set_points(self, data) -> None:
        self._trainer.set_data(data)
        self._trainer.reevaluate()
        self._checkpoints.refresh(self._trainer)
        self._builder.data_changed()
        self._builder.last_row_changed(len(self._trainer.history))

    @Slot()
    def take_state(self) -> None:
        """Send a frozen copy of the trainer (its history left out: the inspector needs the
        network, the optimizer's state and the data, not a million rows of losses)."""
        self.state_taken.emit((self._shown or self._trainer).bare_state())  # the network drawn

    @Slot()
    def take_fork(self) -> None:
        """Pause and send the run as it is, for a comparison: the whole state but the history,
        whose rows stay here until adopt_state joins a kept side to them. While a checkpoint is
        shown (scrubbing), that is what is forked: "what if Adam from epoch 50"."""
        self._running = False
        self._changed()
        self.fork_taken.emit(checkpoint_of(self._shown or self._trainer))

    @Slot(object, int)
    def adopt_state(self, state: object, fork_epoch: int) -> None:
        """A compared side kept: its full state replaces the run (paused), its history after the
        fork joined to this run's before it; the checkpoints before the fork, the shared past, stay."""
        try:
            trainer = Trainer.from_state(joined_state(state, self._trainer.history, fork_epoch))
        except ValueError as exc:
            self.failed.emit(f"cannot keep the compared run: {exc}")
            return
        self._running, self._before_branch = False, None
        self._leave_preview()
        self._checkpoints.truncate_after(fork_epoch - 1)
        if len(self._checkpoints):
            self._checkpoints.keep(trainer)
        else:
            self._checkpoints = CheckpointStore.for_run(trainer)
        self._replace_run(trainer)

    @Slot(object)
    def apply_shot(self, points: object) -> None:
        """Exactly one update from these (m, 3) points: the inspector's "Apply this shot"."""
        self._running = False
        self._branch_from_shown()
        if self._trainer.last_result().diverged:
            self.failed.emit("The network has diverged: a shot cannot be applied. Reset it first.")
        else:
            self._trainer.apply_examples(points)
            self._checkpoints.refresh(self._trainer)
            self._builder.last_row_changed(len(self._trainer.history))
        self._changed()

    @Slot(object)
    def set_trace_point(self, point: tuple[float, float, float] | None) -> None:
        self._trace_point = point
        self._changed()

    @Slot(str)
    def load_experiment(self, path: str) -> None:
        try:
            trainer = load_experiment(path)  # fully validated before anything changes
        except ExperimentError as exc:
            self.failed.emit(str(exc))
            return
        self._running, self._trainer, self._generation = False, trainer, 0
        self._leave_preview()
        self._new_checkpoints()
        self._builder.restart_history()
        self._builder.data_changed()
        self._drawing.forget()
        self._changed()
        self.loaded.emit(path)

    @Slot(str, bool)
    def save_experiment(self, path: str, with_checkpoints: bool = False) -> None:
        """Save the run (the live one, also while a checkpoint is shown); ``with_checkpoints``:
        and its kept checkpoints, so that it opens with its past to scrub."""
        if self._trainer.last_result().diverged:
            self.failed.emit(DIVERGED_NOT_SAVED.format(path=path))
            return
        try:
            save_experiment(self._trainer, path, self._checkpoints.states() if with_checkpoints else ())
        except (ExperimentError, OSError) as exc:
            self.failed.emit(f"cannot save experiment '{path}': {getattr(exc, 'strerror', None) or exc}")
            return
        self.saved.emit(path)

    @Slot(int)
    def snapshot_drawn(self, serial: int) -> None:
        if serial == self._builder.serial:
            self._awaiting_ack = False
            if self._dirty and not self._training():
                self._emit_snapshot()

    @Slot()
    def stop(self) -> None:
        """Stop the timer in this thread, then hand the object back to the GUI thread."""
        self._running = False
        self._timer.stop()
        self.moveToThread(QCoreApplication.instance().thread())

    # ----- checkpoints (scrub and branch) ------------------------------------------------
    @Slot(object)
    def request_checkpoint(self, epoch: int) -> None:
        """Send the kept state nearest ``epoch`` as ``checkpoint_ready`` (its history: the first
        row and its own, engine/checkpoints.py)."""
        try:
            self.checkpoint_ready.emit(self._checkpoints.nearest(int(epoch)))
        except LookupError as exc:
            self.failed.emit(f"cannot show epoch {epoch}: {exc}")

    @Slot(int, int, int)
    def request_checkpoints(self, first_epoch: int, last_epoch: int, max_frames: int) -> None:
        """Send as ``checkpoints_ready`` the kept states of epochs ``first_epoch``..``last_epoch``,
        at most ``max_frames`` of them evenly spread (engine/frame_epochs.py), ending with the run
        as it is now when that is in range (an empty list when nothing is)."""
        trainer = self._trainer
        current = None if trainer.last_result().diverged else trainer.epoch
        epochs = frame_epochs(self._checkpoints.epochs(), first_epoch, last_epoch, max(1, max_frames), current)
        self.checkpoints_ready.emit([
            checkpoint_of(trainer) if e == current else self._checkpoints.nearest(int(e)) for e in epochs])

    @Slot(object)
    def show_checkpoint(self, epoch: object) -> None:
        """Scrubbing: draw the kept state nearest ``epoch`` instead of the run, which pauses and
        stays as it is (None, or the run's own epoch: the run again). Requests arriving faster
        than the views draw cost a small rebuild each; the frames are sent one per drawn frame."""
        if epoch is None:
            self._leave_preview()
            self._changed()
            return
        self._running = False
        try:
            epochs = self._checkpoints.epochs()
            if len(epochs) and epochs[-1] == self._trainer.epoch and int(epoch) >= self._trainer.epoch:
                self._shown = None  # the last checkpoint is the run as it is now (kept refreshed)
            elif self._shown is None or self._shown.epoch != self._checkpoints.nearest_epoch(int(epoch)):
                self._shown = Trainer.from_state(self._checkpoints.nearest(int(epoch)))
        except LookupError as exc:
            self.failed.emit(f"cannot show epoch {epoch}: {exc}")
        self._changed()

    def _leave_preview(self) -> None:
        """Draw the live run again (anything that changes the run or its points ends scrubbing)."""
        self._shown = None

    def _branch_from_shown(self) -> None:
        """Training, a shot or a typed weight while a checkpoint is shown: continue from it."""
        if self._shown is not None:
            self.branch_from(self._shown.epoch)

    @Slot(object)
    def branch_from(self, epoch: int) -> None:
        """Continue from the kept state nearest ``epoch`` with the settings in force now (a learning
        rate or optimizer chosen while scrubbing applies to the branch): the later checkpoints and
        history are discarded, the run so far is kept for one undo_branch. Running or paused, as it was."""
        try:
            checkpoint = self._checkpoints.nearest(int(epoch))
        except LookupError as exc:
            self.failed.emit(f"cannot branch from epoch {epoch}: {exc}")
            return
        state = branch_state(checkpoint, self._trainer.history)
        before = (self._trainer, self._checkpoints.copy())
        trainer = Trainer.from_state(state)  # built fully before anything changes
        self._adopt_settings(trainer, state)
        self._checkpoints.truncate_after(state.epoch)
        self._checkpoints.refresh(trainer)  # the branch's first state: with the settings it goes on with
        self._leave_preview()
        self._before_branch = before  # (before the snapshot _replace_run sends says it is undoable)
        self._replace_run(trainer)
        self.branched.emit(state.epoch)

    def _adopt_settings(self, trainer: Trainer, state: TrainerState) -> None:
        now = self._trainer.config
        changed = {key: getattr(now, key) for key in LIVE_KEYS if getattr(now, key) != getattr(state.config, key)}
        if changed:
            trainer.set_hyperparameters(**changed)

    @Slot()
    def undo_branch(self) -> None:
        """Back to the run as it was before the last branch (what the branch trained is dropped)."""
        if self._before_branch is None:
            self.failed.emit("there is no branch to undo; allowed: one undo after a branch, before a reset or a new network")
            return
        trainer, self._checkpoints = self._before_branch
        self._leave_preview()
        self._before_branch = None
        self._replace_run(trainer)
        self.branch_undone.emit(trainer.epoch)

    def _replace_run(self, trainer: Trainer) -> None:
        if not same_points(trainer.data, self._trainer.data):
            self._builder.data_changed()
            self._drawing.forget()  # the undo steps of points drawn since do not apply to these
        self._trainer = trainer
        self._speed_meter.clear()  # the speed is measured afresh on the run brought in
        self._builder.restart_history()
        self._changed()

    def _new_checkpoints(self) -> None:
        """A new run (reset, rebuild, load): a new store from the trainer as it is, no undo."""
        kept = take_checkpoints(self._trainer)  # a loaded file's (none for a new network)
        self._checkpoints, self._before_branch = CheckpointStore.for_run(self._trainer, kept=kept), None

    # ----- the loop -----------------------------------------------------------------------
    def _has_training_points(self) -> bool:
        return len(self._trainer.data.train) > 0

    def _training(self) -> bool:
        """Running with something to train on (running on an empty plane is waiting: idle)."""
        return self._running and self._has_training_points()

    def _changed(self) -> None:
        self._dirty = True
        if self._training():
            if not self._timer.isActive():  # the first training point drawn while waiting
                self._timer.start()
            return
        self._timer.stop()
        if not self._awaiting_ack:
            self._emit_snapshot()

    @Slot()
    def _tick(self) -> None:
        if not self._has_training_points():  # the last training point was erased: wait
            self._changed()
            return
        if self._running:
            self._train_until(self._clock.chunk_deadline(time.perf_counter(), self._awaiting_ack))
            self._dirty = True
        if not self._running:  # paused by divergence: the views must see it now
            self._changed()
            return
        now = time.perf_counter()
        if self._dirty and not self._awaiting_ack and self._clock.due(now):
            self._emit_snapshot()

    def _train_until(self, deadline: float) -> None:
        """Train in calls of as many epochs as the time left holds at the speed last measured: the
        compiled kernel runs each call without the GIL, so the window's thread draws meanwhile."""
        while (left := deadline - time.perf_counter()) > 0:
            epochs = self._pacer.epochs_for(left, MAX_EPOCHS_PER_CALL)
            start, first = time.perf_counter(), self._trainer.epoch
            epochs = min(epochs, self._checkpoints.next_due(first) - first)  # stop where one is kept
            result = self._trainer.train(epochs)
            self._checkpoints.keep(self._trainer)
            self._pacer.measured(time.perf_counter() - start, self._trainer.epoch - first)
            if result.diverged:
                self._running = False
                return

    def _traceable(self) -> tuple[float, float, float] | None:
        """The traced sample, unless its label is no class of the problem in force (the hover was
        sent before a change of problem or class count arrived): then nothing is traced."""
        point, config = self._trace_point, self._trainer.config
        if point is None or label_problem(float(point[2]), config.problem, config.classes) is not None:
            return None
        return point

    def _emit_snapshot(self) -> None:
        now = time.perf_counter()
        self._clock.sent(now)
        self._dirty, self._awaiting_ack = False, True
        snapshot = self._builder.build(
            self._trainer, running=self._running, epochs_per_second=self._speed(now), trace_point=self._traceable(),
            checkpoint_epochs=self._checkpoints.epochs(), shown=self._shown,
            branch_undoable=self._before_branch is not None,
        )
        self.snapshot_ready.emit(snapshot)

    def _speed(self, now: float) -> float:
        """Epochs per second over the last SPEED_WINDOW_SECONDS while running, else 0."""
        if not self._running:
            self._speed_meter.clear()
            return 0.0
        return self._speed_meter.measure(now, self._trainer.epoch)
