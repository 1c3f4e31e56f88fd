"""One side (A or B) of the comparison: its settings, its decision boundary with the points, a
small drawing of its network and its numbers. It shows plain Snapshots, as the main panels do."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from playground.engine.activations import ACTIVATION_LABELS
from playground.engine.config import MAX_BATCH_SIZE, PRESETS, Config
from playground.engine.optimizers import OPTIMIZER_LABELS
from playground.engine.regularization import REGULARIZATION_LABELS
from playground.ui import theme
from playground.ui.boundary_plot import BoundaryPlot
from playground.ui.colors import palette
from playground.ui.compare_loss_plot import SIDE_COLORS, SIDE_LETTERS
from playground.ui.output_panel import NO_POINTS, format_number, format_percent
from playground.ui.top_bar import config_problem
from playground.ui.value_combo import ValueCombo
from playground.worker.snapshot import Snapshot

SETTING_TIPS = {
    "learning_rate": "Side {}'s learning rate: the step size of every update",
    "optimizer": "Side {}'s optimizer: how gradients become weight changes (another one starts with fresh momentum)",
    "activation": "Side {}'s activation: the same weights computing another function from now on",
    "regularization": "Side {}'s penalty on large weights",
    "regularization_rate": "Side {}'s regularization rate: how strongly the penalty pulls weights towards 0",
    "batch_size": "Side {}'s batch size: training points per update",
}
TITLES = {"learning_rate": "Learning rate", "optimizer": "Optimizer", "activation": "Activation",
          "regularization": "Regularization", "regularization_rate": "Regularization rate", "batch_size": "Batch size"}
CHOICE_LABELS = {"optimizer": OPTIMIZER_LABELS, "activation": ACTIVATION_LABELS, "regularization": REGULARIZATION_LABELS}
GRID = (("learning_rate", "optimizer", "activation"), ("regularization", "regularization_rate", "batch_size"))


class NetworkThumbnail(QWidget):
    """The network in miniature: a dot per neuron, a line per weight, its width growing with |w|, its colour
    the sign (blue positive, orange negative, as the main network view colours weights)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layer_sizes: tuple[int, ...] = ()
        self._weights: tuple[np.ndarray, ...] = ()
        theme.follow_theme(self, self.update)  # its canvas and the weight colours in force

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(220, 150)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self._layer_sizes, self._weights = snapshot.layer_sizes, snapshot.weights
        self.update()

    def positions(self) -> list[list[QPointF]]:
        """Each layer's neuron centres, features on the left."""
        margin = 10.0
        width, height = self.width() - 2 * margin, self.height() - 2 * margin
        layers = len(self._layer_sizes)
        columns = []
        for l, size in enumerate(self._layer_sizes):
            x = margin + (width * l / (layers - 1) if layers > 1 else width / 2)
            columns.append([QPointF(x, margin + height * (j + 0.5) / size) for j in range(size)])
        return columns

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colours = theme.current()
        painter.fillRect(self.rect(), QColor(colours.chart))
        columns = self.positions()
        for l, w in enumerate(self._weights):  # (n_in, n_out)
            for i, j in np.ndindex(w.shape):
                value = float(w[i, j])
                if not np.isfinite(value):
                    pen = QPen(QColor(0x70, 0x70, 0x70), 1.0)
                else:
                    pen = QPen(QColor(*(palette.positive if value > 0 else palette.negative)), edge_width(value))
                painter.setPen(pen)
                painter.drawLine(columns[l][i], columns[l + 1][j])
        painter.setPen(QPen(QColor(colours.muted), 1.0))
        painter.setBrush(QColor(colours.chart))
        radius = max(2.5, min(6.0, (self.height() - 20) / (2.5 * max(self._layer_sizes, default=1))))
        for column in columns:
            for centre in column:
                painter.drawEllipse(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius))
        painter.end()


def edge_width(weight: float) -> float:
    """0.3 px for w = 0, growing with |w| and levelling off towards 3.3 px: small weights stay told
    apart and large ones do not bury the drawing (the same scale on both sides)."""
    return 0.3 + 3.0 * math.tanh(abs(weight) / 2.0)


