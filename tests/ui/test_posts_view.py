"""The Posts section on real workspaces: the list and its filters, the composer's live
counters and images, states with their history, comments, and a post drafted from a
mention in Monitoring."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QMessageBox, QPushButton

from cmdesk.core.images import MAX_IMAGE_BYTES
from cmdesk.core.networks import Network
from cmdesk.core.posts import PostState
from cmdesk.store.home import create_client
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.composer import ComposerDialog
from cmdesk.ui.tasks import SyncTaskManager
from cmdesk.ui.views.posts import PostList, PostsView
from cmdesk.ui.widgets.channel_editor import LEVEL_COLOURS
from cmdesk.ui.widgets.post_pane import MOVES

S = PostState


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#d98c3f"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


@pytest.fixture
def ws(gui_home: Home) -> Iterator[Workspace]:
    workspace = create_client(gui_home, "Fournil", timezone="Europe/Paris")
    galette = workspace.posts.create(
        "Galette des rois tout le week-end !", ["mastodon", "x"], title="Épiphanie"
    )
    workspace.posts.create("Pain au levain bio, nouvelle recette", ["instagram"], state=S.IDEA)
    soldes = workspace.posts.create("Nos soldes d'hiver arrivent", ["bluesky", "facebook"])
    workspace.posts.schedule(soldes.id, datetime(2030, 1, 15, 9, 30))
    workspace.posts.set_state(galette.id, S.IN_REVIEW)
    yield workspace
    workspace.close()


@pytest.fixture
def view(qtbot, ws: Workspace) -> Iterator[PostsView]:
    tasks = SyncTaskManager()
    found = PostsView(tasks, interactive=False)
    # What the main window does: every write's Changes comes back to the screen.
    tasks.changes.connect(found.on_changes)
    qtbot.addWidget(found)
    found.resize(1280, 760)
    found.set_workspace(ws)
    found.show()
    yield found
    if found.list.composer is not None:
        found.list.composer.dirty = False
        found.list.composer.close()
    found.set_workspace(None)


def later(action: Callable[[], None], msecs: int = 100) -> None:
    QTimer.singleShot(msecs, action)


def answer_box(button_text: str, seen: list[str] | None = None) -> None:
    """Click a button of the next message box, as the user would."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        if seen is not None:
            seen.append(box.text())
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
                return
        raise AssertionError(f"no {button_text!r} in {[b.text() for b in box.buttons()]}")

    later(click)


def focus_list(view: PostsView, qtbot) -> None:
    """Shortcuts need the window active and the list focused, as on a desktop."""
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view, timeout=3000)
    view.list.table.setFocus()


def rows(lst: PostList) -> list[list[str]]:
    model = lst.model
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def compose(view: PostsView, **prefill: object) -> ComposerDialog:
    view.new_post(**prefill)
    dialog = view.list.composer
    assert isinstance(dialog, ComposerDialog) and dialog.isVisible()
    return dialog


def test_model_follows_qt_rules(qtmodeltester, view: PostsView) -> None:
    qtmodeltester.check(view.list.model, force_py=True)


