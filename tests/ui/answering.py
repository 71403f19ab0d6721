"""A client with teams, contacts, interactions, replies, rules and a playbook, for the
answering widgets' tests (each test module makes its fixture from these)."""

from __future__ import annotations

from pathlib import Path

from cmdesk.core.client import ClientProfile
from cmdesk.store.demo_answering import populate_answering
from cmdesk.store.workspace import Workspace


def answering_workspace(folder: Path) -> Workspace:
    profile = ClientProfile(name="Le Fournil", slug="fournil", timezone="Europe/Paris")
    ws = Workspace.create(folder / "fournil.cmdesk", profile)
    populate_answering(ws)
    return ws


def empty_workspace(folder: Path) -> Workspace:
    return Workspace.create(folder / "vide.cmdesk", ClientProfile(name="Vide", slug="vide"))


def dump(ws: Workspace) -> list[str]:
    """The whole database as SQL: equal before and after means nothing was written."""
    return list(ws.db.iterdump())


def activate(qtbot, widget) -> None:
    """Show and activate a window: shortcuts only reach the active window."""
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()


def shown_panel(qtbot, cls, ws: Workspace | None):
    """A workspace panel with its tasks run inline and no modal box, shown and active."""
    from cmdesk.ui.tasks import SyncTaskManager

    panel = cls(SyncTaskManager(), interactive=False)
    qtbot.addWidget(panel)
    panel.set_workspace(ws)
    activate(qtbot, panel)
    return panel
