"""The output column: loss numbers (and RMSE and R² for a regression), the loss chart (or, on
its other tabs, the gradient size per layer and the confusion matrices), the decision boundary,
for a multiclass network a thumbnail of each class's probability, and the legend.

An empty set (the plane was cleared, or every point drawn went to the other set) has a NaN loss
by design: it reads "no points", never "NaN"."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QStackedWidget, QTabBar, QVBoxLayout, QWidget

from playground.engine.metrics import r_squared, rmse
from playground.ui import theme
from playground.ui.boundary_plot import BoundaryPlot, display_scale
from playground.ui.class_thumbnails import ClassThumbnails
from playground.ui.color_bar import ColorBar
from playground.ui.confusion_matrix_view import ConfusionMatrixView, class_styles
from playground.ui.gradient_norms_plot import GradientNormsPlot
from playground.ui.history_bar import HistoryBar
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
DARK_TAB_COLOURS = {"#777777": "#a3adb9", "#222222": "#eef1f5", "#444444": "#dfe3e8", "#cccccc": "#4a515b"}


def chart_tabs_style() -> str:
    """CHART_TABS_STYLE in the theme in force (its greys lightened on dark)."""
    if not theme.is_dark():
        return CHART_TABS_STYLE
    style = CHART_TABS_STYLE
    for light, dark in DARK_TAB_COLOURS.items():
        style = style.replace(light, dark)
    return style


def format_number(value: float, digits: int = 3) -> str:
    value = float(value)
    return f"{value:.{digits}f}" if math.isfinite(value) else "NaN" if math.isnan(value) else f"{value}"


NO_POINTS = "no points"  # what an empty set's loss, accuracy or RMSE reads
LOSS_TIPS = {
    "multiclass": "Cross-entropy: the mean of −ln p(label) over the {} points.",
    "classification": "Mean ½(output − label)² over the {} points.",
    "regression": "Mean ½(output − label)² over the {} points.",
}
ACCURACY_TIPS = {
    "multiclass": "Share of points whose predicted class (the output with the largest p) matches the label.",
    "classification": "Share of points whose predicted class (the sign of the output) matches the label.",
}


def format_percent(value: float) -> str:
    value = float(value)
    return f"{100 * value:.1f} %" if math.isfinite(value) else "–"


def loss_text(name: str, loss: float, n_points: int) -> str:
    """'Test loss 0.123', or 'Test loss: no points' for an empty set (whose loss is NaN)."""
    return f"{name}: {NO_POINTS}" if n_points == 0 else f"{name} {format_number(loss)}"


def accuracy_text(snapshot: Snapshot) -> str:
    train, test = (
        NO_POINTS if not len(points) else format_percent(value)
        for points, value in ((snapshot.train_points, snapshot.train_accuracy), (snapshot.test_points, snapshot.test_accuracy))
    )
    return f"Accuracy: train {train} · test {test}"


def regression_metrics_text(snapshot: Snapshot) -> str:
    """'RMSE train … · test …   R² train … · test …' of a regression's outputs ((n,) each)."""
    figures = {
        name: (rmse(outputs, points[:, 2]), r_squared(outputs, points[:, 2]), len(points))
        for name, outputs, points in (
            ("train", snapshot.train_outputs, snapshot.train_points),
            ("test", snapshot.test_outputs, snapshot.test_points),
        )
    }

    def text(value: float, n: int) -> str:
        return NO_POINTS if not n else "–" if math.isnan(value) else format_number(value)

    (train_rmse, train_r2, n_train), (test_rmse, test_r2, n_test) = figures["train"], figures["test"]
    return (
        f"RMSE: train {text(train_rmse, n_train)} · test {text(test_rmse, n_test)}    "
        f"R²: train {text(train_r2, n_train)} · test {text(test_r2, n_test)}"
    )


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
        self.history_bar = HistoryBar()  # the timeline under the charts: look back, continue, undo
        self.boundary_plot = BoundaryPlot()
        self.class_thumbnails = ClassThumbnails()
        self.class_thumbnails.hide()  # multiclass only
        self.color_bar = ColorBar()
        self._problem = ""  # of the last snapshot: the tooltips follow it
        self._class_maps: np.ndarray | None = None  # (K, res, res) of the last multiclass snapshot
        self._shown_class = -1  # the class whose p map replaces the boundary (−1: none)
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
        self.class_thumbnails.class_hovered.connect(self._class_hovered)

    def _build_numbers(self) -> None:
        loss_tip = LOSS_TIPS["classification"]
        self.test_loss_label = self._label("test_loss_label", loss_tip.format("test"), 13, bold=True)
        self.train_loss_label = self._label("train_loss_label", loss_tip.format("training"), 10)
        self.accuracy_label = self._label("accuracy_label", ACCURACY_TIPS["classification"], 10)
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
        layout.addWidget(self.history_bar)
        self.boundary_plot.setMinimumSize(240, 210)  # (a short screen: the timeline above took 30 px)
        layout.addWidget(self.boundary_plot, stretch=1)
        layout.addWidget(self.class_thumbnails)
        boxes = QHBoxLayout()
        boxes.addWidget(self.show_test_checkbox)
        boxes.addWidget(self.discretize_checkbox)
        boxes.addStretch(1)
        layout.addLayout(boxes)
        layout.addWidget(self.color_bar)
        layout.addStretch(0)

    def _restyle_tabs(self) -> None:
        self.chart_tabs.setStyleSheet(chart_tabs_style())

    def _build_chart_header(self) -> QHBoxLayout:
        self.chart_tabs = QTabBar()
        self.chart_tabs.setObjectName("chart_tabs")
        self.chart_tabs.setToolTip(
            "Loss: the loss per epoch. Gradient size per layer: how large each layer's gradient is"
            " (log scale), to see gradients vanish or explode. Confusion: which class is mistaken for which."
        )
        self.chart_tabs.setStyleSheet(chart_tabs_style())
        theme.follow_theme(self, self._restyle_tabs)
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
        margins = self.layout().contentsMargins()  # (the class thumbnails' row has a fixed height)
        self.boundary_plot.setMaximumHeight(max(240, self.width() - margins.left() - margins.right()))
        super().resizeEvent(event)

    # ----- updates --------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        problem = snapshot.config.problem
        if problem != self._problem:
            self._set_problem(problem)
        self.test_loss_label.setText(loss_text("Test loss", snapshot.test_loss, len(snapshot.test_points)))
        self.train_loss_label.setText(loss_text("Training loss", snapshot.train_loss, len(snapshot.train_points)))
        if problem == "regression":
            self.regression_metrics_label.setText(regression_metrics_text(snapshot))
        else:
            self.accuracy_label.setText(accuracy_text(snapshot))
        # (hiding the current tab shows another)
        self.chart_tabs.setTabVisible(CONFUSION_TAB, class_styles(snapshot) is not None)
        self.confusion_view.show_snapshot(snapshot)
        self.loss_plot.show_snapshot(snapshot)
        self.history_bar.show_snapshot(snapshot)
        self.gradient_norms_plot.show_snapshot(snapshot)
        self.boundary_plot.show_snapshot(snapshot)
        self._class_maps = snapshot.class_maps if snapshot.multiclass else None
        if self._class_maps is not None:
            self.class_thumbnails.show_maps(self._class_maps)
            if not self.boundary_plot.node_map_shown:  # (a hidden neuron's map has the value scale)
                self.color_bar.set_classes(len(self._class_maps), self.boundary_plot.image_item.has_nan)
            if self._shown_class >= 0:  # keep the hovered class's large map live
                self.boundary_plot.show_class_map(self._shown_class)
        elif self._shown_class >= 0:  # no classes now: the boundary again
            self.show_class_map(None)

    def _set_problem(self, problem: str) -> None:
        """Which numbers show, what they say they are, and the multiclass pictures."""
        self._problem = problem
        self.test_loss_label.setToolTip(LOSS_TIPS[problem].format("test"))
        self.train_loss_label.setToolTip(LOSS_TIPS[problem].format("training"))
        self.accuracy_label.setVisible(problem != "regression")
        self.accuracy_label.setToolTip(ACCURACY_TIPS.get(problem, ""))
        self.regression_metrics_label.setVisible(problem == "regression")
        self.class_thumbnails.setVisible(problem == "multiclass")
        self.discretize_checkbox.setToolTip(
            "Colour only the class the network predicts, not how sure it is." if problem == "multiclass"
            else "Colour only the sign of the output: the predicted class."
        )
        if problem != "multiclass":
            self.color_bar.set_classes(0)

    def _class_hovered(self, k: int) -> None:
        self.show_class_map(k)

    def show_node_map(self, node_map: np.ndarray | None, scale: float = 1.0, name: str = "hovered neuron") -> None:
        """Show a neuron's map in the heatmap (coloured over [−scale, scale]); None: the output."""
        self._shown_class = -1
        self.color_bar.set_shown_class(-1)
        self.boundary_plot.show_node_map(node_map, scale, name)
        self.color_bar.set_scale(1.0 if node_map is None else display_scale(scale))
        # a neuron's map is on the value scale; the boundary of a multiclass network is in classes
        classes = node_map is None and self._class_maps is not None
        self.color_bar.set_classes(len(self._class_maps) if classes else 0, classes and self.boundary_plot.image_item.has_nan)

    def show_class_map(self, k: int | None) -> None:
        """Show multiclass class ``k``'s probability map large, kept live with the snapshots
        (None or −1: the boundary again). Hovering a class thumbnail calls it, and so may
        hovering output neuron k of the network (NetworkView.class_hovered)."""
        self._shown_class = -1 if k is None or k < 0 else int(k)
        self.boundary_plot.show_class_map(None if self._shown_class < 0 else self._shown_class)
        self.color_bar.set_shown_class(self._shown_class if self.boundary_plot.node_map_shown else -1)
