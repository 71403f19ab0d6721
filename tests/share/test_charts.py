"""Charts drawn by ReportLab: valid SVG that Qt's renderer and fpdf2 both draw, their
numbers as a table, a target line, and the theme's colours."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from fpdf import FPDF

from cmdesk.share.charts import DARK, Series, bars, line

SVG = "{http://www.w3.org/2000/svg}"
DAYS = [f"{d} oct." for d in range(1, 32)]


def _texts(svg: str) -> list[str]:
    return [e.text or "" for e in ET.fromstring(svg).iter(f"{SVG}text")]


def test_a_line_chart_has_a_line_per_series_and_its_numbers() -> None:
    chart = line(
        "Mentions par jour",
        DAYS,
        [Series("mentions", tuple(range(31))), Series("négatives", (1,) * 31, "#D55E00")],
        category="Jour",
    )
    root = ET.fromstring(chart.svg)
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert all(len(p.get("points", "").split(",")) == 31 for p in lines)
    # A line is not filled (ReportLab writes Python's "None", which Qt reads as black).
    assert "fill: None" not in chart.svg and "fill: none" in lines[0].get("style", "")
    assert chart.headers == ("Jour", "mentions", "négatives")
    assert chart.rows[0] == ("1 oct.", "0", "1") and chart.rows[30] == ("31 oct.", "30", "1")
    assert "Mentions par jour" in _texts(chart.svg)
    # Every other day is named under the axis: 31 labels would overlap.
    assert "1 oct." in _texts(chart.svg) and "2 oct." not in _texts(chart.svg)


def test_a_target_line_is_drawn_even_above_the_bars() -> None:
    chart = bars(
        "Temps de réponse (heures)",
        ["Première réponse", "Résolution"],
        [Series("médiane", (1.5, 3)), Series("90e centile", (10, 12))],
        reference=("objectif : 24 h", 24),
    )
    root = ET.fromstring(chart.svg)
    dashed = [e for e in root.iter(f"{SVG}path") if "dasharray" in e.get("style", "")]
    assert len(dashed) == 1
    assert "objectif : 24 h" in _texts(chart.svg)
    # The value axis reaches past the target, so the line is inside the chart.
    assert max(float(t) for t in _texts(chart.svg) if t.replace(".", "").isdigit()) > 24
    assert chart.headers == ("", "médiane", "90e centile")


def test_dark_theme_writes_light_text_and_charts_draw_in_a_pdf() -> None:
    dark = line("Tendance", DAYS[:7], [Series("mentions", (3, 1, 4, 1, 5, 9, 2))], theme=DARK)
    assert "rgb(90%,90%,90%)" in dark.svg  # #e6e6e6, readable on a dark window
    light = bars("Par type", ["plainte", "question"], [Series("messages", (2, 7))])
    assert "rgb(90%,90%,90%)" not in light.svg
    pdf = FPDF()
    pdf.add_page()
    for chart in (dark, light):
        pdf.image(io.BytesIO(chart.for_pdf()), w=180)
    assert bytes(pdf.output()).startswith(b"%PDF")


def test_labels_beyond_latin1_still_draw_in_a_pdf() -> None:
    """A topic cut with "…", a French apostrophe, a Polish name: the PDF is made, the
    labels readable in their plain form."""
    chart = bars("Mentions par sujet", ["Livraison très en retar…", "L’accueil", "Łódź"],
                 [Series("mentions", (3, 2, 1))])  # fmt: skip
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(chart.for_pdf()), w=180)
    assert bytes(pdf.output()).startswith(b"%PDF")
    assert b"retar..." in chart.for_pdf() and b"L'accueil" in chart.for_pdf()
