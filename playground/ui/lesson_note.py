"""The note under the top bar that tells the learner what an opened lesson sets up and what to
look for: the description of any experiment file that has one. Non-modal and dismissable, so
training, the keyboard and the menus go on while it shows."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


def note_html(title: str, description: str) -> str:
    """The title in bold, then the description; both escaped, the description's lines kept."""
    body = "<br>".join(html.escape(line, quote=False) for line in description.strip().splitlines())
    return f"<b>{html.escape(title, quote=False)}.</b> {body}"


class LessonNote(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_note")
        # Palette roles, not colours: the note follows the window's theme.
        self.setStyleSheet("QFrame#lesson_note { background: palette(alternate-base); "
                           "border: 1px solid palette(mid); border-radius: 4px; }")
        self.text = QLabel()
        self.text.setObjectName("lesson_note_text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton()
        self.close_button.setObjectName("lesson_note_close")
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide this note (the lesson stays open)")
        self.close_button.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 4, 4)
        row.addWidget(self.text, stretch=1)
        row.addWidget(self.close_button, alignment=Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_description(self, title: str, description: str | None) -> None:
        """Show the note, or hide it when the opened file has no description."""
        if description is None:
            self.hide()
            return
        self.text.setText(note_html(title, description))
        self.setToolTip(description)
        self.show()
