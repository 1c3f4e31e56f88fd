"""The controls for drawing points by hand (under the data settings): the draw mode, the class
(−1 or +1; for multi-class one of the K classes; for a regression, the value) of new points,
where they go, undo, redo, clearing the plane and saving.

Only widgets and signals: the boundary plot turns clicks into positions, the run view turns
positions into point edits for the worker.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.ui import theme
from playground.ui.colors import CLASS_COLORS, NEGATIVE, POSITIVE, palette
from playground.worker.snapshot import Snapshot

BINARY_CLASSES = (("Blue (+1)", 1.0, POSITIVE), ("Orange (−1)", -1.0, NEGATIVE))  # text, label, colour
VALUE_RANGE = 1000.0  # a regression point's value: any finite number in practice
SWATCH_PIXELS = 12


def class_entries(problem: str, classes: int) -> tuple[tuple[str, float, tuple[int, int, int]], ...]:
    """(text, label, colour) of each class a drawn point may have; none for a regression."""
    if problem == "classification":  # in the value scale in force (the colour-blind one, say)
        return tuple((text, label, palette.positive if label > 0 else palette.negative) for text, label, _ in BINARY_CLASSES)
    if problem == "multiclass":
        return tuple((f"Class {k}", float(k), CLASS_COLORS[k]) for k in range(classes))
    return ()


def swatch(rgb: tuple[int, int, int]) -> QIcon:
    """A dot of the class's colour, as the class's points are drawn."""
    pixmap = QPixmap(SWATCH_PIXELS, SWATCH_PIXELS)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(255, 255, 255))
    painter.setBrush(QColor(*rgb))
    painter.drawEllipse(1, 1, SWATCH_PIXELS - 2, SWATCH_PIXELS - 2)
    painter.end()
    return QIcon(pixmap)


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
    clear_clicked = Signal()

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
        self._classes_listed = ("", 0)  # (problem, K) the class combo lists
        theme.follow_theme(self, self.restyle)
        self._list_classes("classification", 0)
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
        self.clear_button = _button("Clear", "clear_points_button",
                                    "Remove every point, training and test (Ctrl+Z brings them back)")
        self.save_button.clicked.connect(self.save_clicked)
        self.clear_button.clicked.connect(self.clear_clicked)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.draw_button, 0, 0, 1, 3)
        grid.addWidget(self.class_combo, 1, 0, 1, 3)
        grid.addWidget(self.value_box, 1, 0, 1, 3)
        grid.addWidget(self.test_checkbox, 2, 0, 1, 3)
        grid.addWidget(self.undo_button, 3, 0)
        grid.addWidget(self.redo_button, 3, 1)
        grid.addWidget(self.clear_button, 3, 2)
        grid.addWidget(self.save_button, 4, 0, 1, 3)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(grid)
        self._problem = "classification"

    @property
    def drawing(self) -> bool:
        return self.draw_button.isChecked()

    def label(self) -> float:
        """The label a drawn point gets now."""
        if self._problem == "regression":
            return float(self.value_box.value())
        return float(self.class_combo.currentData())

    @property
    def to_test(self) -> bool:
        return self.test_checkbox.isChecked()

    def restyle(self) -> None:
        """The colour scales changed: the class swatches again."""
        if self._classes_listed[0]:
            self._list_classes(*self._classes_listed)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        config = snapshot.config
        self.clear_button.setEnabled(bool(len(snapshot.train_points) or len(snapshot.test_points)))
        listed = (config.problem, config.classes if config.problem == "multiclass" else 0)  # K is multiclass's only
        if listed != self._classes_listed:
            self._list_classes(*listed)
        if config.problem != self._problem:
            self._problem = config.problem
            regression = config.problem == "regression"
            self.class_combo.setVisible(not regression)
            self.value_box.setVisible(regression)

    def _list_classes(self, problem: str, classes: int) -> None:
        """The classes of ``problem`` in the combo; the chosen one stays while it still exists."""
        same_problem = problem == self._classes_listed[0]
        chosen = self.class_combo.currentData()
        self._classes_listed = (problem, classes)
        self.class_combo.clear()
        for text, label, rgb in class_entries(problem, classes):
            self.class_combo.addItem(swatch(rgb), text, label)
        index = self.class_combo.findData(chosen) if same_problem else -1
        self.class_combo.setCurrentIndex(max(index, 0))
