"""GUI fixtures: a main window over a temporary home, with tasks run inline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cmdesk.i18n import set_language
from cmdesk.store.paths import Home
from cmdesk.ui.main_window import MainWindow
from cmdesk.ui.settings import Preferences
from cmdesk.ui.tasks import SyncTaskManager


@pytest.fixture
def gui_home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


@pytest.fixture
def make_window(qtbot, gui_home: Home) -> Iterator:
    made: list[MainWindow] = []

    def make(language: str = "fr", home: Home | None = None) -> MainWindow:
        set_language(language)
        h = home or gui_home
        window = MainWindow(
            h,
            Preferences.in_home(h.root),
            SyncTaskManager(),
            secrets_state={"ok": True, "backend": "test keyring", "message": ""},
            interactive=False,
        )
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    for window in made:
        if window.workspace is not None:
            window.workspace.close()
    set_language("fr")
