"""Participation segments, pure: thresholds and periods in the client's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cmdesk.core.errors import InvalidData
from cmdesk.core.segments import Thresholds, parse_period, segment_of

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)


def test_segments_by_number_of_interactions() -> None:
    t = Thresholds()
    assert [segment_of(n, t) for n in (1, 2, 4, 5, 40)] == [
        "one_time", "occasional", "occasional", "regular", "regular",
    ]  # fmt: skip
    assert segment_of(3, Thresholds(regular=3, occasional=2)) == "regular"
    with pytest.raises(InvalidData, match="occasional < regular"):
        Thresholds(regular=2, occasional=2).validated()


def test_periods_start_at_midnight_in_the_client_zone() -> None:
    since, until = parse_period("30d", NOW, PARIS)
    # 30 days ending today (31 March): from 2 March, midnight in Paris (CET, UTC+1).
    assert since == datetime(2026, 3, 2, tzinfo=PARIS)
    assert until == datetime(2026, 4, 1, tzinfo=PARIS)  # today included, whole
    assert since.astimezone(UTC) == datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
    assert parse_period("1w", NOW, PARIS)[0] == datetime(2026, 3, 25, tzinfo=PARIS)
    assert parse_period("1m", NOW, PARIS)[0] == datetime(2026, 3, 1, tzinfo=PARIS)
    assert parse_period("1y", NOW, PARIS)[0] == datetime(2025, 4, 1, tzinfo=PARIS)
    # The day after 31 March minus one month is 1 March (February has no 31st).
    since, until = parse_period("2026-03-01..2026-03-31", NOW, PARIS)
    assert (since, until) == (
        datetime(2026, 3, 1, tzinfo=PARIS),
        datetime(2026, 4, 1, tzinfo=PARIS),
    )
    # The clocks changed on 29 March: the last day is 23 hours long, still a whole day.
    elapsed = until.astimezone(UTC) - since.astimezone(UTC)
    assert elapsed.total_seconds() == (31 * 24 - 1) * 3600


@pytest.mark.parametrize("text", ["", "0d", "30", "3 months", "2026-02-30..2026-03-01",
                                  "2026-03-02..2026-03-01"])  # fmt: skip
def test_what_is_not_a_period_is_refused_clearly(text: str) -> None:
    with pytest.raises(InvalidData, match="period"):
        parse_period(text, NOW, PARIS)
