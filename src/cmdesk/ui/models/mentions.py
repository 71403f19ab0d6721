"""The mention list: ids fetched page by page, rows built only when they are shown.

At a million mentions the model holds the ids it has paged in (8 bytes each) and a
bounded cache of rows around what is on screen (house rule 5), so scrolling the whole
list never holds a million row objects.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import OrderedDict
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from cmdesk.core.monitoring import SENTIMENT_LABELS, Mention
from cmdesk.i18n import _, format_when
from cmdesk.store.mentions import MentionFilter
from cmdesk.store.workspace import Workspace

Index = QModelIndex | QPersistentModelIndex
ID_PAGE = 2000
ROW_BLOCK = 100  # rows loaded together around the one asked for
CACHE_ROWS = 2000
SENTIMENT_COLOURS = {"negative": "#c0392b", "neutral": "#7f8c8d", "positive": "#27ae60"}
MENTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class MentionListModel(QAbstractTableModel):
    COLUMNS = ("starred", "title", "source", "published", "sentiment")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.ws: Workspace | None = None
        self.filter = MentionFilter()
        self._ids = array("q")
        self._exhausted = True
        self._cache: OrderedDict[int, Mention] = OrderedDict()
        self.tz: ZoneInfo | None = None  # the client's: its clock, not the laptop's

    # -- what is shown -------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None, flt: MentionFilter | None = None) -> None:
        self.beginResetModel()
        if ws is not None and ws is not self.ws:
            self.tz = ws.profile().zone
        self.ws = ws
        if flt is not None:
            self.filter = flt
        self._ids = array("q")
        self._cache.clear()
        self._exhausted = ws is None
        self.endResetModel()
        if ws is not None:
            self.fetchMore(QModelIndex())

    def set_filter(self, flt: MentionFilter) -> None:
        self.set_workspace(self.ws, flt)

    def reload(self) -> None:
        """Everything again (new mentions arrived, or states changed in bulk)."""
        self.set_workspace(self.ws, self.filter)

    def refresh_ids(self, ids: list[int]) -> None:
        """Rows whose state changed: drop them from the cache and repaint them."""
        for mention_id in ids:
            self._cache.pop(mention_id, None)
            row = self.row_of(mention_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def mention_id(self, row: int) -> int:
        return int(self._ids[row])

    def row_of(self, mention_id: int) -> int | None:
        # Ids are newest first (descending): a binary search instead of a dict, which
        # would cost ~100 MB at a million rows.
        row = bisect_left(self._ids, -mention_id, key=lambda value: -value)
        return row if row < len(self._ids) and self._ids[row] == mention_id else None

    def mention(self, row: int) -> Mention | None:
        if not 0 <= row < len(self._ids) or self.ws is None:
            return None
        mention_id = self._ids[row]
        cached = self._cache.get(mention_id)
        if cached is not None:
            self._cache.move_to_end(mention_id)
            return cached
        start = max(0, row - ROW_BLOCK // 2)
        block = self._ids[start : start + ROW_BLOCK]
        for found_id, found in self.ws.mentions.by_ids(list(block)).items():
            self._cache[found_id] = found
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(mention_id)

    def by_ids_cached(self, ids: list[int]) -> list[Mention]:
        """The rows of these ids as the list knows them (loading them if needed)."""
        found = []
        for mention_id in ids:
            row = self.row_of(mention_id)
            mention = self.mention(row) if row is not None else None
            if mention is not None:
                found.append(mention)
        return found

    @property
    def cached_rows(self) -> int:
        return len(self._cache)

    # -- Qt model protocol ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._exhausted or self.ws is None:
            return
        before = self._ids[-1] if self._ids else None
        ids = self.ws.mentions.ids(self.filter, before=before, limit=ID_PAGE)
        if len(ids) < ID_PAGE:
            self._exhausted = True
        if not ids:
            return
        first = len(self._ids)
        self.beginInsertRows(QModelIndex(), first, first + len(ids) - 1)
        self._ids.extend(ids)
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            "starred": "★",
            "title": _("Title"),
            "source": _("Source"),
            "published": _("Published"),
            "sentiment": _("Sentiment"),
        }[self.COLUMNS[section]]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == MENTION_ID_ROLE:
            return int(self._ids[index.row()])
        mention = self.mention(index.row())
        if mention is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(mention, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "sentiment" and mention.sentiment_reason:
                return mention.sentiment_reason
            if column == "title":
                return mention.url
        if role == Qt.ItemDataRole.FontRole and not mention.read:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == "sentiment":
            colour = SENTIMENT_COLOURS.get(mention.sentiment)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.AccessibleTextRole and column == "starred":
            return _("starred") if mention.starred else _("not starred")
        return None

    def _display(self, mention: Mention, column: str) -> str:
        if column == "starred":
            return "★" if mention.starred else ""
        if column == "title":
            return mention.title or _("(untitled)")
        if column == "source":
            return mention.source
        if column == "published":
            return format_when(mention.published_at, self.tz)
        if column == "sentiment":
            return _(SENTIMENT_LABELS.get(mention.sentiment, "")) if mention.sentiment else ""
        return ""
