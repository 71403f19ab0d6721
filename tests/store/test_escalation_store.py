"""The escalation matrix and the "overdue" inbox filter in a real workspace: SQL agrees
with the plain rule at every priority, around a change of clocks, and uses its index."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.escalation import is_overdue
from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.workspace import Workspace

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.create(tmp_path / "lea.cmdesk", ClientProfile(name="Léa", slug="lea")) as w:
        yield w


def test_routes_targets_and_proposals(ws: Workspace) -> None:
    sav = ws.teams.add("SAV")
    rd = ws.teams.add("R&D", kind="product")
    topic = ws.topics.add("Gluten", "gluten OR coeliaque")
    ws.escalation.set_route("suggestion", rd.id)
    ws.escalation.set_route("complaint", sav.id)
    ws.escalation.set_route("complaint", rd.id, topic_id=topic.id)
    ws.escalation.set_route("complaint", sav.id)  # again: the same line, not a second one
    assert [(r.type, r.topic_id, r.team_id) for r in ws.escalation.routes()] == [
        ("complaint", topic.id, rd.id), ("complaint", None, sav.id), ("suggestion", None, rd.id),
    ]  # fmt: skip
    # The topic's query matches the text: the more specific line wins.
    item = ws.interactions.add("Du gluten dans le pain sans gluten, inadmissible", channel="x",
                               type="complaint")  # fmt: skip
    assert item.team_id == rd.id
    # Typed by hand later: the matrix proposes and, asked to, assigns.
    later = ws.interactions.add("Bof", channel="x", type="other")
    ws.interactions.set_type([later.id], "complaint")
    assert ws.escalation.propose(later.id) == sav.id
    ws.escalation.route([later.id, item.id])
    assert ws.interactions.get(later.id).team_id == sav.id
    assert ws.interactions.get(item.id).team_id == rd.id  # already had one: kept
    ws.topics.remove(topic.id)
    assert len(ws.escalation.routes()) == 2  # its line went with it
    with pytest.raises(NotFound):
        ws.escalation.set_route("praise", 404)
    with pytest.raises(InvalidData, match="Unknown type"):
        ws.escalation.set_route("rant", sav.id)
    ws.escalation.set_target(2, timedelta(minutes=30))
    assert ws.escalation.targets()[2] == timedelta(minutes=30)
    with pytest.raises(InvalidData, match="between 1 minute and 30 days"):
        ws.escalation.set_target(0, timedelta(days=31))


def test_overdue_in_sql_agrees_with_the_rule_around_a_change_of_clocks(ws: Workspace) -> None:
    rng = random.Random(7)
    # The night of 29 March 2026 in Paris (02:00 -> 03:00), every 10 minutes from 22:00
    # the day before, all priorities, some answered, some ours, some closed.
    start = datetime(2026, 3, 28, 22, 0, tzinfo=PARIS)
    for n in range(60):
        at = start + timedelta(minutes=10 * n)  # wall clock, on purpose: both sides of 02:00
        item = ws.interactions.add(
            f"message {n}", channel="x", occurred_at=at, priority=rng.choice((0, 1, 2)),
            direction=rng.choice(("in", "in", "in", "out")),
        )  # fmt: skip
        roll = rng.random()
        if roll < 0.2:
            ws.interactions.record_reply(
                item.id, "Merci", at=at.astimezone(UTC) + timedelta(hours=2)
            )
        elif roll < 0.3:
            ws.interactions.set_status([item.id], "closed")
    items = ws.interactions.page(limit=1000)
    targets = ws.escalation.targets()
    for hour in range(0, 30):
        now = datetime(2026, 3, 29, 0, 0, tzinfo=UTC) + timedelta(minutes=20 * hour)
        expected = {i.id for i in items if is_overdue(i, targets, now)}
        found = {i.id for i in ws.interactions.page(InteractionFilter(overdue=True, now=now),
                                                    limit=1000)}  # fmt: skip
        assert found == expected, now
        assert ws.interactions.count(InteractionFilter(overdue=True, now=now)) == len(expected)
    # At 03:31 Paris time, an urgent message of 01:30 (one real hour before 03:30) is late.
    late = ws.interactions.add(
        "urgent", channel="x", occurred_at=datetime(2026, 3, 29, 1, 30, tzinfo=PARIS), priority=2
    )
    at = datetime(2026, 3, 29, 3, 29, tzinfo=PARIS)
    assert late.id not in {
        i.id for i in ws.interactions.page(InteractionFilter(overdue=True, now=at))
    }
    at = datetime(2026, 3, 29, 3, 31, tzinfo=PARIS)
    assert late.id in {i.id for i in ws.interactions.page(InteractionFilter(overdue=True, now=at))}


def test_the_overdue_filter_reads_the_index_of_unanswered_interactions(ws: Workspace) -> None:
    now = datetime(2026, 3, 10, tzinfo=UTC)
    where, params = ws.escalation.overdue_sql(now)
    plan = " ".join(
        str(row[-1])
        for row in ws.db.execute(
            f"EXPLAIN QUERY PLAN SELECT id FROM interaction WHERE {where}", params
        )
    )
    assert "interaction_unanswered" in plan, plan
