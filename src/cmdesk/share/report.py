"""The monthly client report, as HTML (from a Jinja2 template the user can replace) and
as PDF, in the client's language.

What it holds: a cover with the client's name and logo, a summary written from the
figures, the key figures against the period before, charts (each with its numbers),
notable mentions and interactions with their links, the posts published, and the
recommendations and next period's plan the community manager wrote (kept in the
workspace per period: `cmdesk report --recommendations FILE --plan FILE`).

The HTML template is `resources/templates/report.html`; a file of the same name in the
"templates" folder of the cmdesk folder takes its place, so that a consultant's reports
carry their own look. The PDF keeps cmdesk's own layout (fpdf2 draws a fixed subset of
HTML, not a template's CSS).
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_time
from babel.numbers import format_percent

from cmdesk.core.clock import utc_now
from cmdesk.core.digest import recurring
from cmdesk.core.indicators import Indicators, Times
from cmdesk.core.interactions import TYPE_LABELS
from cmdesk.core.networks import network_name
from cmdesk.core.objectives import Progress
from cmdesk.core.periods import Period
from cmdesk.i18n import N_
from cmdesk.share.charts import LIGHT, Chart
from cmdesk.share.dashboard import Words, chart_specs
from cmdesk.share.document import pdf_safe, rgb, table, write_file
from cmdesk.store import indicators
from cmdesk.store.feedback import received
from cmdesk.store.workspace import Workspace

FORMATS = ("html", "pdf")
TEMPLATE = "report.html"
_RESOURCES = Path(__file__).resolve().parent.parent / "resources" / "templates"
NOTES = ("recommendations", "plan")
REPORT_CHARTS = ("per_day", "tone", "topics", "types", "posts")
_LABELS = {
    "summary": N_("In short"),
    "charts": N_("Charts"),
    "numbers": N_("The numbers"),
    "notable_mentions": N_("Notable mentions"),
    "notable_interactions": N_("Notable messages"),
    "posts": N_("Posts published"),
    "no_posts": N_("No post was published in this period."),
    "date": N_("Date"),
    "channels": N_("Channels"),
    "text": N_("Text"),
    "see_it": N_("see it"),
    "recommendations": N_("Recommendations"),
    "plan": N_("Next period's plan"),
    "figure": N_("Indicator"),
    "value": N_("Value"),
    "objectives": N_("Objectives"),
    "objective": N_("Objective"),
    "target": N_("Target"),
    "result": N_("Result"),
    "state": N_("State"),
}
_STATES = {
    "met": N_("met"),
    "not_met": N_("not met"),
    "on_track": N_("on track"),
    "behind": N_("behind"),
    "no_data": N_("no data yet"),
}


def notes_key(period: Period, part: str) -> str:
    return f"report.{period.key()}.{part}"


@dataclass(frozen=True)
class ReportDocument:
    client: str
    language: str
    colour: str
    logo: bytes | None
    logo_mime: str
    period: Period
    figures: Indicators
    posts: list[tuple[datetime, str, list[tuple[str, str]]]]
    issue: str  # the issue most raised by customers, "" when none
    notes: dict[str, str]
    objectives: list[Progress]
    generated_at: datetime


def make(ws: Workspace, period: Period) -> ReportDocument:
    profile = ws.profile()
    items = received(ws, period.since, period.until)
    issues = recurring(items, (), (profile.name, *profile.keywords))
    return ReportDocument(
        client=profile.name,
        language=profile.language,
        colour=profile.colour or "#0072B2",
        logo=profile.logo,
        logo_mime=profile.logo_mime or "",
        period=period,
        figures=indicators.compute(ws, period),
        posts=indicators.published_posts(ws, period),
        issue=issues[0].words if issues else "",
        notes={part: str(ws.get_setting(notes_key(period, part), "") or "") for part in NOTES},
        objectives=ws.objectives.progress(period),
        generated_at=utc_now(),
    )


class _Text(Words):
    """Words and numbers in the client's language and locale."""

    def __init__(self, doc: ReportDocument) -> None:
        super().__init__(doc.language)
        self.doc = doc

    def title(self) -> str:
        return self.t(N_("Community report"))

    def period(self) -> str:
        p = self.doc.period
        if p.kind == "month":
            return self.period_name(p)
        first = format_date(p.since.date(), "long", locale=self.locale)
        last = format_date(p.last_day, "long", locale=self.locale)
        return self.t(N_("from {first} to {last}")).format(first=first, last=last)

    def generated(self) -> str:
        zone = self.doc.period.since.tzinfo
        moment = self.doc.generated_at.astimezone(zone)
        day = format_date(moment.date(), "long", locale=self.locale)
        hour = format_time(moment.time(), "short", locale=self.locale)
        return self.t(N_("Made with cmdesk on {date} at {time}")).format(date=day, time=hour)

    def count(self, text: str, n: int) -> str:
        """`text` (from ngettext, with {count}) with `n` in the locale's digits."""
        return text.format(count=self.n(n))

    def summary(self) -> list[str]:
        f, t = self.doc.figures, self.t
        lines = [
            self.count(
                self.tr.ngettext("{count} mention", "{count} mentions", f.mentions.now),
                f.mentions.now,
            )
            + " ("
            + t(N_("{change} against the period before")).format(change=self.change(f.mentions))
            + ")."
        ]
        total = f.mentions.now
        negative = f.sentiment["negative"]
        if total:
            share = format_percent(negative.now / total, locale=self.locale)
            lines.append(
                t(N_("{share} of them negative ({count}).")).format(
                    share=share, count=self.n(negative.now)
                )
            )
        if f.mentions_by_topic:
            topic, figures = next(iter(f.mentions_by_topic.items()))
            lines.append(
                t(N_("The topic most talked about: {topic} ({count}).")).format(
                    topic=topic, count=self.n(figures.now)
                )
            )
        if f.alerts.now:
            lines.append(
                self.count(
                    self.tr.ngettext(
                        "{count} alert raised.", "{count} alerts raised.", f.alerts.now
                    ),
                    f.alerts.now,
                )
            )
        if f.interactions.now or f.interactions.before:
            lines.append(
                self.count(
                    self.tr.ngettext(
                        "{count} message received", "{count} messages received", f.interactions.now
                    ),
                    f.interactions.now,
                )
                + " ("
                + t(N_("{change} against the period before")).format(
                    change=self.change(f.interactions)
                )
                + ")."
            )
        else:
            lines.append(t(N_("No message received from the community in this period.")))
        answer = f.first_response
        if answer.count:
            lines.append(
                t(
                    N_("Half of the messages answered within {median}, nine in ten within {p90}.")
                ).format(median=self.minutes(answer.median), p90=self.minutes(answer.p90))
            )
        if answer.within_share is not None:
            lines.append(
                t(N_("{share} answered within the response-time target.")).format(
                    share=format_percent(answer.within_share / 100, locale=self.locale)
                )
            )
        if self.doc.issue:
            lines.append(
                t(N_("Raised again and again by customers: “{issue}”.")).format(
                    issue=self.doc.issue
                )
            )
        lines.append(
            self.count(
                self.tr.ngettext(
                    "{count} post published.", "{count} posts published.", f.published.now
                ),
                f.published.now,
            )
        )
        return lines

    def figures(self) -> list[dict[str, str]]:
        f, t = self.doc.figures, self.t
        answer: Times = f.first_response
        return [
            {
                "value": self.n(f.mentions.now),
                "label": t(N_("mentions")) + f" ({self.change(f.mentions)})",
            },
            {"value": self.n(f.sentiment["negative"].now), "label": t(N_("negative mentions"))},
            {"value": self.n(f.alerts.now), "label": t(N_("alerts"))},
            {
                "value": self.n(f.interactions.now),
                "label": t(N_("messages received")) + f" ({self.change(f.interactions)})",
            },
            {"value": self.minutes(answer.median), "label": t(N_("median first answer"))},
            {"value": self.n(f.published.now), "label": t(N_("posts published"))},
        ]

    def charts(self) -> list[Chart]:
        """The dashboard's charts a client reads first; those with nothing to show are
        left out, but for the mentions and their tone."""
        specs = chart_specs(self.doc.figures, self, keys=REPORT_CHARTS)
        return [s.draw(LIGHT) for s in specs if s.key in ("per_day", "tone") or not s.empty]

    def notable(self) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        f = self.doc.figures
        mentions = [
            {
                "title": title or url,
                "url": url if url.startswith(("https://", "http://")) else "",
                "why": why,
            }
            for _id, title, url, why in f.notable_mentions
        ]
        messages = [
            {
                "kind": self.t(TYPE_LABELS.get(kind, kind)).capitalize(),
                "text": " ".join(text.split()),
                "url": link if link.startswith(("https://", "http://")) else "",
            }
            for _id, text, link, kind in f.notable_interactions
        ]
        return mentions, messages

    def objectives(self) -> list[dict[str, str]]:
        rows = []
        for p in self.doc.objectives:
            if p.value is None:
                state = "no_data"
            elif p.met:
                state = "met"
            elif p.elapsed < 1:
                state = "on_track" if p.on_track else "behind"
            else:
                state = "not_met"
            rows.append({
                "name": p.objective.name,
                "target": self.n(p.objective.target),
                "value": "—" if p.value is None else self.n(round(p.value, 1)),
                "state": self.t(_STATES[state]),
                "met": "yes" if p.met else "no",
            })  # fmt: skip
        return rows

    def posts(self) -> list[dict[str, Any]]:
        zone = self.doc.period.since.tzinfo
        return [
            {
                "date": format_date(at.astimezone(zone).date(), "medium", locale=self.locale),
                "text": " ".join(text.split())[:280],
                "links": [
                    {
                        "channel": network_name(c),
                        "url": u if u.startswith(("https://", "http://")) else "",
                    }
                    for c, u in links
                ],
            }
            for at, text, links in self.doc.posts
        ]


