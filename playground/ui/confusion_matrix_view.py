"""The confusion matrices of the training and the test points, side by side.

Rows are the true class, columns the class the network predicts (the sign of its output for
the two classes ±1, exactly as the accuracy counts). Each cell shows its count and its share of
the row; the share shades the cell in the predicted class's colour, so a pale off-diagonal is
what a good network shows. Hovering a cell emits ``cell_hovered`` with the (x, y) rows of its
points (None when the mouse leaves), which the output panel rings on the boundary plot.
Written for K classes; the playground's classification problem is the binary one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedLayout, QWidget

from playground.engine.metrics import BINARY_CLASSES, class_indices, confusion_matrix, predicted_classes, row_fractions
from playground.ui.colors import NEGATIVE, POSITIVE
from playground.worker.snapshot import Snapshot

MATRICES = ("train", "test")
TITLES = {"train": "Training", "test": "Test"}
HEADER_W, TITLE_H, HEADER_H = 34, 16, 15  # px: row names, the title, column names
HOVER_OUTLINE = QColor(20, 20, 20)


@dataclass(frozen=True)
class ClassStyle:
    label: float  # the class's label in the data
    name: str  # how a learner reads it
    color: tuple[int, int, int]


BINARY_STYLES = (ClassStyle(BINARY_CLASSES[0], "−1", NEGATIVE), ClassStyle(BINARY_CLASSES[1], "+1", POSITIVE))


def class_styles(snapshot: Snapshot) -> tuple[ClassStyle, ...] | None:
    """The classes of the snapshot's problem in matrix order; None for regression."""
    return BINARY_STYLES if snapshot.config.problem == "classification" else None


class MatrixGrid(QWidget):
    """One K × K matrix, painted: title, predicted classes across, true classes down."""

    def __init__(self, view: ConfusionMatrixView, matrix: str) -> None:
        super().__init__(view)
        self._view = view
        self.matrix = matrix
        self.setObjectName(f"confusion_{matrix}_matrix")
        self.setMouseTracking(True)
        self.setMinimumSize(110, 90)

    def cell_rect(self, true_index: int, predicted_index: int) -> QRectF:
        k = max(1, len(self._view.styles))
        width = (self.width() - HEADER_W - 2) / k
        height = (self.height() - TITLE_H - HEADER_H - 2) / k
        return QRectF(HEADER_W + predicted_index * width, TITLE_H + HEADER_H + true_index * height, width, height)

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        k = len(self._view.styles)
        for i in range(k):
            for j in range(k):
                if self.cell_rect(i, j).contains(pos):
                    return i, j
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        cell = self.cell_at(event.position())
        self._view.hover_cell(None if cell is None else (self.matrix, *cell))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        self._view.hover_cell(None)
        super().leaveEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        view, styles = self._view, self._view.styles
        counts = view.matrices.get(self.matrix)
        if counts is None or not styles:
            return
        fractions = row_fractions(counts)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        base = QFont(self.font())
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() - 1.5))
        bold = QFont(base)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor(40, 40, 40))
        title = f"{TITLES[self.matrix]} ({int(counts.sum())} points)"
        painter.drawText(QRectF(0, 0, self.width(), TITLE_H), int(Qt.AlignmentFlag.AlignCenter), title)
        painter.setFont(small)
        painter.setPen(QColor(110, 110, 110))
        painter.drawText(QRectF(0, TITLE_H, HEADER_W, HEADER_H), int(Qt.AlignmentFlag.AlignCenter), "true")
        for k, style in enumerate(styles):
            column, row = self.cell_rect(0, k), self.cell_rect(k, 0)
            painter.setFont(small)
            painter.setPen(QColor(*style.color))
            header = QRectF(column.left(), TITLE_H, column.width(), HEADER_H)
            painter.drawText(header, int(Qt.AlignmentFlag.AlignCenter), f"predicted {style.name}")
            painter.setFont(bold)
            painter.drawText(QRectF(0, row.top(), HEADER_W - 4, row.height()), int(Qt.AlignmentFlag.AlignCenter), style.name)
        hovered = view.hovered_cell
        for i in range(len(styles)):
            for j, style in enumerate(styles):
                rect = self.cell_rect(i, j).adjusted(1, 1, -1, -1)
                share = float(fractions[i, j])
                shade = 0.0 if math.isnan(share) else share
                color = QColor(*style.color)
                fill = QColor(
                    *(round(255 + (c - 255) * (0.12 + 0.78 * shade)) for c in (color.red(), color.green(), color.blue()))
                )
                painter.fillRect(rect, fill)
                if hovered == (self.matrix, i, j):
                    painter.setPen(QPen(HOVER_OUTLINE, 2))
                    painter.drawRect(rect.adjusted(1, 1, -1, -1))
                ink = QColor(255, 255, 255) if shade > 0.55 else QColor(30, 30, 30)
                painter.setPen(ink)
                painter.setFont(bold)
                upper = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.55)
                lower = QRectF(rect.left(), rect.top() + rect.height() * 0.5, rect.width(), rect.height() * 0.5)
                painter.drawText(upper, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom), str(counts[i, j]))
                painter.setFont(small)
                painter.drawText(lower, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), share_text(share))
        painter.end()


