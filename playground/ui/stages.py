"""The inspector's timeline: the gunner's stages, and what the network view draws at each.

Stages, in order, for a network of L weight layers (layer L − 1 is the output):
    aim                       the weights as they are
    fire  (layer 0 … L − 1)   lights one layer more per step, left to right: z and a on each neuron
    miss                      the output, the target, the error and the loss
    blame (layer L − 1 … 0)   δ = ∂E/∂z, output layer first, then the last hidden layer, back to
                              the first; each layer's edges take the colour of a·δ = ∂E/∂w
    correct                   every parameter's step
    fire_again                the same sample(s) through the corrected network
A StageView is pure data (texts, colours, which layers are lit) made from a Shot; the network
view's overlay draws it. Node layers count from 0 = the features, as in a Snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtGui import QColor

from playground.engine.explain_multiclass import before_after
from playground.engine.network import Network
from playground.engine.number_text import number as fmt
from playground.engine.shot import Shot
from playground.inspect_request import STAGE_NAMES
from playground.ui.colors import palette, value_color

STAGE_WORDS = {
    "aim": "Aim",
    "fire": "Fire",
    "miss": "Miss",
    "blame": "Blame",
    "correct": "Correct",
    "fire_again": "Fire again",
}
WEIGHT_RINGS = "width = |w|  ·  ring = a, the neuron's value for this sample"
MIN_RING, MAX_RING = 2.0, 9.0  # ring width for δ = 0 and for the largest |δ| of the shot


@dataclass(frozen=True)
class Stage:
    name: str  # one of STAGE_NAMES
    layer: int | None = None  # the weight layer a fire or blame step reaches

    def title(self, n_layers: int) -> str:
        word = STAGE_WORDS[self.name]
        if self.layer is None:
            return word
        return f"{word} · {layer_name(self.layer, n_layers)}"


def layer_name(layer: int, n_layers: int) -> str:
    """Weight layer ``layer`` named by the neurons it feeds."""
    return "output layer" if layer == n_layers - 1 else f"hidden layer {layer + 1}"


def stages(n_layers: int) -> list[Stage]:
    return [
        Stage("aim"),
        *(Stage("fire", layer) for layer in range(n_layers)),
        Stage("miss"),
        *(Stage("blame", layer) for layer in range(n_layers - 1, -1, -1)),
        Stage("correct"),
        Stage("fire_again"),
    ]


def last_index_of(name: str, n_layers: int) -> int:
    """The index of the last step of stage ``name`` (the whole stage shown)."""
    if name not in STAGE_NAMES:
        raise ValueError(f"unknown stage {name!r}; allowed: {', '.join(STAGE_NAMES)}")
    return max(k for k, stage in enumerate(stages(n_layers)) if stage.name == name)


@dataclass
class NodeMark:
    text: str = ""
    ring: QColor | None = None  # None: the idle ring
    ring_width: float | None = None  # None: the normal width


@dataclass
class StageView:
    """What the network view shows at one stage."""

    layer_sizes: tuple[int, ...] = ()  # of the shot's network: drawn only over a network of this shape
    lit: set[int] = field(default_factory=set)  # node layers drawn at full strength
    nodes: dict[tuple[int, int], NodeMark] = field(default_factory=dict)  # (node layer, j) → mark
    edge_values: np.ndarray | None = None  # (n_edges,) in [−1, 1], EdgeSet order; None: as live
    edge_lut: np.ndarray = field(default_factory=lambda: palette.gradient_lut)
    edge_lit: np.ndarray | None = None  # (n_edges,) bool: edges drawn at full strength
    legend: tuple[str, float | None, str] = ("Edge colour = weight w", 1.0, WEIGHT_RINGS)  # title, ±scale, rest


def stage_view(shot: Shot, stage: Stage, sample: int = 0) -> StageView:
    """``sample``: which of the shot's samples the neurons' z and a describe (batch mode: the one
    chosen); δ and gradients are the shot's means, which is what the optimizer uses."""
    n = shot.n_layers
    view = StageView(layer_sizes=tuple(shot.layer_sizes))
    edge_layers = [np.full(w.size, layer) for layer, w in enumerate(shot.weights)]
    layer_of_edge = np.concatenate(edge_layers)  # (n_edges,)
    if stage.name == "aim":
        view.lit = set(range(n + 1))
        _weights_on_edges(view, shot.weights, layer_of_edge, set(range(n)))
    elif stage.name == "fire" or stage.name == "miss":
        reached = n - 1 if stage.name == "miss" else stage.layer
        view.lit = set(range(reached + 2))
        _mark_inputs(view, shot, sample)
        for layer in range(reached + 1):
            a_name = "p" if shot.multiclass and layer == n - 1 else "a"  # softmax outputs are probabilities
            for j in range(shot.z[layer].shape[1]):
                a = float(shot.a[layer + 1][sample, j])
                view.nodes[(layer + 1, j)] = NodeMark(
                    f"z {fmt(shot.z[layer][sample, j])}\n{a_name} {fmt(a)}", value_color(a), None
                )
        _weights_on_edges(view, shot.weights, layer_of_edge, set(range(reached + 1)))
        if stage.name == "miss" and shot.multiclass:
            _mark_probabilities(view, shot, sample)
        elif stage.name == "miss":
            out, label = float(shot.outputs[sample]), float(shot.labels[sample])
            view.nodes[(n, 0)] = NodeMark(
                f"out {fmt(out)}\nt {fmt(label)}\nE {fmt(float(shot.losses[sample]))}", value_color(out), None
            )
    elif stage.name == "blame":
        view.lit = {layer + 1 for layer in range(stage.layer, n)} | {stage.layer}
        _mark_deltas(view, shot, set(range(stage.layer, n)))
        _gradients_on_edges(view, shot, layer_of_edge, set(range(stage.layer, n)))
    elif stage.name == "correct":
        view.lit = set(range(n + 1))
        change = shot.step.change
        _changes_on_edges(view, shot, change, layer_of_edge)
    else:  # fire_again
        view.lit = set(range(n + 1))
        after = _weights_after(shot)
        _weights_on_edges(view, after, layer_of_edge, set(range(n)))
        if shot.multiclass:
            _mark_probabilities_after(view, shot, sample)
            return view
        out, label = float(shot.outputs[sample]), float(shot.labels[sample])
        new_out = float(shot.step.outputs_after[sample])
        view.nodes[(n, 0)] = NodeMark(
            f"out {fmt(out)} → {fmt(new_out)}\nE {fmt(float(shot.losses[sample]))} → "
            f"{fmt(float(shot.step.losses_after[sample]))}",
            value_color(new_out),
            None,
        )
    return view


