"""The workers' timing, without a thread: chunk deadlines, the frame grid, the speed shown."""

from __future__ import annotations

import pytest

from playground.worker.frame_clock import ACK_POLL_SECONDS, CHUNK_SECONDS, FrameClock, SpeedMeter


def test_a_chunk_stops_when_the_next_frame_is_due():
    clock = FrameClock(50)  # a frame every 20 ms
    clock.sent(1.0)
    assert clock.chunk_deadline(1.001, awaiting_ack=False) == pytest.approx(1.001 + CHUNK_SECONDS)
    assert clock.chunk_deadline(1.015, awaiting_ack=False) == pytest.approx(1.020)  # the frame due first
    # Still waiting for the views after the frame is due: short slices, to see the ack at once.
    assert clock.chunk_deadline(1.030, awaiting_ack=True) == pytest.approx(1.030 + ACK_POLL_SECONDS)
    assert not clock.due(1.019) and clock.due(1.020)


def test_frames_keep_to_the_grid_and_a_late_one_starts_it_anew():
    clock = FrameClock(50)
    clock.sent(1.0)
    clock.sent(1.023)  # 3 ms late: counted as sent at 1.020, so lateness does not add up
    assert clock.last == pytest.approx(1.020)
    clock.sent(1.100)  # more than a period late: the grid starts again there
    assert clock.last == pytest.approx(1.100)


def test_speed_is_measured_over_the_last_second():
    meter = SpeedMeter()
    assert meter.measure(0.0, 0) == 0.0
    assert meter.measure(0.5, 500) == pytest.approx(1000)
    meter.measure(1.0, 1000)
    assert meter.measure(2.0, 3000) == pytest.approx(2000)  # the readings older than a second are gone
    meter.clear()
    assert meter.measure(3.0, 3000) == 0.0
