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
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

LIGHT = {"text": "#222222", "grid": "#d0d0d0", "background": None, "first": "#0072B2"}
# The palette's sky blue for the first series: its dark blue is dim on a dark grey.
DARK = {"text": "#e6e6e6", "grid": "#555555", "background": None, "first": "#56B4E9"}
# Series colours, distinguishable by people with the common colour-vision deficiencies
# (Okabe & Ito's palette), readable on white and on a dark grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
MAIN = "main"  # a series colour: the theme's main colour, whatever its place
SENTIMENT_COLOURS = {"negative": "#D55E00", "neutral": "#999999", "positive": "#009E73"}
# Elements a chart needs none of, which fpdf2 does not draw (and logs a warning for).
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
        bold = "font-family: helvetica; font-weight: bold"
        svg = svg.replace("font-family: Helvetica-Bold", bold)
        svg = svg.replace("font-family: Helvetica", "font-family: helvetica")
        return _latin1(svg).encode("utf-8")


# fpdf2 measures an SVG's text with the Latin-1 widths of the standard fonts: a label
# cut with "…" or a French "’" would stop the PDF. Their plain forms, else the letter
# without its accent, else nothing.
_PLAIN = str.maketrans({
    "…": "...", "’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "−": "-",
    "\u202f": " ", "\u2009": " ", "œ": "oe", "Œ": "OE",
})  # fmt: skip


def _latin1(text: str) -> str:
    text = text.translate(_PLAIN)
    if all(ord(c) < 256 for c in text):
        return text
    return "".join(
        c if ord(c) < 256 else unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()
        for c in text
    )


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    colour: str = ""


def _svg(drawing: object) -> str:
    from reportlab.graphics import renderSVG  # ~50 ms: only when a chart is drawn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        svg = str(renderSVG.drawToString(drawing))
    # ReportLab writes Python's None for "no fill" (a line's): browsers read it, Qt's
    # renderer and fpdf2 do not. Its clip path (the whole drawing: nothing to clip) is
    # drawn by Qt's renderer as a black rectangle over the chart.
    svg = svg.replace("fill: None", "fill: none")
    return _NOT_DRAWN.sub("", svg.replace(' style="clip-path: url(#clip)"', ""))


def _table(
    categories: Sequence[str], series: Sequence[Series], category: str = ""
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    headers = (category, *(s.name for s in series))
    rows = tuple(
        (label, *(f"{s.values[i]:g}" for s in series)) for i, label in enumerate(categories)
    )
    return headers, rows


def _sparse(labels: Sequence[str]) -> list[str]:
    """Every label when few, else every n-th one, the others blank."""
    step = max(1, -(-len(labels) // _MAX_LABELS))
    return [label if i % step == 0 else "" for i, label in enumerate(labels)]


def _colour(series: Sequence[Series], index: int, theme: dict[str, str | None]) -> str:
    """A series' own colour, else the palette's by its place; MAIN (or the first series
    without a colour) takes the theme's main colour."""
    colour = series[index].colour or (MAIN if index == 0 else PALETTE[index % len(PALETTE)])
    return (theme.get("first") or PALETTE[0]) if colour == MAIN else colour


def _frame(
    chart: Any,
    drawing: Any,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    theme: dict[str, str | None],
) -> None:
    """What every chart shares: its place in the drawing, the axes in the theme's
    colours, whole numbers on a small scale, the title and, for several series, a legend."""
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import String
    from reportlab.lib import colors

    text = colors.HexColor(theme["text"])
    grid = colors.HexColor(theme["grid"])
    width, height = drawing.width, drawing.height
    legend_room = 18 if len(series) > 1 else 0
    chart.x, chart.y = 36, 28
    chart.width, chart.height = width - 48, height - 58 - legend_room
    chart.data = [tuple(s.values) or (0,) for s in series] or [(0,)]
    chart.categoryAxis.categoryNames = _sparse(list(categories)) or [""]
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = "Helvetica"
        axis.labels.fontSize = 7
        axis.labels.fillColor = text
        axis.strokeColor = grid
    chart.valueAxis.valueMin = 0
    chart.valueAxis.gridStrokeColor = grid
    chart.valueAxis.visibleGrid = True
    if max((max(s.values, default=0) for s in series), default=0) < 5:
        chart.valueAxis.valueMax, chart.valueAxis.valueStep = 5, 1  # no "0.5 message"
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
            (colors.HexColor(_colour(series, i, theme)), s.name) for i, s in enumerate(series)
        ]
        drawing.add(legend)


def _reference(
    chart: Any, drawing: Any, label: str, value: float, theme: dict[str, str | None]
) -> None:
    """A dashed line across the chart at `value` (a target), named at its right end."""
    from reportlab.graphics.shapes import Line, String
    from reportlab.lib import colors

    highest = max((max(row) for row in chart.data), default=0)
    if value >= highest:  # the line must stay inside the chart
        chart.valueAxis.valueMax, chart.valueAxis.valueStep = value * 1.2, None
    chart.draw()  # lays the axes out, so that the value has a height
    y = chart.valueAxis.scale(value)
    colour = colors.HexColor(theme["text"])
    drawing.add(
        Line(chart.x, y, chart.x + chart.width, y, strokeColor=colour, strokeDashArray=[4, 3])
    )
    drawing.add(
        String(
            chart.x + chart.width, y + 3, label, fontName="Helvetica", fontSize=7,
            fillColor=colour, textAnchor="end",
        )
    )  # fmt: skip


def chart(
    kind: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    theme: dict[str, str | None] = LIGHT,
    width: int = 480,
    height: int = 220,
    stacked: bool = False,
    category: str = "",
    reference: tuple[str, float] | None = None,
) -> Chart:
    """A chart of `kind`: "bars" (vertical, one group per category, one bar per series,
    or stacked) or "line" (one line per series over the categories: a trend, readable over
    a year of days where bars would be hairs). `category` heads the first column of the
    numbers; `reference` (label, value) draws a dashed line across, e.g. a target."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(width, height)
    plot = HorizontalLineChart() if kind == "line" else VerticalBarChart()
    _frame(plot, drawing, title, categories, series, theme)
    for index in range(len(series)):
        colour = colors.HexColor(_colour(series, index, theme))
        if kind == "line":
            plot.lines[index].strokeColor = colour
            plot.lines[index].strokeWidth = 1.5
        else:
            plot.bars[index].fillColor = colour
            plot.bars[index].strokeColor = None
    if kind == "line":
        plot.joinedLines = 1
    else:
        plot.barSpacing, plot.groupSpacing = 1, 4
        if stacked:
            plot.categoryAxis.style = "stacked"
    if reference is not None:
        _reference(plot, drawing, reference[0], reference[1], theme)
    headers, rows = _table(categories, series, category)
    return Chart(title, _svg(drawing), headers, rows, width, height)


bars = partial(chart, "bars")
line = partial(chart, "line")
