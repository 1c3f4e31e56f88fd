"""The data panel: which points to learn (the dataset picker, or your CSV file), how many train,
how noisy, the batch size, the seed, and the tools for drawing points by hand."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.engine.config import MAX_SEED, Config
from playground.engine.data import is_builtin_dataset
from playground.ui.dataset_picker import DatasetPicker
from playground.ui.draw_tools import DrawTools
from playground.worker.snapshot import Snapshot

LOAD_CSV_TIP = (
    "Use your own points: a CSV file with columns x, y, label (label −1 or +1 for classification, "
    "the class index 0 … K−1 for multi-class, which sets the number of classes, any number for regression)"
)


class DataPanel(QWidget):
    setting_changed = Signal(str, object)  # config key, new value
    regenerate_clicked = Signal()
    load_csv_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        self._shown_config: Config | None = None
        column.addWidget(_heading("DATA"))
        question = QLabel("Which dataset do you want to use?")
        question.setWordWrap(True)
        column.addWidget(question)
        self.dataset_picker = DatasetPicker()
        self.dataset_picker.dataset_chosen.connect(lambda name: self.setting_changed.emit("dataset", name))
        column.addWidget(self.dataset_picker)
        self.custom_data_label = QLabel("")
        self.custom_data_label.setObjectName("custom_data_label")
        self.custom_data_label.setWordWrap(True)
        column.addWidget(self.custom_data_label)
        self.train_ratio_slider, self._ratio_label = self._slider(
            column, "train_ratio_slider", "train_ratio", 10, 90, 10,
            "Share of the points used for training; the rest are test points", "Ratio of training to test data: {}%")
        self.noise_slider, self._noise_label = self._slider(
            column, "noise_slider", "noise", 0, 50, 5, "How noisy the data is (new points)", "Noise: {}")
        self.batch_size_slider, self._batch_label = self._slider(
            column, "batch_size_slider", "batch_size", 1, 30, 1,
            "Examples averaged into each update (changes live, keeps the network)", "Batch size: {}")
        self.seed_spin = QSpinBox()
        self.seed_spin.setObjectName("seed_spin")
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setToolTip("Random seed: the same seed gives the same points and initial weights")
        self.seed_spin.editingFinished.connect(self._seed_entered)
        column.addWidget(QLabel("Seed"))
        column.addWidget(self.seed_spin)
        self.regenerate_button = _push("Regenerate", "regenerate_button", "Draw new points with the same settings; keeps the network")
        self.regenerate_button.clicked.connect(self.regenerate_clicked)
        self.load_csv_button = _push("Load points from CSV…", "load_csv_button", LOAD_CSV_TIP)
        self.load_csv_button.clicked.connect(self.load_csv_clicked)
        column.addWidget(self.regenerate_button)
        column.addWidget(self.load_csv_button)
        column.addSpacing(6)
        column.addWidget(_heading("DRAW"))
        self.draw_tools = DrawTools()
        column.addWidget(self.draw_tools)
        column.addStretch(1)

    def _slider(self, column: QVBoxLayout, name: str, key: str, low: int, high: int, step: int,
                tooltip: str, caption: str) -> tuple[QSlider, QLabel]:
        label = QLabel(caption.format(low))
        label.setWordWrap(True)
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setObjectName(name)
        slider.setRange(low, high)
        slider.setSingleStep(step)
        slider.setPageStep(step)
        slider.setToolTip(tooltip)
        slider.setTracking(False)  # apply on release; the label follows while dragging
        slider.sliderMoved.connect(lambda v: label.setText(caption.format(v)))
        slider.valueChanged.connect(lambda v: (label.setText(caption.format(v)), self.setting_changed.emit(key, v)))
        column.addWidget(label)
        column.addWidget(slider)
        return slider, label

    def dataset_button(self, name: str, problem: str | None = None) -> QToolButton:
        """Dataset ``name``'s button (of ``problem``; by default the two-class or regression one)."""
        return self.dataset_picker.button(name, problem)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.draw_tools.show_snapshot(snapshot)
        config = snapshot.config
        if config == self._shown_config:
            return  # nothing to change (most frames while training)
        self._shown_config = config
        self.dataset_picker.show_config(config)
        builtin = is_builtin_dataset(config.dataset)
        self.custom_data_label.setText("" if builtin else f"Your points: {os.path.basename(config.dataset)}"
                                       + (f" ({config.classes} classes)" if config.problem == "multiclass" else ""))
        for slider, value in ((self.train_ratio_slider, config.train_ratio), (self.noise_slider, config.noise),
                              (self.batch_size_slider, min(config.batch_size, 30))):
            slider.blockSignals(True)
            slider.setValue(int(round(value)))
            slider.blockSignals(False)
        self._ratio_label.setText(f"Ratio of training to test data: {config.train_ratio:g}%")
        self._noise_label.setText(f"Noise: {config.noise:g}")
        self._batch_label.setText(f"Batch size: {config.batch_size}")
        self.regenerate_button.setEnabled(builtin)
        # The run's seed, even over typing not yet entered: the box never shows a seed the run
        # does not use (and leaving it later must not push the stale one back).
        self.seed_spin.blockSignals(True)
        self.seed_spin.setValue(config.seed)
        self.seed_spin.blockSignals(False)

    def _seed_entered(self) -> None:
        """Enter, or leaving the box: a new seed means new points and a new network."""
        if self._shown_config is not None and self.seed_spin.value() != self._shown_config.seed:
            self.setting_changed.emit("seed", self.seed_spin.value())


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("panel_heading")
    return label


def _push(text: str, name: str, tooltip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tooltip)
    return button
