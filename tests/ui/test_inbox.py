"""The Interactions section on real workspaces: fast capture, keyboard triage, replies,
filters, and a mention handed over from Monitoring."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from cmdesk.core.changes import Changes
from cmdesk.store import inbox
from cmdesk.store.home import create_client
from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.capture import CaptureDialog
from cmdesk.ui.models.interactions import CACHE_ROWS, InteractionListModel
from cmdesk.ui.tasks import SyncTaskManager
from cmdesk.ui.views.interactions import VIEWS, InteractionsView

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MESSAGES = (
    ("Colis jamais reçu, je suis très déçue !", "https://www.instagram.com/p/a1"),
    ("Est-ce que vous livrez à Villeurbanne ?", "https://www.facebook.com/fournil/posts/2"),
    ("Merci pour l'accueil, délicieux croissants", "https://www.google.com/maps/place/x"),
    ("Vous devriez ouvrir le dimanche matin", "https://mastodon.social/@lea/1"),
    ("Where can I order a Christmas box?", "mailto:someone@example.org"),
)


@pytest.fixture
def ws(gui_home: Home) -> Iterator[Workspace]:
    workspace = create_client(gui_home, "Fournil")
    lea = workspace.contacts.add("Léa Bonnet", handles=[("instagram", "@lea_b")])
    for n, (text, link) in enumerate(MESSAGES):
        workspace.interactions.add(
            text,
            link=link,
            occurred_at=T0 + timedelta(hours=n),
            contact_id=lea.id if n in (0, 2) else None,
        )
    workspace.teams.add("Service client", kind="customer_service", email="sav@fournil.example")
    workspace.teams.add("Produit", kind="product")
    yield workspace
    workspace.close()


@pytest.fixture
def view(qtbot, ws: Workspace) -> Iterator[InteractionsView]:
    tasks = SyncTaskManager()
    found = InteractionsView(tasks, interactive=False)
    # What the main window does: every write's Changes comes back to the screen.
    tasks.changes.connect(found.on_changes)
    qtbot.addWidget(found)
    found.resize(1280, 760)
    found.set_workspace(ws)
    found.show()
    yield found
    found.set_workspace(None)


def later(action: Callable[[], None], msecs: int = 100) -> None:
    QTimer.singleShot(msecs, action)


def pick_in_menu(qtbot, key: Qt.Key) -> list[str]:
    """Answer the next triage menu with a key, as the user would; returns its entries."""
    seen: list[str] = []

    def answer() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.extend(a.text() for a in menu.actions())
        qtbot.keyClick(menu, key)

    later(answer)
    return seen


def activate(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Shortcuts need the window active with a focus widget, as on a desktop."""
    window.activateWindow()
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def ids_shown(view: InteractionsView) -> list[int]:
    return [view.model.interaction_id(r) for r in range(view.model.rowCount())]


def test_models_follow_qt_rules(qtmodeltester, view: InteractionsView) -> None:
    qtmodeltester.check(view.model, force_py=True)


def test_newest_first_with_counters_and_the_first_row_shown(view: InteractionsView, ws) -> None:
    newest = ws.interactions.page(limit=5)
    assert ids_shown(view) == [i.id for i in newest]
    assert view.pane.current is not None and view.pane.current.id == newest[0].id
    counters = [view.states.item(r).text() for r in range(view.states.count())]
    assert counters[VIEWS.index("open")] == "To handle  (5)"
    assert counters[VIEWS.index("new")] == "New  (5)"
    assert counters[VIEWS.index("closed")] == "Closed  (0)"
    assert view.model.data(view.model.index(4, 3)) == "Instagram"
    assert view.model.data(view.model.index(4, 4)) == "complaint"
    assert view.model.data(view.model.index(4, 1)) == "Léa Bonnet"


