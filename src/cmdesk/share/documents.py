"""What a delivery sends: documents made by producers, one kind each.

A producer makes the document of one period for one target (a team, or the client).
Delivery knows nothing else about it: reports and team digests register their own
producers here ("report", "digest"), and any kind registered can be scheduled. The kinds
defined here send the period's interactions of a team (or of the whole client) as a
spreadsheet, so delivery works end to end with what every workspace has.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import dropwhile, takewhile
from pathlib import Path
from typing import Any

from cmdesk.core.clock import to_iso
from cmdesk.core.delivery import Attachment, Document, Period, Target
from cmdesk.core.errors import InvalidData
from cmdesk.core.interactions import TYPE_LABELS
from cmdesk.i18n import N_, _
from cmdesk.share.handover import translator
from cmdesk.share.tables import write_table
from cmdesk.store import exports
from cmdesk.store.exports import Rows
from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.workspace import Workspace

Producer = Callable[[Workspace, Period, Target], Document]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # untranslated (N_), shown translated
    produce: Producer
    # Its documents are files (a spreadsheet): a webhook that carries text only (Slack,
    # Mattermost, Teams) would lose the point of it.
    needs_files: bool = False


_KINDS: dict[str, Kind] = {}


def register(name: str, label: str, produce: Producer, *, needs_files: bool = False) -> None:
    """Make a kind of document available to schedules (called once per kind, at import)."""
    _KINDS[name] = Kind(name, label, produce, needs_files)


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.name)


def kind(name: str) -> Kind:
    found = _KINDS.get(name)
    if found is None:
        raise InvalidData(
            _("cmdesk cannot make documents of the kind “{kind}” (known: {known}).").format(
                kind=name, known=", ".join(sorted(_KINDS))
            )
        )
    return found


def produce(ws: Workspace, name: str, period: Period, target: Target) -> Document:
    return kind(name).produce(ws, period, target)


# -- the period's interactions, as a spreadsheet ---------------------------------------------


def _in_period(rows: Rows, start: datetime, end: datetime) -> Rows:
    """The rows occurring in [start, end): the export lists newest first."""

    def keep() -> Iterator[Sequence[Any]]:
        later = dropwhile(lambda r: r[1] is not None and r[1] >= end, rows.rows)
        yield from takewhile(lambda r: r[1] is not None and r[1] >= start, later)

    return Rows(rows.kind, rows.columns, keep(), rows.count)


def _counts(ws: Workspace, start: datetime, end: datetime, team_id: int | None) -> list[Any]:
    sql = (
        "SELECT type, count(*) FROM interaction WHERE occurred_at >= ? AND occurred_at < ?"
        + (" AND team_id = ?" if team_id is not None else "")
        + " GROUP BY type ORDER BY count(*) DESC, type"
    )
    params: list[Any] = [to_iso(start), to_iso(end)]
    if team_id is not None:
        params.append(team_id)
    with ws.reading() as db:
        return db.execute(sql, params).fetchall()


def _interactions(ws: Workspace, period: Period, target: Target, fmt: str) -> Document:
    profile = ws.profile()
    lang = profile.language if profile.language in ("fr", "en") else "fr"
    t = translator(lang).gettext
    start, end = period.instants(profile.timezone)
    rows = exports.interactions(ws, InteractionFilter(team_id=target.team_id))
    with tempfile.TemporaryDirectory(prefix="cmdesk-send-") as folder:
        path = Path(folder) / f"export.{fmt}"
        written = write_table(_in_period(rows, start, end), path, fmt)
        data = path.read_bytes()
    who = target.name or profile.name
    when = period.describe(lang)
    subject = t(N_("{client} — interactions of {target}, {period}")).format(
        client=profile.name, target=who, period=when
    )
    counts = [
        (t(TYPE_LABELS.get(kind_, kind_)), n)
        for kind_, n in _counts(ws, start, end, target.team_id)
    ]
    intro = t(N_("{count} interactions of {target} for {period}; the list is attached.")).format(
        count=written, target=who, period=when
    )
    lines = [intro, ""] + [f"- {label}: {n}" for label, n in counts]
    if not written:
        lines = [t(N_("No interaction of {target} for {period}.")).format(target=who, period=when)]
    items = "".join(f"<li>{html.escape(label)}: {n}</li>" for label, n in counts)
    body = f"<p>{html.escape(lines[0])}</p>" + (f"<ul>{items}</ul>" if items else "")
    name = f"{profile.slug}-{t(N_('interactions'))}-{period.key}.{fmt}"
    mime = XLSX_MIME if fmt == "xlsx" else "text/csv"
    return Document(
        subject=subject,
        text="\n".join(lines) + "\n",
        html=f'<!DOCTYPE html><html lang="{lang}"><body>{body}</body></html>',
        attachments=(Attachment(name, mime, data),),
    )


def export_xlsx(ws: Workspace, period: Period, target: Target) -> Document:
    return _interactions(ws, period, target, "xlsx")


def export_csv(ws: Workspace, period: Period, target: Target) -> Document:
    return _interactions(ws, period, target, "csv")


register("export", N_("Interactions of the period (XLSX)"), export_xlsx, needs_files=True)
register("export-csv", N_("Interactions of the period (CSV)"), export_csv, needs_files=True)
