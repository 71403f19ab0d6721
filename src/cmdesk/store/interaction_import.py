"""Interactions imported from a checked CSV file: all of them in one transaction, or none.

A broken row stops the whole import unless the caller chose to leave broken rows out
(they are then listed in the report). Rows already in the workspace, or twice in the
file, are skipped and counted: the same channel and link, or the same channel, author,
text and minute, is the same message (an export downloaded again overlaps the last
one). Authors are matched to contacts by handle, e-mail or name, and unknown ones
become contacts. Cancelling, or the process dying mid-way, leaves the workspace as it
was: SQLite rolls the open transaction back.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, to_iso
from cmdesk.core.csv_import import Candidate, ImportCancelled, ParsedRows, Progress, RowProblem
from cmdesk.core.csv_read import number
from cmdesk.core.errors import InvalidData
from cmdesk.i18n import _, ngettext
from cmdesk.store.interactions import insert

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

_EVERY = 500  # rows between progress reports and cancel checks
_SHOWN_PROBLEMS = 10  # in an error message; the report holds them all

TextKey = tuple[str, int | None, str, str]  # channel, contact, text, minute (UTC)


class BrokenRows(InvalidData):
    """Rows that cannot be imported, and the caller did not choose to skip them."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        rows = len({p.row for p in problems})
        lines = [
            ngettext(
                "{n} row cannot be imported, so nothing was imported. Correct it in the "
                "file, or choose to leave broken rows out.",
                "{n} rows cannot be imported, so nothing was imported. Correct them in the "
                "file, or choose to leave broken rows out.",
                rows,
            ).format(n=rows)
        ]
        lines += [p.describe() for p in problems[:_SHOWN_PROBLEMS]]
        if len(problems) > _SHOWN_PROBLEMS:
            lines.append(_("… and {n} more problems.").format(n=len(problems) - _SHOWN_PROBLEMS))
        super().__init__("\n".join(lines))


@dataclass
class ImportReport:
    rows: int  # data rows in the file
    imported: int = 0
    duplicates: int = 0  # skipped: already in the workspace or earlier in the file
    duplicate_rows: list[int] = field(default_factory=list)
    skipped_broken: int = 0  # broken rows left out, by the caller's choice
    problems: list[RowProblem] = field(default_factory=list)
    contacts_created: int = 0
    contacts_matched: int = 0
    changed_by_rules: int = 0  # imported interactions the automatic rules or the matrix changed
    dry_run: bool = False

    @property
    def changes(self) -> Changes:
        wrote = self.imported > 0 and not self.dry_run
        return Changes(
            interactions=wrote, contacts=wrote and self.contacts_created > 0, activity=wrote
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)  # problems as {"row", "column", "reason"}

    def summary(self) -> str:
        """“1,234 interactions imported, 56 duplicates skipped, 3 new contacts.”: each
        count with its plural and written as the user's language writes numbers."""
        if self.dry_run:
            first = ngettext(
                "Dry run, nothing written: {n} interaction would be imported",
                "Dry run, nothing written: {n} interactions would be imported",
                self.imported,
            )
        else:
            first = ngettext("{n} interaction imported", "{n} interactions imported", self.imported)
        parts = [
            first.format(n=number(self.imported)),
            ngettext("{n} duplicate skipped", "{n} duplicates skipped", self.duplicates).format(
                n=number(self.duplicates)
            ),
            ngettext("{n} new contact", "{n} new contacts", self.contacts_created).format(
                n=number(self.contacts_created)
            ),
        ]
        return ", ".join(parts) + "."


def _text_key(item: Candidate, contact_id: int | None) -> TextKey:
    return (item.channel, contact_id, " ".join(item.text.split()), to_iso(item.occurred_at)[:16])


def _existing(db: sqlite3.Connection, items: list[Candidate]) -> tuple[set[Any], set[TextKey]]:
    """The duplicate keys of what the workspace holds: every (channel, link), and the
    text keys of the minutes the file covers (read once, not a query per row)."""
    links = set(db.execute("SELECT channel, link FROM interaction WHERE link != ''"))
    texts: set[TextKey] = set()
    if items:
        first = to_iso(min(i.occurred_at for i in items))[:16]
        last = to_iso(max(i.occurred_at for i in items))[:16] + ":59"
        for channel, contact_id, text, minute in db.execute(
            "SELECT channel, contact_id, text, substr(occurred_at, 1, 16) FROM interaction "
            "WHERE occurred_at BETWEEN ? AND ?",
            (first, last),
        ):
            texts.add((channel, contact_id, " ".join(text.split()), minute))
    return links, texts


