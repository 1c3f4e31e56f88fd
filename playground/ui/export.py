"""Pictures of widgets as PNG files, written atomically (a failed write keeps an old file whole)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWidgets import QApplication, QWidget

from playground.engine.files import atomic_write_bytes


def widget_png(widget: QWidget) -> bytes:
    """The widget as it looks now, PNG-encoded; OSError if Qt cannot encode it."""
    for _ in range(3):  # a label whose text just changed may need another layout pass to settle
        QApplication.processEvents()
    png = QByteArray()
    buffer = QBuffer(png)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    encoded = widget.grab().save(buffer, "PNG")
    buffer.close()
    if not encoded:
        raise OSError("Qt could not encode the window as a PNG image")
    return png.data()


def save_widget_png(widget: QWidget, path: str) -> None:
    """Write ``widget`` as a PNG to ``path`` atomically; OSError says why it could not."""
    atomic_write_bytes(path, widget_png(widget))
