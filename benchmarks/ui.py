"""The real window, offscreen, training the 6×8 all-features network flat out.

Prints frames drawn per second, epochs/s with the window vs. headless (same network, same
process, measured back to back in each round), the 95th percentile of event-loop latency (a
10 ms timer measures how late each of its ticks is), and the GUI thread's busy milliseconds per
frame: the wall time of its Python-driven work (the views taking in each snapshot, and
pyqtgraph's paint events) and all its CPU time (with Qt's own painting of the network canvas
and the labels). Several rounds, medians quoted: the machines
are shared and one round's figures swing by ±10 %. ``--profile N`` prints the N costliest
functions of the GUI thread (cProfile, one windowed run) instead.

    .venv/bin/python benchmarks/ui.py [--seconds 8] [--rounds 3] [--profile 40]
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

from pyqtgraph.widgets.GraphicsView import GraphicsView  # noqa: E402
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


class BusyClock:
    """What the GUI thread spends, while ``on``: its CPU seconds (everything: snapshots, paint
    events, timers; the worker's thread is not counted), the wall seconds the views take to
    take in snapshots (Python, and the Qt calls it makes), and the wall seconds of pyqtgraph's
    paint events (Python paint() and boundingRect() of its items, and Qt's painting between).
    The last two bound the Python the GUI thread runs per frame: the network canvas and the
    labels are painted by Qt alone. (The event dispatcher's awake/aboutToBlock signals do not
    bracket the work on this platform, so they cannot measure busy wall time.)"""

    def __init__(self) -> None:
        self.on = False
        self.cpu = self.handling = self.chart_paint = 0.0
        self._cpu_start = self._handling_start = 0.0
        original = GraphicsView.paintEvent

        def timed_paint(view: GraphicsView, event: object) -> None:
            start = time.perf_counter()
            original(view, event)
            if self.on:
                self.chart_paint += time.perf_counter() - start

        GraphicsView.paintEvent = timed_paint  # a Python override: Qt looks it up on every call

    def start(self) -> None:
        self.on, self._cpu_start = True, time.thread_time()

    def stop(self) -> None:
        self.on, self.cpu = False, time.thread_time() - self._cpu_start

    def snapshot_arrives(self, _snapshot: object) -> None:
        """Connected before the views: slots run in the order they were connected."""
        self._handling_start = time.perf_counter()

    def snapshot_shown(self, _snapshot: object) -> None:
        """Connected after the views."""
        if self.on:
            self.handling += time.perf_counter() - self._handling_start


def windowed(seconds: float) -> dict[str, float]:
    """frames/s (fps), epochs/s (eps), p95 event-loop latency in ms (p95), the GUI thread's
    CPU ms per frame (cpu), the wall ms per frame of handling snapshots (handling) and of
    painting pyqtgraph's charts (charts), with the window training."""
    app = make_application()
    busy = BusyClock()
    controller = TrainingController(Trainer(CONFIG, make_data(CONFIG)))
    controller.snapshot_changed.connect(busy.snapshot_arrives)
    window = MainWindow(controller)
    controller.snapshot_changed.connect(busy.snapshot_shown)
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
        busy.start()
        QTimer.singleShot(int(seconds * 1000), finish)

    def finish() -> None:
        busy.stop()
        probe.stop()
        elapsed = time.perf_counter() - result["t0"]
        drawn = max(1, frames[0] - result["f0"])
        result.update(
            fps=(frames[0] - result["f0"]) / elapsed,
            eps=(controller.snapshot.epoch - result["e0"]) / elapsed,
            cpu=1000 * busy.cpu / drawn,
            handling=1000 * busy.handling / drawn,
            charts=1000 * busy.chart_paint / drawn,
        )
        window.close()
        app.quit()

    QTimer.singleShot(500, start)  # let the first frames settle
    app.exec()
    lateness.sort()
    result["p95"] = lateness[int(0.95 * (len(lateness) - 1))] if lateness else float("nan")
    return result


def profile(seconds: float, lines: int) -> None:
    """cProfile of the GUI thread (the worker's thread is not profiled) over one windowed run."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    result = windowed(seconds)
    profiler.disable()
    print(f"{result['fps']:.1f} frames/s, GUI thread CPU {result['cpu']:.1f} ms/frame (profiled: slower than real)")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="windowed seconds per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the GUI thread's N costliest functions")
    args = parser.parse_args()
    print(f"network: 7 features, hidden {list(CONFIG.hidden)}, spiral, batch {CONFIG.batch_size}")
    if args.profile:
        profile(args.seconds, args.profile)
        return
    rows = []
    for round_ in range(1, args.rounds + 1):
        # This machine's speed drifts within seconds: bracket each windowed run by headless ones.
        before = headless_epochs_per_second(args.seconds / 4)
        r = windowed(args.seconds)
        headless = (before + headless_epochs_per_second(args.seconds / 4)) / 2
        python = r["handling"] + r["charts"]
        rows.append((r["fps"], r["eps"], headless, r["eps"] / headless, r["p95"], r["cpu"], python))
        print(f"round {round_}: {r['fps']:.1f} frames/s, {r['eps']:,.0f} epochs/s windowed vs {headless:,.0f} headless "
              f"({100 * r['eps'] / headless:.0f}%), p95 latency {r['p95']:.1f} ms, "
              f"GUI thread {r['cpu']:.1f} ms CPU/frame, Python-driven {python:.1f} ms/frame "
              f"(snapshots {r['handling']:.1f} + charts' paint {r['charts']:.1f})")
    fps, eps, headless, ratio, p95, cpu, python = (statistics.median(column) for column in zip(*rows))
    print(f"median frames drawn per second: {fps:.1f}  (bar: >= 60)")
    print(f"median epochs/s with the window: {eps:,.0f}; headless: {headless:,.0f}; "
          f"median ratio {100 * ratio:.0f}% (bar: >= 80%)")
    print(f"median event-loop latency p95: {p95:.1f} ms  (bar: <= 16 ms)")
    print(f"median GUI thread per frame: Python-driven {python:.1f} ms wall (bar: <= 4 ms); "
          f"all its CPU, with Qt's painting, {cpu:.1f} ms")


if __name__ == "__main__":
    main()
