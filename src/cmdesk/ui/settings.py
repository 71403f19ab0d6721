"""App preferences (QSettings): language, theme, window geometry, recent clients.

Per-client settings live in the workspace, and secrets in the keyring: never here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

THEMES = ("system", "light", "dark")
MAX_RECENT = 10


class Preferences:
    def __init__(self, qsettings: QSettings) -> None:
        self.q = qsettings

    @classmethod
    def in_home(cls, root: Path) -> Preferences:
        # Kept beside the clients so that a --home folder (tests, a USB stick, a
        # second profile) carries its own preferences and never mixes with another.
        return cls(QSettings(str(root / "preferences.ini"), QSettings.Format.IniFormat))

    def _str(self, key: str, default: str = "") -> str:
        value = self.q.value(key, default)
        return value if isinstance(value, str) else default

    @property
    def language(self) -> str:
        return self._str("language")

    @language.setter
    def language(self, value: str) -> None:
        self.q.setValue("language", value)

    @property
    def theme(self) -> str:
        value = self._str("theme", "system")
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self.q.setValue("theme", value if value in THEMES else "system")

    @property
    def proxy(self) -> str:
        """A manual proxy for fetching feeds; "" uses the system's settings."""
        return self._str("network/proxy")

    @proxy.setter
    def proxy(self, value: str) -> None:
        self.q.setValue("network/proxy", value)

    @property
    def first_run_done(self) -> bool:
        return self._str("first_run_done") == "1"

    @first_run_done.setter
    def first_run_done(self, value: bool) -> None:
        self.q.setValue("first_run_done", "1" if value else "0")

    @property
    def geometry(self) -> QByteArray | None:
        value = self.q.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.q.setValue("window/geometry", value)

    @property
    def recent(self) -> list[Path]:
        value = self.q.value("recent", [])
        # QSettings gives a str for a one-item list in INI files, a list otherwise.
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [Path(p) for p in items if isinstance(p, str) and p]

    def add_recent(self, path: Path) -> None:
        paths = [p for p in self.recent if p != path]
        self.q.setValue("recent", [str(p) for p in [path, *paths][:MAX_RECENT]])

    def forget_recent(self, path: Path) -> None:
        self.q.setValue("recent", [str(p) for p in self.recent if p != path])

    def sync(self) -> None:
        self.q.sync()
