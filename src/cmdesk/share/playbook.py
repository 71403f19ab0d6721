"""The client playbook exported to one self-contained HTML file, or to PDF.

Markdown is rendered by markdown-it-py (CommonMark and tables; raw HTML typed in a
section is shown as text, never run: the file is opened by other people). The HTML file
carries its styles and the client's logo inside it, so it can be mailed alone. The PDF
is drawn by fpdf2 from a plain version of the same HTML: pure Python, no browser and no
system library, so it works the same in the installed app on every OS.

The PDF uses the standard PDF fonts (Helvetica), which cover the Windows-1252 characters:
every French letter, typographic quotes and apostrophes, €, œ. Other characters (emoji,
non-Latin scripts) are replaced by their closest plain letter or dropped in the PDF; the
HTML export keeps them.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import TYPE_CHECKING

from cmdesk.core.escalation import format_target
from cmdesk.core.interactions import TEAM_KIND_LABELS, TYPE_LABELS
from cmdesk.core.playbook import SECTION_LABELS, PlaybookDocument
from cmdesk.i18n import N_, _
from cmdesk.share.document import html_to_pdf, table, write_file

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

FORMATS = ("html", "pdf")
PRIORITY_LABELS = {0: N_("normal"), 1: N_("important"), 2: N_("urgent")}
# Matrix and teams go between the written sections, where a new employee looks for them.
_ORDER = ("tone", "do_dont", "@matrix", "faq", "crisis", "contacts", "@teams")
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
  max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
header { border-bottom: 4px solid var(--brand); margin-bottom: 1.5rem; }
header img { max-height: 4rem; float: right; }
h1 { margin-bottom: .2rem; } h2 { color: var(--brand); margin-top: 2rem; }
.meta { color: #666; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; }
th, td { border: 1px solid #bbb; padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 1rem; color: #444; }
code { background: #f4f4f4; padding: 0 .2rem; }
nav ol { columns: 2; }
@media print { body { margin: 0; max-width: none; } nav { display: none; } }
"""


def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt  # ~35 ms: not on every command-line start

    # "commonmark" with html off: <script> typed in a section is shown, not run.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_html(text: str, shift: int = 2) -> str:
    """A section's Markdown as HTML, its headings moved `shift` levels down (a "# Title"
    inside a section sits under the section's own heading)."""
    md = _markdown()
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    return str(md.renderer.render(tokens, md.options, {}))


def _matrix(doc: PlaybookDocument, border: bool) -> str:
    if doc.matrix:
        rows = [
            (
                _(TYPE_LABELS[r.type]),
                " · ".join(x for x in (r.topic, f"#{r.tag}" if r.tag else "") if x) or "—",
                r.team,
                r.team_email,
            )
            for r in doc.matrix
        ]
        routes = table((_("Type"), _("Only when about"), _("Team"), _("E-mail")), rows, border)
    else:
        routes = f"<p><i>{html.escape(_('No escalation rule yet.'))}</i></p>"
    targets = table(
        (_("Priority"), _("First answer within")),
        [(_(PRIORITY_LABELS[p]), format_target_minutes(m)) for p, m in doc.targets],
        border,
    )
    note = _(
        "Targets count elapsed time, around the clock: nights, weekends and public "
        "holidays included."
    )
    return (
        f"{routes}<h3>{html.escape(_('Response-time targets'))}</h3>{targets}"
        f"<p>{html.escape(note)}</p>"
    )


def format_target_minutes(minutes: int) -> str:
    from datetime import timedelta

    return format_target(timedelta(minutes=minutes))


def _teams(doc: PlaybookDocument, border: bool) -> str:
    if not doc.teams:
        return f"<p><i>{html.escape(_('No team yet.'))}</i></p>"
    rows = [(t.name, _(TEAM_KIND_LABELS[t.kind]), t.email) for t in doc.teams]
    return table((_("Team"), _("Role"), _("E-mail")), rows, border)


def _parts(doc: PlaybookDocument, border: bool) -> list[tuple[str, str, str]]:
    """(anchor, heading, HTML) of each part shown, in order; unwritten sections left out."""
    parts = []
    for key in _ORDER:
        if key == "@matrix":
            parts.append(("escalation", _("Escalation matrix"), _matrix(doc, border)))
        elif key == "@teams":
            parts.append(("teams", _("Team contacts"), _teams(doc, border)))
        elif doc.sections.get(key, "").strip():
            parts.append((key, _(SECTION_LABELS[key]), markdown_html(doc.sections[key])))
    return parts


def _title(doc: PlaybookDocument) -> str:
    return _("Playbook: {client}").format(client=doc.client)


def _generated(doc: PlaybookDocument) -> str:
    return _("Generated on {date}").format(date=doc.generated_at.strftime("%Y-%m-%d %H:%M"))


def to_html(doc: PlaybookDocument) -> str:
    """One self-contained HTML page (styles and logo inside)."""
    parts = _parts(doc, border=False)
    logo = ""
    if doc.logo and doc.logo_mime:
        data = base64.b64encode(doc.logo).decode("ascii")
        logo = f'<img src="data:{doc.logo_mime};base64,{data}" alt="">'
    toc = "".join(f'<li><a href="#{a}">{html.escape(h)}</a></li>' for a, h, _b in parts)
    body = "".join(f'<section id="{a}"><h2>{html.escape(h)}</h2>{b}</section>' for a, h, b in parts)
    title = html.escape(_title(doc))
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(doc.language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>:root {{ --brand: {doc.colour}; }}{_CSS}</style></head>"
        f'<body><header>{logo}<h1>{title}</h1><p class="meta">{html.escape(_generated(doc))}'
        f"</p></header><nav><ol>{toc}</ol></nav>{body}</body></html>\n"
    )


def to_pdf(doc: PlaybookDocument) -> bytes:
    body = "".join(f"<h2>{html.escape(h)}</h2>{b}" for _a, h, b in _parts(doc, border=True))
    page = f"<h1>{html.escape(_title(doc))}</h1><p><i>{html.escape(_generated(doc))}</i></p>{body}"
    return html_to_pdf(_title(doc), page, doc.colour)


def export(doc: PlaybookDocument, path: Path, fmt: str) -> Path:
    """Write the playbook to `path` (through a temporary file: a failed export leaves no
    half-written document behind)."""
    return write_file(path, to_pdf(doc) if fmt == "pdf" else to_html(doc).encode("utf-8"))
