"""The escalation matrix's choice of team, and deadlines across a change of clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cmdesk.core.escalation import (
    DEFAULT_TARGETS,
    Route,
    choose_team,
    due_at,
    format_target,
    is_overdue,
    local_due,
)
from cmdesk.core.interactions import Interaction

PARIS = ZoneInfo("Europe/Paris")


def test_the_most_specific_route_wins_then_the_oldest() -> None:
    routes = [
        Route(1, "complaint", team_id=10),
        Route(2, "complaint", team_id=20, tag="livraison"),
        Route(3, "complaint", team_id=30, topic_id=5),
        Route(4, "complaint", team_id=40, topic_id=5, tag="livraison"),
        Route(5, "question", team_id=50),
    ]
    assert choose_team(routes, "complaint", (), ()) == 10
    assert choose_team(routes, "complaint", ("LIVRAISON",), ()) == 20
    assert choose_team(routes, "complaint", ("livraison",), (5,)) == 40
    assert choose_team(routes, "complaint", ("autre",), (5, 6)) == 30
    assert choose_team(routes, "question", ("livraison",), (5,)) == 50
    assert choose_team(routes, "praise", (), ()) is None


def _waiting(at: datetime, priority: int = 0, **fields: object) -> Interaction:
    return Interaction(id=1, channel="x", occurred_at=at, priority=priority, **fields)  # type: ignore[arg-type]


def test_a_one_hour_target_is_sixty_real_minutes_when_clocks_go_forward() -> None:
    # 29 March 2026, Paris: 02:00 becomes 03:00. A message at 01:30 (CET) is due at
    # 03:30 CEST, one real hour later, not at "02:30", which does not exist.
    sent = datetime(2026, 3, 29, 1, 30, tzinfo=PARIS)
    item = _waiting(sent, priority=2)
    assert local_due(item, DEFAULT_TARGETS, PARIS) == datetime(2026, 3, 29, 3, 30, tzinfo=PARIS)
    assert due_at(item, DEFAULT_TARGETS) - sent.astimezone(UTC) == timedelta(hours=1)
    assert not is_overdue(item, DEFAULT_TARGETS, datetime(2026, 3, 29, 3, 29, tzinfo=PARIS))
    assert is_overdue(item, DEFAULT_TARGETS, datetime(2026, 3, 29, 3, 31, tzinfo=PARIS))


def test_a_day_target_across_the_autumn_change_is_24_real_hours() -> None:
    # 25 October 2026, Paris: 03:00 becomes 02:00 again; 24 h after Saturday 12:00 CEST
    # is Sunday 11:00 CET on the wall clock.
    sent = datetime(2026, 10, 24, 12, 0, tzinfo=PARIS)
    item = _waiting(sent)
    due = local_due(item, DEFAULT_TARGETS, PARIS)
    assert due is not None and (due.hour, due.day) == (11, 25)
    assert is_overdue(item, DEFAULT_TARGETS, datetime(2026, 10, 25, 11, 1, tzinfo=PARIS))
    assert not is_overdue(item, DEFAULT_TARGETS, datetime(2026, 10, 25, 10, 59, tzinfo=PARIS))


def test_answered_or_outgoing_interactions_are_never_overdue() -> None:
    old = datetime(2020, 1, 1, tzinfo=UTC)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert is_overdue(_waiting(old), DEFAULT_TARGETS, now)
    assert not is_overdue(_waiting(old, first_response_at=old), DEFAULT_TARGETS, now)
    assert not is_overdue(_waiting(old, direction="out"), DEFAULT_TARGETS, now)
    assert not is_overdue(_waiting(old, status="closed"), DEFAULT_TARGETS, now)


def test_targets_read_as_hours_or_minutes() -> None:
    assert [format_target(DEFAULT_TARGETS[p]) for p in (2, 1, 0)] == ["1 h", "4 h", "24 h"]
    assert format_target(timedelta(minutes=90)) == "90 min"
