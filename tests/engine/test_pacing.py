"""Sizing a call of the trainer to the time left."""

from __future__ import annotations

from playground.engine.pacing import FASTEST_SECONDS, FIRST_GUESS_SECONDS, EpochPacer


def test_calls_fill_the_time_left_at_the_speed_last_measured():
    pacer = EpochPacer()
    assert pacer.seconds_per_epoch == FIRST_GUESS_SECONDS
    assert pacer.epochs_for(0.0105, 1000) == 10  # the first guess: 1 ms an epoch
    pacer.measured(0.002, 10)  # 0.2 ms an epoch
    assert pacer.epochs_for(0.01, 1000) == 50
    assert pacer.epochs_for(0.01, 20) == 20  # never past the limit
    assert pacer.epochs_for(0.0, 20) == 1  # always at least one
    pacer.measured(0.0, 0)  # a call measured as taking no time cannot ask for millions
    assert pacer.seconds_per_epoch == FASTEST_SECONDS and pacer.epochs_for(0.01, 10**9) == 100_000