def test_capture_proposes_with_reasons_and_saves_in_one_keystroke(
    qtbot, view: InteractionsView, ws: Workspace
) -> None:
    seen: dict[str, str] = {}

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CaptureDialog)
        # Pasted with the link inside the message: the link field fills itself.
        dialog.text.setPlainText(
            "Commande jamais reçue, très déçue https://www.instagram.com/p/Zx9/ merci de répondre"
        )
        dialog.contact_edit.setText("@Nina_Croix")
        seen["link"] = dialog.link.text()
        seen["channel"] = dialog.channel.currentData()
        seen["channel_reason"] = dialog.channel_reason.text()
        seen["type"] = dialog.type.currentData()
        seen["type_reason"] = dialog.type_reason.text()
        seen["contact"] = dialog.contact_note.text()
        seen["language"] = dialog.language.text()
        qtbot.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    later(fill)
    # Ctrl+N, as the user presses it in the inbox (it is "new client" elsewhere).
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert seen["link"] == "https://www.instagram.com/p/Zx9/"
    assert (seen["channel"], seen["channel_reason"]) == ("instagram", "guessed from the link")
    assert seen["type"] == "complaint" and "déçue" in seen["type_reason"]
    assert seen["contact"] == "New contact, created on saving."
    assert seen["language"] == "Français (detected)"
    newest = ws.interactions.page(limit=1)[0]
    assert newest.channel == "instagram" and newest.type == "complaint"
    assert newest.sentiment == "negative" and newest.sentiment_reason  # estimated, reason kept
    contact = ws.contacts.get(newest.contact_id)
    assert contact.handles == (("instagram", "nina_croix"),)
    # The new one is shown, selected, in the inbox.
    assert view.pane.current is not None and view.pane.current.id == newest.id

    def known_contact_and_a_changed_type() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CaptureDialog)
        dialog.text.setPlainText("Super service, merci")
        dialog.link.setText("https://www.instagram.com/p/Q2")
        dialog.contact_edit.setText("nina_croix")
        seen["again"] = dialog.contact_note.text()
        dialog.type.setCurrentIndex(dialog.type.findData("suggestion"))
        dialog.type.activated.emit(dialog.type.currentIndex())  # as a user's choice
        dialog.text.setPlainText("Super service, merci beaucoup")  # typing on: kept
        seen["kept"] = dialog.type.currentData()
        qtbot.keyClick(dialog.link, Qt.Key.Key_Return)  # Enter outside the message

    later(known_contact_and_a_changed_type)
    view.capture()
    assert seen["again"].startswith("Known contact: @nina_croix")
    assert seen["kept"] == "suggestion"
    newest = ws.interactions.page(limit=1)[0]
    assert newest.type == "suggestion" and newest.contact_id == contact.id
    assert len(ws.contacts.all()) == 2  # Léa and Nina, nobody created twice


def test_capture_refuses_nothing_and_ambiguous_contacts(qtbot, view, ws: Workspace) -> None:
    ws.contacts.add("Paul", handles=[("x", "paulo")])
    ws.contacts.add("Paulo", handles=[("facebook", "paulo")])
    before = ws.interactions.count()
    seen: dict[str, object] = {}

    def try_it() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CaptureDialog)
        dialog.accept()  # nothing pasted: stays open and says so
        seen["empty"] = dialog.contact_note.text()
        dialog.text.setPlainText("Bonjour")
        dialog.contact_edit.setText("paulo")  # two people use it, on two networks
        seen["ambiguous"] = dialog.contact_note.text()
        seen["can_save"] = dialog.save_button.isEnabled()
        dialog.reject()

    later(try_it)
    view.capture()
    assert seen["empty"] == "Paste the message or its link first."
    assert "Several contacts match" in str(seen["ambiguous"]) and seen["can_save"] is False
    assert ws.interactions.count() == before


