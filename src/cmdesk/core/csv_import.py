"""Interactions from a CSV export: each row checked and turned into a candidate.

Nothing here touches a workspace. A row becomes a `Candidate` (an interaction ready
to be written) or one `RowProblem` per thing wrong with it, with the row number a
spreadsheet shows, the column and the reason in plain words, so the user can fix
the file. What the file does not say is proposed as for fast capture: the channel
from the link, the type and sentiment from the text (core.interactions.propose).

For a background task: `read_file` then `propose_mapping`, `preview` while the user
adjusts the mapping, then `parse_rows` (progress and cancel) and
store.interaction_import.import_rows.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from cmdesk.core.clock import utc_now
from cmdesk.core.csv_dates import (
    DATE_ORDERS,
    DAY_FIRST,
    detect_order,
    order_label,
    parse_moment,
    parse_time,
    zone_in_header,
)
from cmdesk.core.csv_fields import FIELD_LABELS, FIELDS, REQUIRED, VALUES, choices, value_of
from cmdesk.core.csv_fields import propose_mapping as _propose_from_header
from cmdesk.core.csv_read import CsvTable, number, quoted, read_file, read_table
from cmdesk.core.errors import CmdeskError, InvalidData
from cmdesk.core.interactions import CHANNELS, check_known, propose
from cmdesk.i18n import _

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "REQUIRED",
    "Candidate",
    "CsvTable",
    "ImportCancelled",
    "ParsedRows",
    "RowProblem",
    "check_mapping",
    "parse_rows",
    "preview",
    "propose_mapping",
    "quoted",
    "read_file",
    "read_table",
]

MAX_TEXT = 100_000  # as store.interactions: longer is refused here, not cut silently
MAX_LINK = 4_096
MAX_NAME = 200
MAX_TAGS = 20
# Dates a little ahead are a time zone slip; further ahead, a wrong column or year.
_FUTURE_SLACK = timedelta(days=1)
_EVERY = 500  # rows between progress reports and cancel checks
_TAG_SPLIT_RE = re.compile(r"[,;|]")

Progress = Callable[[int, int, str], None]


class ImportCancelled(CmdeskError):
    """The user cancelled: nothing was imported."""

    def __init__(self) -> None:
        super().__init__(_("Import cancelled: nothing was imported."))


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str  # the CSV column, "" for the whole row
    reason: str

    def describe(self) -> str:
        if self.column:
            return _("Row {row}, column “{column}”: {reason}").format(
                row=self.row, column=self.column, reason=self.reason
            )
        return _("Row {row}: {reason}").format(row=self.row, reason=self.reason)


@dataclass(frozen=True)
class Candidate:
    """One row ready to become an interaction."""

    row: int
    channel: str
    occurred_at: datetime  # aware
    text: str
    link: str = ""
    author: str = ""  # a handle, an e-mail or a name, as written
    author_name: str = ""
    direction: str = "in"
    visibility: str = "public"
    type: str = "other"
    type_reason: str = ""  # why it was proposed; "" when the file said it
    sentiment: str = ""
    sentiment_reason: str = ""
    sentiment_from_file: bool = False  # the file's (a person's) judgement: never re-estimated
    language: str = ""
    priority: int = 0
    status: str = "new"
    tags: tuple[str, ...] = ()


@dataclass
class ParsedRows:
    """Every row of a file checked (or the first ones, for a preview)."""

    table: CsvTable
    mapping: dict[str, str]
    candidates: list[Candidate] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    date_order: str = DAY_FIRST
    complete: bool = True  # False for a preview: only the first rows were parsed
    notes: list[str] = field(default_factory=list)  # how the file was read, in plain words

    @property
    def total_rows(self) -> int:
        return len(self.table.rows)

    @property
    def broken_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})


def propose_mapping(table: CsvTable) -> dict[str, str]:
    """field -> column, proposed from the header and the first rows' values."""
    return _propose_from_header(table.header, [cells for _row, cells in table.rows[:50]])


def check_mapping(mapping: Mapping[str, str], table: CsvTable) -> dict[str, str]:
    """The mapping with blanks dropped; InvalidData naming every unknown field, column
    not in the file, and required field without a column."""
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise InvalidData(
            _("Unknown fields: {names} (known: {known})").format(
                names=", ".join(unknown), known=", ".join(FIELDS)
            )
        )
    chosen = {f: c.strip() for f, c in mapping.items() if c and c.strip()}
    absent = [c for c in chosen.values() if c not in table.header]
    if absent:
        raise InvalidData(
            _("The file has no column {names}. Its columns: {columns}.").format(
                names=", ".join(quoted(c) for c in absent),
                columns=", ".join(quoted(c) for c in table.header),
            )
        )
    missing = [f for f in REQUIRED if f not in chosen]
    if missing:
        raise InvalidData(
            _("No column of the file was chosen for: {fields}. Its columns: {columns}.").format(
                fields=", ".join(f"{_(FIELD_LABELS[f])} ({f})" for f in missing),
                columns=", ".join(quoted(c) for c in table.header),
            )
        )
    return {f: chosen[f] for f in FIELDS if f in chosen}


