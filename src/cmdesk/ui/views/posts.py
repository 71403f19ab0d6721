"""Posts: the list of the client's posts with its filters, the selected post's details,
comments and history, and the composer.

PostsView is a set of tabs; the first is the list. Other views of the same posts (a
calendar, a queue) come as more tabs through `add_tab`: each gets the workspace and its
changes like the list does. Every change is a write task whose Changes come back
through `on_changes` (house rule 4). Keyboard: N new post, Enter opens, Del deletes
(after asking), Ctrl+F searches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.networks import NETWORK_NAMES, Network
from cmdesk.core.posts import PostState
from cmdesk.i18n import _
from cmdesk.store.workspace import Workspace
from cmdesk.ui.models.posts import PostListModel, post_summary
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.feedback import EmptyState, confirm_deletion, run_write
from cmdesk.ui.widgets.lists import (
    list_table,
    search_bar,
    search_timer,
    select_listed,
    show_rows,
)
from cmdesk.ui.widgets.post_pane import PostPane

S = PostState


class PostList(QWidget):
    """The "List" tab: filters, the posts newest first, the selected post beside them."""

    message = Signal(str)

    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.interactive = interactive  # False in smoke runs and tests: no modal warnings
        self.last_error = ""
        self.ws: Workspace | None = None
        self.composer: Any = None  # the open ComposerDialog, if any
        self.model = PostListModel(self)
        self._build()
        self._shortcuts()

    def _build(self) -> None:
        root, bar, self.search = search_bar(self, _("Search the posts (Ctrl+F)"))
        self._search_timer = search_timer(self, self.search, self._apply_filter)
        self.state_filter = QComboBox()
        self.state_filter.addItem(_("Any state"), None)
        for state in PostState:
            self.state_filter.addItem(state.label, state)
        self.channel_filter = QComboBox()
        self.channel_filter.addItem(_("Any channel"), None)
        for network in Network:
            self.channel_filter.addItem(NETWORK_NAMES[network], network.value)
        for box in (self.state_filter, self.channel_filter):
            box.currentIndexChanged.connect(self._apply_filter)
            bar.addWidget(box)
        self.count_label = QLabel()
        bar.addWidget(self.count_label)
        self.new_button = QToolButton()
        self.new_button.setText(_("New post… (N)"))
        self.new_button.clicked.connect(lambda: self.new_post())
        bar.addWidget(self.new_button)

        # The list on top, wide enough for its columns; the selected post below it.
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        self.list_stack = QStackedWidget()
        self.table = list_table(self.model, several=False)
        self.table.activated.connect(lambda _i: self.open_current())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        header.resizeSection(
            0, max(metrics.horizontalAdvance(s.label) for s in PostState if s is not S.UNKNOWN) + 16
        )
        header.resizeSection(1, metrics.horizontalAdvance("28 déc. 2026 22:58") + 16)
        header.resizeSection(3, metrics.horizontalAdvance("Mastodon, Instagram, Facebook") + 16)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.list_stack.addWidget(self.table)
        self.empty = EmptyState(_("Write the first post (N)"), lambda: self.new_post())
        self.list_stack.addWidget(self.empty)
        splitter.addWidget(self.list_stack)
        self.pane = PostPane()
        self.pane.edit_requested.connect(self.open_post)
        self.pane.delete_requested.connect(self.delete_post)
        self.pane.state_requested.connect(self.set_state)
        self.pane.decision_requested.connect(self.record_decision)
        self.pane.schedule_requested.connect(self.schedule)
        self.pane.comment_requested.connect(self.add_comment)
        self.pane.comment_removal_requested.connect(self.remove_comment)
        splitter.addWidget(self.pane)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 420])
        root.addWidget(splitter, 1)

    def _shortcuts(self) -> None:
        def key(
            sequence: str | QKeySequence.StandardKey,
            slot: Callable[[], Any],
            where: QWidget | None = None,
        ) -> None:
            shortcut = QShortcut(QKeySequence(sequence), where or self)
            shortcut.setContext(
                Qt.ShortcutContext.WidgetShortcut
                if where is not None
                else Qt.ShortcutContext.WidgetWithChildrenShortcut
            )
            shortcut.activated.connect(slot)

        key(QKeySequence.StandardKey.Find, self._focus_search)
        key("N", lambda: self.new_post())
        # On the list only: Enter in a comment is a new line, Del in it deletes a letter.
        for sequence in ("Return", "Enter"):
            key(sequence, self.open_current, self.table)
        key("Delete", self.delete_current, self.table)

    # -- workspace ---------------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.pane.zone = ws.profile().zone if ws is not None else None
        self.model.set_workspace(ws)
        self._after_reset()

    def on_changes(self, changes: Changes) -> None:
        if self.ws is None or not (changes.posts or changes.workspace or changes.profile):
            return
        if changes.profile:
            self.pane.zone = self.model.zone = self.ws.profile().zone
        current = self.pane.current
        row = self.table.currentIndex().row()
        self.model.reload()
        self._after_reset(current.id if current else None, row)

    # -- filters -----------------------------------------------------------------------------

    def _apply_filter(self) -> None:
        if self.ws is None:
            return
        self._search_timer.stop()
        self.model.set_filter(
            self.state_filter.currentData(),
            self.channel_filter.currentData(),
            self.search.text().strip(),
        )
        self._after_reset()

    def _after_reset(self, keep: int | None = None, row: int = 0) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            self._show_empty()
            self._show(None)
            self.count_label.setText("")
            return
        show_rows(self, rows, keep, row)

    def _show_empty(self) -> None:
        self.list_stack.setCurrentWidget(self.empty)
        anything = self.ws is not None and bool(self.ws.posts.page(limit=1))
        text = self.search.text().strip()
        if not anything:
            message = _(
                "No post yet. Write the first one (N, or Ctrl+Shift+P from anywhere): a text, "
                "the networks it goes to, and images with their description. The counters "
                "count like each network and warn before a post is too long. In Monitoring, "
                "the D key drafts a post from a mention, with its title and link."
            )
        elif text:
            message = _("No post matches “{query}”.").format(query=text)
        else:
            message = _("No post with these filters.")
        self.empty.show_text(message, button=not anything)

    def select_post(self, post_id: int) -> None:
        """Show a post in the list, widening the filters if they hide it."""
        if self.ws is None:
            return
        if self.model.row_of(post_id) is None:
            for box in (self.state_filter, self.channel_filter):
                box.blockSignals(True)
                box.setCurrentIndex(0)
                box.blockSignals(False)
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self._apply_filter()
        select_listed(self, post_id)

    # -- the selected post -------------------------------------------------------------------

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        post = self.model.post(current.row()) if current.isValid() else None
        self._show(post.id if post is not None else None)

    def _show(self, post_id: int | None) -> None:
        ws = self.ws
        if ws is None or post_id is None:
            self.pane.show_post(None)
            return
        self.pane.show_post(
            ws.posts.get(post_id),
            ws.posts.history(post_id),
            ws.posts.comments(post_id),
            ws.posts.media(post_id),
        )

    def current_id(self) -> int | None:
        return self.pane.current.id if self.pane.current is not None else None

    # -- actions -----------------------------------------------------------------------------

    def _write(
        self,
        label: str,
        fn: Callable[[Workspace], Changes],
        done: Callable[[Any], None] | None = None,
    ) -> None:
        run_write(self, label, fn, done)

    def new_post(
        self, *, title: str = "", link: str = "", mention_id: int | None = None, source: str = ""
    ) -> None:
        self._compose(title=title, link=link, mention_id=mention_id, source=source)

    def open_current(self) -> None:
        post_id = self.current_id()
        if post_id is not None:
            self.open_post(post_id)

    def open_post(self, post_id: int) -> None:
        self._compose(post_id=post_id)

    def _compose(self, **options: Any) -> None:
        ws = self.ws
        if ws is None:
            return
        if self.composer is not None and self.composer.isVisible():
            self.composer.raise_()  # one post at a time: the open one comes forward
            self.composer.activateWindow()
            return
        from cmdesk.ui.dialogs.composer import ComposerDialog

        dialog = ComposerDialog(ws, self.tasks, self, **options)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.destroyed.connect(lambda _o=None: setattr(self, "composer", None))
        self.composer = dialog
        dialog.open()

    def _saved(self, post_id: int) -> None:
        self.select_post(post_id)
        self.message.emit(_("Post saved."))

    def delete_current(self) -> None:
        post_id = self.current_id()
        if post_id is not None:
            self.delete_post(post_id)

    def delete_post(self, post_id: int) -> None:
        """Delete after asking: a deleted post, its images, comments and history are gone
        (a backup keeps them)."""
        if self.ws is None:
            return
        post = self.ws.posts.get(post_id)
        if not confirm_deletion(
            self,
            _("Delete this post?"),
            _("“{post}” will be deleted with its images, comments and history.").format(
                post=post_summary(post, 80)
            ),
            _("Delete the post"),
        ):
            return
        self._write(
            _("Deleting the post"),
            lambda ws: ws.posts.delete(post_id),
            lambda _c: self.message.emit(_("Post deleted.")),
        )

    def record_decision(self, post_id: int) -> None:
        """The client's decision on a post in review, given by phone or e-mail: who said
        what, and when (core.approval records it like an answer to a pack)."""
        if self.ws is None:
            return
        from cmdesk.ui.dialogs.approval import record_decision

        changes = record_decision(self, self.ws, post_id)
        if changes:
            self.tasks.changes.emit(changes)

    def schedule(self, post_id: int) -> None:
        """A time for the post, a place in the queue, or a repeat (ui.dialogs.schedule)."""
        if self.ws is None:
            return
        from cmdesk.ui.dialogs.schedule import ScheduleDialog

        dialog = ScheduleDialog(
            self.ws, self.tasks, self.ws.posts.get(post_id), self, interactive=self.interactive
        )
        dialog.scheduled.connect(
            lambda post: self.message.emit(
                _("“{post}” is on the calendar.").format(post=post_summary(post, 60))
            )
        )
        if self.interactive:
            dialog.exec()
        else:
            dialog.show()
        self.schedule_dialog = dialog

    def set_state(self, post_id: int, wanted: PostState) -> None:
        """A hand move (review, approval, changes requested with the reason, back to
        draft); the state machine of core.posts refuses the others."""
        note = ""
        if wanted is S.CHANGES_REQUESTED:
            text, ok = QInputDialog.getMultiLineText(
                self,
                _("Request changes"),
                _("What should change? (kept as a comment on the post)"),
            )
            if not ok or not text.strip():
                return
            note = text.strip()

        def work(ws: Workspace) -> Changes:
            with ws.atomic():
                changes = ws.posts.set_state(post_id, wanted, note=note)
                if note:
                    ws.posts.add_comment(post_id, note)
            return changes

        self._write(
            _("Changing the post’s state"),
            work,
            lambda _c: self.message.emit(_("Post now “{state}”.").format(state=wanted.label)),
        )

    def add_comment(self, post_id: int, text: str, for_client: bool) -> None:
        def work(ws: Workspace) -> Changes:
            ws.posts.add_comment(post_id, text, for_client=for_client)
            return Changes(posts=True)

        self._write(_("Adding the comment"), work, lambda _c: self.pane.comment_saved())

    def remove_comment(self, comment_id: int) -> None:
        self._write(_("Removing the comment"), lambda ws: ws.posts.remove_comment(comment_id))

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()


class PostsView(QTabWidget):
    """The Posts section: tabs over the same posts, the list first."""

    message = Signal(str)  # for the status bar

    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(parent)
        self.setObjectName("view-posts")
        self.setDocumentMode(True)
        self.setTabBarAutoHide(True)  # one tab: no bar; a calendar added later shows it
        self.ws: Workspace | None = None
        self.list = PostList(tasks, interactive=interactive)
        self.list.message.connect(self.message)
        self.add_tab(self.list, _("List"))

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a view of the posts (a calendar...). A widget with `set_workspace(ws)` and
        `on_changes(changes)` gets the workspace and its changes like the list."""
        index = self.addTab(widget, title)
        setter = getattr(widget, "set_workspace", None)
        if self.ws is not None and callable(setter):
            setter(self.ws)
        return index

    def _tabs(self) -> list[QWidget]:
        return [w for w in (self.widget(i) for i in range(self.count())) if w is not None]

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        for tab in self._tabs():
            setter = getattr(tab, "set_workspace", None)
            if callable(setter):
                setter(ws)

    def on_changes(self, changes: Changes) -> None:
        for tab in self._tabs():
            follower = getattr(tab, "on_changes", None)
            if callable(follower):
                follower(changes)

    def new_post(self, **prefill: Any) -> None:
        self.setCurrentWidget(self.list)
        self.list.new_post(**prefill)

    def draft_from_mention(self, mention_id: int) -> None:
        """The composer with the mention's title and link, the post remembering it."""
        if self.ws is None:
            return
        mention = self.ws.mentions.get(mention_id)
        self.new_post(
            title=mention.title, link=mention.url, mention_id=mention.id, source=mention.title
        )
