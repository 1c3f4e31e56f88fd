"""The real window, offscreen, training the 6×8 all-features network flat out.

Prints frames drawn per second, epochs/s with the window vs. headless (same network, same
process, measured back to back in each round), and the 95th percentile of event-loop latency:
a 10 ms timer measures how late each of its ticks is. Several rounds, medians quoted: the
machines are shared and one round's figures swing by ±10 %.

    .venv/bin/python benchmarks/ui.py [--seconds 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time

if importlib.util.find_spec("playground") is None:  # a Python without the app, e.g. the system's python3
    sys.exit(f"error: the app is not installed for {sys.executable}; after the README's install command, "
             f"run .venv/bin/python {sys.argv[0]} from the repository's folder")

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402

from playground.engine.config import FEATURE_NAMES, Config  # noqa: E402
from playground.engine.data import make_data  # noqa: E402
from playground.engine.trainer import Trainer  # noqa: E402
from playground.ui.app import make_application  # noqa: E402
from playground.ui.main_window import MainWindow  # noqa: E402
from playground.worker.controller import TrainingController  # noqa: E402

CONFIG = Config(dataset="spiral", features=list(FEATURE_NAMES), hidden=[8] * 6)
PROBE_MS = 10
EPOCHS_PER_CALL = 20


def headless_epochs_per_second(seconds: float) -> float:
    trainer = Trainer(CONFIG, make_data(CONFIG))
    start, epochs = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        trainer.train(EPOCHS_PER_CALL)  # each epoch measured, as the window's worker does
        epochs += EPOCHS_PER_CALL
    return epochs / (time.perf_counter() - start)


def windowed(seconds: float) -> tuple[float, float, float]:
    """(frames/s, epochs/s, p95 event-loop latency in ms) with the window training."""
    app = make_application()
    controller = TrainingController(Trainer(CONFIG, make_data(CONFIG)))
    window = MainWindow(controller)
    window.show()
    frames, lateness = [0], []
    controller.snapshot_changed.connect(lambda _s: frames.__setitem__(0, frames[0] + 1))
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(PROBE_MS)

    def tick() -> None:
        lateness.append(max(0.0, clock.nsecsElapsed() / 1e6 - PROBE_MS))
        clock.restart()

    probe.timeout.connect(tick)
    result = {}

    def start() -> None:
        controller.play()
        result.update(t0=time.perf_counter(), e0=controller.snapshot.epoch, f0=frames[0])
        clock.start()
        probe.start()
        QTimer.singleShot(int(seconds * 1000), finish)

    def finish() -> None:
        probe.stop()
        elapsed = time.perf_counter() - result["t0"]
        result.update(fps=(frames[0] - result["f0"]) / elapsed, eps=(controller.snapshot.epoch - result["e0"]) / elapsed)
        window.close()
        app.quit()

    QTimer.singleShot(500, start)  # let the first frames settle
    app.exec()
    lateness.sort()
    p95 = lateness[int(0.95 * (len(lateness) - 1))] if lateness else float("nan")
    return result["fps"], result["eps"], p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="windowed seconds per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"network: 7 features, hidden {list(CONFIG.hidden)}, spiral, batch {CONFIG.batch_size}")
    rows = []
    for round_ in range(1, args.rounds + 1):
        # This machine's speed drifts within seconds: bracket each windowed run by headless ones.
        before = headless_epochs_per_second(args.seconds / 4)
        fps, eps, p95 = windowed(args.seconds)
        headless = (before + headless_epochs_per_second(args.seconds / 4)) / 2
        rows.append((fps, eps, headless, eps / headless, p95))
        print(f"round {round_}: {fps:.1f} frames/s, {eps:,.0f} epochs/s windowed vs {headless:,.0f} headless "
              f"({100 * eps / headless:.0f}%), p95 latency {p95:.1f} ms")
    fps, eps, headless, ratio, p95 = (statistics.median(column) for column in zip(*rows))
    print(f"median frames drawn per second: {fps:.1f}  (bar: >= 30)")
    print(f"median epochs/s with the window: {eps:,.0f}; headless: {headless:,.0f}; "
          f"median ratio {100 * ratio:.0f}% (bar: >= 50%)")
    print(f"median event-loop latency p95: {p95:.1f} ms  (bar: <= 50 ms)")


if __name__ == "__main__":
    main()