class _RowParser:
    """The checks of one row, with what every row shares (columns, zone, date order)."""

    def __init__(
        self,
        table: CsvTable,
        mapping: dict[str, str],
        zone: tzinfo,
        order: str,
        default_channel: str,
    ) -> None:
        self.width = len(table.header)
        self.index = {f: table.header.index(c) for f, c in mapping.items()}
        self.position = {c: table.header.index(c) for c in mapping.values()}
        self.mapping = mapping
        self.zone = zone_in_header(mapping["date"]) or zone
        self.order = order
        self.default_channel = default_channel
        self.latest = utc_now() + _FUTURE_SLACK

    def cell(self, cells: tuple[str, ...], name: str) -> str:
        at = self.index.get(name)
        return cells[at].strip() if at is not None and at < len(cells) else ""

    def parse(self, row: int, cells: tuple[str, ...]) -> Candidate | list[RowProblem]:
        problems: list[RowProblem] = []

        def problem(name: str, reason: str) -> None:
            problems.append(RowProblem(row, self.mapping.get(name, ""), reason))

        extra = cells[self.width :]
        if len(cells) < self.width or any(c.strip() for c in extra):
            # Cells moved: a delimiter inside an unquoted message, or a line break that
            # split a row. Reading it anyway would file text under the wrong field.
            problem(
                "",
                _("it has {n} cells where the header has {width}").format(
                    n=len(cells), width=self.width
                ),
            )
            return problems
        # Line breaks inside a quoted cell come as the file wrote them (\r\n from Excel).
        text = self.cell(cells, "text").replace("\r\n", "\n").replace("\r", "\n")
        if not text:
            problem("text", _("the message is empty"))
        elif len(text) > MAX_TEXT:
            problem(
                "text",
                _("the message is longer than {limit} characters").format(limit=number(MAX_TEXT)),
            )
        moment = self._moment(cells, problem)
        link = self._link(self.cell(cells, "link"), problem)
        values: dict[str, object] = {}
        for name in VALUES:
            raw = self.cell(cells, name)
            if raw:
                found = value_of(name, raw)
                if found is None:
                    problem(name, self._unknown(name, raw))
                values[name] = found
        author = self.cell(cells, "author")
        author_name = " ".join(self.cell(cells, "author_name").split())
        for name, value in (("author", author), ("author_name", author_name)):
            if len(value) > MAX_NAME:
                problem(name, _("longer than {limit} characters").format(limit=MAX_NAME))
        pieces = (" ".join(t.split()) for t in _TAG_SPLIT_RE.split(self.cell(cells, "tags")))
        tags = tuple(t for t in pieces if t)
        if len(tags) > MAX_TAGS or any(len(t) > MAX_NAME for t in tags):
            problem("tags", _("too many or too long tags"))
        if problems or moment is None:
            # In the file's order of columns, as the user reads the row.
            return sorted(problems, key=lambda p: self.position.get(p.column, -1))
        guess = propose(text, link)
        channel = values.get("channel")
        if not channel:  # the link tells, else the channel the user chose for the file
            channel = guess.channel if guess.channel != "other" else self.default_channel
        kind = values.get("type")
        sentiment = values.get("sentiment")
        return Candidate(
            row=row,
            channel=str(channel or "other"),
            occurred_at=moment,
            text=text,
            link=link,
            author=author,
            author_name=author_name,
            direction=str(values.get("direction") or "in"),
            visibility=str(values.get("visibility") or "public"),
            type=str(kind or guess.type),
            type_reason="" if kind else guess.type_reason,
            sentiment=str(sentiment or guess.sentiment),
            sentiment_reason="" if sentiment else guess.sentiment_reason,
            sentiment_from_file=bool(sentiment),
            language=guess.language,
            priority=int(str(values.get("priority") or 0)),
            status=str(values.get("status") or "new"),
            tags=tags,
        )

    def _moment(
        self, cells: tuple[str, ...], problem: Callable[[str, str], None]
    ) -> datetime | None:
        try:
            moment = parse_moment(self.cell(cells, "date"), self.zone, self.order)
        except ValueError as exc:
            problem("date", str(exc))
            return None
        time_text = self.cell(cells, "time")
        if time_text:
            clock = parse_time(time_text)
            if clock is None:
                problem(
                    "time",
                    _("“{value}” is not a time cmdesk can read (for example 14:30)").format(
                        value=time_text[:40]
                    ),
                )
                return None
            moment = moment.replace(hour=clock[0], minute=clock[1], second=clock[2])
        if moment > self.latest:
            problem("date", _("{date} is in the future").format(date=moment.date().isoformat()))
            return None
        return moment

    @staticmethod
    def _link(link: str, problem: Callable[[str, str], None]) -> str:
        if not link:
            return ""
        if link.lower().startswith("www."):
            link = "https://" + link
        if len(link) > MAX_LINK:
            problem(
                "link",
                _("the link is longer than {limit} characters").format(limit=number(MAX_LINK)),
            )
        elif not re.match(r"^(https?://[^\s/]+|mailto:\S+@)\S*$", link, re.IGNORECASE):
            problem(
                "link",
                _("“{value}” is not a web address (http:// or https://)").format(value=link[:60]),
            )
        return link

    @staticmethod
    def _unknown(name: str, raw: str) -> str:
        return _("{what}: “{value}” is not a value cmdesk knows (known: {known})").format(
            value=raw[:40], what=_(FIELD_LABELS[name]), known=choices(name)
        )


