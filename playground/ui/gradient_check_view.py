"""The gradient check: is backprop's number really the slope? Nudge the parameter by ±h, fire the
same samples twice more, and compare the slope of the two losses with backprop's ∂E/∂w.

    central difference   (E(w + h) − E(w − h)) / 2h
    relative error       |backprop − difference| / max(|backprop|, |difference|)   ✓ below 1e-6

Every number comes from ``ShotLoss`` (engine/gradient_check.py) on a frozen copy of the network.
"Check all" differences every parameter, a slice at a time from a zero-interval timer so a large
network never freezes the window, and lists them worst first, as ``ShotLoss.check_all`` sorts.
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.engine.gradient_check import DEFAULT_H, MAX_CHECK_ALL, PASS_BELOW, ParameterCheck, ShotLoss
from playground.engine.shot import Shot, network_of
from playground.engine.trainer_state import TrainerState
from playground.ui.slope_view import format_number, parameter_symbol

MAX_H = 0.1
CHUNK_SECONDS = 0.02  # "check all" works this long per turn of the event loop
KINK_WARNING = "a ReLU kink lies within h: the difference quotient is not the derivative here"
H_ALLOWED = f"allowed: a number > 0 and ≤ {MAX_H:g}, e.g. 1e-5"
PASS_COLOR, FAIL_COLOR, WARN_COLOR = "#2e7d32", "#c62828", "#b35c00"
COLUMNS = ("parameter", "backprop", "central\ndifference", "relative\nerror", "✓/✗")
TABLE_DIGITS = 6  # significant digits of the table's gradients (the result label shows 8)
LOSS_DECIMALS = 10  # E(w ± h) differ in about the sixth decimal when h = 1e-5: show them all


def parse_h(text: str) -> float:
    """The h typed, or ValueError naming what is allowed."""
    try:
        h = float(text.strip().replace("−", "-"))
    except ValueError:
        raise ValueError(f"h = {text.strip()!r} is not a number; {H_ALLOWED}") from None
    if not (math.isfinite(h) and 0.0 < h <= MAX_H):
        raise ValueError(f"h = {text.strip()} is not allowed; {H_ALLOWED}")
    return h


def loss_text(value: float) -> str:
    """E(w ± h) with LOSS_DECIMALS fixed decimals, so the two line up digit by digit."""
    return f"{value:.{LOSS_DECIMALS}f}" if math.isfinite(value) and abs(value) < 1e6 else format_number(value)


def verdict(check: ParameterCheck) -> str:
    return "✓" if check.passed else "✗"


def worst_first(checks: list[ParameterCheck]) -> list[ParameterCheck]:
    """Largest relative error first, NaN before everything: ``ShotLoss.check_all``'s order."""
    return sorted(checks, key=lambda c: -c.relative_error if np.isfinite(c.relative_error) else -np.inf)


def result_text(check: ParameterCheck, symbol: str = "w") -> str:
    """The check as the result label shows it (rich text, one line a number)."""
    s, h = symbol, format_number(check.h, 3)
    colour = PASS_COLOR if check.passed else FAIL_COLOR
    agree = "they agree" if check.passed else "they disagree"
    if math.isnan(check.relative_error):
        agree = "no numbers to compare: the network has diverged"
    plus, minus = loss_text(check.loss_plus), loss_text(check.loss_minus)
    mark = f'<span style="color:{colour}"><b>{verdict(check)}</b> {agree} (✓ below {format_number(PASS_BELOW)})</span>'
    lines = [  # phrases joined by &nbsp; stay on one line when the label wraps
        f"{_nb(f'E({s} + h) = {plus}')} &nbsp; {_nb(f'E({s} − h) = {minus}')} &nbsp; {_nb(f'(h = {h})')}",
        f"their slope {_nb(f'(E({s} + h) − E({s} − h)) / 2h =')} <b>{format_number(check.numeric, 8)}</b>",
        f"backprop's ∂E/∂{s} = <b>{format_number(check.analytic, 8)}</b>",
        f"relative error {format_number(check.relative_error, 2)} {mark}",
    ]
    if check.kink:
        lines.append(f'<span style="color:{WARN_COLOR}">⚠ {KINK_WARNING}</span>')
    return "<br>".join(lines)


