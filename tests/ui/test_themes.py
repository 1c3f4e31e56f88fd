"""Themes and colour scales: the dark theme really darkens what is drawn, the View menu switches
live and is remembered, "System" follows the desktop, and the colour-blind-safe option changes
what is drawn into colours that a simulated protanope and deuteranope still tell apart."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.trainer import Trainer
from playground.ui import theme
from playground.ui.app import make_application
from playground.ui.color_vision import SIMULATIONS, delta_e, simulate, worst_difference
from playground.ui.colors import (
    COLORBLIND_SCALES,
    GRADIENT_LUT,
    USUAL_SCALES,
    VALUE_LUT,
    diverging_lut,
    lut_index,
    palette,
)
from playground.ui.main_window import MainWindow
from playground.ui.settings import SETTINGS_DIR_VARIABLE, AppSettings
from playground.worker.controller import TrainingController
from tests.ui.conftest import WAIT_MS

# A diverging scale is safe when, under each simulated dichromacy, its two ends and its zero are
# pairwise different colours (CIE76 ΔE ≥ 20), and a half-strength negative and positive (±½, the
# bulk of what a scale that follows the gradients draws) still differ clearly (ΔE ≥ 40).
ENDS_MIN_DE, HALF_MIN_DE = 20.0, 40.0


@pytest.fixture(autouse=True)
def light_afterwards():
    yield
    theme.configure("light", colorblind_on=False, for_session=False)
    theme.set_presentation(1.0, 1.0)


def action(window: QWidget, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def luminance(widget: QWidget, x: int, y: int) -> float:
    image = widget.grab().toImage()
    colour = image.pixelColor(x, y)
    return 0.2126 * colour.red() + 0.7152 * colour.green() + 0.0722 * colour.blue()


def rgb_at(widget: QWidget, x: int, y: int) -> np.ndarray:
    colour = widget.grab().toImage().pixelColor(x, y)
    return np.array([colour.red(), colour.green(), colour.blue()], dtype=float)


def half_strength_difference(lut: np.ndarray, vision: str) -> float:
    negative, positive = lut[lut_index(-0.5)].astype(float), lut[lut_index(0.5)].astype(float)
    return float(delta_e(simulate(negative, vision), simulate(positive, vision)))


def open_themed_window(qtbot, settings: AppSettings | None = None) -> MainWindow:
    make_application()
    window = MainWindow(TrainingController(Trainer(Config(), make_data(Config()))), settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.snapshot is not None, timeout=WAIT_MS)
    return window


def close(window: MainWindow) -> None:
    window.close()
    assert not window.controller.thread_running


# ----- the scales themselves (no window) -------------------------------------------------------
def test_machado_simulation_keeps_greys_and_white():
    for grey in ((255, 255, 255), (128, 128, 128), (0, 0, 0)):
        for vision in SIMULATIONS:
            assert np.allclose(simulate(np.array(grey, dtype=float), vision), grey, atol=1.0)


@pytest.mark.parametrize("scales", [COLORBLIND_SCALES, USUAL_SCALES], ids=["colour-blind", "usual"])
def test_value_scale_ends_and_halves_stay_apart_for_dichromats(scales):
    worst, where = worst_difference({"negative": scales.negative, "zero": scales.zero, "positive": scales.positive})
    assert worst >= ENDS_MIN_DE, where
    lut = diverging_lut(scales.negative, scales.zero, scales.positive)
    for vision in SIMULATIONS:
        assert half_strength_difference(lut, vision) >= HALF_MIN_DE, vision


def test_colour_blind_gradient_scale_stays_apart_and_the_usual_one_does_not():
    safe = COLORBLIND_SCALES
    worst, where = worst_difference({"negative": safe.grad_negative, "zero": safe.zero, "positive": safe.grad_positive})
    assert worst >= ENDS_MIN_DE, where
    safe_lut = diverging_lut(safe.grad_negative, safe.zero, safe.grad_positive)
    assert all(half_strength_difference(safe_lut, vision) >= HALF_MIN_DE for vision in SIMULATIONS)
    # Why the option exists: magenta and green at ±½ collapse for a deuteranope (ΔE about 28,
    # against about 73 with normal vision), though their ends still differ from each other.
    assert half_strength_difference(GRADIENT_LUT, "deuteranopia") < HALF_MIN_DE
    assert float(delta_e(GRADIENT_LUT[lut_index(-0.5)], GRADIENT_LUT[lut_index(0.5)])) > 1.5 * HALF_MIN_DE  # normal vision


def test_the_palette_swaps_scales_as_new_arrays():
    before = palette.gradient_lut
    theme.configure("light", colorblind_on=True)
    assert palette.gradient_lut is not before
    assert tuple(palette.gradient_lut[0]) == COLORBLIND_SCALES.grad_negative
    assert tuple(palette.value_lut[-1]) == COLORBLIND_SCALES.positive
    theme.configure(colorblind_on=False)
    assert np.array_equal(palette.gradient_lut, GRADIENT_LUT) and np.array_equal(palette.value_lut, VALUE_LUT)


# ----- the window ----------------------------------------------------------------------------------
def test_view_menu_switches_the_whole_window_to_dark_and_back_live(qtbot):
    window = open_themed_window(qtbot)
    menu = window.findChild(QMenu, "view_menu")
    assert menu is not None and menu.title() == "&View"
    loss = window.run_view.output_panel.loss_plot.plot_widget
    canvas = window.run_view.network_view
    assert luminance(window, 6, window.height() // 2) > 200 and luminance(loss, loss.width() - 8, 8) > 200
    action(window, "theme_dark_action").trigger()
    assert theme.is_dark() and action(window, "theme_dark_action").isChecked()
    assert luminance(window, 6, window.height() // 2) < 60  # the panels
    assert luminance(loss, loss.width() - 8, 8) < 60  # a chart's background
    assert luminance(canvas, canvas.width() // 2, canvas.height() - 40) < 60  # the network's canvas
    title = window.run_view.network_view._titles[0][0]
    assert title.brush().color().lightness() > 180  # "Features" in light text
    action(window, "theme_light_action").trigger()
    assert not theme.is_dark()
    assert luminance(window, 6, window.height() // 2) > 200 and luminance(loss, loss.width() - 8, 8) > 200
    close(window)


def test_the_inspector_built_after_the_switch_comes_up_dark(qtbot):
    window = open_themed_window(qtbot)
    action(window, "theme_dark_action").trigger()
    window.run_view.toggle_inspector()
    panel = window.run_view.inspector_panel
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT_MS)
    assert luminance(panel, panel.width() - 4, 4) < 60
    action(window, "theme_light_action").trigger()  # and a live switch restyles it too
    assert luminance(panel, panel.width() - 4, 4) > 200
    close(window)


def test_theme_and_colours_are_remembered_for_the_next_window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(SETTINGS_DIR_VARIABLE, str(tmp_path))
    window = open_themed_window(qtbot, AppSettings())
    action(window, "theme_dark_action").trigger()
    action(window, "colorblind_action").trigger()
    close(window)
    theme.configure("light", colorblind_on=False)  # as a fresh process starts
    again = open_themed_window(qtbot, AppSettings())
    assert theme.is_dark() and theme.colorblind()
    assert action(again, "theme_dark_action").isChecked() and action(again, "colorblind_action").isChecked()
    assert luminance(again, 6, again.height() // 2) < 60
    close(again)


def test_system_follows_the_desktop_colour_scheme_live(qtbot):
    window = open_themed_window(qtbot)
    action(window, "theme_system_action").trigger()
    theme.system_scheme_changed(Qt.ColorScheme.Dark)  # what colorSchemeChanged calls (offscreen cannot change it)
    assert theme.is_dark() and luminance(window, 6, window.height() // 2) < 60
    theme.system_scheme_changed(Qt.ColorScheme.Light)
    assert not theme.is_dark() and luminance(window, 6, window.height() // 2) > 200
    action(window, "theme_light_action").trigger()
    theme.system_scheme_changed(Qt.ColorScheme.Dark)  # a chosen theme ignores the desktop
    assert not theme.is_dark()
    close(window)


def trained_window(qtbot) -> MainWindow:
    window = open_themed_window(qtbot)
    first = window.controller.snapshot.epoch
    for _ in range(3):
        window.controller.step()
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch >= first + 3, timeout=WAIT_MS)
    return window


def strongest_edges(window: MainWindow) -> tuple[tuple, tuple]:
    """The (layer, i, j) of the most negative and the most positive shown gradient."""
    snap = window.controller.snapshot
    flat = [(float(g[i, j]), (layer, i, j)) for layer, g in enumerate(snap.weight_gradients)
            for i in range(g.shape[0]) for j in range(g.shape[1])]
    return min(flat)[1], max(flat)[1]


def test_colour_blind_option_recolours_edges_boundary_and_legends_live(qtbot):
    window = trained_window(qtbot)
    view = window.run_view.network_view
    low, high = strongest_edges(window)
    plot = window.run_view.output_panel.boundary_plot
    before_edges = [view.edge_item(*e).pen().color().name() for e in (low, high)]
    before_map = plot.image_item.item.pixmap().toImage().pixelColor(0, 0).name()
    action(window, "colorblind_action").trigger()
    after_edges = [view.edge_item(*e).pen().color().name() for e in (low, high)]
    after_map = plot.image_item.item.pixmap().toImage().pixelColor(0, 0).name()
    assert after_edges != before_edges and after_map != before_map
    gradient_words = set(palette.words().values())
    assert {"purple", "gold"} <= gradient_words
    assert palette.gradient_lut[0].tolist() == list(COLORBLIND_SCALES.grad_negative)
    close(window)


def legend_end_colours(widget: QWidget, left: int, right: int, y: int) -> dict[str, np.ndarray]:
    """The rendered colours of a scale bar spanning x = left … right: −1, −½, 0, +½, +1."""
    span = right - left
    xs = {"negative": left + 1, "half_negative": left + span // 4, "zero": left + span // 2,
          "half_positive": left + 3 * span // 4, "positive": right - 1}
    image = widget.grab().toImage()
    return {k: np.array(image.pixelColor(x, y).getRgb()[:3], dtype=float) for k, x in xs.items()}


def rendered_scales(window: MainWindow) -> dict[str, dict[str, np.ndarray]]:
    """The gradient scale as the edge legend draws it and the value scale as the colour bar under
    the boundary draws it, grabbed from the window."""
    legend_bar = window.run_view.network_view._legend.bar
    bar = window.run_view.output_panel.color_bar
    return {
        "gradient": legend_end_colours(legend_bar, 0, legend_bar.width(), legend_bar.height() // 2),
        "value": legend_end_colours(bar, *strip_span(bar)),
    }


def strip_span(bar: QWidget) -> tuple[int, int, int]:
    """Where the colour bar paints its strip (ColorBar._paint_scale: x 6 … width − 58, y 2 … 12),
    a pixel in from each end; the end colours are checked against the scale, so a moved strip fails."""
    return 8, bar.width() - 60, 7


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_rendered_colour_blind_scales_stay_apart_under_simulated_dichromacy(qtbot, dark):
    window = trained_window(qtbot)
    if dark:
        action(window, "theme_dark_action").trigger()
    usual = rendered_scales(window)
    action(window, "colorblind_action").trigger()
    safe = rendered_scales(window)
    for kind in ("gradient", "value"):
        seen = safe[kind]
        assert np.allclose(seen["negative"], (palette.gradient_lut if kind == "gradient" else palette.value_lut)[1], atol=12)
        for vision in SIMULATIONS:
            sim = {k: simulate(v, vision) for k, v in seen.items()}
            for a, b in (("negative", "zero"), ("zero", "positive"), ("negative", "positive")):
                assert delta_e(sim[a], sim[b]) >= ENDS_MIN_DE, (kind, vision, a, b)
            assert delta_e(sim["half_negative"], sim["half_positive"]) >= HALF_MIN_DE, (kind, vision)
    # The usual magenta/green edges, as drawn, fail the same test for a deuteranope.
    usual_sim = {k: simulate(v, "deuteranopia") for k, v in usual["gradient"].items()}
    assert delta_e(usual_sim["half_negative"], usual_sim["half_positive"]) < HALF_MIN_DE
    close(window)


def test_the_guide_names_the_colours_in_force(qtbot):
    window = open_themed_window(qtbot)
    action(window, "colorblind_action").trigger()
    window.show_guide()
    text = window.findChild(QWidget, "guide_dialog").text()
    assert "purple" in text and "gold" in text and "magenta" not in text
    close(window)


def test_rendered_boundary_points_stand_out_on_the_dark_map(qtbot):
    window = open_themed_window(qtbot)
    action(window, "theme_dark_action").trigger()
    plot = window.run_view.output_panel.boundary_plot
    image = plot.image_item.item.pixmap().toImage()
    centre = image.pixelColor(image.width() // 2, image.height() // 2)
    assert centre.lightness() < 200  # blended with the dark grey, not with white
    view = plot.plot_widget
    corner = view.mapFromScene(plot.view_box.mapViewToScene(plot.view_box.viewRect().topLeft()))
    assert luminance(view, corner.x() - 6, corner.y() - 4) < 60  # the chart's surround is dark too
    assert isinstance(corner, QPoint)
    close(window)


def test_dark_and_colour_blind_reach_the_gradient_norms_and_the_confusion_matrix(qtbot):
    window = trained_window(qtbot)
    panel = window.run_view.output_panel
    norms, confusion = panel.gradient_norms_plot, panel.confusion_view
    assert norms.curves and norms.curves[-1].opts["pen"].color().lightness() < 60  # the output: near-black on white
    action(window, "theme_dark_action").trigger()
    assert norms.curves[-1].opts["pen"].color().lightness() > 200  # near-white on dark
    action(window, "colorblind_action").trigger()
    assert [s.color for s in confusion.styles] == [COLORBLIND_SCALES.negative, COLORBLIND_SCALES.positive]
    close(window)


def test_an_open_inspector_redraws_its_stage_in_the_new_scales(qtbot):
    window = open_themed_window(qtbot)
    inspector = window.run_view.inspector
    inspector.open()
    qtbot.waitUntil(lambda: inspector.shot is not None and window.run_view.network_view.stage_view() is not None, timeout=WAIT_MS)
    inspector.go_to_stage("blame")
    before = window.run_view.network_view.stage_view().edge_lut
    action(window, "colorblind_action").trigger()
    after = window.run_view.network_view.stage_view().edge_lut
    assert after is palette.gradient_lut and not np.array_equal(after, before)
    assert "purple" in window.run_view.inspector_panel.stage_text.text()
    close(window)
