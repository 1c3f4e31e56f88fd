"""The gradient check view shows ShotLoss.check's numbers for the chosen parameter, refuses a bad h
without changing anything, lists every parameter worst first (in steps, never freezing the window),
warns of a ReLU kink within h, and never shows a result of an earlier shot or parameter."""

from __future__ import annotations

import dataclasses
import html
import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from playground.engine import gradient_check
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.gradient_check import DEFAULT_H, ShotLoss
from playground.engine.shot import Shot, explain_samples, network_of, parameter_index
from playground.engine.trainer import Trainer
from playground.engine.trainer_state import TrainerState
from playground.ui import gradient_check_view as view_module
from playground.ui.gradient_check_view import KINK_WARNING, GradientCheckView, loss_text, parse_h, worst_first
from playground.ui.slope_view import format_number

NAME = "w from x₁ to neuron 3 of hidden layer 1"


def small_state(epochs: int = 5, **changes: object) -> TrainerState:
    config = Config(**changes)
    trainer = Trainer(config, make_data(config))
    trainer.train(epochs)
    return trainer.state()


def plain(label: QLabel) -> str:
    """A rich-text label's text as the learner reads it."""
    return html.unescape(re.sub(r"<[^>]+>", "", label.text().replace("<br>", "\n"))).replace("\xa0", " ")


def name_of(i: int) -> str:
    return f"parameter {i}"


@pytest.fixture(scope="module")
def state() -> TrainerState:
    return small_state()


@pytest.fixture
def view(qtbot) -> GradientCheckView:
    widget = GradientCheckView()
    qtbot.addWidget(widget)
    widget.resize(560, 260)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shot_loss(state: TrainerState, shot: Shot) -> ShotLoss:
    return ShotLoss(network_of(state), state.config.features, shot.points)


def test_check_shows_the_engines_numbers(view, state, qtbot):
    shot = explain_samples(state, [3])
    view.show_check(state, shot, 2, NAME, name_of)
    assert view.h_edit.text() == "1e-05" and view.last_check is None
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    expected = shot_loss(state, shot).check(2, float(shot.flat_gradient()[2]), DEFAULT_H)
    assert view.last_check == expected
    text = plain(view.result)
    for part in (f"E(w + h) = {loss_text(expected.loss_plus)}", f"E(w − h) = {loss_text(expected.loss_minus)}",
                 "(h = 1×10⁻⁵)", f"their slope (E(w + h) − E(w − h)) / 2h = {format_number(expected.numeric, 8)}",
                 f"backprop's ∂E/∂w = {format_number(expected.analytic, 8)}",
                 f"relative error {format_number(expected.relative_error, 2)} ✓ they agree (✓ below 1×10⁻⁶)"):
        assert part in text
    assert expected.passed and "kink" not in text
    assert loss_text(0.1765152095123) == "0.1765152095"


def test_h_is_typed_and_validated(view, state, qtbot):
    shot = explain_samples(state, [3])
    view.show_check(state, shot, 5, "bias of neuron 1 of hidden layer 1", name_of)
    view.h_edit.setText("1e-3")
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert view.last_check.h == 1e-3 and "E(b + h)" in plain(view.result)
    before, checked = view.result.text(), view.last_check
    for bad in ("abc", "0", "-1e-5", "0.5", "nan", "inf", ""):
        view.h_edit.setText(bad)
        qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
        assert view.h_message.isVisible() and "allowed: a number > 0 and ≤ 0.1" in view.h_message.text()
        assert view.result.text() == before and view.last_check is checked  # nothing changed
    view.h_edit.setText("0.1")
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert not view.h_message.isVisible() and view.last_check.h == 0.1
    assert parse_h(" 2e-4 ") == 2e-4


def test_check_all_lists_every_parameter_worst_first(view, state, qtbot):
    shot = explain_samples(state, list(range(10)))
    view.show_check(state, shot, 0, NAME, name_of)
    qtbot.mouseClick(view.check_all_button, Qt.MouseButton.LeftButton)
    table = view.table
    qtbot.waitUntil(lambda: table.rowCount() == state.n_params and table.isVisible())
    engine = shot_loss(state, shot).check_all(shot.flat_gradient(), DEFAULT_H)
    assert [c.index for c in view.checks] == [c.index for c in engine]
    assert view.checks == engine
    errors = [c.relative_error for c in view.checks]
    assert errors == sorted(errors, reverse=True)
    for row, check in enumerate(engine):
        cells = [table.item(row, column).text() for column in range(table.columnCount())]
        assert cells == [name_of(check.index), format_number(check.analytic, 6), format_number(check.numeric, 6),
                         format_number(check.relative_error, 2), "✓" if check.passed else "✗"]
    assert f"{state.n_params} parameters" in view.summary.text()
    with qtbot.waitSignal(view.parameter_chosen) as chosen:
        table.cellClicked.emit(1, 0)
    assert chosen.args == [engine[1].index]


