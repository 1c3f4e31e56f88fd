"""The controls for drawing points by hand (under the data settings): the draw mode, the class
(or, for a regression, the value) of new points, where they go, undo, redo and saving.

Only widgets and signals: the boundary plot turns clicks into positions, the run view turns
positions into point edits for the worker.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.worker.snapshot import Snapshot

CLASSES = (("Blue (+1)", 1.0), ("Orange (−1)", -1.0))  # what a new point's label is, by problem type
VALUE_RANGE = 1000.0  # a regression point's value: any finite number in practice


def _button(text: str, name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    return button


class DrawTools(QWidget):
    mode_toggled = Signal(bool)
    undo_clicked = Signal()
    redo_clicked = Signal()
    save_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draw_button = QPushButton("✎ Draw points")
        self.draw_button.setObjectName("draw_mode_button")
        self.draw_button.setCheckable(True)
        self.draw_button.setToolTip(
            "Draw on the plot (D): click adds a point, drag sprays points, right-click (or Ctrl-click) "
            "erases the nearest one. Training may go on while you draw."
        )
        self.draw_button.toggled.connect(self.mode_toggled)
        self.class_combo = QComboBox()
        self.class_combo.setObjectName("draw_class_combo")
        self.class_combo.setToolTip("The class of the points you draw")
        for text, label in CLASSES:
            self.class_combo.addItem(text, label)
        self.value_box = QDoubleSpinBox()
        self.value_box.setObjectName("draw_value_box")
        self.value_box.setToolTip("The value of the points you draw (a regression's target)")
        self.value_box.setRange(-VALUE_RANGE, VALUE_RANGE)
        self.value_box.setDecimals(2)
        self.value_box.setSingleStep(0.1)
        self.value_box.hide()
        self.test_checkbox = QCheckBox("into the test set")
        self.test_checkbox.setObjectName("draw_to_test_checkbox")
        self.test_checkbox.setToolTip("New points go to the test set (never trained on) instead of the training set")
        self.undo_button = _button("↶", "undo_points_button", "Undo the last drawing (Ctrl+Z)")
        self.redo_button = _button("↷", "redo_points_button", "Redo it (Ctrl+Shift+Z)")
        self.save_button = _button("Save points…", "save_points_button",
                                   "Write every point (training and test) to a CSV file that Load points reads")
        self.undo_button.clicked.connect(self.undo_clicked)
        self.redo_button.clicked.connect(self.redo_clicked)
        self.save_button.clicked.connect(self.save_clicked)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.draw_button, 0, 0, 1, 2)
        grid.addWidget(self.class_combo, 1, 0, 1, 2)
        grid.addWidget(self.value_box, 1, 0, 1, 2)
        grid.addWidget(self.test_checkbox, 2, 0, 1, 2)
        grid.addWidget(self.undo_button, 3, 0)
        grid.addWidget(self.redo_button, 3, 1)
        grid.addWidget(self.save_button, 4, 0, 1, 2)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(grid)
        self._problem = "classification"

    @property
    def drawing(self) -> bool:
        return self.draw_button.isChecked()

    def label(self) -> float:
        """The label a drawn point gets now."""
        if self._problem == "classification":
            return float(self.class_combo.currentData())
        return float(self.value_box.value())

    @property
    def to_test(self) -> bool:
        return self.test_checkbox.isChecked()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        problem = snapshot.config.problem
        if problem != self._problem:
            self._problem = problem
            classification = problem == "classification"
            self.class_combo.setVisible(classification)
            self.value_box.setVisible(not classification)
