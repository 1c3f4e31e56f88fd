"""Light and dark themes, and the colour-blind-safe scales: one state for the whole application.

The state (``mode``: "system", "light" or "dark"; ``colorblind``) lives here; ``current()`` is the
Theme in force (the colours of widgets, charts and the network canvas) and colors.palette holds
the colour scales in force. Changing either restyles the application (Fusion style and a dark
QPalette plus resources/style-dark.qss over style.qss while dark) and then emits
``notifier().changed``: every view that drew with a theme colour or a scale subscribes to it
with ``follow_theme(self, self.restyle)`` and redraws. Views built later (the inspector is built
on first use) read ``current()`` and the palette when they are built, so they come up themed.
"System" follows QStyleHints.colorScheme() and its colorSchemeChanged signal (Qt ≥ 6.5).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from playground.resource_files import resource_folder, stylesheet
from playground.ui.colors import palette

MODES = ("system", "light", "dark")


@dataclass(frozen=True)
class Theme:
    """Colours (hex strings, for stylesheets and QColor alike) that are not a data scale."""

    dark: bool
    window: str  # background of panels
    base: str  # text fields, lists
    text: str  # ordinary text
    strong: str  # headings, the network's labels
    muted: str  # secondary text (subtitles, hints)
    faded: str  # a switched-off feature's name
    chart: str  # chart and network canvas background
    axis: str  # chart axes and their labels
    card: str  # the inspector's cards
    card_border: str
    chip: str  # a factor of the chain rule
    ring_idle: str  # a neuron's frame when no sample is traced
    outline: str  # a dark outline (test points, hover ring, the step arrow) — light on dark
    test_line: str  # the test loss curve (black on white in the playground)


LIGHT = Theme(
    dark=False, window="#fbfbfb", base="#ffffff", text="#333333", strong="#2b3440", muted="#5f6b7a", faded="#a9b1bb",
    chart="#ffffff", axis="#555555", card="#fbfcfd", card_border="#d5dbe2", chip="#eef2f6", ring_idle="#dde2e8",
    outline="#1e1e1e", test_line="#141414",
)
DARK = Theme(
    dark=True, window="#202328", base="#2a2e35", text="#dfe3e8", strong="#eef1f5", muted="#a3adb9", faded="#69727d",
    chart="#1a1c20", axis="#b8c0ca", card="#262a31", card_border="#3e4550", chip="#343a43", ring_idle="#4a515b",
    outline="#e6e6e6", test_line="#f0f0f0",
)


class ThemeNotifier(QObject):
    changed = Signal()  # the theme or the colour scales changed: redraw with current() and colors.palette


class _State:
    mode = "system"
    colorblind = False
    dark = False
    light_style = ""  # the style the application had before the dark theme switched it to Fusion
    watching = False  # connected to the system's colorSchemeChanged
    chosen_for_session = False  # `playground --dark`: remembered settings do not override it
    line_scale = 1.0  # presentation mode draws edges, points and curves this much wider
    font_scale = 1.0  # and every font size of the stylesheet this much larger


_notifier: ThemeNotifier | None = None


def notifier() -> ThemeNotifier:
    global _notifier
    if _notifier is None:
        _notifier = ThemeNotifier()
    return _notifier


def follow_theme(owner: QObject, restyle: Callable[[], None]) -> None:
    """Call ``restyle`` (a method of ``owner``, a QObject: Qt drops the connection when ``owner``
    is deleted) whenever the theme or the colour scales change."""
    notifier().changed.connect(restyle)


def current() -> Theme:
    return DARK if _State.dark else LIGHT


def chosen_for_session() -> bool:
    return _State.chosen_for_session


def mode() -> str:
    return _State.mode


def colorblind() -> bool:
    return _State.colorblind


def is_dark() -> bool:
    return _State.dark


def line_scale() -> float:
    """How much wider than usual lines and points are drawn (presentation mode: > 1)."""
    return _State.line_scale


def font_scale() -> float:
    return _State.font_scale


def set_presentation(fonts: float, lines: float) -> None:
    """Presentation mode's scales (1, 1: the usual sizes): restyles the application and every view."""
    if (fonts, lines) == (_State.font_scale, _State.line_scale):
        return
    _State.font_scale, _State.line_scale = float(fonts), float(lines)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        style_application(app)
    notifier().changed.emit()