def parse_rows(
    table: CsvTable,
    mapping: Mapping[str, str],
    zone: tzinfo,
    *,
    date_order: str | None = None,
    default_channel: str = "",
    limit: int | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ParsedRows:
    """Check every row (the first `limit` for a preview). `zone` is the client's time
    zone, for times written without one; `date_order` "dmy" or "mdy" for 03/04/2026,
    detected from the file when None. Raises InvalidData for a wrong mapping and
    ImportCancelled when `cancel` is set."""
    chosen = check_mapping(mapping, table)
    if default_channel:
        check_known(default_channel, CHANNELS, _("channel"))
    date_at = table.header.index(chosen["date"])
    certain = True
    if date_order is None:
        date_order, certain = detect_order(
            cells[date_at] for _row, cells in table.rows if date_at < len(cells)
        )
    else:
        check_known(date_order, DATE_ORDERS, _("date order"))
    parser = _RowParser(table, chosen, zone, date_order, default_channel)
    rows = table.rows if limit is None else table.rows[:limit]
    parsed = ParsedRows(table, chosen, date_order=date_order, complete=limit is None)
    parsed.notes = _notes(table, parser, certain)
    total = len(rows)
    for done, (row, cells) in enumerate(rows):
        if done % _EVERY == 0:
            if cancel is not None and cancel.is_set():
                raise ImportCancelled
            if progress is not None and done:
                progress(done, total, _("Checking the rows…"))
        result = parser.parse(row, cells)
        if isinstance(result, Candidate):
            parsed.candidates.append(result)
        else:
            parsed.problems.extend(result)
    if cancel is not None and cancel.is_set():
        raise ImportCancelled
    if progress is not None:
        progress(total, total, _("Checking the rows…"))
    return parsed


def preview(
    table: CsvTable,
    mapping: Mapping[str, str],
    zone: tzinfo,
    *,
    rows: int = 20,
    date_order: str | None = None,
    default_channel: str = "",
) -> ParsedRows:
    """The first `rows` rows parsed, with their problems: fast enough to run again each
    time the user changes the mapping. The date order is still read from every row."""
    return parse_rows(
        table, mapping, zone, date_order=date_order, default_channel=default_channel, limit=rows
    )


def _notes(table: CsvTable, parser: _RowParser, certain: bool) -> list[str]:
    notes = [
        _("Read as {encoding}, columns separated by {delimiter}.").format(
            encoding=table.encoding_label, delimiter=table.delimiter_label
        )
    ]
    if table.encoding_guessed:
        notes.append(
            _(
                "The file is not in UTF-8: accented letters were read as {encoding}. Check "
                "them in the preview."
            ).format(encoding=table.encoding_label)
        )
    if not certain or parser.order != DAY_FIRST:
        notes.append(
            _("Dates such as 03/04/2026 are read as {order}.").format(
                order=order_label(parser.order)
            )
        )
    zone_name = str(parser.zone)
    notes.append(
        _("Times written without a time zone are taken as {zone} time.").format(zone=zone_name)
    )
    return notes
