"""Lessons › <title> opens the lesson and shows its description in a non-modal note under the top
bar; File › Open of any experiment with a description shows it the same way."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel, QMenu, QWidget

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.experiment import read_experiment_file, write_experiment
from playground.engine.trainer import Trainer
from playground.resource_files import example_paths, lesson_paths, lesson_title
from playground.ui import main_window
from playground.ui.main_window import MainWindow
from playground.ui.settings import AppSettings
from playground.worker.controller import TrainingController
from tests.ui.conftest import WAIT_MS


def note(window: MainWindow) -> QWidget:
    widget = window.findChild(QWidget, "lesson_note")
    assert widget is not None
    return widget


def note_text(window: MainWindow) -> str:
    return window.findChild(QLabel, "lesson_note_text").text()


def lesson_actions(window: MainWindow) -> list:
    menu = window.findChild(QMenu, "lessons_menu")
    assert menu is not None and menu.menuAction() in window.menuBar().actions()  # in the menu bar
    return menu.actions()


def open_lesson(qtbot, window: MainWindow, action) -> Config:
    """Trigger a lesson's action and wait until the window shows it (config, epoch 0, note)."""
    state, description = read_experiment_file(action.data())
    action.trigger()
    qtbot.waitUntil(lambda: window.controller.snapshot.config == state.config
                    and window.controller.snapshot.epoch == 0 and note(window).isVisible()
                    and description.split()[-1] in note_text(window), timeout=WAIT_MS)
    return state.config


def test_one_action_per_lesson_named_by_its_title_in_order(open_window):
    window = open_window()
    actions = lesson_actions(window)
    assert [a.text() for a in actions] == [lesson_title(p) for p in lesson_paths()]
    assert len(actions) >= 6 and actions[0].text() == "A linear model cannot do XOR"
    assert not note(window).isVisible()  # nothing to say before a lesson is opened


def test_every_lesson_opens_and_says_what_to_look_for(open_window, qtbot):
    window = open_window()
    for action in lesson_actions(window):
        open_lesson(qtbot, window, action)
        text = note_text(window)
        assert text.startswith(f"<b>{action.text()}.</b>") and "Press Play" in text
        assert QApplication.activeModalWidget() is None  # never a modal dialog
    assert window.findChild(QWidget, "error_dialog") is None


def test_the_note_is_dismissed_and_training_goes_on_while_it_shows(open_window, qtbot):
    window = open_window()
    open_lesson(qtbot, window, lesson_actions(window)[0])
    window.controller.step()
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == 1, timeout=WAIT_MS)
    assert note(window).isVisible()  # training does not hide it
    close = window.findChild(QAbstractButton, "lesson_note_close")
    assert close.toolTip() and close.isVisible()
    close.click()
    assert not note(window).isVisible()
    window.controller.step()
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch == 2, timeout=WAIT_MS)
    assert not note(window).isVisible()


def test_opening_a_file_without_a_description_hides_the_note(open_window, qtbot):
    window = open_window()
    open_lesson(qtbot, window, lesson_actions(window)[1])
    example = next(a for a in window.findChild(QMenu, "examples_menu").actions())
    assert example.data() == str(example_paths()[0])
    example.trigger()
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch > 0 and not note(window).isVisible(), timeout=WAIT_MS)


def test_file_open_of_a_teachers_experiment_with_a_description_shows_it(open_window, qtbot, tmp_path, monkeypatch):
    config = Config(dataset="gauss", hidden=(3,), seed=7)
    path = tmp_path / "my lesson.json"
    write_experiment(Trainer(config, make_data(config)).state(), path, "Two blobs <b>not bold</b> & one line:\nwatch it.")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    window = open_window()
    file_menu = window.menuBar().actions()[0].menu()
    (open_action,) = [a for a in file_menu.actions() if a.text().startswith("&Open experiment")]
    open_action.trigger()
    qtbot.waitUntil(lambda: window.controller.snapshot.config == config and note(window).isVisible(), timeout=WAIT_MS)
    assert note_text(window) == "<b>My lesson.</b> Two blobs &lt;b&gt;not bold&lt;/b&gt; &amp; one line:<br>watch it."


def test_a_refused_file_leaves_the_lessons_note(open_window, qtbot, tmp_path):
    window = open_window()
    open_lesson(qtbot, window, lesson_actions(window)[2])
    bad = tmp_path / "bad.json"
    document = json.loads(Path(lesson_paths()[0]).read_text(encoding="utf-8"))
    bad.write_text(json.dumps({**document, "description": 3}), encoding="utf-8")
    window.controller.load_experiment(str(bad))
    qtbot.waitUntil(lambda: window.findChild(QWidget, "error_dialog") is not None, timeout=WAIT_MS)
    assert "'description'" in window.statusBar().currentMessage()
    assert note(window).isVisible() and lesson_title(lesson_paths()[2]) in note_text(window)
    window.findChild(QWidget, "error_dialog").close()


def test_lessons_are_not_added_to_open_recent(qtbot, settings_dir):
    window = MainWindow(TrainingController(Trainer(Config(), make_data(Config()))), AppSettings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.snapshot is not None, timeout=WAIT_MS)
    open_lesson(qtbot, window, lesson_actions(window)[0])
    assert window.settings.recent_files() == [] and main_window.LESSONS == lesson_paths()[0].parent
    window.close()
    assert not window.controller.thread_running


def test_a_lesson_opened_from_the_command_line_shows_its_note(qapp, monkeypatch, tmp_path):
    """`playground --from LESSON` (here with --screenshot) shows the lesson's note like the menu does."""
    from playground.engine.experiment import load_experiment
    from playground.resource_files import lesson_paths
    from playground.ui import main_window
    from playground.ui.app import run_window

    path, shown = str(lesson_paths()[0]), []
    real = main_window.MainWindow.show_description_of

    def record(window, source):  # what the note says, read before the screenshot closes the window
        real(window, source)
        shown.append(window.lesson_note.text.text())

    monkeypatch.setattr(main_window.MainWindow, "show_description_of", record)
    assert run_window(load_experiment(path), screenshot=str(tmp_path / "x.png"), source=path) == 0
    assert len(shown) == 1 and "cannot do XOR" in shown[0]
