"""The inspector's widgets: choosing the shot, the stage timeline, the cards and the tools.

Only widgets and signals; what they show is decided by ui/inspector.py. objectNames here are a
public contract (tests and the issue name them): inspector_panel, stage_previous_button,
stage_next_button, stage_play_button, stage_label, apply_shot_button, …
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.ui import theme
from playground.ui.gradient_check_view import GradientCheckView
from playground.ui.inspector_cards import ChainRuleCard, NeuronCard, card_style, factor_style
from playground.ui.slope_view import SlopeView
from playground.ui.stages import STAGE_NAMES, STAGE_WORDS

# Seconds per step of the stage animation, by the speed control's choice.
STAGE_SPEEDS = {"Slow": 1.6, "Normal": 0.9, "Fast": 0.4}
HINT = "Click a neuron for its numbers, or an edge for its chain rule."


def _button(text: str, name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    return button


def _tool(text: str, name: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.setAutoRaise(False)
    button.setMinimumWidth(30)
    return button


class InspectorPanel(QFrame):
    previous_clicked = Signal()
    next_clicked = Signal()
    play_clicked = Signal()
    stage_chosen = Signal(str)  # a stage name: jump to its last step
    mode_changed = Signal(bool)  # True: this mini-batch
    pick_clicked = Signal(str)  # "worst", "misclassified", "random"
    apply_clicked = Signal()
    close_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector_panel")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # ←/→ step through the stages while it has focus
        self._paint()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(5)
        layout.addLayout(self._build_shot_row())
        layout.addLayout(self._build_timeline())
        layout.addLayout(self._build_body(), 1)
        theme.follow_theme(self, self.restyle)

    def _paint(self) -> None:
        c = theme.current()
        back = "#1d2025" if c.dark else "#f6f8fa"
        self.setStyleSheet(f"QFrame#inspector_panel {{ background: {back}; border-top: 1px solid {c.card_border}; }}")

    def restyle(self) -> None:
        """Built in the theme in force; restyled when it changes."""
        self._paint()
        self.stage_label.setStyleSheet(f"font-weight: bold; color: {theme.current().strong};")
        self.hint.setStyleSheet(f"color: {theme.current().muted};")
        self.neuron_card.setStyleSheet(card_style("neuron_card"))
        self.chain_rule_card.setStyleSheet(card_style("chain_rule_card"))
        for factor in self.chain_rule_card.findChildren(QLabel):
            if factor.styleSheet().startswith("QLabel { background"):
                factor.setStyleSheet(factor_style())

    # ----- building ------------------------------------------------------------------------
    def _build_shot_row(self) -> QHBoxLayout:
        title = QLabel("<b>INSPECTOR</b>")
        self.shot_label = QLabel("Click a training point on the plot to choose the shot.")
        self.shot_label.setObjectName("shot_label")
        self.shot_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # gives way first
        self.sample_radio = QRadioButton("this sample")
        self.sample_radio.setObjectName("this_sample_radio")
        self.sample_radio.setToolTip("One sample: its forward pass, its error and its gradients")
        self.batch_radio = QRadioButton("this mini-batch")
        self.batch_radio.setObjectName("this_batch_radio")
        self.batch_radio.setToolTip("The samples the optimizer averages in one update: per-sample gradients and their mean")
        self.sample_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.sample_radio)
        group.addButton(self.batch_radio)
        self.batch_radio.toggled.connect(self.mode_changed)
        row = QHBoxLayout()
        row.addWidget(title)
        row.addWidget(self.shot_label, 1)
        row.addWidget(self.sample_radio)
        row.addWidget(self.batch_radio)
        for name, text, tip in (
            ("worst", "Worst", "The training sample with the largest loss"),
            ("misclassified", "Next wrong", "The next training sample the network gets wrong"),
            ("random", "Random", "A training sample at random"),
        ):
            button = _button(text, f"{name}_sample_button", tip)
            button.clicked.connect(lambda checked=False, n=name: self.pick_clicked.emit(n))
            row.addWidget(button)
        self.close_button = _tool("✕", "close_inspector_button", "Close the inspector (Esc)")
        self.close_button.clicked.connect(self.close_clicked)
        row.addWidget(self.close_button)
        return row

    def _build_timeline(self) -> QHBoxLayout:
        self.previous_button = _tool("◀", "stage_previous_button", "Previous stage (←)")
        self.play_button = _tool("▶", "stage_play_button", "Play the stages one after another")
        self.next_button = _tool("▶|", "stage_next_button", "Next stage (→)")
        self.previous_button.clicked.connect(self.previous_clicked)
        self.play_button.clicked.connect(self.play_clicked)
        self.next_button.clicked.connect(self.next_clicked)
        self.chips: dict[str, QToolButton] = {}
        row = QHBoxLayout()
        row.setSpacing(4)
        for widget in (self.previous_button, self.play_button, self.next_button):
            row.addWidget(widget)
        row.addSpacing(8)
        for name in STAGE_NAMES:
            chip = _tool(STAGE_WORDS[name], f"stage_{name}_chip", f"Jump to {STAGE_WORDS[name].lower()}")
            chip.setCheckable(True)
            chip.clicked.connect(lambda checked=False, n=name: self.stage_chosen.emit(n))
            self.chips[name] = chip
            row.addWidget(chip)
        row.addStretch(1)
        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("stage_speed_combo")
        self.speed_combo.addItems(list(STAGE_SPEEDS))
        self.speed_combo.setCurrentText("Normal")
        self.speed_combo.setToolTip("Speed of ▶: how long each stage stays")
        row.addWidget(self.speed_combo)
        self.apply_button = _button("Apply this shot", "apply_shot_button",
                                    "Make exactly this update to the real network (one step of the optimizer)")
        self.apply_button.clicked.connect(self.apply_clicked)
        row.addWidget(self.apply_button)
        return row

    def _build_body(self) -> QHBoxLayout:
        self.stage_label = QLabel("")
        self.stage_label.setObjectName("stage_label")
        self.stage_label.setStyleSheet(f"font-weight: bold; color: {theme.current().strong};")
        self.stage_text = QLabel("")
        self.stage_text.setObjectName("stage_text")
        self.stage_text.setWordWrap(True)
        self.stage_text.setTextFormat(Qt.TextFormat.RichText)
        self.stage_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.stage_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel(HINT)
        self.hint.setObjectName("card_hint")
        self.hint.setStyleSheet(f"color: {theme.current().muted};")
        self.neuron_card = NeuronCard()
        self.chain_rule_card = ChainRuleCard()
        self.cards = QStackedWidget()
        for widget in (self.hint, self.neuron_card, self.chain_rule_card):
            self.cards.addWidget(widget)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 4, 0)
        column.addWidget(self.stage_label)
        column.addWidget(self.stage_text)
        column.addWidget(self.cards)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.slope_view = SlopeView()
        self.gradient_check_view = GradientCheckView()
        self.tools = QTabWidget()
        self.tools.setObjectName("inspector_tools")
        self.tools.addTab(self.slope_view, "Slope of E along the weight")
        self.tools.addTab(self.gradient_check_view, "Gradient check")
        row = QHBoxLayout()
        row.addWidget(scroll, 1)
        row.addWidget(self.tools, 1)
        return row

    # ----- showing -------------------------------------------------------------------------
    def show_stage(self, index: int, count: int, name: str, title: str, html: str) -> None:
        self.stage_label.setText(f"Stage {index + 1}/{count} · {title}")
        self.stage_text.setText(html)
        for stage, chip in self.chips.items():
            chip.setChecked(stage == name)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < count - 1)

    def say(self, text: str) -> None:
        """The shot line: which sample (or a note on the last pick)."""
        text = text[:1].upper() + text[1:]
        self.shot_label.setText(text)
        self.shot_label.setToolTip(text)

    def set_playing(self, playing: bool) -> None:
        self.play_button.setText("❚❚" if playing else "▶")
        self.play_button.setToolTip("Pause the stages" if playing else "Play the stages one after another")

    def show_hint(self) -> None:
        self.cards.setCurrentWidget(self.hint)

    def seconds_per_stage(self) -> float:
        return STAGE_SPEEDS[self.speed_combo.currentText()]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_Left:
            self.previous_clicked.emit()
        elif event.key() == Qt.Key.Key_Right:
            self.next_clicked.emit()
        elif event.key() == Qt.Key.Key_Escape:
            self.close_clicked.emit()
        else:
            super().keyPressEvent(event)
