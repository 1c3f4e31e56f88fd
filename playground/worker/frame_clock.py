"""The timing both workers keep (training_worker.py, compare_worker.py): when a chunk of training
stops so frames go out on time, when a frame is due, and the training speed shown.

No Qt here: plain arithmetic on time.perf_counter() readings, tested without a thread.
"""

from __future__ import annotations

from collections import deque

CHUNK_SECONDS = 0.010  # the longest a chunk trains before the worker's event loop runs again
ACK_POLL_SECONDS = 0.002  # chunks this short while a frame is due but not yet acknowledged
SPEED_WINDOW_SECONDS = 1.0


class FrameClock:
    """Frames at most ``per_second``, on a fixed grid of 1/per_second while they can keep to it."""

    def __init__(self, per_second: float) -> None:
        self.period = 1.0 / per_second
        self.last = 0.0  # when the last frame was due

    def chunk_deadline(self, now: float, awaiting_ack: bool) -> float:
        """When a chunk that starts ``now`` stops: when the next frame is due. While the views still
        draw the last one, train on until it is due, then in short slices so their acknowledgement
        is seen at once; a frame already due and acknowledged: no chunk."""
        due = self.last + self.period
        if awaiting_ack:
            return min(now + CHUNK_SECONDS, max(due, now + ACK_POLL_SECONDS))
        return min(now + CHUNK_SECONDS, due)

    def due(self, now: float) -> bool:
        return now - self.last >= self.period

    def sent(self, now: float) -> None:
        """A frame goes out ``now``. It keeps to the grid: the little each one goes out late (the
        last call of a chunk overshoots) does not add up, so the views get 60 a second, not 59; a
        frame more than a period late starts the grid anew."""
        slot = self.last + self.period
        self.last = slot if 0.0 <= now - slot < self.period else now


class SpeedMeter:
    """Epochs per second over the last SPEED_WINDOW_SECONDS of readings."""

    def __init__(self) -> None:
        self._times: deque[tuple[float, int]] = deque()  # (time, epoch)

    def clear(self) -> None:
        """Measure afresh (paused, or another run brought in)."""
        self._times.clear()

    def measure(self, now: float, epoch: int) -> float:
        times = self._times
        times.append((now, epoch))
        while len(times) > 2 and now - times[0][0] > SPEED_WINDOW_SECONDS:
            times.popleft()
        (t0, e0), (t1, e1) = times[0], times[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0