def test_keyboard_triage_one_row_then_a_selection(qtbot, view, ws: Workspace) -> None:
    view.table.setFocus()
    first, second, third = ids_shown(view)[:3]
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    assert view.pane.current.id == second
    qtbot.keyClick(view.table, Qt.Key.Key_K)
    assert view.pane.current.id == first
    entries = pick_in_menu(qtbot, Qt.Key.Key_2)  # T, then 2: question
    qtbot.keyClick(view.table, Qt.Key.Key_T)
    assert "&2  question" in entries
    assert ws.interactions.get(first).type == "question"
    pick_in_menu(qtbot, Qt.Key.Key_3)  # P, then 3: urgent
    qtbot.keyClick(view.table, Qt.Key.Key_P)
    assert ws.interactions.get(first).priority == 2
    assert view.model.data(view.model.index(0, 0)) == "!!"
    pick_in_menu(qtbot, Qt.Key.Key_1)  # A, then 1: the first team
    qtbot.keyClick(view.table, Qt.Key.Key_A)
    assigned = ws.interactions.get(first)
    assert ws.teams.get(assigned.team_id).name == "Produit"  # teams listed by name
    assert assigned.status == "waiting_team"  # passed on: waiting for that team
    assert view.pane.current.id == first  # still in "to handle", still selected
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert ws.interactions.get(first).status == "closed"
    assert ws.interactions.get(first).resolved_at is not None
    # Closed: out of the "to handle" list; the next one is selected, ready for triage.
    assert first not in ids_shown(view)
    assert view.pane.current.id == second
    # Bulk: two rows selected, one key.
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
    view.table.selectionModel().select(
        view.model.index(1, 0),
        view.table.selectionModel().SelectionFlag.Select
        | view.table.selectionModel().SelectionFlag.Rows,
    )
    assert sorted(view.selected_ids()) == sorted([second, third])
    pick_in_menu(qtbot, Qt.Key.Key_4)  # S, then 4: answered
    qtbot.keyClick(view.table, Qt.Key.Key_S)
    assert {ws.interactions.get(i).status for i in (second, third)} == {"answered"}
    assert all(ws.interactions.get(i).first_response_at for i in (second, third))
    counters = [view.states.item(r).text() for r in range(view.states.count())]
    assert counters[VIEWS.index("open")] == "To handle  (2)"
    assert counters[VIEWS.index("answered")] == "Answered  (2)"
    # A dismissed menu changes nothing.
    before = ws.interactions.get(ids_shown(view)[0])
    pick_in_menu(qtbot, Qt.Key.Key_Escape)
    qtbot.keyClick(view.table, Qt.Key.Key_T)
    assert ws.interactions.get(before.id) == before


def test_closing_everything_shows_inbox_zero_and_e_reopens(qtbot, view, ws) -> None:
    for _n in range(5):
        qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert view.list_stack.currentWidget() is view.empty
    assert "Nothing left to handle" in view.empty.text.text()
    assert not view.empty.button.isVisibleTo(view)
    view.states.setCurrentRow(VIEWS.index("closed"))
    assert view.model.rowCount() == 5
    target = view.pane.current.id
    qtbot.keyClick(view.table, Qt.Key.Key_E)  # all of the selection closed: reopened
    assert ws.interactions.get(target).status == "in_progress"
    assert ws.interactions.get(target).resolved_at is None


