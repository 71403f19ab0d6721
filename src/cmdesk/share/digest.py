"""A team's feedback digest written for the team: HTML (one self-contained page, also the
body of an e-mail), PDF, and the messages themselves as CSV or XLSX for those who sort
and filter. Written in the client's language, whatever the language of the app: the
readers are the client's staff.
"""

from __future__ import annotations

import gettext
import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime

from cmdesk.core.digest import Digest, FeedbackItem, Issue, build, short, subject, trend
from cmdesk.core.interactions import CHANNEL_LABELS, TYPE_LABELS, Team
from cmdesk.core.periods import Period
from cmdesk.i18n import N_, translations
from cmdesk.share.document import babel_locale, html_to_pdf, pdf_safe, table, write_file
from cmdesk.share.tables import write_table
from cmdesk.store.exports import Column, Rows
from cmdesk.store.feedback import received, topic_queries
from cmdesk.store.workspace import Workspace

FORMATS = ("html", "pdf", "csv", "xlsx")
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
  max-width: 50rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { margin-bottom: .2rem; } h2 { color: var(--brand); margin-top: 2rem; }
.meta { color: #666; } .up { color: #b3261e; } .down { color: #1e7d32; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; }
th, td { border: 1px solid #ccc; padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.n { text-align: right; }
blockquote { border-left: 3px solid var(--brand); margin: .6rem 0; padding: .1rem .9rem; }
.issue { background: #fff6e0; border: 1px solid #f0c36d; padding: .5rem .9rem; margin: .6rem 0; }
"""
_NO_SUBJECT = N_("Other subjects")
_NOTHING = N_("No message from customers concerned this team in the period.")
_COMPARED = N_("{messages} this period ({change} against the period before, {before}).")
_IN_SHORT, _BY_TYPE, _BY_SUBJECT = N_("In short"), N_("By type"), N_("By subject")
_RAISED = N_("Raised again and again")
_SEE_IT = N_("see it")
ITEM_COLUMNS = (
    Column("date", N_("Date"), "time"),
    Column("subject", N_("Subject")),
    Column("type", N_("Type")),
    Column("channel", N_("Channel")),
    Column("sentiment", N_("Sentiment")),
    Column("contact", N_("Contact")),
    Column("text", N_("Message")),
    Column("link", N_("Link"), "link"),
    Column("recurring", N_("Recurring issue")),
)


@dataclass(frozen=True)
class DigestDocument:
    client: str
    team: str  # "" for every team
    period: Period
    digest: Digest
    subjects: dict[int, str]  # item id -> its subject
    language: str = "fr"
    colour: str = "#2f6fb0"


class _Writer:
    """The digest's text in the reader's language."""

    def __init__(self, doc: DigestDocument) -> None:
        self.doc = doc
        self.tr: gettext.NullTranslations = translations(doc.language)
        self.t = self.tr.gettext
        self.locale = babel_locale(doc.language)

    def title(self) -> str:
        doc = self.doc
        if doc.team:
            return self.t(N_("Customer feedback for {team}")).format(team=doc.team)
        return self.t(N_("Customer feedback"))

    def period(self) -> str:
        p = self.doc.period
        first = format_date(p.since.date(), "long", locale=self.locale)
        last = format_date(p.last_day, "long", locale=self.locale)
        return self.t(N_("{client}, from {first} to {last}")).format(
            client=self.doc.client, first=first, last=last
        )

    def count(self, n: int) -> str:
        return self.tr.ngettext("{count} message", "{count} messages", n).format(count=n)

    def change(self, now: int, before: int) -> str:
        pct = trend(now, before)
        if pct is None:
            return self.t(N_("new")) if now else "—"
        sign = "+" if pct > 0 else ""
        return f"{sign}{pct:g} %" if self.doc.language == "fr" else f"{sign}{pct:g}%"

    def type_label(self, kind: str) -> str:
        label = self.t(TYPE_LABELS.get(kind, kind))
        return label[:1].upper() + label[1:]

    def subject(self, name: str) -> str:
        return name or self.t(_NO_SUBJECT)

    def when(self, moment: datetime) -> str:
        zone = self.doc.period.since.tzinfo
        return format_datetime(moment.astimezone(zone), "short", locale=self.locale)

    # -- the HTML both the page and the PDF are made of ------------------------------------

    def summary(self) -> str:
        d = self.doc.digest
        e = html.escape
        if not d.total:
            return f"<p>{e(self.t(_NOTHING))}</p>"
        compared = self.t(_COMPARED).format(
            messages=self.count(d.total),
            change=self.change(d.total, d.previous_total),
            before=self.count(d.previous_total),
        )
        lines = [
            compared,
            self.tr.ngettext(
                "{count} of them negative (complaints, crises or a negative tone).",
                "{count} of them negative (complaints, crises or a negative tone).",
                d.negative,
            ).format(count=d.negative),
        ]
        if d.recurring:
            lines.append(
                self.tr.ngettext(
                    "{count} issue raised again and again: see below.",
                    "{count} issues raised again and again: see below.",
                    len(d.recurring),
                ).format(count=len(d.recurring))
            )
        return "<ul>" + "".join(f"<li>{e(line)}</li>" for line in lines) + "</ul>"

    def by_type(self, border: bool) -> str:
        t = self.t
        rows = [
            (self.type_label(kind), str(now), str(before), self.change(now, before))
            for kind, (now, before) in self.doc.digest.by_type.items()
        ]
        heads = (t(N_("Type")), t(N_("This period")), t(N_("Period before")), t(N_("Change")))
        return table(heads, rows, border)

    def groups(self, border: bool) -> str:
        t = self.t
        rows = [
            (
                self.subject(g.subject), self.type_label(g.type), str(g.count), str(g.previous),
                self.change(g.count, g.previous), str(g.negative),
            )
            for g in self.doc.digest.groups
        ]  # fmt: skip
        heads = (t(N_("Subject")), t(N_("Type")), t(N_("This period")), t(N_("Period before")),
                 t(N_("Change")), t(N_("Negative")))  # fmt: skip
        return table(heads, rows, border)

    def quote(self, item: FeedbackItem) -> str:
        e = html.escape
        who = item.contact or self.t(N_("anonymous"))
        where = self.t(CHANNEL_LABELS.get(item.channel, item.channel))
        meta = f"{e(who)}, {e(where)}, {e(self.when(item.occurred_at))}"
        if item.link.startswith(("https://", "http://")):
            meta += f' — <a href="{e(item.link)}">{e(self.t(_SEE_IT))}</a>'
        return f"<blockquote><p>« {e(short(item.text))} »</p><p><i>{meta}</i></p></blockquote>"

    def issue(self, issue: Issue) -> str:
        e = html.escape
        head = self.tr.ngettext(
            "“{words}”: {count} message from {people} people",
            "“{words}”: {count} messages from {people} people",
            issue.count,
        ).format(words=issue.words, count=issue.count, people=issue.people)
        if issue.lasting:
            head += " — " + self.tr.ngettext(
                "already raised {count} time the period before",
                "already raised {count} times the period before",
                issue.previous,
            ).format(count=issue.previous)
        quotes = "".join(self.quote(q) for q in issue.quotes)
        return f'<div class="issue"><p><b>{e(head)}</b></p>{quotes}</div>'

    def body(self, border: bool) -> str:
        t, e, d = self.t, html.escape, self.doc.digest
        parts = [f"<h2>{e(t(_IN_SHORT))}</h2>{self.summary()}"]
        if d.total or d.previous_total:
            parts.append(f"<h2>{e(t(_BY_TYPE))}</h2>{self.by_type(border)}")
        if d.recurring:
            parts.append(f"<h2>{e(t(_RAISED))}</h2>" + "".join(self.issue(i) for i in d.recurring))
        if d.groups:
            parts.append(f"<h2>{e(t(_BY_SUBJECT))}</h2>{self.groups(border)}")
            for group in d.groups:
                if group.quotes:
                    heading = f"{self.subject(group.subject)} — {self.type_label(group.type)}"
                    parts.append(
                        f"<h3>{e(heading)}</h3>" + "".join(self.quote(q) for q in group.quotes)
                    )
        return "".join(parts)


def to_html(doc: DigestDocument) -> str:
    w = _Writer(doc)
    e = html.escape
    return (
        f'<!DOCTYPE html>\n<html lang="{e(doc.language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(w.title())}</title><style>:root {{ --brand: {e(doc.colour)}; }}{_CSS}"
        f'</style></head><body><h1>{e(w.title())}</h1><p class="meta">{e(w.period())}</p>'
        f"{w.body(border=False)}</body></html>\n"
    )


def to_pdf(doc: DigestDocument) -> bytes:
    w = _Writer(doc)
    page = (
        f"<h1>{html.escape(w.title())}</h1><p><i>{html.escape(w.period())}</i></p>"
        f"{w.body(border=True)}"
    )
    return html_to_pdf(pdf_safe(w.title()), page, doc.colour)


def item_rows(doc: DigestDocument) -> Rows:
    """The period's messages, one a row, with their subject and whether they belong to an
    issue raised again and again."""
    w = _Writer(doc)
    in_issue: dict[int, str] = {}
    for issue in reversed(doc.digest.recurring):  # the most raised wins
        in_issue.update(dict.fromkeys(issue.ids, issue.words))
    zone = doc.period.since.tzinfo

    def rows() -> Iterator[Sequence[Any]]:
        for item in doc.digest.items:
            yield (
                item.occurred_at.astimezone(zone),
                w.subject(doc.subjects.get(item.id, "")),
                w.type_label(item.type),
                w.t(CHANNEL_LABELS.get(item.channel, item.channel)),
                item.sentiment,
                item.contact,
                item.text,
                item.link,
                in_issue.get(item.id, ""),
            )

    return Rows("interactions", ITEM_COLUMNS, rows(), len(doc.digest.items))


def make(ws: Workspace, period: Period, team: Team | None = None) -> DigestDocument:
    """The digest of `period` for `team` (None: every message, whichever team)."""
    team_id = None if team is None else team.id
    items = received(ws, period.since, period.until, team_id)
    previous_period = period.previous()
    previous = received(ws, previous_period.since, previous_period.until, team_id)
    topics = topic_queries(ws)
    profile = ws.profile()
    return DigestDocument(
        client=profile.name,
        team="" if team is None else team.name,
        period=period,
        digest=build(items, previous, topics, (profile.name, *profile.keywords)),
        subjects={i.id: subject(i, topics) for i in items},
        language=profile.language,
        colour=profile.colour or "#2f6fb0",
    )


def export(doc: DigestDocument, path: Path, fmt: str) -> Path:
    """Write the digest (through a temporary file: nothing half-written is left)."""
    path = Path(path)
    if fmt in ("csv", "xlsx"):
        write_table(item_rows(doc), path, fmt, headings=_Writer(doc).t)
        return path
    return write_file(path, to_pdf(doc) if fmt == "pdf" else to_html(doc).encode("utf-8"))
