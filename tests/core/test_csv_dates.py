"""Dates as exports write them: every shape read to the right moment, anything else refused
with its reason, never guessed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from cmdesk.core.csv_dates import (
    DAY_FIRST,
    MONTH_FIRST,
    detect_order,
    parse_moment,
    parse_time,
    zone_in_header,
)

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-12", paris(2026, 3, 12)),
        ("2026-03-12T10:15:30.123Z", datetime(2026, 3, 12, 10, 15, 30, tzinfo=UTC)),
        ("2026-03-12 10:15:00+02:00", datetime(2026, 3, 12, 8, 15, tzinfo=UTC)),
        ("2026/03/12 10:15", paris(2026, 3, 12, 10, 15)),
        ("12/03/2026", paris(2026, 3, 12)),
        ("12/03/2026 10:15", paris(2026, 3, 12, 10, 15)),
        ("12/03/26 à 10h15", paris(2026, 3, 12, 10, 15)),
        ("12.03.2026 10h", paris(2026, 3, 12, 10)),
        ("12-03-2026 23:59:59", paris(2026, 3, 12, 23, 59, 59)),
        ("12 mars 2026 à 10:15", paris(2026, 3, 12, 10, 15)),
        ("mer. 12 mars 2026 10:15", paris(2026, 3, 12, 10, 15)),
        ("1er févr. 2026", paris(2026, 2, 1)),
        ("12 Août 2026", paris(2026, 8, 12)),
        ("March 12, 2026 at 2:30 PM", paris(2026, 3, 12, 14, 30)),
        ("Mar 12 2026 12:05 am", paris(2026, 3, 12, 0, 5)),
        ("Thu, 12 Mar 2026 10:15:00 +0000", datetime(2026, 3, 12, 10, 15, tzinfo=UTC)),
        ("12/03/2026 10:15 UTC", datetime(2026, 3, 12, 10, 15, tzinfo=UTC)),
        ("1773310500", datetime(2026, 3, 12, 10, 15, tzinfo=UTC)),
        ("1773310500000", datetime(2026, 3, 12, 10, 15, tzinfo=UTC)),
    ],
)
def test_shapes_read_to_the_moment(text: str, expected: datetime) -> None:
    moment = parse_moment(text, PARIS)
    assert moment == expected
    assert moment.tzinfo is not None


def test_a_naive_time_is_wall_clock_time_in_the_clients_zone() -> None:
    # 10:15 in Paris is 09:15 UTC in winter and 08:15 UTC in summer.
    assert parse_moment("12/01/2026 10:15", PARIS).astimezone(UTC).hour == 9
    assert parse_moment("12/07/2026 10:15", PARIS).astimezone(UTC).hour == 8
    montreal = ZoneInfo("America/Montreal")
    assert parse_moment("12/01/2026 10:15", montreal).astimezone(UTC).hour == 15


def test_month_first_when_told() -> None:
    assert parse_moment("3/12/2026 2:15 PM", PARIS, MONTH_FIRST) == paris(2026, 3, 12, 14, 15)
    assert parse_moment("3/12/2026 2:15 PM", PARIS, DAY_FIRST) == paris(2026, 12, 3, 14, 15)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("yesterday", "not a date"),
        ("hier à 10h", "not a date"),
        ("12/03", "not a date"),
        ("31/02/2026", "not a day of the calendar"),
        ("12/13/2026", "no month 13"),
        ("2026-13-01", "not a day of the calendar"),
        ("12/03/2026 25:00", "not a time of day"),
        ("12/03/2026 10:75", "not a time of day"),
        ("12/03/2026 13:00 PM", "12-hour clock"),
        ("12/03/2026 10:00 +25:00", "offset"),
        ("12 brumaire 2026", "not a date"),
        ("=NOW()", "not a date"),
    ],
)
def test_what_is_not_a_date_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_moment(text, PARIS)


def test_the_order_of_day_and_month_is_read_from_the_column() -> None:
    assert detect_order(["03/04/2026", "13/04/2026"]) == (DAY_FIRST, True)
    assert detect_order(["04/13/2026 2:00 PM", "04/03/2026"]) == (MONTH_FIRST, True)
    # Nothing tells: day first, and the user is told it is a choice.
    assert detect_order(["01/02/2026", "03/04/2026"]) == (DAY_FIRST, False)
    assert detect_order(["2026-03-04", "12 mars 2026"]) == (DAY_FIRST, True)


def test_a_time_column_and_a_zone_in_the_header() -> None:
    assert parse_time("14h30") == (14, 30, 0)
    assert parse_time("2:30:05 pm") == (14, 30, 5)
    assert parse_time("soon") is None
    assert zone_in_header("Date (UTC)") is UTC
    assert zone_in_header("Timestamp GMT") is UTC
    assert zone_in_header("Date de publication") is None
    offset = parse_moment("2026-03-12 10:00 -05:00", PARIS).utcoffset()
    assert offset == timezone(timedelta(hours=-5)).utcoffset(None)
