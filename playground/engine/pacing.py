"""How many epochs one call of ``Trainer.train`` should make to end near a moment in time.

The compiled kernel trains a call's epochs without returning to Python, so a caller that must
act on time (the worker's next frame, a progress line) sizes each call by the speed measured on
the last one: epochs = ⌊seconds left / seconds per epoch⌋, at least 1, at most a limit.
"""

from __future__ import annotations

FIRST_GUESS_SECONDS = 1e-3  # a slow epoch: the first call is short, and measures the real speed
FASTEST_SECONDS = 1e-7  # a floor, so a call measured as taking no time cannot ask for millions


class EpochPacer:
    def __init__(self) -> None:
        self.seconds_per_epoch = FIRST_GUESS_SECONDS

    def epochs_for(self, seconds_left: float, limit: int) -> int:
        """Epochs that fit in ``seconds_left`` at the speed last measured: 1 … ``limit``."""
        return max(1, min(limit, int(seconds_left / self.seconds_per_epoch)))

    def measured(self, seconds: float, epochs: int) -> None:
        """A call of ``epochs`` epochs took ``seconds``."""
        self.seconds_per_epoch = max(FASTEST_SECONDS, seconds / max(1, epochs))