def test_reply_is_recorded_beside_the_contacts_history(qtbot, view, ws) -> None:
    complaint = next(i for i in ws.interactions.page(limit=10) if i.text.startswith("Colis jamais"))
    view.show_interaction(complaint.id)
    pane = view.pane
    assert pane.title.text() == "Léa Bonnet"
    history = [pane.history.item(r).text() for r in range(pane.history.count())]
    assert pane.history_title.text() == "History with Léa Bonnet"
    assert len(history) == 1 and "Merci pour l'accueil" in history[0]  # her other message
    assert pane.times.text() == "No response yet"
    # Above the reply: the playbook's tone, not written yet, with the way to write it.
    assert pane.reply_aids.isVisibleTo(pane)
    assert view.tone.stack.currentIndex() == 1 and view.tone.edit.isVisibleTo(view.tone)
    qtbot.keyClick(view.table, Qt.Key.Key_R)
    assert pane.reply.hasFocus()
    qtbot.keyClicks(pane.reply, "Bonjour ")  # QTest types ASCII only; the rest is pasted
    pane.reply.insertPlainText("Léa, nous sommes désolés : le colis part ce jour.")
    qtbot.keyClick(pane.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved = ws.interactions.get(complaint.id)
    assert saved.reply == "Bonjour Léa, nous sommes désolés : le colis part ce jour."
    assert saved.status == "answered" and saved.first_response_at is not None
    # Answered: out of "to handle", the next one is up; in "Answered", the times.
    assert pane.current.id != complaint.id
    view.states.setCurrentRow(VIEWS.index("answered"))
    assert pane.current.id == complaint.id
    assert pane.times.text().startswith("First response ")
    assert pane.reply_state.text() == "Reply recorded."
    assert pane.reply.toPlainText() == saved.reply
    # An empty reply is refused with a word, nothing written.
    pane.reply.clear()
    messages: list[str] = []
    view.message.connect(messages.append)
    pane.record_button.click()
    assert messages == ["Write the reply first."]
    assert ws.interactions.get(complaint.id).reply == saved.reply
    # The history opens the other interaction.
    pane.history.itemActivated.emit(pane.history.item(0))
    qtbot.waitUntil(lambda: pane.current.text.startswith("Merci pour l'accueil"), timeout=2000)


def test_filters_search_and_the_pane_fields(qtbot, view, ws) -> None:
    view.search.setText("DECUE")  # no accent, capitals
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=2000)
    assert view.pane.current.text.startswith("Colis jamais reçu")
    view.search.setText("lea_b")  # the contact's handle
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=2000)
    view.search.setText("zzzz")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=2000)
    assert "zzzz" in view.empty.text.text()
    view.search.clear()
    view._apply_filter()
    view.type_filter.setCurrentIndex(view.type_filter.findData("question"))
    assert view.model.rowCount() == ws.interactions.count(InteractionFilter(type="question")) == 2
    view.type_filter.setCurrentIndex(0)
    view.channel_filter.setCurrentIndex(view.channel_filter.findData("mastodon"))
    assert view.model.rowCount() == 1
    view.channel_filter.setCurrentIndex(0)
    # Fields of the pane write at once; the team filter then finds it.
    team = ws.teams.find("Service client")
    view.pane.team_box.setCurrentIndex(view.pane.team_box.findData(team.id))
    view.pane.team_box.activated.emit(view.pane.team_box.currentIndex())
    current = view.pane.current.id
    assert ws.interactions.get(current).team_id == team.id
    view.team_filter.setCurrentIndex(view.team_filter.findData(team.id))
    assert ids_shown(view) == [current]
    assert view.model.data(view.model.index(0, 6)) == "Service client"


def test_links_open_only_for_the_web_and_mail(view) -> None:
    refused: list[str] = []
    view.message.connect(refused.append)
    view.pane._open("javascript:alert(1)")
    view.pane._open("file:///etc/passwd")
    assert refused == [
        "This link was not opened: javascript:alert(1)",
        "This link was not opened: file:///etc/passwd",
    ]


def test_empty_client_says_what_to_do_first(qtbot, gui_home: Home) -> None:
    ws = create_client(gui_home, "Vide")
    view = InteractionsView(SyncTaskManager(), interactive=False)
    qtbot.addWidget(view)
    view.set_workspace(ws)
    assert view.list_stack.currentWidget() is view.empty
    assert "Log the first one" in view.empty.text.text()
    assert view.empty.button.isVisibleTo(view) or not view.isVisible()
    assert not view.pane.isEnabled()
    ws.close()


