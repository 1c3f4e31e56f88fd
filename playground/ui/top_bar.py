"""The top bar: run controls, the epoch counter and speed, and the live hyperparameters."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QStyle, QVBoxLayout, QWidget

from playground.engine.activations import ACTIVATION_LABELS
from playground.engine.config import (
    ACTIVATION_NAMES,
    OPTIMIZER_NAMES,
    PRESETS,
    PROBLEM_NAMES,
    REGULARIZATION_NAMES,
    Config,
    ConfigError,
)
from playground.engine.data import is_builtin_dataset
from playground.engine.datasets import MAX_CLASSES, MIN_CLASSES, PROBLEM_LABELS
from playground.engine.optimizers import OPTIMIZER_LABELS
from playground.engine.regularization import REGULARIZATION_LABELS
from playground.ui.value_combo import ValueCombo
from playground.worker.snapshot import Snapshot

PROBLEM_TIP = (
    "Classification: two classes (−1, +1); Multi-class: 2 to 8 classes (a softmax output per class); "
    "Regression: fit a real-valued surface. A new problem brings new points and a new network."
)
CLASSES_TIP = (
    f"How many classes the multi-class points have ({MIN_CLASSES} to {MAX_CLASSES}); "
    "a new count brings new points and a new network"
)
CLASSES_FROM_FILE_TIP = "Your CSV file's labels decide how many classes there are (load another file to change it)"


def config_problem(key: str, value: object) -> str:
    """The ConfigError message for setting ``key`` to ``value``, or "" when allowed."""
    try:
        Config().replace(**{key: value})
    except ConfigError as exc:
        return str(exc)
    return ""


class TopBar(QWidget):
    play_clicked = Signal()
    step_clicked = Signal()
    reset_clicked = Signal()
    inspect_clicked = Signal()
    compare_clicked = Signal()
    setting_changed = Signal(str, object)  # config key, new value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        self._shown_config: Config | None = None
        self._shown_running: bool | None = None  # what the play button shows
        style = self.style()
        self._play_icon, self._pause_icon = _glyph_icon(playing=False), _glyph_icon(playing=True)
        self.reset_button = _button(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "reset_button",
                                    "Reset the network to its initial weights, epoch 0 (R)")
        self.play_button = _button(self._play_icon, "play_button", "Train continuously / pause (Space)")
        self.play_button.setFixedSize(52, 52)
        self.play_button.setIconSize(QSize(28, 28))
        self.step_button = _button(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "step_button",
                                   "Train exactly one epoch (Right arrow)")
        for button, signal in ((self.reset_button, self.reset_clicked), (self.play_button, self.play_clicked), (self.step_button, self.step_clicked)):
            button.clicked.connect(signal)
            row.addWidget(button)
        self.inspect_button = QPushButton("Inspect")
        self.inspect_button.setObjectName("inspect_button")
        self.inspect_button.setCheckable(True)
        self.inspect_button.setToolTip(
            "Pause and watch backpropagation on one shot: fire, miss, blame, correct (I)"
        )
        self.inspect_button.setMinimumHeight(40)
        self.inspect_button.clicked.connect(self.inspect_clicked)
        row.addWidget(self.inspect_button)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setObjectName("compare_button")
        self.compare_button.setToolTip(
            "Pause and fork this run into A and B from the same weights and data, give each its own "
            "settings, and train them side by side"
        )
        self.compare_button.setMinimumHeight(40)
        self.compare_button.clicked.connect(self.compare_clicked)
        row.addWidget(self.compare_button)
        self.epoch_label = QLabel("000,000")
        self.epoch_label.setObjectName("epoch_label")
        self.epoch_label.setToolTip("Epochs trained: one epoch is one pass over every training point")
        self.speed_label = QLabel("")
        self.speed_label.setObjectName("speed_label")
        self.speed_label.setToolTip("Training speed while running, in epochs per second")
        row.addLayout(_titled("Epoch", self.epoch_label, self.speed_label))
        self.learning_rate_combo = self._number(
            "learning_rate", "Learning rate: the step size of every update (changes live, keeps the network)"
        )
        row.addLayout(_titled("Learning rate", self.learning_rate_combo))
        self.activation_combo = self._choice(
            "activation", ACTIVATION_LABELS, "Activation of every hidden neuron (rebuilds the network)"
        )
        row.addLayout(_titled("Activation", self.activation_combo))
        self.regularization_combo = self._choice(
            "regularization", REGULARIZATION_LABELS,
            "Penalty on large weights: L1 pushes weights to exactly 0, L2 shrinks them (live)",
        )
        row.addLayout(_titled("Regularization", self.regularization_combo))
        self.regularization_rate_combo = self._number(
            "regularization_rate", "Regularization rate: how strongly the penalty pulls weights towards 0 (live)"
        )
        row.addLayout(_titled("Regularization rate", self.regularization_rate_combo))
        self.optimizer_combo = self._choice(
            "optimizer", OPTIMIZER_LABELS,
            "How gradients become weight changes: plain SGD (the playground's), momentum or Adam (live)",
        )
        row.addLayout(_titled("Optimizer", self.optimizer_combo))
        self.problem_combo = self._choice("problem", PROBLEM_LABELS, PROBLEM_TIP)
        row.addLayout(_titled("Problem type", self.problem_combo))
        self.classes_spinbox = QSpinBox()
        self.classes_spinbox.setObjectName("classes_spinbox")
        self.classes_spinbox.setRange(MIN_CLASSES, MAX_CLASSES)
        self.classes_spinbox.setToolTip(CLASSES_TIP)
        self.classes_spinbox.setKeyboardTracking(False)  # a typed count applies on Enter or leaving, arrows at once
        self.classes_spinbox.valueChanged.connect(self._classes_entered)
        self.classes_column = QWidget()  # shown for multiclass only
        self.classes_column.setLayout(_titled("Classes", self.classes_spinbox))
        self.classes_column.layout().setContentsMargins(0, 0, 0, 0)
        self.classes_column.hide()
        row.addWidget(self.classes_column)
        row.addStretch(1)

    def _number(self, key: str, tooltip: str) -> ValueCombo:
        """``<key>_combo``: the playground's presets for ``key``, or any valid typed value."""
        combo = ValueCombo(PRESETS[key], lambda value: config_problem(key, value), tooltip)
        combo.setObjectName(f"{key}_combo")
        combo.value_chosen.connect(lambda value: self.setting_changed.emit(key, value))
        return combo

    def _choice(self, key: str, labels: dict[str, str], tooltip: str) -> QComboBox:
        """``<key>_combo``: one of ``labels`` (value → what the user reads)."""
        combo = QComboBox()
        combo.setObjectName(f"{key}_combo")
        combo.setToolTip(tooltip)
        for value, label in labels.items():
            combo.addItem(label, value)
        combo.activated.connect(lambda _index: self.setting_changed.emit(key, combo.currentData()))
        return combo

    def _classes_entered(self, count: int) -> None:
        if self._shown_config is not None and count != self._shown_config.classes:
            self.setting_changed.emit("classes", count)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.epoch_label.setText(f"{snapshot.epoch:07,d}")
        if snapshot.scrubbed:  # looking back at a checkpoint (history_bar.py)
            speed = f"looking back · run at {snapshot.live_epoch:,}"
        elif snapshot.running and not len(snapshot.train_points):
            speed = "waiting for training points"  # Play on an empty plane: it starts at the first one drawn
        else:
            speed = f"{snapshot.epochs_per_second:,.0f} epochs/s" if snapshot.running else "paused"
        self.speed_label.setText(speed)
        running = bool(snapshot.running)
        if running != self._shown_running:  # restyled only on a change: a new icon relayouts the bar
            self._shown_running = running
            self.play_button.setIcon(self._pause_icon if running else self._play_icon)
            self.play_button.setProperty("running", running)
        config = snapshot.config
        if config == self._shown_config:
            return  # the controls already say this; leave them (and the user's typing) alone
        self._shown_config = config
        self.learning_rate_combo.set_value(config.learning_rate)
        self.regularization_rate_combo.set_value(config.regularization_rate)
        for combo, value in (
            (self.activation_combo, config.activation),
            (self.regularization_combo, config.regularization),
            (self.optimizer_combo, config.optimizer),
            (self.problem_combo, config.problem),
        ):
            combo.setCurrentIndex(combo.findData(value))
        self._show_classes(config)

    def _show_classes(self, config: Config) -> None:
        """The class count in force; only a multiclass problem has one, and a CSV file fixes it."""
        self.classes_column.setVisible(config.problem == "multiclass")
        builtin = is_builtin_dataset(config.dataset)
        self.classes_spinbox.setEnabled(builtin)
        self.classes_spinbox.setToolTip(CLASSES_TIP if builtin else CLASSES_FROM_FILE_TIP)
        self.classes_spinbox.blockSignals(True)
        self.classes_spinbox.setValue(config.classes)
        self.classes_spinbox.blockSignals(False)


