"""The main window: assembles the panels and routes their requests to the controller."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from playground import __version__
from playground.engine.config import CLASSIFICATION_DATASETS, REGRESSION_DATASETS, ConfigError
from playground.engine.features import FEATURE_LABELS
from playground.ui.data_panel import DataPanel
from playground.ui.network_view import NetworkView
from playground.ui.output_panel import OutputPanel
from playground.ui.top_bar import TopBar
from playground.worker.controller import TrainingController
from playground.worker.snapshot import Snapshot

WINDOW_TITLE = "Backprop Playground"
EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"
EXPERIMENT_FILTER = "Experiments (*.json);;All files (*)"
GUIDE = """<p><b>Each square</b> is one neuron, drawn as its output over the input plane (x from −6 to 6
left to right, y from −6 to 6 bottom to top): <span style="color:#f59322"><b>orange</b></span> is −1,
light grey 0, <span style="color:#0877bd"><b>blue</b></span> +1. Features are the inputs; the last
square is the output, shown large on the right with the data points on top.</p>
<p><b>Edges</b> carry the weights. Their width is |w|. Their colour is the gradient dE/dw of the last
update: <span style="color:#c51b7d"><b>magenta</b></span> negative (the update will raise the
weight), <span style="color:#2e8b22"><b>green</b></span> positive (it will lower it), on a scale that
follows the gradients so small ones stay visible. Tick "Colour edges by weight" for the weights
themselves. The small square beside each neuron is its bias.</p>
<p><b>Hover a data point</b> to trace that one sample: each neuron's ring takes its activation for it.
<b>Hover a neuron</b> to see its map large. <b>Click an edge or a bias</b> to type a new value.</p>
<p><b>Loss</b> is the mean of ½(output − label)² over the training and the test points; it should
fall as the network learns. If it turns to NaN the network has diverged: lower the learning rate
and reset.</p>"""


class MainWindow(QMainWindow):
    def __init__(self, controller: TrainingController) -> None:
        super().__init__()
        self.controller = controller
        self.setWindowTitle(WINDOW_TITLE)
        self.setObjectName("main_window")
        self.top_bar = TopBar()
        self.data_panel = DataPanel()
        self.network_view = NetworkView()
        self.output_panel = OutputPanel()
        self.message_banner = QLabel("")
        self.message_banner.setObjectName("message_banner")
        self.message_banner.setWordWrap(True)
        self.message_banner.hide()
        self._dialog: QMessageBox | None = None
        self._hovered_node = -1  # the neuron whose map the output plot shows, or −1
        self._build_layout()
        self._connect()
        self._build_menu()
        self.resize(1440, 880)

    def _build_layout(self) -> None:
        central = QWidget()
        column = QVBoxLayout(central)
        column.addWidget(self.top_bar)
        column.addWidget(self.message_banner)
        row = QHBoxLayout()
        self.data_panel.setFixedWidth(190)
        row.addWidget(self.data_panel)
        row.addWidget(self.network_view, stretch=3)
        self.output_panel.setMinimumWidth(400)
        row.addWidget(self.output_panel, stretch=2)
        column.addLayout(row, stretch=1)
        self.setCentralWidget(central)

    def _connect(self) -> None:
        c = self.controller
        c.snapshot_changed.connect(self._on_snapshot_changed)
        c.failed.connect(self.show_error)
        c.saved.connect(lambda path: self.statusBar().showMessage(f"Saved {path}", 5000))
        self.top_bar.play_clicked.connect(c.toggle_running)
        self.top_bar.step_clicked.connect(c.step)
        self.top_bar.reset_clicked.connect(c.reset)
        self.top_bar.setting_changed.connect(self.apply_setting)
        self.data_panel.setting_changed.connect(self.apply_setting)
        self.data_panel.regenerate_clicked.connect(c.regenerate)
        self.data_panel.load_csv_clicked.connect(self._ask_csv)
        view = self.network_view
        view.feature_toggled.connect(self._toggle_feature)
        view.layer_added.connect(lambda: self._set_hidden(lambda h: h + [2]))
        view.layer_removed.connect(lambda: self._set_hidden(lambda h: h[:-1]))
        view.neuron_added.connect(lambda layer: self._set_hidden(lambda h: _changed_width(h, layer, +1)))
        view.neuron_removed.connect(lambda layer: self._set_hidden(lambda h: _changed_width(h, layer, -1)))
        view.weight_edited.connect(c.set_weight)
        view.bias_edited.connect(c.set_bias)
        view.node_hovered.connect(self._show_node)
        self.output_panel.sample_hovered.connect(c.set_trace_point)
        self.output_panel.sample_left.connect(c.clear_trace_point)
        for key, slot in ((Qt.Key.Key_Space, c.toggle_running), (Qt.Key.Key_Right, c.step), (Qt.Key.Key_R, c.reset)):
            QShortcut(QKeySequence(key), self, activated=slot)

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        for text, shortcut, slot in (
            ("&Open experiment…", QKeySequence.StandardKey.Open, self._ask_open),
            ("&Save experiment…", QKeySequence.StandardKey.Save, self._ask_save),
            ("Load &points from CSV…", None, self._ask_csv),
            ("&Quit", QKeySequence.StandardKey.Quit, self.close),
        ):
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            file_menu.addAction(action)
        examples = file_menu.addMenu("Open &example")
        examples.setObjectName("examples_menu")
        for path in sorted(EXAMPLES.glob("*.json")):
            action = QAction(path.stem.replace("-", " ").capitalize(), self)
            action.triggered.connect(lambda _checked=False, p=str(path): self.controller.load_experiment(p))
            examples.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        guide = QAction("&What am I looking at?", self)
        guide.setShortcut(QKeySequence.StandardKey.HelpContents)
        guide.triggered.connect(self.show_guide)
        help_menu.addAction(guide)
        about = QAction("&About Backprop Playground", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    # ----- requests ------------------------------------------------------------------------
    def apply_setting(self, key: str, value: object) -> None:
        """One control changed: build the new config (validated) and hand it to the worker."""
        if self.controller.snapshot is None:
            return
        changes = {key: value}
        if key == "problem":  # each problem type has its own datasets
            changes["dataset"] = (CLASSIFICATION_DATASETS if value == "classification" else REGRESSION_DATASETS)[0]
        try:
            config = self.controller.config.replace(**changes)
        except ConfigError as exc:
            self.show_error(str(exc))
            return
        self.controller.apply_config(config)

    def _toggle_feature(self, name: str) -> None:
        features = list(self.controller.config.features)
        features = [f for f in features if f != name] if name in features else features + [name]
        self.apply_setting("features", features)

    def _set_hidden(self, change) -> None:
        self.apply_setting("hidden", change(list(self.controller.config.hidden)))

    def _show_node(self, index: int) -> None:
        """Show neuron ``index``'s map large in the output plot (−1 or the output: the output)."""
        self._hovered_node = index
        snapshot = self.controller.snapshot
        if snapshot is None or index < 0 or index >= snapshot.n_nodes - 1:
            self.output_panel.show_node_map(None)
            return
        node_map = snapshot.node_maps[index]
        scale = 1.0
        n_features = snapshot.layer_sizes[0]
        if index < n_features:  # features are not in [−1, 1]: scale to their range
            scale = float(np.nanmax(np.abs(node_map))) or 1.0
            name = f"feature {FEATURE_LABELS[snapshot.config.features[index]]}"
        else:
            layer, neuron = _layer_and_neuron(snapshot.layer_sizes, index)
            name = f"hidden layer {layer}, neuron {neuron + 1}"
        self.output_panel.show_node_map(node_map, scale, name)

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load points from CSV", "", "CSV files (*.csv);;All files (*)")
        if path:
            self.apply_setting("dataset", path)

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open experiment", "", EXPERIMENT_FILTER)
        if path:
            self.controller.load_experiment(path)

    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save experiment", "experiment.json", EXPERIMENT_FILTER)
        if path:
            self.controller.save_experiment(path)

    # ----- feedback -------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        """A non-blocking dialog: the message names what is wrong and what is allowed."""
        self.statusBar().showMessage(message, 10000)
        self._dialog = QMessageBox(QMessageBox.Icon.Warning, WINDOW_TITLE, message, QMessageBox.StandardButton.Ok, self)
        self._dialog.setObjectName("error_dialog")
        self._dialog.open()

    def show_guide(self) -> None:
        self._dialog = QMessageBox(QMessageBox.Icon.Information, "What am I looking at?", GUIDE, QMessageBox.StandardButton.Ok, self)
        self._dialog.setObjectName("guide_dialog")
        self._dialog.open()

    def show_about(self) -> None:
        text = (
            f"<b>Backprop Playground {__version__}</b><p>Watch a neural network learn and see backpropagation: "
            "edges are coloured by the gradient of the loss, neurons by their activation.</p>"
        )
        self._dialog = QMessageBox(QMessageBox.Icon.Information, "About", text, QMessageBox.StandardButton.Ok, self)
        self._dialog.setObjectName("about_dialog")
        self._dialog.open()

    def _on_snapshot_changed(self, snapshot: Snapshot) -> None:
        self.top_bar._on_snapshot_changed(snapshot)
        self.data_panel._on_snapshot_changed(snapshot)
        self.network_view.update_snapshot(snapshot)
        self.output_panel.update_snapshot(snapshot)
        if self._hovered_node >= 0:  # keep the hovered neuron's map live while it trains
            self._show_node(self._hovered_node)
        self.message_banner.setVisible(bool(snapshot.diverged))
        self.message_banner.setText(snapshot.message if snapshot.diverged else "")

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.controller.shutdown()
        super().closeEvent(event)


def _layer_and_neuron(layer_sizes: tuple[int, ...], index: int) -> tuple[int, int]:
    """Node row ``index`` of the maps → (layer, neuron); layer 0 is the features."""
    for layer, size in enumerate(layer_sizes):
        if index < size:
            return layer, index
        index -= size
    raise IndexError("node index beyond the network")


def _changed_width(hidden: list[int], layer: int, delta: int) -> list[int]:
    widths = list(hidden)
    widths[layer] = max(1, widths[layer] + delta)
    return widths
