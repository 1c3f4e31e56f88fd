"""One shot written out: the JSON of `playground explain` and the same as a worked example.

``explain_document(shot)`` (shot_document.py, re-exported here) is the JSON the issue defines
(sample, inputs, per-layer z, a, δ and gradients, output, loss, the central-difference check and
the network after the step); ``explain_markdown(shot)`` tells the same numbers as a worked example for a student, in the
gunner's words: **aim** (the weights now), **fire** (the forward pass), **miss** (the error at
the output), **blame** (δ = ∂E/∂z sent back, last layer first, and the chain rule of one weight
per layer), **check** (the slope measured by central differences), **correct** (the optimizer's
step) and **fire again** (the same sample through the corrected network).

Every number is read from the Shot (the engine's forward, backward and optimizer code on a frozen
copy), from ``chain_rule`` or from ``gradient_check``; nothing is computed a second way for show.
Both take a single-sample shot (m == 1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from playground.engine import explain_multiclass as multiclass
from playground.engine.activations import Activation, get_activation
from playground.engine.chain_rule import ChainRule, chain_rule
from playground.engine.features import FEATURE_LABELS
from playground.engine.gradient_check import (
    DEFAULT_H,
    PASS_BELOW,
    ParameterCheck,
    ShotLoss,
)
from playground.engine.markdown_text import block as _block
from playground.engine.markdown_text import loss_verdict
from playground.engine.markdown_text import table as _table
from playground.engine.number_text import factor, number
from playground.engine.optimizers import ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, MOMENTUM
from playground.engine.shot import Shot, ShotStep, parameter_index, parameter_labels
from playground.engine.shot_document import (
    check_size,
    explain_document,
    numeric_gradient,
    require_one_sample,
    shot_config,
    shot_loss,
    steepest_weight,
)
from playground.engine.trainer import output_activation

__all__ = ["DEFAULT_H", "check_size", "explain_document", "explain_markdown", "number", "numeric_gradient",
           "steepest_weight"]

MAX_TABLE_SIZE = 8  # rows (and columns) of a table before "…"
MAX_SUM_TERMS = 4  # terms of z = Σ a·w + b written out before "…"
MAX_STEP_ROWS = 30  # a step lists every changed parameter up to this many, else the largest
LARGEST_STEPS = 12  # how many it lists then
STATE_HEADERS = {"velocity": "velocity v after", "m": "m after", "v": "v after"}  # optimizer state


class Names:
    """Short names of neurons and parameters: inputs by feature (X₁), hidden neurons h<layer>.<n>
    (h1.2 = neuron 2 of hidden layer 1), the output ``out``; w(from→to) and b(neuron)."""

    def __init__(self, shot: Shot, features: Sequence[str]) -> None:
        self.sizes = shot.layer_sizes
        self.features = tuple(features)
        self.multiclass = shot.multiclass

    def neuron(self, level: int, j: int) -> str:
        """Neuron j of level ``level``: 0 = the inputs, len(sizes) − 1 = the output layer."""
        if level == 0:
            return FEATURE_LABELS[self.features[j]]
        if level == len(self.sizes) - 1:
            return f"class {j}" if self.multiclass else "out"  # K outputs: one per class, from 0
        return f"h{level}.{j + 1}"

    def parameter(self, layer: int, row: int, neuron: int) -> str:
        """Weight ``row`` → ``neuron`` of weight layer ``layer``; row == n_in is the neuron's bias."""
        target = self.neuron(layer + 1, neuron)
        if row == self.sizes[layer]:
            return f"b({target})"
        return f"w({self.neuron(layer, row)}→{target})"

    def flat(self) -> list[str]:
        """The name of every parameter, laid out like Network.params."""
        return parameter_labels(self.sizes, self.parameter,
                                lambda layer, neuron: self.parameter(layer, self.sizes[layer], neuron))

    def layer(self, layer: int) -> str:
        """Weight layer ``layer`` named by the neurons it feeds."""
        if layer == len(self.sizes) - 2:
            return "the output layer"
        return f"hidden layer {layer + 1}"


