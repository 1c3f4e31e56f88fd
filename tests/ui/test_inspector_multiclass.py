"""The backprop inspector on a three-class network, driven by objectName as a learner drives it.

Miss shows the K probabilities, the one-hot target and E = −ln p_label; blame starts from each
class's own δ_k = p_k − y_k; an output weight's chain rule is a_i × (p_k − y_k); fire again shows
p_label and E before → after and the corrected network's border of the sample's class."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton

from playground.engine.config import Config
from playground.engine.explain_multiclass import class_margin, vector
from playground.engine.grid import GridEvaluator
from playground.engine.number_text import number as fmt
from playground.engine.shot import explain_samples, network_of
from tests.ui.conftest import WAIT_MS
from tests.ui.test_inspector import neuron_card_text, open_inspector

CONFIG = Config(problem="multiclass", classes=3, dataset="blobs", hidden=(4,), batch_size=5, noise=30, seed=3)


def stage_text(window) -> str:
    return window.findChild(QLabel, "stage_text").text()


def test_the_stages_tell_softmax_and_cross_entropy_with_the_engines_numbers(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    shot = inspector.shot
    assert shot.multiclass and shot.outputs.shape == (1, 3)
    np.testing.assert_array_equal(shot.delta[1], explain_samples(inspector.state, [inspector.row]).delta[1])
    label = window.findChild(QLabel, "stage_label")
    titles = []
    for _ in range(inspector.stage_count() - 1):
        qtbot.mouseClick(window.findChild(QToolButton, "stage_next_button"), Qt.MouseButton.LeftButton)
        titles.append(label.text().split(" · ", 1)[1])
    assert titles == ["Fire · hidden layer 1", "Fire · output layer", "Miss", "Blame · output layer",
                      "Blame · hidden layer 1", "Correct", "Fire again"]
    p, c = shot.outputs[0], int(shot.labels[0])
    y = np.eye(3)[c]
    view = window.run_view.network_view
    # Miss: the K probabilities, the one-hot target, E = −ln p_label, and p − y.
    inspector.go_to_stage("miss")
    text = stage_text(window)
    assert vector(p) in text and f"one-hot y = {vector(y)}" in text
    assert f"−ln {fmt(p[c])} = <b>{fmt(shot.losses[0])}</b>" in text
    assert vector(p - y) in text
    marks = view.stage_view().nodes
    for k in range(3):
        assert marks[(2, k)].text.startswith(f"p {fmt(p[k])}  y {int(y[k])}")
    assert marks[(2, c)].text.endswith(f"E = −ln p = {fmt(shot.losses[0])}")
    # Blame at the output: each class its own δ_k = p_k − y_k, the engine's.
    inspector.go_to(4)
    assert label.text().endswith("Blame · output layer")
    np.testing.assert_allclose(shot.delta[1][0], p - y, rtol=0, atol=1e-15)
    marks = view.stage_view().nodes
    text = stage_text(window)
    for k in range(3):
        assert marks[(2, k)].text == f"δ {fmt(shot.delta[1][0, k])}"
        assert f"class {k}: δ = p − y = {fmt(p[k])} − {fmt(y[k])} = <b>{fmt(shot.delta[1][0, k])}</b>" in text
    # Fire again: p_label and E before → after; the dashed border of the label's class.
    inspector.go_to_stage("fire_again")
    text = stage_text(window)
    after = shot.step.outputs_after[0]
    assert f"{fmt(p[c])} → {fmt(after[c])}" in text
    assert f"E {fmt(shot.loss)} → {fmt(shot.step.loss_after)}" in text
    assert f"border of class {c}" in text
    plot = window.run_view.output_panel.boundary_plot
    assert plot.ghost_shown
    maps = GridEvaluator(CONFIG.features).evaluate(network_of(shot.step.state_after))
    np.testing.assert_array_equal(inspector._ghost_map, class_margin(maps[-3:], c))


def test_class_margin_is_positive_exactly_where_the_class_wins():
    p = np.array([[[0.5, 0.2]], [[0.3, 0.3]], [[0.2, 0.5]]])  # (K = 3, 1, 2): two grid points
    np.testing.assert_allclose(class_margin(p, 0), [[0.2, -0.3]])
    np.testing.assert_allclose(class_margin(p, 2), [[-0.3, 0.2]])  # 0.5 − max(0.2, 0.3)


def test_an_output_weights_chain_rule_is_a_times_p_minus_y(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    shot = inspector.shot
    c = int(shot.labels[0])
    panel = window.run_view.inspector_panel
    for k in range(3):
        inspector.select(("edge", 1, 2, k))
        rule = panel.chain_rule_card.rule
        assert rule.is_output and rule.multiclass and rule.probabilities == tuple(shot.outputs[0])
        assert rule.error == shot.outputs[0, k] - (1.0 if k == c else 0.0) == rule.delta
        assert rule.gradient == shot.a[1][0, 2] * shot.delta[1][0, k]
        equation = window.findChild(QLabel, "chain_rule_equation").text()
        assert f"(p<sub>{k}</sub> − y<sub>{k}</sub>)" in equation and "f′" not in equation
        assert f"({fmt(rule.p)} − {fmt(rule.y)}) = <b>{fmt(rule.gradient)}</b>" in equation
        assert [label.target for label in panel.chain_rule_card.factor_labels[:2]] == [("node", 1, 2), ("node", 2, k)]
        assert "p_j − y_j" in panel.chain_rule_card.markdown
    # A hidden weight: one Σ row per class, each with that class's δ = p − y.
    inspector.select(("edge", 0, 1, 3))
    rule = panel.chain_rule_card.rule
    assert [t.delta for t in rule.terms] == list(shot.delta[1][0]) and rule.feeds_classes
    rows = [label.text() for label in panel.chain_rule_card.factor_labels[3:]]
    assert [row.split(":")[0] for row in rows] == ["k = class 0", "k = class 1", "k = class 2"]


def test_an_output_neurons_card_says_p_y_and_delta(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    text = neuron_card_text(window, qtbot, 2, 1)
    shot = inspector.shot
    y = 1 if int(shot.labels[0]) == 1 else 0
    assert f"p = softmax(z)<sub>1</sub> = {fmt(shot.outputs[0, 1])}, y = {y}" in text
    assert f"δ = ∂E/∂z = p − y = {fmt(shot.delta[1][0, 1])}" in text
    assert "f′" not in text.split("<b>In</b>")[0]


def test_next_wrong_picks_a_sample_whose_argmax_is_not_its_class_and_apply_steps(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    state = inspector.state
    shots = [explain_samples(state, [k]) for k in range(len(state.data.train))]
    wrong = [k for k, s in enumerate(shots) if int(np.argmax(s.outputs[0])) != int(s.labels[0])]
    assert wrong  # one epoch on noisy blobs leaves some wrong
    inspector.pick("misclassified")
    assert inspector.row in wrong
    shot = inspector.shot
    qtbot.mouseClick(window.findChild(QPushButton, "apply_shot_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: inspector.state is not None and np.array_equal(inspector.state.params, shot.step.params_after),
                    timeout=WAIT_MS)
