"""What the inspector says at each stage: the gunner's word, the maths, and the real numbers.

Pure functions of a Shot (rich text for a QLabel), so they can be tested without a window.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

from playground.engine.activations import Activation, get_activation
from playground.engine.chain_rule import chain_rule
from playground.engine.config import Config
from playground.engine.explain import optimizer_rule
from playground.engine.explain_multiclass import before_after, predicted, softmax_terms, vector
from playground.engine.features import FEATURE_LABELS
from playground.engine.number_text import factor as par
from playground.engine.number_text import number as fmt
from playground.engine.shot import Shot, ShotStep, parameter_of
from playground.engine.trainer import output_activation
from playground.ui.colors import palette
from playground.ui.stages import Stage, layer_name

MAX_ROWS = 8  # neurons listed per layer before "…"


def stage_html(shot: Shot, stage: Stage, config: Config, sample: int = 0) -> str:
    """Rich text for ``stage``; ``sample`` is the shot's row the neurons describe (batch mode)."""
    n = shot.n_layers
    lead = {
        "aim": _aim,
        "fire": _fire,
        "miss": _miss,
        "blame": _blame,
        "correct": _correct,
        "fire_again": _fire_again,
    }[stage.name]
    return lead(shot, stage, config, sample, n)


def shot_name(shot: Shot, sample: int = 0) -> str:
    """'sample #5 (4.011, 0.998), label 1' or 'the mini-batch #4–#7 (4 samples)'."""
    x, y, label = shot.points[sample]
    index = int(shot.indices[sample])
    who = f"sample #{index}" if index >= 0 else "the point"
    label_text = f"class {int(label)}" if shot.multiclass else f"label {fmt(label)}"
    one = f"{who} at ({fmt(x)}, {fmt(y)}), {label_text}"
    if shot.m == 1:
        return one
    first, last = int(shot.indices[0]), int(shot.indices[-1])
    return f"the mini-batch #{first}–#{last} ({shot.m} samples; neurons show {one})"


def _aim(shot: Shot, stage: Stage, config: Config, sample: int, n: int) -> str:
    return (
        f"<b>Aim.</b> The weights as they are now: the gun is aimed. "
        f"The shot: {escape(shot_name(shot, sample))}. "
        "Edges show each weight (blue +, orange −; width = |w|). "
        "Step on to <b>fire</b> the sample through the network."
    )


def _fire(shot: Shot, stage: Stage, config: Config, sample: int, n: int) -> str:
    layer = stage.layer
    f = _layer_activation(config, layer, n)
    rows = []
    inputs = shot.a[layer][sample]
    names = _input_names(config.features, layer, shot)
    for j in range(min(shot.z[layer].shape[1], MAX_ROWS)):
        terms = " + ".join(
            f"{par(inputs[i])}·{par(shot.weights[layer][i, j])}" for i in range(min(len(inputs), 3))
        )
        more = " + …" if len(inputs) > 3 else ""
        if shot.multiclass and layer == n - 1:  # softmax: p_k needs every z of the layer
            fired = f"p = {escape(softmax_terms(shot.z[layer][sample], j))}"
        else:
            fired = f"a = {escape(f.formula_at(float(shot.z[layer][sample, j])))}"
        rows.append(
            f"{_neuron(layer, j, n, shot)}: z = {terms}{more} + {par(shot.biases[layer][j])} = "
            f"<b>{fmt(shot.z[layer][sample, j])}</b>, {fired} = <b>{fmt(shot.a[layer + 1][sample, j])}</b>"
        )
    head = (
        f"<b>Fire</b> · {layer_name(layer, n)}: each neuron sums its inputs ({escape(names)}) times "
        f"their weights plus its bias, z = Σ a<sub>i</sub>·w<sub>ij</sub> + b<sub>j</sub>, "
        f"and passes it through f(z) = {escape(f.formula)}."
    )
    return head + "<br>" + "<br>".join(rows) + _more(shot.z[layer].shape[1])


def _miss(shot: Shot, stage: Stage, config: Config, sample: int, n: int) -> str:
    if shot.multiclass:
        return _miss_classes(shot, sample) + _batch_loss(shot)
    out, label = float(shot.outputs[sample]), float(shot.labels[sample])
    error = out - label
    text = (
        f"<b>Miss.</b> The output is <b>{fmt(out)}</b>, the target is <b>{fmt(label)}</b>: "
        f"the shot missed by out − t = {fmt(error)}.<br>"
        f"E = ½(out − t)² = ½({fmt(out)} − {fmt(label)})² = ½·({fmt(error)})² = <b>{fmt(float(shot.losses[sample]))}</b>"
    )
    return text + _batch_loss(shot)