def scaled_fonts(sheet: str, scale: float) -> str:
    """Every ``font-size: N px|pt`` of a stylesheet times ``scale``."""
    if scale == 1.0:
        return sheet
    return re.sub(r"font-size:\s*([\d.]+)(px|pt)", lambda m: f"font-size: {float(m[1]) * scale:.3g}{m[2]}", sheet)


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints() if QGuiApplication.instance() is not None else None
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def configure(mode_name: str | None = None, colorblind_on: bool | None = None, for_session: bool | None = None) -> None:
    """Set the theme ``mode_name`` ("system", "light", "dark") and/or the colour-blind-safe scales;
    restyles the application and tells every view (only when something changed). ``for_session``:
    chosen on the command line, so a window does not replace it by the remembered theme."""
    if for_session is not None:
        _State.chosen_for_session = bool(for_session)
    if mode_name is not None:
        if mode_name not in MODES:
            raise ValueError(f"theme {mode_name!r} is not one of {', '.join(MODES)}")
        _State.mode = mode_name
    if colorblind_on is not None:
        _State.colorblind = bool(colorblind_on)
    _watch_system()
    _resolve()


@Slot(Qt.ColorScheme)
def system_scheme_changed(scheme: Qt.ColorScheme) -> None:
    """The desktop switched between light and dark: re-theme live if the mode is "system"."""
    if _State.mode == "system":
        _resolve(Qt.ColorScheme.Dark == scheme)


def _watch_system() -> None:
    if not _State.watching and QGuiApplication.instance() is not None:
        _State.watching = True
        QGuiApplication.styleHints().colorSchemeChanged.connect(_system_receiver().changed)


class _SystemReceiver(QObject):
    """A QObject slot for colorSchemeChanged (a plain function connected to a Qt signal is kept for good)."""

    @Slot(Qt.ColorScheme)
    def changed(self, scheme: Qt.ColorScheme) -> None:
        system_scheme_changed(scheme)


_receiver: _SystemReceiver | None = None


def _system_receiver() -> _SystemReceiver:
    global _receiver
    if _receiver is None:
        _receiver = _SystemReceiver()
    return _receiver


def _resolve(system_dark: bool | None = None) -> None:
    if _State.mode == "system":
        dark = system_is_dark() if system_dark is None else system_dark
    else:
        dark = _State.mode == "dark"
    if dark == _State.dark and palette.colorblind == _State.colorblind and palette.dark == dark:
        return
    _State.dark = dark
    palette.set(colorblind=_State.colorblind, dark=dark)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        style_application(app)
    notifier().changed.emit()


def style_application(app: QApplication) -> None:
    """The widget style, palette and stylesheet of the theme in force."""
    if _State.dark:
        if not _State.light_style:
            _State.light_style = app.style().name()
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette())
        sheet = stylesheet() + "\n" + (resource_folder() / "style-dark.qss").read_text(encoding="utf-8")
    else:
        if _State.light_style:
            app.setStyle(QStyleFactory.create(_State.light_style))
            _State.light_style = ""
        app.setPalette(app.style().standardPalette())
        sheet = stylesheet()
    app.setStyleSheet(scaled_fonts(sheet, _State.font_scale))


def dark_palette() -> QPalette:
    t = DARK
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for r, c in (
        (role.Window, t.window), (role.WindowText, t.text), (role.Base, t.base), (role.AlternateBase, "#30353d"),
        (role.ToolTipBase, "#30353d"), (role.ToolTipText, t.text), (role.Text, t.text), (role.Button, "#30353d"),
        (role.ButtonText, t.text), (role.BrightText, "#ffffff"), (role.Highlight, "#2f7fc1"), (role.HighlightedText, "#ffffff"),
        (role.Link, "#6cb4f0"), (role.PlaceholderText, t.muted), (role.Light, "#4a515b"), (role.Midlight, "#3a4049"),
        (role.Mid, "#30353d"), (role.Dark, "#15171a"), (role.Shadow, "#000000"),
    ):
        p.setColor(r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, QColor(t.faded))
    return p