def test_check_all_works_in_steps(view, state, qtbot, monkeypatch):
    """One parameter a turn of the event loop here: the window stays responsive throughout."""
    monkeypatch.setattr(view_module, "CHUNK_SECONDS", 0.0)
    shot = explain_samples(state, [4])
    view.show_check(state, shot, 0, NAME, name_of)
    qtbot.mouseClick(view.check_all_button, Qt.MouseButton.LeftButton)
    assert view.table.rowCount() == 0 and not view.check_all_button.isEnabled()
    view._check_some()  # one turn of the timer
    assert "checking 1 of 25 parameters" in view.summary.text() and view.table.rowCount() == 0
    qtbot.waitUntil(lambda: view.table.rowCount() == state.n_params)
    assert view.checks == shot_loss(state, shot).check_all(shot.flat_gradient(), DEFAULT_H)
    assert view.check_all_button.isEnabled()


def test_check_all_refusal_is_a_message(view, state, qtbot, monkeypatch):
    monkeypatch.setattr(gradient_check, "MAX_CHECK_ALL", 10)
    monkeypatch.setattr(view_module, "MAX_CHECK_ALL", 10)
    view.show_check(state, explain_samples(state, [0]), 0, NAME, name_of)
    qtbot.mouseClick(view.check_all_button, Qt.MouseButton.LeftButton)
    assert "checking all 25 parameters would take too long; allowed: networks of up to 10" in view.summary.text()
    assert view.table.rowCount() == 0 and not view.table.isVisible()


def test_nothing_stale_after_a_new_shot_or_parameter(view, state, qtbot):
    view.show_check(state, explain_samples(state, [0]), 0, NAME, name_of)
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.check_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.table.rowCount() == state.n_params)
    view.show_check(state, explain_samples(state, [1]), 7, "another", name_of)
    assert view.last_check is None and view.checks == [] and view.table.rowCount() == 0
    assert not view.table.isVisible() and "E(w + h)" not in plain(view.result)
    # A "check all" still running when another parameter is shown stops and fills nothing.
    qtbot.mouseClick(view.check_all_button, Qt.MouseButton.LeftButton)
    view.show_check(state, explain_samples(state, [2]), 3, "a third", name_of)
    assert not view._timer.isActive() and view.table.rowCount() == 0
    view.clear("Click an edge or a bias.")
    assert view.result.text() == "Click an edge or a bias."
    assert not view.check_button.isEnabled() and not view.check_all_button.isEnabled()


def test_worst_first_puts_nan_first():
    def check(i: int, error: float) -> gradient_check.ParameterCheck:
        return gradient_check.ParameterCheck(i, 1e-5, 0.0, 0.0, 0.0, 0.0, error, False)

    assert [c.index for c in worst_first([check(0, 1e-9), check(1, np.nan), check(2, 0.3)])] == [1, 2, 0]


def test_relu_kink_within_h_is_warned(view, qtbot):
    """A sample whose first hidden neuron j has |z| < 0.05: moving that neuron's bias by ±h with
    h = 0.1 moves z by ±0.1 across 0, the ReLU's kink."""
    state = small_state(activation="relu", epochs=2)
    shot_all = explain_samples(state, range(len(state.data.train)))
    z = np.abs(shot_all.z[0])  # (n_train, n_hidden)
    row, neuron = np.unravel_index(int(np.argmin(z)), z.shape)
    assert z[row, neuron] < 0.05
    shot = explain_samples(state, [int(row)])
    bias = parameter_index(state.layer_sizes, 0, state.layer_sizes[0], int(neuron))  # row n_in: the bias
    view.show_check(state, shot, bias, f"bias of neuron {neuron + 1} of hidden layer 1", name_of)
    view.h_edit.setText("0.1")
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert view.last_check.kink and KINK_WARNING in plain(view.result)
    assert KINK_WARNING == "a ReLU kink lies within h: the difference quotient is not the derivative here"
    view.h_edit.setText("1e-9")  # far inside the kink-free part: no warning
    if z[row, neuron] > 1e-8:
        qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
        assert not view.last_check.kink and KINK_WARNING not in plain(view.result)


def test_a_diverged_network_is_said(view, state, qtbot):
    diverged = dataclasses.replace(state, params=np.full(state.n_params, np.nan))
    view.show_check(diverged, explain_samples(diverged, [0]), 3, NAME, name_of)
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert "E(w + h) = NaN" in plain(view.result) and "the network has diverged" in plain(view.result)
