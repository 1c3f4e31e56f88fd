"""Presentation mode (F11): full screen, larger fonts and lines, fewer controls; and back exactly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from playground.ui import theme
from playground.ui.presentation import FONT_SCALE, LINE_SCALE
from tests.ui.test_themes import close, open_themed_window


@pytest.fixture(autouse=True)
def usual_sizes_afterwards():
    yield
    theme.set_presentation(1.0, 1.0)
    theme.configure("light", colorblind_on=False, for_session=False)


def font_px(label: QLabel) -> float:
    return label.fontInfo().pixelSize()


def edge_widths(window) -> list[float]:
    view = window.run_view.network_view
    return [view.edge_item(0, i, j).pen().widthF() for i in range(2) for j in range(4)]


def test_f11_enters_presentation_mode_and_f11_leaves_it_exactly(qtbot):
    window = open_themed_window(qtbot)
    panel = window.run_view.data_panel
    epoch = window.run_view.top_bar.epoch_label
    hidden_before = {w: w.isHidden() for w in (panel.draw_tools, panel.seed_spin, panel.load_csv_button, window.statusBar())}
    sizes = (font_px(epoch), font_px(window.findChild(QLabel, "control_title")))
    widths = edge_widths(window)
    geometry = window.geometry()
    loss_pen = window.run_view.output_panel.loss_plot.train_curve.opts["pen"].widthF()

    qtbot.keyClick(window, Qt.Key.Key_F11)
    action = window.findChild(QAction, "presentation_action")
    assert action.isChecked() and window.view_menu.presentation.on
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    assert font_px(epoch) >= round(sizes[0] * FONT_SCALE) - 1
    assert font_px(window.findChild(QLabel, "control_title")) > sizes[1]
    assert all(w.isHidden() for w in (panel.draw_tools, panel.seed_spin, panel.load_csv_button))
    assert not panel.dataset_picker.isHidden() and not panel.noise_slider.isHidden()  # what a lesson uses stays
    assert edge_widths(window) == pytest.approx([w * LINE_SCALE for w in widths], abs=0.125)  # (quarter pixels)
    assert window.run_view.output_panel.loss_plot.train_curve.opts["pen"].widthF() == pytest.approx(loss_pen * LINE_SCALE)
    assert window.run_view.output_panel.boundary_plot.train_scatter.opts["size"] > 7.0

    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not action.isChecked() and not window.view_menu.presentation.on
    assert not window.windowState() & Qt.WindowState.WindowFullScreen
    assert (font_px(epoch), font_px(window.findChild(QLabel, "control_title"))) == sizes
    assert {w: w.isHidden() for w in hidden_before} == hidden_before
    assert edge_widths(window) == pytest.approx(widths)
    assert window.geometry() == geometry
    close(window)


def test_presentation_mode_from_the_menu_in_the_dark_theme_keeps_it_dark(qtbot):
    window = open_themed_window(qtbot)
    window.findChild(QAction, "theme_dark_action").trigger()
    window.findChild(QAction, "presentation_action").trigger()
    assert theme.is_dark() and theme.font_scale() == FONT_SCALE
    window.findChild(QAction, "presentation_action").trigger()
    assert theme.is_dark() and theme.font_scale() == 1.0 and theme.line_scale() == 1.0
    close(window)


def test_a_widget_hidden_before_stays_hidden_after(qtbot):
    window = open_themed_window(qtbot)
    window.statusBar().hide()
    window.findChild(QAction, "presentation_action").trigger()
    window.findChild(QAction, "presentation_action").trigger()
    assert window.statusBar().isHidden()
    assert not window.run_view.data_panel.draw_tools.isHidden()
    close(window)
