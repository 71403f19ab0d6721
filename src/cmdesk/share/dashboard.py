"""The dashboard of a period, as the window and the client report show it: the key
figures with their change against the period before, and the charts, each described
once (a `ChartSpec`) and drawn in any theme: the window's light or dark one on screen,
the light one on paper and in a saved image.

Words and numbers come in one language: the user's for the window, the client's for
the report (`Words`).
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.numbers import format_decimal, format_percent

from cmdesk.core.indicators import Compared, Indicators
from cmdesk.core.interactions import CHANNEL_LABELS, STATUS_LABELS, TYPE_LABELS
from cmdesk.core.networks import network_name
from cmdesk.core.periods import Period
from cmdesk.core.segments import SEGMENT_LABELS
from cmdesk.i18n import N_, current_language, translations
from cmdesk.share.charts import LIGHT, MAIN, PALETTE, SENTIMENT_COLOURS, Chart, Series
from cmdesk.share.charts import chart as draw_chart
from cmdesk.share.document import babel_locale
from cmdesk.store import indicators
from cmdesk.store.workspace import Workspace

BEFORE_COLOUR = "#bbbbbb"
NOW_COLOUR = MAIN
_LABEL_LENGTH = 14  # characters of a category under a bar; the numbers keep it whole
SENTIMENT_LABELS = {
    "negative": N_("negative"),
    "neutral": N_("neutral"),
    "positive": N_("positive"),
}
# Every chart of the dashboard, in the order shown; the report draws some of them.
CHART_KEYS = (
    "per_day", "tone", "topics", "sources", "topics_per_day", "sources_per_day", "types",
    "channels", "statuses", "times", "posts", "segments",
)  # fmt: skip
Theme = dict[str, str | None]
Label = Callable[[str], str]  # a category's stored value -> its name on the chart


class Words:
    """Words and numbers in one language and its locale."""

    def __init__(self, language: str | None = None) -> None:
        self.language = language or current_language()
        self.tr: gettext.NullTranslations = translations(self.language)
        self.t = self.tr.gettext
        self.locale = babel_locale(self.language)

    def n(self, value: float) -> str:
        return str(format_decimal(value, locale=self.locale))

    def percent(self, share: float) -> str:
        """`share` from 0 to 1, e.g. 0.255 -> "25,5 %" (the locale's pattern, with a
        decimal when there is one)."""
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        return str(format_percent(share, pattern.replace("#,##0", "#,##0.#"), self.locale))

    def change(self, c: Compared) -> str:
        if c.change is None:
            return self.t(N_("new")) if c.now else "—"
        text = str(format_percent(c.change / 100, locale=self.locale))
        return f"+{text}" if c.change > 0 else text

    def minutes(self, value: float | None) -> str:
        if value is None:
            return "—"
        if value < 60:
            return self.t(N_("{n} min")).format(n=self.n(round(value)))
        if value < 48 * 60:
            return self.t(N_("{n} h")).format(n=self.n(round(value / 60, 1)))
        return self.t(N_("{n} days")).format(n=self.n(round(value / 1440, 1)))

    def period_name(self, p: Period) -> str:
        """October 2026; week 44, 26 Oct – 1 Nov 2026; 2 – 31 Oct 2026."""
        if p.kind == "month":
            return str(format_skeleton("yMMMM", p.since, locale=self.locale)).capitalize()
        days = str(format_interval(p.since.date(), p.last_day, "yMMMd", locale=self.locale))
        if p.kind == "week":
            week = p.since.date().isocalendar()[1]
            return self.t(N_("Week {week}, {days}")).format(week=week, days=days)
        return days

    def day(self, d: date) -> str:
        return str(format_date(d, "d MMM", locale=self.locale))


@dataclass(frozen=True)
class Card:
    """One key figure: its value, its change against the period before, and whether the
    change is good news ("good"), bad news ("bad") or neither ("")."""

    key: str
    label: str
    value: str
    change: str = ""
    tone: str = ""
    detail: str = ""


def _tone(c: Compared, higher_is: str) -> str:
    if c.now == c.before or not higher_is:
        return ""
    other = "bad" if higher_is == "good" else "good"
    return higher_is if c.now > c.before else other


def cards(f: Indicators, w: Words, targets: dict[int, timedelta] | None = None) -> list[Card]:
    t = w.t
    versus = t(N_("{change} against the period before"))
    negative = f.sentiment["negative"]
    share_now = negative.now / f.mentions.now if f.mentions.now else None
    share_before = negative.before / f.mentions.before if f.mentions.before else None
    negative_change, negative_tone = "", ""
    if share_now is not None and share_before is not None:
        points = round((share_now - share_before) * 100, 1)
        sign = "+" if points > 0 else ""
        negative_change = t(N_("{points} points against the period before")).format(
            points=sign + w.n(points)
        )
        negative_tone = "bad" if points > 0 else "good" if points < 0 else ""
    answer = f.first_response
    within = ""
    if answer.within_share is not None and targets:
        within = t(N_("{share} within the {target} target")).format(
            share=w.percent(answer.within_share / 100), target=_target(targets, w)
        )
    elif targets:
        within = t(N_("target: {time}")).format(time=_target(targets, w))

    def compared(key: str, label: str, c: Compared, higher_is: str = "") -> Card:
        if c.before:
            change = versus.format(change=w.change(c))
        else:  # "+∞ %" says nothing
            change = t(N_("none the period before")) if c.now else ""
        return Card(key, label, w.n(c.now), change, _tone(c, higher_is))

    return [
        compared("mentions", t(N_("Mentions")), f.mentions),
        Card(
            "negative",
            t(N_("Negative mentions")),
            "—" if share_now is None else w.percent(share_now),
            negative_change,
            negative_tone,
            t(N_("{count} of them")).format(count=w.n(negative.now)),
        ),
        compared("alerts", t(N_("Alerts")), f.alerts, "bad"),
        compared("messages", t(N_("Messages received")), f.interactions),
        Card(
            "first_answer",
            t(N_("Median first answer")),
            w.minutes(answer.median),
            t(N_("9 in 10 within {time}")).format(time=w.minutes(answer.p90))
            if answer.p90 is not None
            else "",
            detail=within,
        ),
        compared("posts", t(N_("Posts published")), f.published, "good"),
    ]


def _target(targets: dict[int, timedelta], w: Words) -> str:
    """The target of ordinary messages (priority 0), what most messages are held to."""
    return w.minutes(targets[0].total_seconds() / 60)


@dataclass(frozen=True)
class ChartSpec:
    """A chart's content, drawn in any theme by `draw`."""

    key: str
    kind: str  # "bars" or "line"
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    category: str = ""  # the heading of the categories in the numbers table
    reference: tuple[str, float] | None = None  # a dashed line: a target
    full_names: tuple[str, ...] = field(default=())  # the categories unshortened

    @property
    def empty(self) -> bool:
        return not self.categories or not any(v for s in self.series for v in s.values)

    def draw(self, theme: Theme = LIGHT, width: int = 480, height: int = 220) -> Chart:
        chart = draw_chart(
            self.kind, self.title, self.categories, self.series, theme=theme, width=width,
            height=height, category=self.category, reference=self.reference,
        )  # fmt: skip
        if self.full_names:
            rows = tuple(
                (name, *row[1:]) for name, row in zip(self.full_names, chart.rows, strict=True)
            )
            chart = Chart(chart.title, chart.svg, chart.headers, rows, chart.width, chart.height)
        return chart


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_LENGTH else label[: _LABEL_LENGTH - 1] + "…"