def test_the_list_shows_state_time_on_the_clients_clock_channels_and_filters(
    view: PostsView, qtbot
) -> None:
    lst = view.list
    assert view.tabText(0) == "List"
    assert rows(lst) == [
        # The time as the client's clock shows it (Paris), whatever the laptop's zone.
        [
            "Scheduled",
            "Jan 15, 2030 9:30\u202fAM",
            "Nos soldes d'hiver arrivent",
            "Bluesky, Facebook",
        ],
        ["Idea", "no date", "Pain au levain bio, nouvelle recette", "Instagram"],
        ["In review", "no date", "Épiphanie", "Mastodon, X"],
    ]
    lst.state_filter.setCurrentIndex(lst.state_filter.findData(S.IDEA))
    assert [r[2] for r in rows(lst)] == ["Pain au levain bio, nouvelle recette"]
    lst.state_filter.setCurrentIndex(0)
    lst.channel_filter.setCurrentIndex(lst.channel_filter.findData("x"))
    assert [r[2] for r in rows(lst)] == ["Épiphanie"]
    lst.channel_filter.setCurrentIndex(lst.channel_filter.findData("linkedin"))
    assert lst.list_stack.currentWidget() is lst.empty
    assert lst.empty.text.text() == "No post with these filters."
    lst.channel_filter.setCurrentIndex(0)
    lst.search.setText("epiphanie")  # accents and case ignored
    qtbot.waitUntil(lambda: lst.model.rowCount() == 1)
    assert lst.pane.current is not None and lst.pane.current.title == "Épiphanie"
    lst.search.setText("croissant")
    qtbot.waitUntil(lambda: lst.model.rowCount() == 0)
    assert lst.empty.text.text() == "No post matches “croissant”."


def test_an_empty_workspace_says_how_to_start(qtbot, gui_home: Home) -> None:
    empty = create_client(gui_home, "Vide")
    view = PostsView(SyncTaskManager(), interactive=False)
    qtbot.addWidget(view)
    view.set_workspace(empty)
    lst = view.list
    assert lst.list_stack.currentWidget() is lst.empty
    assert "No post yet" in lst.empty.text.text() and "the D key" in lst.empty.text.text()
    assert not lst.empty.button.isHidden()
    view.set_workspace(None)
    empty.close()


