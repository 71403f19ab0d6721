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
