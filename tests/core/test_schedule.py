"""Posting times in the client's zone: daylight-saving gaps and overlaps, slots, recurrence.

Europe/Paris in 2026: summer time starts on 29 March (02:00 -> 03:00, 01:00 UTC) and ends
on 25 October (03:00 -> 02:00, 01:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmdesk.core.errors import InvalidData
from cmdesk.core.schedule import (
    AmbiguousTime,
    Frequency,
    Recurrence,
    Slot,
    WallKind,
    clock_change,
    is_summer_time,
    next_free_slot,
    resolve,
    to_local,
)

PARIS = "Europe/Paris"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_an_ordinary_time_is_one_instant() -> None:
    wall = resolve(datetime(2026, 6, 2, 9, 0), PARIS)
    assert wall.kind is WallKind.NORMAL
    assert wall.instant == utc(2026, 6, 2, 7, 0)


def test_a_time_in_the_spring_gap_is_detected_with_both_ways_out() -> None:
    wall = resolve(datetime(2026, 3, 29, 2, 30), PARIS)
    assert wall.kind is WallKind.GAP
    when_clocks_jump, shifted = wall.choices
    assert when_clocks_jump == utc(2026, 3, 29, 1, 0)  # 03:00 local
    assert shifted == utc(2026, 3, 29, 1, 30)  # 03:30 local
    assert to_local(shifted, PARIS) == datetime(2026, 3, 29, 3, 30)
    with pytest.raises(AmbiguousTime, match="does not exist"):
        _ = wall.instant


def test_a_time_in_the_autumn_overlap_offers_both_occurrences() -> None:
    wall = resolve(datetime(2026, 10, 25, 2, 30), PARIS)
    assert wall.kind is WallKind.OVERLAP
    assert wall.choices == (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30))
    with pytest.raises(AmbiguousTime, match="happens twice"):
        _ = wall.instant


def test_the_edges_of_the_changes_are_ordinary() -> None:
    assert resolve(datetime(2026, 3, 29, 1, 59), PARIS).kind is WallKind.NORMAL
    assert resolve(datetime(2026, 3, 29, 3, 0), PARIS).kind is WallKind.NORMAL
    assert resolve(datetime(2026, 10, 25, 1, 59), PARIS).kind is WallKind.NORMAL
    assert resolve(datetime(2026, 10, 25, 3, 0), PARIS).kind is WallKind.NORMAL


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
    st.sampled_from([PARIS, "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata"]),
)
def test_every_choice_shows_the_wall_time_or_follows_the_gap(wall: datetime, zone: str) -> None:
    resolved = resolve(wall, zone)
    local = wall.replace(microsecond=0)
    if resolved.kind is WallKind.GAP:
        jump, shifted = resolved.choices
        assert jump < shifted
        assert to_local(jump - timedelta(seconds=1), zone) < local < to_local(jump, zone)
    else:
        assert all(to_local(c, zone) == local for c in resolved.choices)


def test_slots_are_read_in_english_and_french() -> None:
    assert Slot.parse("tue 09:00") == Slot(1, time(9, 0))
    assert Slot.parse("Jeudi 18h30") == Slot(3, time(18, 30))
    for bad in ("someday 09:00", "tue", "tue 25:00", "mar 9"):
        with pytest.raises(InvalidData):
            Slot.parse(bad)


def test_the_queue_takes_the_next_free_slot() -> None:
    slots = [Slot.parse("tue 09:00"), Slot.parse("thu 09:00")]
    monday = utc(2026, 6, 1, 12, 0)
    first = next_free_slot(slots, PARIS, monday, taken=[])
    assert first.instant == utc(2026, 6, 2, 7, 0)  # Tuesday 09:00 in Paris
    second = next_free_slot(slots, PARIS, monday, taken=[first.instant])
    assert second.instant == utc(2026, 6, 4, 7, 0)  # Thursday
    with pytest.raises(InvalidData, match="no posting slot"):
        next_free_slot([], PARIS, monday, taken=[])


def test_slots_keep_their_wall_time_across_the_change() -> None:
    slots = [Slot.parse("tue 09:00")]
    before = next_free_slot(slots, PARIS, utc(2026, 3, 23), taken=[])
    after = next_free_slot(slots, PARIS, utc(2026, 3, 30), taken=[])
    assert before.instant == utc(2026, 3, 24, 8, 0)  # winter: UTC+1
    assert after.instant == utc(2026, 3, 31, 7, 0)  # summer: UTC+2


def test_a_slot_in_the_gap_is_skipped_that_week() -> None:
    slots = [Slot.parse("sun 02:30")]
    found = next_free_slot(slots, PARIS, utc(2026, 3, 28), taken=[])
    assert to_local(found.instant, PARIS) == datetime(2026, 4, 5, 2, 30)


def test_a_weekly_post_stays_at_nine_across_both_changes() -> None:
    weekly = Recurrence(datetime(2026, 3, 17, 9, 0), PARIS, Frequency.WEEKLY)
    times = weekly.occurrences(utc(2026, 3, 1), 34)
    assert {to_local(t, PARIS).time() for t in times} == {time(9, 0)}
    # The instants themselves move by an hour at each change, in March then in October.
    steps = [(a, b - a) for a, b in pairwise(times)]
    changes = [
        (to_local(a, PARIS).date().isoformat(), d) for a, d in steps if d != timedelta(weeks=1)
    ]
    assert changes == [
        ("2026-03-24", timedelta(weeks=1, hours=-1)),
        ("2026-10-20", timedelta(weeks=1, hours=1)),
    ]


def test_a_recurrence_in_the_gap_goes_out_when_the_clocks_jump_and_once_in_the_overlap() -> None:
    daily = Recurrence(datetime(2026, 3, 27, 2, 30), PARIS, Frequency.DAILY)
    spring = daily.occurrences(utc(2026, 3, 26), 4)
    assert [to_local(t, PARIS) for t in spring] == [
        datetime(2026, 3, 27, 2, 30),
        datetime(2026, 3, 28, 2, 30),
        datetime(2026, 3, 29, 3, 0),  # 02:30 does not exist that night
        datetime(2026, 3, 30, 2, 30),
    ]
    daily = Recurrence(datetime(2026, 10, 24, 2, 30), PARIS, Frequency.DAILY)
    autumn = daily.occurrences(utc(2026, 10, 23), 3)
    assert autumn[1] == utc(2026, 10, 25, 0, 30)  # the first 02:30 only
    assert len(set(autumn)) == 3


def test_a_monthly_post_on_the_31st_falls_on_the_last_day() -> None:
    monthly = Recurrence(datetime(2026, 1, 31, 10, 0), PARIS, Frequency.MONTHLY)
    days = [to_local(t, PARIS).date().isoformat() for t in monthly.occurrences(utc(2026, 1, 1), 4)]
    assert days == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]
    with pytest.raises(InvalidData):
        Recurrence(datetime(2026, 1, 1), PARIS, Frequency.DAILY, interval=0)


def test_the_clock_change_behind_a_gap_or_an_overlap_is_said_as_the_clocks_show_it() -> None:
    spring = clock_change(resolve(datetime(2026, 3, 29, 2, 30), "Europe/Paris"))
    assert spring.at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert (spring.before, spring.after) == (
        datetime(2026, 3, 29, 2, 0),
        datetime(2026, 3, 29, 3, 0),
    )
    autumn_wall = resolve(datetime(2026, 10, 25, 2, 30), "Europe/Paris")
    autumn = clock_change(autumn_wall)
    assert autumn.at == datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    assert (autumn.before, autumn.after) == (
        datetime(2026, 10, 25, 3, 0),
        datetime(2026, 10, 25, 2, 0),
    )
    first, second = autumn_wall.choices
    assert is_summer_time(first, "Europe/Paris") and not is_summer_time(second, "Europe/Paris")
    # Lord Howe Island moves its clocks by half an hour.
    howe = clock_change(resolve(datetime(2026, 10, 4, 2, 15), "Australia/Lord_Howe"))
    assert (howe.before.time(), howe.after.time()) == (time(2, 0), time(2, 30))
    with pytest.raises(ValueError):
        clock_change(resolve(datetime(2026, 6, 1, 9, 0), "Europe/Paris"))