def test_a_big_inbox_pages_in_and_keeps_a_bounded_cache(qtbot, gui_home: Home) -> None:
    # 9,000 rows stand for the 100,000 of bench/inbox.py: paging and the cache bound.
    ws = create_client(gui_home, "Gros")
    with ws.atomic() as db:
        db.executemany(
            "INSERT INTO interaction(channel, occurred_at, text, type, status, created_at, "
            "updated_at) VALUES ('x', ?, ?, 'other', ?, ?, ?)",
            [
                (
                    (T0 - timedelta(minutes=n)).isoformat(),
                    f"Message {n}",
                    "new" if n % 3 else "closed",
                    T0.isoformat(),
                    T0.isoformat(),
                )
                for n in range(9000)
            ],
        )
    model = InteractionListModel()
    model.set_workspace(ws)
    assert model.rowCount() == 500  # the first page only
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 9000
    for row in range(0, 9000, 7):
        assert model.data(model.index(row, 2)) == f"Message {row}"
    assert model.cached_rows <= CACHE_ROWS
    model.set_filter(InteractionFilter(status="closed"))
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 3000 == inbox.count(ws, InteractionFilter(status="closed"))
    ws.close()


def test_a_mention_becomes_an_interaction_in_one_key(make_window, qtbot) -> None:
    window = make_window("en")
    window.show()
    window.open_demo()
    activate(window, qtbot)
    ws = window.workspace
    monitoring = window.monitoring_view
    mention = monitoring._current
    assert mention is not None
    monitoring.table.setFocus()
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_I)  # as the platform delivers it
    made = inbox.for_mention(ws, mention.id)
    assert made is not None
    item = ws.interactions.get(made)
    assert item.link == mention.url and item.occurred_at == mention.published_at
    assert window.current_section() == "interactions"
    assert window.interactions_view.pane.current.id == made
    # Once only: a second time shows the same interaction.
    window.show_section("monitoring")
    monitoring.convert_to_interaction()
    assert ws.interactions.count() == 1
    assert window.interactions_view.pane.current.id == made
    # The context menu offers it first.
    labels: list[str] = []

    def read_menu() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        labels.extend(a.text() for a in menu.actions())
        menu.close()

    window.show_section("monitoring")
    later(read_menu)
    rect = monitoring.table.visualRect(monitoring.model.index(0, 1))
    monitoring._table_menu(rect.center())
    assert labels[0] == "Handle as an interaction (I)"


def test_global_shortcut_logs_from_any_section(make_window, qtbot) -> None:
    window = make_window("en")
    window.show()
    window.open_demo()
    activate(window, qtbot)
    window.show_section("monitoring")
    opened: list[str] = []

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        opened.append(type(dialog).__name__)
        dialog.reject()

    later(cancel)
    qtbot.keyClick(
        window.windowHandle(),
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert opened == ["CaptureDialog"]
    assert window.current_section() == "interactions"


def test_overdue_interactions_have_their_own_list(qtbot, view, ws) -> None:
    # The fixture's five messages arrived in March and were never answered.
    fresh = ws.interactions.add("Vous ouvrez dimanche ?", channel="facebook")
    view.on_changes(Changes(interactions=True))
    counters = [view.states.item(r).text() for r in range(view.states.count())]
    assert counters[VIEWS.index("overdue")] == "Overdue  (5)"
    view.states.setCurrentRow(VIEWS.index("overdue"))
    shown = {view.model.interaction(r).id for r in range(view.model.rowCount())}
    assert len(shown) == 5 and fresh.id not in shown
    for interaction_id in shown:
        ws.interactions.record_reply(interaction_id, "Merci, nous regardons cela.")
    view.on_changes(Changes(interactions=True))
    assert view.model.rowCount() == 0
    assert "Nothing overdue" in view.empty.text.text()


def test_an_interaction_is_linked_to_the_post_it_comments(qtbot, view, ws) -> None:
    view.link_post()  # no post yet: said so, nothing asked
    post = ws.posts.create("La galette des rois est arrivée 👑", ["mastodon"], title="Galette")
    ws.posts.create("Horaires de Noël", ["facebook"])
    first = view.pane.current.id
    entries = pick_in_menu(qtbot, Qt.Key.Key_2)  # the newest post comes first
    view.link_post()
    assert any("Galette" in e for e in entries) and any("no post" in e for e in entries)
    assert ws.interactions.get(first).post_id == post.id
    assert "about our post “Galette”" in view.pane.meta.text()