def optimizer_rule(step: ShotStep) -> str:
    """The update rule of the step's optimizer and regularization, with its numbers, in words."""
    eta = number(step.learning_rate)
    rule = {
        "sgd": f"p ← p − η·∂E/∂p with η = {eta}",
        "momentum": f"v ← {MOMENTUM:g}·v + ∂E/∂p, then p ← p − η·v with η = {eta} (v, the velocity, "
                    "carries the earlier steps)",
        "adam": f"t ← t + 1; m ← {ADAM_BETA1:g}·m + {1 - ADAM_BETA1:.1g}·g; v ← {ADAM_BETA2:g}·v + "
                f"{1 - ADAM_BETA2:.3g}·g²; p ← p − η·m̂ / (√v̂ + {number(ADAM_EPSILON)}), "
                f"m̂ = m / (1 − {ADAM_BETA1:g}ᵗ), v̂ = v / (1 − {ADAM_BETA2:g}ᵗ), with g = ∂E/∂p and η = {eta}; "
                f"t goes {step.optimizer_before.get('t', 0)} → {step.optimizer_after.get('t', 0)}",
    }[step.optimizer]
    text = f"Every parameter moves against its blame. The optimizer is {step.optimizer}: {rule}."
    if step.regularization != "none" and step.regularization_rate:
        slope = "sign(w)" if step.regularization == "l1" else "w"
        dies = "; a weight this step pushes across 0 dies and stays 0" if step.regularization == "l1" else ""
        text += (f" Then {step.regularization.upper()} regularization at rate λ = "
                 f"{number(step.regularization_rate)}: w ← w − η·λ·{slope}, on weights only, never biases{dies}.")
    return text


# ----- Markdown -------------------------------------------------------------------------------
def explain_markdown(shot: Shot, h: float = DEFAULT_H, name: str | None = None) -> str:
    """The worked example of a single-sample shot; ``name`` says which sample (default: from the
    shot, "training sample 5" or "the point (x, y)")."""
    require_one_sample(shot)
    story = _Story(shot, h, name)
    sections = [story.title(), story.aim(), story.fire(), story.miss(), story.blame(), story.check(),
                story.correct(), story.fire_again()]
    return "\n\n".join(sections) + "\n"


