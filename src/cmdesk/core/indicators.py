"""The figures a client is shown for a period, against the period before: what was said
about them (mentions), how the community was answered (interactions) and what was
published (posts). Computed by store.indicators; pure data and arithmetic here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)


def percentile(values: Sequence[float], rank: float) -> float | None:
    """The `rank`-th percentile by the nearest-rank method (a value that occurred: "90 %
    of messages were answered within this time"), None for no value."""
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, math.ceil(rank / 100 * len(ordered)) - 1)
    return ordered[index]


@dataclass(frozen=True)
class Compared:
    now: int
    before: int

    @property
    def change(self) -> float | None:
        """In percent; None when there was nothing before."""
        if self.before == 0:
            return None
        return round((self.now - self.before) * 100 / self.before, 1)


@dataclass(frozen=True)
class Times:
    """Minutes from a message to its first answer (or to its resolution)."""

    count: int  # messages with a time
    median: float | None
    p90: float | None
    within_target: int = 0  # answered within the target of their priority
    without: int = 0  # messages still waiting for an answer (for first answers)

    @property
    def within_share(self) -> float | None:
        total = self.count + self.without
        return None if total == 0 else round(self.within_target * 100 / total, 1)


def times(minutes: Sequence[float], within: int = 0, without: int = 0) -> Times:
    return Times(len(minutes), median(minutes), percentile(minutes, 90), within, without)


@dataclass(frozen=True)
class Indicators:
    days: tuple[date, ...]  # the period's days, in the client's zone
    mentions: Compared
    mentions_per_day: tuple[int, ...]
    mentions_by_topic: dict[str, Compared]
    mentions_by_source: dict[str, int]  # the top sources of the period
    sentiment: dict[str, Compared]  # negative, neutral, positive
    negative_per_day: tuple[int, ...]
    alerts: Compared
    interactions: Compared
    interactions_by_type: dict[str, Compared]
    interactions_by_channel: dict[str, int]
    interactions_by_status: dict[str, int]  # of the period's messages, as they are now
    first_response: Times
    resolution: Times
    posts_by_channel: dict[str, Compared]  # published
    segments: dict[str, int]  # participation segment -> people
    unhappy_regulars: int = 0
    # Mentions per day of the most talked-about topics and sources (a series each).
    topics_per_day: dict[str, tuple[int, ...]] = field(default_factory=dict)
    sources_per_day: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # (id, title, url, why): the mentions worth reading again.
    notable_mentions: tuple[tuple[int, str, str, str], ...] = field(default=())
    notable_interactions: tuple[tuple[int, str, str, str], ...] = field(default=())

    @property
    def published(self) -> Compared:
        return Compared(
            sum(c.now for c in self.posts_by_channel.values()),
            sum(c.before for c in self.posts_by_channel.values()),
        )


def day_range(first: date, days: int) -> tuple[date, ...]:
    return tuple(first + timedelta(days=n) for n in range(days))