def _mark_probabilities(view: StageView, shot: Shot, sample: int) -> None:
    """Miss, K classes: every output neuron k shows p_k and its one-hot target y_k; the label's
    class also E = −ln p_label (the only p the loss reads)."""
    n, label = shot.n_layers, int(shot.classes[sample])
    for k, p in enumerate(shot.outputs[sample]):
        text = f"p {fmt(float(p))}  y {1 if k == label else 0}"
        if k == label:
            text += f"\nE = −ln p = {fmt(float(shot.losses[sample]))}"
        view.nodes[(n, k)] = NodeMark(text, value_color(float(p)), None)


def _mark_probabilities_after(view: StageView, shot: Shot, sample: int) -> None:
    """Fire again, K classes: p_k before → after on every output neuron, E on the label's."""
    n, label = shot.n_layers, int(shot.classes[sample])
    before, after = shot.outputs[sample], shot.step.outputs_after[sample]
    for k in range(len(before)):
        text = f"p {before_after(float(before[k]), float(after[k]))}"
        if k == label:
            text += f"\nE {before_after(float(shot.losses[sample]), float(shot.step.losses_after[sample]))}"
        view.nodes[(n, k)] = NodeMark(text, value_color(float(after[k])), None)


def _mark_inputs(view: StageView, shot: Shot, sample: int) -> None:
    for k in range(shot.a[0].shape[1]):
        value = float(shot.a[0][sample, k])
        view.nodes[(0, k)] = NodeMark(fmt(value), None, None)


def _mark_deltas(view: StageView, shot: Shot, layers: set[int]) -> None:
    deltas = [shot.bias_gradients[layer] for layer in range(shot.n_layers)]  # mean δ per neuron
    largest = max(largest_finite(d) for d in deltas) or 1.0
    for layer in layers:
        for j, delta in enumerate(deltas[layer]):
            size = abs(float(delta)) / largest if np.isfinite(delta) else 1.0
            view.nodes[(layer + 1, j)] = NodeMark(
                f"δ {fmt(float(delta))}",
                value_color(float(np.sign(delta)) * max(size, 0.35) if delta else 0.0, palette.gradient_lut),
                MIN_RING + (MAX_RING - MIN_RING) * size,
            )


def _scaled(values: np.ndarray) -> tuple[np.ndarray, float | None]:
    """values / max |value| (all 0 when there is no finite largest), and that largest."""
    largest = largest_finite(values)
    if largest > 0:
        with np.errstate(all="ignore"):
            return values / largest, largest
    return np.zeros_like(values), None


def largest_finite(values: np.ndarray) -> float:
    """max |value| over the finite values (a diverged shot has NaN and ∞); 0.0 when there is none."""
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 0.0


def _weights_on_edges(view: StageView, weights: list[np.ndarray], layer_of_edge: np.ndarray, lit: set[int]) -> None:
    view.edge_values = np.concatenate([w.ravel() for w in weights])  # the weight scale is fixed, as live
    view.edge_lut = palette.edge_value_lut
    view.edge_lit = np.isin(layer_of_edge, sorted(lit))


def _gradients_on_edges(view: StageView, shot: Shot, layer_of_edge: np.ndarray, lit: set[int]) -> None:
    gradients, largest = _scaled(np.concatenate([g.ravel() for g in shot.weight_gradients]))
    view.legend = ("Edge colour = ∂E/∂w = a·δ", largest, "ring: colour = sign of δ, width = |δ|")
    view.edge_lit = np.isin(layer_of_edge, sorted(lit))
    view.edge_values = np.where(view.edge_lit, gradients, 0.0)
    view.edge_lut = palette.gradient_lut


def _changes_on_edges(view: StageView, shot: Shot, change: np.ndarray, layer_of_edge: np.ndarray) -> None:
    views = Network(shot.layer_sizes, "linear", "linear").views(change)
    steps = np.concatenate([w.ravel() for w in views.weights])
    view.edge_values, largest = _scaled(steps)
    view.legend = ("Edge colour = the step Δw", largest, "label = Δb, the bias's step")
    view.edge_lut = palette.gradient_lut
    view.edge_lit = np.ones(len(steps), dtype=bool)
    for layer, bias_steps in enumerate(views.biases):
        for j, delta in enumerate(bias_steps):
            view.nodes[(layer + 1, j)] = NodeMark(f"Δb {fmt(float(delta))}", None, None)


def _weights_after(shot: Shot) -> list[np.ndarray]:
    net = Network(shot.layer_sizes, "linear", "linear", shot.step.params_after)
    return [w.copy() for w in net.weights]
