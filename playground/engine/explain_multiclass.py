"""The worked example's words for K classes: softmax probabilities, the one-hot target and
cross-entropy, and blame that starts from δ = p − y. ``explain.py`` calls these for a multiclass
shot; one-output problems never reach this module.

For one sample with output pre-activations z (K,), label c and one-hot target y (K,):

    p_k  = e^(z_k) / Σ_j e^(z_j)        softmax (the engine subtracts max z first: the same p)
    E    = −ln p_c                       cross-entropy of the label's class
    δ_k  = ∂E/∂z_k = p_k − y_k           softmax and cross-entropy differentiated together

The δs sum to 0: the label's class gets p_c − 1 < 0 (its z should rise), every other class its
p_k > 0 (its z should fall). Every number is read from the Shot, never recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from playground.engine.chain_rule import ChainRule
from playground.engine.markdown_text import block, loss_verdict, table
from playground.engine.number_text import factor, number
from playground.engine.shot import Shot

NeuronName = Callable[[int, int], str]  # (level, j) → "h1.2" or "class 2", as explain.Names.neuron
MAX_SOFTMAX_TERMS = 4  # e^(z_j) terms of a softmax denominator written out before "…"
LOSS_RULE = "E = −ln p_label, the cross-entropy of the softmax probability of the label's class"


def vector(values: Sequence[float], digits: int = 4) -> str:
    """(0.41, 0.25, −0.66)."""
    return "(" + ", ".join(number(float(v), digits) for v in values) + ")"


def softmax_terms(z: Sequence[float], k: int) -> str:
    """p_k's arithmetic with the real z: e^0.31 / (e^0.31 + e^(−0.2) + e^0.05)."""
    terms = [f"e^{factor(float(v))}" for v in z[:MAX_SOFTMAX_TERMS]]
    if len(z) > MAX_SOFTMAX_TERMS:
        terms.append(f"… ({len(z) - MAX_SOFTMAX_TERMS} more)")
    return f"e^{factor(float(z[k]))} / ({' + '.join(terms)})"


def before_after(before: float, after: float) -> str:
    """"0.9953 → 0.9961": enough significant digits (4 to 8) that a change shows, as a fitted
    sample's p moves in its fifth digit."""
    for digits in range(4, 9):
        if number(before, digits) != number(after, digits):
            break
    return f"{number(before, digits)} → {number(after, digits)}"


def predicted(probabilities: np.ndarray) -> int:
    """The class the network answers: argmax p (the first of equals, as accuracy counts it)."""
    return int(np.argmax(probabilities))


def class_margin(probabilities: np.ndarray, c: int) -> np.ndarray:
    """p_c − max_{k≠c} p_k over the grid, from (K, res, res) probabilities: > 0 exactly where the
    argmax is class c, so its 0-line is the border of class c's region (ties count as the border)."""
    others = np.delete(probabilities, c, axis=0)
    return probabilities[c] - others.max(axis=0)


# ----- JSON ----------------------------------------------------------------------------------------
def document_output(shot: Shot) -> dict[str, Any]:
    """The JSON's output part for K classes: the K probabilities, the one-hot target, the
    predicted class and −ln p_label (one-output problems keep "output" a single number)."""
    return {
        "output": shot.outputs[0].tolist(),
        "target": shot.targets[0].tolist(),
        "predicted": predicted(shot.outputs[0]),
        "loss": float(shot.losses[0]),
    }


def document_step_outputs(shot: Shot) -> dict[str, Any]:
    """The probabilities after the step, beside the step's loss_after."""
    return {"output_after": shot.step.outputs_after[0].tolist(), "predicted_after": predicted(shot.step.outputs_after[0])}


