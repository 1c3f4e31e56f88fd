"""File › Export › An animation of the run, driven through the window; the GIF is read back."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QMessageBox, QProgressBar, QPushButton, QSpinBox

from playground.engine.config import Config
from playground.ui.animation_renderer import frame_parts
from tests.ui.conftest import WAIT_MS

CONFIG = Config(dataset="circle", seed=3)


def trained_window(open_window, qtbot, epochs: int = 300):
    window = open_window(CONFIG)
    window.controller.play()
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch >= epochs, timeout=WAIT_MS)
    window.controller.pause()
    qtbot.waitUntil(lambda: not window.controller.snapshot.running, timeout=WAIT_MS)
    return window


def open_dialog(window, qtbot) -> QDialog:
    window.findChild(QAction, "export_animation_action").trigger()
    dialog = window.findChild(QDialog, "animation_dialog")
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    return dialog


def answer_file_dialog(monkeypatch, path) -> None:
    """The save dialog answers ``path`` (it is modal: a test cannot click in it)."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))


def control(dialog, kind, name):
    widget = dialog.findChild(kind, name)
    assert widget is not None and widget.isVisible() and widget.toolTip(), name
    return widget


def frames_of(path) -> list[np.ndarray]:
    with Image.open(path) as image:
        assert image.info["loop"] == 0  # loops forever
        out = []
        for k in range(image.n_frames):
            image.seek(k)
            out.append(np.asarray(image.convert("RGB")).astype(int))
        return out


def test_a_gif_of_the_run_reads_back_as_the_run_went(open_window, qtbot, tmp_path, monkeypatch):
    window = trained_window(open_window, qtbot)
    epoch = window.controller.snapshot.epoch
    dialog = open_dialog(window, qtbot)
    epochs = control(dialog, QSpinBox, "animation_epochs_spinbox")
    assert epochs.value() == epoch  # the whole run, the first time
    control(dialog, QSpinBox, "animation_frames_spinbox").setValue(12)
    control(dialog, QSpinBox, "animation_fps_spinbox").setValue(5)
    control(dialog, QComboBox, "animation_size_combo").setCurrentText("Small (640 px wide)")
    assert control(dialog, QComboBox, "animation_format_combo").currentData() == "gif"
    assert dialog.frame_count() == 12 and dialog.count_label.text().startswith(f"12 frames of epochs 0 to {epoch:,}")
    path = tmp_path / "run.gif"
    answer_file_dialog(monkeypatch, path)
    qtbot.mouseClick(control(dialog, QPushButton, "animation_export_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(QProgressBar, "animation_progress").isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert "Exported 12 frames" in window.statusBar().currentMessage()
    assert os.listdir(tmp_path) == ["run.gif"]
    frames = frames_of(path)
    width, strip, side = frame_parts(640)
    assert len(frames) == 12 and frames[0].shape == (strip + side, width, 3)
    first, last = frames[0], frames[-1]
    assert np.abs(first[:strip] - last[:strip]).sum() > 0  # "Epoch 0 …" became "Epoch 300 …"
    # The corner of the plane (about (5.3, 5.5), no points there) went from the first weights'
    # pale guess to the orange of the outer class: the boundary was learned.
    y, x = strip + int(0.12 * side), width - int(0.1 * side)
    corner_first, corner_last = first[y - 3 : y + 3, x - 3 : x + 3].mean((0, 1)), last[y - 3 : y + 3, x - 3 : x + 3].mean((0, 1))
    assert np.abs(corner_first - corner_last).sum() > 40
    assert corner_last[0] > corner_last[2] + 40  # red over blue: orange
    # The network's side changes too (its neurons' maps and edges).
    assert np.abs(first[strip:, : width - side] - last[strip:, : width - side]).mean() > 1


def test_cancel_stops_and_writes_nothing(open_window, qtbot, tmp_path, monkeypatch):
    window = trained_window(open_window, qtbot)
    dialog = open_dialog(window, qtbot)
    dialog.findChild(QSpinBox, "animation_frames_spinbox").setValue(300)
    answer_file_dialog(monkeypatch, tmp_path / "run.gif")
    qtbot.mouseClick(dialog.findChild(QPushButton, "animation_export_button"), Qt.MouseButton.LeftButton)
    progress = dialog.findChild(QProgressBar, "animation_progress")
    qtbot.waitUntil(lambda: progress.maximum() > 0 and progress.value() >= 2, timeout=WAIT_MS)
    cancel = dialog.findChild(QPushButton, "animation_cancel_button")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not dialog.rendering and dialog.isVisible() and not progress.isVisible()
    assert "cancelled" in window.statusBar().currentMessage()
    assert os.listdir(tmp_path) == []
    assert dialog.findChild(QPushButton, "animation_export_button").isEnabled()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)  # now it closes the dialog
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)