def test_counters_count_like_each_network_while_typing_and_warn_over_the_limit(
    view: PostsView, qtbot, ws: Workspace
) -> None:
    dialog = compose(view)
    dialog.channel_boxes[Network.X].setChecked(True)
    dialog.channel_boxes[Network.MASTODON].setChecked(True)
    dialog.channel_boxes[Network.BLUESKY].setChecked(True)
    assert [dialog.tabs.tabText(i).split()[0] for i in range(dialog.tabs.count())] == [
        "Post",
        "Mastodon",
        "Bluesky",
        "X",
    ]
    x = dialog.editors[Network.X]
    qtbot.keyClicks(dialog.text, "Galette ")
    assert x.counter.text() == "8 / 280"
    dialog.text.insertPlainText("👑")  # typed from the emoji picker (QTest cannot type it)
    assert x.counter.text() == "10 / 280"  # the emoji weighs 2 on X
    assert dialog.editors[Network.BLUESKY].counter.text() == "9 / 300"  # one grapheme
    dialog.link.setText("https://fournil.fr/galette-des-rois-2026-recette-complete")
    # The link is added to the text where the network previews it, and counts 23.
    assert x.counter.text() == f"{10 + 2 + 23} / 280"
    assert dialog.editors[Network.MASTODON].counter.text() == f"{9 + 2 + 23} / 500"
    assert dialog.editors[Network.BLUESKY].counter.text() == "9 / 300"
    assert dialog.tabs.tabText(dialog.tabs.indexOf(x)) == "X  35/280"
    assert x.counter.styleSheet() == f"color: {LEVEL_COLOURS['ok']};"

    # Close to the limit: orange before it bites; over it: red, with the reason.
    dialog.text.setPlainText("a" * 250)
    assert x.counter.styleSheet() == f"color: {LEVEL_COLOURS['near']};"
    dialog.text.setPlainText("a" * 280)
    assert x.counter.text() == "305 / 280"
    assert x.counter.styleSheet() == f"color: {LEVEL_COLOURS['over']};"
    assert "25 characters over X's limit of 280." in x.notices.text()
    assert dialog.tabs.tabBar().tabTextColor(dialog.tabs.indexOf(x)) == QColor(
        LEVEL_COLOURS["over"]
    )
    assert "25 characters over X's limit of 280." in dialog.summary.text()
    # A shorter text for X alone: its counter follows it, the others keep the main text.
    x.own.setChecked(True)
    x.editor.setPlainText("")
    qtbot.keyClicks(x.editor, "Galette !")
    assert x.counter.text() == "34 / 280"
    assert dialog.editors[Network.MASTODON].counter.text() == "305 / 500"
    # Instagram wants an image: said at once, in red.
    dialog.channel_boxes[Network.INSTAGRAM].setChecked(True)
    assert "Instagram needs at least one image." in dialog.editors[Network.INSTAGRAM].notices.text()
    assert dialog.first_comment.isEnabled()  # Instagram has a first comment

    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    qtbot.keyClick(dialog.text, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S
    assert not dialog.isVisible()
    post = ws.posts.page(limit=1)[0]
    assert post.state is S.DRAFT and post.text == "a" * 280
    texts = {v.channel: v.text for v in post.variants}
    assert texts == {"mastodon": None, "bluesky": None, "x": "Galette !", "instagram": None}
    assert view.list.pane.current is not None and view.list.pane.current.id == post.id


def test_a_wordpress_article_has_its_fields_and_counts_words(view: PostsView, ws) -> None:
    dialog = compose(view)
    dialog.title.setText("La galette")
    dialog.text.setPlainText("Une pâte feuilletée, de la frangipane et une fève.")
    dialog.channel_boxes[Network.WORDPRESS].setChecked(True)
    wp = dialog.editors[Network.WORDPRESS]
    assert wp.counter.text() == "Title: 10 characters · article: 9 words · excerpt: 0 words"
    assert "No excerpt" in wp.notices.text()
    wp.excerpt.setPlainText("La recette de la maison.")
    wp.categories.setText("Recettes, Saisons")
    wp.tags.setText("galette")
    assert "excerpt: 5 words" in wp.counter.text()
    dialog.save(S.IDEA)
    post = ws.posts.page(limit=1)[0]
    assert post.state is S.IDEA
    assert post.variants[0].extras == {
        "categories": ["Recettes", "Saisons"],
        "excerpt": "La recette de la maison.",
        "tags": ["galette"],
    }


def test_an_image_too_large_is_refused_clearly_and_nothing_is_stored(
    view: PostsView, ws: Workspace, tmp_path: Path
) -> None:
    huge = tmp_path / "IMG_4032.jpg"
    with huge.open("wb") as handle:  # a camera original: refused before it is read
        handle.write(b"\xff\xd8\xff\xe0")
        handle.truncate(MAX_IMAGE_BYTES + 1)
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    dialog = compose(view)
    dialog.text.setPlainText("Nouvelle vitrine")
    errors = dialog.add_images([huge, text])
    assert len(errors) == 2
    shown = dialog.images.error.text()
    assert "IMG_4032.jpg is too large (10.0 MB): images up to 10.0 MB can be attached." in shown
    assert "notes.png is not a JPEG, PNG, GIF or WebP image." in shown
    assert dialog.images.error.isVisible()
    assert dialog.images.images == []
    dialog.save()
    post = ws.posts.page(limit=1)[0]
    assert post.text == "Nouvelle vitrine" and ws.posts.media(post.id) == []


def test_images_are_saved_with_their_alt_text(view: PostsView, ws: Workspace, tmp_path) -> None:
    photo = tmp_path / "vitrine.png"
    photo.write_bytes(png_bytes())
    dialog = compose(view)
    dialog.text.setPlainText("La vitrine de Noël")
    dialog.channel_boxes[Network.MASTODON].setChecked(True)
    assert dialog.add_images([photo]) == []
    assert not dialog.images.error.isVisible()
    mastodon = dialog.editors[Network.MASTODON]
    assert "1 image has no alt text" in mastodon.notices.text()
    assert mastodon.counter.styleSheet() == f"color: {LEVEL_COLOURS['near']};"
    dialog.images.alt.setPlainText("Vitrine décorée de sapins et de brioches")
    assert "alt text" not in mastodon.notices.text()
    dialog.save()
    post = ws.posts.page(limit=1)[0]
    [media] = ws.posts.media(post.id)
    assert (media.filename, media.alt, media.mime) == (
        "vitrine.png",
        "Vitrine décorée de sapins et de brioches",
        "image/png",
    )
    # Opened again: the image is there; a new description replaces the old one.
    view.list.open_post(post.id)
    again = view.list.composer
    assert again.images.list.count() == 1
    assert again.images.alt.toPlainText() == "Vitrine décorée de sapins et de brioches"
    again.images.alt.setPlainText("Vitrine de Noël")
    again.save()
    assert [m.alt for m in ws.posts.media(post.id)] == ["Vitrine de Noël"]
    assert "image description changed" in view.list.pane.history.item(0).text()


def test_states_move_by_the_buttons_and_the_history_shows_who_when_what(
    view: PostsView, ws: Workspace, qtbot
) -> None:
    lst = view.list
    idea = next(p for p in ws.posts.page() if p.state is S.IDEA)
    lst.select_post(idea.id)
    pane = lst.pane
    visible = [w for w, b in pane.move_buttons.items() if b.isVisibleTo(pane)]
    assert visible == [S.IN_REVIEW, S.DRAFT]
    assert pane.move_buttons[S.DRAFT].text() == "Make it a draft"
    pane.move_buttons[S.IN_REVIEW].click()
    assert ws.posts.get(idea.id).state is S.IN_REVIEW
    assert pane.current is not None and pane.current.state is S.IN_REVIEW
    assert "state changed (Idea → In review)" in pane.history.item(0).text()
    assert pane.tabs.tabText(1) == "History (2)"
    visible = [w for w, b in pane.move_buttons.items() if b.isVisibleTo(pane)]
    assert visible == [S.APPROVED, S.CHANGES_REQUESTED, S.DRAFT]

    # Changes requested: the reason is asked, kept in the history and as a comment.
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("Ajouter le prix de la part")
        dialog.accept()

    later(answer)
    pane.move_buttons[S.CHANGES_REQUESTED].click()
    assert ws.posts.get(idea.id).state is S.CHANGES_REQUESTED
    assert (
        pane.history.item(0)
        .text()
        .endswith("(In review → Changes requested) — Ajouter le prix de la part")
    )
    assert [c.body for c in ws.posts.comments(idea.id)] == ["Ajouter le prix de la part"]
    assert pane.comments.count() == 1

    # No button ever sends a post out: the publishing states are not among the moves.
    assert {w for w, _l in MOVES}.isdisjoint({S.SCHEDULED, S.PUBLISHING, S.PUBLISHED})
    scheduled = next(p for p in ws.posts.page() if p.state is S.SCHEDULED)
    lst.select_post(scheduled.id)
    visible = [w for w, b in pane.move_buttons.items() if b.isVisibleTo(pane)]
    assert visible == [S.DRAFT]
    assert "move it back to draft" in pane.state_note.text()
    pane.move_buttons[S.DRAFT].click()
    assert ws.posts.get(scheduled.id).state is S.DRAFT


def test_comments_internal_or_for_the_client_are_added_and_removed(
    view: PostsView, ws: Workspace
) -> None:
    pane = view.list.pane
    assert pane.current is not None
    post_id = pane.current.id
    pane.comment_edit.setPlainText("Photo à refaire avec plus de lumière")
    pane.add_comment_button.click()
    pane.comment_edit.setPlainText("Le texte vous convient-il ?")
    pane.for_client.setChecked(True)
    pane.add_comment_button.click()
    assert pane.comment_edit.toPlainText() == ""
    stored = ws.posts.comments(post_id)
    assert [(c.body, c.for_client) for c in stored] == [
        ("Photo à refaire avec plus de lumière", False),
        ("Le texte vous convient-il ?", True),
    ]
    assert pane.comments.count() == 2
    assert "for the client" in pane.comments.item(1).text()
    assert "internal" in pane.comments.item(0).text()
    assert pane.tabs.tabText(0) == "Comments (2)"
    pane.comments.setCurrentRow(0)
    pane.remove_comment_button.click()
    assert [c.body for c in ws.posts.comments(post_id)] == ["Le texte vous convient-il ?"]


def test_escape_asks_before_discarding_and_keeps_the_text(view: PostsView, ws, qtbot) -> None:
    before = len(ws.posts.page())
    dialog = compose(view)
    qtbot.keyClicks(dialog.text, "Une idee a garder")  # QTest types ASCII only
    seen: list[str] = []
    answer_box("Keep writing", seen)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert seen == ["This post has changes that are not saved."]
    assert dialog.isVisible() and dialog.text.toPlainText() == "Une idee a garder"
    answer_box("Discard the changes")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert len(ws.posts.page()) == before
    # Nothing typed: Esc closes at once.
    dialog = compose(view)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_refused_save_keeps_the_dialog_and_says_why(view: PostsView, ws) -> None:
    dialog = compose(view)
    dialog.text.setPlainText("Voir le site")
    dialog.link.setText("fournil.fr")
    dialog.save()
    assert dialog.isVisible()
    assert "is not a web address" in dialog.error.text()
    dialog.link.setText("")
    dialog.text.setPlainText("")
    dialog.save()
    assert dialog.error.text() == "Write a text, a title or a link first."


def test_keyboard_enter_opens_and_delete_asks_first(view: PostsView, ws, qtbot) -> None:
    lst = view.list
    focus_list(view, qtbot)
    first = lst.current_id()
    qtbot.keyClick(lst.table, Qt.Key.Key_Return)
    assert lst.composer is not None and lst.composer.post.id == first
    lst.composer.reject()
    assert lst.composer is None or not lst.composer.isVisible()
    qtbot.keyClick(lst.table, Qt.Key.Key_N)
    assert lst.composer is not None and lst.composer.post is None
    lst.composer.reject()

    draft = ws.posts.create("À supprimer", ["x"])
    lst.select_post(draft.id)
    focus_list(view, qtbot)
    answer_box("Cancel")
    qtbot.keyClick(lst.table, Qt.Key.Key_Delete)
    assert ws.posts.get(draft.id).text == "À supprimer"
    seen: list[str] = []
    focus_list(view, qtbot)  # the message box took the focus away
    answer_box("Delete the post", seen)
    qtbot.keyClick(lst.table, Qt.Key.Key_Delete)
    assert seen == ["“À supprimer” will be deleted with its images, comments and history."]
    assert draft.id not in [p.id for p in ws.posts.page()]
    assert lst.model.row_of(draft.id) is None


def test_a_post_drafted_from_a_mention_has_its_title_and_link(make_window, qtbot) -> None:
    window = make_window("en")
    window.show()
    window.open_demo()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    ws = window.workspace
    monitoring = window.monitoring_view
    mention = monitoring._current
    assert mention is not None
    assert not isinstance(window.views["posts"], PostsView)  # built when first needed
    monitoring.table.setFocus()
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_D)  # as the platform delivers it
    assert window.current_section() == "posts"
    dialog = window.posts_view.list.composer
    assert isinstance(dialog, ComposerDialog)
    assert dialog.title.text() == mention.title
    assert dialog.link.text() == mention.url
    assert mention.title in dialog.banner.text()
    dialog.text.setPlainText("Merci pour cet article !")
    dialog.channel_boxes[Network.LINKEDIN].setChecked(True)
    dialog.save()
    post = ws.posts.page(limit=1)[0]
    assert (post.mention_id, post.link, post.title) == (mention.id, mention.url, mention.title)
    assert window.posts_view.list.pane.current.id == post.id

    # The context menu offers it too, under "Handle as an interaction".
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
    assert labels[:2] == ["Handle as an interaction (I)", "Draft a post from this mention (D)"]


