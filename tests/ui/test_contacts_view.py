"""The Contacts section and the teams editor on real workspaces: search, timeline, merge,
export and erase (with their confirmations), and teams added and removed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from cmdesk.core.monitoring import FetchOutcome, IncomingEntry
from cmdesk.store.home import create_client
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.erase_contact import EraseDialog
from cmdesk.ui.tasks import SyncTaskManager
from cmdesk.ui.views.contacts import ContactsView
from cmdesk.ui.views.teams import TeamsEditor


@pytest.fixture
def ws(gui_home: Home) -> Iterator[Workspace]:
    workspace = create_client(gui_home, "Fournil")
    lea = workspace.contacts.add(
        "Léa Bonnet", handles=[("instagram", "@lea_b")], tags=["customer"], notes="Fidèle"
    )
    dup = workspace.contacts.add(handles=[("facebook", "lea.bonnet")], email="lea@example.org")
    workspace.contacts.add("Marc Jourdan", handles=[("x", "marcj")], tags=["journalist"])
    source = workspace.sources.add("https://blog.example/feed")
    workspace.mentions.record_refresh(
        FetchOutcome(
            source_id=source.id,
            ok=True,
            entries=(
                IncomingEntry(guid="1", url="https://blog.example/1", title="Avis sur le pain"),
            ),
        )
    )
    mention = workspace.mentions.page(limit=1)[0]
    made = workspace.interactions.from_mention(mention.id)
    workspace.interactions.set_contact([made.id], lea.id)
    workspace.interactions.add("Colis abîmé", channel="instagram", contact_id=lea.id)
    workspace.interactions.add("Toujours rien reçu", channel="facebook", contact_id=dup.id)
    yield workspace
    workspace.close()


@pytest.fixture
def view(qtbot, ws: Workspace, gui_home: Home) -> Iterator[ContactsView]:
    tasks = SyncTaskManager()
    found = ContactsView(tasks, interactive=False, backups_dir=gui_home.backups_dir)
    tasks.changes.connect(found.on_changes)
    qtbot.addWidget(found)
    found.resize(1200, 760)
    found.set_workspace(ws)
    found.show()
    yield found
    found.set_workspace(None)


def names(view: ContactsView) -> list[str]:
    return [view.model.data(view.model.index(r, 0)) for r in range(view.model.rowCount())]


def test_list_search_and_tag_filter(qtmodeltester, view: ContactsView) -> None:
    qtmodeltester.check(view.model, force_py=True)
    assert names(view) == ["@lea.bonnet", "Léa Bonnet", "Marc Jourdan"]
    assert view.model.data(view.model.index(1, 3)) == "2"
    view.search.setText("LEA")
    assert names(view) == ["@lea.bonnet", "Léa Bonnet"]
    view.search.setText("bonnet lea")  # words in any order, handle and name
    assert len(names(view)) == 2
    view.search.clear()
    view.tag_filter.setCurrentIndex(view.tag_filter.findData("journalist"))
    assert names(view) == ["Marc Jourdan"]
    view.search.setText("zzz")
    assert view.list_stack.currentWidget() is view.empty
    assert "No contact matches" in view.empty.text.text()


def test_timeline_shows_interactions_and_the_mention_they_came_from(view: ContactsView) -> None:
    view.select_contact(next(c.id for c in view.model.rows if c.name == "Léa Bonnet"))
    entries = [view.timeline.item(r).text() for r in range(view.timeline.count())]
    assert len(entries) == 2
    assert any(
        "From the mention “Avis sur le pain” (https://blog.example/feed)" in e for e in entries
    )
    assert view.title.text() == "Léa Bonnet"
    assert "2 interactions" in view.meta.text()
    assert "@lea_b (Instagram)" in view.handles.text()


def test_edit_tags_and_handles(view: ContactsView, ws: Workspace) -> None:
    lea = next(c for c in view.model.rows if c.name == "Léa Bonnet")
    view.select_contact(lea.id)
    view.notes.setPlainText("Fidèle, vient le samedi")
    view.save()
    assert ws.contacts.get(lea.id).notes == "Fidèle, vient le samedi"
    view.tag_edit.setCurrentText("ambassadrice")
    view.add_tag()
    view.handle_network.setCurrentIndex(view.handle_network.findData("mastodon"))
    view.handle_edit.setText("@lea@piaille.fr")
    view.add_handle()
    saved = ws.contacts.get(lea.id)
    assert saved.tags == ("ambassadrice", "customer")
    assert ("mastodon", "lea@piaille.fr") in saved.handles
    assert view.current is not None and view.current.id == lea.id  # still shown
    # A handle someone else has is refused in plain words, nothing changed.
    view.handle_network.setCurrentIndex(view.handle_network.findData("x"))
    view.handle_edit.setText("marcj")
    view.add_handle()
    assert "already belongs to contact" in view.last_error
    assert ("x", "marcj") not in ws.contacts.get(lea.id).handles


def test_merge_asks_first_then_folds_the_duplicate(view: ContactsView, ws: Workspace) -> None:
    lea = next(c for c in view.model.rows if c.name == "Léa Bonnet")
    dup = next(c for c in view.model.rows if c.email == "lea@example.org")
    view.select_contact(lea.id)
    texts: list[str] = []

    def answer(label: str) -> None:
        def press() -> None:
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox)
            texts.append(box.text() + " " + box.informativeText())
            assert box.defaultButton().text().replace("&", "") == "Cancel"
            next(b for b in box.buttons() if b.text().replace("&", "") == label).click()

        QTimer.singleShot(100, press)

    answer("Cancel")
    view.merge(dup.id)
    assert len(ws.contacts.all()) == 3  # nothing merged
    assert "Merge “@lea.bonnet” into “Léa Bonnet”?" in texts[0]
    assert "cannot be undone" in texts[0]
    answer("Merge")
    view.merge(dup.id)
    merged = ws.contacts.get(lea.id)
    assert ("facebook", "lea.bonnet") in merged.handles and merged.email == "lea@example.org"
    assert len(ws.contacts.all()) == 2
    assert view.current is not None and view.current.id == lea.id
    assert view.timeline.count() == 3  # her three interactions, now together


def test_export_writes_everything_about_the_contact(view, ws, tmp_path: Path) -> None:
    lea = next(c for c in view.model.rows if c.name == "Léa Bonnet")
    view.select_contact(lea.id)
    target = tmp_path / "léa.json"
    messages: list[str] = []
    view.message.connect(messages.append)
    view.export(str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["profile"]["name"] == "Léa Bonnet"
    assert {i["text"] for i in data["interactions"]} >= {"Colis abîmé"}
    assert messages == [f"Contact data written to {target}"]
    view.export(str(tmp_path / "missing" / "dir" / "x.json"))
    assert "could not be exported" in messages[-1]


def test_erase_says_what_stays_and_defaults_to_cancel(view, ws, gui_home: Home) -> None:
    lea = next(c for c in view.model.rows if c.name == "Léa Bonnet")
    view.select_contact(lea.id)
    seen: list[str] = []

    def answer(erase: bool) -> None:
        def act() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, EraseDialog)
            seen.append(" ".join(label.text() for label in dialog.findChildren(type(view.meta))))
            if erase:
                dialog.note.setText("Demande par e-mail du 3 mars")
                dialog.erase_button.click()
            else:
                dialog.reject()

        QTimer.singleShot(100, act)

    answer(False)
    view.erase()
    assert ws.contacts.get(lea.id).erased_at is None
    text = seen[0]
    assert "“Léa Bonnet” will be erased." in text
    assert "Kept: its 2 interactions, anonymised" in text
    assert str(gui_home.backups_dir(ws.path)) in text and "Backups made before now" in text
    answer(True)
    view.erase()
    gone = ws.contacts.get(lea.id)
    assert gone.erased_at is not None and gone.name == "" and gone.handles == ()
    assert ws.contacts.erasures()[-1][3] == "Demande par e-mail du 3 mars"
    assert all(i.contact_id != lea.id for i in ws.interactions.page(limit=10))
    assert "Léa Bonnet" not in names(view)


def test_empty_client_explains_where_contacts_come_from(qtbot, gui_home: Home) -> None:
    ws = create_client(gui_home, "Vide")
    captured: list[bool] = []
    view = ContactsView(SyncTaskManager(), interactive=False)
    view.capture_requested.connect(lambda: captured.append(True))
    qtbot.addWidget(view)
    view.set_workspace(ws)
    assert view.list_stack.currentWidget() is view.empty
    assert "Contacts are created as you log interactions" in view.empty.text.text()
    view.empty.button.click()
    assert captured == [True]
    ws.close()


def test_teams_are_added_checked_and_removed(qtbot, ws: Workspace) -> None:
    tasks = SyncTaskManager()
    editor = TeamsEditor(tasks, interactive=False)
    tasks.changes.connect(editor.on_changes)
    qtbot.addWidget(editor)
    editor.set_workspace(ws)
    assert editor.table.rowCount() == 0
    editor.name.setText("Service client")
    editor.kind.setCurrentIndex(editor.kind.findData("customer_service"))
    editor.email.setText("sav@fournil.example")
    editor.add()
    team = ws.teams.find("Service client")
    assert team is not None and team.kind == "customer_service"
    assert editor.table.item(0, 1).text() == "customer service"
    assert editor.name.text() == ""  # ready for the next one
    editor.name.setText("R&D")
    editor.webhook.setText("ftp://nope")
    editor.add()
    assert "is not a web address" in editor.last_error
    assert ws.teams.find("R&D") is None and editor.name.text() == "R&D"  # nothing lost
    editor.table.selectRow(0)
    pressed: list[str] = []

    def confirm() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        pressed.append(box.text())
        next(b for b in box.buttons() if b.text() == "Remove the team").click()

    QTimer.singleShot(100, confirm)
    editor.remove()
    assert "stay, with no team" in pressed[0]
    assert ws.teams.all() == [] and editor.table.rowCount() == 0
