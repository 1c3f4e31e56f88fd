"""Real snapshots for view tests, made straight from an engine Trainer (no worker, no thread)."""

from __future__ import annotations

import numpy as np

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.grid import GridEvaluator
from playground.engine.history import HISTORY_COLUMNS
from playground.engine.trace import SampleTrace, trace_sample
from playground.engine.trainer import Trainer
from playground.worker.snapshot import Snapshot


def make_trainer(epochs: int = 0, **config: object) -> Trainer:
    """A Trainer on the config's own data, trained ``epochs`` epochs."""
    cfg = Config(**config)
    trainer = Trainer(cfg, make_data(cfg))
    if epochs:
        trainer.train(epochs)
    return trainer


def make_trace(trainer: Trainer, x: float = 1.5, y: float = -2.0, label: float = 1.0) -> SampleTrace:
    return trace_sample(trainer.network, trainer.config.features, x, y, label)


def make_snapshot(
    trainer: Trainer,
    trace: SampleTrace | None = None,
    *,
    serial: int = 1,
    history_start: int = 0,
    running: bool = False,
    epochs_per_second: float = 0.0,
) -> Snapshot:
    """Every Snapshot field from ``trainer``, arrays copied; history from row ``history_start``."""
    net = trainer.network
    gradient = net.views(trainer.last_gradient())
    evaluator = GridEvaluator(trainer.config.features)
    new_history = np.column_stack([trainer.history.column(name)[history_start:] for name in HISTORY_COLUMNS])
    result = trainer.last_result()
    return Snapshot(
        serial=serial,
        epoch=trainer.epoch,
        config=trainer.config,
        layer_sizes=net.layer_sizes,
        weights=tuple(w.copy() for w in net.weights),
        biases=tuple(b.copy() for b in net.biases),
        weight_gradients=tuple(g.copy() for g in gradient.weights),
        bias_gradients=tuple(g.copy() for g in gradient.biases),
        dead=tuple(alive == 0 for alive in net.views(trainer.alive).weights),
        node_maps=evaluator.evaluate(net),
        grid_extent=evaluator.extent,
        data_version=0,
        train_points=trainer.data.train.copy(),
        test_points=trainer.data.test.copy(),
        train_loss=result.train_loss,
        test_loss=result.test_loss,
        train_accuracy=result.train_accuracy,
        test_accuracy=result.test_accuracy,
        history_reset=history_start == 0,
        history_start=history_start,
        new_history=new_history,
        epochs_per_second=epochs_per_second,
        running=running,
        diverged=result.diverged,
        message=result.message,
        trace=trace,
    )
