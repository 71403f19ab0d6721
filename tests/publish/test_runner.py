"""The due-post runner end to end: a loopback Mastodon instance and a real Bluesky PDS,
a real workspace file, and `cmdesk publish-due` as a real process killed mid-send."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from loopback import Fault
from mastodon_server import INVALID_TOKEN, MastodonServer
from pds import Pds

from cmdesk.core.accounts import Account
from cmdesk.core.client import ClientProfile
from cmdesk.core.clock import utc_now
from cmdesk.core.posts import PostState
from cmdesk.core.publication import VariantState
from cmdesk.publish import bluesky
from cmdesk.publish import mastodon as mastodon_api
from cmdesk.publish.connectors import factory
from cmdesk.publish.runner import (
    BY_HAND,
    HANDED,
    PUBLISHED,
    RECONNECT,
    RETRY,
    UNKNOWN,
    publish_due,
)
from cmdesk.store.secrets import MemorySecrets
from cmdesk.store.workspace import Workspace

V = VariantState
PAST = datetime(2026, 5, 4, 10, 0)  # the client's clock: long due
ZONE = ZoneInfo("Europe/Paris")


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(name="Léa", slug="lea", timezone="Europe/Paris")
    with Workspace.create(tmp_path / "lea.cmdesk", profile) as w:
        yield w


def _mastodon(ws: Workspace, server: MastodonServer, secrets: MemorySecrets) -> Account:
    return ws.accounts.keep(mastodon_api.connect(server.url, server.personal_token(), secrets))


def _due(ws: Workspace, *channels: str, at: datetime = PAST) -> int:
    post = ws.posts.create("La fournée du lundi est sortie du four", channels, actor="lea")
    ws.posts.schedule(post.id, at, actor="lea")
    return post.id


def _variant(ws: Workspace, post_id: int, channel: str = "mastodon") -> object:
    return next(v for v in ws.posts.get(post_id).variants if v.channel == channel)


def test_a_due_post_goes_out_on_mastodon_and_bluesky_with_its_address(
    ws: Workspace, mastodon: MastodonServer, pds: Pds, secrets: MemorySecrets
) -> None:
    _mastodon(ws, mastodon, secrets)
    user = pds.create_user("lea")
    ws.accounts.keep(bluesky.connect(pds.url, user.handle, user.app_password, secrets))
    post_id = _due(ws, "mastodon", "bluesky")

    summary = publish_due(ws, factory(secrets))

    assert [o.result for o in summary.outcomes] == [PUBLISHED, PUBLISHED]
    post = ws.posts.get(post_id)
    assert post.state is PostState.PUBLISHED
    toot, skeet = (
        next(v for v in post.variants if v.channel == c) for c in ("mastodon", "bluesky")
    )
    assert toot.state is V.PUBLISHED and toot.url == mastodon.statuses[0]["url"]
    record = pds.post_records(user)
    assert len(record) == 1 and skeet.remote_id == record[0]["uri"]
    assert skeet.url.startswith(f"https://bsky.app/profile/{user.handle}/post/")
    # A second run finds nothing due and sends nothing.
    assert publish_due(ws, factory(secrets)).outcomes == []
    assert len(mastodon.statuses) == 1 and len(pds.post_records(user)) == 1


def test_429_waits_for_retry_after_and_the_retry_is_not_a_second_post(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    _mastodon(ws, mastodon, secrets)
    post_id = _due(ws, "mastodon")
    mastodon.server.fault(
        "POST", "/api/v1/statuses",
        Fault(status=429, body={"error": "Too many requests"}, headers={"Retry-After": "600"}),
    )  # fmt: skip
    now = utc_now()
    (outcome,) = publish_due(ws, factory(secrets), now=now).outcomes
    assert outcome.result == RETRY and "Too many requests" in outcome.message
    variant = ws.posts.variant(outcome.variant_id)
    assert variant.state is V.PENDING and variant.due_at is not None
    assert now + timedelta(seconds=590) <= variant.due_at <= now + timedelta(seconds=610)
    assert publish_due(ws, factory(secrets), now=now + timedelta(minutes=5)).outcomes == []

    (outcome,) = publish_due(ws, factory(secrets), now=now + timedelta(minutes=11)).outcomes
    assert outcome.result == PUBLISHED
    assert len(mastodon.statuses) == 1
    keys = {
        r.headers["idempotency-key"] for r in mastodon.server.requests("POST", "/api/v1/statuses")
    }
    assert keys == {variant.idempotency_key}
    assert ws.posts.get(post_id).state is PostState.PUBLISHED


def test_transient_errors_give_up_after_a_few_attempts(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    _mastodon(ws, mastodon, secrets)
    _due(ws, "mastodon")
    busy = Fault(status=503, body={"error": "Service Unavailable"})
    mastodon.server.fault("POST", "/api/v1/statuses", *[busy] * 10)
    now = utc_now()
    results = []
    for _ in range(6):
        now += timedelta(hours=2)
        results += [o.result for o in publish_due(ws, factory(secrets), now=now).outcomes]
    assert results == [RETRY] * 4 + ["failed"]
    assert mastodon.statuses == []


def test_422_fails_with_the_networks_own_message(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    _mastodon(ws, mastodon, secrets)
    post_id = _due(ws, "mastodon")
    said = "Validation failed: Text character limit of 500 exceeded"
    mastodon.server.fault("POST", "/api/v1/statuses", Fault(status=422, body={"error": said}))
    (outcome,) = publish_due(ws, factory(secrets)).outcomes
    assert outcome.result == "failed"
    variant = ws.posts.variant(outcome.variant_id)
    assert variant.state is V.FAILED and said in variant.error
    assert ws.posts.get(post_id).state is PostState.FAILED
    assert publish_due(ws, factory(secrets)).outcomes == []  # waits for the user


def test_401_asks_to_reconnect_the_account(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    account = _mastodon(ws, mastodon, secrets)
    _due(ws, "mastodon")
    mastodon.server.fault("POST", "/api/v1/statuses", Fault(status=401, body=INVALID_TOKEN))
    (outcome,) = publish_due(ws, factory(secrets)).outcomes
    assert outcome.result == RECONNECT
    variant = ws.posts.variant(outcome.variant_id)
    assert variant.state is V.FAILED and "Reconnect this account" in variant.error
    assert account.id is not None and ws.accounts.get(account.id).needs_reconnect


def test_a_lost_answer_is_unknown_and_never_sent_again(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    _mastodon(ws, mastodon, secrets)
    post_id = _due(ws, "mastodon")
    mastodon.server.fault("POST", "/api/v1/statuses", Fault(lose_answer=True))
    (outcome,) = publish_due(ws, factory(secrets)).outcomes
    assert outcome.result == UNKNOWN
    assert len(mastodon.statuses) == 1  # it did go out
    assert ws.posts.get(post_id).state is PostState.UNKNOWN
    assert publish_due(ws, factory(secrets), now=utc_now() + timedelta(days=1)).outcomes == []
    assert len(mastodon.server.requests("POST", "/api/v1/statuses")) == 1


def test_mastodon_holds_a_post_due_later_and_bluesky_waits_for_its_time(
    ws: Workspace, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    _mastodon(ws, mastodon, secrets)
    ws.accounts.add("bluesky", "https://bsky.social", "lea.bsky.social")
    now = utc_now().replace(microsecond=0)
    in_two_hours = (now + timedelta(hours=2)).astimezone(ZONE).replace(tzinfo=None)
    post_id = _due(ws, "mastodon", "bluesky", at=in_two_hours)

    (outcome,) = publish_due(ws, factory(secrets), now=now).outcomes
    assert outcome.result == HANDED and outcome.channel == "mastodon"
    assert len(mastodon.scheduled) == 1 and mastodon.statuses == []
    toot = ws.posts.variant(outcome.variant_id)
    assert toot.state is V.PUBLISHED and toot.url == "" and toot.remote_id
    assert toot.published_at == now + timedelta(hours=2)
    assert _variant(ws, post_id, "bluesky").state is V.PENDING  # type: ignore[attr-defined]
    # Handed over once: a second run has nothing to send until Bluesky's time.
    assert publish_due(ws, factory(secrets), now=now).outcomes == []


def test_assisted_networks_are_listed_to_publish_by_hand(
    ws: Workspace, secrets: MemorySecrets
) -> None:
    post_id = _due(ws, "instagram", "x")
    summary = publish_due(ws, factory(secrets))
    assert [o.result for o in summary.outcomes] == [BY_HAND, BY_HAND]
    assert {v.state for v in ws.posts.get(post_id).variants} == {V.PENDING}
    assert len(summary.by_hand) == 2


# -- the command, as cron runs it, killed mid-send; the token in the keyring only -----------


def _cli(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANGUAGE": "en", "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "cmdesk", "--home", str(home), *args],
        input=stdin, capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip


def _wait(condition: object, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _variant_state(path: Path) -> str:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(db.execute("SELECT state FROM post_variant").fetchone()[0])
    finally:
        db.close()


def test_kill_9_between_claim_and_confirm_is_unknown_and_never_posted_twice(
    tmp_path: Path, mastodon: MastodonServer, secret_service: object
) -> None:
    home = tmp_path / "home"
    assert _cli(home, "clients", "create", "Léa", "--slug", "lea").returncode == 0
    token = mastodon.personal_token()
    added = _cli(
        home, "--client", "lea", "--json", "accounts", "add", "mastodon",
        "--server", mastodon.url, stdin=token + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["network"] == "mastodon"
    created = _cli(
        home, "--client", "lea", "posts", "create", "--text", "Une seule fois",
        "--channel", "mastodon", "--at", "2026-05-04T10:00",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr

    # The instance takes its time over the post: the kill lands between claim and confirm.
    mastodon.server.fault("POST", "/api/v1/statuses", Fault(delay_s=3))
    path = home / "clients" / "lea.cmdesk" if (home / "clients").is_dir() else None
    path = path or next(home.rglob("lea.cmdesk"))
    runner = subprocess.Popen(
        [sys.executable, "-m", "cmdesk", "--home", str(home), "--client", "lea", "publish-due"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "LANGUAGE": "en"},
    )  # fmt: skip
    try:
        _wait(lambda: mastodon.server.requests("POST", "/api/v1/statuses"), "the post request")
        assert _variant_state(path) == "publishing"
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait(10)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait(10)
    _wait(lambda: len(mastodon.statuses) == 1, "the instance to finish the post")

    again = _cli(home, "--client", "lea", "--json", "publish-due")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["clients"][0]["outcomes"] == []
    assert _variant_state(path) == "unknown"
    assert len(mastodon.server.requests("POST", "/api/v1/statuses")) == 1
    assert len(mastodon.statuses) == 1
    shown = _cli(home, "--client", "lea", "--json", "posts", "list")
    assert json.loads(shown.stdout)[0]["state"] == "unknown"

    # The token is in the keyring, and nowhere cmdesk writes.
    backup = _cli(home, "--client", "lea", "--json", "backup")
    assert backup.returncode == 0, backup.stderr
    listed = _cli(home, "--client", "lea", "--json", "accounts", "list")
    assert token not in listed.stdout and token not in added.stdout + added.stderr
    written = [p for p in home.rglob("*") if p.is_file() and token.encode() in p.read_bytes()]
    assert written == []
    assert secret_service.files_containing(token) == []  # type: ignore[attr-defined]
    from keyring.backends.SecretService import Keyring

    from cmdesk.store.secrets import KeyringSecrets

    uid = (
        sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        .execute("SELECT uid FROM client")
        .fetchone()[0]
    )
    account_uid = (
        sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        .execute("SELECT uid FROM account")
        .fetchone()[0]
    )
    assert token in (KeyringSecrets(uid, Keyring()).get(f"account:{account_uid}") or "")


def test_kill_9_between_claim_and_send_is_unknown_and_nothing_was_posted(
    tmp_path: Path, mastodon: MastodonServer, secret_service: object
) -> None:
    """Killed after the claim, while the image goes up and before the post itself is sent:
    nothing is online, the post is `unknown` (cmdesk cannot know how far it got), the user
    sees it on the network's side and decides; it is never sent again by itself."""
    home = tmp_path / "home"
    assert _cli(home, "clients", "create", "Léa", "--slug", "lea").returncode == 0
    added = _cli(home, "--client", "lea", "accounts", "add", "mastodon", "--server",
                 mastodon.url, stdin=mastodon.personal_token() + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    image = tmp_path / "galette.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000)
    created = _cli(
        home, "--client", "lea", "posts", "create", "--text", "Avec une photo",
        "--channel", "mastodon", "--at", "2026-05-04T10:00", "--image", str(image),
        "--alt", "Une galette",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    mastodon.server.fault("POST", "/api/v2/media", Fault(delay_s=5))
    path = next(home.rglob("lea.cmdesk"))
    runner = subprocess.Popen(
        [sys.executable, "-m", "cmdesk", "--home", str(home), "--client", "lea", "publish-due"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "LANGUAGE": "en"},
    )  # fmt: skip
    try:
        _wait(lambda: mastodon.server.requests("POST", "/api/v2/media"), "the image upload")
        assert _variant_state(path) == "publishing"  # claimed and committed before it
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait(10)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait(10)
    again = _cli(home, "--client", "lea", "--json", "publish-due")
    assert again.returncode == 0, again.stderr
    assert _variant_state(path) == "unknown"
    assert mastodon.server.requests("POST", "/api/v1/statuses") == []
    assert mastodon.statuses == []
