"""File › Export, driven through the window: each file is written, read back and checked."""

from __future__ import annotations

import csv
import json

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMenu, QMessageBox

from playground.engine.config import Config
from playground.engine.datasets import load_csv
from playground.ui.export_menu import Exporter
from tests.ui.conftest import WAIT_MS

CONFIG = Config(dataset="xor", hidden=(3,), seed=2)


def trained_window(open_window, qtbot, epochs: int = 12):
    window = open_window(CONFIG)
    for _ in range(epochs):
        window.controller.step()
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == epochs, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(window.run_view.output_panel.loss_plot.losses()[0]) == epochs + 1, timeout=WAIT_MS)
    return window


def test_the_menu_lists_every_export(open_window, qtbot):
    window = open_window(CONFIG)
    menu = window.findChild(QMenu, "export_menu")
    assert menu is not None
    assert [a.objectName() for a in menu.actions() if not a.isSeparator()] == [
        "export_png_action", "export_losses_action", "export_points_action", "export_weights_action",
        "export_animation_action"]


def test_each_export_reads_back_as_the_window_shows_it(open_window, qtbot, tmp_path):
    window = trained_window(open_window, qtbot)
    exporter = Exporter(window)
    snapshot = window.controller.snapshot
    paths = {kind: tmp_path / name for kind, name in
             (("png", "w.png"), ("losses", "l.csv"), ("points", "p.csv"), ("weights", "w.json"))}
    for kind, path in paths.items():
        assert exporter.export(kind, str(path)), kind
    image = QImage(str(paths["png"]))
    assert (image.width(), image.height()) == (window.width(), window.height())
    rows = list(csv.reader(paths["losses"].read_text(encoding="utf-8").splitlines()))
    epochs, train, test = window.run_view.output_panel.loss_plot.losses()
    assert rows[0] == ["epoch", "train_loss", "test_loss"] and len(rows) == 12 + 2
    np.testing.assert_array_equal([float(r[1]) for r in rows[1:]], train)
    assert float(rows[-1][2]) == snapshot.test_loss
    points = load_csv(paths["points"], "classification")
    np.testing.assert_array_equal(points, np.vstack([snapshot.train_points, snapshot.test_points]))
    document = json.loads(paths["weights"].read_text(encoding="utf-8"))
    assert document["epoch"] == 12 and document["layer_sizes"] == [2, 3, 1]
    for got, want in zip(document["weights"], snapshot.weights):
        np.testing.assert_array_equal(got, want)


def test_a_failed_export_says_why_and_leaves_nothing(open_window, qtbot, tmp_path):
    window = trained_window(open_window, qtbot, epochs=1)
    folder = tmp_path / "a folder"
    folder.mkdir()
    assert not Exporter(window).export("losses", str(folder))
    dialog = window.findChild(QMessageBox, "error_dialog")
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=WAIT_MS)
    assert f"cannot export to '{folder}'" in dialog.text()
    dialog.close()
    assert list(tmp_path.iterdir()) == [folder] and not list(folder.iterdir())
