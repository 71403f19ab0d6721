"""What every document cmdesk writes shares: HTML tables, one self-contained HTML page,
and the same HTML drawn as a PDF by fpdf2.

The PDF uses the standard PDF fonts (Helvetica), which cover the Windows-1252 characters:
every French letter, typographic quotes and apostrophes, €, œ. Other characters (emoji,
non-Latin scripts) are replaced by their closest plain letter or dropped in the PDF; the
HTML keeps them. fpdf2 is pure Python: no browser and no system library, so a PDF comes
out the same in the installed app on every OS.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from pathlib import Path


def write_file(path: Path, data: bytes) -> Path:
    """Write a document through a temporary file beside it: an export that fails (a full
    disk, a crash) leaves no half-written document behind, nor replaces a good one."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.part")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def babel_locale(language: str) -> str:
    """The Babel locale documents are formatted in: French or English (British dates)."""
    return "fr_FR" if language.startswith("fr") else "en_GB"


def rgb(colour: str, default: str = "0072B2") -> tuple[int, int, int]:
    """#rrggbb as three numbers (fpdf2 takes colours so); `default` for anything else."""
    value = colour.lstrip("#")
    if len(value) != 6 or any(c not in "0123456789abcdefABCDEF" for c in value):
        value = default
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], border: bool = False) -> str:
    attrs = ' border="1" width="100%"' if border else ""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c) or '&nbsp;'}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# Characters with a plain equivalent that NFKD does not give: the minus of a sentiment
# reason ("déçue −3") would otherwise vanish.
_PLAIN = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u202f": " "})


def pdf_safe(text: str) -> str:
    """Text the standard PDF fonts can show: Windows-1252 kept, other letters reduced to
    their plain form (ő -> o), the rest dropped."""
    text = text.translate(_PLAIN)
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for char in text:
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char)
            out.append("".join(c for c in plain if c.isascii() and c.isprintable()))
    return "".join(out)


def html_to_pdf(title: str, page: str, colour: str) -> bytes:
    """`page` (HTML of fpdf2's subset: headings, paragraphs, lists, tables, links) as an
    A4 PDF, headings in `colour`."""
    from fpdf import FPDF  # ~0.2 s to import, with Pillow: only when a PDF is asked for
    from fpdf.html import DEFAULT_TAG_STYLES

    pdf = FPDF(format="A4")
    # fpdf2's default is the Latin-1 code, not Windows-1252's
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_title(pdf_safe(title))
    pdf.set_creator("cmdesk")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.write_html(
        pdf_safe(page),
        font_family="helvetica",
        table_line_separators=True,
        warn_on_tags_not_matching=False,
        ul_bullet_char="\u2022",
        li_prefix_color=colour,
        tag_styles={h: DEFAULT_TAG_STYLES[h].replace(color=colour) for h in ("h1", "h2", "h3")},
    )
    return bytes(pdf.output())
