"""The window never shows stale state, and remembers what a person expects remembered."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QSpinBox, QWidget

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.trainer import Trainer
from playground.ui.app import make_application, remembered_trainer
from playground.ui.main_window import MainWindow
from playground.ui.settings import AppSettings
from playground.worker.controller import TrainingController
from tests.ui.test_main_window import WAIT_MS, find, snapshot, wait_config


def type_seed(qtbot, window: MainWindow, text: str) -> QSpinBox:
    """Type into the seed box (focused, as a person's typing is) without pressing Enter."""
    spin = find(window, QSpinBox, "seed_spin")
    window.activateWindow()
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=WAIT_MS)
    editor = spin.findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    assert spin.text() == text
    return spin


def test_a_typed_but_not_entered_seed_gives_way_to_the_seed_in_force(open_window, qtbot):
    window = open_window()
    spin = type_seed(qtbot, window, "77")
    find(window, QAbstractButton, "dataset_button_xor").click()
    wait_config(qtbot, window, lambda c: c.dataset == "xor")
    assert spin.value() == snapshot(window).config.seed == 1
    version = snapshot(window).data_version
    spin.editingFinished.emit()  # leaving the box: nothing to apply
    find(window, QAbstractButton, "step_button").click()
    qtbot.waitUntil(lambda: snapshot(window).epoch == 1, timeout=WAIT_MS)
    assert snapshot(window).data_version == version and snapshot(window).config.seed == 1


def test_leaving_the_seed_box_after_opening_an_example_keeps_the_example(open_window, qtbot):
    window = open_window()
    spin = type_seed(qtbot, window, "5")
    action = window.findChild(QWidget, "examples_menu").actions()[0]
    action.trigger()
    qtbot.waitUntil(lambda: snapshot(window).epoch > 0, timeout=WAIT_MS)
    opened = snapshot(window)
    assert spin.value() == opened.config.seed
    spin.editingFinished.emit()
    window.controller.step()
    qtbot.waitUntil(lambda: snapshot(window).epoch == opened.epoch + 1, timeout=WAIT_MS)
    assert snapshot(window).data_version == opened.data_version


def test_an_entered_seed_rebuilds_with_new_points(open_window, qtbot):
    window = open_window()
    points = snapshot(window).train_points
    spin = type_seed(qtbot, window, "42")
    spin.editingFinished.emit()
    wait_config(qtbot, window, lambda c: c.seed == 42)
    assert not np.array_equal(points, snapshot(window).train_points)


def test_a_rebuild_under_the_pointer_brings_back_the_output_map(open_window, qtbot):
    window = open_window()
    view, plot = window.run_view.network_view, window.run_view.output_panel.boundary_plot
    view.hovered(("node", 1, 2), True)  # the pointer enters hidden layer 1, neuron 3
    np.testing.assert_array_equal(plot.image_item.image, snapshot(window).node_maps[snapshot(window).node_index(1, 2)])
    find(window, QAbstractButton, "add_layer_button").click()  # that square is rebuilt away
    wait_config(qtbot, window, lambda c: c.hidden == (4, 2, 2))
    np.testing.assert_array_equal(plot.image_item.image, snapshot(window).output_map)
    window.controller.step()
    qtbot.waitUntil(lambda: snapshot(window).epoch == 1, timeout=WAIT_MS)
    np.testing.assert_array_equal(plot.image_item.image, snapshot(window).output_map)


def test_the_window_opens_no_larger_than_the_screen(open_window):
    window = open_window()
    free = QGuiApplication.primaryScreen().availableGeometry()
    assert window.height() <= free.height()
    assert window.width() <= max(free.width(), window.minimumSizeHint().width())


# ----- remembered between launches -------------------------------------------------------------
def open_remembering(qtbot, settings: AppSettings, trainer: Trainer | None = None) -> MainWindow:
    make_application()
    window = MainWindow(TrainingController(trainer or remembered_trainer(settings)), settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.snapshot is not None, timeout=WAIT_MS)
    return window