def chart_specs(
    f: Indicators,
    w: Words,
    targets: dict[int, timedelta] | None = None,
    keys: tuple[str, ...] = CHART_KEYS,
) -> list[ChartSpec]:
    t = w.t
    before, now = t(N_("period before")), t(N_("this period"))
    messages = t(N_("messages"))

    def grouped(
        key: str, title: str, heading: str, keys: list[str], label: Label, *series: Series
    ) -> ChartSpec:
        names = tuple(label(k) for k in keys)
        short = tuple(_short(n) for n in names)
        return ChartSpec(key, "bars", title, short, series, heading, full_names=names)

    def compared(
        key: str, title: str, heading: str, items: dict[str, Compared], label: Label
    ) -> ChartSpec:
        pairs = list(items.items())[:8]
        return grouped(
            key, title, heading, [k for k, _c in pairs], label,
            Series(before, tuple(c.before for _k, c in pairs), BEFORE_COLOUR),
            Series(now, tuple(c.now for _k, c in pairs), NOW_COLOUR),
        )  # fmt: skip

    def counted(
        key: str, title: str, heading: str, items: dict[str, int], label: Label, name: str
    ) -> ChartSpec:
        pairs = list(items.items())[:8]
        values = tuple(v for _k, v in pairs)
        return grouped(key, title, heading, [k for k, _v in pairs], label, Series(name, values))

    def over_time(key: str, title: str, series: dict[str, tuple[int, ...]]) -> ChartSpec:
        lines = tuple(
            Series(_short(name), values, PALETTE[i % len(PALETTE)])
            for i, (name, values) in enumerate(series.items())
        )
        return ChartSpec(key, "line", title, tuple(w.day(d) for d in f.days), lines, t(N_("Day")))

    def translated(labels: dict[str, str]) -> Label:
        return lambda k: t(labels.get(k, k))

    makers = {
        "per_day": lambda: ChartSpec(
            "per_day", "line", t(N_("Mentions per day")), tuple(w.day(d) for d in f.days),
            (Series(t(N_("mentions")), f.mentions_per_day),
             Series(t(N_("negative mentions")), f.negative_per_day,
                    SENTIMENT_COLOURS["negative"])),
            t(N_("Day")),
        ),
        "topics_per_day": lambda: over_time(
            "topics_per_day", t(N_("Mentions per day and topic")), f.topics_per_day
        ),
        "sources_per_day": lambda: over_time(
            "sources_per_day", t(N_("Mentions per day and source")), f.sources_per_day
        ),
        "tone": lambda: compared(
            "tone", t(N_("Tone of the mentions")), t(N_("Tone")), f.sentiment,
            translated(SENTIMENT_LABELS),
        ),
        "topics": lambda: compared(
            "topics", t(N_("Mentions per topic")), t(N_("Topic")), f.mentions_by_topic, str
        ),
        "sources": lambda: counted(
            "sources", t(N_("Mentions per source")), t(N_("Source")), f.mentions_by_source,
            str, t(N_("mentions")),
        ),
        "types": lambda: compared(
            "types", t(N_("Messages received by type")), t(N_("Type")),
            f.interactions_by_type, translated(TYPE_LABELS),
        ),
        "channels": lambda: counted(
            "channels", t(N_("Messages received by channel")), t(N_("Channel")),
            f.interactions_by_channel, translated(CHANNEL_LABELS), messages,
        ),
        "statuses": lambda: counted(
            "statuses", t(N_("Messages received by status today")), t(N_("Status")),
            f.interactions_by_status, translated(STATUS_LABELS), messages,
        ),
        "times": lambda: _times(f, w, targets),
        "posts": lambda: compared(
            "posts", t(N_("Posts published per network")), t(N_("Network")),
            f.posts_by_channel, network_name,
        ),
        "segments": lambda: counted(
            "segments", t(N_("Who took part")), t(N_("Segment")), f.segments,
            translated(SEGMENT_LABELS), t(N_("people")),
        ),
    }  # fmt: skip
    return [makers[key]() for key in keys]


