"""What follows a publication: the next occurrence of a repeated or evergreen post, a post
published by hand, a late post skipped. Real workspace files; dates in 2031 so that
"after now" never depends on the day the tests run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.clock import utc_now
from cmdesk.core.errors import InvalidData
from cmdesk.core.networks import Network
from cmdesk.core.post_text import count_post
from cmdesk.core.posts import PostState
from cmdesk.core.publication import VariantState
from cmdesk.core.schedule import Frequency, Slot, to_local
from cmdesk.store.workspace import Workspace

S, V = PostState, VariantState
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(name="Fournil", slug="fournil", timezone="Europe/Paris")
    with Workspace.create(tmp_path / "fournil.cmdesk", profile) as w:
        yield w


def _scheduled(
    ws: Workspace, wall: datetime, *channels: str, approved: bool = True, image: bool = False
) -> int:
    post = ws.posts.create("Le pain du samedi", channels or ("x",), actor="lea")
    if image:
        ws.posts.add_media(post.id, PNG, "Une miche", filename="miche.png", actor="lea")
    if approved:
        ws.posts.set_state(post.id, S.APPROVED, actor="lea")
    ws.posts.schedule(post.id, wall, actor="lea")
    return post.id


def _publish_by_hand(ws: Workspace, post_id: int) -> int | None:
    """Mark every channel published; the id of the post that repeats it, if any."""
    sites = {"x": "https://x.com/fournil/status/", "linkedin": "https://www.linkedin.com/feed/"}
    for variant in ws.posts.get(post_id).variants:
        ws.posts.mark_published(variant.id, f"{sites[variant.channel]}{post_id}")
    history = ws.posts.history(post_id)
    repeated = [h for h in history if h.action == "repeated"]
    return int(repeated[0].detail) if repeated else None


def _paris(post_id: int, ws: Workspace) -> datetime:
    at = ws.posts.get(post_id).scheduled_at
    assert at is not None
    return to_local(at, "Europe/Paris")


def test_a_weekly_post_repeats_at_the_same_wall_time_across_the_october_change(
    ws: Workspace,
) -> None:
    first = _scheduled(ws, datetime(2031, 10, 25, 9, 0), "x", "linkedin", image=True)
    ws.posts.set_recurrence(first, Frequency.WEEKLY, actor="lea")
    before = ws.posts.get(first)

    second = _publish_by_hand(ws, first)

    assert second is not None
    after = ws.posts.get(first)
    assert after.state is S.PUBLISHED and after.recurrence is None  # the series moved on
    nxt = ws.posts.get(second)
    assert nxt.state is S.SCHEDULED and nxt.text == before.text
    assert nxt.scheduled_at == datetime(2031, 11, 1, 8, 0, tzinfo=UTC)  # 09:00 in winter
    assert nxt.wall_time == datetime(2031, 11, 1, 9, 0)
    assert nxt.recurrence is not None and nxt.recurrence.frequency is Frequency.WEEKLY
    assert [v.channel for v in nxt.variants] == ["x", "linkedin"]
    assert {v.state for v in nxt.variants} == {V.PENDING}
    assert {v.due_at for v in nxt.variants} == {nxt.scheduled_at}
    old_keys = {v.idempotency_key for v in before.variants}
    assert not old_keys & {v.idempotency_key for v in nxt.variants}
    [image] = ws.posts.media(second, with_data=True)
    assert (image.alt, image.data) == ("Une miche", PNG)
    assert [h.action for h in ws.posts.history(second)] == ["created"]
    # Publishing the same post again changes nothing: no second follower.
    assert [p.id for p in ws.posts.page()] == [second, first]


def test_a_monthly_series_on_the_31st_and_a_daily_one_in_the_march_gap_do_not_drift(
    ws: Workspace,
) -> None:
    monthly = _scheduled(ws, datetime(2031, 1, 31, 9, 0))
    ws.posts.set_recurrence(monthly, Frequency.MONTHLY, actor="lea")
    february = _publish_by_hand(ws, monthly)
    assert february is not None and _paris(february, ws) == datetime(2031, 2, 28, 9, 0)
    march = _publish_by_hand(ws, february)
    assert march is not None and _paris(march, ws) == datetime(2031, 3, 31, 9, 0)

    # 02:30 does not exist on 30 March 2031 in Paris: that day it goes out when the
    # clocks jump (03:00), and the next day at 02:30 again.
    daily = _scheduled(ws, datetime(2031, 3, 29, 2, 30))
    ws.posts.set_recurrence(daily, Frequency.DAILY, actor="lea")
    gap_day = _publish_by_hand(ws, daily)
    assert gap_day is not None and _paris(gap_day, ws) == datetime(2031, 3, 30, 3, 0)
    after_gap = _publish_by_hand(ws, gap_day)
    assert after_gap is not None and _paris(after_gap, ws) == datetime(2031, 3, 31, 2, 30)


def test_an_evergreen_post_comes_back_at_the_next_free_slot_or_without_a_time(
    ws: Workspace,
) -> None:
    ws.posts.add_slot("x", Slot(1, time(9, 0)))  # Tuesdays 09:00
    evergreen = _scheduled(ws, datetime(2031, 5, 6, 9, 0))
    ws.posts.set_recurrence(evergreen, None, evergreen=True, actor="lea")
    again = _publish_by_hand(ws, evergreen)
    assert again is not None
    post = ws.posts.get(again)
    assert post.state is S.SCHEDULED and post.evergreen
    assert post.wall_time is not None and post.wall_time.weekday() == 1
    assert post.wall_time.time() == time(9, 0)
    assert post.scheduled_at is not None and post.scheduled_at > utc_now()

    linkedin = _scheduled(ws, datetime(2031, 5, 7, 9, 0), "linkedin")
    ws.posts.set_recurrence(linkedin, None, evergreen=True, actor="lea")
    waiting = _publish_by_hand(ws, linkedin)
    assert waiting is not None
    post = ws.posts.get(waiting)
    assert post.state is S.APPROVED and post.scheduled_at is None  # no slot: to place by hand


def test_marking_published_by_hand_checks_the_address(ws: Workspace) -> None:
    post_id = _scheduled(ws, datetime(2031, 5, 6, 9, 0), "instagram")
    (variant,) = ws.posts.get(post_id).variants
    with pytest.raises(InvalidData, match="not a web address"):
        ws.posts.mark_published(variant.id, "instagram.com/p/abc")
    with pytest.raises(InvalidData, match="not on Instagram"):
        ws.posts.mark_published(variant.id, "https://www.facebook.com/fournil/posts/1")
    with pytest.raises(InvalidData, match="Paste the address"):
        ws.posts.mark_published(variant.id, "  ")
    assert ws.posts.variant(variant.id).state is V.PENDING  # nothing recorded

    ws.posts.mark_published(variant.id, "https://www.instagram.com/p/C0ffee/", actor="lea")
    done = ws.posts.variant(variant.id)
    assert (done.state, done.url) == (V.PUBLISHED, "https://www.instagram.com/p/C0ffee/")
    assert ws.posts.get(post_id).state is S.PUBLISHED
    last = [h for h in ws.posts.history(post_id) if h.variant_id == variant.id][-1]
    assert (last.action, last.actor, last.detail) == (
        "by_hand",
        "lea",
        "https://www.instagram.com/p/C0ffee/",
    )
    with pytest.raises(InvalidData, match="already"):
        ws.posts.mark_published(variant.id, "https://www.instagram.com/p/C0ffee/")


def test_skipping_a_late_post(ws: Workspace) -> None:
    # Approved then scheduled: back to approved, no longer due.
    single = _scheduled(ws, datetime(2031, 5, 6, 9, 0), "mastodon")
    ws.posts.skip(ws.posts.get(single).variants[0].id, actor="lea")
    post = ws.posts.get(single)
    assert post.state is S.APPROVED and post.variants[0].due_at is None
    assert ws.posts.history(single)[-1].action == "skipped"
    # Scheduled straight from a draft: back to draft.
    draft = _scheduled(ws, datetime(2031, 5, 6, 9, 0), "mastodon", approved=False)
    ws.posts.skip(ws.posts.get(draft).variants[0].id)
    assert ws.posts.get(draft).state is S.DRAFT
    # A repeated post moves on to its next occurrence (the same post).
    weekly = _scheduled(ws, datetime(2031, 5, 6, 9, 0), "bluesky")
    ws.posts.set_recurrence(weekly, Frequency.WEEKLY)
    ws.posts.skip(ws.posts.get(weekly).variants[0].id)
    post = ws.posts.get(weekly)
    assert post.state is S.SCHEDULED and _paris(weekly, ws) == datetime(2031, 5, 13, 9, 0)
    assert post.variants[0].due_at == post.scheduled_at
    # One network of a post already partly out: that version is failed, with the reason.
    mixed = _scheduled(ws, datetime(2031, 5, 6, 9, 0), "x", "bluesky")
    x, sky = ws.posts.get(mixed).variants
    ws.posts.mark_published(x.id, "https://x.com/fournil/status/1")
    ws.posts.skip(sky.id)
    assert ws.posts.variant(sky.id).state is V.FAILED
    assert "closed" in ws.posts.variant(sky.id).error
    with pytest.raises(InvalidData, match="nothing to skip"):
        ws.posts.skip(sky.id)


def test_tiktok_is_an_assisted_channel_with_its_caption_limit(ws: Workspace) -> None:
    account = ws.accounts.add("tiktok", "", "fournil")
    post = ws.posts.create("Nouvelle recette", ["tiktok"])
    assert post.variants[0].account_id == account.id
    counted = count_post(Network.TIKTOK, "é" * 4001)
    assert counted.limit == 4000 and counted.used == 4001
    assert "image_required" in {n.code for n in counted.notices}