def summary_lines(doc: ReportDocument) -> list[str]:
    """The summary the report opens with, in the client's language (an e-mail's body)."""
    return _Text(doc).summary()


def _logo(doc: ReportDocument) -> str:
    if doc.logo and doc.logo_mime.startswith("image/"):
        return f"data:{doc.logo_mime};base64,{base64.b64encode(doc.logo).decode('ascii')}"
    return ""


def to_html(doc: ReportDocument, template_dir: Path | None = None) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    text = _Text(doc)
    folders = [str(p) for p in (template_dir, _RESOURCES) if p is not None and p.is_dir()]
    env = Environment(
        loader=FileSystemLoader(folders),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    mentions, messages = text.notable()
    return env.get_template(TEMPLATE).render(
        language=doc.language,
        title=text.title(),
        client=doc.client,
        colour=doc.colour,
        logo=_logo(doc),
        period_label=text.period(),
        generated=text.generated(),
        summary=text.summary(),
        figures=text.figures(),
        charts=text.charts(),
        notable_mentions=mentions,
        notable_interactions=messages,
        posts=text.posts(),
        objectives=text.objectives(),
        recommendations=doc.notes.get("recommendations", ""),
        plan=doc.notes.get("plan", ""),
        t={k: text.t(v) for k, v in _LABELS.items()},
    )


def to_pdf(doc: ReportDocument) -> bytes:
    from fpdf import FPDF

    text = _Text(doc)
    t, e = text.t, html.escape
    labels = {k: t(v) for k, v in _LABELS.items()}
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_title(pdf_safe(f"{text.title()} — {doc.client}"))
    pdf.set_creator("cmdesk")
    pdf.set_auto_page_break(auto=True, margin=15)

    def write(page: str) -> None:
        from fpdf.html import DEFAULT_TAG_STYLES

        pdf.write_html(
            pdf_safe(page),
            font_family="helvetica",
            table_line_separators=True,
            warn_on_tags_not_matching=False,
            ul_bullet_char="\u2022",
            li_prefix_color=doc.colour,
            tag_styles={
                h: DEFAULT_TAG_STYLES[h].replace(color=doc.colour) for h in ("h1", "h2", "h3")
            },
        )

    # The cover: a band of the client's colour, the logo, the client and the period.
    pdf.add_page()
    red, green, blue = rgb(doc.colour)
    pdf.set_fill_color(red, green, blue)
    pdf.rect(0, 0, pdf.w, 70, style="F")
    pdf.set_fill_color(255, 255, 255)  # tables drawn later take the current fill colour
    if doc.logo and doc.logo_mime in ("image/png", "image/jpeg", "image/svg+xml"):
        # A logo fpdf2 cannot read must not cost the report.
        with contextlib.suppress(Exception):
            pdf.image(io.BytesIO(doc.logo), x=pdf.w - 60, y=85, w=40, keep_aspect_ratio=True)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("helvetica", "B", 28)
    pdf.set_xy(20, 28)
    pdf.cell(text=pdf_safe(text.title()))
    pdf.set_text_color(34, 34, 34)
    pdf.set_font("helvetica", "B", 22)
    pdf.set_xy(20, 140)
    pdf.multi_cell(pdf.w - 40, 10, pdf_safe(doc.client))
    pdf.set_font("helvetica", "", 16)
    pdf.set_x(20)
    pdf.multi_cell(pdf.w - 40, 9, pdf_safe(text.period()))
    pdf.set_font("helvetica", "I", 10)
    pdf.set_text_color(110, 110, 110)
    pdf.set_xy(20, pdf.h - 30)
    pdf.cell(text=pdf_safe(text.generated()))
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("helvetica", size=11)
    # Summary and figures.
    pdf.add_page()
    figures = [(f["label"], f["value"]) for f in text.figures()]
    write(
        _bullets(labels["summary"], (e(line) for line in text.summary()))
        + f"<h3>{e(labels['numbers'])}</h3>"
        + table((labels["figure"], labels["value"]), figures, border=True)
    )
    # Charts, two a page, each with its numbers.
    for index, chart in enumerate(text.charts()):
        if index % 2 == 0:
            pdf.add_page()
            write(f"<h2>{e(labels['charts'])}</h2>" if index == 0 else "")
        pdf.image(io.BytesIO(chart.for_pdf()), w=180)
        pdf.ln(4)
    # Notable mentions and messages, posts, notes.
    pdf.add_page()
    mentions, messages = text.notable()
    parts = []
    if mentions:
        parts.append(
            _bullets(
                labels["notable_mentions"],
                (
                    _link(m["title"], m["url"]) + (f" ({e(m['why'])})" if m["why"] else "")
                    for m in mentions
                ),
            )
        )
    if messages:
        parts.append(
            _bullets(
                labels["notable_interactions"],
                (
                    f"{e(m['kind'])} — « {e(m['text'][:300])} »"
                    + (f" {_link(labels['see_it'], m['url'])}" if m["url"] else "")
                    for m in messages
                ),
            )
        )
    objectives = text.objectives()
    if objectives:
        goals = [(o["name"], o["target"], o["value"], o["state"]) for o in objectives]
        heads = (labels["objective"], labels["target"], labels["result"], labels["state"])
        parts.append(f"<h2>{e(labels['objectives'])}</h2>{table(heads, goals, True)}")
    posts = text.posts()
    parts.append(f"<h2>{e(labels['posts'])}</h2>")
    if posts:
        rows = [
            (p["date"], ", ".join(link["channel"] for link in p["links"]), p["text"]) for p in posts
        ]
        parts.append(table((labels["date"], labels["channels"], labels["text"]), rows, True))
    else:
        parts.append(f"<p>{e(labels['no_posts'])}</p>")
    for part in NOTES:
        if doc.notes.get(part, "").strip():
            paragraphs = "".join(
                f"<p>{e(p)}</p>" for p in doc.notes[part].split("\n\n") if p.strip()
            )
            parts.append(f"<h2>{e(labels[part])}</h2>{paragraphs}")
    write("".join(parts))
    return bytes(pdf.output())


def _bullets(title: str, items: Iterable[str]) -> str:
    """A heading and a list for the PDF's HTML (`items` are HTML already)."""
    return f"<h2>{html.escape(title)}</h2><ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _link(label: str, url: str) -> str:
    if url:
        return f'<a href="{html.escape(url)}">{html.escape(label)}</a>'
    return html.escape(label)


def export(doc: ReportDocument, path: Path, fmt: str, template_dir: Path | None = None) -> Path:
    """Write the report (through a temporary file: nothing half-written is left)."""
    data = to_pdf(doc) if fmt == "pdf" else to_html(doc, template_dir).encode("utf-8")
    return write_file(path, data)
