"""The decision-boundary heatmap: the output neuron over the input plane, with the data on top.

A MapImage (a plain pixmap item, coloured once per new map) draws the map, NaN grey. For a
multiclass network it shows the K softmax maps at once: the winning class's colour, paler where
the network is less sure (class_maps.py); the points are filled with their class's colour.
Training points have a white outline, test points (on request) a dark one. Hovering a point
emits ``sample_hovered(x, y, label)`` so other views can trace that sample.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QPainter, QResizeEvent, QTransform
from PySide6.QtWidgets import QGraphicsItem, QLabel, QSizePolicy, QWidget

from playground.ui import theme
from playground.ui.class_maps import MAP_CLASS_RAMPS
from playground.ui.colors import CLASS_COLORS, NAN_COLOR, lut_index, palette
from playground.ui.map_image import MapImage
from playground.ui.plot_style import chart_widget
from playground.worker.snapshot import Snapshot

# One wording of the scale for every place that explains it (this tooltip, the colour bar's).
OUTPUT_COLOURS = "The network's output over the input plane: orange = −1, light grey = 0, blue = +1; dark grey = NaN."
CLASS_OUTPUT_COLOURS = (
    "Each place of the input plane takes the colour of the class the network finds most likely there,"
    " paler where it is less sure (white: every class equally likely); dark grey = NaN."
)
DEFAULT_EXTENT = 6.0
HOVER_RADIUS_PX = 8.0  # a point this close to the mouse counts as hovered
POINT_SIZE = 7.0  # px
TRAIN_OUTLINE = QColor(255, 255, 255)
TEST_OUTLINE = QColor(30, 30, 30)
RING_COLOR = QColor(20, 20, 20)
SHOT_COLOR = QColor(255, 184, 0)  # the inspector's samples (the same amber as its highlights)
HIGHLIGHT_OUTER, HIGHLIGHT_INNER = QColor(0, 0, 0), QColor(255, 255, 255)  # a confusion cell's points
GHOST_COLOR = QColor(30, 30, 30, 200)  # the corrected network's decision boundary
MARGIN_TOP, AXIS_LEFT = 8, 26  # px


def point_brushes(labels: np.ndarray, multiclass: bool = False) -> list[QBrush]:
    """One fill per point: its label on the value scale (±1 for classes, a value for regression),
    or for multiclass its class's colour (CLASS_COLORS[label]; a label of no class grey)."""
    cache: dict[int, QBrush] = {}
    brushes = []
    for label in labels.tolist():
        if multiclass:
            index = int(label) if np.isfinite(label) and label == int(label) and 0 <= label < len(CLASS_COLORS) else -1
        else:
            index = lut_index(label) if np.isfinite(label) else -1
        if index not in cache:
            rgb = NAN_COLOR if index < 0 else CLASS_COLORS[index] if multiclass else palette.value_lut[index]
            cache[index] = QBrush(QColor(*(int(c) for c in rgb)))
        brushes.append(cache[index])
    return brushes


def caption_style() -> str:
    colours = theme.current()
    back = "rgba(32, 35, 40, 210)" if colours.dark else "rgba(255, 255, 255, 200)"
    return f"background: {back}; color: {colours.strong}; padding: 1px 4px;"


def _shown_if_any(scatter: pg.ScatterPlotItem) -> None:
    """Hide a scatter without points: a visible one, even empty, costs Python calls (paint,
    boundingRect) under every new heatmap, 30-60 times a second."""
    scatter.setVisible(bool(len(scatter.data)))


def display_scale(scale: float) -> float:
    """A usable colour range: positive and finite, else 1."""
    scale = float(scale)
    return scale if math.isfinite(scale) and scale > 0 else 1.0


