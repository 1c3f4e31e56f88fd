"""View menu: Theme › System / Light / Dark, Colour-blind-safe colours, Presentation mode (F11).

The choices of theme and colours are remembered in AppSettings and restored when a window with
settings opens (unless `playground --dark` chose the theme for this session); presentation mode
is not remembered: a lecture ends, and the next launch should look as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from playground.ui import theme
from playground.ui.presentation import Presentation

THEME_TEXTS = (("system", "&System", "Follow the desktop's light or dark setting"),
               ("light", "&Light", "Dark text on light panels"),
               ("dark", "&Dark", "Light text on dark panels, for dim rooms and projectors"))
COLORBLIND_TIP = ("Diverging scales that stay distinct with red-green colour blindness: values orange/blue "
                  "(Okabe & Ito), gradients purple/gold instead of magenta/green")
PRESENTATION_TIP = "Full screen, larger text and lines, and without the controls a lesson rarely needs (F11 again leaves)"


class ViewMenu(QObject):
    """The View menu of ``window`` (a MainWindow) and what its actions do."""

    def __init__(self, window: QMainWindow, before: QAction | None = None) -> None:
        super().__init__(window)
        self.window = window
        settings = getattr(window, "settings", None)
        if settings is not None and not theme.chosen_for_session():
            theme.configure(settings.theme(), settings.colorblind())
        self.presentation = Presentation(window)
        self.menu = QMenu("&View", window)
        self.menu.setObjectName("view_menu")
        window.menuBar().insertMenu(before, self.menu) if before is not None else window.menuBar().addMenu(self.menu)
        self.theme_menu = self.menu.addMenu("&Theme")
        self.theme_menu.setObjectName("theme_menu")
        self.theme_group = QActionGroup(self)
        self.theme_group.setExclusive(True)
        self.theme_actions: dict[str, QAction] = {}
        for mode, text, tip in THEME_TEXTS:
            action = self._action(text, f"theme_{mode}_action", tip, self.theme_menu)
            action.setData(mode)
            action.setChecked(theme.mode() == mode)
            action.triggered.connect(self._theme_chosen)
            self.theme_group.addAction(action)
            self.theme_actions[mode] = action
        self.colorblind_action = self._action("&Colour-blind-safe colours", "colorblind_action", COLORBLIND_TIP, self.menu)
        self.colorblind_action.setChecked(theme.colorblind())
        self.colorblind_action.toggled.connect(self._colorblind_toggled)
        self.menu.addSeparator()
        self.presentation_action = self._action("&Presentation mode", "presentation_action", PRESENTATION_TIP, self.menu)
        self.presentation_action.setShortcut(QKeySequence("F11"))
        self.presentation_action.toggled.connect(self.presentation.set_on)
        window.addAction(self.presentation_action)  # F11 works while the menu bar is hidden too
        theme.follow_theme(self, self._sync_checks)

    @Slot()
    def _sync_checks(self) -> None:
        """Another window (or the desktop) changed the theme: the ticks say what is in force."""
        self.theme_actions[theme.mode()].setChecked(True)
        if self.colorblind_action.isChecked() != theme.colorblind():
            self.colorblind_action.blockSignals(True)
            self.colorblind_action.setChecked(theme.colorblind())
            self.colorblind_action.blockSignals(False)

    def _action(self, text: str, name: str, tip: str, menu: QMenu) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setCheckable(True)
        menu.addAction(action)
        return action

    @Slot()
    def _theme_chosen(self) -> None:
        action = self.sender()
        mode = str(action.data()) if isinstance(action, QAction) else "system"
        theme.configure(mode, for_session=False)
        settings = getattr(self.window, "settings", None)
        if settings is not None:
            settings.set_theme(mode)

    @Slot(bool)
    def _colorblind_toggled(self, on: bool) -> None:
        theme.configure(colorblind_on=on)
        settings = getattr(self.window, "settings", None)
        if settings is not None:
            settings.set_colorblind(on)


def build_view_menu(window: QMainWindow, before: QAction | None = None) -> ViewMenu:
    return ViewMenu(window, before)
