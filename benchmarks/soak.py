"""Long stress runs of the real window, offscreen; prints figures, exits 1 when something is wrong.

    python benchmarks/soak.py [--minutes 60] [--interval 30] [--cycle-seconds 30]
        A session: the window trains flat out for N minutes; every --cycle-seconds a setting
        changes (dataset, learning rate, a layer, a feature; the cycle comes back to the start;
        0: never). Every --interval seconds: elapsed time, epochs, frames/s and epochs/s over the
        interval, RSS. At the end RSS after the warm-up (first, last, max) and frames/s (median,
        min). Exit 1 if RSS grew more than --max-growth-mb after the warm-up, if frames stopped,
        or on any uncaught exception or Qt warning.
    python benchmarks/soak.py --windows 500
        Opens, trains and closes that many windows (tests/ui/test_stress.py does 100): exit 1 if
        a closed window or controller stays alive or settled memory grows over 0.25 MB a window.
    python benchmarks/soak.py --actions 20000 [--seed 7]
        That many random user actions on one window (the test does 3,000), then a Step must be
        answered: exit 1 on an exception, a Qt warning or no answer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared tools live under tests/

from PySide6.QtCore import QTimer  # noqa: E402

from playground.engine.config_edits import AddLayer, RemoveLayer, SetValue, ToggleFeature  # noqa: E402
from playground.ui.app import make_application  # noqa: E402
from playground.worker.snapshot import Snapshot  # noqa: E402
from tests.ui.stress_tools import (  # noqa: E402
    MAX_MB_PER_WINDOW,
    ErrorRecorder,
    Monkey,
    QtMessageRecorder,
    check_responsive,
    cycle_windows,
    open_window,
    rss_mb,
)

# Each kind of change in turn: new points, a live hyperparameter, a new network; back to the start.
CYCLE = (
    SetValue("dataset", "spiral"), SetValue("learning_rate", 0.01), AddLayer(), ToggleFeature("sin_x1"),
    SetValue("dataset", "xor"), SetValue("learning_rate", 0.03), RemoveLayer(), ToggleFeature("sin_x1"),
    SetValue("dataset", "circle"),
)


class Progress:
    """Frames drawn and epochs trained (counted across resets and rebuilds)."""

    def __init__(self) -> None:
        self.frames = self.epochs = self._last_epoch = 0

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self.frames += 1
        step = snapshot.epoch - self._last_epoch
        self.epochs += step if step >= 0 else snapshot.epoch  # back to 0 and on from there
        self._last_epoch = snapshot.epoch


def session(minutes: float, interval: float, cycle_seconds: float, warm_up: float, max_growth_mb: float) -> int:
    app = make_application()
    with QtMessageRecorder() as qt, ErrorRecorder() as recorder:
        window = open_window()
        controller, progress = window.controller, Progress()
        controller.snapshot_changed.connect(progress.on_snapshot)
        controller.play()
        start = time.monotonic()
        rows: list[tuple[float, float, float]] = []  # (elapsed s, frames/s, RSS MB)
        last = {"t": start, "frames": 0, "epochs": 0, "cycle": 0}
        print(f"{'elapsed':>8} {'epochs':>11} {'frames/s':>9} {'epochs/s':>9} {'RSS MB':>8}  config", flush=True)

        def keep_training() -> None:
            snapshot = controller.snapshot
            if snapshot.diverged:
                controller.reset()
            if snapshot.diverged or not snapshot.running:
                controller.play()

        def change_setting() -> None:
            window.run_view.edit(CYCLE[last["cycle"] % len(CYCLE)])
            last["cycle"] += 1

        def report() -> None:
            now = time.monotonic()
            seconds = now - last["t"]
            fps = (progress.frames - last["frames"]) / seconds
            eps = (progress.epochs - last["epochs"]) / seconds
            rows.append((now - start, fps, rss_mb()))
            config = controller.snapshot.config
            print(f"{now - start:7.0f}s {progress.epochs:11,d} {fps:9.1f} {eps:9,.0f} {rows[-1][2]:8.1f}  "
                  f"{config.dataset} {config.hidden} lr {config.learning_rate:g} {len(config.features)} features",
                  flush=True)
            last.update(t=now, frames=progress.frames, epochs=progress.epochs)
            keep_training()

        timers = []
        for seconds, slot in ((interval, report), (cycle_seconds, change_setting)):
            if seconds > 0:
                timer = QTimer()
                timer.timeout.connect(slot)
                timer.start(int(seconds * 1000))
                timers.append(timer)
        QTimer.singleShot(int(minutes * 60_000) + 50, app.quit)
        app.exec()
        for timer in timers:
            timer.stop()
        window.close()
    return session_summary(rows, warm_up, max_growth_mb, qt.messages, recorder.errors, progress.epochs)


def session_summary(rows: list[tuple[float, float, float]], warm_up: float, max_growth_mb: float,
                    warnings: list[str], errors: list[str], epochs: int) -> int:
    settled = [row for row in rows if row[0] >= warm_up] or rows[-1:]
    if not settled:
        print("no interval was reported: run longer than --interval")
        return 1
    rss = [row[2] for row in settled]
    fps = [row[1] for row in settled]
    growth = rss[-1] - rss[0]
    print(f"\nafter the {warm_up:g} s warm-up ({len(settled)} intervals, {epochs:,d} epochs in all):")
    print(f"  RSS MB  first {rss[0]:.1f}  last {rss[-1]:.1f}  max {max(rss):.1f}  growth {growth:+.1f} "
          f"(limit {max_growth_mb:g})")
    print(f"  frames/s  median {statistics.median(fps):.1f}  min {min(fps):.1f}  max {max(fps):.1f}")
    print(f"  uncaught exceptions {len(errors)}, Qt warnings {len(warnings)}")
    failures = [
        f"RSS grew {growth:.1f} MB" if growth > max_growth_mb else "",
        "frames stopped in some interval" if min(fps) == 0 else "",
        f"{len(errors)} uncaught exceptions, the first:\n{errors[0]}" if errors else "",
        f"Qt warnings: {warnings[:5]}" if warnings else "",
    ]
    return _verdict([f for f in failures if f])


def windows_mode(windows: int, warm_up: int) -> int:
    make_application()
    with QtMessageRecorder() as qt, ErrorRecorder() as recorder:
        start = time.monotonic()
        cycle = cycle_windows(
            windows, warm_up, progress=lambda k, rss: print(f"{k:6d} windows {time.monotonic() - start:7.1f} s "
                                                               f"settled RSS {rss:7.1f} MB", flush=True))
    print(f"\n{windows} windows in {cycle.seconds:.1f} s: settled RSS {cycle.rss_after_warm_up:.1f} MB after "
          f"{warm_up}, {cycle.rss_at_end:.1f} MB at the end, {1024 * cycle.mb_per_window:.1f} KB a window; "
          f"alive: {cycle.windows_alive} windows, {cycle.controllers_alive} controllers")
    failures = [
        f"{cycle.windows_alive} windows alive" if cycle.windows_alive else "",
        f"{cycle.controllers_alive} controllers alive" if cycle.controllers_alive else "",
        f"{cycle.mb_per_window:.3f} MB a window" if cycle.mb_per_window >= MAX_MB_PER_WINDOW else "",
        f"{len(recorder.errors)} uncaught exceptions" if recorder.errors else "",
        f"Qt warnings: {qt.messages[:5]}" if qt.messages else "",
    ]
    return _verdict([f for f in failures if f])


def actions_mode(actions: int, seed: int) -> int:
    make_application()
    with QtMessageRecorder() as qt, ErrorRecorder() as recorder:
        window = open_window()
        start = time.monotonic()
        monkey = Monkey(window, seed)

        def report(done: int) -> None:
            print(f"{done:8,d} actions {time.monotonic() - start:7.1f} s  RSS {rss_mb():7.1f} MB  "
                  f"epoch {window.controller.snapshot.epoch:,d}", flush=True)

        monkey.run(actions, every=max(actions // 20, 1), report=report)
        try:
            epoch = check_responsive(window)
            answered = f"answered: stepped to epoch {epoch}"
        except (TimeoutError, AssertionError) as exc:
            answered = f"NOT answered: {exc}"
        window.close()
    print(f"\n{actions:,d} actions in {time.monotonic() - start:.1f} s: {dict(monkey.done)}")
    print(f"dialogs closed: {dict(monkey.dialogs)}; Step {answered}")
    failures = [
        "" if answered.startswith("answered") else "the window did not answer a Step",
        f"{len(recorder.errors)} uncaught exceptions, the first:\n{recorder.errors[0]}" if recorder.errors else "",
        f"Qt warnings: {qt.messages[:5]}" if qt.messages else "",
    ]
    return _verdict([f for f in failures if f])


def _verdict(failures: list[str]) -> int:
    for failure in failures:
        print(f"FAILED: {failure}")
    print("passed" if not failures else "")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--minutes", type=float, default=60.0, help="length of the session (default 60)")
    mode.add_argument("--windows", type=int, help="open, train and close this many windows instead")
    mode.add_argument("--actions", type=int, help="this many random user actions on one window instead")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between reports (default 30)")
    parser.add_argument("--cycle-seconds", type=float, default=30.0, help="seconds between setting changes; 0: none")
    parser.add_argument("--warm-up", type=float, help="seconds not judged (default: a sixth of the run, at most 300)")
    parser.add_argument("--max-growth-mb", type=float, default=25.0, help="RSS growth allowed after the warm-up")
    parser.add_argument("--seed", type=int, default=7, help="the monkey's seed (--actions)")
    args = parser.parse_args()
    if args.windows is not None:
        return windows_mode(args.windows, warm_up=min(20, max(args.windows // 5, 1)))
    if args.actions is not None:
        return actions_mode(args.actions, args.seed)
    warm_up = args.warm_up if args.warm_up is not None else min(args.minutes * 10, 300.0)
    return session(args.minutes, args.interval, args.cycle_seconds, warm_up, args.max_growth_mb)


if __name__ == "__main__":
    sys.exit(main())
