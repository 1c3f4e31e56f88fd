"""Every panel that shows one training run, bound to the controller of that run.

The top bar, the data panel, the network view, the output panel and the divergence banner each
have one ``show_snapshot(snapshot)``; a RunView hands every snapshot to all of them and turns
their requests into edits for its controller. The main window only lays the panels out, so a
second RunView on a second controller is a second run beside the first.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from playground.engine.config_edits import AddLayer, ChangeWidth, Edit, LoadPoints, RemoveLayer, SetValue, ToggleFeature
from playground.engine.features import FEATURE_LABELS
from playground.engine.point_edits import AddPoints, ClearPoints, ErasePoint, spray
from playground.ui.data_panel import DataPanel
from playground.ui.network_view import NetworkView
from playground.ui.output_panel import OutputPanel
from playground.ui.top_bar import TopBar
from playground.worker.controller import TrainingController
from playground.worker.snapshot import Snapshot

SPRAY_STEP = 0.3  # plane units the pointer moves between two sprays of a drag
SPRAY_COUNT = 3  # points per spray
LABEL_KEYS = ("problem", "classes")  # config keys whose change changes what a label may be


class MessageBanner(QLabel):
    """What happened and what to try, shown while the run has diverged."""

    def __init__(self) -> None:
        super().__init__("")
        self.setObjectName("message_banner")
        self.setWordWrap(True)
        self.hide()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.setVisible(bool(snapshot.diverged))
        self.setText(snapshot.message if snapshot.diverged else "")


class RunView(QObject):
    inspector_opened = Signal(bool)  # the inspector opened (True) or closed

    def __init__(self, controller: TrainingController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.top_bar = TopBar()
        self.data_panel = DataPanel()
        self.network_view = NetworkView()
        self.output_panel = OutputPanel()
        self.message_banner = MessageBanner()
        # The inspector is built the first time it is wanted (half a tenth of a second the first
        # frame need not wait for); its panel goes into this holder, laid out under the network.
        self.inspector_holder = QWidget()
        self.inspector_holder.setLayout(QVBoxLayout())
        self.inspector_holder.layout().setContentsMargins(0, 0, 0, 0)
        self.inspector_holder.hide()
        self._inspector = None
        self.panels = (self.top_bar, self.message_banner, self.data_panel, self.network_view, self.output_panel)
        self._hovered_node = -1  # the neuron whose map the output plot shows, or −1
        self._last_spray: tuple[float, float] | None = None  # where a drag last sprayed points
        self._rng = np.random.default_rng()  # the jitter of sprayed points
        self._connect()

    def _connect(self) -> None:
        c = self.controller
        c.snapshot_changed.connect(self.show_snapshot)
        self.top_bar.play_clicked.connect(c.toggle_running)
        self.top_bar.step_clicked.connect(c.step)
        self.top_bar.reset_clicked.connect(c.reset)
        self.top_bar.setting_changed.connect(self.set_value)
        self.data_panel.setting_changed.connect(self.set_value)
        self.data_panel.regenerate_clicked.connect(c.regenerate)
        view = self.network_view
        view.feature_toggled.connect(self._toggle_feature)
        view.layer_added.connect(self._add_layer)
        view.layer_removed.connect(self._remove_layer)
        view.neuron_added.connect(self._add_neuron)
        view.neuron_removed.connect(self._remove_neuron)
        view.weight_edited.connect(c.set_weight)
        view.bias_edited.connect(c.set_bias)
        view.node_hovered.connect(self.show_node)
        view.class_hovered.connect(self.output_panel.show_class_map)  # multiclass outputs: p(class k) large
        self.output_panel.sample_hovered.connect(self._trace)
        self.output_panel.sample_left.connect(c.clear_trace_point)
        self.top_bar.inspect_clicked.connect(self.toggle_inspector)
        history = self.output_panel.history_bar
        history.show_requested.connect(c.show_checkpoint)
        history.branch_requested.connect(c.branch_from)
        history.undo_requested.connect(c.undo_branch)
        tools, plot = self.data_panel.draw_tools, self.output_panel.boundary_plot
        tools.mode_toggled.connect(plot.set_draw_mode)
        tools.undo_clicked.connect(c.undo_points)
        tools.redo_clicked.connect(c.redo_points)
        tools.clear_clicked.connect(self._clear_points)
        plot.draw_pressed.connect(self._draw)
        plot.draw_dragged.connect(self._spray)
        plot.erase_requested.connect(self._erase)

    # ----- the inspector, built when first wanted ---------------------------------------------
    @property
    def inspector(self):
        """The backprop inspector (playground/ui/inspector.py), built on first use."""
        if self._inspector is None:
            from playground.ui.inspector import Inspector
            from playground.ui.inspector_panel import InspectorPanel

            panel = InspectorPanel()
            self.inspector_holder.layout().addWidget(panel)
            self._inspector = Inspector(self.controller, panel, self.network_view, self.output_panel.boundary_plot, self)
            self._inspector.opened.connect(self._inspector_opened)
        return self._inspector

    @property
    def inspector_panel(self):
        return self.inspector.panel

    @property
    def inspector_is_open(self) -> bool:
        """Without building the inspector."""
        return self._inspector is not None and self._inspector.is_open

    def toggle_inspector(self) -> None:
        self.inspector.toggle()

    # ----- drawing points -----------------------------------------------------------------------
    def _draw(self, x: float, y: float) -> None:
        self._last_spray = (x, y)
        self._add(np.array([[x, y]]))

    def _spray(self, x: float, y: float) -> None:
        """A drag: a few points scattered around the pointer each time it has moved a little."""
        last = self._last_spray
        if last is not None and np.hypot(x - last[0], y - last[1]) < SPRAY_STEP:
            return
        self._last_spray = (x, y)
        self._add(spray(x, y, SPRAY_COUNT, self._rng))

    def _erase(self, x: float, y: float, radius: float) -> None:
        self.controller.edit_points(ErasePoint(x, y, radius))

    def _clear_points(self) -> None:
        """Every point goes (one step of the history: Ctrl+Z brings them all back)."""
        self.controller.edit_points(ClearPoints())

    def _add(self, xy: np.ndarray) -> None:
        tools = self.data_panel.draw_tools
        self.controller.edit_points(AddPoints(xy, tools.label(), tools.to_test))

    def _trace(self, x: float, y: float, label: float) -> None:
        if not self.inspector_is_open:  # the inspector has its own sample; hovering must not re-aim it
            self.controller.set_trace_point(x, y, label)

    def _inspector_opened(self, on: bool) -> None:
        self.inspector_holder.setVisible(on)
        self.top_bar.inspect_button.setChecked(on)
        if on:
            self.controller.clear_trace_point()
        self.inspector_opened.emit(on)

    # ----- requests: edits of the config in force when they reach the worker -----------------
    def edit(self, edit: Edit) -> None:
        if isinstance(edit, LoadPoints) or (isinstance(edit, SetValue) and edit.key in LABEL_KEYS):
            # the traced sample's label may be no class of the new problem (class 2 of 2 classes):
            # drop it first (requests arrive in order); hovering a new point traces that one
            self.controller.clear_trace_point()
        self.controller.edit(edit)

    def set_value(self, key: str, value: object) -> None:
        self.edit(SetValue(key, value))

    def _toggle_feature(self, name: str) -> None:
        self.edit(ToggleFeature(name))

    def _add_layer(self) -> None:
        self.edit(AddLayer())

    def _remove_layer(self) -> None:
        self.edit(RemoveLayer())

    def _add_neuron(self, layer: int) -> None:
        self.edit(ChangeWidth(layer, +1))

    def _remove_neuron(self, layer: int) -> None:
        self.edit(ChangeWidth(layer, -1))

    # ----- showing ---------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        for panel in self.panels:
            panel.show_snapshot(snapshot)
        if self._hovered_node >= 0:  # keep the hovered neuron's map live while it trains
            self.show_node(self._hovered_node)

    def show_node(self, index: int) -> None:
        """Show neuron ``index``'s map large in the output plot (−1 or an output neuron: the output;
        a multiclass output's class map comes through NetworkView.class_hovered)."""
        self._hovered_node = index
        snapshot = self.controller.snapshot
        if snapshot is None or index < 0 or index >= snapshot.n_nodes - snapshot.layer_sizes[-1]:
            self.output_panel.show_node_map(None)
            return
        node_map = snapshot.node_maps[index]
        scale = 1.0
        n_features = snapshot.layer_sizes[0]
        if index < n_features:  # features are not in [−1, 1]: scale to their range
            with np.errstate(all="ignore"):
                scale = float(np.nanmax(np.abs(node_map))) or 1.0
            name = f"feature {FEATURE_LABELS[snapshot.config.features[index]]}"
        else:
            layer, neuron = layer_and_neuron(snapshot.layer_sizes, index)
            name = f"hidden layer {layer}, neuron {neuron + 1}"
        self.output_panel.show_node_map(node_map, scale, name)


def layer_and_neuron(layer_sizes: tuple[int, ...], index: int) -> tuple[int, int]:
    """Node row ``index`` of the maps → (layer, neuron); layer 0 is the features."""
    for layer, size in enumerate(layer_sizes):
        if index < size:
            return layer, index
        index -= size
    raise IndexError("node index beyond the network")
