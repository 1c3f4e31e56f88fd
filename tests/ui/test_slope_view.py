"""The slope view draws exactly the engine's SlopeData: both curves, the tangent, the step and the
tangent's prediction; says which way is less error; its marker drags along the curve and emits
weight_dragged on release; the secant follows its h slider into the tangent."""

from __future__ import annotations

import dataclasses
import html
import re

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel

from playground.engine.shot import explain_samples
from playground.engine.slope import SlopeData, slope_data
from playground.engine.trainer_state import TrainerState
from playground.ui.slope_view import STEPS_PER_DECADE, SlopeView, direction_text, format_number, slider_h
from tests.engine.helpers import trained_state

NAME = "w from x₁ to neuron 2 of hidden layer 1"


@pytest.fixture(scope="module")
def state() -> TrainerState:
    return trained_state(5)


@pytest.fixture
def view(qtbot) -> SlopeView:
    widget = SlopeView()
    qtbot.addWidget(widget)
    widget.resize(560, 240)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def data_for(state: TrainerState, index: int, rows: tuple[int, ...] = (3,)) -> SlopeData:
    return slope_data(state, explain_samples(state, list(rows)), index)


def index_with_slope(state: TrainerState, sign: float) -> int:
    gradient = explain_samples(state, [3]).flat_gradient()
    return int(np.flatnonzero(np.sign(gradient) == sign)[0])


def plain(label: QLabel) -> str:
    """A rich-text label's text as the learner reads it."""
    return html.unescape(re.sub(r"<[^>]+>", "", label.text())).replace("\xa0", " ")


def xy(item) -> tuple[np.ndarray, np.ndarray]:
    x, y = item.getData()
    return (np.array([]), np.array([])) if x is None else (np.asarray(x), np.asarray(y))


def test_draws_the_slope_data(view, state):
    data = data_for(state, 2)
    view.show_slope(data, NAME)
    assert view.objectName() == "slope_plot_view" and view.data is data
    np.testing.assert_array_equal(xy(view.sample_curve)[0], data.values)
    np.testing.assert_array_equal(xy(view.sample_curve)[1], data.sample_loss)
    np.testing.assert_array_equal(xy(view.train_curve)[0], data.values)
    np.testing.assert_array_equal(xy(view.train_curve)[1], data.train_loss)
    assert (view.marker.pos().x(), view.marker.pos().y()) == pytest.approx((data.value, data.loss_now), abs=1e-12)
    x, y = xy(view.tangent)  # a segment of E(p) + slope·(x − p), reaching the prediction
    np.testing.assert_allclose(y, data.loss_now + data.slope * (x - data.value), rtol=1e-12)
    assert x[0] < min(data.value, data.new_value) and x[-1] > max(data.value, data.new_value)
    x, y = xy(view.step_line)
    assert (x.tolist(), y.tolist()) == ([data.value, data.new_value], [data.loss_now, data.loss_at_new])
    assert view.arrow.isVisible() and (view.arrow.pos().x(), view.arrow.pos().y()) == (data.new_value, data.loss_at_new)
    x, y = xy(view.prediction)
    assert (x.tolist(), y.tolist()) == ([data.new_value], [data.predicted_at_new])
    assert "E along " + NAME in view.title.text()
    step = plain(view.step_readout)
    assert f"step: w {format_number(data.value)} → {format_number(data.new_value)}, E changes by " in step
    assert f"tangent said {format_number(data.predicted_at_new - data.loss_now)}" in step
    assert plain(view.legend) == "▬ this sample  ▬ training set"


@pytest.mark.parametrize(("sign", "words"), [(1.0, "less error to the left"), (-1.0, "less error to the right")])
def test_direction_text(view, state, sign, words):
    data = data_for(state, index_with_slope(state, sign))
    view.show_slope(data, NAME)
    assert f"slope ∂E/∂w = {format_number(data.slope)}: {words}" in plain(view.slope_readout)


def test_flat_and_bias_wording(view, state):
    assert direction_text(0.0).startswith("flat")
    assert "diverged" in direction_text(float("nan"))
    view.show_slope(data_for(state, 4, rows=tuple(range(10))), "bias of neuron 2 of hidden layer 1")
    assert "∂E/∂b" in plain(view.slope_readout)
    assert view.plot_item.getAxis("bottom").labelText == "b"
    assert "this mini-batch" in plain(view.legend) and "10 samples" in view.legend.toolTip()


def test_overshoot_is_said(view):
    """At learning rate 3 the output bias of a regression overshoots: E(b) is a parabola of
    curvature 1, so a step of 3 × the slope lands beyond the minimum, higher than it started."""
    state = trained_state(epochs=0, learning_rate=3.0, problem="regression", dataset="plane")
    data = data_for(state, state.n_params - 1)
    view.show_slope(data, "bias of the output neuron")
    assert data.loss_at_new > data.loss_now > data.predicted_at_new
    assert plain(view.step_readout).endswith(": overshoot")


