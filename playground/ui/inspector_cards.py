"""The inspector's cards: one neuron's numbers, and one weight's chain rule as named factors.

Every number is read from the Shot (the engine's arrays) or the ChainRule made from it. A factor of
the chain rule names the neuron or edge it belongs to; hovering it emits ``factor_hovered`` so the
network view can mark that item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QEnterEvent, QGuiApplication
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.engine.chain_rule import ChainRule, chain_rule_markdown, term_name
from playground.engine.number_text import factor as par
from playground.engine.number_text import number as fmt
from playground.engine.shot import Shot, parameter_index
from playground.ui import theme
from playground.ui.network_items import Target
from playground.ui.stage_text import optimizer_memory

NameOf = Callable[[int, int], str]  # (node layer, neuron) → "neuron 2 of hidden layer 1"
CARD_STYLE = "QFrame#%s { background: #fbfcfd; border: 1px solid #d5dbe2; border-radius: 4px; }"
FACTOR_STYLE = "QLabel { background: #eef2f6; border-radius: 3px; padding: 2px 5px; }"
FACTOR_HOT = "QLabel { background: #ffe2a0; border-radius: 3px; padding: 2px 5px; }"


def card_style(name: str) -> str:
    """CARD_STYLE in the theme in force."""
    c = theme.current()
    return f"QFrame#{name} {{ background: {c.card}; border: 1px solid {c.card_border}; border-radius: 4px; }}"


def factor_style(hot: bool = False) -> str:
    """FACTOR_STYLE (FACTOR_HOT under the pointer) in the theme in force: amber stays amber, with dark text."""
    if hot:
        return FACTOR_HOT.replace("}", "color: #1f2630; }") if theme.is_dark() else FACTOR_HOT
    return f"QLabel {{ background: {theme.current().chip}; border-radius: 3px; padding: 2px 5px; }}"


class FactorLabel(QLabel):
    """A number of the chain rule that knows which item of the network it comes from."""

    hovered = Signal(object)  # its Target on enter, None on leave

    def __init__(self, text: str, target: Target | None, tip: str) -> None:
        super().__init__(text)
        self.target = target
        self.setToolTip(tip)
        self.setStyleSheet(factor_style())
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)  # a long factor wraps instead of widening the card past the panel

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802 (Qt's name)
        self.setStyleSheet(factor_style(hot=True))
        self.hovered.emit(self.target)
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.setStyleSheet(factor_style())
        self.hovered.emit(None)
        super().leaveEvent(event)


class ChainRuleCard(QFrame):
    """∂E/∂w of the chosen weight as a product of named factors, with the Σ expanded."""

    factor_hovered = Signal(object)  # Target or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chain_rule_card")
        self.setStyleSheet(card_style("chain_rule_card"))
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.equation = QLabel()
        self.equation.setObjectName("chain_rule_equation")
        self.equation.setWordWrap(True)
        self.equation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.factors = QHBoxLayout()
        self.terms = QGridLayout()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.copy_button = QPushButton("Copy as worked example")
        self.copy_button.setObjectName("copy_worked_example_button")
        self.copy_button.setToolTip("Put every intermediate number on the clipboard, as Markdown")
        self.copy_button.clicked.connect(self.copy_worked_example)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.equation)
        layout.addLayout(self.factors)
        layout.addLayout(self.terms)
        layout.addWidget(self.note)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        self.rule: ChainRule | None = None
        self.markdown = ""
        self.factor_labels: list[FactorLabel] = []

    def show_rule(self, rule: ChainRule, shot: Shot, name_of: NameOf, weight_name: str, features: Sequence[str]) -> None:
        self.rule = rule
        node = ("node", rule.layer + 1, rule.neuron)
        w = "b" if rule.is_bias else "w"
        sample = f"sample #{int(shot.indices[rule.sample])}" if shot.indices[rule.sample] >= 0 else "the point"
        self.title.setText(f"<b>Chain rule</b> · ∂E/∂{w} for {escape(weight_name)} ({sample})")
        source: Target | None = None
        if not rule.is_bias:
            source = ("feature", features[rule.row]) if rule.layer == 0 else ("node", rule.layer, rule.row)
        self.markdown = chain_rule_markdown(rule, weight_name, name_of(rule.layer + 1, rule.neuron))
        if rule.multiclass and rule.is_output:
            self._show_class_rule(rule, shot, node, source, w)
            return
        upstream = "(out − t)" if rule.is_output else "Σ<sub>k</sub> w<sub>jk</sub>δ<sub>k</sub>"
        self.equation.setText(
            f"∂E/∂{w} = a<sub>i</sub> × f′(z<sub>j</sub>) × {upstream} = "
            f"{par(rule.a_in)} × {par(rule.slope)} × {par(rule.error)} = <b>{fmt(rule.gradient)}</b>"
        )
        self._set_factors([
            (f"a<sub>i</sub> = {fmt(rule.a_in)}", source,
             "the value the weight carries in: a bias carries 1" if rule.is_bias else "the input's value for this sample"),
            (f"f′(z<sub>j</sub>) = {fmt(rule.slope)}", node,
             f"the slope of {escape(name_of(rule.layer + 1, rule.neuron))} at z = {fmt(rule.z)}"),
            (f"{upstream} = {fmt(rule.error)}", node if rule.is_output else None,
             "how much E changes with this neuron's output: the blame it receives"),
        ])
        self._set_terms(rule, name_of)
        self.note.setText(self._note(rule, shot))

    def _show_class_rule(self, rule: ChainRule, shot: Shot, node: Target, source: Target | None, w: str) -> None:
        """An output weight of K classes: softmax and cross-entropy leave δ_k = p_k − y_k, so
        ∂E/∂w = a_i × (p_k − y_k), two factors and no f′."""
        k = rule.neuron
        self.equation.setText(
            f"∂E/∂{w} = a<sub>i</sub> × (p<sub>{k}</sub> − y<sub>{k}</sub>) = "
            f"{par(rule.a_in)} × ({fmt(rule.p)} − {fmt(rule.y)}) = <b>{fmt(rule.gradient)}</b>"
        )
        self._set_factors([
            (f"a<sub>i</sub> = {fmt(rule.a_in)}", source,
             "the value the weight carries in: a bias carries 1" if rule.is_bias else "the input's value for this sample"),
            (f"p<sub>{k}</sub> − y<sub>{k}</sub> = {fmt(rule.error)}", node,
             f"δ of class {k}: its probability minus its one-hot target (softmax and cross-entropy together)"),
        ])
        _clear(self.terms)
        y = "1: the label's class" if rule.y else f"0: the label is class {int(rule.label)}"
        label = FactorLabel(f"p<sub>{k}</sub> = {fmt(rule.p)}, y<sub>{k}</sub> = {y}; E = −ln p<sub>{int(rule.label)}</sub>"
                            f" = {fmt(rule.loss)}", node, "the miss at this class's output")
        label.hovered.connect(self.factor_hovered)
        self.terms.addWidget(label, 0, 0)
        self.factor_labels.append(label)
        self.note.setText(self._note(rule, shot))

    def _set_factors(self, factors: list[tuple[str, Target | None, str]]) -> None:
        _clear(self.factors)
        self.factor_labels = []
        for k, (text, target, tip) in enumerate(factors):
            if k:
                self.factors.addWidget(QLabel("×"))
            label = FactorLabel(text, target, tip)
            label.hovered.connect(self.factor_hovered)
            self.factors.addWidget(label)
            self.factor_labels.append(label)
        self.factors.addStretch(1)

    def _set_terms(self, rule: ChainRule, name_of: NameOf) -> None:
        _clear(self.terms)
        if rule.is_output:
            text = f"out − t = {fmt(rule.output)} − {par(rule.label)} = {fmt(rule.error)}"
            label = FactorLabel(text, ("node", rule.layer + 1, rule.neuron), "the miss at the output")
            label.hovered.connect(self.factor_hovered)
            self.terms.addWidget(label, 0, 0)
            self.factor_labels.append(label)
            return
        for row, term in enumerate(rule.terms):
            name = escape(name_of(rule.layer + 2, term.neuron))
            text = (f"k = {term_name(rule, term.neuron)}: w<sub>jk</sub>·δ<sub>k</sub> = {par(term.weight)} × {par(term.delta)}"
                    f" = {fmt(term.product)}")
            label = FactorLabel(text, ("edge", rule.layer + 1, rule.neuron, term.neuron), f"through the edge to {name}")
            label.hovered.connect(self.factor_hovered)
            self.terms.addWidget(label, row, 0)
            self.factor_labels.append(label)
        total = QLabel(f"Σ = {fmt(rule.error)}")
        self.terms.addWidget(total, len(rule.terms), 0)

    def _note(self, rule: ChainRule, shot: Shot) -> str:
        index = parameter_index(shot.layer_sizes, rule.layer, rule.row, rule.neuron)
        step = shot.step
        if rule.multiclass and rule.is_output:  # no f′: softmax and cross-entropy give p − y at once
            delta = f"δ<sub>{rule.neuron}</sub> = p<sub>{rule.neuron}</sub> − y<sub>{rule.neuron}</sub> = {fmt(rule.delta)}. "
        else:
            delta = f"δ<sub>j</sub> = f′(z<sub>j</sub>) × {par(rule.error)} = {fmt(rule.delta)}. "
        text = delta + f"Correct: {fmt(step.params_before[index])} → {fmt(step.params_after[index])}."
        if shot.dead[index]:
            text += " This weight is dead: L1 killed it, so the optimizer gives it no step."
        if shot.m > 1:
            mean = float(shot.flat_gradient()[index])
            symbol = "b" if rule.is_bias else "w"
            text += f" The optimizer uses the mean over the {shot.m} samples: ∂E/∂{symbol} = {fmt(mean)}."
        return text

    def copy_worked_example(self) -> None:
        QGuiApplication.clipboard().setText(self.markdown)


class NeuronCard(QFrame):
    """z, a, f′(z), δ, ∂E/∂b and the weights in and out of one neuron (or an input's value)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("neuron_card")
        self.setStyleSheet(card_style("neuron_card"))
        self.text = QLabel()
        self.text.setObjectName("neuron_card_text")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.text)

    def show_neuron(self, shot: Shot, layer: int, j: int, sample: int, name_of: NameOf) -> None:
        """Node layer ``layer`` (0: the features), neuron ``j``."""
        self.text.setText(neuron_html(shot, layer, j, sample, name_of))


