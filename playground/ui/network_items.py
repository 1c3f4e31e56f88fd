"""Pieces of the network view: thumbnails, layout, scene items, and its small widgets.

Nothing here knows about signals or snapshots. Items carry a ``target`` tuple naming what they
show — ("feature", name), ("node", layer, neuron), ("bias", layer, neuron), ("edge", layer, i, j)
— and report hovers and clicks to a ``hooks`` object (the view). Layers of nodes count from 0 =
the features; layers of weights and biases from 0 = features → first layer, as in a Snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QToolTip,
)

from playground.ui import theme
from playground.ui.class_maps import class_pixels
from playground.ui.colors import NAN_COLOR, class_color, colour_pixels, lut_indices, packed_lut, palette, pixmap

RING_WIDTH = 4.0
HOVER_HALO = QColor(40, 44, 52, 90)  # behind the edge under the pointer


RING_IDLE = QColor(theme.LIGHT.ring_idle)  # the frame of a square when no sample is traced (light theme)


def ring_idle() -> QColor:
    """The frame of a square when no sample is traced (the theme's)."""
    return QColor(theme.current().ring_idle)

EDGE_SAMPLES = 24  # points per edge for hit testing
Target = tuple[Any, ...]


class Hooks(Protocol):
    def hovered(self, target: Target, inside: bool) -> None: ...
    def clicked(self, target: Target, scene_pos: QPointF) -> None: ...
    def tooltip(self, target: Target) -> str: ...


# ----------------------------------------------------------------------------- thumbnails

class Thumbnailer:
    """Turns (n, res, res) maps (row 0 = bottom) into n square pixmaps ``pixels`` wide.

    Each thumbnail pixel shows the grid point nearest its centre (the maps are smooth at this
    scale, and a gather costs a fraction of block averaging), divided by ``scales``, clamped to
    [−1, 1], NaN grey. Pixmaps are made at the size they are shown, so drawing them is a blit.
    """

    def __init__(self, resolution: int, pixels: int, ratio: float, lut: np.ndarray | None = None) -> None:
        self.key = (resolution, pixels, ratio)
        self.ratio = ratio
        centres = ((np.arange(pixels) + 0.5) * (resolution / pixels)).astype(np.intp)  # (pixels,)
        self.rows, self.columns = centres[::-1, None], centres[None, :]  # flipped: row 0 = top
        self.packed = packed_lut(palette.value_lut if lut is None else lut)  # default: the value scale in force

    def pixmaps(self, maps: np.ndarray, scales: np.ndarray | None = None) -> list[QPixmap]:
        return [pixmap(image, self.ratio) for image in self.pixels(maps, scales)]

    def pixels(self, maps: np.ndarray, scales: np.ndarray | None = None) -> np.ndarray:
        """(n, pixels, pixels) uint32 0xffRRGGBB of ``maps`` on the value scale."""
        small = maps[:, self.rows, self.columns]  # (n, pixels, pixels)
        if scales is not None:
            with np.errstate(over="ignore"):  # beyond float32: ±inf, drawn as the end colour
                small = small / scales[:, None, None]
        return colour_pixels(small, self.packed)

    def neuron_pixels(self, maps: np.ndarray, classes: int = 0) -> np.ndarray:
        """(n, pixels, pixels) uint32: neurons' maps on the value scale, except the last
        ``classes`` (a multiclass output's p_k), each from white to its class's colour."""
        if not classes:
            return self.pixels(maps)
        small = maps[-classes:, self.rows, self.columns]  # (K, pixels, pixels)
        class_images = [class_pixels(image, k) for k, image in enumerate(small)]
        return np.concatenate([self.pixels(maps[:-classes]), np.stack(class_images)])

    def neuron_pixmaps(self, maps: np.ndarray, classes: int = 0) -> list[QPixmap]:
        """The pixmaps of ``neuron_pixels``."""
        return [pixmap(image, self.ratio) for image in self.neuron_pixels(maps, classes)]

    def class_pixmaps(self, probabilities: np.ndarray) -> list[QPixmap]:
        """(K, res, res) p_k → K pixmaps, map k from white (0) to class k's colour (1)."""
        small = probabilities[:, self.rows, self.columns]  # (K, pixels, pixels)
        return [pixmap(class_pixels(image, k), self.ratio) for k, image in enumerate(small)]


# ----------------------------------------------------------------------------- layout

HEADER = 70.0  # room above the squares for the layer controls
MARGIN = 10.0
LABEL_WIDTH = 58.0  # feature names, left of the first column
MIN_THUMB, MAX_THUMB = 22.0, 46.0
MIN_GAP = 28.0  # between the squares of neighbouring columns


@dataclass(frozen=True)
class Layout:
    thumb: float  # side of a square
    xs: list[float]  # left of each column's squares
    ys: list[list[float]]  # top of each square, per column
    width: float  # of the whole scene
    height: float

    @property
    def ring(self) -> float:
        """Width of the frame around each square."""
        return RING_WIDTH if self.thumb >= 36 else RING_WIDTH - 1

    def spacing(self) -> float:
        return self.xs[1] - self.xs[0] if len(self.xs) > 1 else self.width


def compute_layout(column_sizes: list[int], width: float, height: float, right: float = 0.0,
                   label_width: float = LABEL_WIDTH) -> Layout:
    """Spread the columns over ``width`` × ``height``; grow beyond it only when it is too small.
    ``right``: room kept right of the last column (the class names of a multiclass output);
    ``label_width``: left of the first column (the feature names: wider in presentation mode).

    A square is at most 0.42 of a column's spacing wide, so edges always have room between columns.
    """
    tallest = max(column_sizes)
    pitch = min(max((height - HEADER - MARGIN) / tallest, MIN_THUMB + 8.0), MAX_THUMB + 26.0)
    left = MARGIN + label_width
    usable = width - MARGIN - 6.0 - right - left
    n_gaps = max(len(column_sizes) - 1, 1)
    thumb = float(int(min(max(pitch - 16.0, MIN_THUMB), MAX_THUMB, max(0.42 * usable / (n_gaps + 0.42), MIN_THUMB))))
    spacing = max((usable - thumb) / n_gaps, thumb + MIN_GAP)
    xs = [float(round(left + k * spacing)) for k in range(len(column_sizes))]  # whole pixels: crisp
    ys = []
    for size in column_sizes:
        top = HEADER + (tallest - size) * pitch / 2 + (pitch - thumb) / 2
        ys.append([float(round(top + k * pitch)) for k in range(size)])
    return Layout(thumb, xs, ys, xs[-1] + thumb + MARGIN + 6.0 + right, HEADER + tallest * pitch + MARGIN)


# ----------------------------------------------------------------------------- items

class NodeItem(QGraphicsRectItem):
    """A square thumbnail framed by a ring (the traced sample's value); features and neurons."""

    def __init__(self, target: Target, hooks: Hooks, clickable: bool) -> None:
        super().__init__()
        self.target, self.hooks, self.clickable = target, hooks, clickable
        self.thumb = QGraphicsPixmapItem(self)  # made at the displayed size: drawn unscaled
        self.thumb.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.ring_width = RING_WIDTH  # the layout's; a stage of the inspector may draw it wider
        self.setPen(QPen(ring_idle(), RING_WIDTH))
        self.setAcceptHoverEvents(True)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton if clickable else Qt.MouseButton.NoButton)
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(1)

    def place(self, x: float, y: float, size: float, ring: float) -> None:
        self.setPos(x, y)
        self.ring_width = ring
        self.setRect(QRectF(-ring / 2, -ring / 2, size + ring, size + ring))
        if ring != self.pen().widthF():
            self.setPen(QPen(self.pen().color(), ring))

    def set_ring(self, color: QColor | None, width: float | None = None) -> None:
        """The ring's colour (None: idle) and width (None: the layout's)."""
        color = ring_idle() if color is None else color
        width = self.ring_width if width is None else width
        if self.pen().color() != color or self.pen().widthF() != width:
            self.setPen(QPen(color, width))

    def set_clickable(self, clickable: bool) -> None:
        self.clickable = clickable
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton if clickable else Qt.MouseButton.NoButton)
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hooks.hovered(self.target, True)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hooks.hovered(self.target, False)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        self.hooks.clicked(self.target, event.scenePos())


