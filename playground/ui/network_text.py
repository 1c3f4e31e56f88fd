"""What the network view says in words: names of neurons and weights, and hover tooltips.

Pure functions of a snapshot and a target tuple — ("feature", name), ("node", layer, neuron),
("bias", layer, neuron) or ("edge", layer, i, j), layers counted as in a Snapshot — so the text
can be tested without a window.
"""

from __future__ import annotations

from typing import Any

from playground.engine.features import FEATURE_LABELS
from playground.worker.snapshot import Snapshot


def node_name(snap: Snapshot, layer: int, neuron: int) -> str:
    if layer == 0:
        return FEATURE_LABELS[snap.config.features[neuron]]
    if layer == len(snap.layer_sizes) - 1:
        if snap.multiclass:
            return f"the output of class {neuron}"  # classes count from 0, as their labels
        return "the output" if snap.layer_sizes[-1] == 1 else f"output {neuron + 1}"
    return f"neuron {neuron + 1} of hidden layer {layer}"


def edge_name(snap: Snapshot, layer: int, i: int, j: int) -> str:
    return f"from {node_name(snap, layer, i)} to {node_name(snap, layer + 1, j)}"


def tooltip(snap: Snapshot, target: tuple[Any, ...]) -> str:
    kind = target[0]
    if kind == "edge":
        return edge_tooltip(snap, *target[1:])
    if kind == "bias":
        return bias_tooltip(snap, *target[1:])
    if kind == "node":
        return node_tooltip(snap, *target[1:])
    return feature_tooltip(snap, target[1])


def edge_tooltip(snap: Snapshot, layer: int, i: int, j: int) -> str:
    w, g = float(snap.weights[layer][i, j]), float(snap.weight_gradients[layer][i, j])
    text = f"w = {w:.4f}, dE/dw = {g:.4g}"
    if bool(snap.dead[layer][i, j]):
        text += "  — dead (L1)"
    return f"{text}\nweight {edge_name(snap, layer, i, j)}\nClick to type a new value"


def bias_tooltip(snap: Snapshot, layer: int, j: int) -> str:
    b, g = float(snap.biases[layer][j]), float(snap.bias_gradients[layer][j])
    return f"b = {b:.4f}, dE/db = {g:.4g}\nbias of {node_name(snap, layer + 1, j)}\nClick to type a new value"


def node_tooltip(snap: Snapshot, layer: int, j: int) -> str:
    if snap.multiclass and layer == len(snap.layer_sizes) - 1:
        return class_tooltip(snap, j)
    name = node_name(snap, layer, j)
    lines = [name[0].upper() + name[1:], f"bias b = {float(snap.biases[layer - 1][j]):.4f}"]
    trace = snap.trace
    if trace is not None:
        x, y = trace.point
        lines.append(f"Sample ({x:.2f}, {y:.2f}), label {trace.label:g}:")
        lines.append(
            f"z = {float(trace.z[layer - 1][j]):.4f}, a = {float(trace.a[layer][j]):.4f}, "
            f"dE/dz = {float(trace.dz[layer - 1][j]):.4g}"
        )
    return "\n".join(lines)


def class_tooltip(snap: Snapshot, k: int) -> str:
    """A multiclass output neuron: p = softmax of the K outputs' z, and dE/dz = p − [label = k]."""
    lines = [
        f"Class {k}: p = the network's probability of class {k} (softmax over the {snap.n_outputs} outputs)",
        f"bias b = {float(snap.biases[-1][k]):.4f}",
    ]
    trace = snap.trace
    if trace is not None:
        x, y = trace.point
        p, z, dz = float(trace.a[-1][k]), float(trace.z[-1][k]), float(trace.dz[-1][k])
        lines.append(f"Sample ({x:.2f}, {y:.2f}), label {trace.label:g}:")
        lines.append(f"class {k}: p = {p:.2f}   (z = {z:.4f}, dE/dz = p − {int(trace.label == k)} = {dz:.4g})")
    return "\n".join(lines)


def feature_tooltip(snap: Snapshot, name: str) -> str:
    enabled = snap.config.features
    if name not in enabled:
        return f"{FEATURE_LABELS[name]} (not used)\nClick to feed it to the network"
    text = f"Input {FEATURE_LABELS[name]}"
    if snap.trace is not None:
        text += f" = {float(snap.trace.inputs[enabled.index(name)]):.4f} for the traced sample"
    if enabled == (name,):
        return text + "\nThe only input: the network needs at least one"
    return text + "\nClick to stop feeding it to the network"
