"""The calendar's reads (a range of posts with their channels, the posts without a date)
and the next free posting slot, on a real workspace in Paris."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData
from cmdesk.core.posts import PostState
from cmdesk.core.schedule import Slot
from cmdesk.store.post_calendar import posts_between, undated_posts
from cmdesk.store.workspace import Workspace

S = PostState


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(name="Léa", slug="lea", timezone="Europe/Paris")
    with Workspace.create(tmp_path / "lea.cmdesk", profile) as w:
        yield w


def test_a_range_reads_the_same_posts_as_between_with_their_channels(ws: Workspace) -> None:
    start = datetime(2026, 3, 1, 9, 0)
    made = []
    for day in range(0, 60, 2):
        channels = ["mastodon", "bluesky"][: 1 + (day // 2) % 2] if day % 3 else []
        post = ws.posts.create(f"Jour {day}", channels, state=S.IDEA)
        ws.posts.reschedule(post.id, start + timedelta(days=day, hours=day % 5))
        made.append(post.id)
    ws.posts.create("Sans date", ["x"])
    low, high = datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 4, 10, tzinfo=UTC)
    expected = ws.posts.between(low, high)
    found = posts_between(ws, low, high)
    assert found == expected and len(found) == 15  # days 10 to 38, every other one
    assert [p.scheduled_at for p in found] == sorted(p.scheduled_at for p in found)  # type: ignore[type-var]
    assert any(len(p.variants) == 2 for p in found) and any(not p.variants for p in found)
    # The end is excluded, the start included.
    first = found[0].scheduled_at
    assert first is not None
    assert posts_between(ws, first, first + timedelta(seconds=1)) == [found[0]]
    assert posts_between(ws, low - timedelta(days=1), first) == ws.posts.between(
        low - timedelta(days=1), first
    )


def test_a_month_of_many_posts_reads_in_few_queries(ws: Workspace) -> None:
    with ws.atomic():
        for i in range(1200):
            post = ws.posts.create(f"Publication {i}", ["mastodon", "bluesky"])
            ws.posts.reschedule(post.id, datetime(2026, 5, 1 + i % 31, 8 + i % 12, 0))
    statements: list[str] = []
    ws.db.set_trace_callback(statements.append)
    try:
        month = posts_between(
            ws, datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
        )
    finally:
        ws.db.set_trace_callback(None)
    assert len(month) == 1200 and all(len(p.variants) == 2 for p in month)
    assert len(statements) <= 5  # one for the posts, one per 500 posts for their channels


def test_the_side_list_holds_posts_without_a_date_that_can_get_one(ws: Workspace) -> None:
    idea = ws.posts.create("Idée", state=S.IDEA)
    draft = ws.posts.create("Brouillon", ["mastodon"])
    dated = ws.posts.create("Daté", ["mastodon"])
    ws.posts.reschedule(dated.id, datetime(2026, 6, 1, 9, 0))
    assert [p.id for p in undated_posts(ws)] == [draft.id, idea.id]
    assert undated_posts(ws)[0].channels == ("mastodon",)
    assert [p.id for p in undated_posts(ws, limit=1)] == [draft.id]
    # Taking the date off puts it back in the list.
    ws.posts.reschedule(dated.id, None)
    assert [p.id for p in undated_posts(ws)] == [dated.id, draft.id, idea.id]


def test_the_next_slot_is_offered_before_the_post_is_queued(ws: Workspace) -> None:
    now = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)  # a Monday
    with pytest.raises(InvalidData, match="no posting slot"):
        ws.posts.next_slot("mastodon", now=now)
    ws.posts.add_slot("mastodon", Slot.parse("tue 09:00"))
    ws.posts.add_slot("mastodon", Slot.parse("thu 09:00"))
    first = ws.posts.create("Un", ["mastodon"])
    offered = ws.posts.next_slot("mastodon", post_id=first.id, now=now)
    assert offered.wall == datetime(2026, 3, 24, 9, 0) and offered.zone == "Europe/Paris"
    queued = ws.posts.add_to_queue(first.id, now=now)
    assert queued.scheduled_at == offered.choices[0] and queued.state is S.SCHEDULED
    # Taken now, except for the post that holds it (moving it may keep its own slot).
    assert ws.posts.next_slot("mastodon", now=now).wall == datetime(2026, 3, 26, 9, 0)
    assert ws.posts.next_slot("mastodon", post_id=first.id, now=now).wall == offered.wall
