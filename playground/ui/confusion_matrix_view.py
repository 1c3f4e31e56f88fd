"""The confusion matrices of the training and the test points, side by side.

Rows are the true class, columns the class the network predicts: the sign of its output for the
two classes ±1, the class of the largest probability for multi-class (exactly as the accuracy
counts). Each cell shows its count and its share of the row (only the count where K classes
leave a cell too small, and nothing where even that does not fit; the cell's tooltip has both);
the share shades the cell in the predicted class's colour, so a pale off-diagonal is what a good
network shows. Hovering a cell emits ``cell_hovered`` with the (x, y) rows of its points (None
when the mouse leaves), which the output panel rings on the boundary plot. An empty set (a
cleared plane, or every drawn point in the other set) shows its title as "no points".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedLayout, QWidget

from playground.engine.metrics import (
    BINARY_CLASSES,
    class_indices,
    class_labels,
    confusion_matrix,
    predicted_classes,
    row_fractions,
)
from playground.ui import theme
from playground.ui.colors import CLASS_COLORS, NEGATIVE, POSITIVE, palette
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
    config = snapshot.config
    if config.problem == "classification":  # in the value scale in force (the colour-blind one, say)
        return (ClassStyle(BINARY_CLASSES[0], "−1", palette.negative), ClassStyle(BINARY_CLASSES[1], "+1", palette.positive))
    labels = class_labels(config.problem, config.classes)
    if labels is None:
        return None
    return tuple(ClassStyle(label, f"{label:g}", CLASS_COLORS[int(label)]) for label in labels)


class MatrixGrid(QWidget):
    """One K × K matrix, painted: title, predicted classes across, true classes down."""

    def __init__(self, view: ConfusionMatrixView, matrix: str) -> None:
        super().__init__(view)
        self._view = view
        self.matrix = matrix
        self.setObjectName(f"confusion_{matrix}_matrix")
        self.setMouseTracking(True)
        self.setMinimumSize(110, 90)

    @property
    def header_height(self) -> float:
        """Two classes name their columns 'predicted −1'; K classes say 'predicted' on a line above."""
        return HEADER_H if len(self._view.styles) <= 2 else 2 * HEADER_H - 3

    def cell_rect(self, true_index: int, predicted_index: int) -> QRectF:
        k = max(1, len(self._view.styles))
        top = TITLE_H + self.header_height
        width = (self.width() - HEADER_W - 2) / k
        height = (self.height() - top - 2) / k
        return QRectF(HEADER_W + predicted_index * width, top + true_index * height, width, height)

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
        self.setToolTip("" if cell is None else self._view.cell_tip(self.matrix, *cell))  # "": the view's own
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        self._view.hover_cell(None)
        super().leaveEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        counts = self._view.matrices.get(self.matrix)
        if counts is None or not self._view.styles:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1.5))
        self._paint_headers(painter, int(counts.sum()), bold, small)
        self._paint_cells(painter, counts, bold, small)
        painter.end()

    def _paint_headers(self, painter: QPainter, total: int, bold: QFont, small: QFont) -> None:
        """The title, 'true' in the corner, the predicted classes across and the true ones down."""
        styles = self._view.styles
        painter.setFont(bold)
        painter.setPen(QColor(theme.current().strong))
        title = f"{TITLES[self.matrix]} ({total} points)" if total else f"{TITLES[self.matrix]}: no points"
        painter.drawText(QRectF(0, 0, self.width(), TITLE_H), int(Qt.AlignmentFlag.AlignCenter), title)
        painter.setFont(small)
        painter.setPen(QColor(theme.current().muted))
        names_top = TITLE_H + self.header_height - HEADER_H  # the row of column names
        painter.drawText(QRectF(0, names_top, HEADER_W, HEADER_H), int(Qt.AlignmentFlag.AlignCenter), "true")
        if len(styles) > 2:
            across = QRectF(HEADER_W, TITLE_H, self.width() - HEADER_W, HEADER_H - 3)
            painter.drawText(across, int(Qt.AlignmentFlag.AlignCenter), "predicted")
        for k, style in enumerate(styles):
            column, row = self.cell_rect(0, k), self.cell_rect(k, 0)
            header = QRectF(column.left(), names_top, column.width(), HEADER_H)
            if len(styles) == 2:  # the two classes' names in their colours, as the legend writes them
                painter.setFont(small)
                painter.setPen(QColor(*style.color))
                painter.drawText(header, int(Qt.AlignmentFlag.AlignCenter), f"predicted {style.name}")
                painter.setFont(bold)
                painter.drawText(QRectF(0, row.top(), HEADER_W - 4, row.height()), int(Qt.AlignmentFlag.AlignCenter),
                                 style.name)
            else:  # a chip of the class colour (pale ones such as yellow are unreadable as text)
                painter.setFont(small)
                _paint_chip(painter, header, style)
                _paint_chip(painter, QRectF(0, row.top(), HEADER_W - 4, row.height()), style)

    def _paint_cells(self, painter: QPainter, counts: np.ndarray, bold: QFont, small: QFont) -> None:
        """Each cell shaded by its row share in the predicted class's colour, with its figures."""
        styles, fractions, hovered = self._view.styles, row_fractions(counts), self._view.hovered_cell
        line, small_metrics = QFontMetricsF(bold).height(), QFontMetricsF(small)
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
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRect(rect.adjusted(1, 1, -1, -1))
                painter.setPen(ink_on(fill))
                count = str(counts[i, j])
                if rect.height() >= 1.9 * line:  # room for the count over its share
                    painter.setFont(bold)
                    upper = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.55)
                    lower = QRectF(rect.left(), rect.top() + rect.height() * 0.5, rect.width(), rect.height() * 0.5)
                    painter.drawText(upper, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom), count)
                    painter.setFont(small)
                    painter.drawText(lower, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), share_text(share))
                elif rect.height() >= small_metrics.ascent() and small_metrics.horizontalAdvance(count) <= rect.width():
                    painter.setFont(small)
                    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), count)


