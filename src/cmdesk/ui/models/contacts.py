"""The contacts list: every community member with handles, tags and how often they wrote.

A client has hundreds, at most a few thousand contacts: the whole list is read in
three queries and filtered in memory as the user types.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from cmdesk.core.interactions import CHANNEL_LABELS, Contact
from cmdesk.i18n import N_, _
from cmdesk.store import inbox
from cmdesk.store.inbox import word_pattern
from cmdesk.store.workspace import Workspace

Index = QModelIndex | QPersistentModelIndex
CONTACT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMN_TITLES = {
    "name": N_("Name"),
    "handles": N_("Handles"),
    "tags": N_("Tags"),
    "count": N_("Interactions"),
}


def handles_text(contact: Contact) -> str:
    return ", ".join(f"@{h} ({_(CHANNEL_LABELS.get(n, n))})" for n, h in contact.handles)


def matches(contact: Contact, words: list[str]) -> bool:
    """Every typed word in the name, a handle, the e-mail or a tag (case and accents
    ignored, as in the inbox's search)."""
    from fnmatch import fnmatchcase

    haystack = " ".join(
        (contact.name, contact.email, *(h for _n, h in contact.handles), *contact.tags)
    )
    return all(fnmatchcase(haystack, word_pattern(w)) for w in words)


class ContactListModel(QAbstractTableModel):
    COLUMNS = tuple(COLUMN_TITLES)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.ws: Workspace | None = None
        self._all: list[Contact] = []
        self.rows: list[Contact] = []
        self.counts: dict[int, int] = {}
        self.text = ""
        self.tag = ""

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.reload()

    def reload(self) -> None:
        if self.ws is None:
            self._all, self.counts = [], {}
        else:
            found = inbox.contacts(self.ws)
            self._all = sorted(found, key=lambda c: (c.display_name.lstrip("@").casefold(), c.id))
            self.counts = inbox.interaction_counts(self.ws)
        self._narrow()

    def set_filter(self, text: str, tag: str) -> None:
        self.text, self.tag = text, tag
        self._narrow()

    def _narrow(self) -> None:
        self.beginResetModel()
        words = self.text.split()
        self.rows = [
            c
            for c in self._all
            if (not self.tag or self.tag.casefold() in (t.casefold() for t in c.tags))
            and (not words or matches(c, words))
        ]
        self.endResetModel()

    def tags(self) -> list[str]:
        return sorted({t for c in self._all for t in c.tags}, key=str.casefold)

    @property
    def total(self) -> int:
        return len(self._all)

    def contact(self, row: int) -> Contact | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, contact_id: int) -> int | None:
        return next((i for i, c in enumerate(self.rows) if c.id == contact_id), None)

    # -- Qt model protocol ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMN_TITLES[self.COLUMNS[section]])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        contact = self.rows[index.row()]
        if role == CONTACT_ID_ROLE:
            return contact.id
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "name":
                return contact.display_name
            if column == "handles":
                return ", ".join("@" + h for _n, h in contact.handles)
            if column == "tags":
                return ", ".join(contact.tags)
            if column == "count":
                return str(self.counts.get(contact.id, 0))
        if role == Qt.ItemDataRole.ToolTipRole and column == "handles":
            return handles_text(contact)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "count":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
