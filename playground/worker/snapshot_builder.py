"""Builds a :class:`Snapshot` from a trainer: every array copied, so the worker may go on."""

from __future__ import annotations

import numpy as np

from playground.engine.grid import GridEvaluator
from playground.engine.history import HISTORY_COLUMNS, History
from playground.engine.trace import trace_sample
from playground.engine.trainer import Trainer
from playground.worker.snapshot import NO_CHECKPOINTS, Snapshot


class SnapshotBuilder:
    """Remembers what the views already have (history rows, the data version, the grid)."""

    def __init__(self) -> None:
        self.serial = 0
        self.history_sent = 0  # rows of history already sent
        self.history_reset = True
        self.data_version = 0
        self._evaluator: GridEvaluator | None = None
        self._history: History | None = None  # the history whose rows were sent, and its
        self._history_version = 0  # thinning count then

    def restart_history(self) -> None:
        """The next snapshot tells the views to clear the loss curve (reset, rebuild, load)."""
        self.history_sent, self.history_reset = 0, True

    def last_row_changed(self, history_length: int) -> None:
        """The history's last row was measured again: the next snapshot sends it again."""
        self.history_sent = min(self.history_sent, history_length - 1)

    def data_changed(self) -> None:
        self.data_version += 1

    def build(
        self,
        trainer: Trainer,
        *,
        running: bool,
        epochs_per_second: float,
        trace_point: tuple[float, float, float] | None = None,
        diverged: bool = False,
        message: str = "",
        checkpoint_epochs: np.ndarray | None = None,
        shown: Trainer | None = None,
        branch_undoable: bool = False,
    ) -> Snapshot:
        """``shown``: a trainer rebuilt from a checkpoint, drawn instead of ``trainer`` (scrubbing);
        the history and the settings stay ``trainer``'s."""
        live = trainer
        trainer = shown if shown is not None else live
        net = trainer.network
        if self._evaluator is None or self._evaluator.features != trainer.config.features:
            self._evaluator = GridEvaluator(trainer.config.features)
        gradient = net.views(trainer.last_gradient())
        history = live.history
        if history is self._history and history.version != self._history_version:
            self.restart_history()  # thinned (history.py): rows sent before are no longer where they were
        self._history, self._history_version = history, history.version  # (a new trainer restarts it itself)
        new_rows = np.column_stack([history.column(name)[self.history_sent :] for name in HISTORY_COLUMNS])
        epochs = history.epochs()
        new_epochs = epochs[self.history_sent :].copy()
        result = trainer.last_result()
        train_outputs, test_outputs = trainer.outputs()  # fresh copies, one forward pass per snapshot
        self.serial += 1
        snapshot = Snapshot(
            serial=self.serial,
            epoch=trainer.epoch,
            config=live.config,
            layer_sizes=net.layer_sizes,
            weights=tuple(w.copy() for w in net.weights),
            biases=tuple(b.copy() for b in net.biases),
            weight_gradients=tuple(w.copy() for w in gradient.weights),
            bias_gradients=tuple(b.copy() for b in gradient.biases),
            dead=tuple(w.copy() for w in net.views(trainer.dead_mask()).weights),
            node_maps=self._evaluator.evaluate(net),
            grid_extent=self._evaluator.extent,
            data_version=self.data_version,
            train_points=trainer.data.train,  # read-only and never changed in place (SplitData):
            test_points=trainer.data.test,  # shared, not copied into every frame
            train_outputs=train_outputs,
            test_outputs=test_outputs,
            train_loss=result.train_loss,
            test_loss=result.test_loss,
            train_accuracy=result.train_accuracy,
            test_accuracy=result.test_accuracy,
            history_reset=self.history_reset,
            history_start=int(new_epochs[0]) if len(new_epochs) else int(epochs[-1]) + 1,
            new_history=new_rows,
            history_epochs=new_epochs,
            epochs_per_second=epochs_per_second,
            running=running,
            diverged=diverged or result.diverged,
            message=message or result.message,
            trace=None if trace_point is None else trace_sample(net, trainer.config.features, *trace_point),
            checkpoint_epochs=NO_CHECKPOINTS if checkpoint_epochs is None else checkpoint_epochs,
            live_epoch=None if shown is None else live.epoch,
            branch_undoable=branch_undoable,
        )
        self.history_sent, self.history_reset = len(history), False
        return snapshot