def _times(f: Indicators, w: Words, targets: dict[int, timedelta] | None) -> ChartSpec:
    """First answer and resolution, median and 90th percentile, against the target of
    ordinary messages, in the unit that suits them."""
    t = w.t
    values = [f.first_response.median, f.first_response.p90, f.resolution.median]
    values.append(f.resolution.p90)
    target = targets[0].total_seconds() / 60 if targets else None
    largest = max([v for v in values if v is not None] + [target or 0])
    if largest < 120:
        unit, title = 1.0, t(N_("Response times (minutes)"))
    elif largest < 4 * 1440:
        unit, title = 60.0, t(N_("Response times (hours)"))
    else:
        unit, title = 1440.0, t(N_("Response times (days)"))

    def scaled(*found: float | None) -> tuple[float, ...]:
        return tuple(round((v or 0) / unit, 1) for v in found)

    reference = None
    if target is not None:
        label = t(N_("target: {time}")).format(time=_target(targets or {}, w))
        reference = (label, round(target / unit, 1))
    return ChartSpec(
        "times", "bars", title, (t(N_("First answer")), t(N_("Resolution"))),
        (Series(t(N_("median")), scaled(f.first_response.median, f.resolution.median)),
         Series(t(N_("90th percentile")), scaled(f.first_response.p90, f.resolution.p90),
                PALETTE[1])),
        t(N_("Time to answer")), reference,
    )  # fmt: skip


@dataclass(frozen=True)
class Dashboard:
    period: Period
    figures: Indicators
    targets: dict[int, timedelta]
    cards: list[Card]
    specs: list[ChartSpec]
    charts: list[Chart]  # the specs drawn in the theme asked for


def build(ws: Workspace, period: Period, theme: Theme = LIGHT, language: str = "") -> Dashboard:
    """Everything the dashboard shows for `period`, charts drawn in `theme`."""
    w = Words(language or None)
    figures = indicators.compute(ws, period)
    targets = ws.escalation.targets()
    specs = chart_specs(figures, w, targets)
    return Dashboard(
        period, figures, targets, cards(figures, w, targets), specs, draw(specs, theme)
    )


def draw(specs: list[ChartSpec], theme: Theme) -> list[Chart]:
    return [spec.draw(theme) for spec in specs]
