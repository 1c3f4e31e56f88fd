"""Real snapshots for view tests, made straight from an engine Trainer (no worker, no thread)."""

from __future__ import annotations

import dataclasses

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.trace import SampleTrace, trace_sample
from playground.engine.trainer import Trainer
from playground.worker.snapshot import Snapshot
from playground.worker.snapshot_builder import SnapshotBuilder


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
    """The production SnapshotBuilder's snapshot of ``trainer``, history from row ``history_start``."""
    builder = SnapshotBuilder()
    builder.serial = serial - 1
    builder.history_sent, builder.history_reset = history_start, history_start == 0
    snapshot = builder.build(trainer, running=running, epochs_per_second=epochs_per_second)
    return dataclasses.replace(snapshot, trace=trace)