def _batch_loss(shot: Shot) -> str:
    if shot.m == 1:
        return ""
    listed = ", ".join(fmt(float(e)) for e in shot.losses[:MAX_ROWS])
    return (
        f"<br>The mini-batch's loss is the mean over its {shot.m} samples: "
        f"E = ({listed}{', …' if shot.m > MAX_ROWS else ''}) / {shot.m} = <b>{fmt(shot.loss)}</b>"
    )


def _miss_classes(shot: Shot, sample: int) -> str:
    """Miss, K classes: the probabilities, the one-hot target, E = −ln p_label and p − y."""
    p, y, c = shot.outputs[sample], shot.targets[sample], int(shot.classes[sample])
    guess = predicted(p)
    return (
        f"<b>Miss.</b> Softmax turned the outputs into probabilities p = <b>{vector(p)}</b> for classes "
        f"0 … {len(p) - 1}; the network answers class {guess} ({'right' if guess == c else 'wrong'}). "
        f"The label is class {c}: the target is the one-hot y = {vector(y)}.<br>"
        f"E = −ln p<sub>{c}</sub> = −ln {fmt(p[c])} = <b>{fmt(float(shot.losses[sample]))}</b> "
        f"(0 only when p<sub>{c}</sub> = 1). The error each output neuron sends back: "
        f"p − y = <b>{vector(shot.delta[-1][sample])}</b>."
    )


def _blame(shot: Shot, stage: Stage, config: Config, sample: int, n: int) -> str:
    layer = stage.layer
    f = _layer_activation(config, layer, n)
    mean = " (the mean over the mini-batch)" if shot.m > 1 else ""
    rows = []
    for j in range(min(shot.z[layer].shape[1], MAX_ROWS)):
        delta = float(shot.bias_gradients[layer][j])
        if shot.m > 1:
            rows.append(f"{_neuron(layer, j, n, shot)}: δ = <b>{fmt(delta)}</b>")
            continue
        rule = chain_rule(shot, layer, 0, j)  # its f′(z) and ∂E/∂a, as the chain-rule card shows them
        if rule.multiclass and rule.is_output:
            rows.append(f"{_neuron(layer, j, n, shot)}: δ = p − y = {fmt(rule.p)} − {fmt(rule.y)} = <b>{fmt(delta)}</b>")
        else:
            rows.append(f"{_neuron(layer, j, n, shot)}: δ = {par(rule.slope)} × {par(rule.error)} = <b>{fmt(delta)}</b>")
    if layer == n - 1 and shot.multiclass:
        head = (
            "<b>Blame</b> · output layer, first: the error leaves the output. Softmax and cross-entropy "
            "together give each class its own δ<sub>k</sub> = ∂E/∂z<sub>k</sub> = p<sub>k</sub> − y<sub>k</sub>: "
            f"negative for the label's class (raise its z), positive for the others (lower theirs){mean}."
        )
    elif layer == n - 1:
        head = (
            f"<b>Blame</b> · output layer, first: the error leaves the output. "
            f"δ = ∂E/∂z = (out − t)·f′(z), with f′ the slope of {escape(f.formula)} at z{mean}."
        )
    else:
        head = (
            f"<b>Blame</b> · {layer_name(layer, n)}: each neuron takes the blame of the layer above, "
            f"weighted by the edge it reached it through: δ<sub>j</sub> = f′(z<sub>j</sub>)·Σ<sub>k</sub> "
            f"w<sub>jk</sub>δ<sub>k</sub>{mean}."
        )
        if shot.multiclass and layer == n - 2:
            head += " Here k runs over the classes: every class's p − y reaches every neuron."
    tail = (
        "<br>Every weight into these neurons gets ∂E/∂w<sub>ij</sub> = a<sub>i</sub>·δ<sub>j</sub> "
        f"(edge colour; {palette.scales.words[3]} +, {palette.scales.words[2]} −) and every bias ∂E/∂b<sub>j</sub> = δ<sub>j</sub> (ring). "
        "Click an edge for its chain rule."
    )
    return head + "<br>" + "<br>".join(rows) + _more(shot.z[layer].shape[1]) + tail


