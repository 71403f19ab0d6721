"""Periods and sending times: which period a send covers, and when it goes, across
daylight-saving changes in the client's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from cmdesk.core.delivery import MAX_MISSED, Period, Timing, split_addresses
from cmdesk.core.errors import InvalidData
from cmdesk.core.schedule import Frequency

PARIS = "Europe/Paris"
W, M, D = Frequency.WEEKLY, Frequency.MONTHLY, Frequency.DAILY


def test_periods_parse_and_follow_each_other() -> None:
    week = Period.parse("2026-W11")
    assert (week.start, week.end, week.key) == (date(2026, 3, 9), date(2026, 3, 16), "2026-W11")
    assert Period.parse("2026-w01").start == date(2025, 12, 29)  # ISO week 1 starts in 2025
    month = Period.parse("2026-02")
    assert (month.end, month.previous().key, month.following().key) == (
        date(2026, 3, 1), "2026-01", "2026-03")  # fmt: skip
    assert Period.parse("2026-01").previous().key == "2025-12"
    assert Period.parse("2026-03-29").end == date(2026, 3, 30)
    assert Period.containing(date(2026, 3, 15), W).key == "2026-W11"
    for bad in ("2026-13", "2026-W54", "mars", ""):
        with pytest.raises(InvalidData, match="is not a period"):
            Period.parse(bad)


def test_a_week_spanning_the_spring_change_lasts_167_hours() -> None:
    start, end = Period.parse("2026-W13").instants(PARIS)  # 23–29 March; clocks go forward 29th
    assert (end - start).total_seconds() == 167 * 3600
    assert start == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)


def test_weekly_monday_0800_covers_the_previous_week() -> None:
    timing = Timing.parse("week", "lun", "8h00")
    assert (timing.day, timing.at) == (0, time(8, 0))
    week = Period.parse("2026-W13")
    # Monday 30 March 08:00 in Paris is already summer time (UTC+2).
    assert timing.due_at(week, PARIS) == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    winter = Period.parse("2026-W43")  # 19–25 October; clocks go back on the 25th
    assert timing.due_at(winter, PARIS) == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)
    assert timing.latest(datetime(2026, 3, 30, 5, 59, tzinfo=UTC), PARIS).key == "2026-W12"
    assert timing.latest(datetime(2026, 3, 30, 6, 0, tzinfo=UTC), PARIS).key == "2026-W13"
    assert timing.upcoming(datetime(2026, 3, 30, 6, 0, tzinfo=UTC), PARIS) == datetime(
        2026, 4, 6, 6, 0, tzinfo=UTC
    )


def test_a_send_time_in_the_gap_goes_when_the_clocks_jump_and_once_in_the_overlap() -> None:
    gap = Timing(D, 0, time(2, 30))  # 29 March 2026 02:30 does not exist in Paris
    assert gap.due_at(Period.parse("2026-03-28"), PARIS) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    overlap = Timing(D, 0, time(2, 30))  # 25 October 2026 02:30 happens twice
    assert overlap.due_at(Period.parse("2026-10-24"), PARIS) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    # Every day of October once, whatever the change: 31 sends for 31 days.
    after = datetime(2026, 10, 1, 0, 0, tzinfo=UTC)
    sent = [p.key for p in Timing(D, 0, time(2, 30)).due_between(
        after, datetime(2026, 11, 1, 12, 0, tzinfo=UTC), PARIS)]  # fmt: skip
    assert len(sent) == MAX_MISSED and len(set(sent)) == len(sent)


def test_monthly_on_the_2nd_and_the_31st() -> None:
    second = Timing.parse("month", "2", "08:00")
    assert second.due_at(Period.parse("2026-02"), PARIS) == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    last = Timing(M, 31, time(8, 0))
    assert last.due_wall(Period.parse("2026-01")) == datetime(2026, 2, 28, 8, 0)
    assert last.due_wall(Period.parse("2026-02")) == datetime(2026, 3, 31, 8, 0)


def test_periods_missed_while_closed_oldest_first_and_bounded() -> None:
    timing = Timing(W, 0, time(8, 0))
    created = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # after that Monday's send
    now = datetime(2026, 3, 23, 6, 30, tzinfo=UTC)  # 07:30 in Paris: W12 not yet
    assert [p.key for p in timing.due_between(created, now, PARIS)] == ["2026-W10", "2026-W11"]
    year = timing.due_between(datetime(2025, 1, 1, tzinfo=UTC), now, PARIS)
    assert len(year) == MAX_MISSED and year[-1].key == "2026-W11"


def test_timing_and_addresses_are_checked() -> None:
    for every, on, at in (("year", "", "08:00"), ("week", "", "8h70"),
                          ("week", "xyz", "08:00"), ("month", "32", "08:00"),
                          ("month", "le 2", "08:00"), ("day", "", "25:00")):  # fmt: skip
        with pytest.raises(InvalidData):
            Timing.parse(every, on, at)
    assert split_addresses("a@x.fr; B@y.fr, a@X.fr  c@z.org") == ("a@x.fr", "B@y.fr", "c@z.org")
    for bad in ("pas une adresse", "a@b", "<a@x.fr>", "a@x.fr\nBcc: b@y.fr"):
        with pytest.raises(InvalidData, match="is not an e-mail address"):
            split_addresses(bad)
