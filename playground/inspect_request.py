"""`playground --screenshot … --inspect train:K --stage NAME [--select ITEM]`: the window opened
on the backprop inspector, so every stage can be rendered from the command line. No Qt here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playground.cli_errors import UsageError

# The inspector's stages, in order (ui/stages.py draws them).
STAGE_NAMES = ("aim", "fire", "miss", "blame", "correct", "fire_again")
_SAMPLE = re.compile(r"(train|batch):(\d+)")
_SELECT = re.compile(r"(edge|bias|neuron):(\d+(?:,\d+)*)")
_SELECT_ARITY = {"edge": 3, "bias": 2, "neuron": 2}


@dataclass(frozen=True)
class InspectRequest:
    row: int  # the training sample
    batch: bool  # its mini-batch rather than the sample alone
    stage: str  # one of STAGE_NAMES: its last step is shown
    select: tuple | None  # a network-view target: ("edge", l, i, j), ("bias", l, j), ("node", layer, j)


def parse_inspect(sample: str | None, stage: str | None, select: str | None) -> InspectRequest | None:
    """The request from the three options' texts (None when --inspect is not given)."""
    if sample is None:
        if stage is not None or select is not None:
            raise UsageError("--stage and --select need --inspect train:K")
        return None
    match = _SAMPLE.fullmatch(sample)
    if not match:
        raise UsageError(f"--inspect {sample!r} is not allowed; allowed: train:K or batch:K (K a training sample's index)")
    stage = stage or "aim"
    if stage not in STAGE_NAMES:
        raise UsageError(f"--stage {stage!r} is not allowed; allowed: {', '.join(STAGE_NAMES)}")
    target = None
    if select is not None:
        found = _SELECT.fullmatch(select)
        numbers = tuple(int(n) for n in found[2].split(",")) if found else ()
        if not found or len(numbers) != _SELECT_ARITY[found[1]]:
            raise UsageError(
                f"--select {select!r} is not allowed; allowed: edge:L,I,J (weight layer L from input I to "
                "neuron J), bias:L,J, or neuron:LAYER,J (layer 1 = the first hidden layer), counting from 0"
            )
        target = ("node" if found[1] == "neuron" else found[1], *numbers)
    return InspectRequest(int(match[2]), match[1] == "batch", stage, target)


def check_inspect(request: InspectRequest, n_train: int, layer_sizes: tuple[int, ...]) -> None:
    """Refuse a sample or an item the network does not have, in one line."""
    if request.row >= n_train:
        raise UsageError(f"--inspect: training sample {request.row} does not exist; allowed: 0 … {n_train - 1}")
    target = request.select
    if target is None:
        return
    kind, *numbers = target
    n = len(layer_sizes) - 1  # weight layers
    if kind == "edge":
        layer, i, j = numbers
        ok = layer < n and i < layer_sizes[layer] and j < layer_sizes[layer + 1]
    elif kind == "bias":
        layer, j = numbers
        ok = layer < n and j < layer_sizes[layer + 1]
    else:
        layer, j = numbers
        ok = 1 <= layer <= n and j < layer_sizes[layer]
    if not ok:
        word = "neuron" if kind == "node" else kind  # as the option was typed
        raise UsageError(f"--select {word}:{','.join(map(str, numbers))}: the network (layer sizes "
                         f"{list(layer_sizes)}) has no such {word}")