def test_an_unwritable_place_is_refused_before_drawing(open_window, qtbot, tmp_path, monkeypatch):
    window = trained_window(open_window, qtbot, epochs=20)
    (tmp_path / "notes.txt").write_text("not a folder")
    dialog = open_dialog(window, qtbot)
    epoch = window.controller.snapshot.epoch
    window.controller.step()  # the run moves on while the dialog is open: "the whole run" follows it
    epochs = dialog.findChild(QSpinBox, "animation_epochs_spinbox")
    qtbot.waitUntil(lambda: epochs.value() == epochs.maximum() == epoch + 1, timeout=WAIT_MS)
    answer_file_dialog(monkeypatch, tmp_path / "notes.txt" / "run.gif")
    qtbot.mouseClick(dialog.findChild(QPushButton, "animation_export_button"), Qt.MouseButton.LeftButton)
    error = window.findChild(QMessageBox, "error_dialog")
    qtbot.waitUntil(lambda: error is not None and error.isVisible(), timeout=WAIT_MS)
    assert error.text() == (f"cannot export the animation to '{tmp_path / 'notes.txt' / 'run.gif'}': "
                            f"'{tmp_path / 'notes.txt'}' is not a folder")
    error.close()
    assert not dialog.rendering and sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_a_write_that_fails_at_the_end_says_why_and_leaves_nothing(open_window, qtbot, tmp_path, monkeypatch):
    window = trained_window(open_window, qtbot, epochs=40)
    folder = tmp_path / "out"
    folder.mkdir()
    dialog = open_dialog(window, qtbot)
    answer_file_dialog(monkeypatch, folder / "run.gif")
    qtbot.mouseClick(dialog.findChild(QPushButton, "animation_export_button"), Qt.MouseButton.LeftButton)
    progress = dialog.findChild(QProgressBar, "animation_progress")
    qtbot.waitUntil(lambda: progress.maximum() > 0 and progress.value() >= 1, timeout=WAIT_MS)
    folder.rmdir()  # gone while the frames are drawn
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "error_dialog") is not None, timeout=WAIT_MS)
    error = window.findChild(QMessageBox, "error_dialog")
    qtbot.waitUntil(error.isVisible, timeout=WAIT_MS)
    assert error.text() == f"cannot export the animation to '{folder / 'run.gif'}': No such file or directory"
    error.close()
    assert not dialog.rendering and dialog.isVisible() and os.listdir(tmp_path) == []


def test_the_name_gets_the_format_s_suffix_and_the_other_one_is_refused(open_window, qtbot, tmp_path, monkeypatch):
    window = trained_window(open_window, qtbot, epochs=20)
    dialog = open_dialog(window, qtbot)
    dialog.findChild(QSpinBox, "animation_frames_spinbox").setValue(3)
    answer_file_dialog(monkeypatch, tmp_path / "run.mp4")  # GIF is chosen
    qtbot.mouseClick(dialog.findChild(QPushButton, "animation_export_button"), Qt.MouseButton.LeftButton)
    error = window.findChild(QMessageBox, "error_dialog")
    qtbot.waitUntil(lambda: error is not None and error.isVisible(), timeout=WAIT_MS)
    assert error.text().endswith("the name ends in .mp4 but the format chosen is GIF; allowed: a name ending in .gif")
    error.close()
    answer_file_dialog(monkeypatch, tmp_path / "run")
    qtbot.mouseClick(dialog.findChild(QPushButton, "animation_export_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert os.listdir(tmp_path) == ["run.gif"] and len(frames_of(tmp_path / "run.gif")) == 3


def test_mp4_is_offered_only_with_ffmpeg(open_window, qtbot, tmp_path, monkeypatch):
    window = trained_window(open_window, qtbot, epochs=20)
    dialog = open_dialog(window, qtbot)
    combo = dialog.findChild(QComboBox, "animation_format_combo")
    mp4 = combo.model().item(1)
    if shutil.which("ffmpeg") is None:
        assert not mp4.isEnabled()
        assert "ffmpeg" in combo.itemData(1, Qt.ItemDataRole.ToolTipRole) and "ffmpeg" in combo.toolTip()
        pytest.skip("ffmpeg is not on PATH: MP4 is not offered (checked), so none is written")
    assert mp4.isEnabled()
    combo.setCurrentIndex(1)
    dialog.findChild(QSpinBox, "animation_frames_spinbox").setValue(5)
    answer_file_dialog(monkeypatch, tmp_path / "run.mp4")
    qtbot.mouseClick(dialog.findChild(QPushButton, "animation_export_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert (tmp_path / "run.mp4").read_bytes()[4:8] == b"ftyp"
