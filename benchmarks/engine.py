"""Engine speed beside TensorFlow Playground's own engine, like with like, in interleaved rounds.

(a) spiral, x1 x2, hidden [4, 2], tanh, batch 10, lr 0.03, 50 % train (the default network)
(b) the same with all seven features and six hidden layers of 8
Metrics, each measured the same way on both sides:
    training only   epochs/s of the training loop alone (ours: Trainer.train(n, measure=False))
    with losses     the same plus the train and test loss after every epoch (what both windows do)
    frame           ms to evaluate every neuron over the 100 × 100 grid (ours: GridEvaluator)
The playground side is its nn.ts under Node, driven by the tfp-bench harness (a folder outside this
repository: its README says how to install it; pass it with --tfp-bench or TFP_BENCH). Without
Node or the harness, this prints our figures and says it cannot compare. The machines are shared
and noisy: each round measures both engines back to back, and the ratios are of medians and
the median of the rounds' ratios.

    .venv/bin/python benchmarks/engine.py [--rounds 5] [--seconds 1.0] [--tfp-bench DIR] [--numpy]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

if importlib.util.find_spec("playground") is None:  # a Python without the app, e.g. the system's python3
    sys.exit(f"error: the app is not installed for {sys.executable}; after the README's install command, "
             f"run .venv/bin/python {sys.argv[0]} from the repository's folder")

from playground.engine import compiled
from playground.engine.config import FEATURE_NAMES, Config
from playground.engine.data import make_data
from playground.engine.grid import GridEvaluator
from playground.engine.trainer import Trainer

BASE = Config(dataset="spiral", batch_size=10, learning_rate=0.03, train_ratio=50, activation="tanh")
CASES = {"a": BASE, "b": BASE.replace(features=list(FEATURE_NAMES), hidden=[8] * 6)}
METRICS = {"train": "training only", "train_losses": "with losses", "frame": "frame"}
DEFAULT_HARNESS = Path(__file__).resolve().parents[2] / "shared" / "tfp-bench"  # where it lies on our machines
EPOCHS_PER_CALL = 50


def our_speed(trainer: Trainer, metric: str, seconds: float) -> float:
    """epochs/s (train, train_losses) or ms per grid (frame), measured for about ``seconds``."""
    if metric == "frame":
        evaluator, count, start = GridEvaluator(trainer.config.features), 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            evaluator.evaluate(trainer.network)
            count += 1
        return 1000 * (time.perf_counter() - start) / count
    measure = metric == "train_losses"
    epochs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        trainer.train(EPOCHS_PER_CALL, measure=measure)
        epochs += EPOCHS_PER_CALL
    return epochs / (time.perf_counter() - start)


class Playground:
    """tfp_bench.js --serve as a long-lived process: JSON requests in, one result line out."""

    def __init__(self, folder: Path) -> None:
        self.process = subprocess.Popen(
            ["node", str(folder / "tfp_bench.js"), "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )
        ready = self.process.stdout.readline()
        if not ready.strip().startswith('{"ready"'):
            error = self.process.stderr.read()[-400:] if self.process.poll() is not None else ready
            raise RuntimeError(f"the playground's harness did not start: {error.strip()}")

    def speed(self, case: str, metric: str, seconds: float) -> float:
        self.process.stdin.write(json.dumps({"case": case, "metric": metric, "seconds": seconds}) + "\n")
        self.process.stdin.flush()
        result = json.loads(self.process.stdout.readline())
        return result["epochs_per_s"] if metric != "frame" else result["ms"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


def start_playground(folder: Path | None) -> tuple[Playground | None, str]:
    """The harness, or None and why it cannot run."""
    if shutil.which("node") is None:
        return None, "Node.js is not installed"
    if folder is None or not (folder / "tfp_bench.js").is_file():
        return None, f"the tfp-bench harness was not found (looked in {folder}); pass --tfp-bench DIR or set TFP_BENCH"
    if not (folder / "node_modules").is_dir():
        return None, f"the harness in {folder} is not installed: run `npm install --no-audit --no-fund` there " \
                     "(in a writable copy)"
    try:
        return Playground(folder), ""
    except (OSError, RuntimeError) as exc:
        return None, str(exc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="per measurement")
    parser.add_argument("--tfp-bench", type=Path, default=os.environ.get("TFP_BENCH") or DEFAULT_HARNESS)
    parser.add_argument("--numpy", action="store_true", help="measure the NumPy engine instead of the compiled one")
    args = parser.parse_args()
    if args.numpy:
        compiled.LIBRARY = None
    playground, why_not = start_playground(args.tfp_bench)
    print(f"ours: {compiled.engine_description()}; "
          + ("playground: nn.ts under Node " + subprocess.run(["node", "--version"], capture_output=True, text=True)
             .stdout.strip() if playground else f"cannot compare with the playground: {why_not}"))
    trainers = {name: Trainer(config, make_data(config)) for name, config in CASES.items()}
    for trainer in trainers.values():
        trainer.train(200)  # warm up caches and allocators
    ours = {(c, m): [] for c in CASES for m in METRICS}
    theirs = {(c, m): [] for c in CASES for m in METRICS}
    for _ in range(args.rounds):
        for case, trainer in trainers.items():
            for metric in METRICS:
                ours[case, metric].append(our_speed(trainer, metric, args.seconds))
                if playground:
                    theirs[case, metric].append(playground.speed(case, metric, args.seconds))
    if playground:
        playground.close()
    for case, config in CASES.items():
        shape = f"features={len(config.features)} hidden={list(config.hidden)}"
        for metric, label in METRICS.items():
            mine, other = ours[case, metric], theirs[case, metric]
            unit = "ms" if metric == "frame" else "epochs/s"
            line = f"({case}) {shape} {label}: ours {statistics.median(mine):,.{2 if metric == 'frame' else 0}f} {unit}"
            if other:
                # Higher is better for epochs/s, lower for ms: a ratio > 1 is ours ahead either way.
                ratios = [m / o if metric != "frame" else o / m for m, o in zip(mine, other)]
                ratio = (statistics.median(mine) / statistics.median(other) if metric != "frame"
                         else statistics.median(other) / statistics.median(mine))
                line += (f", playground {statistics.median(other):,.{2 if metric == 'frame' else 0}f} {unit}: "
                         f"x{ratio:.2f} (rounds: {' '.join(f'{r:.1f}' for r in ratios)})")
            print(line + f"; median of {args.rounds}")


if __name__ == "__main__":
    main()
