"""Canned replies: picked and inserted by keyboard in a reply editor, and kept per language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from answering import activate, answering_workspace, empty_workspace, shown_panel
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import SyncTaskManager
from cmdesk.ui.widgets.canned_replies import (
    CannedRepliesPanel,
    ReplyPicker,
    attach_reply_picker,
    pick_reply,
)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with answering_workspace(tmp_path) as workspace:
        yield workspace


def _in_picker(qtbot, act: Callable[[ReplyPicker], None], seen: list[object]) -> None:
    """Do `act` in the picker about to open (modal), recording what it showed."""

    def run() -> None:
        picker = QApplication.activeModalWidget()
        if not isinstance(picker, ReplyPicker):
            seen.append(f"no picker but {picker!r}")
            if picker is not None:
                picker.close()
            return
        seen.append(picker)
        act(picker)

    QTimer.singleShot(50, run)


def _sophie_interaction(ws: Workspace) -> int:
    sophie = next(c for c in ws.contacts.all() if c.name == "Sophie Renard")
    return ws.interactions.add("Toujours rien reçu", channel="instagram", contact_id=sophie.id).id


def test_ctrl_space_types_searches_and_inserts_a_reply_filled_in(qtbot, ws: Workspace) -> None:
    tasks = SyncTaskManager()
    interaction = _sophie_interaction(ws)
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    attach_reply_picker(editor, tasks, lambda: (ws, interaction, None))
    activate(qtbot, editor)
    editor.setFocus()
    editor.setPlainText("")
    reply = next(r for r in ws.replies.search() if r.title.startswith("Excuses"))
    seen: list[object] = []

    def choose(picker: ReplyPicker) -> None:
        qtbot.keyClicks(picker.search, "desoles")  # typed without the accents
        seen.append([picker.list.item(i).text() for i in range(picker.list.count())])
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)

    _in_picker(qtbot, choose, seen)
    qtbot.keyClick(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(seen[0], ReplyPicker), seen
    assert len(seen[1]) == 1 and seen[1][0].startswith("Excuses pour une commande en retard")
    text = editor.toPlainText()
    assert text.startswith("Bonjour Sophie, nous sommes désolés") and "du Le Fournil" in text
    assert "[[" not in text
    assert ws.replies.get(reply.id).uses == 1  # counted once, through the writer
    assert ws.replies.search()[0].id == reply.id  # the most used comes first now


def test_arrows_choose_and_what_is_unknown_is_selected_to_complete(qtbot, ws: Workspace) -> None:
    tasks = SyncTaskManager()
    anonymous = ws.interactions.add("Quels horaires ?", channel="x")
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    attach_reply_picker(editor, tasks, lambda: (ws, anonymous, None))
    activate(qtbot, editor)
    editor.setPlainText("Re: ")
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    seen: list[object] = []

    def choose(picker: ReplyPicker) -> None:
        qtbot.keyClicks(picker.search, "horaires")
        seen.append(picker.chosen.title if picker.chosen else None)
        qtbot.keyClick(picker.search, Qt.Key.Key_Down)  # only one: stays on it
        seen.append(picker.note.text())
        qtbot.keyClick(picker.search, Qt.Key.Key_Backspace, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(picker.search, Qt.Key.Key_Down)
        seen.append(picker.chosen.title if picker.chosen else None)
        picker.search.setText("horaires")
        qtbot.keyClick(picker.search, Qt.Key.Key_Enter)

    _in_picker(qtbot, choose, seen)
    qtbot.keyClick(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert seen[1] == "Horaires d'ouverture", seen
    assert "[[prénom]]" in seen[2] and "[[lien]]" in seen[2]
    assert seen[3] != "Horaires d'ouverture"  # Down moved in the full list
    assert editor.toPlainText().startswith("Re: Bonjour [[prénom]] !")
    assert editor.textCursor().selectedText() == "[[prénom]]"  # type over it


def test_escape_inserts_nothing_and_counts_nothing(qtbot, ws: Workspace) -> None:
    seen: list[object] = []
    _in_picker(qtbot, lambda picker: qtbot.keyClick(picker.search, Qt.Key.Key_Escape), seen)
    assert pick_reply(None, ws, SyncTaskManager()) is None
    assert isinstance(seen[0], ReplyPicker)
    assert all(r.uses == 0 for r in ws.replies.search())


def test_picker_language_and_empty_states(qtbot, ws: Workspace, tmp_path: Path) -> None:
    picker = ReplyPicker(ws, language="en")
    qtbot.addWidget(picker)
    assert picker.list.count() == 1 and picker.chosen is not None
    assert picker.chosen.title == "Thanks for your review"
    picker.search.setText("zzz")
    assert picker.list.count() == 0 and "No canned reply matches" in picker.empty.text()
    assert not picker.insert_button.isEnabled()
    with empty_workspace(tmp_path / "other") as empty:
        nothing = ReplyPicker(empty, language="en")
        qtbot.addWidget(nothing)
        assert nothing.language.currentData() == ""  # no English reply: all languages
        assert "No canned reply yet" in nothing.empty.text()


def test_replies_are_added_edited_deleted_and_brought_back(qtbot, ws: Workspace) -> None:
    panel = shown_panel(qtbot, CannedRepliesPanel, ws)
    dialog = panel.new_reply()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.title.setText("Bienvenue")
    dialog.variable_buttons[0].click()  # {prénom}: the client writes French
    assert dialog.body.toPlainText() == "{prénom}"
    dialog.body.setPlainText("Bienvenue {prénom} chez {marque} ! {prenon}")
    preview = dialog.preview.toPlainText()
    assert "Bienvenue Camille chez Le Fournil !" in preview
    assert "{prenon}" in dialog.note.text()  # a misspelt variable is pointed out
    select_en = dialog.language.findData("en")
    dialog.language.setCurrentIndex(select_en)
    assert dialog.variable_buttons[0].text() == "{first_name}"
    panel.save(None, *dialog.values())
    added = next(r for r in ws.replies.search("bienvenue"))
    assert added.language == "en"

    dialog = panel.open_dialog(added)
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.body.setPlainText("")
    dialog._accept()
    assert "needs a text" in dialog.error.text()
    panel.save(added.id, "Bienvenue !", "Welcome {first_name}", "en")
    assert ws.replies.get(added.id).title == "Bienvenue !"

    panel.search.setText("bienvenue")
    assert panel.list.count() == 1
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert ws.replies.search("bienvenue") == []
    assert panel.undo_button.isVisible() and panel.empty.isVisible()
    focus = QApplication.focusWidget()
    assert focus is panel.undo_button
    qtbot.keyClick(focus, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    back = ws.replies.search("bienvenue")
    assert [(r.title, r.body, r.language) for r in back] == [
        ("Bienvenue !", "Welcome {first_name}", "en")
    ]


def test_no_reply_yet_says_how_to_start(qtbot, tmp_path: Path) -> None:
    with empty_workspace(tmp_path) as ws:
        panel = CannedRepliesPanel(SyncTaskManager(), interactive=False)
        qtbot.addWidget(panel)
        panel.set_workspace(ws)
        assert "No canned reply yet" in panel.empty.text()
        assert not panel.edit_button.isEnabled()