def _nb(text: str) -> str:
    """Plain text kept on one line."""
    return text.replace(" ", "&nbsp;")


class GradientCheckView(QWidget):
    """One parameter's check and, on demand, every parameter's, worst first."""

    parameter_chosen = Signal(int)  # a row of the table was clicked: that flat parameter index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loss: ShotLoss | None = None  # E of the shot's samples
        self._analytic = np.zeros(0)  # (n_params,) backprop's gradient of the shot
        self._index = 0
        self._symbol = "w"
        self._names: Callable[[int], str] = str
        self._pending: list[int] = []  # parameters "check all" has still to do
        self._done: list[ParameterCheck] = []
        self._h_all = DEFAULT_H
        self.last_check: ParameterCheck | None = None  # the result label's check
        self.checks: list[ParameterCheck] = []  # the table's rows, worst first
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._check_some)
        self._build()
        self.clear("Choose a weight or a bias to check its gradient.")

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setObjectName("gradient_check_title")
        self.title.setWordWrap(True)
        self.h_edit = QLineEdit(f"{DEFAULT_H:g}")
        self.h_edit.setObjectName("gradient_check_h")
        self.h_edit.setToolTip(f"How far to nudge the parameter either way; {H_ALLOWED}.")
        self.h_edit.setMaximumWidth(80)
        self.h_edit.returnPressed.connect(self.run_check)
        self.check_button = self._button("gradient_check_button", "Check this one",
                                         "Nudge the parameter by ±h, fire the samples again, and compare the slope "
                                         "of the two errors with backprop's ∂E/∂w.", self.run_check)
        self.check_all_button = self._button("check_all_button", "Check all",
                                             "The same check for every weight and bias, worst first.",
                                             self.run_check_all)
        self.h_message = QLabel()
        self.h_message.setObjectName("gradient_check_h_message")
        self.h_message.setStyleSheet(f"color: {FAIL_COLOR};")
        self.h_message.setWordWrap(True)
        self.result = QLabel()
        self.result.setObjectName("gradient_check_result")
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary = QLabel()
        self.summary.setObjectName("check_all_summary")
        self.summary.setWordWrap(True)
        self.table = self._build_table()
        self._build_layout()

    def _button(self, name: str, text: str, tooltip: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tooltip)
        button.clicked.connect(slot)
        return button

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setObjectName("gradient_check_table")
        table.setToolTip("Every parameter's check, the largest relative error first. Click a row to choose it.")
        table.setHorizontalHeaderLabels(COLUMNS)
        table.verticalHeader().setVisible(False)
        # Always there: the columns do not jump when the rows outgrow the table.
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # The verdict column by the widest it holds (✓ and ✗ may come from a fallback font,
        # which ResizeToContents measures short).
        last = len(COLUMNS) - 1
        header.setSectionResizeMode(last, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(last, table.fontMetrics().horizontalAdvance("✗ kink") + 16)
        table.cellClicked.connect(self._on_row_clicked)
        table.hide()
        return table

    def _build_layout(self) -> None:
        controls = QHBoxLayout()
        controls.setSpacing(6)
        controls.addWidget(QLabel("h ="))
        controls.addWidget(self.h_edit)
        controls.addWidget(self.check_button)
        controls.addWidget(self.check_all_button)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addLayout(controls)
        layout.addWidget(self.h_message)
        layout.addWidget(self.result)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, stretch=1)
        layout.addStretch(0)

    # ----- showing --------------------------------------------------------------------
    def show_check(self, state: TrainerState, shot: Shot, index: int, name: str, names: Callable[[int], str]) -> None:
        """Parameter ``index`` of the shot is the one to check (nothing is checked until asked);
        ``names(i)`` names any flat parameter i for the table. Earlier results are cleared."""
        self._stop_all()
        self._loss = ShotLoss(network_of(state), state.config.features, shot.points)
        self._analytic = shot.flat_gradient()
        self._index, self._names, self._symbol = index, names, parameter_symbol(name)
        who = "this sample" if shot.m == 1 else f"this mini-batch ({shot.m} samples)"
        self.title.setText(f"<b>Gradient check of {html.escape(name)}</b> for {who}: is backprop's slope the real one?")
        self._set_enabled(True)
        self._clear_results(f"Press “Check this one”: E is measured at {self._symbol} ± h and the slope between "
                            "compared with backprop's.")

    def clear(self, message: str) -> None:
        self._stop_all()
        self._loss = None
        self.title.setText("")
        self._set_enabled(False)
        self._clear_results(message)

    def _set_enabled(self, on: bool) -> None:
        for widget in (self.h_edit, self.check_button, self.check_all_button):
            widget.setEnabled(on)

    def _clear_results(self, message: str) -> None:
        self.last_check, self.checks = None, []
        self.h_message.setText("")
        self.h_message.hide()
        self.result.setText(message)
        self.summary.setText("")
        self.summary.hide()
        self.table.setRowCount(0)
        self.table.hide()

    def _h(self) -> float | None:
        """The h typed; None (and the refusal shown, nothing else changed) if it is not allowed."""
        try:
            h = parse_h(self.h_edit.text())
        except ValueError as error:
            self.h_message.setText(str(error))
            self.h_message.show()
            return None
        self.h_message.hide()
        return h

    # ----- one parameter --------------------------------------------------------------
    def run_check(self) -> None:
        h = self._h()
        if self._loss is None or h is None:
            return
        check = self._loss.check(self._index, float(self._analytic[self._index]), h)
        self.last_check = check
        self.result.setText(result_text(check, self._symbol))

    # ----- every parameter ------------------------------------------------------------
    def run_check_all(self) -> None:
        h = self._h()
        if self._loss is None or h is None:
            return
        self._stop_all()
        self.table.setRowCount(0)
        size = self._loss.network.size
        if size > MAX_CHECK_ALL:
            try:
                self._loss.check_all(self._analytic, h)  # refuses at once, in the engine's words
            except ValueError as error:
                self._show_summary(str(error))
                self.table.hide()
                return
        self._pending, self._done, self._h_all = list(range(size - 1, -1, -1)), [], h
        self.check_all_button.setEnabled(False)
        self._show_summary(f"checking {size:,} parameters …")
        self._timer.start()

    def _check_some(self) -> None:
        loss = self._loss
        if loss is None:
            self._stop_all()
            return
        deadline = time.monotonic() + CHUNK_SECONDS
        while self._pending:  # at least one a turn, however slow
            i = self._pending.pop()
            self._done.append(loss.check(i, float(self._analytic[i]), self._h_all))
            if time.monotonic() >= deadline:
                break
        if self._pending:
            self._show_summary(f"checking {len(self._done):,} of {loss.network.size:,} parameters …")
            return
        self._timer.stop()
        self.check_all_button.setEnabled(True)
        self._fill_table(worst_first(self._done))

    def _stop_all(self) -> None:
        self._timer.stop()
        self._pending, self._done = [], []
        self.check_all_button.setEnabled(self._loss is not None)

    def _fill_table(self, checks: list[ParameterCheck]) -> None:
        self.checks = checks
        self.table.setRowCount(len(checks))
        for row, check in enumerate(checks):
            cells = (self._names(check.index), format_number(check.analytic, TABLE_DIGITS),
                     format_number(check.numeric, TABLE_DIGITS),
                     format_number(check.relative_error, 2), verdict(check) + (" kink" if check.kink else ""))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, check.index)
                if column == 0:
                    item.setToolTip(text)  # a long name is elided in its cell
                if column == len(cells) - 1:
                    item.setForeground(QColor(PASS_COLOR if check.passed else FAIL_COLOR))
                    if check.kink:
                        item.setToolTip(KINK_WARNING)
                self.table.setItem(row, column, item)
        failed = sum(not c.passed for c in checks)
        worst = format_number(checks[0].relative_error, 2) if checks else "–"
        self._show_summary(f"{len(checks):,} parameters, h = {format_number(self._h_all, 3)}: "
                           + (f"all ✓ (worst relative error {worst})" if not failed else f"{failed:,} ✗, worst first"))
        self.table.show()

    def _show_summary(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.show()

    def _on_row_clicked(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.parameter_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))
