"""Charts for dashboards and reports, drawn by ReportLab's graphics library as SVG.

One drawing serves everywhere: inline in the HTML report, in the window (Qt's SVG
renderer), saved as an image, and in the PDF, where fpdf2 draws the SVG as vector
graphics. fpdf2's SVG reader is narrower than a browser's, so `for_pdf` rewrites three
things ReportLab writes: percentage colours, a clip path it declares after use, and
the PostScript font names (Helvetica-Bold) that fpdf2 knows as a family and a weight.
Every chart also carries its numbers as a table (for readers of screen readers, and for
whoever wants the figures).

Colours come from a theme (light or dark) so that a chart stays readable on the
window's background; reports use the light theme on white paper.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

LIGHT = {"text": "#222222", "grid": "#d0d0d0", "background": None}
DARK = {"text": "#e6e6e6", "grid": "#555555", "background": None}
# Series colours, distinguishable by people with the common colour-vision deficiencies
# (Okabe & Ito's palette), readable on white and on a dark grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
SENTIMENT_COLOURS = {"negative": "#D55E00", "neutral": "#999999", "positive": "#009E73"}
# Elements fpdf2 does not draw (and logs a warning for): a chart needs none of them.
_NOT_DRAWN = re.compile(r"<(title|desc|clipPath)\b.*?</\1>", re.DOTALL)
_PERCENT_RGB = re.compile(r"rgb\(([\d.]+)%,\s*([\d.]+)%,\s*([\d.]+)%\)")
_MAX_LABELS = 16  # category labels shown under a chart; more would overlap


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str
    headers: tuple[str, ...]  # the numbers as a table: first the category, then a series each
    rows: tuple[tuple[str, ...], ...]
    width: int
    height: int

    def for_pdf(self) -> bytes:
        svg = _PERCENT_RGB.sub(
            lambda m: "#" + "".join(f"{round(float(v) * 2.55):02x}" for v in m.groups()),
            self.svg,
        )
        svg = _NOT_DRAWN.sub("", svg.replace(' style="clip-path: url(#clip)"', ""))
        bold = "font-family: helvetica; font-weight: bold"
        svg = svg.replace("font-family: Helvetica-Bold", bold)
        svg = svg.replace("font-family: Helvetica", "font-family: helvetica")
        return svg.encode("utf-8")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    colour: str = ""


def _svg(drawing: object) -> str:
    from reportlab.graphics import renderSVG  # ~50 ms: only when a chart is drawn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return str(renderSVG.drawToString(drawing))


def _table(
    categories: Sequence[str], series: Sequence[Series]
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    headers = ("", *(s.name for s in series))
    rows = tuple(
        (category, *(f"{s.values[i]:g}" for s in series)) for i, category in enumerate(categories)
    )
    return headers, rows


def _sparse(labels: Sequence[str]) -> list[str]:
    """Every label when few, else every n-th one, the others blank."""
    step = max(1, -(-len(labels) // _MAX_LABELS))
    return [label if i % step == 0 else "" for i, label in enumerate(labels)]


def bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    theme: dict[str, str | None] = LIGHT,
    width: int = 480,
    height: int = 220,
    stacked: bool = False,
) -> Chart:
    """Vertical bars, one group per category, one bar per series (or stacked)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    text = colors.HexColor(theme["text"])
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    legend_room = 18 if len(series) > 1 else 0
    chart.x, chart.y = 36, 28
    chart.width, chart.height = width - 48, height - 58 - legend_room
    chart.data = [tuple(s.values) or (0,) for s in series] or [(0,)]
    chart.categoryAxis.categoryNames = _sparse(list(categories)) or [""]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fillColor = text
    chart.categoryAxis.strokeColor = colors.HexColor(theme["grid"])
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = text
    chart.valueAxis.strokeColor = colors.HexColor(theme["grid"])
    chart.valueAxis.gridStrokeColor = colors.HexColor(theme["grid"])
    chart.valueAxis.visibleGrid = True
    if max((max(s.values, default=0) for s in series), default=0) < 5:
        chart.valueAxis.valueMax, chart.valueAxis.valueStep = 5, 1  # no "0.5 message"
    chart.barSpacing, chart.groupSpacing = 1, 4
    if stacked:
        chart.categoryAxis.style = "stacked"
    for index, s in enumerate(series):
        chart.bars[index].fillColor = colors.HexColor(s.colour or PALETTE[index % len(PALETTE)])
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    drawing.add(
        String(4, height - 14, title, fontName="Helvetica-Bold", fontSize=10, fillColor=text)
    )
    if len(series) > 1:
        legend = Legend()
        legend.x, legend.y = 36, height - 24
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.fontName, legend.fontSize = "Helvetica", 7
        legend.fillColor = text
        legend.dx = legend.dy = 7
        legend.deltax = max(60, max(len(s.name) for s in series) * 5 + 20)
        legend.colorNamePairs = [
            (colors.HexColor(s.colour or PALETTE[i % len(PALETTE)]), s.name)
            for i, s in enumerate(series)
        ]
        drawing.add(legend)
    headers, rows = _table(categories, series)
    return Chart(title, _svg(drawing), headers, rows, width, height)
