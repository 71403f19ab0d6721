"""The runner's queues and follow-ups against the loopback Mastodon and WordPress servers:
a post due now is never kept waiting, posts a server published itself get their address,
late posts wait for the user, repeated posts get their next occurrence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from mastodon_server import MastodonServer
from wordpress_server import WordPressServer

from cmdesk.core.accounts import Account
from cmdesk.core.client import ClientProfile
from cmdesk.core.clock import utc_now
from cmdesk.core.posts import PostState
from cmdesk.core.publication import VariantState
from cmdesk.core.schedule import Frequency
from cmdesk.publish import mastodon as mastodon_api
from cmdesk.publish import wordpress as wp
from cmdesk.publish.connectors import factory
from cmdesk.publish.runner import ADDRESS, BY_HAND, HANDED, PUBLISHED, publish_due
from cmdesk.store.secrets import MemorySecrets
from cmdesk.store.workspace import Workspace

V, S = VariantState, PostState
ZONE = ZoneInfo("Europe/Paris")
PAST = datetime(2026, 5, 4, 10, 0)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(name="Léa", slug="lea", timezone="Europe/Paris")
    with Workspace.create(tmp_path / "lea.cmdesk", profile) as w:
        yield w


def _mastodon(ws: Workspace, server: MastodonServer, secrets: MemorySecrets) -> Account:
    return ws.accounts.keep(mastodon_api.connect(server.url, server.personal_token(), secrets))


def _wordpress(ws: Workspace, site: WordPressServer, secrets: MemorySecrets) -> Account:
    return ws.accounts.keep(wp.connect(site.url, site.username, site.app_password, secrets))


def _post(ws: Workspace, text: str, *channels: str, at: datetime = PAST) -> int:
    post = ws.posts.create(text, channels, actor="lea")
    ws.posts.schedule(post.id, at, actor="lea")
    return post.id


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZONE).replace(tzinfo=None, microsecond=0)


def test_a_post_due_now_is_not_starved_by_posts_to_publish_by_hand(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    _mastodon(ws, mastodon, secrets)
    # 120 Instagram posts long overdue (never claimed: they stay due until the user acts)
    # and a Mastodon post due a minute ago, later than all of them.
    for n in range(120):
        _post(ws, f"Photo {n}", "instagram", at=PAST - timedelta(days=1, minutes=n))
    now = utc_now().replace(microsecond=0)
    toot = _post(ws, "Le pain est chaud", "mastodon", at=_local(now - timedelta(minutes=1)))

    summary = publish_due(ws, factory(secrets), now=now, limit=100)

    assert ws.posts.get(toot).state is S.PUBLISHED
    assert summary.count(PUBLISHED) == 1 and summary.count(BY_HAND) == 100
    assert len(mastodon.statuses) == 1


def test_a_post_due_now_goes_before_posts_handed_to_the_server(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    _mastodon(ws, mastodon, secrets)
    now = utc_now().replace(microsecond=0)
    for n in range(5):
        _post(ws, f"Plus tard {n}", "mastodon", at=_local(now + timedelta(hours=2, minutes=n)))
    due = _post(ws, "Maintenant", "mastodon", at=_local(now - timedelta(minutes=1)))

    summary = publish_due(ws, factory(secrets), now=now, limit=3)

    assert summary.outcomes[0].post_id == due and summary.outcomes[0].result == PUBLISHED
    assert [o.result for o in summary.outcomes[1:]] == [HANDED] * 3


def test_a_mastodon_post_the_instance_published_gets_its_address_later(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    _mastodon(ws, mastodon, secrets)
    now = utc_now().replace(microsecond=0)
    post_id = _post(
        ws, "Galette des rois ce week-end", "mastodon", at=_local(now + timedelta(hours=2))
    )
    (handed,) = publish_due(ws, factory(secrets), now=now).outcomes
    assert handed.result == HANDED and ws.posts.variant(handed.variant_id).url == ""

    # Before its time nothing is looked up; after it, the instance has published it.
    assert publish_due(ws, factory(secrets), now=now + timedelta(hours=1)).outcomes == []
    mastodon.publish_scheduled()
    later = now + timedelta(hours=2, minutes=5)
    (found,) = publish_due(ws, factory(secrets), now=later).outcomes

    assert found.result == ADDRESS and found.url == mastodon.statuses[0]["url"]
    variant = ws.posts.variant(handed.variant_id)
    assert (variant.url, variant.remote_id) == (found.url, mastodon.statuses[0]["id"])
    assert variant.state is V.PUBLISHED and ws.posts.get(post_id).state is S.PUBLISHED
    assert ws.posts.history(post_id)[-1].action == "address"
    # Found once: later runs ask nothing more.
    asked = len(mastodon.server.requests("GET", "/api/v1/scheduled_statuses"))
    assert publish_due(ws, factory(secrets), now=later + timedelta(hours=1)).outcomes == []
    assert len(mastodon.server.requests("GET", "/api/v1/scheduled_statuses")) == asked


def test_wordpress_articles_due_now_and_later_through_the_runner(
    ws: Workspace, wordpress: WordPressServer, secrets: MemorySecrets
) -> None:
    _wordpress(ws, wordpress, secrets)
    now = utc_now().replace(microsecond=0)
    today = _post(ws, "Nos horaires d'été", "wordpress", at=_local(now - timedelta(minutes=2)))
    tomorrow = _post(ws, "La fête du pain", "wordpress", at=_local(now + timedelta(hours=3)))

    summary = publish_due(ws, factory(secrets), now=now)

    assert [(o.post_id, o.result) for o in summary.outcomes] == [
        (today, PUBLISHED),
        (tomorrow, HANDED),
    ]
    statuses = sorted(p["status"] for p in wordpress.posts.values())
    assert statuses == ["future", "publish"]
    published = ws.posts.get(today).variants[0]
    assert published.url == wordpress.posts[int(published.remote_id)]["link"]
    assert published.url.endswith("/article/")
    handed = ws.posts.get(tomorrow).variants[0]
    assert handed.url.endswith(f"/?p={handed.remote_id}")  # the short link until then

    wordpress.publish_future()
    (found,) = publish_due(ws, factory(secrets), now=now + timedelta(hours=3, minutes=5)).outcomes
    assert found.result == ADDRESS
    assert ws.posts.variant(handed.id).url == f"{wordpress.url}/{handed.remote_id}/article/"
    assert len(wordpress.posts) == 2  # nothing sent twice


def test_late_posts_wait_for_the_user_and_publish_now_sends_only_those_chosen(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    _mastodon(ws, mastodon, secrets)
    now = utc_now().replace(microsecond=0)
    opened = now - timedelta(minutes=10)
    late_a = _post(ws, "Pendant les vacances", "mastodon", at=_local(now - timedelta(days=2)))
    late_b = _post(ws, "Toujours fermé", "mastodon", at=_local(now - timedelta(days=1)))
    on_time = _post(ws, "Juste à l'heure", "mastodon", at=_local(now - timedelta(minutes=1)))

    summary = publish_due(ws, factory(secrets), now=now, not_before=opened)
    assert [o.post_id for o in summary.outcomes] == [on_time]
    assert {ws.posts.get(p).state for p in (late_a, late_b)} == {S.SCHEDULED}

    chosen = ws.posts.get(late_b).variants[0].id
    summary = publish_due(ws, factory(secrets), now=now, not_before=opened, only=[chosen])
    assert [(o.post_id, o.result) for o in summary.outcomes] == [(late_b, PUBLISHED)]
    assert ws.posts.get(late_a).state is S.SCHEDULED
    assert len(mastodon.statuses) == 2


def test_a_daily_post_published_late_repeats_from_the_next_day_not_in_a_burst(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    _mastodon(ws, mastodon, secrets)
    post_id = _post(ws, "Le pain du jour", "mastodon")  # PAST: many days ago, 10:00
    ws.posts.set_recurrence(post_id, Frequency.DAILY, actor="lea")

    (outcome,) = publish_due(ws, factory(secrets)).outcomes

    assert outcome.result == PUBLISHED
    repeated = [h for h in ws.posts.history(post_id) if h.action == "repeated"]
    following = ws.posts.get(int(repeated[0].detail))
    assert following.state is S.SCHEDULED and following.scheduled_at is not None
    now = utc_now()
    assert now < following.scheduled_at <= now + timedelta(days=1)
    assert following.wall_time is not None and following.wall_time.time() == PAST.time()
    # One post went out; the next is at most handed to the instance for its time.
    again = publish_due(ws, factory(secrets)).outcomes
    assert [(o.post_id, o.result) for o in again] in ([], [(following.id, HANDED)])
    assert len(mastodon.statuses) == 1


def test_a_zone_change_after_scheduling_keeps_the_moment_and_the_wall_time_of_its_zone(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    """The client moves to Montreal after a post was put at 09:00 Paris time: the post
    still goes out at 09:00 in Paris (the zone it was chosen in is kept with it), not at
    09:00 in Montreal, and exactly once."""
    _mastodon(ws, mastodon, secrets)
    wall = datetime(2030, 6, 3, 9, 0)
    post_id = _post(ws, "Ouverture estivale", "mastodon", at=wall)
    moment = ws.posts.get(post_id).scheduled_at
    ws.update_profile(timezone="America/Montreal")
    post = ws.posts.get(post_id)
    assert (post.scheduled_at, post.zone, post.wall_time) == (moment, "Europe/Paris", wall)
    assert moment is not None
    publish_due(ws, factory(secrets), now=moment + timedelta(minutes=1))
    assert ws.posts.get(post_id).state is S.PUBLISHED
    assert len(mastodon.statuses) == 1


def test_a_clock_jump_sends_each_due_post_once_and_repeats_without_a_burst(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    """The laptop wakes up three days later (or its clock is set forward): what came due
    meanwhile goes out once; a daily post gets its next time still to come, not three."""
    _mastodon(ws, mastodon, secrets)
    jumped = utc_now().replace(microsecond=0)  # what the clock says on waking up
    start = jumped - timedelta(days=3)  # when it went to sleep, posts still to come
    once = _post(ws, "Une fois", "mastodon", at=_local(start + timedelta(minutes=30)))
    daily = _post(ws, "Chaque matin", "mastodon", at=_local(start + timedelta(hours=1)))
    ws.posts.set_recurrence(daily, Frequency.DAILY)
    for _attempt in range(2):  # the next tick finds nothing more to send
        publish_due(ws, factory(secrets), now=jumped)
    assert ws.posts.get(once).state is S.PUBLISHED
    assert ws.posts.get(daily).state is S.PUBLISHED
    # Each went out once, not three catch-ups for the missed mornings (the next morning's
    # may already be handed to the instance, to go out at its time).
    contents = [str(status.get("content", "")) for status in mastodon.statuses]
    assert sum("Une fois" in c for c in contents) == 1
    assert 1 <= sum("Chaque matin" in c for c in contents) <= 2
    # The next mornings, not the missed ones: tomorrow's (handed to the instance, so its
    # own next one is made too), and the day after's, waiting.
    followers = sorted(
        (p for p in ws.posts.page() if p.id not in (once, daily)), key=lambda p: p.id
    )
    assert 1 <= len(followers) <= 2 and followers[-1].state is S.SCHEDULED
    assert all(p.scheduled_at is not None and p.scheduled_at > jumped for p in followers)
