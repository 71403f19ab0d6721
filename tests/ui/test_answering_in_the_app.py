"""The answering tools where a community manager meets them: a canned reply inserted by
keyboard in the inbox's reply editor, the playbook's tone beside it, and the answering
window (rules, replies, escalation, playbook, segments) from the Interactions menu."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from cmdesk.ui.dialogs.answering import TABS, AnsweringDialog
from cmdesk.ui.widgets.canned_replies import ReplyPicker


def _activate(window, qtbot) -> None:
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()


def test_a_canned_reply_goes_into_the_reply_and_the_tone_is_beside_it(make_window, qtbot) -> None:
    window = make_window("fr")
    window.open_demo()
    ws = window.workspace
    ws.playbook.set("tone", "Vouvoyer les clients, signer « L’équipe du Fournil ».")
    lea = ws.contacts.add("Léa Bonnet", handles=[("instagram", "@lea_b")])
    made = ws.interactions.add("Colis jamais reçu", channel="instagram", contact_id=lea.id)
    reply = ws.replies.add("Excuses", "Bonjour {prénom}, toutes nos excuses pour ce retard.")
    _activate(window, qtbot)
    window.show_interaction(made.id)
    view = window.interactions_view
    assert "Vouvoyer" in view.tone.reader.toPlainText()
    seen: list[object] = []

    def choose() -> None:
        picker = QApplication.activeModalWidget()
        seen.append(picker)
        if isinstance(picker, ReplyPicker):
            qtbot.keyClick(picker.search, Qt.Key.Key_Return)
        elif picker is not None:
            picker.close()

    view.pane.reply.setFocus()
    QTimer.singleShot(50, choose)
    qtbot.keyClick(view.pane.reply, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(seen[0], ReplyPicker), seen
    assert view.pane.reply.toPlainText() == "Bonjour Léa, toutes nos excuses pour ce retard."
    assert ws.replies.get(reply.id).uses == 1
    # Recorded as the interaction's reply.
    view.pane.record_button.click()
    qtbot.waitUntil(lambda: ws.interactions.get(made.id).reply.startswith("Bonjour Léa"))


def test_the_answering_window_opens_on_each_tab_and_keeps_the_playbook_typed(
    make_window, qtbot
) -> None:
    window = make_window("en")
    window.open_demo()
    _activate(window, qtbot)
    window.show_answering("playbook")
    dialog = window.answering
    assert isinstance(dialog, AnsweringDialog) and dialog.isVisible()
    assert dialog.tabs.currentIndex() == TABS.index("playbook")
    for key in TABS:
        window.show_answering(key)
        assert dialog.tabs.currentIndex() == TABS.index(key)
    # Text typed in the playbook and not yet saved is kept when the client is closed.
    window.show_answering("playbook")
    dialog.playbook.editor.setPlainText("Friendly, first names, never promise a date.")
    path = window.workspace.path
    window.close_workspace()
    assert not dialog.isVisible()
    window.open_workspace(path)
    saved = window.workspace.playbook.get("tone")
    assert saved.strip() == "Friendly, first names, never promise a date."
