"""Draws an inspector stage (a StageView) over the network view's items.

Numbers sit in small white boxes beside their neurons; layers the stage has not reached are
faded; rings take the stage's colours and widths; edges its values. ``clear`` gives every item
back its live look (the view then redraws the snapshot as usual).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem

from playground.ui.network_items import HOVER_HALO, BiasItem, EdgeSet, NodeItem, Target
from playground.ui.stages import StageView

FADED = 0.25  # opacity of what the stage has not reached
FADED_EDGE = 0.12
LABEL_FONT_POINTS = 7.5
LABEL_BACKGROUND = QColor(255, 255, 255, 225)
LABEL_BORDER = QColor("#c3cad3")
TEXT_COLOR = QColor("#1f2630")
HIGHLIGHT = QColor(255, 184, 0)  # a factor under the pointer in the chain-rule card
SELECTED_EDGE = QColor(255, 184, 0, 220)  # the edge the cards explain (the amber of the shot's samples)


class StageOverlay:
    def __init__(self, scene: QGraphicsScene) -> None:
        self.scene = scene
        self.view: StageView | None = None
        self._labels: list[QGraphicsRectItem] = []
        self._touched: list[NodeItem | BiasItem] = []  # items whose opacity or ring it changed
        self._node_highlight: QGraphicsRectItem | None = None

    @property
    def active(self) -> bool:
        return self.view is not None

    def draw(
        self,
        view: StageView,
        columns: Sequence[Sequence[NodeItem]],
        biases: Sequence[Sequence[BiasItem]],
        edges: EdgeSet,
        widths: np.ndarray,
        dead: np.ndarray,
    ) -> None:
        """``columns[0]``: the enabled features' squares in config order; ``columns[l]``: node
        layer l's neurons. ``widths``/``dead``: the live edge widths and dead flags."""
        self.view = view
        self._remove_labels()
        for layer, column in enumerate(columns):
            lit = layer in view.lit
            # The output column sits at the scene's right edge: one output's numbers go below it,
            # several outputs' (K classes) to the left of each, clear of its bias and its neighbours.
            side = "right" if layer < len(columns) - 1 else "below" if len(column) == 1 else "left"
            for j, item in enumerate(column):
                item.setOpacity(1.0 if lit else FADED)
                mark = view.nodes.get((layer, j))
                item.set_ring(mark.ring if mark else None, mark.ring_width if mark else None)
                self._touched.append(item)
                if mark and mark.text:
                    beside = item.sceneBoundingRect()
                    if side == "left" and layer:
                        beside = beside.united(biases[layer - 1][j].sceneBoundingRect())
                    self._label(beside, mark.text, side)
                if layer:
                    bias = biases[layer - 1][j]
                    bias.setOpacity(1.0 if lit else FADED)
                    self._touched.append(bias)
        if view.edge_values is not None:
            edges.restyle(view.edge_values, view.edge_lut, widths, dead)
        lit_edges = np.ones(len(edges.items), dtype=bool) if view.edge_lit is None else view.edge_lit
        for item, on in zip(edges.items, lit_edges):
            item.setOpacity(1.0 if on else FADED_EDGE)

    def clear(self, edges: EdgeSet | None) -> None:
        """Give the items their live look back (rings idle, full opacity, no labels)."""
        self.view = None
        self._remove_labels()
        for item in self._touched:
            if item.scene() is not None:
                item.setOpacity(1.0)
                if isinstance(item, NodeItem):
                    item.set_ring(None, None)
        self._touched = []
        if edges is not None:
            for item in edges.items:
                item.setOpacity(1.0)
        self.highlight(None, edges)

    def forget(self) -> None:
        """The scene was cleared (a rebuild): its items are gone."""
        self._labels, self._touched, self._node_highlight = [], [], None

    def highlight(self, target: Target | None, edges: EdgeSet | None, node: NodeItem | None = None) -> None:
        """Mark the edge or neuron a chain-rule factor refers to (None: nothing)."""
        if self._node_highlight is not None:
            self._node_highlight.hide()
        if edges is not None:
            k = edges.index.get(tuple(target[1:])) if target is not None and target[0] == "edge" else None
            pen = QPen(edges.highlight.pen())
            pen.setColor(SELECTED_EDGE if target is not None else HOVER_HALO)
            edges.highlight.setPen(pen)
            edges.set_highlight(k)
        if node is not None:
            if self._node_highlight is None:
                self._node_highlight = QGraphicsRectItem()
                self._node_highlight.setPen(QPen(HIGHLIGHT, 3.0))
                self._node_highlight.setZValue(6)
                self.scene.addItem(self._node_highlight)
            self._node_highlight.setRect(node.sceneBoundingRect().adjusted(-4, -4, 4, 4))
            self._node_highlight.show()

    # ----- labels ------------------------------------------------------------------------
    def _label(self, frame: QRectF, text: str, side: str) -> None:
        """A number box beside ``frame`` (scene coordinates): to its right, below it or to its left."""
        box = QGraphicsRectItem()
        box.setBrush(QBrush(LABEL_BACKGROUND))
        box.setPen(QPen(LABEL_BORDER, 0.8))
        box.setZValue(5)
        box.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        words = QGraphicsSimpleTextItem(text, box)
        font = QFont()
        font.setPointSizeF(LABEL_FONT_POINTS)
        words.setFont(font)
        words.setBrush(TEXT_COLOR)
        size = words.boundingRect()
        box.setRect(QRectF(0, 0, size.width() + 6, size.height() + 2))
        words.setPos(3, 1)
        if side == "below":
            x, y = frame.left(), frame.bottom() + 3  # from the square's left edge: clear of its bias
        elif side == "left":
            x, y = frame.left() - 3 - box.rect().width(), frame.center().y() - box.rect().height() / 2
        else:
            x, y = frame.right() + 3, frame.top() + 1
        right = self.scene.sceneRect().right() - 2  # never cut off at the scene's right edge
        box.setPos(min(x, right - box.rect().width()), y)
        self.scene.addItem(box)
        self._labels.append(box)

    def _remove_labels(self) -> None:
        for box in self._labels:
            if box.scene() is not None:
                self.scene.removeItem(box)
        self._labels = []
