"""The network view: items per network shape, signals from every control, colours, editing."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QGraphicsView, QLineEdit, QToolButton, QToolTip

from playground.engine.features import FEATURE_NAMES
from playground.ui.colors import GRADIENT_LUT, NAN_COLOR, value_color
from playground.ui.network_items import RING_IDLE
from playground.ui.network_view import NetworkView
from tests.ui.conftest import shown_network_view
from tests.ui.snapshot_factory import make_snapshot, make_trace, make_trainer

ALL_FEATURES = tuple(FEATURE_NAMES)


@pytest.fixture(scope="module")
def trained():
    """A circle network (2 features, hidden [4, 2]) after 60 epochs; never trained further."""
    return make_trainer(epochs=60, hidden=(4, 2))


@pytest.fixture
def view(qtbot):
    return shown_network_view(qtbot)


def canvas(view: NetworkView) -> QGraphicsView:
    return view.findChild(QGraphicsView, "network_canvas")


def on_screen(view: NetworkView, scene_point: QPointF) -> QPoint:
    return canvas(view).mapFromScene(scene_point)


def centre(view: NetworkView, item) -> QPoint:
    return on_screen(view, item.sceneBoundingRect().center())


def button(view: NetworkView, name: str) -> QToolButton:
    return view.findChild(QToolButton, name)


def edge_colour(view: NetworkView, layer: int, i: int, j: int) -> QColor:
    return view.edge_item(layer, i, j).pen().color()


# ----------------------------------------------------------------------------- structure

def test_items_match_the_network_and_are_rebuilt_only_on_a_new_shape(view, trained):
    view.show_snapshot(make_snapshot(trained))
    assert view.neuron_count() == 4 + 2 + 1
    assert view.edge_count() == 2 * 4 + 4 * 2 + 2 * 1
    assert {name: view.feature_item(name).opacity() == 1.0 for name in ALL_FEATURES} == {
        name: name in ("x1", "x2") for name in ALL_FEATURES
    }
    first_edge, first_neuron = view.edge_item(0, 0, 0), view.neuron_item(1, 0)
    view.show_snapshot(make_snapshot(trained, serial=2))
    assert view.edge_item(0, 0, 0) is first_edge and view.neuron_item(1, 0) is first_neuron

    wider = make_trainer(hidden=(4, 3, 2))
    view.show_snapshot(make_snapshot(wider))
    assert view.neuron_count() == 4 + 3 + 2 + 1
    assert view.edge_count() == 2 * 4 + 4 * 3 + 3 * 2 + 2 * 1
    assert button(view, "add_neuron_button_2") is not None
    assert "3 hidden layers" in view.findChild(type(view._layer_count), "layer_count_label").text()

    view.show_snapshot(make_snapshot(trained))
    assert view.edge_count() == 18
    assert button(view, "add_neuron_button_2") is None  # the third layer's controls are gone


def test_all_features_are_listed_and_new_inputs_rebuild_the_edges(view):
    trainer = make_trainer(hidden=(3,), features=("x1_x2", "x1", "sin_x2"))
    view.show_snapshot(make_snapshot(trainer))
    assert view.edge_count() == 3 * 3 + 3
    enabled = [name for name in ALL_FEATURES if view.feature_item(name).opacity() == 1.0]
    assert enabled == ["x1", "x1_x2", "sin_x2"]
    # input 0 of the network is x1_x2: its edges leave the X₁X₂ square
    start = view.edge_item(0, 0, 0).path().pointAtPercent(0.0)
    feature_box = view.feature_item("x1_x2").sceneBoundingRect()
    assert feature_box.top() <= start.y() <= feature_box.bottom()


def test_thumbnails_show_row_zero_at_the_bottom(view, trained):
    view.show_snapshot(make_snapshot(trained))
    image = view.feature_item("x2").thumb.pixmap().toImage()
    top, bottom = image.pixelColor(image.width() // 2, 1), image.pixelColor(image.width() // 2, image.height() - 2)
    assert top.blue() > top.red() and bottom.red() > bottom.blue()  # x2 > 0 is blue, at the top


# ----------------------------------------------------------------------------- controls

def test_clicking_a_feature_or_its_name_emits_feature_toggled(view, qtbot, trained):
    view.show_snapshot(make_snapshot(trained))
    viewport = canvas(view).viewport()
    with qtbot.waitSignal(view.feature_toggled) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=centre(view, view.feature_item("x1_squared")))
    assert blocker.args == ["x1_squared"]
    with qtbot.waitSignal(view.feature_toggled) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=centre(view, view.feature_item("x2").label))
    assert blocker.args == ["x2"]


def test_the_last_input_cannot_be_toggled_off(view, qtbot):
    view.show_snapshot(make_snapshot(make_trainer(hidden=(2,), features=("x1",))))
    with qtbot.assertNotEmitted(view.feature_toggled):
        view.clicked(("feature", "x1"), QPointF())
    with qtbot.waitSignal(view.feature_toggled):
        view.clicked(("feature", "x2"), QPointF())


def test_layer_buttons_emit_and_disable_at_the_limits(qtbot):
    view = NetworkView(max_layers=2, max_neurons=3)
    qtbot.addWidget(view)
    add, remove = button(view, "add_layer_button"), button(view, "remove_layer_button")
    assert not add.isEnabled() and not remove.isEnabled()  # nothing to change before a network
    view.show_snapshot(make_snapshot(make_trainer(hidden=(3,))))
    assert add.isEnabled() and remove.isEnabled()
    with qtbot.waitSignal(view.layer_added):
        qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(view.layer_removed):
        qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    view.show_snapshot(make_snapshot(make_trainer(hidden=(3, 1))))
    assert not add.isEnabled() and remove.isEnabled()
    view.show_snapshot(make_snapshot(make_trainer(hidden=())))
    assert add.isEnabled() and not remove.isEnabled()
    assert button(view, "add_neuron_button_0") is None
    assert view.edge_count() == 2


def test_neuron_buttons_emit_their_layer_and_disable_at_the_limits(qtbot):
    view = NetworkView(max_layers=6, max_neurons=3)
    qtbot.addWidget(view)
    view.show_snapshot(make_snapshot(make_trainer(hidden=(3, 1, 2))))
    assert not button(view, "add_neuron_button_0").isEnabled()
    assert not button(view, "remove_neuron_button_1").isEnabled()
    assert button(view, "add_neuron_button_2").isEnabled() and button(view, "remove_neuron_button_2").isEnabled()
    with qtbot.waitSignal(view.neuron_added) as added:
        qtbot.mouseClick(button(view, "add_neuron_button_1"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(view.neuron_removed) as removed:
        qtbot.mouseClick(button(view, "remove_neuron_button_0"), Qt.MouseButton.LeftButton)
    assert added.args == [1] and removed.args == [0]
    for name in ("add_layer_button", "remove_layer_button", "add_neuron_button_2", "remove_neuron_button_2"):
        assert button(view, name).toolTip()
    assert view.findChild(QCheckBox, "edge_colour_toggle").toolTip()


# ----------------------------------------------------------------------------- colours

def test_edges_are_coloured_by_gradient_until_the_toggle_switches_to_weight(view, trained):
    snap = make_snapshot(trained)
    view.show_snapshot(snap)
    scale = view.gradient_scale()
    all_gradients = np.abs(np.concatenate([g.ravel() for g in snap.weight_gradients]))
    assert scale == pytest.approx(np.percentile(all_gradients[all_gradients > 0], 95))
    g, w = snap.weight_gradients[1][2, 1], snap.weights[1][2, 1]
    assert edge_colour(view, 1, 2, 1) == value_color(float(g / scale), GRADIENT_LUT)
    assert "dE/dw" in view.legend_text() and f"{scale:.2g}" in view.legend_text()

    toggle = view.findChild(QCheckBox, "edge_colour_toggle")
    toggle.setChecked(True)
    assert edge_colour(view, 1, 2, 1) == value_color(float(w))
    assert view.bias_item(0, 1).brush().color() == value_color(float(snap.biases[0][1]))
    assert "weight" in view.legend_text()
    toggle.setChecked(False)
    assert edge_colour(view, 1, 2, 1) == value_color(float(g / scale), GRADIENT_LUT)


def test_edge_width_grows_with_the_weight(view, trained):
    snap = make_snapshot(trained)
    weights = [w.copy() for w in snap.weights]
    weights[0][0, 0], weights[0][1, 0] = 0.1, 4.0
    view.show_snapshot(dataclasses.replace(snap, weights=tuple(weights)))
    assert view.edge_item(0, 0, 0).pen().widthF() == 1.0
    assert view.edge_item(0, 1, 0).pen().widthF() > 5.0


def test_gradient_scale_follows_the_gradients_smoothly(view, trained):
    snap = make_snapshot(trained)
    view.show_snapshot(snap)
    first = view.gradient_scale()
    louder = dataclasses.replace(
        snap, weight_gradients=tuple(g * 100 for g in snap.weight_gradients), history_reset=False
    )
    view.show_snapshot(louder)
    assert first < view.gradient_scale() < 50 * first  # moves towards the new scale, no jump
    for _ in range(40):
        view.show_snapshot(louder)
    assert view.gradient_scale() == pytest.approx(100 * first, rel=1e-3)


def test_gradient_scale_restarts_when_the_history_does_not_when_the_epoch_falls(view, trained):
    snap = make_snapshot(trained)
    view.show_snapshot(snap)
    first = view.gradient_scale()
    louder = tuple(g * 100 for g in snap.weight_gradients)
    # A loaded experiment may be at a later epoch: the history reset, not the epoch, says "new run".
    view.show_snapshot(dataclasses.replace(snap, weight_gradients=louder, epoch=snap.epoch + 500, history_reset=True))
    assert view.gradient_scale() == pytest.approx(100 * first)
    # An earlier epoch within one history (a scrubbed view, say) smooths as usual.
    view.show_snapshot(dataclasses.replace(snap, epoch=snap.epoch - 10, history_reset=False))
    assert first < view.gradient_scale() < 100 * first / 2


def test_negligible_gradients_draw_neutral_and_the_legend_says_so(view, trained):
    snap = make_snapshot(trained)
    view.show_snapshot(snap)
    tiny = tuple(np.where(g > 0, 7e-13, -7e-13) for g in snap.weight_gradients)  # converged: round-off only
    tiny_bias = tuple(np.full_like(b, 3e-14) for b in snap.bias_gradients)
    view.show_snapshot(dataclasses.replace(snap, weight_gradients=tiny, bias_gradients=tiny_bias, history_reset=False))
    neutral = value_color(0.0, GRADIENT_LUT)
    assert edge_colour(view, 1, 2, 1) == neutral and edge_colour(view, 0, 0, 0) == neutral
    assert view.bias_item(0, 1).brush().color() == neutral
    assert view.gradient_scale() is None
    assert "gradients ≈ 0" in view.legend_text()
    # One significant gradient among round-off: it has the colour, the round-off stays neutral.
    mixed = [g.copy() for g in tiny]
    mixed[1][2, 1] = 0.05
    view.show_snapshot(dataclasses.replace(snap, weight_gradients=tuple(mixed), history_reset=False))
    assert edge_colour(view, 1, 2, 1) != neutral and edge_colour(view, 0, 0, 0) == neutral
    assert "gradients ≈ 0" not in view.legend_text()


def test_switching_colouring_recolours_edges_whose_index_and_width_stay_the_same(view, trained):
    snap = make_snapshot(trained)
    gradients = [g.copy() for g in snap.weight_gradients]
    weights = [w.copy() for w in snap.weights]
    scale_probe = NetworkView()
    scale_probe.show_snapshot(snap)
    scale = scale_probe.gradient_scale()
    # The same number under both colourings: the pen cache must still tell the tables apart.
    weights[0][0, 0], gradients[0][0, 0] = 0.3, 0.3 * scale
    same = dataclasses.replace(snap, weights=tuple(weights), weight_gradients=tuple(gradients))
    view.show_snapshot(same)
    assert edge_colour(view, 0, 0, 0) == value_color(0.3, GRADIENT_LUT)
    view.findChild(QCheckBox, "edge_colour_toggle").setChecked(True)
    assert edge_colour(view, 0, 0, 0) == value_color(0.3)
    scale_probe.deleteLater()


def test_a_traced_sample_colours_every_ring(view, trained):
    view.show_snapshot(make_snapshot(trained))
    assert view.neuron_item(1, 0).pen().color() == RING_IDLE
    trace = make_trace(trained, 2.0, 1.0, -1.0)
    view.show_snapshot(make_snapshot(trained, trace))
    for layer, size in enumerate(trained.network.layer_sizes[1:], start=1):
        for j in range(size):
            assert view.neuron_item(layer, j).pen().color() == value_color(float(trace.a[layer][j]))
    assert view.feature_item("x1").pen().color() == value_color(2.0 / 6.0)  # scaled by max |x1| = 6
    assert view.feature_item("x1_squared").pen().color() == RING_IDLE  # not an input
    view.show_snapshot(make_snapshot(trained))
    assert view.neuron_item(2, 1).pen().color() == RING_IDLE


def test_nan_everywhere_draws_grey_without_errors(view, trained):
    snap = make_snapshot(trained, make_trace(trained))
    nan = lambda arrays: tuple(np.full_like(a, np.nan, dtype=float) for a in arrays)  # noqa: E731
    broken = dataclasses.replace(
        snap,
        node_maps=np.full_like(snap.node_maps, np.nan),
        weights=nan(snap.weights),
        biases=nan(snap.biases),
        weight_gradients=nan(snap.weight_gradients),
        bias_gradients=nan(snap.bias_gradients),
        trace=dataclasses.replace(snap.trace, a=[np.full_like(a, np.nan) for a in snap.trace.a]),
    )
    view.show_snapshot(broken)
    image = view.neuron_item(1, 0).thumb.pixmap().toImage()
    assert image.pixelColor(3, 3) == QColor(*NAN_COLOR)
    assert edge_colour(view, 0, 0, 0) == QColor(*NAN_COLOR)
    assert "nan" in view.tooltip(("edge", 0, 0, 0))
    canvas(view).viewport().repaint()


# ----------------------------------------------------------------------------- hover and tooltips

def test_edge_and_bias_tooltips_show_values(view, trained):
    snap = make_snapshot(trained)
    view.show_snapshot(snap)
    w, g = float(snap.weights[1][3, 0]), float(snap.weight_gradients[1][3, 0])
    text = view.tooltip(("edge", 1, 3, 0))
    assert text.startswith(f"w = {w:.4f}, dE/dw = {g:.4g}") and "dead" not in text
    assert view.tooltip(("bias", 2, 0)).startswith(f"b = {float(snap.biases[2][0]):.4f}, dE/db = ")

    dead = tuple(np.ones_like(d) for d in snap.dead)
    view.show_snapshot(dataclasses.replace(snap, dead=dead))
    assert "dead (L1)" in view.tooltip(("edge", 1, 3, 0))
    assert view.edge_item(1, 3, 0).pen().style() == Qt.PenStyle.DashLine


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen tooltip window
def test_hovering_an_edge_shows_its_tooltip(view, trained):
    snap = make_snapshot(trained)
    view.show_snapshot(snap)
    point = on_screen(view, view.edge_item(0, 0, 0).path().pointAtPercent(0.5))
    viewport = canvas(view).viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    assert QToolTip.text().startswith(f"w = {float(snap.weights[0][0, 0]):.4f}")
    QToolTip.hideText()


def test_hovering_a_neuron_emits_its_node_index_and_tooltip_has_the_trace(view, qtbot, trained):
    trace = make_trace(trained)
    snap = make_snapshot(trained, trace)
    view.show_snapshot(snap)
    viewport = canvas(view).viewport()
    with qtbot.waitSignal(view.node_hovered) as entered:
        qtbot.mouseMove(viewport, centre(view, view.neuron_item(2, 1)))
    assert entered.args == [snap.node_index(2, 1)]
    with qtbot.waitSignal(view.node_hovered) as left:
        qtbot.mouseMove(viewport, QPoint(viewport.width() - 3, viewport.height() - 3))
    assert left.args == [-1]
    with qtbot.waitSignal(view.node_hovered) as feature:
        qtbot.mouseMove(viewport, centre(view, view.feature_item("x2")))
    assert feature.args == [snap.node_index(0, 1)]
    text = view.tooltip(("node", 2, 1))
    assert "hidden layer 2" in text and f"a = {float(trace.a[2][1]):.4f}" in text and "dE/dz" in text


# ----------------------------------------------------------------------------- editing

def test_edit_methods_emit_the_values(view, qtbot):
    with qtbot.waitSignal(view.weight_edited) as weight:
        view.edit_weight(1, 2, 0, np.float64(0.25))
    with qtbot.waitSignal(view.bias_edited) as bias:
        view.edit_bias(0, 3, -1.5)
    assert weight.args == [1, 2, 0, 0.25] and bias.args == [0, 3, -1.5]


def test_clicking_an_edge_opens_an_editor_that_emits_the_typed_weight(view, qtbot, trained):
    view.show_snapshot(make_snapshot(trained))
    viewport = canvas(view).viewport()
    point = on_screen(view, view.edge_item(0, 0, 0).path().pointAtPercent(0.5))
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point)
    editor = view.findChild(QLineEdit, "parameter_editor")
    assert editor.isVisible() and float(editor.text()) == pytest.approx(trained.network.weights[0][0, 0], abs=1e-5)
    editor.selectAll()
    qtbot.keyClicks(editor, "0.75")
    with qtbot.waitSignal(view.weight_edited) as edited:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert edited.args == [0, 0, 0, 0.75] and not editor.isVisible()


def test_an_invalid_value_is_marked_and_emits_nothing(view, qtbot, trained):
    view.show_snapshot(make_snapshot(trained))
    editor = view.open_editor(("bias", 1, 0))
    editor.selectAll()
    qtbot.keyClicks(editor, "0.5x")
    with qtbot.assertNotEmitted(view.bias_edited), qtbot.assertNotEmitted(view.weight_edited):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.isVisible() and editor.property("invalid") is True and "d93025" in editor.styleSheet()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()


def test_clicking_a_bias_edits_it(view, qtbot, trained):
    view.show_snapshot(make_snapshot(trained))
    qtbot.mouseClick(canvas(view).viewport(), Qt.MouseButton.LeftButton, pos=centre(view, view.bias_item(2, 0)))
    editor = view.findChild(QLineEdit, "parameter_editor")
    assert editor.isVisible()
    editor.setText("−2")  # a typographic minus is accepted
    with qtbot.waitSignal(view.bias_edited) as edited:
        qtbot.keyClick(editor, Qt.Key.Key_Enter)
    assert edited.args == [2, 0, -2.0]


# ----------------------------------------------------------------------------- size and look

def test_a_small_widget_scales_the_network_to_fit(view, qtbot):
    trainer = make_trainer(hidden=(8,) * 6, features=ALL_FEATURES)
    view.show_snapshot(make_snapshot(trainer))
    view.resize(380, 330)
    qtbot.waitUntil(lambda: canvas(view).transform().m11() < 1.0)
    scene = canvas(view).scene().itemsBoundingRect()
    visible = canvas(view).mapToScene(canvas(view).viewport().rect()).boundingRect()
    assert visible.contains(scene.adjusted(2, 2, -2, -2))
    view.resize(650, 600)
    qtbot.waitUntil(lambda: canvas(view).transform().m11() == 1.0)


def test_renders_a_trained_circle_network(view, trained, tmp_path):
    view.show_snapshot(make_snapshot(trained, make_trace(trained)))
    image = view.grab().toImage()
    assert image.save(str(tmp_path / "network_view.png"))
    output = view.neuron_item(3, 0).thumb.pixmap().toImage()
    colours = [output.pixelColor(x, y) for x in range(output.width()) for y in range(output.height())]
    assert any(c.blue() - c.red() > 100 for c in colours)  # inside the circle: blue
    assert any(c.red() - c.blue() > 100 for c in colours)  # outside: orange
