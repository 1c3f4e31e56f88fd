"""The output column: loss numbers (and RMSE and R² for a regression), the loss chart (or, on
its other tabs, the gradient size per layer and the confusion matrices), the decision boundary
and its legend."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QStackedWidget, QTabBar, QVBoxLayout, QWidget

from playground.engine.metrics import r_squared, rmse
from playground.ui.boundary_plot import OUTPUT_COLOURS, BoundaryPlot, display_scale
from playground.ui.colors import NAN_COLOR, VALUE_LUT
from playground.ui.confusion_matrix_view import ConfusionMatrixView
from playground.ui.gradient_norms_plot import GradientNormsPlot
from playground.ui.loss_plot import LossPlot
from playground.worker.snapshot import Snapshot

LOSS_PLOT_HEIGHT = 140
LOSS_TAB, GRADIENT_TAB, CONFUSION_TAB = 0, 1, 2  # the chart tabs, in the order of the stacked charts
# Tabs drawn as underlined words, light like the rest of the panel's header.
CHART_TABS_STYLE = """
QTabBar::tab { border: none; border-bottom: 2px solid transparent; padding: 1px 6px 2px 6px;
               margin-right: 4px; color: #777777; background: transparent; }
QTabBar::tab:selected { color: #222222; border-bottom: 2px solid #0877bd; }
QTabBar::tab:hover:!selected { color: #444444; border-bottom: 2px solid #cccccc; }
"""


def format_number(value: float, digits: int = 3) -> str:
    value = float(value)
    return f"{value:.{digits}f}" if math.isfinite(value) else "NaN" if math.isnan(value) else f"{value}"


def format_percent(value: float) -> str:
    value = float(value)
    return f"{100 * value:.1f} %" if math.isfinite(value) else "–"


def regression_metrics_text(snapshot: Snapshot) -> str:
    """'RMSE train … · test …   R² train … · test …' of the snapshot's outputs."""
    figures = {
        name: (rmse(outputs, points[:, 2]), r_squared(outputs, points[:, 2]))
        for name, outputs, points in (
            ("train", snapshot.train_outputs, snapshot.train_points),
            ("test", snapshot.test_outputs, snapshot.test_points),
        )
    }

    def text(value: float) -> str:
        return "–" if math.isnan(value) else format_number(value)

    (train_rmse, train_r2), (test_rmse, test_r2) = figures["train"], figures["test"]
    return f"RMSE: train {text(train_rmse)} · test {text(test_rmse)}    R²: train {text(train_r2)} · test {text(test_r2)}"


class ColorBar(QWidget):
    """The value scale as a strip, labelled −s … 0 … s, with a grey NaN swatch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("color_bar")
        self.setToolTip(f"{OUTPUT_COLOURS} The points: their labels on the same scale.")
        self.setFixedHeight(30)
        self._scale = 1.0
        lut = np.ascontiguousarray(np.concatenate([VALUE_LUT, np.full((256, 1), 255, np.uint8)], axis=1))  # (256, 4)
        rgba = np.ascontiguousarray(lut[None, :, [2, 1, 0, 3]])  # (1, 256, 4) BGRA = Format_ARGB32 on little-endian
        self._strip = QImage(rgba.data, 256, 1, 256 * 4, QImage.Format.Format_ARGB32).copy()

    def set_scale(self, scale: float) -> None:
        self._scale = float(scale)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        painter.setFont(font)
        nan_width = 46
        bar = QRectF(6, 2, self.width() - 12 - nan_width, 10)
        painter.drawImage(bar, self._strip)
        painter.setPen(QColor(120, 120, 120))
        painter.drawRect(bar)
        s = self._scale
        texts = (f"{-s:g}", "0", f"{s:g}")
        aligns = (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignHCenter, Qt.AlignmentFlag.AlignRight)
        painter.setPen(QColor(60, 60, 60))
        for text, align in zip(texts, aligns):
            below = QRectF(bar.left(), bar.bottom() + 1, bar.width(), 16)
            painter.drawText(below, int(align | Qt.AlignmentFlag.AlignTop), text)
        swatch = QRectF(bar.right() + 10, bar.top(), 10, 10)
        painter.fillRect(swatch, QColor(*NAN_COLOR))
        painter.drawText(QRectF(swatch.right() + 4, swatch.top() - 3, 40, 16), int(Qt.AlignmentFlag.AlignLeft), "NaN")
        painter.end()


class OutputPanel(QWidget):
    """Loss numbers, the loss chart and the output heatmap; re-exposes the point hover."""

    sample_hovered = Signal(float, float, float)  # x, y, label of the hovered data point
    sample_left = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("output_panel")
        self.loss_plot = LossPlot()
        self.gradient_norms_plot = GradientNormsPlot()
        self.confusion_view = ConfusionMatrixView()
        self.boundary_plot = BoundaryPlot()
        self.color_bar = ColorBar()
        self._build_numbers()
        self._build_checkboxes()
        self._build_layout()
        self.boundary_plot.sample_hovered.connect(self.sample_hovered)
        self.boundary_plot.sample_left.connect(self.sample_left)
        self.log_scale_checkbox.toggled.connect(self.loss_plot.set_log_scale)
        self.show_test_checkbox.toggled.connect(self.boundary_plot.set_show_test)
        self.discretize_checkbox.toggled.connect(self.boundary_plot.set_discretize)
        self.chart_tabs.currentChanged.connect(self._show_chart)
        self.confusion_view.cell_hovered.connect(self.boundary_plot.highlight_points)

    def _build_numbers(self) -> None:
        loss_tip = "Mean ½(output − label)² over the {} points."
        self.test_loss_label = self._label("test_loss_label", loss_tip.format("test"), 13, bold=True)
        self.train_loss_label = self._label("train_loss_label", loss_tip.format("training"), 10)
        self.accuracy_label = self._label(
            "accuracy_label", "Share of points whose predicted class (the sign of the output) matches the label.", 10
        )
        self.regression_metrics_label = self._label(
            "regression_metrics_label",
            "RMSE: the typical miss, √(mean (output − label)²), in the labels' units.\n"
            "R²: the share of the labels' spread the network explains (1 = all, 0 = no better than"
            " always answering their mean, below 0 = worse; – when every label is the same).",
            10,
        )
        self.regression_metrics_label.hide()
        for label, text in ((self.test_loss_label, "Test loss –"), (self.train_loss_label, "Training loss –")):
            label.setText(text)

    def _label(self, name: str, tooltip: str, point_size: float, bold: bool = False) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setToolTip(tooltip)
        font = QFont(label.font())
        font.setPointSizeF(point_size)
        font.setBold(bold)
        label.setFont(font)
        return label

    def _build_checkboxes(self) -> None:
        def box(name: str, text: str, tooltip: str) -> QCheckBox:
            check = QCheckBox(text)
            check.setObjectName(name)
            check.setToolTip(tooltip)
            return check

        self.log_scale_checkbox = box("log_scale_checkbox", "Log scale", "Show the loss on a logarithmic axis.")
        self.show_test_checkbox = box(
            "show_test_checkbox", "Show test data", "Also draw the test points (dark outline); they are never trained on."
        )
        self.discretize_checkbox = box(
            "discretize_checkbox", "Discretize output", "Colour only the sign of the output: the predicted class."
        )

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        title = QLabel("OUTPUT")
        title.setObjectName("output_title")
        title_font = QFont(title.font())
        title_font.setBold(True)
        title.setFont(title_font)
        layout.addWidget(title)
        layout.addWidget(self.test_loss_label)
        layout.addWidget(self.train_loss_label)
        layout.addWidget(self.accuracy_label)
        layout.addWidget(self.regression_metrics_label)
        layout.addLayout(self._build_chart_header())
        # Both charts get every snapshot whichever is shown, so switching shows a whole curve.
        self.charts = QStackedWidget()
        self.charts.setObjectName("chart_stack")
        self.charts.addWidget(self.loss_plot)  # LOSS_TAB
        self.charts.addWidget(self.gradient_norms_plot)  # GRADIENT_TAB
        self.charts.addWidget(self.confusion_view)  # CONFUSION_TAB
        self.charts.setFixedHeight(LOSS_PLOT_HEIGHT)
        layout.addWidget(self.charts)
        self.boundary_plot.setMinimumSize(240, 240)
        layout.addWidget(self.boundary_plot, stretch=1)
        boxes = QHBoxLayout()
        boxes.addWidget(self.show_test_checkbox)
        boxes.addWidget(self.discretize_checkbox)
        boxes.addStretch(1)
        layout.addLayout(boxes)
        layout.addWidget(self.color_bar)
        layout.addStretch(0)

    def _build_chart_header(self) -> QHBoxLayout:
        self.chart_tabs = QTabBar()
        self.chart_tabs.setObjectName("chart_tabs")
        self.chart_tabs.setToolTip(
            "Loss: the loss per epoch. Gradient size per layer: how large each layer's gradient is"
            " (log scale), to see gradients vanish or explode. Confusion: which class is mistaken for which."
        )
        self.chart_tabs.setStyleSheet(CHART_TABS_STYLE)
        self.chart_tabs.setDrawBase(False)
        self.chart_tabs.setExpanding(False)
        self.chart_tabs.setUsesScrollButtons(False)  # three short tabs: always whole, never scrolled
        self.chart_tabs.addTab("Loss")  # LOSS_TAB
        self.chart_tabs.setTabToolTip(LOSS_TAB, "The training and test loss after every epoch.")
        self.chart_tabs.addTab("Gradient size per layer")  # GRADIENT_TAB
        self.chart_tabs.setTabToolTip(
            GRADIENT_TAB, "Each layer's gradient norm over training, on a log scale: vanishing or exploding gradients."
        )
        self.chart_tabs.addTab("Confusion")  # CONFUSION_TAB, classification only
        self.chart_tabs.setTabToolTip(
            CONFUSION_TAB, "Training and test confusion matrices: true class down, predicted class across."
        )
        header = QHBoxLayout()
        header.addWidget(self.chart_tabs)
        header.addSpacing(4)
        header.addWidget(self.loss_plot.legend)  # the loss tab's key and axis switch
        header.addStretch(1)
        header.addWidget(self.log_scale_checkbox)
        return header

    def _show_chart(self, index: int) -> None:
        self.charts.setCurrentIndex(index)
        self.loss_plot.legend.setVisible(index == LOSS_TAB)  # the gradient chart has its own key
        self.log_scale_checkbox.setVisible(index == LOSS_TAB)  # and is always logarithmic
        if index != CONFUSION_TAB:
            self.confusion_view.hover_cell(None)  # a hidden cell rings nothing

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        # The heatmap is square: never taller than wide; spare height goes below the legend.
        margins = self.layout().contentsMargins()
        self.boundary_plot.setMaximumHeight(max(240, self.width() - margins.left() - margins.right()))
        super().resizeEvent(event)

    # ----- updates --------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.test_loss_label.setText(f"Test loss {format_number(snapshot.test_loss)}")
        self.train_loss_label.setText(f"Training loss {format_number(snapshot.train_loss)}")
        classification = snapshot.config.problem == "classification"
        self.accuracy_label.setVisible(bool(classification))
        if classification:
            train, test = format_percent(snapshot.train_accuracy), format_percent(snapshot.test_accuracy)
            self.accuracy_label.setText(f"Accuracy: train {train} · test {test}")
        self.regression_metrics_label.setVisible(not classification)
        if not classification:
            self.regression_metrics_label.setText(regression_metrics_text(snapshot))
        self.chart_tabs.setTabVisible(CONFUSION_TAB, bool(classification))  # (hiding the current tab shows another)
        self.confusion_view.show_snapshot(snapshot)
        self.loss_plot.show_snapshot(snapshot)
        self.gradient_norms_plot.show_snapshot(snapshot)
        self.boundary_plot.show_snapshot(snapshot)

    def show_node_map(self, node_map: np.ndarray | None, scale: float = 1.0, name: str = "hovered neuron") -> None:
        """Show a neuron's map in the heatmap (coloured over [−scale, scale]); None: the output."""
        self.boundary_plot.show_node_map(node_map, scale, name)
        self.color_bar.set_scale(1.0 if node_map is None else display_scale(scale))