CLASS_NAME_WIDTH, CLASS_SWATCH = 56.0, 8.0  # px right of a multiclass output square: ■ class k


def name_classes(outputs: list[NodeItem], font: QFont, color: QColor) -> None:
    """A swatch of its class's colour and "class k" right of each multiclass output square."""
    for k, item in enumerate(outputs):
        item.label = QGraphicsSimpleTextItem(f"class {k}", item)
        item.label.setFont(font)
        item.label.setBrush(color)
        item.swatch = QGraphicsRectItem(0, 0, CLASS_SWATCH, CLASS_SWATCH, item)
        item.swatch.setBrush(class_color(k))
        item.swatch.setPen(QPen(Qt.PenStyle.NoPen))


def place_class_names(outputs: list[NodeItem], thumb: float, ring: float) -> None:
    for item in outputs:
        item.swatch.setPos(thumb + ring + 4, (thumb - CLASS_SWATCH) / 2)
        item.label.setPos(thumb + ring + 6 + CLASS_SWATCH, (thumb - item.label.boundingRect().height()) / 2)


class LabelItem(QGraphicsSimpleTextItem):
    """A feature's name; clicking it clicks its square."""

    def __init__(self, text: str, owner: NodeItem) -> None:
        super().__init__(text, owner)
        self.owner = owner
        self.target = owner.target
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.owner.mousePressEvent(event)


