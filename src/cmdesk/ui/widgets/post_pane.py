"""The selected post beside the list: what it says, where and when it goes, the moves its
state allows, its comments and its history (who, when, what).

The pane only shows and asks: every change is a signal the Posts view turns into a
write task.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.posts import EDITABLE, TRANSITIONS, PostState
from cmdesk.core.publication import (
    HistoryEntry,
    MediaItem,
    Post,
    PostComment,
    action_label,
    channel_name,
    state_move,
)
from cmdesk.i18n import N_, _, format_when
from cmdesk.ui.models.posts import STATE_COLOURS, post_summary, post_time
from cmdesk.ui.views.empty import bold

S = PostState
COMMENT_ROLE = Qt.ItemDataRole.UserRole + 1
# The moves people make by hand, in the order the buttons show them; the publishing
# states (scheduled, publishing, published) are never offered here.
MOVES: tuple[tuple[PostState, str], ...] = (
    (S.IN_REVIEW, N_("Send to review")),
    (S.APPROVED, N_("Approve")),
    (S.CHANGES_REQUESTED, N_("Request changes…")),
    (S.DRAFT, N_("Back to draft")),
)


def moves_from(state: PostState) -> list[PostState]:
    """The hand moves core.posts allows from `state`. A scheduled post is only taken
    back to draft (unscheduled) here: its time is the calendar's business."""
    if state is S.SCHEDULED:
        return [S.DRAFT]
    return [wanted for wanted, _label in MOVES if wanted in TRANSITIONS[state]]


