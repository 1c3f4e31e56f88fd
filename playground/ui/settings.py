"""What the window remembers between launches: its geometry, the last configuration, recent
experiment files, the last folder of a file dialog and the View menu's theme and colour-blind choice, in
QSettings (an INI file).

PLAYGROUND_SETTINGS_DIR, when set, names the folder that holds the file instead of the user's
configuration folder: tests set it so they never read or write a person's real settings.
Anything unreadable in the file (edited by hand, from another version) is ignored, never an
error: settings are a convenience, and a bad one must not stop the window from opening.
"""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QByteArray, QSettings

from playground.engine.config import Config, ConfigError

SETTINGS_DIR_VARIABLE = "PLAYGROUND_SETTINGS_DIR"
ORGANISATION, APPLICATION = "BackpropPlayground", "playground"
MAX_RECENT = 8
THEMES = ("system", "light", "dark")  # theme.MODES (not imported: settings stay free of the widgets)


class AppSettings:
    def __init__(self, reset: bool = False) -> None:
        folder = os.environ.get(SETTINGS_DIR_VARIABLE)
        if folder:
            self._store = QSettings(os.path.join(folder, f"{APPLICATION}.ini"), QSettings.Format.IniFormat)
        else:
            self._store = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)
        if reset:
            self._store.clear()

    @property
    def path(self) -> str:
        return self._store.fileName()

    def sync(self) -> None:
        self._store.sync()

    # ----- window geometry -------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self._store.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, geometry: QByteArray) -> None:
        self._store.setValue("window/geometry", geometry)

    # ----- the last configuration --------------------------------------------------------
    def last_config(self) -> Config | None:
        """The configuration in force when the window last closed, or None (none, or invalid)."""
        text = self._store.value("run/config")
        if not isinstance(text, str):
            return None
        try:
            return Config.from_dict(json.loads(text))
        except (ValueError, TypeError, ConfigError):
            return None

    def set_last_config(self, config: Config) -> None:
        self._store.setValue("run/config", json.dumps(config.to_dict()))

    # ----- files -----------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self._store.value("files/recent")
        if isinstance(value, str):  # QSettings returns a one-item list as a plain string
            value = [value]
        if not isinstance(value, list):
            return []
        return [path for path in value if isinstance(path, str) and path][:MAX_RECENT]

    def add_recent_file(self, path: str) -> None:
        path = os.path.abspath(path)
        recent = [path, *(p for p in self.recent_files() if p != path)][:MAX_RECENT]
        self._store.setValue("files/recent", recent)
        self.set_last_folder(os.path.dirname(path))

    def forget_recent_file(self, path: str) -> None:
        self._store.setValue("files/recent", [p for p in self.recent_files() if p != path])

    def last_folder(self) -> str:
        value = self._store.value("files/last_folder")
        return value if isinstance(value, str) and os.path.isdir(value) else ""

    def set_last_folder(self, folder: str) -> None:
        self._store.setValue("files/last_folder", folder)

    # ----- appearance (View menu) -------------------------------------------------------
    def theme(self) -> str:
        """"system", "light" or "dark"; "system" when unset or unreadable."""
        value = self._store.value("view/theme")
        return value if value in THEMES else "system"

    def set_theme(self, mode: str) -> None:
        self._store.setValue("view/theme", mode)

    def colorblind(self) -> bool:
        return str(self._store.value("view/colorblind", "false")).lower() == "true"

    def set_colorblind(self, on: bool) -> None:
        self._store.setValue("view/colorblind", "true" if on else "false")
