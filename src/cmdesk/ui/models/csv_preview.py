"""The CSV import's two tables: the first rows as they will be imported, and the problems.

A good row shows what cmdesk will store (the date in the client's time zone, the channel
guessed from the link, the type and sentiment proposed from the text, in italics with
their reason); a broken row shows the file's own cells, the wrong ones highlighted with
the reason as their tooltip, so the user sees at once what to fix in the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from babel.dates import format_datetime
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from cmdesk.core.classify import readable_reason
from cmdesk.core.csv_import import Candidate, ParsedRows, RowProblem
from cmdesk.core.interactions import CHANNEL_LABELS, STATUS_LABELS, TYPE_LABELS
from cmdesk.core.monitoring import SENTIMENT_LABELS
from cmdesk.i18n import N_, _, current_language
from cmdesk.ui.dialogs.capture import DIRECTION_LABELS, VISIBILITY_LABELS
from cmdesk.ui.models.interactions import PRIORITY_LABELS

Index = QModelIndex | QPersistentModelIndex
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1  # the reasons a cell is wrong, "" when it is fine
# Translucent, so it reads on light and dark palettes alike.
PROBLEM_BRUSH = QBrush(QColor(220, 53, 69, 90))

# Preview columns in reading order; "date" includes a separate time column.
_TITLES = {
    "row": N_("Row"),
    "date": N_("Date"),
    "channel": N_("Channel"),
    "author": N_("Author"),
    "author_name": N_("Name"),
    "text": N_("Message"),
    "link": N_("Link"),
    "type": N_("Type"),
    "sentiment": N_("Sentiment"),
    "direction": N_("Direction"),
    "visibility": N_("Visibility"),
    "status": N_("Status"),
    "priority": N_("Priority"),
    "tags": N_("Tags"),
}
# Always shown: cmdesk fills them even when the file does not say them.
_ALWAYS = ("row", "date", "channel", "text", "type", "sentiment")
_TEXT_CHARS = 140


def _when(candidate: Candidate, zone: tzinfo) -> str:
    # Month as a word: "3 Apr 2026" settles whether 03/04 was read day or month first.
    return str(
        format_datetime(
            candidate.occurred_at, "d MMM y HH:mm", tzinfo=zone, locale=current_language()
        )
    )


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _TEXT_CHARS else line[: _TEXT_CHARS - 1] + "…"


class PreviewModel(QAbstractTableModel):
    """The previewed rows of a ParsedRows (good and broken, in file order)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns: list[str] = list(_ALWAYS)
        self.rows: list[tuple[int, Candidate | None, tuple[str, ...]]] = []
        self.problems: dict[int, list[RowProblem]] = {}
        self.fields_of: dict[str, list[str]] = {}  # CSV column -> the fields read from it
        self.mapping: dict[str, str] = {}
        self.header: tuple[str, ...] = ()
        self.zone: tzinfo | None = None

    def show(self, parsed: ParsedRows | None, zone: tzinfo, rows: int) -> None:
        self.beginResetModel()
        self.zone = zone
        self.rows, self.problems, self.fields_of = [], {}, {}
        self.mapping = dict(parsed.mapping) if parsed is not None else {}
        self.columns = [c for c in _TITLES if c in _ALWAYS or c in self.mapping]
        if parsed is not None:
            self.header = parsed.table.header
            good = {c.row: c for c in parsed.candidates}
            for problem in parsed.problems:
                self.problems.setdefault(problem.row, []).append(problem)
            for number, cells in parsed.table.rows[:rows]:
                self.rows.append((number, good.get(number), cells))
            for name, column in self.mapping.items():
                field = "date" if name == "time" else name
                self.fields_of.setdefault(column, []).append(field)
        self.endResetModel()

    # -- Qt --------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            key = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return _(_TITLES[key])
            if role == Qt.ItemDataRole.ToolTipRole and key in self.mapping:
                return _("From the column “{column}”").format(column=self.mapping[key])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        number, candidate, cells = self.rows[index.row()]
        key = self.columns[index.column()]
        reasons = self._reasons(number, key)
        if role == PROBLEM_ROLE:
            return reasons
        if role == Qt.ItemDataRole.BackgroundRole:
            return PROBLEM_BRUSH if reasons else None
        if key == "row":
            if role == Qt.ItemDataRole.DisplayRole:
                return ("⚠ " if number in self.problems else "") + str(number)
            if role == Qt.ItemDataRole.ToolTipRole and number in self.problems:
                return "\n".join(p.reason for p in self.problems[number])
            return None
        if candidate is None:
            return self._raw(cells, key, role, reasons)
        return self._shown(candidate, key, role)

    def _reasons(self, number: int, key: str) -> str:
        found = []
        for problem in self.problems.get(number, ()):
            if not problem.column or key in self.fields_of.get(problem.column, ()):
                found.append(problem.reason)
        return "\n".join(found)

    def _raw(self, cells: tuple[str, ...], key: str, role: int, reasons: str) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return reasons or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        names = ["time"] if key == "date" and "time" in self.mapping else []
        values = []
        for name in [key, *names]:
            column = self.mapping.get(name)
            if column in self.header:
                at = self.header.index(column)
                values.append(cells[at] if at < len(cells) else "")
        return _short(" ".join(v for v in values if v))

    def _shown(self, item: Candidate, key: str, role: int) -> Any:
        proposed = {"type": item.type_reason, "sentiment": item.sentiment_reason}
        if key in proposed and self._proposed(item, key):
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                reason = readable_reason(proposed[key], item.text)
                return _("Proposed from the text: {reason}").format(reason=reason or "—")
        if key == "text" and role == Qt.ItemDataRole.ToolTipRole:
            return item.text
        if key == "link" and role == Qt.ItemDataRole.ToolTipRole:
            return item.link or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        zone = self.zone
        assert zone is not None
        value = {
            "date": lambda: _when(item, zone),
            "channel": lambda: _(CHANNEL_LABELS[item.channel]),
            "author": lambda: item.author,
            "author_name": lambda: item.author_name,
            "text": lambda: _short(item.text),
            "link": lambda: item.link,
            "type": lambda: _(TYPE_LABELS[item.type]),
            "sentiment": lambda: _(SENTIMENT_LABELS.get(item.sentiment, item.sentiment)),
            "direction": lambda: _(DIRECTION_LABELS[item.direction]),
            "visibility": lambda: _(VISIBILITY_LABELS[item.visibility]),
            "status": lambda: _(STATUS_LABELS[item.status]),
            "priority": lambda: _(PRIORITY_LABELS[item.priority]),
            "tags": lambda: ", ".join(item.tags),
        }[key]
        return value()

    def _proposed(self, item: Candidate, key: str) -> bool:
        """Was this value estimated from the text rather than read from the file?"""
        if key == "sentiment":
            return not item.sentiment_from_file
        return bool(item.type_reason) or key not in self.mapping


class ProblemsModel(QAbstractTableModel):
    """Broken rows, one line per problem: the row as a spreadsheet numbers it, the
    column, the reason."""

    TITLES = (N_("Row"), N_("Column"), N_("Problem"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.problems: list[RowProblem] = []

    def show(self, problems: Sequence[RowProblem]) -> None:
        self.beginResetModel()
        self.problems = list(problems)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.TITLES)
        ):
            return _(self.TITLES[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.problems)):
            return None
        problem = self.problems[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (
                str(problem.row),
                problem.column or _("(the whole row)"),
                problem.reason,
            )[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
