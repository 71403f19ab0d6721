"""The dashboard's figures and charts of a month, in the user's language: the cards say
the workspace's figures and their change, the charts carry the same numbers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import report_data
from cmdesk.core.periods import parse as parse_period
from cmdesk.i18n import set_language
from cmdesk.share.charts import DARK
from cmdesk.share.dashboard import CHART_KEYS, Words, build
from cmdesk.store import indicators
from cmdesk.store.workspace import Workspace

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with report_data.create(tmp_path / "lea.cmdesk") as w:
        yield w


def _nbsp(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ").replace("\u2009", " ")


def test_cards_say_the_figures_and_their_change_in_french(ws: Workspace) -> None:
    set_language("fr")
    october = parse_period("2026-10", report_data.OCT, PARIS)
    board = build(ws, october, language="fr")
    cards = {c.key: c for c in board.cards}
    assert board.figures == indicators.compute(ws, october)
    assert cards["mentions"].value == "40"
    assert _nbsp(cards["mentions"].change) == "+300 % par rapport à la période précédente"
    # 10 negative of 40 in October, 3 of 10 in September: 5 points fewer, good news.
    assert _nbsp(cards["negative"].value) == "25 %"
    assert cards["negative"].change == "-5 points par rapport à la période précédente"
    assert cards["negative"].tone == "good"
    assert cards["first_answer"].value == "1,5 h"
    assert cards["first_answer"].change == "9 sur 10 en 10 h"
    assert _nbsp(cards["first_answer"].detail) == "80 % dans l’objectif de 24 h"
    assert (cards["posts"].value, cards["posts"].tone) == ("1", "good")
    assert cards["alerts"].change == ""  # none then, none now


def test_charts_carry_the_figures_and_the_target(ws: Workspace) -> None:
    october = parse_period("2026-10", report_data.OCT, PARIS)
    board = build(ws, october, theme=DARK, language="en")
    assert [s.key for s in board.specs] == list(CHART_KEYS)
    charts = dict(zip(CHART_KEYS, board.charts, strict=True))
    f = board.figures
    per_day = charts["per_day"]
    assert per_day.headers == ("Day", "mentions", "negative mentions")
    assert [int(r[1]) for r in per_day.rows] == list(f.mentions_per_day)
    assert [int(r[2]) for r in per_day.rows] == list(f.negative_per_day)
    times = charts["times"]
    assert times.title == "Response times (hours)"
    assert times.rows == (("First answer", "1.5", "10"), ("Resolution", "0", "0"))
    assert "target: 24 h" in times.svg
    assert charts["tone"].rows == (
        ("negative", "3", "10"), ("neutral", "0", "0"), ("positive", "7", "30"),
    )  # fmt: skip
    assert charts["posts"].rows == (("Mastodon", "0", "1"),)
    assert charts["sources"].rows[0][1] == "40"
    assert "rgb(90%,90%,90%)" in per_day.svg  # drawn for a dark window
    empty = {s.key for s in board.specs if s.empty}
    assert empty == {"segments"}  # nobody is known by name in this month


def test_periods_are_named_in_the_users_language() -> None:
    fr, en = Words("fr"), Words("en")
    assert fr.period_name(parse_period("2026-10", report_data.OCT, PARIS)) == "Octobre 2026"
    week = parse_period("2026-W44", report_data.OCT, PARIS)
    assert _nbsp(fr.period_name(week)) == "Semaine 44, 26 oct. – 1 nov. 2026"
    assert _nbsp(en.period_name(week)) == "Week 44, 26 Oct – 1 Nov 2026"
    days = parse_period("2026-10-02..2026-10-31", report_data.OCT, PARIS)
    assert _nbsp(en.period_name(days)) == "2–31 Oct 2026"
    assert fr.day(date(2026, 10, 2)) == "2 oct."
