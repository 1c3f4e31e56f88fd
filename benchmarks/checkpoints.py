"""The checkpoint store over a million epochs: memory against its budget, and what keeping it costs.

(1) Simulated runs of 10^6 epochs (a state added at every due epoch, as the worker does; the
    arrays are one real checkpoint of each network relabelled, so no training is needed):
    checkpoints kept, the density D left, the store's own count (nbytes) against the budget, and
    what tracemalloc sees allocated for it (the per-checkpoint overhead estimate must cover it).
      (a) the default network: x1 x2, hidden [4, 2], SGD
      (b) all seven features, six hidden layers of 8, Adam
      (c) 7 features, hidden [64, 64, 64], Adam (thins down to the budget)
(2) Real training of the default network for --epochs epochs, with the worker's rule (every
    call stops at the next due epoch, then the state is kept) and without: epochs/s of each.
(3) Scrubbing: what the worker does for one frame of a dragged history slider (the nearest
    checkpoint rebuilt into a Trainer, then a snapshot of it), median over random epochs, for
    networks (a) and (b) after 20,000 epochs of real training.
(4) A file saved with its history: the simulated million-epoch store of (a) written and read
    back (size, seconds).

    .venv/bin/python benchmarks/checkpoints.py [--epochs 1000000] [--train-epochs 200000]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import tempfile
import time
import tracemalloc

from playground.engine.checkpoints import BUDGET_BYTES, CheckpointStore, checkpoint_of
from playground.engine.config import FEATURE_NAMES, Config
from playground.engine.data import make_data
from playground.engine.experiment import read_experiment_document, write_experiment
from playground.engine.history import EPOCH_COLUMN, HISTORY_COLUMNS
from playground.engine.trainer import Trainer
from playground.worker.snapshot_builder import SnapshotBuilder

NETWORKS = {
    "(a) default, SGD": Config(),
    "(b) 7 features, 6 x 8, Adam": Config(features=FEATURE_NAMES, hidden=(8,) * 6, optimizer="adam"),
    "(c) 7 features, 3 x 64, Adam": Config(features=FEATURE_NAMES, hidden=(64,) * 3, optimizer="adam"),
}


def relabelled(state, epoch: int):
    history = {name: [0.5, 0.25] if epoch else [0.5] for name in HISTORY_COLUMNS}
    if epoch > 1:
        history[EPOCH_COLUMN] = [0.0, float(epoch)]
    return dataclasses.replace(state, epoch=epoch, history=history)


def simulate(config: Config, last_epoch: int) -> CheckpointStore:
    state = checkpoint_of(Trainer(config, make_data(config)))
    tracemalloc.start()
    store = CheckpointStore()
    start, epoch, adds, peak_nbytes = time.perf_counter(), 0, 0, 0
    while epoch <= last_epoch:
        store.add(relabelled(state, epoch))
        adds, peak_nbytes = adds + 1, max(peak_nbytes, store.nbytes)
        epoch = store.next_due(epoch)
    seconds = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"  {len(store):>6} kept of {adds} added, D = {store.density:>3}, last epoch {store.epochs()[-1]:,}; "
          f"nbytes {store.nbytes / 2**20:6.2f} MiB (peak {peak_nbytes / 2**20:.2f}, budget {store.budget / 2**20:.0f}), "
          f"traced {traced / 2**20:6.2f} MiB; {seconds:.1f} s")
    return store


def scrub(config: Config, epochs: int = 20_000, frames: int = 200) -> None:
    trainer = Trainer(config, make_data(config))
    store = CheckpointStore.for_run(trainer)
    while trainer.epoch < epochs:
        trainer.train(store.next_due(trainer.epoch) - trainer.epoch)
        store.keep(trainer)
    builder, rng, times = SnapshotBuilder(), random.Random(1), []
    for _ in range(frames):
        start = time.perf_counter()
        shown = Trainer.from_state(store.nearest(rng.randrange(epochs)))
        builder.build(trainer, running=False, epochs_per_second=0.0, shown=shown)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"  {len(store):,} checkpoints; one scrub frame: median {1000 * median:.2f} ms "
          f"(≤ {1 / median:,.0f} frames/s), p95 {1000 * sorted(times)[int(0.95 * frames)]:.2f} ms")


def file_with_history(store: CheckpointStore) -> None:
    states = store.states()
    last = states[-1]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "history.json")
        start = time.perf_counter()
        write_experiment(last, path, checkpoints=states)
        written = time.perf_counter() - start
        start = time.perf_counter()
        document = read_experiment_document(path)
        read = time.perf_counter() - start
        size = os.path.getsize(path)
    print(f"  {len(document.checkpoints):,} checkpoints: {size / 2**20:.1f} MiB "
          f"({size / len(document.checkpoints) / 1024:.2f} KiB each), written in {written:.1f} s, read in {read:.1f} s")


def train(last_epoch: int, keep: bool) -> float:
    config = Config()
    trainer = Trainer(config, make_data(config))
    store = CheckpointStore()
    store.add(checkpoint_of(trainer))
    start = time.perf_counter()
    while trainer.epoch < last_epoch:
        epochs = min(10_000, last_epoch - trainer.epoch)  # ~ one worker chunk's call at most
        if keep:
            epochs = min(epochs, store.next_due(trainer.epoch) - trainer.epoch)
        trainer.train(epochs)
        if keep and store.due(trainer.epoch):
            store.add(checkpoint_of(trainer))
    rate = last_epoch / (time.perf_counter() - start)
    if keep:
        print(f"  with checkpoints: {rate:9,.0f} epochs/s ({len(store)} kept, {store.nbytes / 2**20:.2f} MiB)")
    else:
        print(f"  without:          {rate:9,.0f} epochs/s ({trainer.engine} engine)")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1_000_000, help="simulated run length")
    parser.add_argument("--train-epochs", type=int, default=200_000, help="real training, default network")
    args = parser.parse_args()
    print(f"(1) simulated {args.epochs:,} epochs, budget {BUDGET_BYTES / 2**20:.0f} MiB")
    stores = {}
    for name, config in NETWORKS.items():
        print(name)
        stores[name] = simulate(config, args.epochs)
    print(f"(2) training the default network for {args.train_epochs:,} epochs")
    without = train(args.train_epochs, keep=False)
    with_ = train(args.train_epochs, keep=True)
    print(f"  cost of checkpointing: {100 * (1 - with_ / without):.1f} % of the speed")
    print("(3) scrubbing")
    for name in list(NETWORKS)[:2]:
        print(name)
        scrub(NETWORKS[name])
    print(f"(4) saved with its history: {list(NETWORKS)[0]} after {args.epochs:,} epochs")
    file_with_history(stores[list(NETWORKS)[0]])


if __name__ == "__main__":
    main()
