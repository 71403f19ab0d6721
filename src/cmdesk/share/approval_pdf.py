"""The approval pack as a PDF: a cover, then one post per page, to read or print.

Drawn by fpdf2 with fonts shipped in resources/fonts (DejaVu Sans, and Symbola for
emoji), embedded as subsets: every letter of a post, whatever its script or its emoji,
reads the same on the client's machine. The client answers by e-mail, or ticks the boxes
under each post on paper; the HTML pack is the one that builds an answer file.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

from cmdesk.core.approval import ApprovalPack, PackImage, PackPost
from cmdesk.share import approval_text as w
from cmdesk.share.approval_text import PackText, channel_name, extras_lines, text_for
from cmdesk.share.document import rgb

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS = Path(__file__).resolve().parent.parent / "resources" / "fonts"
FONT = "DejaVu"
MARGIN = 20.0
GREY = (100, 100, 100)
INK = (34, 34, 34)
LINE = 5.6  # body line height in mm, for 11 pt


def _document(pack: ApprovalPack, t: PackText) -> FPDF:
    from fpdf import FPDF  # ~0.2 s to import, with Pillow: only when a PDF is asked for

    title = f"{t.t(w.TITLE)} — {pack.client_name}"
    page_label = t.t(w.PAGE)

    class PackPDF(FPDF):
        def header(self) -> None:
            if self.page_no() == 1:
                return
            self.set_font(FONT, size=8)
            self.set_text_color(*GREY)
            self.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font(FONT, size=8)
            self.set_text_color(*GREY)
            self.cell(0, 6, page_label.format(page=self.page_no(), pages="{nb}"), align="C")

    pdf = PackPDF(format="A4")
    pdf.set_margins(MARGIN, 16, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("Symbola", "", str(FONTS / "Symbola-emoji.ttf"))
    # Emoji and pictographs DejaVu lacks come from Symbola, in any style.
    pdf.set_fallback_fonts(["Symbola"], exact_match=False)
    pdf.set_title(title)
    pdf.set_lang(pack.language)
    pdf.set_creator("cmdesk")
    return pdf


def _para(
    pdf: FPDF, text: str, size: float = 11, bold: bool = False, colour: tuple[int, int, int] = INK
) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.51, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, text: str, brand: tuple[int, int, int]) -> None:
    if pdf.get_y() > pdf.h - 50:  # a heading never ends a page
        pdf.add_page()
    pdf.ln(3)
    _para(pdf, text, 12, bold=True, colour=brand)
    pdf.ln(1)


def _cover(pdf: FPDF, pack: ApprovalPack, t: PackText, brand: tuple[int, int, int]) -> None:
    pdf.add_page()
    pdf.set_fill_color(*brand)
    pdf.rect(0, 0, pdf.w, 12, style="F")
    pdf.set_y(30)
    if pack.logo and pack.logo_mime in ("image/png", "image/jpeg"):
        # A logo fpdf2 cannot read must not stop the pack.
        with contextlib.suppress(Exception):
            pdf.image(
                io.BytesIO(pack.logo),
                x=pdf.w - MARGIN - 40,
                y=22,
                w=40,
                h=22,
                keep_aspect_ratio=True,
            )
    _para(pdf, t.t(w.TITLE), 24, bold=True, colour=brand)
    pdf.ln(2)
    _para(pdf, pack.client_name, 16, bold=True)
    pdf.ln(6)
    for line in (
        t.prepared(pack),
        f"{t.period(pack)} · {t.count(pack)}",
        t.t(w.ZONE).format(zone=pack.zone),
    ):
        _para(pdf, line, 11, colour=GREY)
    pdf.ln(8)
    _heading(pdf, t.t(w.HOW_TITLE), brand)
    for number, step in enumerate(w.HOW_PDF, 1):
        _para(pdf, f"{number}. {t.t(step)}")
        pdf.ln(1)
    pdf.ln(6)
    total = len(pack.posts)
    for number, post in enumerate(pack.posts, 1):
        summary = (post.title or post.text or post.link).replace("\n", " ")
        summary = summary if len(summary) < 70 else summary[:69].rstrip() + "…"
        when = t.when(post.when) if post.when else t.t(w.UNDATED)
        _para(pdf, f"{t.heading(number, total)} — {when}", 10, bold=True)
        _para(pdf, summary, 10, colour=GREY)
        pdf.ln(1.5)


def _image(pdf: FPDF, image: PackImage, t: PackText) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(image.data)) as picture:
            width, height = picture.size
    except Exception:  # an image Pillow cannot read: its description still shows
        width = height = 0
    if width and height:
        box_w, box_h = pdf.w - 2 * MARGIN, 70.0
        scale = min(box_w / width, box_h / height)
        draw_w, draw_h = width * scale, height * scale
        if pdf.get_y() + draw_h + 15 > pdf.h - 20:
            pdf.add_page()
        pdf.image(io.BytesIO(image.data), x=MARGIN, y=pdf.get_y(), w=draw_w, h=draw_h)
        pdf.set_y(pdf.get_y() + draw_h + 1.5)
    caption = t.t(w.ALT).format(alt=image.alt) if image.alt else t.t(w.NO_ALT)
    _para(pdf, caption, 9, colour=GREY)
    pdf.ln(3)


def _decision_box(pdf: FPDF, t: PackText) -> None:
    height = 33.0
    if pdf.get_y() + 3 + height > pdf.h - 15:  # just above the page number
        pdf.add_page()
    pdf.ln(3)
    pdf.set_auto_page_break(False)
    top = pdf.get_y()
    pdf.set_draw_color(150, 150, 150)
    pdf.rect(MARGIN, top, pdf.w - 2 * MARGIN, height)
    pdf.set_xy(MARGIN + 4, top + 3)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*INK)
    pdf.cell(0, 5, t.t(w.DECISION), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.set_x(MARGIN + 4)
    pdf.cell(
        0,
        7,
        f"☐ {t.t(w.APPROVED_BOX)}        ☐ {t.t(w.CHANGES_BOX)}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for label in ("", t.t(w.SIGNATURE)):
        pdf.set_x(MARGIN + 4)
        y = pdf.get_y() + 6.5
        pdf.cell(0, 7, label)
        pdf.line(
            MARGIN + 4 + (pdf.get_string_width(label) + 2 if label else 0), y, pdf.w - MARGIN - 4, y
        )
        pdf.ln(8)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_y(top + height + 2)


def _post(
    pdf: FPDF, post: PackPost, number: int, total: int, t: PackText, brand: tuple[int, int, int]
) -> None:
    pdf.add_page()
    _para(
        pdf,
        f"{t.heading(number, total)}  ({t.t(w.REFERENCE).format(id=post.id)})",
        15,
        bold=True,
        colour=brand,
    )
    _para(pdf, t.planned(post), 11, bold=True)
    pdf.ln(4)
    if post.title:
        _para(pdf, post.title, 13, bold=True)
        pdf.ln(1)
    if post.text:
        _para(pdf, post.text)
    if post.link:
        pdf.ln(2)
        _para(pdf, f"{t.t(w.LINK)}: {post.link}", 10, colour=(27, 79, 114))
    if post.first_comment:
        _heading(pdf, t.t(w.FIRST_COMMENT), brand)
        _para(pdf, post.first_comment)
    if post.channels:
        _heading(pdf, t.t(w.CHANNELS), brand)
        for channel in post.channels:
            _para(pdf, channel_name(channel), 11, bold=True)
            if channel.own_text:
                _para(pdf, channel.text)
            else:
                _para(pdf, t.t(w.SAME_TEXT), 10, colour=GREY)
            for label, value in extras_lines(channel, t):
                _para(pdf, f"{label}: {value}", 10)
            pdf.ln(2)
    if post.images:
        _heading(pdf, t.t(w.IMAGES), brand)
        for image in post.images:
            _image(pdf, image, t)
    if post.comments:
        _heading(pdf, t.t(w.NOTES), brand)
        for comment in post.comments:
            _para(pdf, comment.body)
            pdf.ln(1)
    _decision_box(pdf, t)


def to_pdf(pack: ApprovalPack) -> bytes:
    t = text_for(pack)
    brand = rgb(pack.colour, default="2F6F9F")
    pdf = _document(pack, t)
    _cover(pdf, pack, t, brand)
    total = len(pack.posts)
    for number, post in enumerate(pack.posts, 1):
        _post(pdf, post, number, total, t, brand)
    return bytes(pdf.output())