def neuron_html(shot: Shot, layer: int, j: int, sample: int, name_of: NameOf) -> str:
    title = f"<b>{escape(name_of(layer, j)).capitalize()}</b>"
    if layer == 0:
        rows = [f"value for this sample: <b>{fmt(shot.a[0][sample, j])}</b>"]
        return title + "<br>" + "<br>".join(rows) + _outgoing(shot, 0, j, sample, name_of)
    l = layer - 1  # its weight layer
    index = parameter_index(shot.layer_sizes, l, shot.weights[l].shape[0], j)
    step = shot.step
    if shot.multiclass and l == shot.n_layers - 1:  # softmax + cross-entropy: p and y, no f′
        y = 1 if j == int(shot.classes[sample]) else 0
        fired = (f"z = {fmt(shot.z[l][sample, j])}, p = softmax(z)<sub>{j}</sub> = {fmt(shot.a[layer][sample, j])}, "
                 f"y = {y} (one-hot target)")
        delta = f"δ = ∂E/∂z = p − y = {fmt(shot.delta[l][sample, j])}"
    else:
        fired = (f"z = {fmt(shot.z[l][sample, j])}, a = f(z) = {fmt(shot.a[layer][sample, j])}, "
                 f"f′(z) = {fmt(shot.slopes[l][sample, j])}")
        delta = f"δ = ∂E/∂z = {fmt(shot.delta[l][sample, j])}"
    rows = [
        fired,
        delta
        + (f" (mean over the mini-batch: {fmt(shot.bias_gradients[l][j])})" if shot.m > 1 else ""),
        f"∂E/∂b = {fmt(shot.bias_gradients[l][j])}; b: {fmt(step.params_before[index])} → "
        f"{fmt(step.params_after[index])}{optimizer_memory(step, index)}",
    ]
    incoming = ["<b>In</b> (w · ∂E/∂w → after the step):"]
    for i in range(shot.weights[l].shape[0]):
        k = parameter_index(shot.layer_sizes, l, i, j)
        incoming.append(
            f"from {escape(name_of(layer - 1, i))}: w {fmt(shot.weights[l][i, j])} · "
            f"∂E/∂w {fmt(shot.weight_gradients[l][i, j])} → {fmt(step.params_after[k])}{optimizer_memory(step, k)}"
        )
    return title + "<br>" + "<br>".join(rows + incoming) + _outgoing(shot, layer, j, sample, name_of)


def _outgoing(shot: Shot, layer: int, j: int, sample: int, name_of: NameOf) -> str:
    if layer >= shot.n_layers:
        return ""
    rows = ["<b>Out</b> (w · δ of the neuron it feeds):"]
    for k in range(shot.weights[layer].shape[1]):
        rows.append(
            f"to {escape(name_of(layer + 1, k))}: w {fmt(shot.weights[layer][j, k])} · δ {fmt(shot.delta[layer][sample, k])}"
        )
    return "<br>" + "<br>".join(rows)


def _clear(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