def _label(text: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PostPane(QWidget):
    edit_requested = Signal(object)  # post id
    delete_requested = Signal(object)
    state_requested = Signal(object, object)  # post id, PostState
    comment_requested = Signal(object, str, bool)  # post id, text, for the client
    comment_removal_requested = Signal(object)  # comment id
    decision_requested = Signal(object)  # post id: the client decided by phone, by e-mail…
    schedule_requested = Signal(object)  # post id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current: Post | None = None
        self.zone: ZoneInfo | None = None
        # The post on the left, its comments and history on the right: the list above
        # keeps the whole width for its columns.
        outer = QHBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        layout = QVBoxLayout()
        outer.addLayout(layout, 1)
        self.title = _label()
        self.title.setFont(bold(self.title))
        layout.addWidget(self.title)
        self.meta = _label()
        self.meta.setEnabled(False)
        layout.addWidget(self.meta)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        self.images = _label()
        self.images.setEnabled(False)
        layout.addWidget(self.images)

        self.moves = QHBoxLayout()
        self.buttons_row = QHBoxLayout()
        self.edit_button = QPushButton(_("Open (Enter)"))
        self.edit_button.clicked.connect(lambda: self._emit(self.edit_requested))
        self.delete_button = QPushButton(_("Delete (Del)"))
        self.delete_button.clicked.connect(lambda: self._emit(self.delete_requested))
        self.move_buttons: dict[PostState, QPushButton] = {}
        for wanted, text in MOVES:
            button = QPushButton(_(text))
            button.clicked.connect(lambda _c=False, w=wanted: self._move(w))
            self.move_buttons[wanted] = button
            self.moves.addWidget(button)
        # For a post in review: the client's answer given otherwise than through a pack.
        self.decision_button = QPushButton(_("The client's decision…"))
        self.decision_button.clicked.connect(lambda: self._emit(self.decision_requested))
        self.moves.addWidget(self.decision_button)
        self.schedule_button = QPushButton(_("Schedule…"))
        self.schedule_button.clicked.connect(lambda: self._emit(self.schedule_requested))
        self.moves.addWidget(self.schedule_button)
        self.moves.addStretch(1)
        self.buttons_row.addWidget(self.edit_button)
        self.buttons_row.addWidget(self.delete_button)
        self.buttons_row.addStretch(1)
        layout.addLayout(self.moves)
        layout.addLayout(self.buttons_row)
        self.state_note = _label()
        self.state_note.setEnabled(False)
        layout.addWidget(self.state_note)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._comments_tab(), "")
        self.history = QListWidget()
        self.history.setWordWrap(True)
        self.history.setAlternatingRowColors(True)
        self.tabs.addTab(self.history, "")
        outer.addWidget(self.tabs, 1)
        self.show_post(None)

    def _comments_tab(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(4, 4, 4, 4)
        self.comments = QListWidget()
        self.comments.setWordWrap(True)
        self.comments.setAlternatingRowColors(True)
        self.comments.currentRowChanged.connect(self._comment_selected)
        column.addWidget(self.comments, 1)
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setPlaceholderText(
            _("A comment on this post: a question to the team, the client’s remark…")
        )
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setMaximumHeight(70)
        column.addWidget(self.comment_edit)
        row = QHBoxLayout()
        self.for_client = QCheckBox(_("For the client (shown in the approval pack)"))
        row.addWidget(self.for_client)
        row.addStretch(1)
        self.remove_comment_button = QPushButton(_("Remove the comment"))
        self.remove_comment_button.setEnabled(False)
        self.remove_comment_button.clicked.connect(self._remove_comment)
        row.addWidget(self.remove_comment_button)
        self.add_comment_button = QPushButton(_("Add the comment"))
        self.add_comment_button.clicked.connect(self._add_comment)
        row.addWidget(self.add_comment_button)
        column.addLayout(row)
        return box

    # -- showing -------------------------------------------------------------------------

    def show_post(
        self,
        post: Post | None,
        history: list[HistoryEntry] | None = None,
        comments: list[PostComment] | None = None,
        media: list[MediaItem] | None = None,
    ) -> None:
        changed = post is None or self.current is None or post.id != self.current.id
        self.current = post
        self.setEnabled(post is not None)
        if changed:
            self.comment_edit.clear()
            self.for_client.setChecked(False)
        if post is None:
            self.title.setText(_("No post selected"))
            self.meta.setText("")
            self.text.clear()
            self.images.setText("")
            self.state_note.setText("")
            for button in self.move_buttons.values():
                button.hide()
            self.decision_button.hide()
            self.schedule_button.hide()
            self.comments.clear()
            self.history.clear()
            self._tab_titles(0, 0)
            return
        self.title.setText(post_summary(post, 200))
        colour = STATE_COLOURS.get(post.state)
        self.title.setStyleSheet(f"color: {colour};" if colour else "")
        channels = ", ".join(channel_name(c) for c in dict.fromkeys(post.channels))
        parts = [
            post.state.label,
            post_time(post, self.zone) or _("no date"),
            channels or _("no channel yet"),
        ]
        self.meta.setText("  ·  ".join(parts))
        self.text.setPlainText(
            "\n\n".join(p for p in (post.title, post.text, post.link, post.first_comment) if p)
        )
        images = media or []
        self.images.setText(
            _("Images: {names}").format(
                names=", ".join(
                    f"{m.filename or m.mime} ({m.alt or _('no description')})" for m in images
                )
            )
            if images
            else ""
        )
        self.images.setVisible(bool(images))
        allowed = moves_from(post.state)
        for wanted, button in self.move_buttons.items():
            button.setVisible(wanted in allowed)
        self.decision_button.setVisible(post.state is S.IN_REVIEW)
        # A time (or a new one) for what is not sent yet: the dialog says what each state
        # allows (an idea only gets a date on the calendar).
        self.schedule_button.setVisible(post.state in EDITABLE or post.state is S.SCHEDULED)
        self.move_buttons[S.DRAFT].setText(
            _("Make it a draft") if post.state is S.IDEA else _("Back to draft")
        )
        self.delete_button.setEnabled(post.state in EDITABLE)
        self.state_note.setText(self._note(post.state))
        self.state_note.setVisible(bool(self.state_note.text()))
        self._fill_comments(comments or [])
        self._fill_history(history or [])

    def _note(self, state: PostState) -> str:
        if state is S.SCHEDULED:
            return _("Scheduled: move it back to draft to change it.")
        if state in (S.PUBLISHING, S.PUBLISHED):
            return _("Sent posts are kept as a record; comments can still be added.")
        if state is S.UNKNOWN:
            return _("Check on the network whether it went out.")
        return ""

    def _tab_titles(self, comments: int, history: int) -> None:
        self.tabs.setTabText(0, _("Comments ({count})").format(count=comments))
        self.tabs.setTabText(1, _("History ({count})").format(count=history))

    def _fill_comments(self, comments: list[PostComment]) -> None:
        self.comments.clear()
        for comment in comments:
            kind = _("for the client") if comment.for_client else _("internal")
            head = f"{format_when(comment.at, self.zone)} · {comment.author or '-'} · {kind}"
            item = QListWidgetItem(f"{head}\n{comment.body}")
            item.setData(COMMENT_ROLE, comment.id)
            self.comments.addItem(item)
        self.remove_comment_button.setEnabled(False)
        self._tab_titles(len(comments), self.history.count())

    def _fill_history(self, history: list[HistoryEntry]) -> None:
        self.history.clear()
        for entry in reversed(history):  # the latest first: what just happened
            self.history.addItem(history_line(entry, self.zone))
        self._tab_titles(self.comments.count(), len(history))

    # -- asking --------------------------------------------------------------------------

    def _emit(self, signal: SignalInstance) -> None:
        if self.current is not None:
            signal.emit(self.current.id)

    def _move(self, wanted: PostState) -> None:
        if self.current is not None:
            self.state_requested.emit(self.current.id, wanted)

    def _add_comment(self) -> None:
        text = self.comment_edit.toPlainText().strip()
        if self.current is None:
            return
        if not text:
            self.comment_edit.setFocus()
            return
        self.comment_requested.emit(self.current.id, text, self.for_client.isChecked())

    def comment_saved(self) -> None:
        self.comment_edit.clear()

    def _comment_selected(self, row: int) -> None:
        self.remove_comment_button.setEnabled(row >= 0)

    def _remove_comment(self) -> None:
        item = self.comments.currentItem()
        if item is not None:
            self.comment_removal_requested.emit(int(item.data(COMMENT_ROLE)))


def history_line(entry: HistoryEntry, zone: ZoneInfo | None) -> str:
    """ "12 janv. 09:30 · lea · state changed (Draft → In review) — the note"."""
    detail = f" — {entry.detail}" if entry.detail else ""
    return (
        f"{format_when(entry.at, zone)} · {entry.actor or '-'} · "
        f"{action_label(entry.action)}{state_move(entry)}{detail}"
    )