# ----- Markdown ------------------------------------------------------------------------------------
def fire_output_table(shot: Shot, name: NeuronName, z_sum: Callable[[int], str]) -> str:
    """The output layer firing: z_k as any neuron's, then p_k = softmax with its numbers."""
    layer = shot.n_layers - 1
    z = shot.z[layer][0]
    rows = [[name(layer + 1, k), f"{z_sum(k)} = {number(z[k])}",
             f"{softmax_terms(z, k)} = {number(shot.outputs[0, k])}"] for k in range(len(z))]
    return "\n\n".join([
        table(["neuron", "z = Σ a·w + b", "p = e^(z) / Σ e^(z)"], rows),
        f"The K = {len(z)} outputs are probabilities: each is positive and they sum to 1 (here "
        f"{number(float(np.sum(shot.outputs[0])), 12)}).",
    ])


def miss(shot: Shot) -> str:
    p, y, c = shot.outputs[0], shot.targets[0], int(shot.classes[0])
    guess = predicted(p)
    verdict = "right" if guess == c else "wrong"
    return "\n\n".join([
        "## Miss: the error at the output",
        (f"The network's probabilities for classes 0 … {len(p) - 1}: p = {vector(p)}; it answers class {guess} "
         f"(the largest p), which is {verdict}. The label is class {c}, so the target is the one-hot y = "
         f"{vector(y)}."),
        block([
            f"E = −ln p_{c} = −ln {number(p[c])} = {number(float(shot.losses[0]))}",
            f"∂E/∂z = p − y = {vector(p)} − {vector(y)} = {vector(shot.delta[-1][0])}",
        ]),
        ("Softmax and cross-entropy are differentiated together: each output neuron's blame is its probability "
         f"minus its target. The label's class {c} gets a negative δ (its z should rise), every other class a "
         "positive one (its z should fall); the δs sum to 0. E is 0 only when p_label = 1."),
    ])


def blame_output_table(shot: Shot, name: NeuronName) -> str:
    layer = shot.n_layers - 1
    rows = [[name(layer + 1, k), number(shot.z[layer][0, k]), number(shot.outputs[0, k]), number(shot.targets[0, k]),
             number(shot.delta[layer][0, k])] for k in range(shot.layer_sizes[-1])]
    return table(["neuron", "z", "p", "y", "δ = p − y"], rows)


def blame_rule() -> str:
    return ("Each neuron's blame is δ = ∂E/∂z. At the output it is δₖ = pₖ − yₖ (softmax and cross-entropy "
            "together); in a hidden layer δⱼ = f′(zⱼ)·Σₖ wⱼₖ·δₖ, the blame of the layer above sent back along each "
            "outgoing weight (from the last hidden layer, one term per class). Then every weight gets "
            "∂E/∂wᵢⱼ = aᵢ·δⱼ and every bias ∂E/∂bⱼ = δⱼ.")


def output_chain(rule: ChainRule, weight: str, source: str, neuron: str) -> str:
    """An output weight's chain rule: ∂E/∂w = a_i × (p_k − y_k)."""
    lead = f"∂E/∂{weight} = "
    return block([
        f"{lead}a({source}) × (p({neuron}) − y({neuron}))",
        " " * len(lead) + f"{factor(rule.a_in)} × ({number(rule.p)} − {number(rule.y)})",
        " " * len(lead) + f"{factor(rule.a_in)} × {factor(rule.error)} = {number(rule.gradient)}",
    ])


def fire_again(shot: Shot) -> str:
    step, c = shot.step, int(shot.classes[0])
    before, after = float(shot.losses[0]), float(step.losses_after[0])
    p, p_after = shot.outputs[0], step.outputs_after[0]
    verdict = loss_verdict(before, after)
    return "\n\n".join([
        "## Fire again: the same sample, corrected",
        (f"Through the corrected network p = {vector(p)} → {vector(p_after)}; it answers class {predicted(p)} → "
         f"{predicted(p_after)} (label: class {c})."),
        block([f"p_{c} {before_after(p[c], p_after[c])}",
               f"E = −ln p_{c} = −ln {number(p_after[c])} = {number(after)}",
               f"E {number(before)} → {number(after)}: {verdict}"]),
    ])
