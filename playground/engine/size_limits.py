"""How large a network may be, checked by Config before anything is allocated.

The limits are chosen so that the largest allowed experiment trains and is drawn within about
2 GB, which an ordinary 8 GB laptop has to spare. The arithmetic (float64 = 8 B, float32 = 4 B):

Per parameter, ~180 B:
    kept by the trainer: params, the last update's gradient sum, the pending sum, the leftover
      chunk's sum, the alive mask, the optimizer's m and v (Adam; momentum keeps one)  7 × 8 B = 56 B
    alive during an update: the regularizer's derivative and penalty, L1's updated copy, Adam's
      mean gradient, g², m̂, v̂ and √v̂ (about 6 at once)                                       ~48 B
    snapshots: copies of the weights and of the mean gradient (+ one temporary) and the dead
      flags, 25 B each, with up to 3 alive (being built, in the queue, being drawn)           ~75 B
  MAX_PARAMETERS = 4,000,000 → ~720 MB. Saving an experiment briefly holds five vectors as
  Python floats and JSON text (~260 B per parameter), ~1 GB more at this size.
Per hidden neuron, ~120 KB: every snapshot evaluates every neuron over the 100 × 100 grid in
  float32 (40 KB, engine/grid.py), up to 3 snapshots alive.
  MAX_HIDDEN_NEURONS = 4,096 (one layer of the widest width) → ~490 MB.
Per neuron (hidden and output) and example of a batch, ~80 B: the kernel's activations, z, δ and
  f' buffers and a temporary (5 × 8 B), for the batch and for the leftover chunk (engine/kernel.py).
  MAX_BATCH_NEURONS = 4,500,000 → ~360 MB; every built-in dataset fits at full width, whatever
  the batch size (4,097 neurons × 1,080 training points = 4,424,760).
The loss evaluation's forward pass (z and a of every neuron for every point, 16 B each) adds at
most 4,097 × 1,200 × 16 B ≈ 80 MB for a built-in dataset. Total ≈ 1.7 GB, plus ~1 GB while saving.

The user's points (a CSV file, an experiment) are bounded twice:
  MAX_POINTS = 100,000: every point is drawn on the boundary plot (one brush each) and measured
    every epoch; the playground's own datasets have 500.
  MAX_EVALUATION_VALUES = 25,000,000 (points × neurons): that forward pass over every point,
    16 B a value → 400 MB, so a wide network on many points is refused rather than swapping.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_PARAMETERS = 4_000_000  # weights and biases
MAX_HIDDEN_NEURONS = 4_096  # summed over the hidden layers
MAX_BATCH_NEURONS = 4_500_000  # (hidden neurons + outputs) × examples in one batch
MAX_POINTS = 100_000  # train and test together
MAX_EVALUATION_VALUES = 25_000_000  # points × (hidden neurons + outputs)
BYTES_PER_EVALUATION_VALUE = 16
BYTES_PER_PARAMETER = 180
BYTES_PER_HIDDEN_NEURON = 120_000
BYTES_PER_BATCH_NEURON = 80
N_OUTPUTS = 1


def parameter_count(n_inputs: int, hidden: Sequence[int], n_outputs: int = N_OUTPUTS) -> int:
    """Σ over layers of (n_in + 1) · n_out: every weight and bias of the network."""
    sizes = (n_inputs, *hidden, n_outputs)
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def network_size_problem(n_inputs: int, hidden: Sequence[int]) -> tuple[str, str] | None:
    """None if the network fits; else (what is wrong, what is allowed) for the 'hidden' key."""
    n_params, n_hidden = parameter_count(n_inputs, hidden), sum(hidden)
    if n_params <= MAX_PARAMETERS and n_hidden <= MAX_HIDDEN_NEURONS:
        return None
    need = n_params * BYTES_PER_PARAMETER + n_hidden * BYTES_PER_HIDDEN_NEURON
    features = "feature" if n_inputs == 1 else "features"
    return (
        f"is too large with {n_inputs} {features}: {n_params:,} parameters and {n_hidden:,} hidden neurons, "
        f"about {memory_text(need)} of memory",
        f"at most {MAX_PARAMETERS:,} parameters and {MAX_HIDDEN_NEURONS:,} hidden neurons",
    )


def batch_size_problem(hidden: Sequence[int], batch: int) -> tuple[str, str] | None:
    """None if one batch fits through the kernel; else (what is wrong, what is allowed).

    ``batch`` is the number of examples a batch really holds (at most the training set).
    """
    neurons = sum(hidden) + N_OUTPUTS
    if neurons * batch <= MAX_BATCH_NEURONS:
        return None
    return (
        f"is too large for {neurons:,} neurons (hidden and output): a batch of {batch:,} needs "
        f"{neurons * batch:,} neuron values, about {memory_text(neurons * batch * BYTES_PER_BATCH_NEURON)}",
        f"neurons × batch size at most {MAX_BATCH_NEURONS:,}, "
        f"so a batch size of at most {MAX_BATCH_NEURONS // neurons:,} with this network",
    )


def points_problem(n_points: int, hidden: Sequence[int]) -> str | None:
    """None if ``n_points`` points fit, with this network; else one line: what, and what is allowed."""
    if n_points > MAX_POINTS:
        return f"{n_points:,} points are too many; allowed: at most {MAX_POINTS:,} (training and test together)"
    neurons = sum(hidden) + N_OUTPUTS
    if n_points * neurons > MAX_EVALUATION_VALUES:
        need = memory_text(n_points * neurons * BYTES_PER_EVALUATION_VALUE)
        return (
            f"{n_points:,} points through {neurons:,} neurons need {n_points * neurons:,} values (about {need}) "
            f"to measure the loss; allowed: points × neurons at most {MAX_EVALUATION_VALUES:,}, so at most "
            f"{MAX_EVALUATION_VALUES // neurons:,} points with this network"
        )
    return None


def memory_text(n_bytes: float) -> str:
    """'720 MB', '1.7 GB', '190 GB': the size in a message."""
    if n_bytes < 1e9:
        return f"{max(1, round(n_bytes / 1e6)):,} MB"
    gigabytes = n_bytes / 1e9
    return f"{gigabytes:.1f} GB" if gigabytes < 10 else f"{round(gigabytes):,} GB"
