"""The backprop inspector driven as a learner drives it: by objectName, clicks and keys.

Every number the inspector shows must be the engine's own (a Shot made from a frozen copy of the
trainer), and nothing may change the run except "Apply this shot"."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QRadioButton, QToolButton

from playground.engine.chain_rule import chain_rule, chain_rule_markdown
from playground.engine.config import Config
from playground.engine.number_text import number as fmt
from playground.engine.shot import batch_indices, explain_samples, network_of, parameter_index
from playground.ui.stages import stages
from tests.ui.conftest import WAIT_MS

CONFIG = Config(dataset="xor", hidden=(3, 2), batch_size=4, seed=3)


def open_inspector(window, qtbot):
    window.controller.step()  # one epoch: the optimizer has state, the gradients are not zero
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == 1, timeout=WAIT_MS)
    qtbot.mouseClick(window.findChild(QPushButton, "inspect_button"), Qt.MouseButton.LeftButton)
    inspector = window.run_view.inspector
    qtbot.waitUntil(lambda: inspector.shot is not None, timeout=WAIT_MS)
    return inspector


def neuron_card_text(window, qtbot, layer: int, neuron: int) -> str:
    """Click neuron ``neuron`` of layer ``layer`` in the network drawing; the card's text."""
    view = window.run_view.network_view
    node = view.neuron_item(layer, neuron)
    where = view._canvas.mapFromScene(node.sceneBoundingRect().center())
    qtbot.mouseClick(view._canvas.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(window.run_view.inspector_panel.neuron_card.isVisible, timeout=WAIT_MS)
    return window.findChild(QLabel, "neuron_card_text").text()


def test_inspect_opens_on_the_worst_sample_with_the_engines_numbers(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    panel = window.run_view.inspector_panel
    assert panel.objectName() == "inspector_panel" and panel.isVisible()
    assert panel.isAncestorOf(window.findChild(QLabel, "stage_label"))
    assert window.findChild(QPushButton, "inspect_button").isChecked()
    assert not window.data_scroll.isVisible()  # the inspector has the data panel's room
    assert not window.controller.snapshot.running
    state = inspector.state
    expected = explain_samples(state, [inspector.row])
    losses = [explain_samples(state, [k]).loss for k in range(len(state.data.train))]
    assert inspector.row == int(np.argmax(losses))  # the worst sample
    for got, want in zip(inspector.shot.delta, expected.delta):
        np.testing.assert_array_equal(got, want)
    assert window.findChild(QLabel, "stage_label").text().startswith(f"Stage 1/{inspector.stage_count()} · Aim")


def test_stages_walk_forwards_and_blame_starts_at_the_output(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    shot = inspector.shot
    label = window.findChild(QLabel, "stage_label")
    titles = []
    for _ in range(inspector.stage_count() - 1):
        qtbot.mouseClick(window.findChild(QToolButton, "stage_next_button"), Qt.MouseButton.LeftButton)
        titles.append(label.text().split(" · ", 1)[1])
    assert titles == [
        "Fire · hidden layer 1", "Fire · hidden layer 2", "Fire · output layer", "Miss",
        "Blame · output layer", "Blame · hidden layer 2", "Blame · hidden layer 1", "Correct", "Fire again",
    ]
    assert not window.findChild(QToolButton, "stage_next_button").isEnabled()
    # Blame of hidden layer 2: its neurons show δ, the engine's, and the layer below is not lit yet.
    inspector.go_to(6)
    view = window.run_view.network_view.stage_view()
    assert view.nodes[(2, 0)].text == f"δ {fmt(float(shot.delta[1][0, 0]))}"
    assert (1, 0) not in view.nodes and view.lit == {1, 2, 3}  # hidden layer 1 is blamed next
    # Fire again: the new output, E before → after, and the corrected boundary drawn as a ghost.
    inspector.go_to_stage("fire_again")
    text = window.findChild(QLabel, "stage_text").text()
    assert f"E {fmt(shot.loss)} → {fmt(shot.step.loss_after)}" in text
    assert window.run_view.output_panel.boundary_plot.ghost_shown


def test_arrow_keys_step_through_stages_while_the_panel_has_focus(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    panel = window.run_view.inspector_panel
    panel.setFocus()
    qtbot.waitUntil(panel.hasFocus, timeout=WAIT_MS)
    epoch = window.controller.snapshot.epoch
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    assert inspector.stage_index == 2
    qtbot.keyClick(panel, Qt.Key.Key_Left)
    assert inspector.stage_index == 1
    assert window.controller.snapshot.epoch == epoch  # → stepped the stages, not the training
    qtbot.keyClick(panel, Qt.Key.Key_Escape)
    assert not panel.isVisible() and not inspector.is_open and window.data_scroll.isVisible()
    assert window.run_view.network_view.stage_view() is None


def test_playing_the_stages_is_driven_by_a_timer_and_never_blocks(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    window.run_view.inspector_panel.speed_combo.setCurrentText("Fast")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(inspector.stage_index))
    timer.start(0)
    qtbot.mouseClick(window.findChild(QToolButton, "stage_play_button"), Qt.MouseButton.LeftButton)
    assert inspector.playing and inspector.stage_index == 0  # the click returned at once
    qtbot.waitUntil(lambda: not inspector.playing, timeout=WAIT_MS)
    last = inspector.stage_count() - 1
    assert inspector.stage_index == last
    # The play stops inside the last stage's timeout: the zero timer sees that stage on a later
    # pass of the event loop (waitUntil may check first, as it did on a loaded machine).
    qtbot.waitUntil(lambda: ticks[-1] == last, timeout=WAIT_MS)
    timer.stop()
    # The event loop ran between every pair of stages: a zero timer saw each stage in turn.
    assert sorted(set(ticks)) == list(range(inspector.stage_count()))


def test_clicking_a_training_point_chooses_the_shot(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    plot = window.run_view.output_panel.boundary_plot
    train = inspector.state.data.train
    row = (inspector.row + 7) % len(train)
    scene = plot.view_box.mapViewToScene(QPointF(*train[row, :2]))
    where = plot.plot_widget.mapFromScene(scene)
    # Another point may lie within the click radius: the inspector takes whichever point the plot reports.
    expected = plot.point_at(scene)
    qtbot.mouseClick(plot.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(where.x(), where.y()))
    qtbot.waitUntil(lambda: tuple(inspector.shot.points[0]) == expected, timeout=WAIT_MS)
    np.testing.assert_array_equal(inspector.shot.points, [train[inspector.row]])


def test_mini_batch_mode_uses_the_batch_the_optimizer_averages(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    row = inspector.row
    qtbot.mouseClick(window.findChild(QRadioButton, "this_batch_radio"), Qt.MouseButton.LeftButton)
    shot = inspector.shot
    expected_rows = batch_indices(len(inspector.state.data.train), CONFIG.batch_size, row)
    np.testing.assert_array_equal(shot.indices, expected_rows)
    mean = np.mean([shot.sample_weight_gradient(0, s) for s in range(shot.m)], axis=0)
    np.testing.assert_allclose(shot.weight_gradients[0], mean, rtol=1e-14, atol=1e-17)
    assert inspector.focus == int(np.flatnonzero(expected_rows == row)[0])


def test_pick_buttons(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    state = inspector.state
    qtbot.mouseClick(window.findChild(QPushButton, "random_sample_button"), Qt.MouseButton.LeftButton)
    assert 0 <= inspector.row < len(state.data.train)
    start = inspector.row
    train = state.data.train
    outputs = np.array([explain_samples(state, [k]).outputs[0] for k in range(len(train))])
    wrong = np.flatnonzero(np.where(outputs >= 0, 1.0, -1.0) != train[:, 2])
    assert wrong.size, "the network gets every sample right: choose a harder start"
    expected = next((int(k) for k in wrong if k > start), int(wrong[0]))  # the next one after, cyclically
    qtbot.mouseClick(window.findChild(QPushButton, "misclassified_sample_button"), Qt.MouseButton.LeftButton)
    assert inspector.row == expected
    qtbot.mouseClick(window.findChild(QPushButton, "worst_sample_button"), Qt.MouseButton.LeftButton)
    losses = [explain_samples(state, [k]).loss for k in range(len(state.data.train))]
    assert inspector.row == int(np.argmax(losses))


def test_clicking_an_edge_shows_its_chain_rule_with_the_engines_numbers(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    view = window.run_view.network_view
    edge = view.edge_item(0, 1, 2)
    where = view._canvas.mapFromScene(edge.path().pointAtPercent(0.5))
    qtbot.mouseClick(view._canvas.viewport(), Qt.MouseButton.LeftButton, pos=where)
    card = window.run_view.inspector_panel.chain_rule_card
    qtbot.waitUntil(lambda: card.isVisible() and card.rule is not None, timeout=WAIT_MS)
    assert card.objectName() == "chain_rule_card"
    shot = inspector.shot
    rule = card.rule
    assert (rule.layer, rule.row, rule.neuron) == (0, 1, 2)
    assert rule.gradient == shot.a[0][0, 1] * shot.delta[0][0, 2] == shot.sample_weight_gradient(0, 0)[1, 2]
    assert rule.a_in == shot.a[0][0, 1] and rule.slope == shot.slopes[0][0, 2] and rule.delta == shot.delta[0][0, 2]
    assert [t.delta for t in rule.terms] == list(shot.delta[1][0])  # one Σ row per neuron above
    equation = window.findChild(QLabel, "chain_rule_equation").text()
    assert fmt(rule.gradient) in equation and fmt(rule.slope) in equation
    # The parameters in use are the same weights the window runs: nothing changed the run.
    np.testing.assert_array_equal(shot.weights[0], window.controller.snapshot.weights[0])
    # Hovering the factor of a Σ row marks its edge in the network view.
    highlight = view._edges.highlight
    assert highlight.isVisible() and highlight.path() == edge.path()  # the selected edge is marked
    term_label = card.factor_labels[3]
    assert term_label.target == ("edge", 1, 2, 0)
    qtbot.mouseMove(term_label)
    qtbot.waitUntil(lambda: highlight.path() == view.edge_item(1, 2, 0).path(), timeout=WAIT_MS)
    # Copy as worked example: the Markdown of this very rule.
    qtbot.mouseClick(window.findChild(QPushButton, "copy_worked_example_button"), Qt.MouseButton.LeftButton)
    markdown = QGuiApplication.clipboard().text()
    assert markdown == card.markdown
    assert f"{rule.gradient:.6g}".lstrip("-") in markdown


def test_clicking_a_neuron_shows_its_card(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    text = neuron_card_text(window, qtbot, 2, 1)
    shot = inspector.shot
    for value in (shot.z[1][0, 1], shot.a[2][0, 1], shot.slopes[1][0, 1], shot.delta[1][0, 1]):
        assert fmt(float(value)) in text
    bias = parameter_index(shot.layer_sizes, 1, 3, 1)
    assert fmt(float(shot.step.params_after[bias])) in text


def test_the_numbers_agree_with_the_explain_chain_rule(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    inspector.select(("bias", 2, 0))
    rule = window.run_view.inspector_panel.chain_rule_card.rule
    assert rule == chain_rule(inspector.shot, 2, 2, 0, 0)
    assert window.run_view.inspector_panel.chain_rule_card.markdown.startswith(
        chain_rule_markdown(rule, "b of the output", "the output").splitlines()[0]
    )


def test_apply_this_shot_makes_exactly_the_step_shown(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    shot = inspector.shot
    epoch = window.controller.snapshot.epoch
    qtbot.mouseClick(window.findChild(QPushButton, "apply_shot_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: inspector.state is not None and np.array_equal(inspector.state.params, shot.step.params_after),
                    timeout=WAIT_MS)
    snapshot = window.controller.snapshot
    assert snapshot.epoch == epoch and not snapshot.running
    np.testing.assert_array_equal(snapshot.weights[-1], network_of(shot.step.state_after).weights[-1])
    # The current history row was measured again on the corrected network.
    assert inspector.is_open and inspector.stage_index == 0


def test_the_inspector_never_changes_the_run_by_itself(open_window, qtbot):
    window = open_window(CONFIG)
    before = window.controller.snapshot
    inspector = open_inspector(window, qtbot)
    after_step = window.controller.snapshot
    for name in ("worst", "random", "misclassified"):
        inspector.pick(name)
    inspector.set_batch(True)
    for k in range(inspector.stage_count()):
        inspector.go_to(k)
    inspector.select(("edge", 0, 0, 0))
    with qtbot.waitSignal(window.controller.state_taken, timeout=WAIT_MS) as taken:
        window.controller.take_state()  # the worker answers after everything asked before it
    np.testing.assert_array_equal(taken.args[0].params, after_step_params(after_step))
    for w_now, w_then in zip(window.controller.snapshot.weights, after_step.weights):
        np.testing.assert_array_equal(w_now, w_then)
    assert window.controller.snapshot.epoch == before.epoch + 1


def test_play_closes_the_inspector_and_i_opens_it(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    window.controller.play()
    qtbot.waitUntil(lambda: not inspector.is_open, timeout=WAIT_MS)
    assert not window.findChild(QPushButton, "inspect_button").isChecked()
    assert window.run_view.network_view.stage_view() is None
    qtbot.keyClick(window, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: inspector.is_open and inspector.shot is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.controller.snapshot.running, timeout=WAIT_MS)


def test_dragging_the_slope_marker_sets_the_weight_and_re_aims(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    inspector.select(("edge", 1, 0, 1))
    window.run_view.inspector_panel.slope_view.weight_dragged.emit(0.75)
    qtbot.waitUntil(lambda: inspector.shot.weights[1][0, 1] == 0.75, timeout=WAIT_MS)
    assert window.controller.snapshot.weights[1][0, 1] == 0.75
    assert inspector.selected == ("edge", 1, 0, 1)  # the selection survives the re-aim


@pytest.mark.parametrize("stage", ["blame", "correct"])
def test_every_stage_count_matches_the_timeline(stage):
    assert sum(s.name == stage for s in stages(3)) == (3 if stage == "blame" else 1)


def test_playground_explain_gives_the_numbers_of_the_card(open_window, qtbot, tmp_path, capsys):
    import json

    from playground.cli import main

    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    inspector.select(("edge", 1, 2, 0))
    rule = window.run_view.inspector_panel.chain_rule_card.rule
    path = tmp_path / "run.json"
    with qtbot.waitSignal(window.controller.saved, timeout=WAIT_MS):
        window.controller.save_experiment(str(path))
    capsys.readouterr()
    assert main(["explain", "--from", str(path), "--sample", f"train:{inspector.row}", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    layer = document["layers"][1]
    assert layer["weight_gradients"][2][0] == rule.gradient
    assert layer["delta"][0] == rule.delta and layer["z"][0] == rule.z
    assert document["loss"] == inspector.shot.loss
    assert document["step"]["loss_after"] == inspector.shot.step.loss_after


def after_step_params(snapshot) -> np.ndarray:
    """The flat parameters a snapshot shows, laid out like Network.params."""
    from playground.engine.network import Network

    net = Network(snapshot.layer_sizes, "linear", "linear")
    views = net.views(net.params)
    for layer, (w, b) in enumerate(zip(snapshot.weights, snapshot.biases)):
        views.weights[layer][...] = w
        views.biases[layer][...] = b
    return net.params


def test_inspect_pressed_while_training_stays_open_once_paused(open_window, qtbot):
    window = open_window(CONFIG)
    window.controller.play()
    qtbot.waitUntil(lambda: window.controller.snapshot.running and window.controller.snapshot.epoch > 20,
                    timeout=WAIT_MS)
    qtbot.mouseClick(window.findChild(QPushButton, "inspect_button"), Qt.MouseButton.LeftButton)
    inspector = window.run_view.inspector
    qtbot.waitUntil(lambda: not window.controller.snapshot.running and inspector.shot is not None, timeout=WAIT_MS)
    epoch = window.controller.snapshot.epoch
    qtbot.waitUntil(lambda: inspector.state is not None and inspector._aimed_at is not None, timeout=WAIT_MS)
    assert inspector.is_open and window.run_view.inspector_panel.isVisible()
    assert window.controller.snapshot.epoch == epoch


def test_keys_belong_to_the_widget_that_uses_them(open_window, qtbot):
    from PySide6.QtWidgets import QSlider

    window = open_window(CONFIG)
    view = window.run_view.network_view
    editor = view.open_editor(("bias", 1, 0))
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()  # Esc cancels the editor (no window-wide Esc)
    slider = window.findChild(QSlider, "noise_slider")
    slider.setFocus()
    before = slider.value()
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert slider.value() == before + slider.singleStep()
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    assert slider.value() == before
    assert window.controller.snapshot.epoch == 0  # → moved the slider, it did not train
    inspector = open_inspector(window, qtbot)
    inspector.select(("edge", 0, 0, 0))
    from PySide6.QtWidgets import QCheckBox

    window.findChild(QCheckBox, "secant_checkbox").setChecked(True)
    secant = window.findChild(QSlider, "secant_h_slider")
    assert secant.isEnabled()
    secant.setFocus()
    qtbot.waitUntil(secant.hasFocus, timeout=WAIT_MS)
    stage, value = inspector.stage_index, secant.value()
    qtbot.keyClick(secant, Qt.Key.Key_Right)
    assert secant.value() != value and inspector.stage_index == stage


def test_a_row_of_check_all_selects_that_parameter(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    inspector.select(("edge", 0, 0, 0))
    index = parameter_index(inspector.shot.layer_sizes, 1, 3, 1)  # the bias of neuron 2 of hidden layer 2
    window.run_view.inspector_panel.gradient_check_view.parameter_chosen.emit(index)
    assert inspector.selected == ("bias", 1, 1)
    assert window.run_view.inspector_panel.chain_rule_card.rule.is_bias


def test_the_last_short_batch_is_named_and_a_whole_set_batch_is_not(open_window, qtbot):
    window = open_window(Config(dataset="xor", hidden=(3,), batch_size=30, seed=3))
    inspector = open_inspector(window, qtbot)
    n_train = len(inspector.state.data.train)
    inspector.set_batch(True)
    inspector.choose_row(n_train - 1)
    assert "next epoch's first update" in window.run_view.inspector_panel.shot_label.text()
    window.controller.set_value("batch_size", n_train)  # one update per epoch: nothing is carried
    qtbot.waitUntil(lambda: inspector.state is not None and inspector.state.config.batch_size == n_train,
                    timeout=WAIT_MS)
    inspector.choose_row(n_train - 1)
    assert inspector.shot.m == n_train
    assert "next epoch" not in window.run_view.inspector_panel.shot_label.text()


def test_a_regression_has_no_decision_boundary_ghost(open_window, qtbot):
    window = open_window(Config(problem="regression", dataset="plane", hidden=(3,), seed=3))
    inspector = open_inspector(window, qtbot)
    inspector.go_to_stage("fire_again")
    assert not window.run_view.output_panel.boundary_plot.ghost_shown
    assert "decision boundary" not in window.findChild(QLabel, "stage_text").text()


def test_the_marked_item_stays_marked_where_it_moves(open_window, qtbot):
    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    view = window.run_view.network_view
    qtbot.mouseMove(window.run_view.top_bar)  # a pointer left over a chain-rule factor would mark that factor's item
    inspector.select(("bias", 2, 0))
    window.resize(window.width() - 200, window.height() - 100)  # the network is laid out anew
    bias = view.bias_item(2, 0)
    qtbot.waitUntil(lambda: view._overlay._node_highlight.rect().contains(bias.sceneBoundingRect()), timeout=WAIT_MS)
    inspector.select(("edge", 1, 0, 0))
    window.resize(window.width() + 150, window.height())
    qtbot.waitUntil(lambda: view._edges.highlight.path() == view.edge_item(1, 0, 0).path(), timeout=WAIT_MS)


def test_clicks_before_a_rebuilt_network_is_re_aimed_wait_for_its_state(open_window, qtbot, monkeypatch):
    """Found by the stress monkey: a network rebuilt while the inspector is open, and a pick, a
    click on an edge and the last stage before the new state arrived, drew the old shot over the
    new network (IndexError) or checked it against the new state (ValueError)."""
    from playground.engine.config_edits import ChangeWidth

    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    inspector.select(("bias", 1, 1))  # the second neuron of hidden layer 2
    asked = []
    monkeypatch.setattr(window.controller, "take_state", lambda: asked.append(True))  # the state is late
    window.run_view.edit(ChangeWidth(1, -1))  # hidden layer 2 keeps one neuron
    qtbot.waitUntil(lambda: window.controller.snapshot.layer_sizes == (2, 3, 1, 1) and bool(asked), timeout=WAIT_MS)
    inspector.pick("random")
    inspector.select(("edge", 1, 2, 0))
    inspector.go_to_stage("fire_again")
    inspector.choose_row(0)
    monkeypatch.undo()
    window.controller.take_state()  # the state arrives: the shot is fired from it
    qtbot.waitUntil(lambda: inspector.shot is not None and inspector.shot.layer_sizes == (2, 3, 1, 1),
                    timeout=WAIT_MS)
    assert inspector.row == 0 and inspector.selected == ("edge", 1, 2, 0)  # the old bias is gone
    inspector.go_to_stage("fire_again")


def test_a_plane_without_training_points_leaves_nothing_to_fire(open_window, qtbot):
    from playground.engine.point_edits import ClearPoints

    window = open_window(CONFIG)
    inspector = open_inspector(window, qtbot)
    window.controller.edit_points(ClearPoints())
    qtbot.waitUntil(lambda: inspector.shot is None, timeout=WAIT_MS)
    inspector.pick("worst")
    assert inspector.shot is None
    assert "no training points" in window.run_view.inspector_panel.findChild(QLabel, "shot_label").text()
