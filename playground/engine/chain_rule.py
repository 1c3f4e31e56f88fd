"""One weight's gradient as the chain rule's product of named factors, read from a Shot.

For weight layer l, input i → neuron j, and sample s (z_j = Σ_i a_i w_ij + b_j, a_j = f(z_j)):

    ∂E/∂w_ij = a_i × f′(z_j) × ∂E/∂a_j,   and δ_j = ∂E/∂z_j = f′(z_j) × ∂E/∂a_j, where
    ∂E/∂a_j  = out − t                   when j is the output neuron (E = ½(out − t)²)
             = Σ_k w_jk δ_k               otherwise: one term per neuron k of the layer above

Multiclass (K softmax outputs, E = −ln p_label, one-hot target y): softmax and cross-entropy
are differentiated together, δ_k = ∂E/∂z_k = p_k − y_k for every output neuron k, so an output
weight's gradient is a_i × (p_k − y_k) with no f′ factor (the engine's softmax "slope" is the
factor 1, ``error`` is p_k − y_k), and a hidden neuron's Σ_k w_jk δ_k runs over the K outputs.

The bias is the weight of a constant input a = 1. Every factor is a number the engine computed
(``Shot``), never recomputed here; ``gradient`` is the engine's own ∂E_s/∂w_ij.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.engine.number_text import factor as factor_text
from playground.engine.number_text import number
from playground.engine.shot import Shot


@dataclass(frozen=True)
class DownstreamTerm:
    neuron: int  # k, in the layer above
    weight: float  # w_jk
    delta: float  # δ_k
    product: float  # w_jk · δ_k


@dataclass(frozen=True)
class ChainRule:
    layer: int  # weight layer l
    row: int  # input i (row == n_in: the bias)
    neuron: int  # j
    sample: int  # s, a row of the shot
    is_bias: bool
    is_output: bool  # j is an output neuron: ∂E/∂a_j = out − t (multiclass: δ_j = p_j − y_j)
    weight: float  # w_ij (or b_j)
    a_in: float  # a_i (1 for the bias)
    z: float  # z_j
    a: float  # a_j = f(z_j)
    slope: float  # f′(z_j)
    error: float  # ∂E/∂a_j: out − t, or Σ_k w_jk δ_k; multiclass output: p_j − y_j
    terms: tuple[DownstreamTerm, ...]  # the Σ's rows (empty for the output neuron)
    delta: float  # δ_j = ∂E/∂z_j
    gradient: float  # ∂E_s/∂w_ij = a_i · δ_j
    output: float  # the network's output for the sample; multiclass: p of the label's class
    label: float  # t; multiclass: the class index
    loss: float  # E = ½(out − t)², or −ln p_label: the engine's
    probabilities: tuple[float, ...] = ()  # multiclass: the sample's K softmax outputs p_k; else ()
    feeds_classes: bool = False  # multiclass, j in the last hidden layer: the Σ's k are the K classes

    @property
    def multiclass(self) -> bool:
        return bool(self.probabilities)

    @property
    def p(self) -> float:
        """p_j of an output neuron j (multiclass)."""
        return self.probabilities[self.neuron]

    @property
    def y(self) -> float:
        """y_j, output neuron j's one-hot target: 1 for the label's class, else 0 (multiclass)."""
        return 1.0 if self.neuron == int(self.label) else 0.0


def chain_rule(shot: Shot, layer: int, row: int, neuron: int, sample: int = 0) -> ChainRule:
    n_in, n_out = shot.weights[layer].shape
    if not (0 <= row <= n_in and 0 <= neuron < n_out and 0 <= sample < shot.m):
        raise ValueError(f"no parameter at layer {layer}, input {row}, neuron {neuron} (sample {sample})")
    is_bias = row == n_in
    is_output = layer == shot.n_layers - 1
    delta = float(shot.delta[layer][sample, neuron])
    if is_output:
        terms: tuple[DownstreamTerm, ...] = ()
        with np.errstate(all="ignore"):
            error = float(shot.outputs[sample, neuron] - shot.targets[sample, neuron] if shot.multiclass
                          else shot.outputs[sample] - shot.labels[sample])
    else:
        above = shot.weights[layer + 1][neuron]  # (n_above,) w_jk
        deltas = shot.delta[layer + 1][sample]  # (n_above,) δ_k
        with np.errstate(all="ignore"):  # a diverged network's numbers overflow: shown as ∞, not warned
            terms = tuple(
                DownstreamTerm(k, float(w), float(d), float(w * d)) for k, (w, d) in enumerate(zip(above, deltas))
            )
            error = float(above @ deltas)
    return ChainRule(
        layer=layer,
        row=row,
        neuron=neuron,
        sample=sample,
        is_bias=is_bias,
        is_output=is_output,
        weight=float(shot.biases[layer][neuron] if is_bias else shot.weights[layer][row, neuron]),
        a_in=1.0 if is_bias else float(shot.a[layer][sample, row]),
        z=float(shot.z[layer][sample, neuron]),
        a=float(shot.a[layer + 1][sample, neuron]),
        slope=float(shot.slopes[layer][sample, neuron]),
        error=error,
        terms=terms,
        delta=delta,
        gradient=delta if is_bias else float(shot.sample_weight_gradient(layer, sample)[row, neuron]),
        output=shot.label_output(sample),
        label=float(shot.labels[sample]),
        loss=float(shot.losses[sample]),
        probabilities=tuple(float(p) for p in shot.outputs[sample]) if shot.multiclass else (),
        feeds_classes=shot.multiclass and layer == shot.n_layers - 2,
    )


def chain_rule_markdown(rule: ChainRule, weight_name: str, neuron_name: str, digits: int = 6) -> str:
    """The chain rule of one parameter as a worked example in Markdown, every number filled in.

    ``weight_name`` says which parameter ("w from x₁ to neuron 2 of hidden layer 1"),
    ``neuron_name`` which neuron j it feeds. Multiclass starts from δ_k = p_k − y_k at the output."""

    def num(value: float) -> str:
        return number(value, digits)

    def factor(value: float) -> str:  # a factor of a product: in parentheses when negative
        return factor_text(value, digits)

    w = "b" if rule.is_bias else "w"
    lines = [f"### ∂E/∂{w} for {weight_name}", "", _sample_line(rule, num), "", f"- {w} = {num(rule.weight)}",
             f"- input a_i = {num(rule.a_in)}" + (" (a bias is the weight of a constant input 1)" if rule.is_bias else "")]
    if rule.multiclass and rule.is_output:
        y = f"y_j = {num(rule.y)}: " + ("this is the label's class" if rule.y else "not the label's class")
        return "\n".join([
            *lines,
            f"- {neuron_name}: z_j = {num(rule.z)}, p_j = softmax(z)_j = {num(rule.p)}; {y}",
            f"- δ_j = ∂E/∂z_j = p_j − y_j = {num(rule.p)} − {num(rule.y)} = {num(rule.delta)} (softmax and "
            "cross-entropy differentiated together: no separate f′)",
            "",
            f"**∂E/∂{w} = a_i × (p_j − y_j) = {factor(rule.a_in)} × {factor(rule.error)} = {num(rule.gradient)}**",
        ]) + "\n"
    lines.append(f"- {neuron_name}: z_j = {num(rule.z)}, a_j = f(z_j) = {num(rule.a)}, f′(z_j) = {num(rule.slope)}")
    if rule.is_output:
        lines.append(f"- ∂E/∂a_j = out − t = {num(rule.output)} − {factor(rule.label)} = {num(rule.error)}")
    else:
        above = "output k: δ_k = p_k − y_k" if rule.feeds_classes else "neuron k it feeds"
        lines.append(f"- ∂E/∂a_j = Σ_k w_jk · δ_k, one term per {above}:")
        lines += [f"  - k = {term_name(rule, t.neuron)}: {factor(t.weight)} × {factor(t.delta)} = {num(t.product)}"
                  for t in rule.terms]
        lines.append(f"  - sum: {num(rule.error)}")
    lines += [
        f"- δ_j = ∂E/∂z_j = f′(z_j) × ∂E/∂a_j = {factor(rule.slope)} × {factor(rule.error)} = {num(rule.delta)}",
        "",
        f"**∂E/∂{w} = a_i × f′(z_j) × ∂E/∂a_j = {factor(rule.a_in)} × {factor(rule.slope)} × {factor(rule.error)} "
        f"= {num(rule.gradient)}**",
    ]
    return "\n".join(lines) + "\n"


def term_name(rule: ChainRule, k: int) -> str:
    """Neuron k of the layer above, as the Σ's rows name it: "class 2" for a multiclass output
    (classes count from 0, as labels do), else its number from 1."""
    return f"class {k}" if rule.feeds_classes else str(k + 1)


def _sample_line(rule: ChainRule, num) -> str:
    if rule.multiclass:
        p = ", ".join(num(v) for v in rule.probabilities)
        label = int(rule.label)
        return (f"Sample: label class {label}, network output p = ({p}), "
                f"E = −ln p_{label} = −ln {num(rule.output)} = {num(rule.loss)}")
    return (f"Sample: label t = {num(rule.label)}, network output = {num(rule.output)}, "
            f"E = ½(out − t)² = {num(rule.loss)}")
