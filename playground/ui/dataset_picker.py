"""The dataset buttons of the data panel: a thumbnail of each built-in dataset of the problem
in force, the one in use checked.

The same name may be two datasets ("spiral" has two arms for classification, one per class for
multi-class), so the buttons are keyed by (problem, name): `dataset_button_<name>` for the
classification and regression sets, `dataset_button_multiclass_<name>` for the multi-class ones,
whose thumbnails are redrawn with the class count in force.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QToolButton, QWidget

from playground.engine.config import Config
from playground.engine.data import data_rng, is_builtin_dataset
from playground.engine.datasets import DATASET_LABELS, MIN_CLASSES, PROBLEM_LABELS, PROBLEM_NAMES, datasets_of, generate
from playground.ui import theme
from playground.ui.colors import CLASS_COLORS, lut_index, palette

PREVIEW_PIXELS = 64
PREVIEW_NOISE = 0
BACKGROUND = (0xF7, 0xF7, 0xF7)
DARK_BACKGROUND = (0x1A, 0x1C, 0x20)  # the dark theme's chart background
MULTICLASS_TIPS = {"spiral": "one arm per class", "blobs": "one cluster per class, centres on a circle"}


def dataset_preview(name: str, problem: str | None = None, classes: int = MIN_CLASSES,
                    pixels: int = PREVIEW_PIXELS) -> QPixmap:
    """A small picture of a built-in dataset: its points coloured by label (multi-class: each
    class in its own colour), each a 3 × 3 dot, stamped with NumPy (a QPainter call per point
    cost the first frame some 20 ms)."""
    points = generate(name, PREVIEW_NOISE, data_rng(1), problem, classes)  # (n, 3)
    points = points[:: max(1, len(points) // 300)]
    if problem == "multiclass":
        colours = np.array(CLASS_COLORS, dtype=np.uint8)[points[:, 2].astype(int)]  # (n, 3)
    else:
        colours = palette.value_lut[[lut_index(float(v)) for v in np.clip(points[:, 2], -1, 1)]]
    scale = pixels / 12.0  # the plane is [−6, 6]²
    columns = np.round((points[:, 0] + 6) * scale).astype(int)
    rows = np.round((6 - points[:, 1]) * scale).astype(int)
    canvas = np.empty((pixels, pixels, 3), dtype=np.uint8)
    canvas[...] = DARK_BACKGROUND if theme.is_dark() else BACKGROUND
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            y, x = rows + dy, columns + dx
            inside = (y >= 0) & (y < pixels) & (x >= 0) & (x < pixels)
            canvas[y[inside], x[inside]] = colours[inside]  # later points over earlier, as drawn
    image = QImage(canvas.data, pixels, pixels, 3 * pixels, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image)  # a copy: the canvas may go


def button_name(problem: str, name: str) -> str:
    return f"dataset_button_multiclass_{name}" if problem == "multiclass" else f"dataset_button_{name}"


def button_tip(problem: str, name: str, classes: int) -> str:
    if problem == "multiclass":
        return f"{DATASET_LABELS[name]} (multi-class, {classes} classes): {MULTICLASS_TIPS.get(name, '')}".rstrip(": ")
    return f"{DATASET_LABELS[name]} ({PROBLEM_LABELS[problem].lower()})"


class DatasetPicker(QWidget):
    dataset_chosen = Signal(str)  # a built-in dataset's name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[tuple[str, str], QToolButton] = {}  # (problem, name) → its button
        self._group = QButtonGroup(self)
        self._preview_classes = Config().classes  # the class count the multi-class thumbnails show
        self._drawn: set[str] = set()  # problems whose thumbnails are drawn: each when first shown
        self._config: Config | None = None
        theme.follow_theme(self, self.restyle)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for problem in PROBLEM_NAMES:  # one problem's shown at a time
            for index, name in enumerate(datasets_of(problem)):  # two a row, each problem's from the top
                grid.addWidget(self._button(problem, name), index // 2, index % 2)

    def _button(self, problem: str, name: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(button_name(problem, name))
        button.setCheckable(True)
        button.setIconSize(QSize(PREVIEW_PIXELS, PREVIEW_PIXELS))
        button.setText(DATASET_LABELS[name])
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setToolTip(button_tip(problem, name, self._preview_classes))
        button.clicked.connect(lambda: self.dataset_chosen.emit(name))
        self._group.addButton(button)
        self.buttons[(problem, name)] = button
        return button

    def button(self, name: str, problem: str | None = None) -> QToolButton:
        """The button of dataset ``name`` of ``problem`` (by default: the two-class or regression one)."""
        if problem is None:
            problem = next(p for p in PROBLEM_NAMES if p != "multiclass" and name in datasets_of(p))
        return self.buttons[(problem, name)]

    def restyle(self) -> None:
        """The theme or the value scale changed: every thumbnail is drawn again when next shown."""
        self._drawn.clear()
        if self._config is not None:
            self.show_config(self._config)

    def show_config(self, config: Config) -> None:
        """The problem's buttons, the dataset in use checked (none for the user's CSV file)."""
        self._config = config
        if config.problem == "multiclass" and config.classes != self._preview_classes:
            self._preview_classes = config.classes
            self._drawn.discard("multiclass")
        if config.problem not in self._drawn:  # drawn when first shown: the first frame waits for no other
            self._drawn.add(config.problem)
            for name in datasets_of(config.problem):
                button = self.buttons[(config.problem, name)]
                button.setIcon(QIcon(dataset_preview(name, config.problem, self._preview_classes)))
                button.setToolTip(button_tip(config.problem, name, self._preview_classes))
        builtin = is_builtin_dataset(config.dataset)
        self._group.setExclusive(builtin)
        for (problem, name), button in self.buttons.items():
            button.setVisible(problem == config.problem)
            button.setChecked(problem == config.problem and name == config.dataset)
        self._group.setExclusive(True)