class ComparePanel(QWidget):
    """Side A (``side`` 0) or B: ``compare_side_a`` / ``compare_side_b``."""

    setting_changed = Signal(int, str, object)  # side, config key, value

    def __init__(self, side: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side = side
        letter = SIDE_LETTERS[side]
        self.prefix = f"compare_{letter.lower()}"
        self.setObjectName(f"compare_side_{letter.lower()}")
        self._shown_config: Config | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 4, 6, 4)
        color = SIDE_COLORS[side].name()
        title = QLabel(f'<span style="color:{color}; font-size:15pt"><b>{letter}</b></span>')
        title.setObjectName(f"{self.prefix}_title")
        self.setStyleSheet(f"#compare_side_{letter.lower()} {{ border-top: 4px solid {color}; }}")
        column.addWidget(title)
        self.controls: dict[str, QWidget] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(0)
        for r, keys in enumerate(GRID):
            for c, key in enumerate(keys):
                label = QLabel(TITLES[key])
                label.setObjectName("control_title")
                grid.addWidget(label, 2 * r, c)
                grid.addWidget(self._control(key, SETTING_TIPS[key].format(letter)), 2 * r + 1, c)
        column.addLayout(grid)
        row = QHBoxLayout()
        self.boundary_plot = BoundaryPlot()
        self.boundary_plot.setObjectName(f"{self.prefix}_boundary")
        self.boundary_plot.plot_widget.setObjectName(f"{self.prefix}_boundary_view")  # not the main plot's name
        row.addWidget(self.boundary_plot, 3)
        side_column = QVBoxLayout()
        self.network = NetworkThumbnail()
        self.network.setObjectName(f"{self.prefix}_network")
        self.network.setToolTip(f"Side {letter}'s network: line width |w|, blue positive, orange negative weights")
        side_column.addWidget(self.network, 1)
        self.numbers = QLabel("")
        self.numbers.setObjectName(f"{self.prefix}_numbers")
        self.numbers.setToolTip(f"Side {letter}'s epoch, losses and accuracy")
        side_column.addWidget(self.numbers)
        self.message = QLabel("")
        self.message.setObjectName(f"{self.prefix}_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()
        side_column.addWidget(self.message)
        row.addLayout(side_column, 2)
        column.addLayout(row, 1)

    def _control(self, key: str, tooltip: str) -> QWidget:
        name = f"{self.prefix}_{key}"
        if key in CHOICE_LABELS:
            combo = QComboBox()
            combo.setToolTip(tooltip)
            for value, label in CHOICE_LABELS[key].items():
                combo.addItem(label, value)
            combo.activated.connect(lambda _index: self._emit(key, combo.currentData()))
            widget: QWidget = combo
        elif key == "batch_size":
            spin = QSpinBox()
            spin.setRange(1, MAX_BATCH_SIZE)
            spin.setToolTip(tooltip)
            spin.setKeyboardTracking(False)  # a typed size applies on Enter or leaving
            spin.valueChanged.connect(lambda value: self._emit(key, int(value)))
            widget = spin
        else:
            value_combo = ValueCombo(PRESETS[key], lambda value: config_problem(key, value), tooltip)
            value_combo.value_chosen.connect(lambda value: self._emit(key, value))
            widget = value_combo
        widget.setObjectName(name)
        self.controls[key] = widget
        return widget

    def _emit(self, key: str, value: object) -> None:
        if self._shown_config is None or getattr(self._shown_config, key) != value:
            self.setting_changed.emit(self.side, key, value)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.boundary_plot.show_snapshot(snapshot)
        self.network.show_snapshot(snapshot)
        self.numbers.setText(numbers_text(snapshot))
        self.message.setVisible(bool(snapshot.diverged))
        self.message.setText(f"{snapshot.message} (Back to the fork starts both sides again.)" if snapshot.diverged else "")
        if snapshot.config != self._shown_config:
            self._shown_config = snapshot.config
            self._show_config(snapshot.config)

    def _show_config(self, config: Config) -> None:
        for key, widget in self.controls.items():
            value = getattr(config, key)
            widget.blockSignals(True)
            if isinstance(widget, ValueCombo):
                widget.set_value(value)
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(widget.findData(value))
            else:
                widget.setValue(int(value))
            widget.blockSignals(False)


def numbers_text(snapshot: Snapshot) -> str:
    """'Epoch 1,234 · train loss 0.012 · test loss 0.034 · test accuracy 98.0 %' over two lines."""
    def loss(value: float, points: np.ndarray) -> str:
        return NO_POINTS if not len(points) else format_number(value)

    lines = [f"<b>Epoch {snapshot.epoch:,}</b>",
             f"Train loss {loss(snapshot.train_loss, snapshot.train_points)}",
             f"Test loss <b>{loss(snapshot.test_loss, snapshot.test_points)}</b>"]
    if snapshot.config.problem != "regression" and len(snapshot.test_points):
        lines.append(f"Test accuracy {format_percent(snapshot.test_accuracy)}")
    return "<br>".join(lines)
