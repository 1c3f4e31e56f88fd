"""The network in the centre: features, hidden layers and output as thumbnails, weights as edges.

Edges are as wide as |weight| and coloured by dE/dw on a scale that follows the gradients (or by
the weight itself, the playground's view); a traced sample colours every square's ring by its
activation. Items are built once per network shape and only restyled per snapshot. The view
never changes the network itself: it emits what the learner asked for and waits for a snapshot.
A multiclass network's K outputs show p_k from white to their class's colour, named "class k".
"""

from __future__ import annotations

from itertools import chain

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsPathItem,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from playground.engine.features import FEATURE_LABELS, FEATURE_NAMES
from playground.engine.grid import GridEvaluator
from playground.ui import network_text, theme
from playground.ui.class_maps import class_value_color
from playground.ui.colors import lut_colors, lut_indices, palette, pixmap, value_color
from playground.ui.gradient_scale import GRADIENT_FLOOR, GradientScale, significant
from playground.ui.network_items import (
    CLASS_NAME_WIDTH,
    LABEL_WIDTH,
    BiasItem,
    EdgeSet,
    LabelItem,
    Layout,
    NetworkScene,
    NodeItem,
    Target,
    Thumbnailer,
    compute_layout,
    name_classes,
    place_class_names,
)
from playground.ui.network_widgets import (
    EdgeLegend,
    LayerHeader,
    NetworkCanvas,
    ParameterEditor,
    tool_button,
)
from playground.ui.stage_overlay import StageOverlay
from playground.ui.stages import StageView
from playground.worker.snapshot import Snapshot

GRADIENT, WEIGHT = "gradient", "weight"
# |w| ≤ 0.5 draws 1 px wide (Qt's fast hairline path: most weights are that small), |w| ≥ 5 8 px.
HAIRLINE_BELOW, WIDTH_AT, MAX_EDGE_WIDTH = 0.5, 5.0, 8.0
TITLE_TOP = 28.0  # scene y of the column titles, level with the hidden layers' names


def _title_color() -> QColor:
    return QColor(theme.current().muted)


def _label_color(on: bool = True) -> QColor:
    return QColor(theme.current().strong if on else theme.current().faded)