def _glyph_icon(playing: bool, pixels: int = 56) -> QIcon:
    """A white play triangle or pause bars, to sit on the dark round play button."""
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("white"))
    u = pixels / 8.0
    if playing:
        painter.drawRect(QRectF(2 * u, 1.5 * u, 1.4 * u, 5 * u))
        painter.drawRect(QRectF(4.6 * u, 1.5 * u, 1.4 * u, 5 * u))
    else:
        painter.drawPolygon(QPolygonF([QPointF(2.6 * u, 1.4 * u), QPointF(6.6 * u, 4 * u), QPointF(2.6 * u, 6.6 * u)]))
    painter.end()
    return QIcon(pixmap)


def _button(icon: QIcon, name: str, tooltip: str) -> QPushButton:
    button = QPushButton(icon, "")
    button.setObjectName(name)
    button.setToolTip(tooltip)
    button.setMinimumSize(40, 40)
    return button


def _titled(title: str, *widgets: QWidget) -> QVBoxLayout:
    column = QVBoxLayout()
    label = QLabel(title)
    label.setObjectName("control_title")
    column.addWidget(label)
    for widget in widgets:
        column.addWidget(widget)
    column.addStretch(1)
    return column


assert set(ACTIVATION_LABELS) == set(ACTIVATION_NAMES) and set(OPTIMIZER_LABELS) == set(OPTIMIZER_NAMES)
assert set(REGULARIZATION_LABELS) == set(REGULARIZATION_NAMES) and set(PROBLEM_LABELS) == set(PROBLEM_NAMES)