def test_new_post_from_anywhere_and_a_tab_added_later(make_window, qtbot) -> None:
    window = make_window("en")
    window.show()
    window.open_demo()
    window.show_section("settings")
    window.new_post_action.trigger()
    assert window.new_post_action.shortcut().toString() == "Ctrl+Shift+P"
    assert window.current_section() == "posts"
    view = window.posts_view
    assert isinstance(view.list.composer, ComposerDialog)
    view.list.composer.reject()

    class Calendar(QPushButton):
        def __init__(self) -> None:
            super().__init__("calendar")
            self.seen: list[object] = []

        def set_workspace(self, ws: object) -> None:
            self.seen.append(ws)

        def on_changes(self, changes: object) -> None:
            self.seen.append(changes)

    calendar = Calendar()
    assert view.add_tab(calendar, "Calendar") == 2  # after the list and the real calendar
    assert calendar.seen == [window.workspace]
    post = window.workspace.posts.create("Vu du calendrier")
    view.list.add_comment(post.id, "Vu", False)  # a write: its Changes reach every tab
    assert any(getattr(c, "posts", False) for c in calendar.seen[1:])


def test_a_second_account_on_one_network_survives_an_edit(view: PostsView, ws) -> None:
    main = ws.accounts.add("mastodon", "mastodon.social", "lea")
    post = ws.posts.create("Bonjour", ["mastodon"])
    second = ws.accounts.add("mastodon", "https://piaille.fr/", "fournil")
    ws.posts.add_variant(post.id, "mastodon", account_id=second.id, text="Salut")
    view.list.open_post(post.id)
    dialog = view.list.composer
    dialog.text.setPlainText("Bonjour à tous")
    dialog.save()
    kept = ws.posts.get(post.id)
    assert kept.text == "Bonjour à tous"
    assert [(v.account_id, v.text) for v in kept.variants] == [
        (main.id, None),
        (second.id, "Salut"),
    ]