class _Story:
    """The sections of one worked example; each returns Markdown."""

    def __init__(self, shot: Shot, h: float, name: str | None) -> None:
        self.shot, self.h = shot, h
        self.config = shot_config(shot)
        self.names = Names(shot, self.config.features)
        self.parameter_names = self.names.flat()  # laid out like Network.params
        self.name = name or _default_name(shot)
        self.gradient = shot.flat_gradient()  # ∂E/∂p laid out like Network.params
        self.rules = [chain_rule(shot, layer, *steepest_weight(shot, layer)) for layer in range(shot.n_layers)]

    # -- title and aim
    def title(self) -> str:
        shot, config = self.shot, self.config
        x, y, label = shot.points[0]
        hidden = config.activation if shot.n_layers > 1 else "none"
        sizes = " → ".join(str(n) for n in shot.layer_sizes)
        label_text, loss, out_name = f"label t = {number(label)}", "E = ½(out − t)²", "`out` for the output"
        if shot.multiclass:
            label_text, loss = f"label class {int(label)}", multiclass.LOSS_RULE
            out_name = "`class k` for the output neuron of class k (classes count from 0, as labels do)"
        return "\n".join([
            f"# Backpropagation, worked: {self.name}",
            "",
            (f"The sample: (x, y) = ({number(x)}, {number(y)}), {label_text}. The network: "
            f"{sizes} neurons ({', '.join(FEATURE_LABELS[f] for f in config.features)} in; hidden activation "
            f"{hidden}, output {output_activation(config.problem)}); the loss of one sample is {loss}."),
            "",
            ("Every number below is the playground's own: its forward pass, its backpropagation and its "
            "optimizer, run on a frozen copy of the network. Nothing here changes the experiment. "
            f"Neurons are named h1.2 for neuron 2 of hidden layer 1, {out_name}; w(a→b) is the "
            "weight from a to b and b(n) the bias of n. Numbers are rounded to 4 significant digits (the "
            "gradient check's to 10 or 12, so that E(p + h) and E(p − h) differ)."),
        ])

    def aim(self) -> str:
        parts = ["## Aim: the weights and biases now",
                 "Each table is one layer: a row per input, a column per neuron, the bias last."]
        for layer in range(self.shot.n_layers):
            parts.append(f"Into {self.names.layer(layer)}:")
            parts.append(self._matrix(layer, self.shot.weights[layer], self.shot.biases[layer]))
        return "\n\n".join(parts)

    def _matrix(self, layer: int, weights: np.ndarray, biases: np.ndarray) -> str:
        n_in, n_out = weights.shape
        rows, cols = _shown(n_in), _shown(n_out)
        header = ["from \\ to", *(self.names.neuron(layer + 1, j) for j in cols), *(["…"] if n_out > len(cols) else [])]
        body = [[self.names.neuron(layer, i), *(number(weights[i, j]) for j in cols)] for i in rows]
        if n_in > len(rows):
            body.append(["…"] * (len(cols) + 1))
        body.append(["bias", *(number(biases[j]) for j in cols)])
        if n_out > len(cols):
            body = [[*row, "…"] for row in body]
        return _table(header, body)

    # -- fire
    def fire(self) -> str:
        shot = self.shot
        inputs = shot.a[0][0]
        parts = [
            "## Fire: the forward pass",
            ("Each neuron j sums its inputs times their weights plus its bias, z = Σᵢ aᵢ·wᵢⱼ + bⱼ, and "
            f"fires a = f(z); {self._activations_text()}."),
            "The inputs are the chosen features of (X₁, X₂) = (x, y):",
            _table(["input", "a"], [[self.names.neuron(0, i), number(v)] for i, v in enumerate(inputs)]),
        ]
        for layer in range(shot.n_layers):
            parts.append(f"### {self.names.layer(layer).capitalize()} fires")
            parts.append(self._fire_table(layer))
        return "\n\n".join(parts)

    def _fire_table(self, layer: int) -> str:
        shot, f = self.shot, self._activation(layer)
        if shot.multiclass and layer == shot.n_layers - 1:
            return multiclass.fire_output_table(shot, self.names.neuron, lambda k: self._sum(layer, k))
        rows = []
        for j in _shown(shot.z[layer].shape[1]):
            z, a = shot.z[layer][0, j], shot.a[layer + 1][0, j]
            rows.append([self.names.neuron(layer + 1, j), f"{self._sum(layer, j)} = {number(z)}",
                         f"{f.formula_at(z)} = {number(a)}"])
        return _table(["neuron", "z = Σ a·w + b", "a = f(z)"], rows) + _more(shot.z[layer].shape[1])

    def _sum(self, layer: int, j: int) -> str:
        a, w = self.shot.a[layer][0], self.shot.weights[layer][:, j]
        terms = [f"{factor(a[i])}·{factor(w[i])}" for i in range(min(len(a), MAX_SUM_TERMS))]
        more = [f"… ({len(a) - MAX_SUM_TERMS} more)"] if len(a) > MAX_SUM_TERMS else []
        return " + ".join([*terms, *more, factor(self.shot.biases[layer][j])])

    def _activations_text(self) -> str:
        out = f"f(z) = {self._activation(self.shot.n_layers - 1).formula} at the output"
        if self.shot.n_layers == 1:
            return out
        return f"f(z) = {self._activation(0).formula} in the hidden layers, {out}"

    def _activation(self, layer: int) -> Activation:
        name = output_activation(self.config.problem) if layer == self.shot.n_layers - 1 else self.config.activation
        return get_activation(name)

    # -- miss
    def miss(self) -> str:
        shot = self.shot
        if shot.multiclass:
            return multiclass.miss(shot)
        out, t, loss = float(shot.outputs[0]), float(shot.labels[0]), float(shot.losses[0])
        return "\n\n".join([
            "## Miss: the error at the output",
            f"The network answered out = {number(out)}; the target is t = {number(t)}.",
            _block([
                f"E = ½(out − t)² = ½({number(out)} − {factor(t)})² = ½·({number(out - t)})² = {number(loss)}",
                f"∂E/∂out = out − t = {number(out)} − {factor(t)} = {number(out - t)}",
            ]),
            ("The slope ∂E/∂out says which way is less error: a positive slope means a smaller output "
            "would miss by less, a negative one a larger output."),
        ])

    # -- blame
    def blame(self) -> str:
        parts = [
            "## Blame: the error sent back, last layer first",
            ("Each neuron's blame is δ = ∂E/∂z = f′(z)·∂E/∂a. At the output ∂E/∂a = out − t; in a hidden "
            "layer ∂E/∂aⱼ = Σₖ wⱼₖ·δₖ, the blame of the layer above sent back along each outgoing weight. "
            "Then every weight gets ∂E/∂wᵢⱼ = aᵢ·δⱼ and every bias ∂E/∂bⱼ = δⱼ."),
        ]
        if self.shot.multiclass:
            parts[1] = multiclass.blame_rule()
        for layer in reversed(range(self.shot.n_layers)):
            parts.append(self._blame_layer(layer))
        return "\n\n".join(parts)

    def _blame_layer(self, layer: int) -> str:
        shot = self.shot
        return "\n\n".join([
            f"### Blame at {self.names.layer(layer)}",
            self._delta_table(layer),
            "The gradients ∂E/∂w = a·δ (a row per input, a column per neuron; the bias row is ∂E/∂b = δ):",
            self._matrix(layer, shot.sample_weight_gradient(layer, 0), shot.delta[layer][0]),
            self._chain(self.rules[layer]),
        ])

    def _delta_table(self, layer: int) -> str:
        """Each neuron's δ with its factors: f′(z) and ∂E/∂a, or for K classes p − y at the output."""
        shot = self.shot
        if shot.multiclass and layer == shot.n_layers - 1:
            return multiclass.blame_output_table(shot, self.names.neuron)
        error = "out − t" if layer == shot.n_layers - 1 else "Σₖ wⱼₖ·δₖ"
        rows = []
        for j in _shown(shot.z[layer].shape[1]):
            rule = chain_rule(shot, layer, shot.layer_sizes[layer], j)  # the bias: its δ and ∂E/∂a
            rows.append([self.names.neuron(layer + 1, j), number(rule.z), number(rule.slope), number(rule.error),
                         number(rule.delta)])
        return (_table(["neuron", "z", "f′(z)", f"∂E/∂a = {error}", "δ = f′(z)·∂E/∂a"], rows)
                + _more(shot.z[layer].shape[1]))

    def _chain(self, rule: ChainRule) -> str:
        names, level = self.names, rule.layer + 1
        weight = names.parameter(rule.layer, rule.row, rule.neuron)
        neuron, source = names.neuron(level, rule.neuron), names.neuron(rule.layer, rule.row)
        head = (f"**The chain rule for {weight}** (the largest |∂E/∂w| into this layer; its value now is "
                f"{number(rule.weight)}):")
        error = "(out − t)" if rule.is_output else f"Σₖ w({neuron}→k)·δₖ"
        if rule.multiclass and rule.is_output:
            return f"{head}\n\n{multiclass.output_chain(rule, weight, source, neuron)}"
        lead = f"∂E/∂{weight} = "
        values = f"{factor(rule.a_in)} × {factor(rule.slope)} × {factor(rule.error)} = {number(rule.gradient)}"
        product = _block([f"{lead}a({source}) × f′(z({neuron})) × {error}", " " * len(lead) + values])
        if rule.is_output:
            return f"{head}\n\n{product}"
        rows = ("one row per class k, whose output's blame is δₖ = pₖ − yₖ" if rule.feeds_classes
                else f"one row per neuron k of the layer above {neuron}")
        return "\n\n".join([head, f"The sum, {rows}:",
                            self._sum_table(rule), product])

    def _sum_table(self, rule: ChainRule) -> str:
        names, neuron = self.names, self.names.neuron(rule.layer + 1, rule.neuron)
        rows = [[names.neuron(rule.layer + 2, t.neuron), number(t.weight), number(t.delta), number(t.product)]
                for t in rule.terms]
        rows.append(["**Σ**", "", "", f"**{number(rule.error)}**"])
        return _table(["k", f"w({neuron}→k)", "δₖ", "w·δ"], rows)

    # -- check
    def check(self) -> str:
        loss = shot_loss(self.shot)
        check_size(loss.network.size)
        checks = loss.check_all(self.gradient, self.h)
        worst = checks[0]
        mark = "✓" if worst.passed else "✗"
        names = self.parameter_names
        parts = [
            "## Check: the slope measured",
            (f"Backprop's gradient against the definition of a derivative: for every one of the "
            f"{len(checks):,} parameters p, all else frozen, n = (E(p + h) − E(p − h)) / 2h with h = {number(self.h)}. "
            f"The largest relative error |∂E/∂p − n| / max(|∂E/∂p|, |n|) is {number(worst.relative_error)} "
            f"{mark} (a ✓ is below {number(PASS_BELOW)}), at {names[worst.index]}."),
            "The weights of the chain rules above:",
            _table(["parameter", "E(p + h)", "E(p − h)", "n", "∂E/∂p (backprop)", "relative error", ""],
                   [self._check_row(loss, rule, names) for rule in self.rules]),
        ]
        kinks = [names[c.index] for c in checks if c.kink]
        if kinks:
            parts.append(_kink_note(kinks))
        return "\n\n".join(parts)

    def _check_row(self, loss: ShotLoss, rule: ChainRule, names: list[str]) -> list[str]:
        index = parameter_index(self.shot.layer_sizes, rule.layer, rule.row, rule.neuron)
        check: ParameterCheck = loss.check(index, float(self.gradient[index]), self.h)
        return [names[index], number(check.loss_plus, 12), number(check.loss_minus, 12), number(check.numeric, 10),
                number(check.analytic, 10), number(check.relative_error), "✓" if check.passed else "✗"]

    # -- correct
    def correct(self) -> str:
        parts = ["## Correct: the optimizer's step", self._rule_text(), self.step_rows()]
        dead = int(np.count_nonzero(self.shot.step.dead_after))
        if dead:
            parts.append(f"{dead} weight{'s are' if dead != 1 else ' is'} dead after this step (L1 set "
                         f"{'them' if dead != 1 else 'it'} to 0): the optimizer leaves a dead weight at 0 "
                         "whatever its ∂E/∂w.")
        return "\n\n".join(parts)

    def _rule_text(self) -> str:
        return optimizer_rule(self.shot.step)

    def step_rows(self) -> str:
        step, gradient = self.shot.step, self.gradient
        change = step.change
        changed = np.flatnonzero(change != 0.0)
        note = ""
        if len(changed) > MAX_STEP_ROWS:
            order = np.argsort(-np.abs(change[changed]), kind="stable")[:LARGEST_STEPS]
            changed = changed[order]
            note = f"\n\nThe {LARGEST_STEPS} largest of {np.count_nonzero(change):,} changes."
        names, state = self.parameter_names, self._state_columns()
        header = ["parameter", "before", "∂E/∂p", *(STATE_HEADERS[key] for key in state), "after", "change"]
        rows = [[names[k], number(step.params_before[k]), number(gradient[k]),
                 *(number(step.optimizer_after[key][k]) for key in state), number(step.params_after[k]),
                 number(change[k])] for k in changed]
        if not rows:
            return "No parameter changed."
        return _table(header, rows) + note

    def _state_columns(self) -> list[str]:
        """The optimizer's per-parameter state after the step: velocity, or m and v."""
        return [key for key in ("velocity", "m", "v") if key in self.shot.step.optimizer_after]

    # -- fire again
    def fire_again(self) -> str:
        shot, step = self.shot, self.shot.step
        if shot.multiclass:
            return multiclass.fire_again(shot)
        before, after = float(shot.losses[0]), float(step.losses_after[0])
        out, t = float(step.outputs_after[0]), float(shot.labels[0])
        verdict = loss_verdict(before, after)
        return "\n\n".join([
            "## Fire again: the same sample, corrected",
            (f"Through the corrected network the output is {number(float(shot.outputs[0]))} → {number(out)} "
            f"(target {number(t)}):"),
            _block([f"E = ½({number(out)} − {factor(t)})² = {number(after)}",
                    f"E {number(before)} → {number(after)}: {verdict}"]),
        ])


def _default_name(shot: Shot) -> str:
    index = int(shot.indices[0])
    if index >= 0:
        return f"training sample {index}"
    x, y, _ = shot.points[0]
    return f"the point ({number(x)}, {number(y)})"


def _shown(count: int) -> range:
    return range(min(count, MAX_TABLE_SIZE))


def _more(count: int) -> str:
    return f"\n\n… and {count - MAX_TABLE_SIZE} more neurons." if count > MAX_TABLE_SIZE else ""


def _kink_note(names: list[str]) -> str:
    listed = ", ".join(names[:MAX_TABLE_SIZE]) + (", …" if len(names) > MAX_TABLE_SIZE else "")
    return (f"⚠ A kink of the activation (f′ jumps at z = 0) lies within h for {len(names)} parameter"
            f"{'s' if len(names) != 1 else ''} ({listed}): a hidden z changes sign between p − h and p + h, "
            "so there the difference quotient is not the slope and the check says nothing.")