class BiasItem(QGraphicsRectItem):
    """The small square at a neuron's lower left, coloured by its bias (or dE/db)."""

    def __init__(self, target: Target, hooks: Hooks) -> None:
        super().__init__()
        self.target, self.hooks = target, hooks
        self.setPen(QPen(QColor("#7a828c"), 0.8))
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(2)

    def place(self, node_x: float, node_y: float, thumb: float, ring: float) -> None:
        side = max(8.0, round(thumb * 0.22))
        self.setRect(QRectF(node_x - side - ring - 1.0, node_y + thumb - side, side, side))

    def set_color(self, color: QColor) -> None:
        if self.brush().color() != color:
            self.setBrush(QBrush(color))

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        self.hooks.clicked(self.target, event.scenePos())


class EdgeSet:
    """Every weight as a curve; restyled per frame from arrays, hit-tested with NumPy."""

    def __init__(self, scene: QGraphicsScene, shapes: list[tuple[int, int]]) -> None:
        self.targets: list[Target] = [
            ("edge", layer, i, j) for layer, (n_in, n_out) in enumerate(shapes) for i in range(n_in) for j in range(n_out)
        ]
        self.items: list[QGraphicsPathItem] = []
        for target in self.targets:
            # Made by Python, not by scene.addPath: PySide learns of the deletion only of items it
            # made, so a C++-made item's wrapper dangles after the scene is cleared by a rebuild
            # (a crash, seen once in CI, switching networks). The price: each paint call of an
            # item takes the GIL.
            item = QGraphicsPathItem()
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            item.setZValue(0)
            item.target = target
            scene.addItem(item)
            self.items.append(item)
        self.index = {target[1:]: k for k, target in enumerate(self.targets)}
        self.points = np.zeros((len(self.items), EDGE_SAMPLES, 2))  # (n_edges, samples, xy)
        self.widths = np.ones(len(self.items))
        # What each edge shows now: (LUT, (n,) LUT index (−1 grey), (n,) width in quarter px,
        # (n,) dead); a frame re-pens only the edges whose entry changed.
        self._shown: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        # Pens by LUT: id(lut) → (lut, {(LUT index, quarters, dead): pen}); the LUT is part of
        # the key, or switching gradient/weight colouring would keep the old colours.
        self._pens: dict[int, tuple[np.ndarray, dict[tuple[int, int, bool], QPen]]] = {}
        self.highlight = QGraphicsPathItem()
        self.highlight.setPen(QPen(HOVER_HALO, 1.0))
        self.highlight.setZValue(-1)
        self.highlight.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.highlight.hide()
        scene.addItem(self.highlight)

    def place(self, ends: list[tuple[QPointF, QPointF]]) -> None:
        """``ends[k]``: where edge k leaves its source and enters its target."""
        t = np.linspace(0.0, 1.0, EDGE_SAMPLES)[:, None]  # (samples, 1)
        for k, (start, end) in enumerate(ends):
            mid = (start.x() + end.x()) / 2
            path = QPainterPath(start)
            path.cubicTo(QPointF(mid, start.y()), QPointF(mid, end.y()), end)
            self.items[k].setPath(path)
            p0, p3 = np.array([start.x(), start.y()]), np.array([end.x(), end.y()])
            p1, p2 = np.array([mid, start.y()]), np.array([mid, end.y()])
            self.points[k] = (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2 + t**3 * p3
        self.highlight.hide()

    def restyle(self, values: np.ndarray, lut: np.ndarray, widths: np.ndarray, dead: np.ndarray) -> None:
        """Colour from ``values`` in [−1, 1] (NaN grey) on ``lut``; widths in px; dead dashed.
        Only edges whose colour, width or deadness changed get a new pen (one Python call each)."""
        index = lut_indices(values)
        quarters = np.round(np.nan_to_num(widths, nan=1.0) * 4).astype(np.intp)
        dead = np.asarray(dead, dtype=bool)
        self.widths = quarters / 4
        shown = self._shown
        if shown is None or shown[0] is not lut:
            changed = range(len(self.items))
        else:
            changed = np.flatnonzero((index != shown[1]) | (quarters != shown[2]) | (dead != shown[3])).tolist()
        self._shown = (lut, index, quarters, dead)
        if not changed:
            return
        pens = self._pens_of(lut)
        index_list, quarter_list, dead_list = index.tolist(), quarters.tolist(), dead.tolist()
        for k in changed:
            key = (index_list[k], quarter_list[k], dead_list[k])
            pen = pens.get(key)
            if pen is None:
                pen = pens[key] = _edge_pen(*key, lut)
            self.items[k].setPen(pen)

    def _pens_of(self, lut: np.ndarray) -> dict[tuple[int, int, bool], QPen]:
        entry = self._pens.get(id(lut))
        if entry is None or entry[0] is not lut:  # (the identity check guards a reused id)
            entry = self._pens[id(lut)] = (lut, {})
        return entry[1]

    def edge_at(self, pos: QPointF, tolerance: float) -> int | None:
        """Index of the edge nearest ``pos`` if within ``tolerance`` (plus half its width)."""
        if not self.items:
            return None
        d = np.hypot(self.points[..., 0] - pos.x(), self.points[..., 1] - pos.y()).min(axis=1)  # (n_edges,)
        k = int(np.argmin(d - self.widths / 2))
        return k if d[k] <= tolerance + self.widths[k] / 2 else None

    def set_highlight(self, k: int | None) -> None:
        if k is None:
            self.highlight.hide()
            return
        pen = QPen(self.highlight.pen())
        pen.setWidthF(float(self.widths[k]) + 5.0)
        self.highlight.setPen(pen)
        self.highlight.setPath(self.items[k].path())
        self.highlight.show()


def _edge_pen(index: int, quarters: int, dead: bool, lut: np.ndarray) -> QPen:
    """LUT entry ``index`` (−1: NaN grey), ``quarters``/4 px wide; a dead weight dashed grey."""
    color = QColor(*NAN_COLOR) if index < 0 else QColor(*(int(c) for c in lut[index]))
    if dead:
        color = QColor(150, 150, 150, 120)
    pen = QPen(color, 1.0 if dead else quarters / 4)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    if dead:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


class NetworkScene(QGraphicsScene):
    """Adds live tooltips (computed on demand) and clicking/hovering of edges to a scene."""

    def __init__(self, hooks: Hooks) -> None:
        super().__init__()
        self.hooks = hooks
        self.edges: EdgeSet | None = None
        self.hovered_edge: int | None = None
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # items restyle every frame

    def target_at(self, pos: QPointF) -> Target | None:
        for item in self.items(pos):
            target = getattr(item, "target", None)
            if target is not None and target[0] != "edge":
                return target
        k = self._edge_at(pos)
        return None if k is None else self.edges.targets[k]

    def _edge_at(self, pos: QPointF) -> int | None:
        if self.edges is None:
            return None
        views = self.views()
        scale = views[0].transform().m11() if views else 1.0
        return self.edges.edge_at(pos, 4.0 / max(scale, 1e-6))

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:
        target = self.target_at(event.scenePos())
        text = self.hooks.tooltip(target) if target is not None else ""
        if text:
            QToolTip.showText(event.screenPos(), text)
        else:
            QToolTip.hideText()
        event.setAccepted(bool(text))

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        for item in self.items(event.scenePos()):
            if item.acceptedMouseButtons() & event.button():
                super().mousePressEvent(event)
                return
        k = self._edge_at(event.scenePos()) if event.button() == Qt.MouseButton.LeftButton else None
        if k is None:
            super().mousePressEvent(event)
            return
        event.accept()
        self.hooks.clicked(self.edges.targets[k], event.scenePos())

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseMoveEvent(event)
        over_item = any(getattr(item, "target", ("edge",))[0] != "edge" for item in self.items(event.scenePos()))
        k = None if over_item else self._edge_at(event.scenePos())
        if k != self.hovered_edge and self.edges is not None:
            self.hovered_edge = k
            self.edges.set_highlight(k)
            for view in self.views():
                view.viewport().setCursor(Qt.CursorShape.ArrowCursor if k is None else Qt.CursorShape.PointingHandCursor)

    def forget_edges(self) -> None:
        self.edges, self.hovered_edge = None, None