def ink_on(fill: QColor) -> QColor:
    """White on a dark fill, near-black on a light one (orange and yellow are light)."""
    luma = (0.299 * fill.red() + 0.587 * fill.green() + 0.114 * fill.blue()) / 255
    return QColor(255, 255, 255) if luma < 0.55 else QColor(30, 30, 30)


def _paint_chip(painter: QPainter, space: QRectF, style: ClassStyle) -> None:
    """The class's name on a rounded square of its colour, centred in ``space``."""
    side = max(6.0, min(16.0, space.height() - 2, space.width() - 2))
    chip = QRectF(0, 0, side, side)
    chip.moveCenter(space.center())
    color = QColor(*style.color)
    painter.save()  # the brush must not fill the hover outline drawn later
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(chip, 2, 2)
    painter.setPen(ink_on(color))
    painter.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), style.name)
    painter.restore()


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
            "(the sign of its output; for multi-class the class of the largest probability). The diagonal is right, the rest are mistakes; each cell shows "
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
        self._snapshot: Snapshot | None = None
        theme.follow_theme(self, self.restyle)

    def restyle(self) -> None:
        """The theme or the colour scales changed: the last snapshot again, in the new colours."""
        if self._snapshot is not None:
            self.show_snapshot(self._snapshot)
        for grid in self.grids.values():
            grid.update()

    # ----- what it shows --------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
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
        and whose predicted class is ``predicted_class`` (class labels: −1 and +1, or the class
        indices 0 … K−1 of multi-class)."""
        if matrix not in self._points:
            return np.empty((0, 2))
        classes = [style.label for style in self.styles]
        i, j = class_indices(np.array([true_class, predicted_class]), classes)
        chosen = (self._truth[matrix] == i) & (self._guess[matrix] == j)
        return np.array(self._points[matrix][chosen, :2], dtype=np.float64)

    def cell_tip(self, matrix: str, true_index: int, predicted_index: int) -> str:
        """What the cell counts, in words: 'Test: 12 points of class 2 predicted 0 (24 % of class 2)'."""
        counts = self.matrices.get(matrix)
        if counts is None or max(true_index, predicted_index) >= len(self.styles):
            return ""
        true_name, predicted_name = self.styles[true_index].name, self.styles[predicted_index].name
        count = int(counts[true_index, predicted_index])
        share = share_text(float(row_fractions(counts)[true_index, predicted_index]))
        return (f"{TITLES[matrix]}: {count} point{'s' if count != 1 else ''} of class {true_name} "
                f"predicted {predicted_name} ({share} of class {true_name})")

    def hover_cell(self, cell: tuple[str, int, int] | None) -> None:
        """The mouse is over cell (matrix, true index, predicted index), or over none: emits
        ``cell_hovered`` with that cell's points, or None, when it changes."""
        if cell == self.hovered_cell:
            return
        self.hovered_cell = cell
        for grid in self.grids.values():
            grid.update()
        self.cell_hovered.emit(None if cell is None else self.cell_points(*self._hovered_labels()))