class NetworkView(QWidget):
    """Layers are counted as in Snapshot: node layer 0 = the features; weight layer 0 =
    features → first layer. Hidden layers in the add/remove signals count from 0."""

    feature_toggled = Signal(str)
    layer_added = Signal()
    layer_removed = Signal()
    neuron_added = Signal(int)  # hidden layer index
    neuron_removed = Signal(int)
    node_hovered = Signal(int)  # row of Snapshot.node_maps, or -1 when the mouse leaves (or: see class_hovered)
    class_hovered = Signal(int)  # multiclass output neuron k under the mouse (node_hovered says -1), -1 on leaving
    weight_edited = Signal(int, int, int, float)  # weight layer, input i, neuron j, value
    bias_edited = Signal(int, int, float)  # weight layer, neuron j, value
    target_inspected = Signal(object)  # a clicked Target while the inspector is open

    def __init__(self, parent: QWidget | None = None, *, max_layers: int = 6, max_neurons: int = 8) -> None:
        super().__init__(parent)
        self.max_layers, self.max_neurons = max_layers, max_neurons
        self.snapshot: Snapshot | None = None
        self.colour_mode = GRADIENT
        self._structure: tuple | None = None
        self._rings_idle = False  # every ring shows the idle colour (no traced sample)
        self._gradient_scale = GradientScale()
        self._hovered_node = False  # a neuron is under the pointer (its map is shown large)
        self._hovered_class = -1  # the multiclass output neuron under the pointer
        self._feature_cache: tuple[tuple[int, float], np.ndarray, np.ndarray] | None = None
        self._features: dict[str, NodeItem] = {}
        self._neurons: list[list[NodeItem]] = []  # [node layer − 1][neuron]
        self._biases: list[list[BiasItem]] = []  # [weight layer][neuron]
        self._edges: EdgeSet | None = None
        self._thumbnailer: Thumbnailer | None = None
        self._thumb_pixels: np.ndarray | None = None  # (n_neurons, p, p) uint32 the thumbnails show
        self._bias_shown: tuple[np.ndarray, np.ndarray] | None = None  # (LUT, (n_biases,) index) shown
        self._titles: list[tuple[QGraphicsSimpleTextItem, QGraphicsSimpleTextItem]] = []
        self._headers: list[LayerHeader] = []
        self._editing: Target | None = None
        self._scene = NetworkScene(self)
        self._overlay = StageOverlay(self._scene)  # the inspector's stage, when one is shown
        self.inspecting = False  # clicks choose what the inspector explains instead of editing
        self._highlighted: Target | None = None  # the item the inspector marks
        self._canvas = NetworkCanvas(self._scene, self._relayout)
        self._canvas.setObjectName("network_canvas")
        self._editor = ParameterEditor(self._canvas.viewport())
        self._editor.accepted.connect(self._editor_accepted)
        self._legend = EdgeLegend()
        self._build_toolbar()
        self.setAutoFillBackground(True)
        self._paint_background()
        theme.follow_theme(self, self.restyle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(self._toolbar)
        layout.addWidget(self._canvas, 1)
        layout.addWidget(self._legend)
        self._update_layer_controls()

    def _paint_background(self) -> None:
        colours = self.palette()
        colours.setColor(QPalette.ColorRole.Window, QColor(theme.current().chart))
        self.setPalette(colours)
        self._canvas.setBackgroundBrush(QColor(theme.current().chart))

    @Slot()
    def restyle(self) -> None:
        """The theme, the colour scales or the line scale changed: recolour every item from the last snapshot."""
        self._paint_background()
        self._legend.restyle()
        for header in self._headers:
            header.set_width(header.width())
        if self.snapshot is None or self._structure is None:
            return
        enabled = self.snapshot.config.features
        for name, item in self._features.items():
            item.label.setBrush(_label_color(name in enabled))
            item.label.setFont(_font(9.5))
        for title, subtitle in self._titles:
            title.setBrush(_label_color())
            title.setFont(_font(9, bold=True))
            subtitle.setBrush(_title_color())
            subtitle.setFont(_font(8))
        if self.snapshot.multiclass:
            for item in self._neurons[-1]:
                item.label.setBrush(_label_color())
                item.label.setFont(_font(8.5))
        self._thumbnailer, self._bias_shown, self._rings_idle = None, None, False
        self._relayout()  # new thumbnails in the scale in force
        self._draw_parameters(self.snapshot)
        self._draw_rings(self.snapshot)

    def sizeHint(self) -> QSize:
        return QSize(660, 600)

    def minimumSizeHint(self) -> QSize:
        return QSize(360, 320)

    def _build_toolbar(self) -> None:
        self._remove_layer = tool_button("−", "remove_layer_button", "Remove the last hidden layer")
        self._add_layer = tool_button("+", "add_layer_button", "Add a hidden layer")
        self._remove_layer.clicked.connect(self.layer_removed)
        self._add_layer.clicked.connect(self.layer_added)
        self._layer_count = QLabel("0 hidden layers")
        self._layer_count.setObjectName("layer_count_label")
        self._layer_count.setToolTip("Hidden layers between the features and the output; − and + change how many")
        self._colour_toggle = QCheckBox("Colour edges by weight")
        self._colour_toggle.setObjectName("edge_colour_toggle")
        self._colour_toggle.setToolTip(
            "Off: edge colour is the gradient dE/dw of the last update (how the error wants each weight to move).\n"
            "On: edge colour is the weight itself, as in TensorFlow Playground."
        )
        self._colour_toggle.toggled.connect(self._colour_toggled)
        self._toolbar = QHBoxLayout()
        self._toolbar.setContentsMargins(6, 0, 6, 0)
        for widget in (self._remove_layer, self._add_layer, self._layer_count):
            self._toolbar.addWidget(widget)
        self._toolbar.addStretch(1)
        self._toolbar.addWidget(self._colour_toggle)

    # ------------------------------------------------------------------ public
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show ``snapshot``; items are rebuilt only when the network's shape or inputs change."""
        if snapshot.history_reset:
            self._gradient_scale.restart()  # reset, rebuild or load
        self.snapshot = snapshot
        structure = (tuple(snapshot.layer_sizes), tuple(snapshot.config.features), snapshot.multiclass)
        if structure != self._structure:
            self._rebuild(snapshot, structure)
            self._rings_idle = False  # new items: colour them once
        self._gradient_scale.update(snapshot.weight_gradients, updated=snapshot.epoch > 0)
        self._draw_thumbnails(snapshot)
        self._draw_parameters(snapshot)
        self._draw_rings(snapshot)

    def set_inspecting(self, on: bool) -> None:
        """While the inspector is open, a click on a neuron, edge or bias chooses it."""
        self.inspecting = on
        self._editor.cancel()
        for item in chain.from_iterable(self._neurons):
            item.set_clickable(on)

    def set_stage_view(self, view: StageView | None) -> None:
        """Draw an inspector stage over the network (None: back to the live look). A stage of
        another shape (the network was just rebuilt; the inspector has not re-aimed yet) is not drawn."""
        if view is not None and (self.snapshot is None or view.layer_sizes != tuple(self.snapshot.layer_sizes)):
            view = None
        if view is None and self._overlay.active:
            self._overlay.clear(self._edges)
            self._rings_idle = False
        self._overlay.view = view
        if self.snapshot is not None and self._structure is not None:
            self._draw_parameters(self.snapshot)
            self._draw_rings(self.snapshot)

    def stage_view(self) -> StageView | None:
        return self._overlay.view

    def highlight(self, target: Target | None) -> None:
        """Mark the edge or neuron a chain-rule factor names (None: nothing)."""
        self._highlighted = target  # marked again where it moves to when the view is laid out anew
        node = None
        if target is not None and target[0] == "node":
            node = self.neuron_item(target[1], target[2])
        elif target is not None and target[0] == "bias":
            node = self.bias_item(target[1], target[2])
        elif target is not None and target[0] == "feature":
            node = self.feature_item(target[1])
        self._overlay.highlight(target, self._edges, node)

    def feature_item(self, name: str) -> NodeItem:
        return self._features[name]

    def neuron_item(self, layer: int, neuron: int) -> NodeItem:
        """Node layer ``layer`` ≥ 1 (the last is the output)."""
        return self._neurons[layer - 1][neuron]

    def bias_item(self, layer: int, neuron: int) -> BiasItem:
        return self._biases[layer][neuron]

    def edge_item(self, layer: int, i: int, j: int) -> QGraphicsPathItem:
        return self._edges.items[self._edges.index[(layer, i, j)]]

    def edge_count(self) -> int:
        return 0 if self._edges is None else len(self._edges.items)

    def neuron_count(self) -> int:
        return sum(len(column) for column in self._neurons)

    def gradient_scale(self) -> float | None:
        """|dE/dw| that draws at full colour, or None (see GradientScale.value)."""
        return self._gradient_scale.value

    def legend_text(self) -> str:
        return self._legend.text()

    def tooltip(self, target: Target) -> str:
        """What hovering ``target`` shows (also the scene's tooltip source)."""
        if self.snapshot is None:
            return ""
        return network_text.tooltip(self.snapshot, target)

    def edit_weight(self, layer: int, i: int, j: int, value: float) -> None:
        self.weight_edited.emit(int(layer), int(i), int(j), float(value))

    def edit_bias(self, layer: int, j: int, value: float) -> None:
        self.bias_edited.emit(int(layer), int(j), float(value))

    def open_editor(self, target: Target, scene_pos: QPointF | None = None) -> ParameterEditor:
        """Inline editor for an ("edge", l, i, j) or ("bias", l, j) target, at ``scene_pos``."""
        snap = self.snapshot
        if target[0] == "edge":
            layer, i, j = target[1:]
            value, what = snap.weights[layer][i, j], f"weight {network_text.edge_name(snap, layer, i, j)}"
        else:
            layer, j = target[1:]
            value, what = snap.biases[layer][j], f"bias of {network_text.node_name(snap, layer + 1, j)}"
        if scene_pos is None:
            scene_pos = self._default_editor_pos(target)
        self._editing = target
        where = self._canvas.mapFromScene(scene_pos)
        self._editor.open(float(value), what, self._clamped(where))
        return self._editor

    # ------------------------------------------------------------------ hooks from the scene
    def hovered(self, target: Target, inside: bool) -> None:
        index = self._node_index(target) if inside else None
        k = self._output_class(target) if inside else -1
        if k >= 0:
            index = None  # shown by class_hovered: a class's map has its own colours
        self._hovered_node = index is not None
        self.node_hovered.emit(-1 if index is None else index)
        if k != self._hovered_class:
            self._hovered_class = k
            self.class_hovered.emit(k)

    def _output_class(self, target: Target) -> int:
        """k for multiclass output neuron k, else −1."""
        snap = self.snapshot
        if snap is None or not snap.multiclass or target[0] != "node" or target[1] != len(snap.layer_sizes) - 1:
            return -1
        return int(target[2])

    def clicked(self, target: Target, scene_pos: QPointF) -> None:
        if self.snapshot is None:
            return
        if self.inspecting:
            self.target_inspected.emit(target)
            return
        if target[0] == "feature":
            self._toggle_feature(target[1])
        elif target[0] in ("edge", "bias"):
            self.open_editor(target, scene_pos)

    # ------------------------------------------------------------------ building
    def _rebuild(self, snap: Snapshot, structure: tuple) -> None:
        if self._hovered_node:  # its square is about to go: it will send no hover-leave
            self._hovered_node = False
            self.node_hovered.emit(-1)
        if self._hovered_class >= 0:
            self._hovered_class = -1
            self.class_hovered.emit(-1)
        self._editor.cancel()
        self._scene.forget_edges()
        self._scene.clear()
        self._overlay.forget()  # its stage was of the old shape; the inspector re-aims and sends a new one
        self._overlay.view = None
        sizes, enabled = snap.layer_sizes, snap.config.features
        self._structure = structure
        self._thumbnailer = None  # the new squares need their thumbnails
        self._thumb_pixels = self._bias_shown = None
        self._features = {}
        for k, name in enumerate(FEATURE_NAMES):
            item = NodeItem(("feature", name), self, clickable=True)
            item.label = LabelItem(FEATURE_LABELS[name], item)
            item.label.setFont(_font(9.5))
            on = name in enabled
            item.setOpacity(1.0 if on else 0.35)
            item.label.setBrush(_label_color(on))
            self._scene.addItem(item)
            self._features[name] = item
        self._neurons = [[NodeItem(("node", l, j), self, clickable=self.inspecting) for j in range(n)] for l, n in enumerate(sizes) if l]
        self._biases = [[BiasItem(("bias", l, j), self) for j in range(n)] for l, n in enumerate(sizes[1:])]
        for item in [*sum(self._neurons, []), *sum(self._biases, [])]:
            self._scene.addItem(item)
        if snap.multiclass:
            name_classes(self._neurons[-1], _font(8.5), _label_color())
        self._edges = EdgeSet(self._scene, list(zip(sizes[:-1], sizes[1:])))
        self._scene.edges = self._edges
        self._titles = []
        for text, note in (("Features", "click to toggle"), ("Output", "softmax" if snap.multiclass else "")):
            title, subtitle = self._scene.addSimpleText(text, _font(9, bold=True)), self._scene.addSimpleText(note, _font(8))
            title.setBrush(_label_color())
            subtitle.setBrush(_title_color())
            self._titles.append((title, subtitle))
        self._sync_headers(sizes[1:-1])
        self._update_layer_controls()
        self._relayout()

    def _sync_headers(self, hidden: tuple[int, ...]) -> None:
        while len(self._headers) > len(hidden):
            self._headers.pop().retire()
        while len(self._headers) < len(hidden):
            header = LayerHeader(len(self._headers), self._canvas.viewport())
            header.add.clicked.connect(lambda checked=False, k=header.layer: self.neuron_added.emit(k))
            header.remove.clicked.connect(lambda checked=False, k=header.layer: self.neuron_removed.emit(k))
            self._headers.append(header)
        for header, size in zip(self._headers, hidden):
            header.set_size(size, self.max_neurons)
            header.show()

    def _update_layer_controls(self) -> None:
        n_hidden = 0 if self._structure is None else len(self._structure[0]) - 2
        known = self._structure is not None
        self._layer_count.setText(f"{n_hidden} hidden layer{'' if n_hidden == 1 else 's'}")
        self._add_layer.setEnabled(bool(known and n_hidden < self.max_layers))
        self._remove_layer.setEnabled(bool(known and n_hidden > 0))

    def _relayout(self) -> None:
        if self._structure is None:
            return
        sizes, enabled, multiclass = self._structure
        viewport = self._canvas.viewport().size()
        width, height = float(viewport.width()), float(viewport.height())
        lay = compute_layout([len(FEATURE_NAMES), *sizes[1:]], width, height, CLASS_NAME_WIDTH if multiclass else 0.0,
                             LABEL_WIDTH * theme.font_scale())
        t = lay.thumb
        for k, name in enumerate(FEATURE_NAMES):
            item = self._features[name]
            item.place(lay.xs[0], lay.ys[0][k], t, lay.ring)
            box = item.label.boundingRect()
            item.label.setPos(-box.width() - lay.ring - 5, (t - box.height()) / 2)
        for l, column in enumerate(self._neurons, start=1):
            for j, item in enumerate(column):
                item.place(lay.xs[l], lay.ys[l][j], t, lay.ring)
                self._biases[l - 1][j].place(lay.xs[l], lay.ys[l][j], t, lay.ring)
        if multiclass:
            place_class_names(self._neurons[-1], t, lay.ring)
        sources = [(lay.xs[0], lay.ys[0][FEATURE_NAMES.index(name)]) for name in enabled]
        ends = []
        for l in range(len(sizes) - 1):
            below = sources if l == 0 else [(lay.xs[l], y) for y in lay.ys[l]]
            for x0, y0 in below:
                for y1 in lay.ys[l + 1]:
                    ends.append((QPointF(x0 + t + lay.ring, y0 + t / 2), QPointF(lay.xs[l + 1] - lay.ring, y1 + t / 2)))
        self._edges.place(ends)
        for (title, subtitle), x in zip(self._titles, (lay.xs[0], lay.xs[-1])):
            title.setPos(x + (t - title.boundingRect().width()) / 2, TITLE_TOP)
            subtitle.setPos(x + (t - subtitle.boundingRect().width()) / 2, TITLE_TOP + title.boundingRect().height())
        self._scene.setSceneRect(0, 0, max(width, lay.width), max(height, lay.height))
        if lay.width > width + 0.5 or lay.height > height + 0.5:
            self._canvas.fitInView(self._scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        else:
            self._canvas.resetTransform()
        self._place_headers(lay)
        self._resize_thumbnails(t)
        if self._overlay.active:  # its labels and marks sit beside squares that have moved
            self._draw_parameters(self.snapshot)
            self.highlight(self._highlighted)

    def _resize_thumbnails(self, thumb: float) -> None:
        """Thumbnails are made at the size they are shown (one pixel per screen pixel)."""
        ratio = self._canvas.transform().m11() * self._canvas.devicePixelRatioF()
        key = (self.snapshot.node_maps.shape[-1], max(int(round(thumb * ratio)), 4), ratio)
        if self._thumbnailer is not None and self._thumbnailer.key == key:
            return
        self._thumbnailer = Thumbnailer(*key)
        self._thumb_pixels = None  # every thumbnail anew, at the new size
        maps, scales = self._feature_maps(self.snapshot)
        for name, image in zip(FEATURE_NAMES, self._thumbnailer.pixmaps(maps, scales)):
            self._features[name].thumb.setPixmap(image)
        self._draw_thumbnails(self.snapshot)

    def _place_headers(self, lay: Layout) -> None:
        scale = self._canvas.transform().m11()
        width = int(min(max(lay.spacing() * scale - 6, 40), 150))
        for k, header in enumerate(self._headers):
            centre = self._canvas.mapFromScene(QPointF(lay.xs[k + 1] + lay.thumb / 2, 4))
            header.set_width(width)
            header.move(centre.x() - width // 2, centre.y())

    # ------------------------------------------------------------------ drawing
    def _feature_maps(self, snap: Snapshot) -> tuple[np.ndarray, np.ndarray]:
        """(7, res, res) maps and (7,) display scales (max |value|) of every feature, made once."""
        key = (snap.node_maps.shape[-1], float(snap.grid_extent))
        if self._feature_cache is None or self._feature_cache[0] != key:
            grid = GridEvaluator(FEATURE_NAMES, resolution=key[0], extent=key[1])
            maps = grid.feature_maps.reshape(len(FEATURE_NAMES), key[0], key[0])
            scales = np.maximum(np.abs(maps).max(axis=(1, 2)), 1e-9)  # (7,)
            self._feature_cache = (key, maps, scales)
        return self._feature_cache[1], self._feature_cache[2]

    def _draw_thumbnails(self, snap: Snapshot) -> None:
        """Only the thumbnails whose pixels changed get a new pixmap (a paused network's, or a
        saturated neuron's, stay as they are)."""
        classes = snap.n_outputs if snap.multiclass else 0
        pixels = self._thumbnailer.neuron_pixels(snap.node_maps[snap.layer_sizes[0] :], classes)  # (n, p, p)
        before = self._thumb_pixels
        if before is None or before.shape != pixels.shape:
            changed = range(len(pixels))
        else:
            changed = np.flatnonzero((pixels != before).any(axis=(1, 2))).tolist()
        self._thumb_pixels = pixels
        if not changed:
            return
        n, side = len(pixels), pixels.shape[-1]
        column = pixmap(pixels.reshape(n * side, side), self._thumbnailer.ratio)  # one image, cut below
        items = list(chain.from_iterable(self._neurons))
        for k in changed:
            items[k].thumb.setPixmap(column.copy(0, k * side, side, side))

    def _draw_parameters(self, snap: Snapshot) -> None:
        weights = np.concatenate([w.ravel() for w in snap.weights])
        dead = np.concatenate([d.ravel() for d in snap.dead])
        thickness = np.clip((np.abs(weights) - HAIRLINE_BELOW) / (WIDTH_AT - HAIRLINE_BELOW), 0.0, 1.0)
        widths = (1.0 + thickness * (MAX_EDGE_WIDTH - 1.0)) * theme.line_scale()
        widths[dead] = 1.0
        if self._overlay.active:
            self._draw_stage(snap, widths, dead)
            return
        scale = self.gradient_scale()
        if self.colour_mode == GRADIENT:
            gradients = significant(np.concatenate([g.ravel() for g in snap.weight_gradients]))
            values, lut = gradients / (scale or np.inf), palette.gradient_lut  # no scale: neutral (NaN stays NaN)
            biases = significant(np.concatenate(snap.bias_gradients)) / (scale or np.inf)
        else:
            values, lut, biases = weights, palette.edge_value_lut, np.concatenate(snap.biases)
        self._edges.restyle(values, lut, widths, dead)
        self._colour_biases(biases, lut)
        why = (
            "no update yet" if snap.epoch == 0 else "not a number (diverged)" if snap.diverged
            else f"gradients ≈ 0 (all below {GRADIENT_FLOOR:g})"
        )
        self._legend.show_mode(self.colour_mode, scale, why)

    def _colour_biases(self, values: np.ndarray, lut: np.ndarray) -> None:
        """Each bias square in ``lut``'s colour of its value in [−1, 1]; only changed ones are set."""
        index = lut_indices(values)  # (n_biases,), −1: NaN grey
        shown = self._bias_shown
        if shown is None or shown[0] is not lut or shown[1].shape != index.shape:
            changed = range(len(index))
        else:
            changed = np.flatnonzero(index != shown[1]).tolist()
        self._bias_shown = (lut, index)
        colors, items = lut_colors(lut), list(chain.from_iterable(self._biases))
        for k in changed:
            items[k].set_color(colors[index[k]])

    def _draw_stage(self, snap: Snapshot, widths: np.ndarray, dead: np.ndarray) -> None:
        features = [self._features[name] for name in snap.config.features]
        self._overlay.draw(self._overlay.view, [features, *self._neurons], self._biases, self._edges, widths, dead)
        self._legend.show_stage(self._overlay.view)

    def _draw_rings(self, snap: Snapshot) -> None:
        if self._overlay.active:
            return  # the stage's rings
        trace = snap.trace
        if trace is None and self._rings_idle:
            return  # already plain: nothing to recolour this frame
        self._rings_idle = trace is None
        scales = self._feature_maps(snap)[1]
        enabled = snap.config.features
        for k, name in enumerate(FEATURE_NAMES):
            on = trace is not None and name in enabled
            value = float(trace.inputs[enabled.index(name)]) / float(scales[k]) if on else 0.0
            self._features[name].set_ring(value_color(value) if on else None)
        classes = snap.multiclass
        for l, column in enumerate(self._neurons, start=1):
            as_class = classes and l == len(self._neurons)  # a multiclass output: p on its class's ramp
            for j, item in enumerate(column):
                a = None if trace is None else float(trace.a[l][j])
                item.set_ring(None if a is None else class_value_color(j, a) if as_class else value_color(a))

    def _colour_toggled(self, by_weight: bool) -> None:
        self.colour_mode = WEIGHT if by_weight else GRADIENT
        if self.snapshot is not None:
            self._draw_parameters(self.snapshot)

    # ------------------------------------------------------------------ interaction
    def _toggle_feature(self, name: str) -> None:
        if self.snapshot.config.features != (name,):  # the network needs at least one input
            self.feature_toggled.emit(name)

    def _node_index(self, target: Target) -> int | None:
        if target[0] == "node":
            return self.snapshot.node_index(target[1], target[2]) if self.snapshot else None
        if target[0] == "feature" and self.snapshot and target[1] in self.snapshot.config.features:
            return self.snapshot.node_index(0, self.snapshot.config.features.index(target[1]))
        return None

    def _editor_accepted(self, value: float) -> None:
        target, self._editing = self._editing, None
        if target is None:
            return
        if target[0] == "edge":
            self.edit_weight(*target[1:], value)
        else:
            self.edit_bias(*target[1:], value)

    def _default_editor_pos(self, target: Target) -> QPointF:
        if target[0] == "bias":
            return self.bias_item(*target[1:]).sceneBoundingRect().center()
        return self.edge_item(*target[1:]).path().pointAtPercent(0.5)

    def _clamped(self, where: QPoint) -> QPoint:
        viewport = self._canvas.viewport().rect()
        size = self._editor.sizeHint()
        x = min(max(where.x() + 8, 0), max(viewport.width() - size.width(), 0))
        y = min(max(where.y() - size.height() // 2, 0), max(viewport.height() - size.height(), 0))
        return QPoint(x, y)


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(points * theme.font_scale())  # presentation mode: larger
    font.setBold(bold)
    return font
