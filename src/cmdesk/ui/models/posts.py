"""The list of posts: paged in by id (newest first), a page of 200 at a time.

A client has hundreds of posts, rarely thousands: the model keeps the posts it paged in
(each a small dataclass) and asks the workspace for the next page only when the view
scrolls to the end (house rule 5).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from cmdesk.core.posts import PostState
from cmdesk.core.publication import Post, channel_name
from cmdesk.i18n import N_, _, format_when
from cmdesk.store.workspace import Workspace
from cmdesk.ui.models.interactions import first_line

Index = QModelIndex | QPersistentModelIndex
PAGE = 200
POST_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMN_TITLES = {
    "state": N_("State"),
    "when": N_("When"),
    "text": N_("Post"),
    "channels": N_("Channels"),
}
S = PostState
# What needs someone's attention stands out; what is done is quiet.
STATE_COLOURS = {
    S.IN_REVIEW: "#1f6fb2",
    S.CHANGES_REQUESTED: "#b35900",
    S.APPROVED: "#27ae60",
    S.SCHEDULED: "#27ae60",
    S.FAILED: "#c0392b",
    S.UNKNOWN: "#c0392b",
    S.PUBLISHED: "#7f8c8d",
}


def post_summary(post: Post, limit: int = 160) -> str:
    """One line that names the post: its title, else its text, else its link."""
    return first_line(post.title or post.text or post.link, limit)


def post_time(post: Post, zone: ZoneInfo | None) -> str:
    """When it goes out, on the client's clock; "" without a date."""
    if post.scheduled_at is None:
        return ""
    return format_when(post.scheduled_at, zone)


class PostListModel(QAbstractTableModel):
    COLUMNS = tuple(COLUMN_TITLES)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.ws: Workspace | None = None
        self.zone: ZoneInfo | None = None  # the client's: its clock, not the laptop's
        self.state: PostState | None = None
        self.channel: str | None = None
        self.text = ""
        self._posts: list[Post] = []
        self._exhausted = True

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.zone = ws.profile().zone if ws is not None else None
        self.reload()

    def set_filter(self, state: PostState | None, channel: str | None, text: str) -> None:
        self.state, self.channel, self.text = state, channel, text
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._posts = []
        self._exhausted = self.ws is None
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def post(self, row: int) -> Post | None:
        return self._posts[row] if 0 <= row < len(self._posts) else None

    def row_of(self, post_id: int) -> int | None:
        for row, post in enumerate(self._posts):
            if post.id == post_id:
                return row
        return None

    # -- Qt model protocol ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self._posts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._exhausted or self.ws is None:
            return
        before = self._posts[-1].id if self._posts else None
        found = self.ws.posts.page(
            self.state, channel=self.channel, text=self.text, limit=PAGE, before_id=before
        )
        if len(found) < PAGE:
            self._exhausted = True
        if not found:
            return
        first = len(self._posts)
        self.beginInsertRows(QModelIndex(), first, first + len(found) - 1)
        self._posts.extend(found)
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMN_TITLES[self.COLUMNS[section]])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        post = self.post(index.row()) if index.isValid() else None
        if post is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == POST_ID_ROLE:
            return post.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(post, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == "text":
            return first_line(post.text or post.title, 600)
        if role == Qt.ItemDataRole.ToolTipRole and column == "when" and post.scheduled_at:
            return _("On the client’s clock ({zone})").format(zone=self.zone or post.zone)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == "state"
            and post.state in STATE_COLOURS
        ):
            return QBrush(QColor(STATE_COLOURS[post.state]))
        return None

    def _display(self, post: Post, column: str) -> str:
        if column == "state":
            return post.state.label
        if column == "when":
            return post_time(post, self.zone) or _("no date")
        if column == "channels":
            return ", ".join(channel_name(c) for c in dict.fromkeys(post.channels))
        return post_summary(post)