def test_dragging_the_marker_emits_the_value(view, state, qtbot):
    data = data_for(state, 2)
    view.show_slope(data, NAME)
    target = data.value + 0.4
    with qtbot.waitSignal(view.weight_dragged) as signal:
        view.marker.setPos(target, 123.0)  # y is ignored: the marker stays on the curve
        view.marker.sigPositionChangeFinished.emit(view.marker)
    assert signal.args == [pytest.approx(target)]
    assert view.marker.pos().y() == pytest.approx(np.interp(target, data.values, data.sample_loss))
    view.marker.setPos(data.values[-1] + 50.0, 0.0)  # clamped to the curve's range
    assert view.marker.pos().x() == data.values[-1]


def _mouse(viewport, kind: QEvent.Type, at: QPoint, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, QPointF(at), QPointF(viewport.mapToGlobal(at)), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)


def test_dragging_with_the_mouse(view, state, qtbot):
    data = data_for(state, 2)
    view.show_slope(data, NAME)
    widget = view.plot_widget
    view_box = view.view_box

    def screen(x: float, y: float) -> QPoint:
        return widget.mapFromScene(view_box.mapViewToScene(QPointF(x, y)))

    start = screen(data.value, data.loss_now)
    goal = data.value - 0.5
    end = screen(goal, data.loss_now)
    viewport = widget.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    with qtbot.waitSignal(view.weight_dragged) as signal:
        _mouse(viewport, QEvent.Type.MouseButtonPress, start, left)
        for k in range(1, 11):
            _mouse(viewport, QEvent.Type.MouseMove, start + (end - start) * (k / 10), left)
        _mouse(viewport, QEvent.Type.MouseButtonRelease, end, none)
    pixel = (data.values[-1] - data.values[0]) / view_box.width()
    assert signal.args[0] == pytest.approx(goal, abs=2 * pixel)
    assert "let go to set the parameter" in plain(view.step_readout)


def test_secant_follows_the_slider(view, state):
    data = data_for(state, 2)
    view.show_slope(data, NAME)
    assert not view.secant_h_slider.isEnabled() and xy(view.secant)[0].size == 0
    view.secant_checkbox.setChecked(True)
    assert view.secant_h_slider.isEnabled()
    errors = []
    for position in (0, 100, 300):
        view.secant_h_slider.setValue(position)
        h = slider_h(position)
        assert view.h == h == 10.0 ** (-position / STEPS_PER_DECADE)
        minus, plus, slope = data.secant(h)
        x, y = xy(view.secant_points)
        assert (x.tolist(), y.tolist()) == ([data.value - h, data.value + h], [minus, plus])
        x, y = xy(view.secant)
        np.testing.assert_allclose(np.diff(y) / np.diff(x), slope, rtol=1e-9)  # a straight line
        assert f"secant slope (h = {format_number(h, 2)}) = {format_number(slope)}" in plain(view.slope_readout)
        assert view.secant_h_label.text() == f"h = {format_number(h, 2)}"
        errors.append(abs(slope - data.slope))
    assert errors[2] < 1e-4 * errors[0]  # the secant turns into the tangent
    view.secant_checkbox.setChecked(False)
    assert xy(view.secant)[0].size == 0 and xy(view.secant_points)[0].size == 0
    assert "secant" not in plain(view.slope_readout)


def test_clear_shows_the_message_and_nothing_stale(view, state):
    view.show_slope(data_for(state, 2), NAME)
    view.secant_checkbox.setChecked(True)
    view.clear("Click an edge or a bias.")
    assert view.data is None and view.pages.currentWidget() is view.message
    assert view.message.text() == "Click an edge or a bias."
    assert xy(view.sample_curve)[0].size == 0 and xy(view.secant)[0].size == 0
    assert not view.secant_checkbox.isEnabled() and not view.secant_h_slider.isEnabled()
    view.show_slope(data_for(state, 3), NAME)
    assert view.pages.currentWidget() is view.content
    assert xy(view.secant)[0].size > 0  # the checkbox stayed on


@pytest.mark.parametrize("width", [400, 560])
def test_no_label_is_clipped(view, state, qtbot, width):
    view.resize(width, 240)
    view.secant_checkbox.setChecked(True)
    view.secant_h_slider.setValue(400)
    view.show_slope(data_for(state, 12), "w from neuron 1 of hidden layer 1 to neuron 2 of hidden layer 2")

    def nothing_clipped() -> None:  # once the layout has settled (a wrapped title grows a line)
        assert view.plot_widget.height() > 80
        for label in view.findChildren(QLabel):
            if label.isVisible() and label.text():
                hint = label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
                assert label.height() >= hint, label.objectName()
                assert label.wordWrap() or label.width() >= label.sizeHint().width(), label.objectName()

    qtbot.waitUntil(nothing_clipped)


def test_a_diverged_network_has_no_curve(view, state):
    diverged = dataclasses.replace(state, params=np.full(state.n_params, np.nan))
    view.show_slope(data_for(diverged, 2), NAME)
    assert view.data is None and view.pages.currentWidget() is view.message
    assert "diverged" in view.message.text()


def test_infinite_losses_draw_no_warnings(view, state):
    """A regression whose output weight is 1e200: every E is ∞ (a curve pyqtgraph cannot bound)."""
    state = trained_state(epochs=0, problem="regression", dataset="plane", activation="linear")
    params = state.params.copy()
    params[-2] = 1e200
    huge = dataclasses.replace(state, params=params)
    view.secant_checkbox.setChecked(True)
    view.show_slope(data_for(huge, 1), NAME)
    assert view.data is None and "E along " + NAME + " is ∞" in view.message.text()