class BoundaryPlot(QWidget):
    """Square heatmap of the output (or of one hovered neuron) with the training/test points."""

    sample_hovered = Signal(float, float, float)  # x, y, label of the point under the mouse
    sample_left = Signal()  # the mouse is no longer over a point
    sample_clicked = Signal(float, float, float)  # x, y, label of a clicked point
    draw_pressed = Signal(float, float)  # draw mode: a click at (x, y) on the plane
    draw_dragged = Signal(float, float)  # draw mode: the pointer dragged to (x, y)
    erase_requested = Signal(float, float, float)  # draw mode: erase the point nearest (x, y) within a radius

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._extent = DEFAULT_EXTENT
        self._discretize = False
        self._show_test = False
        self._output_map: np.ndarray | None = None  # (res, res) float32 of the last snapshot; multiclass (K, res, res)
        self._multiclass = False
        self._node_map_shown = False
        self._data_version: int | None = None
        self._train = np.empty((0, 3))  # (n_train, 3) x, y, label
        self._test = np.empty((0, 3))  # (n_test, 3)
        self._hovered: tuple[float, float, float] | None = None
        self._drawing = False  # clicks draw and erase points instead of choosing them
        self._dragging = False
        self._build()

    # ----- construction ---------------------------------------------------------------
    def _build(self) -> None:
        self.plot_widget = chart_widget()
        self.plot_widget.setObjectName("boundary_plot_view")
        self._set_tooltip(OUTPUT_COLOURS)
        # Smooth scaling of the 100 × 100 image, as the playground's scaled canvas.
        self.plot_widget.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.plot_widget.setParent(self)  # placed by resizeEvent: the largest centred square
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        plot = self.plot_widget.getPlotItem()
        self.plot_item = plot
        self.view_box: pg.ViewBox = plot.getViewBox()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        self._lay_out_axes()
        self.image_item = MapImage(DEFAULT_EXTENT)
        self.image_item.item.setZValue(-10)
        plot.addItem(self.image_item.item)
        self.train_scatter = self._scatter(TRAIN_OUTLINE, 1.0, z=10)
        self.test_scatter = self._scatter(QColor(theme.current().outline), 1.4, z=11)
        self.hover_ring = pg.ScatterPlotItem(size=POINT_SIZE + 11, brush=None, pxMode=True)  # halo + ring
        self.hover_ring.setZValue(20)
        plot.addItem(self.hover_ring)
        self.hover_ring.hide()  # (see _shown_if_any)
        self.shot_rings = pg.ScatterPlotItem(size=POINT_SIZE + 9, brush=None, pxMode=True)  # the inspector's shot
        self.shot_rings.setZValue(19)
        plot.addItem(self.shot_rings)
        self.shot_rings.hide()
        # A confusion cell's points: a black ring around a white one, unlike the hover ring
        # (white halo, dark ring) and the inspector's amber shot rings. Each point twice: outer, inner.
        self.highlight_rings = pg.ScatterPlotItem(brush=None, pxMode=True)
        self.highlight_rings.setZValue(18)
        plot.addItem(self.highlight_rings)
        self.highlight_rings.hide()
        self._highlighted = np.empty((0, 2))
        self.ghost = pg.IsocurveItem(level=0.0, pen=pg.mkPen(GHOST_COLOR, width=2.5, style=Qt.PenStyle.DashLine))
        self.ghost.setZValue(15)
        self.ghost.hide()
        plot.addItem(self.ghost)
        self._set_extent(DEFAULT_EXTENT)
        self.caption = self._build_caption()
        self.plot_widget.viewport().setMouseTracking(True)
        self.plot_widget.viewport().installEventFilter(self)
        theme.follow_theme(self, self.restyle)

    def _set_tooltip(self, colours: str) -> None:
        self.plot_widget.setToolTip(f"{colours}\nPoints are the data; hover one to trace it through the network.")

    def _lay_out_axes(self) -> None:
        # Equal overhead across and down (4 + 26 + 10 = 8 + 24 + 8) keeps the view square in a
        # square widget; the margins leave room for the edge tick labels (±6).
        self.plot_item.layout.setContentsMargins(4, MARGIN_TOP, 10, 8)
        self.plot_item.getAxis("left").setWidth(AXIS_LEFT)
        self.plot_item.getAxis("bottom").setHeight(24)
        for name in ("left", "bottom"):
            axis = self.plot_item.getAxis(name)
            axis.setStyle(hideOverlappingLabels=False)
            # The axes never change: render them once, not under every new heatmap.
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.view_box.setAspectLocked(True, ratio=1.0)
        self.view_box.setDefaultPadding(0.0)

    def _build_caption(self) -> QLabel:
        """Says, while a neuron's map replaces the output, that it is not the output."""
        caption = QLabel("hovered neuron", self.plot_widget)
        caption.setObjectName("boundary_caption")
        caption.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        caption.setStyleSheet(caption_style())
        caption.move(AXIS_LEFT + 10, MARGIN_TOP + 4)
        caption.hide()
        return caption

    def _scatter(self, outline: QColor, width: float, z: float) -> pg.ScatterPlotItem:
        item = pg.ScatterPlotItem(size=POINT_SIZE, pen=pg.mkPen(outline, width=width), pxMode=True)
        item.setZValue(z)
        # The points change only with the data; cached, a new heatmap under them costs a blit.
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.plot_item.addItem(item)
        return item

    def _set_extent(self, extent: float) -> None:
        """Axes exactly [−extent, extent]² with integer ticks; the image covers it."""
        self._extent = float(extent)
        e = self._extent
        self.image_item.set_extent(e)
        self.view_box.setRange(xRange=(-e, e), yRange=(-e, e), padding=0.0)
        self.view_box.disableAutoRange()
        step = max(1, int(round(e / 3)))
        major = [(float(v), str(v)) for v in range(-int(e), int(e) + 1, step)]
        minor = [(float(v), "") for v in range(-int(e), int(e) + 1)]
        for name in ("left", "bottom"):
            self.plot_item.getAxis(name).setTicks([major, minor])

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(400, 400)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        side = min(self.width(), self.height())
        self.plot_widget.setGeometry((self.width() - side) // 2, 0, side, side)
        super().resizeEvent(event)

    # ----- what it shows --------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.grid_extent != self._extent:
            self._set_extent(snapshot.grid_extent)
        multiclass = snapshot.multiclass
        if multiclass != self._multiclass:
            self._multiclass = multiclass
            self._set_tooltip(CLASS_OUTPUT_COLOURS if multiclass else OUTPUT_COLOURS)
            self._data_version = None  # the points' fills change with the problem
        self._output_map = snapshot.class_maps if multiclass else snapshot.node_maps[-1]
        if not self._node_map_shown:
            self._show_output()
        if snapshot.data_version != self._data_version:
            self._set_points(snapshot.train_points, snapshot.test_points)
            self._data_version = snapshot.data_version

    @Slot()
    def restyle(self) -> None:
        """The theme or the colour scales changed: the map, the points' fills, the outlines, the caption."""
        self.caption.setStyleSheet(caption_style())
        self.test_scatter.setPen(pg.mkPen(theme.current().outline, width=1.4))
        for scatter in (self.train_scatter, self.test_scatter):  # presentation mode: larger points
            scatter.setSize(POINT_SIZE * (1.0 + (theme.line_scale() - 1.0) / 2))  # half as much: the plot is dense
        if self._output_map is not None and not self._node_map_shown:
            self._show_output()
        elif self.image_item.image is not None and self.image_item.class_maps is None and self.image_item.levels[0] < 0:
            self._show_map(self.image_item.image, self.image_item.levels[1], palette.map_lut)  # a hovered neuron's map
        if len(self._train) or len(self._test):
            self._set_points(self._train, self._test)

    def set_discretize(self, on: bool) -> None:
        """Threshold the output at 0 (two colours) instead of the continuous scale."""
        self._discretize = bool(on)
        if not self._node_map_shown and self._output_map is not None:
            self._show_output()

    def set_show_test(self, on: bool) -> None:
        self._show_test = bool(on)
        self._refresh_test_points()
        if not self._show_test and self._hovered is not None and not self._is_train(self._hovered):
            self._set_hovered(None)

    def show_node_map(self, node_map: np.ndarray | None, scale: float = 1.0, name: str = "hovered neuron") -> None:
        """Show one neuron's (res, res) map instead of the output, coloured over [−scale, scale]
        and captioned ``name``; None restores the output."""
        if node_map is None:
            self._node_map_shown = False
            self.caption.hide()
            if self._output_map is not None:
                self._show_output()
            return
        self._node_map_shown = True
        self.caption.setText(name)
        self.caption.adjustSize()
        self.caption.show()
        scale = display_scale(scale)
        self._show_map(np.asarray(node_map, dtype=np.float32), scale, palette.map_lut)

    def show_class_map(self, k: int | None) -> None:
        """Show multiclass class ``k``'s map p_k (white 0 … its colour 1) instead of the
        boundary; None (or no such class) restores the boundary."""
        maps = self._output_map
        if k is None or not self._multiclass or maps is None or not 0 <= k < len(maps):
            self.show_node_map(None)
            return
        self._node_map_shown = True
        self.caption.setText(f"p(class {k})")
        self.caption.adjustSize()
        self.caption.show()
        self.image_item.set_image(maps[k], 1.0, MAP_CLASS_RAMPS[k], low=0.0)

    @property
    def node_map_shown(self) -> bool:
        """A neuron's or a class's map replaces the output."""
        return self._node_map_shown

    def _output_lut(self) -> np.ndarray:
        return palette.map_discrete_lut if self._discretize else palette.map_lut

    def _show_output(self) -> None:
        if self._multiclass:
            self.image_item.set_class_maps(self._output_map, self._discretize)
        else:
            self._show_map(self._output_map, 1.0, self._output_lut())

    def _show_map(self, image: np.ndarray, scale: float, lut: np.ndarray) -> None:
        self.image_item.set_image(image, scale, lut)

    def _set_points(self, train: np.ndarray, test: np.ndarray) -> None:
        self._train, self._test = train, test
        self.train_scatter.setData(x=train[:, 0], y=train[:, 1], brush=point_brushes(train[:, 2], self._multiclass))
        _shown_if_any(self.train_scatter)
        self._refresh_test_points()
        if self._hovered is not None:
            self._set_hovered(None)

    def _refresh_test_points(self) -> None:
        test = self._test
        if self._show_test and len(test):
            self.test_scatter.setData(x=test[:, 0], y=test[:, 1], brush=point_brushes(test[:, 2], self._multiclass))
        else:
            self.test_scatter.clear()
        _shown_if_any(self.test_scatter)

    def _is_train(self, point: tuple[float, float, float]) -> bool:
        return bool(np.any(np.all(self._train == np.array(point), axis=1)))

    # ----- hovering -------------------------------------------------------------------
    def point_at(self, scene_pos: QPointF) -> tuple[float, float, float] | None:
        """The (x, y, label) of the nearest shown point within HOVER_RADIUS_PX, else None."""
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            return None
        points = self._train if not (self._show_test and len(self._test)) else np.vstack([self._train, self._test])
        if not len(points):
            return None
        where = self.view_box.mapSceneToView(scene_pos)
        pixel_w, pixel_h = self.view_box.viewPixelSize()  # data units per screen pixel
        dx = (points[:, 0] - where.x()) / pixel_w
        dy = (points[:, 1] - where.y()) / pixel_h
        distance2 = dx * dx + dy * dy
        nearest = int(np.argmin(distance2))
        if distance2[nearest] > HOVER_RADIUS_PX**2:
            return None
        x, y, label = (float(v) for v in points[nearest])
        return x, y, label

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        self._set_hovered(self.point_at(scene_pos))

    def _set_hovered(self, point: tuple[float, float, float] | None) -> None:
        if point == self._hovered:
            return
        self._hovered = point
        if point is None:
            self.hover_ring.clear()
            _shown_if_any(self.hover_ring)
            self.sample_left.emit()
            return
        x, y = [point[0]] * 2, [point[1]] * 2
        self.hover_ring.setData(x=x, y=y, pen=[pg.mkPen("w", width=5), pg.mkPen(RING_COLOR, width=2.5)])
        _shown_if_any(self.hover_ring)
        self.sample_hovered.emit(*point)

    # ----- a confusion cell's points ------------------------------------------------------
    def highlight_points(self, points: np.ndarray | None) -> None:
        """Ring these points ((m, 2) or (m, 3) rows, x and y first) with a black-and-white double
        ring; None or no rows clears it."""
        if points is None or not len(points):
            self._highlighted = np.empty((0, 2))
            self.highlight_rings.clear()
            _shown_if_any(self.highlight_rings)
            return
        self._highlighted = np.array(np.asarray(points, dtype=np.float64)[:, :2])
        x, y, m = self._highlighted[:, 0], self._highlighted[:, 1], len(self._highlighted)
        outer, inner = pg.mkPen(HIGHLIGHT_OUTER, width=1.8), pg.mkPen(HIGHLIGHT_INNER, width=1.5)
        self.highlight_rings.setData(
            x=np.concatenate([x, x]),
            y=np.concatenate([y, y]),
            size=[POINT_SIZE + 9] * m + [POINT_SIZE + 5] * m,
            pen=[outer] * m + [inner] * m,
        )
        _shown_if_any(self.highlight_rings)

    @property
    def highlighted_points(self) -> np.ndarray:
        """(m, 2) x, y of the points highlight_points rings now (none: (0, 2))."""
        return self._highlighted

    # ----- the inspector's marks -----------------------------------------------------------
    def show_shot(self, points: np.ndarray | None, focus: int = 0) -> None:
        """Ring the inspector's samples ((m, 3) rows; ``focus`` the one the neurons describe)."""
        if points is None or not len(points):
            self.shot_rings.clear()
            _shown_if_any(self.shot_rings)
            return
        pens = [pg.mkPen(SHOT_COLOR, width=3.0 if k == focus else 1.5) for k in range(len(points))]
        self.shot_rings.setData(x=points[:, 0], y=points[:, 1], pen=pens)
        _shown_if_any(self.shot_rings)

    def show_ghost(self, output_map: np.ndarray | None) -> None:
        """A dashed line where ``output_map`` (res, res; row 0 = bottom) crosses 0: the decision
        boundary of another network (the inspector's corrected one). None hides it."""
        if output_map is None:
            self.ghost.hide()
            return
        resolution, e = output_map.shape[0], self._extent
        pixel = 2 * e / (resolution - 1)
        # IsocurveItem's data is indexed [x, y] in units of grid steps: transpose, then scale.
        transform = QTransform()
        transform.translate(-e, -e)
        transform.scale(pixel, pixel)
        self.ghost.setData(np.nan_to_num(np.asarray(output_map, dtype=np.float64).T), level=0.0)
        self.ghost.setTransform(transform)
        self.ghost.show()

    @property
    def ghost_shown(self) -> bool:
        return self.ghost.isVisible()

    # ----- drawing ------------------------------------------------------------------------
    def set_draw_mode(self, on: bool) -> None:
        self._drawing, self._dragging = bool(on), False
        cursor = Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor
        self.plot_widget.viewport().setCursor(cursor)

    def _plane_at(self, event) -> QPointF | None:
        """The plane's (x, y) under a mouse event, or None outside the plot's square."""
        scene = self.plot_widget.mapToScene(event.position().toPoint())
        if not self.view_box.sceneBoundingRect().contains(scene):
            return None
        return self.view_box.mapSceneToView(scene)

    def _draw_event(self, event: QEvent) -> bool:
        """Draw mode's handling of a mouse event; True when it was used."""
        kind = event.type()
        if kind == QEvent.Type.MouseButtonRelease:
            self._dragging = False
            return True
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove):
            return False
        where = self._plane_at(event)
        if kind == QEvent.Type.MouseMove:
            if self._dragging and where is not None:
                self.draw_dragged.emit(where.x(), where.y())
            return False  # hovering still traces
        if where is None:
            return True
        erase = event.button() == Qt.MouseButton.RightButton or (
            event.button() == Qt.MouseButton.LeftButton and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        )
        if erase:
            pixel_w, pixel_h = self.view_box.viewPixelSize()  # plane units per screen pixel
            self.erase_requested.emit(where.x(), where.y(), HOVER_RADIUS_PX * max(pixel_w, pixel_h))
        elif event.button() == Qt.MouseButton.LeftButton:
            self._dragging = True
            self.draw_pressed.emit(where.x(), where.y())
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._drawing and self._draw_event(event):
            return True
        # Every move, read here: the scene's sigMouseMoved drops moves closer than 10 ms apart,
        # which would leave a stale hover when the mouse stops just after a quick move.
        if event.type() == QEvent.Type.MouseMove:
            self._on_mouse_moved(self.plot_widget.mapToScene(event.position().toPoint()))
        elif event.type() == QEvent.Type.Leave:
            self._set_hovered(None)
        elif event.type() == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            point = self.point_at(self.plot_widget.mapToScene(event.position().toPoint()))
            if point is not None:
                self.sample_clicked.emit(*point)
        return super().eventFilter(watched, event)

    @property
    def hovered_point(self) -> tuple[float, float, float] | None:
        return self._hovered