def test_the_last_configuration_and_geometry_come_back(qtbot, settings_dir):
    window = open_remembering(qtbot, AppSettings())
    window.run_view.set_value("learning_rate", 0.1)
    window.run_view.set_value("dataset", "spiral")
    wait_config(qtbot, window, lambda c: c.dataset == "spiral" and c.learning_rate == 0.1)
    window.resize(window.width(), 690)  # (the offscreen screen is 800 × 800)
    size = (window.width(), window.height())
    window.close()
    again = open_remembering(qtbot, AppSettings())
    assert again.controller.snapshot.config == Config(learning_rate=0.1, dataset="spiral")
    assert again.controller.snapshot.epoch == 0
    assert (again.width(), again.height()) == size == (size[0], 690)
    again.close()
    assert AppSettings(reset=True).last_config() is None  # --reset-settings starts clean
    assert remembered_trainer(AppSettings()).config == Config()


def test_a_broken_or_vanished_last_configuration_falls_back_to_the_defaults(qtbot, settings_dir, tmp_path):
    settings = AppSettings()
    settings.set_last_config(Config(dataset=str(tmp_path / "gone.csv")))
    assert remembered_trainer(settings).config == Config()
    settings.sync()
    (settings_dir / "playground.ini").write_text("[run]\nconfig=not json at all\n", encoding="utf-8")
    edited = AppSettings()
    edited.sync()  # re-read the file edited behind Qt's back
    assert edited.last_config() is None


def test_saved_and_opened_files_are_offered_under_open_recent(qtbot, settings_dir, tmp_path):
    config = Config()
    window = open_remembering(qtbot, AppSettings(), Trainer(config, make_data(config)))
    recent = window.findChild(QWidget, "recent_menu")
    assert not recent.isEnabled()
    path = tmp_path / "run.json"
    window.controller.step()
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == 1, timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.saved, timeout=WAIT_MS):
        window.controller.save_experiment(str(path))
    assert [a.data() for a in recent.actions()] == [str(path)]
    assert AppSettings().last_folder() == str(tmp_path)
    window.close()
    again = open_remembering(qtbot, AppSettings())
    actions = again.findChild(QWidget, "recent_menu").actions()
    assert [a.text() for a in actions] == ["run.json"]
    actions[0].trigger()
    qtbot.waitUntil(lambda: again.controller.snapshot.epoch == 1, timeout=WAIT_MS)
    again.close()


def test_an_unexpected_error_in_another_thread_shows_its_dialog_on_the_gui_thread(open_window, qtbot, capsys):
    import sys
    import threading

    from PySide6.QtWidgets import QApplication

    from playground.ui.error_report import install_error_dialog

    window = open_window()
    reporter = install_error_dialog(window, "Backprop Playground")
    try:
        def fail_in_a_thread() -> None:
            try:
                raise RuntimeError("boom in the worker")
            except RuntimeError:
                sys.excepthook(*sys.exc_info())  # what PySide does with an exception escaping a slot

        thread = threading.Thread(target=fail_in_a_thread)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible(), timeout=WAIT_MS)
        assert reporter.dialog.thread() is QApplication.instance().thread()
        assert "boom in the worker" in reporter.dialog.text()
        assert "RuntimeError: boom in the worker" in capsys.readouterr().err  # details on stderr
        reporter.dialog.close()
    finally:
        sys.excepthook = sys.__excepthook__


def test_a_recent_file_that_vanished_is_refused_and_forgotten(qtbot, settings_dir, tmp_path):
    gone = tmp_path / "gone.json"
    settings = AppSettings()
    settings.add_recent_file(str(gone))
    window = open_remembering(qtbot, settings, Trainer(Config(), make_data(Config())))
    recent = window.findChild(QWidget, "recent_menu")
    recent.actions()[0].trigger()
    qtbot.waitUntil(lambda: window._dialog is not None and window._dialog.isVisible(), timeout=WAIT_MS)
    assert "gone.json" in window._dialog.text() and "no longer exists" in window._dialog.text()
    window._dialog.close()
    assert AppSettings().recent_files() == [] and not recent.isEnabled()
    window.close()
