"""The frames of an exported animation: checkpoints drawn by the window's own views, never shown.

A FrameRenderer owns a NetworkView and a BoundaryPlot of its own (parentless and hidden, so the
window's views and their objectNames are untouched), sized once. ``render(state)`` rebuilds a
trainer from a checkpoint (Trainer.from_state), builds the Snapshot the window would have drawn
(SnapshotBuilder), shows it in both views, grabs them and composes one frame:

    Epoch 1,234    Training loss 0.012 · Test loss 0.018 · Accuracy …      (a text strip)
    [ the network: features, neurons' maps, edges ] [ the output: boundary and points ]

so a teacher recognises the window: the same colours, the same edge widths and colours (a
frame's gradient scale follows the frames before it, as the live view's follows the run).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QCheckBox, QWidget

from playground.engine.checkpoints import same_points
from playground.engine.trainer import Trainer
from playground.engine.trainer_state import TrainerState
from playground.ui.boundary_plot import BoundaryPlot
from playground.ui.network_view import NetworkView
from playground.ui.output_panel import accuracy_text, loss_text
from playground.worker.snapshot import Snapshot
from playground.worker.snapshot_builder import SnapshotBuilder

# Frame widths offered (px); the height follows: the text strip plus the square output plot.
SIZES: dict[str, int] = {"Small (640 px wide)": 640, "Medium (960 px wide)": 960, "Large (1280 px wide)": 1280}
DEFAULT_SIZE = "Medium (960 px wide)"
OUTPUT_SHARE = 0.42  # of the width: the output plot (a square); the network takes the rest
STRIP_SHARE = 0.055  # of the width: the text strip's height
NETWORK_LAYOUT_WIDTH = 700  # px the network view is laid out across at least (its legend's width), then scaled down
TEXT_COLOR, MUTED_COLOR = QColor("#2b3440"), QColor("#5f6b7a")


def frame_parts(width: int) -> tuple[int, int, int]:
    """(frame width, text strip height, output plot side) of a frame ``width`` wide: all even
    (MP4's yuv420p needs even sides); the frame is strip + side high."""
    return width & ~1, max(28, int(width * STRIP_SHARE)) & ~1, int(width * OUTPUT_SHARE) & ~1


def caption(snapshot: Snapshot) -> tuple[str, str]:
    """(the epoch, the losses and accuracy) as the window's labels say them."""
    numbers = [loss_text("Training loss", snapshot.train_loss, len(snapshot.train_points)),
               loss_text("Test loss", snapshot.test_loss, len(snapshot.test_points))]
    if snapshot.config.problem != "regression":  # (a regression's RMSE and R² would not fit in the strip)
        numbers.append(accuracy_text(snapshot))
    return f"Epoch {snapshot.epoch:,}", " · ".join(numbers)


class FrameRenderer:
    """Draws checkpoints as frames of ``width`` px (SIZES). ``colour_by_weight``, ``show_test``
    and ``discretize``: the window's choices, so the frames look like what the learner sees."""

    def __init__(self, width: int, *, colour_by_weight: bool = False, show_test: bool = False,
                 discretize: bool = False) -> None:
        width, self._strip, side = frame_parts(width)
        self.size = QSize(width, self._strip + side)
        self._network_size = QSize(width - side, side)  # in the frame
        scale = min(1.0, self._network_size.width() / NETWORK_LAYOUT_WIDTH)  # below 1: drawn larger, scaled down
        self.network_view = NetworkView(max_layers=6, max_neurons=8)
        self.network_view.resize(round(self._network_size.width() / scale), round(side / scale))
        self.network_view.grab()  # lays the hidden view out, so the canvas has its place (_network_rect)
        toggle = self.network_view.findChild(QCheckBox, "edge_colour_toggle")
        toggle.setChecked(colour_by_weight)
        self.boundary_plot = BoundaryPlot()
        self.boundary_plot.resize(side, side)
        self.boundary_plot.set_show_test(show_test)
        self.boundary_plot.set_discretize(discretize)
        self._builder = SnapshotBuilder()
        self._data = None  # the points of the last frame, to tell the views when they change

    def render(self, state: TrainerState) -> np.ndarray:
        """(height, width, 3) uint8: the frame of ``state``."""
        snapshot = self.snapshot_of(state)
        self.network_view.show_snapshot(snapshot)
        self.boundary_plot.show_snapshot(snapshot)
        return self._compose(snapshot)

    def snapshot_of(self, state: TrainerState) -> Snapshot:
        if self._data is not None and not same_points(self._data, state.data):
            self._builder.data_changed()
        self._data = state.data
        trainer = Trainer.from_state(state)
        return self._builder.build(trainer, running=False, epochs_per_second=0.0)

    def _compose(self, snapshot: Snapshot) -> np.ndarray:
        image = QImage(self.size, QImage.Format.Format_RGB888)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            network = self.network_view.grab(self._network_rect())
            fitted = network.scaled(self._network_size, Qt.AspectRatioMode.KeepAspectRatio,
                                    Qt.TransformationMode.SmoothTransformation)
            painter.drawPixmap(0, self._strip + (self._network_size.height() - fitted.height()) // 2, fitted)
            plot = self.boundary_plot.grab()
            painter.drawPixmap(self.size.width() - plot.width(), self._strip, plot)
            self._draw_caption(painter, snapshot)
        finally:
            painter.end()
        return rgb_array(image)

    def _network_rect(self) -> QRect:
        """The network's drawing and its legend: the toolbar above them (+ − layers, the colour
        toggle) is left out, as nothing in a frame can be clicked."""
        canvas = self.network_view.findChild(QWidget, "network_canvas")
        top = canvas.geometry().top()
        view = self.network_view
        return QRect(QPoint(0, top), QSize(view.width(), view.height() - top))

    def _draw_caption(self, painter: QPainter, snapshot: Snapshot) -> None:
        epoch, numbers = caption(snapshot)
        height = self._strip
        margin = max(8, height // 3)
        left = margin + self._text(painter, epoch, margin, int(height * 0.55), TEXT_COLOR, bold=True)
        self._text(painter, numbers, left + height // 2, int(height * 0.42), MUTED_COLOR, bold=False)

    def _text(self, painter: QPainter, text: str, left: int, pixels: int, color: QColor, bold: bool) -> int:
        """Draw ``text`` in the strip from ``left``, smaller (down to 9 px, then elided) until it fits; its width."""
        font = QFont(painter.font())
        font.setBold(bold)
        room = self.size.width() - left - max(8, self._strip // 3)
        for size in range(max(9, pixels), 8, -1):
            font.setPixelSize(size)
            painter.setFont(font)
            if painter.fontMetrics().horizontalAdvance(text) <= room:
                break
        text = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room)
        painter.setPen(color)
        painter.drawText(QRect(left, 0, room, self._strip), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        return painter.fontMetrics().horizontalAdvance(text)

    def close(self) -> None:
        """Free the views (they were never shown)."""
        for widget in (self.network_view, self.boundary_plot):
            widget.deleteLater()


def rgb_array(image: QImage) -> np.ndarray:
    """(height, width, 3) uint8, a copy of an RGB888 image (its rows may be padded to 4 bytes)."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    height, width = image.height(), image.width()
    rows = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.bytesPerLine() * height)
    return rows.reshape(height, image.bytesPerLine())[:, : width * 3].reshape(height, width, 3).copy()
