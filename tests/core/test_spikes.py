"""Spike detection against a topic's own baseline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cmdesk.core.spikes import MIN_VOLUME, WindowCounts, detect, windows

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def history(per_day: list[int], today: int, negative_today: int = 0, negative_per_day: int = 0):
    times = []
    for day, count in enumerate(per_day, start=1):
        for i in range(count):
            times.append((NOW - timedelta(days=day, minutes=i + 1), i < negative_per_day))
    for i in range(today):
        times.append((NOW - timedelta(minutes=i + 1), i < negative_today))
    return windows(times, NOW)


def test_counts_fall_in_their_windows() -> None:
    current, baseline = history([2, 0, 5, 1, 1, 1, 1], today=4)
    assert current == WindowCounts(4, 0)
    assert [b.total for b in baseline] == [2, 0, 5, 1, 1, 1, 1]
    # Mentions older than the baseline are ignored.
    old = windows([(NOW - timedelta(days=30), False)], NOW)
    assert old[0].total == 0 and sum(b.total for b in old[1]) == 0


def test_a_burst_above_the_usual_level_is_a_spike() -> None:
    current, baseline = history([3, 4, 2, 3, 5, 3, 4], today=25)
    [spike] = detect(current, baseline, NOW)
    assert spike.kind == "volume" and spike.observed == 25
    assert 3.0 < spike.baseline_mean < 4.0 and spike.ratio > 6


def test_ordinary_days_and_tiny_topics_are_not_spikes() -> None:
    assert detect(*history([3, 4, 2, 3, 5, 3, 4], today=6), NOW) == []
    # Usually silent: two mentions are news, not a crisis.
    assert detect(*history([0] * 7, today=MIN_VOLUME - 1), NOW) == []
    assert [s.kind for s in detect(*history([0] * 7, today=MIN_VOLUME), NOW)] == ["volume"]


def test_a_rising_share_of_negative_mentions_is_a_spike() -> None:
    current, baseline = history([10] * 7, today=10, negative_today=7, negative_per_day=1)
    spikes = detect(current, baseline, NOW)
    assert [s.kind for s in spikes] == ["negative"]
    assert spikes[0].observed == 0.7 and abs(spikes[0].baseline_mean - 0.1) < 1e-9


@given(
    st.lists(st.integers(min_value=0, max_value=50), min_size=7, max_size=7),
    st.integers(min_value=0, max_value=200),
)
def test_more_mentions_today_never_removes_a_volume_spike(per_day: list[int], today: int) -> None:
    baseline = [WindowCounts(n, 0) for n in per_day]
    spiked = any(s.kind == "volume" for s in detect(WindowCounts(today, 0), baseline, NOW))
    more = any(s.kind == "volume" for s in detect(WindowCounts(today + 10, 0), baseline, NOW))
    assert more or not spiked