def share_text(share: float) -> str:
    return "–" if math.isnan(share) else f"{100 * share:.0f} %"


class ConfusionMatrixView(QWidget):
    """Training and test confusion matrices, live; hover a cell to ring its points."""

    cell_hovered = Signal(object)  # (m, 2) float64 x, y of the hovered cell's points, or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusion_matrix_view")
        self.setToolTip(
            "Confusion matrices: each row is a true class, each column the class the network predicts "
            "(the sign of its output). The diagonal is right, the rest are mistakes; each cell shows "
            "its count and its share of the row. Hover a cell to ring its points on the plane "
            "(tick Show test data to see the test points inside the rings)."
        )
        self.styles: tuple[ClassStyle, ...] = ()
        self.matrices: dict[str, np.ndarray] = {}
        self._points: dict[str, np.ndarray] = {}  # (n, 3) x, y, label
        self._truth: dict[str, np.ndarray] = {}  # (n,) true class index
        self._guess: dict[str, np.ndarray] = {}  # (n,) predicted class index
        self.hovered_cell: tuple[str, int, int] | None = None
        self.grids = {name: MatrixGrid(self, name) for name in MATRICES}
        self.note = QLabel("A confusion matrix needs classes: this is a regression.")
        self.note.setObjectName("confusion_note")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        matrices = QWidget()
        row = QHBoxLayout(matrices)
        row.setContentsMargins(0, 2, 0, 0)
        row.setSpacing(12)
        for grid in self.grids.values():
            row.addWidget(grid)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(matrices)
        self._stack.addWidget(self.note)

    # ----- what it shows --------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        styles = class_styles(snapshot)
        if styles is None:
            self.styles, self.matrices = (), {}
            self._stack.setCurrentIndex(1)
            self.hover_cell(None)
            return
        self._stack.setCurrentIndex(0)
        if styles != self.styles:
            self.hovered_cell = None
        self.styles = styles
        classes = [style.label for style in styles]
        for name, points, outputs in (
            ("train", snapshot.train_points, snapshot.train_outputs),
            ("test", snapshot.test_points, snapshot.test_outputs),
        ):
            known = np.isin(points[:, 2], classes)  # a label of no class (never in valid data) is left out
            if not known.all():
                points, outputs = points[known], outputs[known]
            self._points[name] = points
            self._truth[name] = class_indices(points[:, 2], classes)
            self._guess[name] = class_indices(predicted_classes(outputs, classes), classes)
            self.matrices[name] = confusion_matrix(outputs, points[:, 2], classes)
        for grid in self.grids.values():
            grid.update()
        if self.hovered_cell is not None:  # the cell's points change as the network learns
            self.cell_hovered.emit(self.cell_points(*self._hovered_labels()))

    def _hovered_labels(self) -> tuple[str, float, float]:
        matrix, i, j = self.hovered_cell
        return matrix, self.styles[i].label, self.styles[j].label

    def cell_points(self, matrix: str, true_class: float, predicted_class: float) -> np.ndarray:
        """(m, 2) x, y of the ``matrix`` ("train" or "test") points whose label is ``true_class``
        and whose predicted class is ``predicted_class`` (class labels, e.g. −1 and +1)."""
        if matrix not in self._points:
            return np.empty((0, 2))
        classes = [style.label for style in self.styles]
        i, j = class_indices(np.array([true_class, predicted_class]), classes)
        chosen = (self._truth[matrix] == i) & (self._guess[matrix] == j)
        return np.array(self._points[matrix][chosen, :2], dtype=np.float64)

    def hover_cell(self, cell: tuple[str, int, int] | None) -> None:
        """The mouse is over cell (matrix, true index, predicted index), or over none: emits
        ``cell_hovered`` with that cell's points, or None, when it changes."""
        if cell == self.hovered_cell:
            return
        self.hovered_cell = cell
        for grid in self.grids.values():
            grid.update()
        self.cell_hovered.emit(None if cell is None else self.cell_points(*self._hovered_labels()))