class _Contacts:
    """Authors to contact ids, each looked up once per import. In a dry run, unknown
    authors get placeholder ids (negative) so duplicates still compare by author."""

    def __init__(self, ws: Workspace, dry_run: bool) -> None:
        self.ws = ws
        self.dry_run = dry_run
        self.known: dict[tuple[str, str, str], int] = {}
        self.created = 0
        self.matched: set[int] = set()

    def resolve(self, item: Candidate) -> int | None:
        author, name = item.author, item.author_name
        if not author and not name:
            return None
        key = (item.channel, author.casefold(), name.casefold())
        if key in self.known:
            return self.known[key]
        # The handle (or e-mail) first, then the name: "Mme Lefèvre" in the author
        # column finds the contact created as "Françoise Lefèvre" from the name column.
        found = self.ws.contacts.find(author, network=item.channel) if author else None
        if found is None and name:
            found = self.ws.contacts.find(name, network=item.channel)
        if found is not None:  # (find raises InvalidData when several match)
            contact_id = found.id
            self.matched.add(contact_id)
        elif self.dry_run:
            self.created += 1
            contact_id = -self.created
        else:
            # A savepoint: a contact refused half-way must not stay behind when the
            # caller skips the row and imports the rest.
            with self.ws.reading() as db:
                db.execute("SAVEPOINT import_contact")
                try:
                    contact_id = self._create(item.channel, author, name)
                except BaseException:
                    db.execute("ROLLBACK TO import_contact")
                    raise
                finally:
                    db.execute("RELEASE import_contact")
            self.created += 1
        self.known[key] = contact_id
        return contact_id

    def _create(self, channel: str, author: str, name: str) -> int:
        add = self.ws.contacts.add
        if not author or " " in author.strip():  # a display name ("Marie Dupont")
            return add(name or author).id
        looks_like_email = "@" in author[1:] and "." in author.rpartition("@")[2]
        if channel == "email" or (looks_like_email and channel not in ("mastodon", "bluesky")):
            return add(name, email=author).id
        return add(name, handles=[(channel, author)]).id


def import_rows(
    ws: Workspace,
    parsed: ParsedRows,
    *,
    skip_broken: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Write the parsed rows as interactions, in one transaction. Raises BrokenRows
    when a row is broken and `skip_broken` is False, ImportCancelled when `cancel` is
    set; either way nothing is written. `dry_run` does everything but write."""
    if not parsed.complete:
        raise InvalidData(_("A preview cannot be imported: check every row first."))
    report = ImportReport(rows=parsed.total_rows, dry_run=dry_run)
    report.problems = list(parsed.problems)
    if report.problems and not skip_broken:
        raise BrokenRows(report.problems)
    author_column = parsed.mapping.get("author") or parsed.mapping.get("author_name", "")
    # A dry run only reads: it works while the app has the client open.
    with ws.reading() if dry_run else ws.atomic() as db:
        first_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM interaction").fetchone()[0])
        _write(ws, db, parsed.candidates, report, author_column, progress, cancel)
        if report.problems and not skip_broken:
            raise BrokenRows(report.problems)
        report.skipped_broken = len({p.row for p in report.problems})
        if report.imported and not dry_run:
            # The automatic rules and the escalation matrix, as for one logged by hand.
            report.changed_by_rules = ws.rules.on_imported(first_id)
            ws.record(
                "interaction.imported",
                f"{report.imported} from {parsed.table.name}, "
                f"{report.duplicates} duplicates, {report.skipped_broken} broken",
            )
    return report


def _write(
    ws: Workspace,
    db: sqlite3.Connection,
    items: list[Candidate],
    report: ImportReport,
    author_column: str,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    links, texts = _existing(db, items)
    contacts = _Contacts(ws, report.dry_run)
    stamp = iso_now()
    total = len(items)
    for done, item in enumerate(items):
        if done % _EVERY == 0:
            if cancel is not None and cancel.is_set():
                raise ImportCancelled
            if progress is not None:
                progress(done, total, _("Importing…"))
        link_key = (item.channel, item.link)
        duplicate = bool(item.link) and link_key in links
        if not duplicate:  # (a duplicate's author is not created as a contact)
            try:
                contact_id = contacts.resolve(item)
            except InvalidData as exc:
                report.problems.append(RowProblem(item.row, author_column, exc.message))
                continue
            text_key = _text_key(item, contact_id)
            duplicate = text_key in texts
        if duplicate:
            report.duplicates += 1
            report.duplicate_rows.append(item.row)
            continue
        if item.link:
            links.add(link_key)
        texts.add(text_key)
        report.imported += 1
        if not report.dry_run:
            _insert(db, item, contact_id, stamp)
    if cancel is not None and cancel.is_set():
        raise ImportCancelled
    report.contacts_created = contacts.created
    report.contacts_matched = len(contacts.matched)
    if progress is not None:
        progress(total, total, _("Importing…"))


def _insert(db: sqlite3.Connection, item: Candidate, contact_id: int | None, stamp: str) -> None:
    # The file says nothing of when an answered row was answered: first_response_at
    # stays empty rather than the import's time, which would read as days of delay.
    insert(
        db,
        channel=item.channel,
        direction=item.direction,
        visibility=item.visibility,
        contact_id=contact_id,
        occurred_at=to_iso(item.occurred_at),
        text=item.text,
        link=item.link,
        type=item.type,
        sentiment=item.sentiment,
        sentiment_reason=item.sentiment_reason,
        sentiment_by_user=item.sentiment_from_file,
        language=item.language,
        priority=item.priority,
        status=item.status,
        stamp=stamp,
        tags=item.tags,
    )


def duplicate_summary(rows: Iterable[int]) -> str:
    """“rows 4, 9, 12 and 3 more”: where the duplicates were, for a report line."""
    listed = list(rows)
    shown = ", ".join(str(r) for r in listed[:_SHOWN_PROBLEMS])
    if len(listed) > _SHOWN_PROBLEMS:
        shown += " " + _("and {n} more").format(n=len(listed) - _SHOWN_PROBLEMS)
    return shown
