"""One weight's gradient as the chain rule's product of named factors, read from a Shot.

For weight layer l, input i → neuron j, and sample s (z_j = Σ_i a_i w_ij + b_j, a_j = f(z_j)):

    ∂E/∂w_ij = a_i × f′(z_j) × ∂E/∂a_j,   and δ_j = ∂E/∂z_j = f′(z_j) × ∂E/∂a_j, where
    ∂E/∂a_j  = out − t                   when j is the output neuron (E = ½(out − t)²)
             = Σ_k w_jk δ_k               otherwise: one term per neuron k of the layer above

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
    is_output: bool  # j is the output neuron: ∂E/∂a_j = out − t
    weight: float  # w_ij (or b_j)
    a_in: float  # a_i (1 for the bias)
    z: float  # z_j
    a: float  # a_j = f(z_j)
    slope: float  # f′(z_j)
    error: float  # ∂E/∂a_j: out − t, or Σ_k w_jk δ_k
    terms: tuple[DownstreamTerm, ...]  # the Σ's rows (empty for the output neuron)
    delta: float  # δ_j = ∂E/∂z_j
    gradient: float  # ∂E_s/∂w_ij = a_i · δ_j
    output: float  # the network's output for the sample
    label: float  # t
    loss: float  # E = ½(out − t)², the engine's


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
            error = float(shot.outputs[sample] - shot.labels[sample])
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
        output=float(shot.outputs[sample]),
        label=float(shot.labels[sample]),
        loss=float(shot.losses[sample]),
    )


def chain_rule_markdown(rule: ChainRule, weight_name: str, neuron_name: str, digits: int = 6) -> str:
    """The chain rule of one parameter as a worked example in Markdown, every number filled in.

    ``weight_name`` says which parameter ("w from x₁ to neuron 2 of hidden layer 1"),
    ``neuron_name`` which neuron j it feeds."""

    def num(value: float) -> str:
        return number(value, digits)

    def factor(value: float) -> str:  # a factor of a product: in parentheses when negative
        return factor_text(value, digits)

    w = "b" if rule.is_bias else "w"
    lines = [
        f"### ∂E/∂{w} for {weight_name}",
        "",
        f"Sample: label t = {num(rule.label)}, network output = {num(rule.output)}, "
        f"E = ½(out − t)² = {num(rule.loss)}",
        "",
        f"- {w} = {num(rule.weight)}",
        f"- input a_i = {num(rule.a_in)}" + (" (a bias is the weight of a constant input 1)" if rule.is_bias else ""),
        f"- {neuron_name}: z_j = {num(rule.z)}, a_j = f(z_j) = {num(rule.a)}, f′(z_j) = {num(rule.slope)}",
    ]
    if rule.is_output:
        lines.append(f"- ∂E/∂a_j = out − t = {num(rule.output)} − {factor(rule.label)} = {num(rule.error)}")
    else:
        lines.append("- ∂E/∂a_j = Σ_k w_jk · δ_k, one term per neuron k it feeds:")
        lines += [f"  - k = {t.neuron + 1}: {factor(t.weight)} × {factor(t.delta)} = {num(t.product)}" for t in rule.terms]
        lines.append(f"  - sum: {num(rule.error)}")
    lines += [
        f"- δ_j = ∂E/∂z_j = f′(z_j) × ∂E/∂a_j = {factor(rule.slope)} × {factor(rule.error)} = {num(rule.delta)}",
        "",
        f"**∂E/∂{w} = a_i × f′(z_j) × ∂E/∂a_j = {factor(rule.a_in)} × {factor(rule.slope)} × {factor(rule.error)} "
        f"= {num(rule.gradient)}**",
    ]
    return "\n".join(lines) + "\n"
