"""The periods reports and digests cover, in the client's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cmdesk.core.errors import InvalidData
from cmdesk.core.periods import parse

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_a_month_and_the_month_before() -> None:
    october = parse("2026-10", NOW, PARIS)
    assert (october.since.isoformat(), october.until.isoformat()) == (
        "2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00+01:00",  # summer time ends in it
    )  # fmt: skip
    assert october.days == 31 and october.key() == "2026-10"
    march = parse("2026-3", NOW, PARIS).previous()
    assert (march.key(), march.days) == ("2026-02", 28)  # a month before is a calendar month
    assert parse("2026-01", NOW, PARIS).previous().key() == "2025-12"


def test_a_week_and_days() -> None:
    week = parse("2026-W44", NOW, PARIS)
    assert (str(week.since.date()), week.days, week.key()) == ("2026-10-26", 7, "2026-W44")
    assert week.previous().key() == "2026-W43"
    last = parse("30d", NOW, PARIS)
    assert (last.days, str(last.last_day)) == (30, "2026-11-23")
    assert parse("2026-10-01..2026-10-15", NOW, PARIS).previous().key() == "2026-09-16..2026-09-30"


@pytest.mark.parametrize("bad", ["2026-13", "2026-W54", "hier", "2026-10-31..2026-10-01"])
def test_mistakes_are_explained(bad: str) -> None:
    with pytest.raises(InvalidData, match=r"is not a period|has no week"):
        parse(bad, NOW, PARIS)
