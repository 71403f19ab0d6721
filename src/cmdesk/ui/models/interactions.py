"""The triage inbox: ids fetched page by page, rows built only when they are shown.

Like the mention list, the model holds the ids it has paged in and a bounded cache of
rows around what is on screen (house rule 5). The first page (500 rows) paints at once;
scrolling past it brings every remaining id in one query: an inbox holds a few hundred
thousand rows at most (8 bytes each), and one sorted read of them all costs less than
a handful of pages.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from cmdesk.core.interactions import CHANNEL_LABELS, STATUS_LABELS, TYPE_LABELS, Interaction
from cmdesk.i18n import N_, _, format_when
from cmdesk.store import inbox
from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.workspace import Workspace
from cmdesk.ui.models.mentions import SENTIMENT_COLOURS

Index = QModelIndex | QPersistentModelIndex
FIRST_PAGE = 500
ROW_BLOCK = 100  # rows loaded together around the one asked for
CACHE_ROWS = 2000
INTERACTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PRIORITY_MARKS = {0: "", 1: "!", 2: "!!"}
PRIORITY_LABELS = {0: N_("normal"), 1: N_("important"), 2: N_("urgent")}
TYPE_COLOURS = {"complaint": "#c0392b", "crisis": "#8e1b10", "praise": "#27ae60"}
COLUMN_TITLES = {
    "priority": "!",
    "contact": N_("From"),
    "text": N_("Message"),
    "channel": N_("Channel"),
    "type": N_("Type"),
    "status": N_("Status"),
    "team": N_("Team"),
    "received": N_("Received"),
}


def first_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class InteractionListModel(QAbstractTableModel):
    COLUMNS = tuple(COLUMN_TITLES)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.ws: Workspace | None = None
        self.filter = InteractionFilter()
        self.text = ""  # the words typed in the search box
        self._ids = array("q")
        self._last: tuple[str, int] | None = None  # keyset of the last row paged in
        self._exhausted = True
        self._cache: OrderedDict[int, Interaction] = OrderedDict()
        self._names: dict[int, str] = {}  # contact display names of cached rows
        self._teams: dict[int, str] = {}
        self.tz: ZoneInfo | None = None  # the client's: its clock, not the laptop's

    # -- what is shown -------------------------------------------------------------------

    def set_workspace(
        self, ws: Workspace | None, flt: InteractionFilter | None = None, text: str | None = None
    ) -> None:
        self.beginResetModel()
        if ws is not None and ws is not self.ws:
            self.tz = ws.profile().zone
        self.ws = ws
        if flt is not None:
            self.filter = flt
        if text is not None:
            self.text = text
        self._ids = array("q")
        self._last = None
        self._cache.clear()
        self._names.clear()
        self._teams = {t.id: t.name for t in ws.teams.all()} if ws is not None else {}
        self._exhausted = ws is None
        self.endResetModel()
        if ws is not None:
            self.fetchMore(QModelIndex())

    def set_filter(self, flt: InteractionFilter, text: str = "") -> None:
        self.set_workspace(self.ws, flt, text)

    def reload(self) -> None:
        """Everything again (rows added, or left the filter after a change)."""
        self.set_workspace(self.ws)

    def refresh_ids(self, ids: list[int]) -> None:
        """Rows whose fields changed: drop them from the cache and repaint them."""
        if self.ws is not None:
            self._teams = {t.id: t.name for t in self.ws.teams.all()}
        for interaction_id in ids:
            self._cache.pop(interaction_id, None)
            row = self.row_of(interaction_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def interaction_id(self, row: int) -> int:
        return int(self._ids[row])

    def row_of(self, interaction_id: int) -> int | None:
        # Rows are ordered by date, not id: a scan of the ids paged in (a C loop over
        # at most a few hundred thousand integers).
        try:
            return self._ids.index(interaction_id)
        except ValueError:
            return None

    def interaction(self, row: int) -> Interaction | None:
        if not 0 <= row < len(self._ids) or self.ws is None:
            return None
        interaction_id = self._ids[row]
        cached = self._cache.get(interaction_id)
        if cached is not None:
            self._cache.move_to_end(interaction_id)
            return cached
        start = max(0, row - ROW_BLOCK // 2)
        found = inbox.by_ids(self.ws, list(self._ids[start : start + ROW_BLOCK]))
        self._cache.update(found)
        if len(self._names) > CACHE_ROWS:
            self._names.clear()  # names are rebuilt block by block for the rows shown
        unknown = {i.contact_id for i in found.values() if i.contact_id is not None}
        self._names.update(inbox.display_names(self.ws, sorted(unknown - set(self._names))))
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(interaction_id)

    def contact_name(self, item: Interaction) -> str:
        if item.contact_id is None:
            return ""
        if item.contact_id not in self._names and self.ws is not None:
            self._names.update(inbox.display_names(self.ws, [item.contact_id]))
        return self._names.get(item.contact_id, "")

    def team_name(self, team_id: int | None) -> str:
        return self._teams.get(team_id, "") if team_id is not None else ""

    def rows_of(self, ids: list[int]) -> list[Interaction]:
        found = []
        for interaction_id in ids:
            row = self.row_of(interaction_id)
            item = self.interaction(row) if row is not None else None
            if item is not None:
                found.append(item)
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
        limit = FIRST_PAGE if self._last is None else None
        found = inbox.ids(self.ws, self.filter, self.text, before=self._last, limit=limit)
        if limit is None or len(found) < limit:
            self._exhausted = True
        if not found:
            return
        first = len(self._ids)
        self.beginInsertRows(QModelIndex(), first, first + len(found) - 1)
        self._ids.extend(i for i, _at in found)
        self._last = (found[-1][1], found[-1][0])
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        column = self.COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMN_TITLES[column])
        if role == Qt.ItemDataRole.ToolTipRole and column == "priority":
            return _("Priority")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == INTERACTION_ID_ROLE:
            return int(self._ids[index.row()])
        item = self.interaction(index.row())
        if item is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "text":
                return first_line(item.text, 600)
            if column == "priority":
                return _(PRIORITY_LABELS[item.priority])
        if role == Qt.ItemDataRole.FontRole and item.status == "new":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == "type" and item.type in TYPE_COLOURS:
                return QBrush(QColor(TYPE_COLOURS[item.type]))
            if column == "priority" and item.priority:
                return QBrush(QColor(SENTIMENT_COLOURS["negative"]))
        if role == Qt.ItemDataRole.AccessibleTextRole and column == "priority":
            return _(PRIORITY_LABELS[item.priority])
        return None

    def _display(self, item: Interaction, column: str) -> str:
        if column == "priority":
            return PRIORITY_MARKS[item.priority]
        if column == "contact":
            return self.contact_name(item)
        if column == "text":
            return first_line(item.text or item.link)
        if column == "channel":
            return _(CHANNEL_LABELS[item.channel])
        if column == "type":
            return _(TYPE_LABELS[item.type])
        if column == "status":
            return _(STATUS_LABELS[item.status])
        if column == "team":
            return self.team_name(item.team_id)
        if column == "received":
            return format_when(item.occurred_at, self.tz)
        return ""