def test_the_clients_decision_given_by_phone_is_recorded_from_the_pane(
    view: PostsView, ws: Workspace
) -> None:
    from cmdesk.ui.dialogs.approval import DecideDialog

    lst, pane = view.list, view.list.pane
    galette = next(p for p in ws.posts.page() if p.state is S.IN_REVIEW)
    draft_like = next(p for p in ws.posts.page() if p.state is S.IDEA)
    lst.select_post(draft_like.id)
    assert not pane.decision_button.isVisibleTo(pane)  # only for a post in review
    lst.select_post(galette.id)
    assert pane.decision_button.isVisibleTo(pane)

    def decide() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DecideDialog)
        dialog.reviewer.setText("Marc, gérant")
        dialog.record()

    later(decide)
    pane.decision_button.click()
    assert ws.posts.get(galette.id).state is S.APPROVED
    assert pane.current is not None and pane.current.state is S.APPROVED
    assert "Marc, gérant" in pane.history.item(0).text()


def test_the_posts_section_has_its_calendar_and_schedules_from_the_pane(
    make_window, gui_home: Home
) -> None:
    from cmdesk.ui.dialogs.schedule import ScheduleDialog
    from cmdesk.ui.views.calendar import CalendarView

    window = make_window("en")
    made = create_client(gui_home, "Fournil", timezone="Europe/Paris")
    post = made.posts.create("Galette", ["mastodon"])
    made.close()
    assert window.open_workspace(gui_home.workspace_path("fournil"))
    window.show_section("posts")
    view = window.views["posts"]
    titles = [view.tabText(i) for i in range(view.count())]
    assert titles == ["List", "Calendar"]
    assert isinstance(view.widget(1), CalendarView)
    view.list.select_post(post.id)
    assert view.list.pane.schedule_button.isVisibleTo(view.list.pane)
    view.list.pane.schedule_button.click()
    assert isinstance(view.list.schedule_dialog, ScheduleDialog)
    view.list.schedule_dialog.close()
