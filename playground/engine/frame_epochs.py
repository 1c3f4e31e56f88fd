"""Which kept checkpoints become the frames of an animation (File › Export › Animation).

The store keeps every epoch below 2·DENSITY (512 at first), then fewer and fewer (log-spaced,
engine/checkpoints.py). An animation of the epochs [first, last] takes the kept epochs there,
and when they are more than ``max_frames``, those nearest evenly spaced epochs: time in the
animation runs evenly with epochs wherever the store kept enough, and the last kept epoch (where
training got to) is always the last frame.
"""

from __future__ import annotations

import numpy as np


def frame_epochs(kept: np.ndarray, first: int, last: int, max_frames: int, current: int | None = None) -> np.ndarray:
    """(n,) int64 ascending, n ≤ max_frames: the kept epochs (ascending ``kept``) to draw for the
    epochs ``first``..``last``; empty when none is kept there. ``current``: the live run's epoch,
    drawn as if kept (the animation ends where the window is), None when it cannot be (diverged).
    ValueError if max_frames < 1."""
    if max_frames < 1:
        raise ValueError(f"an animation of {max_frames} frames is not allowed; allowed: at least 1")
    kept = np.asarray(kept, dtype=np.int64)
    if current is not None and (not len(kept) or current > kept[-1]):
        kept = np.append(kept, np.int64(current))
    inside = kept[(kept >= first) & (kept <= last)]
    if len(inside) <= max_frames:
        return inside.copy()
    if max_frames == 1:
        return inside[-1:].copy()
    targets = np.linspace(inside[0], inside[-1], max_frames)
    right = np.clip(np.searchsorted(inside, targets), 1, len(inside) - 1)
    left = right - 1
    nearest = np.where(targets - inside[left] <= inside[right] - targets, left, right)
    return inside[np.unique(nearest)]
