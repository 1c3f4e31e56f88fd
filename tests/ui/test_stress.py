"""Under stress: a hundred windows opened and closed while training, and thousands of random user
actions on one window. Nothing may abort, raise, warn (pytest-qt fails a test on any Qt warning),
hang or keep memory. Longer runs of both, and an hour-long session: benchmarks/soak.py."""

from __future__ import annotations

import os

from tests.ui.stress_tools import (
    MAX_MB_PER_WINDOW,
    ErrorRecorder,
    Monkey,
    check_responsive,
    cycle_windows,
    open_window,
)

WINDOWS, WARM_UP = 100, 20
ACTIONS = 3000
SEED = int(os.environ.get("PLAYGROUND_STRESS_SEED", "7"))  # another seed: another walk through the window


def test_a_hundred_windows_closed_while_training_are_freed(qtbot):
    cycle = cycle_windows(WINDOWS, WARM_UP, epochs=20)
    print(
        f"\n{cycle.windows} windows in {cycle.seconds:.1f} s; settled RSS {cycle.rss_after_warm_up:.1f} MB after "
        f"{cycle.warm_up}, {cycle.rss_at_end:.1f} MB at the end: {1024 * cycle.mb_per_window:.1f} KB a window; "
        f"alive: {cycle.windows_alive} windows, {cycle.controllers_alive} controllers"
    )
    assert cycle.windows_alive == 0, f"{cycle.windows_alive} closed windows are still alive"
    assert cycle.controllers_alive == 0, f"{cycle.controllers_alive} controllers of closed windows are still alive"
    assert cycle.mb_per_window < MAX_MB_PER_WINDOW, (
        f"memory grew {cycle.mb_per_window:.3f} MB a window over the last {WINDOWS - WARM_UP} windows "
        f"({cycle.rss_after_warm_up:.1f} -> {cycle.rss_at_end:.1f} MB)"
    )


def test_thousands_of_random_actions_leave_the_window_working(qtbot):
    with ErrorRecorder() as recorder:
        window = open_window()
        try:
            monkey = Monkey(window, seed=SEED)
            monkey.run(ACTIONS)
            epoch = check_responsive(window)  # Step answered, and the counter shows it
        finally:
            window.close()
    print(f"\n{ACTIONS} actions: {dict(monkey.done)}; dialogs closed: {dict(monkey.dialogs)}; then stepped to {epoch}")
    assert not recorder.errors, f"{len(recorder.errors)} uncaught exceptions, the first:\n{recorder.errors[0]}"
    assert sum(monkey.done.values()) == ACTIONS
    assert len(monkey.done) == len(monkey.kinds), "some kind of action never ran"
    assert not window.controller.thread_running