def _correct(shot: Shot, stage: Stage, config: Config, sample: int, n: int) -> str:
    step = shot.step
    text = f"<b>Correct.</b> {escape(optimizer_rule(step))}"
    change = step.change
    order = np.argsort(-np.abs(np.nan_to_num(change)))[:4]
    rows = [
        f"{escape(_parameter_name(shot, int(k)))}: {fmt(step.params_before[k])} → {fmt(step.params_after[k])} (Δ {fmt(change[k])})"
        f"{optimizer_memory(step, int(k))}"
        for k in order
    ]
    return text + "<br>Largest steps: " + "; ".join(rows) + ". Edge colour: the step Δw."


def _fire_again(shot: Shot, stage: Stage, config: Config, sample: int, n: int) -> str:
    if shot.multiclass:
        return _fire_again_classes(shot, sample)
    step = shot.step
    before, after = float(shot.losses[sample]), float(step.losses_after[sample])
    verdict = "closer" if after < before else "no closer" if after == before else "further away: the step overshot"
    text = (
        f"<b>Fire again.</b> The same sample through the corrected network: output "
        f"{fmt(float(shot.outputs[sample]))} → <b>{fmt(float(step.outputs_after[sample]))}</b> "
        f"(target {fmt(float(shot.labels[sample]))}), <b>E {fmt(before)} → {fmt(after)}</b>: {verdict}."
    )
    if shot.m > 1:
        text += f"<br>Mini-batch: E {fmt(shot.loss)} → {fmt(step.loss_after)}."
    if config.problem == "classification":
        text += "<br>The dashed line on the plot is the new decision boundary."
    return text


def _fire_again_classes(shot: Shot, sample: int) -> str:
    """Fire again, K classes: p_label and E before → after, the answer before → after, the ghost."""
    step, c = shot.step, int(shot.classes[sample])
    before, after = float(shot.losses[sample]), float(step.losses_after[sample])
    verdict = "closer" if after < before else "no closer" if after == before else "further away: the step overshot"
    p, p_after = shot.outputs[sample], step.outputs_after[sample]
    text = (
        f"<b>Fire again.</b> The same sample through the corrected network: p<sub>{c}</sub> (its label's class) "
        f"<b>{before_after(p[c], p_after[c])}</b>, <b>E {before_after(before, after)}</b>: {verdict}.<br>"
        f"p = {vector(p)} → {vector(p_after)}; it answers class {predicted(p)} → {predicted(p_after)}."
    )
    if shot.m > 1:
        text += f"<br>Mini-batch: E {fmt(shot.loss)} → {fmt(step.loss_after)}."
    return text + f"<br>The dashed line on the plot is the corrected network's border of class {c}: inside it, it answers {c}."


# ----- helpers ---------------------------------------------------------------------------------
def optimizer_memory(step: ShotStep, index: int) -> str:
    """The optimizer's memory of one parameter after the step: its velocity, or Adam's m and v."""
    state = step.optimizer_after
    if "velocity" in state:
        return f" (velocity {fmt(float(state['velocity'][index]))})"
    if "m" in state:
        return f" (m {fmt(float(state['m'][index]))}, v {fmt(float(state['v'][index]))})"
    return ""


def _layer_activation(config: Config, layer: int, n: int) -> Activation:
    return get_activation(output_activation(config.problem) if layer == n - 1 else config.activation)


def _neuron(layer: int, j: int, n: int, shot: Shot) -> str:
    if layer < n - 1:
        return f"neuron {j + 1}"
    return f"class {j}" if shot.multiclass else "output"  # K outputs: one per class, counted from 0


def _input_names(features: Sequence[str], layer: int, shot: Shot) -> str:
    if layer == 0:
        return ", ".join(FEATURE_LABELS[name] for name in features)
    return f"the {shot.weights[layer].shape[0]} neurons of hidden layer {layer}"


def _more(count: int) -> str:
    return f"<br>… and {count - MAX_ROWS} more (click a neuron)" if count > MAX_ROWS else ""


def _parameter_name(shot: Shot, index: int) -> str:
    """A short name of a flat parameter: w(l: i→j) or b(l: j), layers and neurons from 1; a
    multiclass output neuron by its class, from 0 as labels count: w(2: 3→class 0)."""
    layer, row, neuron = parameter_of(shot.layer_sizes, index)
    target = f"class {neuron}" if shot.multiclass and layer == shot.n_layers - 1 else str(neuron + 1)
    if row == shot.layer_sizes[layer]:
        return f"b({layer + 1}: {target})"
    return f"w({layer + 1}: {row + 1}→{target})"
