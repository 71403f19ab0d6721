"""The escalation matrix and response-time targets: who handles what, and how fast.

A route sends a type of interaction (optionally only about a topic, or carrying a
tag) to a team; the most specific route that fits wins. A target is the time within
which an interaction of a priority must get its first answer.

Targets are elapsed time, around the clock: working hours and public holidays are not
taken into account (a message on Saturday evening with a 4-hour target is overdue on
Saturday night). Moments are stored in UTC and compared in UTC, so a change of clocks
never shifts a deadline: a 1-hour target is 60 real minutes on the night the clocks go
forward too. Deadlines are shown in the client's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cmdesk.core.interactions import Interaction

# Normal, important, urgent (core.interactions.PRIORITIES): what most help desks promise.
DEFAULT_TARGETS = {0: timedelta(hours=24), 1: timedelta(hours=4), 2: timedelta(hours=1)}
# States in which an interaction still waits for its first answer.
WAITING_STATUSES = ("new", "in_progress", "waiting_team")


@dataclass(frozen=True)
class Route:
    id: int
    type: str
    team_id: int
    topic_id: int | None = None
    tag: str = ""

    @property
    def specificity(self) -> int:
        return (self.topic_id is not None) + bool(self.tag)


def choose_team(
    routes: Iterable[Route], type: str, tags: Iterable[str], topic_ids: Iterable[int]
) -> int | None:
    """The team of the most specific route for an interaction of `type` with these tags
    and about these topics; ties go to the oldest route; None when no route fits."""
    tag_set = {t.casefold() for t in tags}
    topic_set = set(topic_ids)
    fitting = [
        r
        for r in routes
        if r.type == type
        and (not r.tag or r.tag.casefold() in tag_set)
        and (r.topic_id is None or r.topic_id in topic_set)
    ]
    if not fitting:
        return None
    best = min(fitting, key=lambda r: (-r.specificity, r.id))
    return best.team_id


def due_at(item: Interaction, targets: Mapping[int, timedelta]) -> datetime | None:
    """When the first answer is due, or None when none is awaited (answered, ours)."""
    if item.direction != "in" or item.first_response_at is not None:
        return None
    if item.status not in WAITING_STATUSES:
        return None
    # In UTC: Python adds to an aware local time on the wall clock (01:30 + 1 h on the
    # night clocks go forward would give 02:30, an hour that does not exist).
    start = item.occurred_at.astimezone(UTC)
    return start + targets.get(item.priority, DEFAULT_TARGETS[item.priority])


def is_overdue(item: Interaction, targets: Mapping[int, timedelta], now: datetime) -> bool:
    due = due_at(item, targets)
    return due is not None and now.astimezone(UTC) > due


def local_due(
    item: Interaction, targets: Mapping[int, timedelta], zone: ZoneInfo
) -> datetime | None:
    """The deadline in the client's time zone, for display."""
    due = due_at(item, targets)
    return due.astimezone(zone) if due is not None else None


def format_target(target: timedelta) -> str:
    """ "1 h", "4 h", "24 h", "90 min": hours when whole, else minutes."""
    minutes = int(target.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"
