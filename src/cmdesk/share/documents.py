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

from cmdesk.core import periods
from cmdesk.core.clock import to_iso
from cmdesk.core.delivery import Attachment, Document, Period, Target
from cmdesk.core.errors import InvalidData
from cmdesk.core.interactions import TYPE_LABELS
from cmdesk.i18n import N_, _, translations
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
    t = translations(lang).gettext
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


# -- the team digest and the client report -----------------------------------------------------


# File names in the reader's language (not extracted from f-strings: kept apart).
_FEEDBACK, _REPORT = N_("feedback"), N_("report")
_ATTACHED = N_("The full report is attached.")


def report_period(ws: Workspace, period: Period) -> periods.Period:
    """A schedule's period as the reports and digests count it."""
    zone = ws.profile().zone
    start, end = period.instants(ws.profile().timezone)
    kind = {"monthly": "month", "weekly": "week"}.get(period.frequency.value, "days")
    return periods.Period(start.astimezone(zone), end.astimezone(zone), kind)


def team_digest(ws: Workspace, period: Period, target: Target) -> Document:
    """The team's customer feedback of the period: the page itself in the e-mail (it is
    plain HTML, no image), and as a PDF to keep or forward."""
    from cmdesk.share import digest

    team = ws.teams.get(target.team_id) if target.team_id is not None else None
    doc = digest.make(ws, report_period(ws, period), team)
    page = digest.to_html(doc)
    t = translations(doc.language).gettext
    who = target.name or ws.profile().name
    when = period.describe(doc.language)
    subject = t(N_("{client} — customer feedback for {target}, {period}")).format(
        client=doc.client, target=who, period=when
    )
    d = doc.digest
    text = t(N_("{count} messages from customers this period; {issues} raised again and "
                "again. The digest is attached as PDF.")).format(
        count=d.total, issues=len(d.recurring))  # fmt: skip
    name = f"{ws.profile().slug}-{t(_FEEDBACK)}-{period.key}.pdf"
    return Document(
        subject=subject,
        text=text + "\n",
        html=page,
        attachments=(Attachment(name, "application/pdf", digest.to_pdf(doc)),),
    )


def client_report(ws: Workspace, period: Period, target: Target) -> Document:
    """The client report of the period: its summary in the e-mail (mail programs show no
    charts drawn in SVG), the report itself attached as PDF and as an HTML page."""
    from cmdesk.share import report

    doc = report.make(ws, report_period(ws, period))
    words = report.summary_lines(doc)
    t = translations(doc.language).gettext
    when = period.describe(doc.language)
    subject = t(N_("{client} — community report, {period}")).format(client=doc.client, period=when)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in words)
    body = (
        f'<!DOCTYPE html><html lang="{doc.language}"><body><p>{html.escape(subject)}</p>'
        f"<ul>{items}</ul><p>{html.escape(t(_ATTACHED))}</p>"
        "</body></html>"
    )
    stem = f"{ws.profile().slug}-{t(_REPORT)}-{period.key}"
    return Document(
        subject=subject,
        text="\n".join(f"- {line}" for line in words) + "\n",
        html=body,
        attachments=(
            Attachment(f"{stem}.pdf", "application/pdf", report.to_pdf(doc)),
            Attachment(f"{stem}.html", "text/html", report.to_html(doc).encode("utf-8")),
        ),
    )


register("digest", N_("Customer feedback of a team (digest)"), team_digest)
register("report", N_("Client report"), client_report, needs_files=True)
