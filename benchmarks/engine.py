"""Engine speed: training epochs/s and the full-grid evaluation time, for two networks.

(a) spiral, x1 x2, hidden [4, 2], tanh, batch 10, lr 0.03, 50 % train (the default network)
(b) the same with all seven features and six hidden layers of 8
Prints medians over several repeats (the machines are shared and noisy), and the ratio to
TensorFlow Playground's own engine (its nn.ts under Node 20) measured on this kind of machine:
2 shared cores, training only, and the compute of one frame (100×100 boundary + thumbnails).

    .venv/bin/python benchmarks/engine.py [--repeats 7] [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time

if importlib.util.find_spec("playground") is None:  # a Python without the app, e.g. the system's python3
    sys.exit(f"error: the app is not installed for {sys.executable}; after the README's install command, "
             f"run .venv/bin/python {sys.argv[0]} from the repository's folder")

from playground.engine.config import FEATURE_NAMES, Config
from playground.engine.data import make_data
from playground.engine.grid import GridEvaluator
from playground.engine.trainer import Trainer

BASE = Config(dataset="spiral", batch_size=10, learning_rate=0.03, train_ratio=50, activation="tanh")
CASES = {
    "a": (BASE, 3379.0, 13.0),  # config, playground epochs/s, playground ms per frame
    "b": (BASE.replace(features=list(FEATURE_NAMES), hidden=[8] * 6), 386.0, 77.6),
}


def epochs_per_second(trainer: Trainer, seconds: float) -> float:
    start, epochs = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        for _ in range(20):
            trainer.train_epoch()
        epochs += 20
    return epochs / (time.perf_counter() - start)


def grid_milliseconds(trainer: Trainer, evaluations: int = 50) -> float:
    evaluator = GridEvaluator(trainer.config.features)
    start = time.perf_counter()
    for _ in range(evaluations):
        evaluator.evaluate(trainer.network)
    return 1000 * (time.perf_counter() - start) / evaluations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=1.0, help="per repeat")
    args = parser.parse_args()
    for name, (config, tfp_epochs, tfp_ms) in CASES.items():
        trainer = Trainer(config, make_data(config))
        trainer.train(20)  # warm up caches and allocators
        speeds = [epochs_per_second(trainer, args.seconds) for _ in range(args.repeats)]
        grids = [grid_milliseconds(trainer) for _ in range(args.repeats)]
        eps, ms = statistics.median(speeds), statistics.median(grids)
        n_train = len(trainer.data.train)
        print(
            f"({name}) features={len(config.features)} hidden={list(config.hidden)}: "
            f"{eps:,.0f} epochs/s ({eps * n_train:,.0f} examples/s; playground {tfp_epochs:,.0f}, "
            f"x{eps / tfp_epochs:.2f}), grid of all {sum(trainer.network.layer_sizes)} neurons "
            f"{ms:.2f} ms (playground frame {tfp_ms} ms); median of {args.repeats}"
        )


if __name__ == "__main__":
    main()
