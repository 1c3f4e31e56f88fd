"""An editable combo box of preset numbers that accepts any valid typed value."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

INVALID_STYLE = "QComboBox { border: 2px solid #d62728; }"


class ValueCombo(QComboBox):
    """Presets in the list; typing a number and pressing Enter (or leaving) applies it.

    ``validate`` returns an error message or "" for a value; an invalid entry turns the
    border red, shows the message as the tooltip and emits nothing.
    """

    value_chosen = Signal(float)

    def __init__(
        self, presets: Sequence[float], validate: Callable[[float], str], tooltip: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._validate = validate
        self._tooltip = tooltip
        self.setToolTip(tooltip)
        for value in presets:
            self.addItem(format_number(value), float(value))
        self.activated.connect(self._commit)
        self.lineEdit().editingFinished.connect(self._commit)
        self._value: float | None = None

    def set_value(self, value: float) -> None:
        """Show ``value`` without emitting (the views follow the engine's config)."""
        self._value = float(value)
        self.blockSignals(True)
        index = self.findData(float(value))
        if index >= 0:
            self.setCurrentIndex(index)
        self.setEditText(format_number(value))
        self.blockSignals(False)
        self._mark(valid=True)

    def _commit(self, *_: object) -> None:
        text = self.currentText().strip()
        try:
            value = float(text)
        except ValueError:
            self._mark(valid=False, message=f"'{text}' is not a number")
            return
        problem = self._validate(value)
        if problem:
            self._mark(valid=False, message=problem)
            return
        self._mark(valid=True)
        if value != self._value:
            self._value = value
            self.value_chosen.emit(value)

    def _mark(self, valid: bool, message: str = "") -> None:
        self.setStyleSheet("" if valid else INVALID_STYLE)
        self.setToolTip(self._tooltip if valid else f"{message}\n\n{self._tooltip}")
        self.setProperty("invalid", not valid)


def format_number(value: float) -> str:
    return f"{float(value):g}"
