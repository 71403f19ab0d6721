"""The runner's steps against real files and real processes: a claim is exclusive, a
crash between claim and confirmation leaves `unknown` (never sent again), the post sums
its channels up, and a workspace with posts checks out and backs up whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.posts import PostState
from cmdesk.core.publication import VariantState
from cmdesk.store import backup as backups
from cmdesk.store.paths import Home
from cmdesk.store.post_publishing import ClaimRefused
from cmdesk.store.workspace import Workspace, connect

S, V = PostState, VariantState
NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "clients" / "lea.cmdesk"


@pytest.fixture
def ws(path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(name="Léa", slug="lea", timezone="Europe/Paris")
    with Workspace.create(path, profile) as w:
        yield w


def _due_post(ws: Workspace, channels: tuple[str, ...] = ("mastodon", "bluesky")) -> int:
    post = ws.posts.create("La fournée du lundi", channels, actor="lea")
    ws.posts.schedule(post.id, datetime(2026, 5, 4, 10, 0), actor="lea")  # 08:00 UTC
    return post.id


def _states(ws: Workspace, post_id: int) -> tuple[PostState, list[VariantState]]:
    post = ws.posts.get(post_id)
    return post.state, [v.state for v in post.variants]


def test_claim_confirm_and_the_post_published_when_every_channel_is(ws: Workspace) -> None:
    post_id = _due_post(ws)
    assert ws.posts.due(NOW - timedelta(hours=2)) == []  # 07:00 UTC: not yet
    mastodon, bluesky = ws.posts.due(NOW)
    claimed = ws.posts.claim(mastodon.id, now=NOW)
    assert (claimed.state, claimed.attempts) == (V.PUBLISHING, 1)
    assert claimed.claimed_at is not None
    assert claimed.idempotency_key == mastodon.idempotency_key  # the same for every attempt
    assert _states(ws, post_id) == (S.PUBLISHING, [V.PUBLISHING, V.PENDING])
    with pytest.raises(ClaimRefused, match="already “Publishing”"):
        ws.posts.claim(mastodon.id, now=NOW)
    ws.posts.confirm(mastodon.id, "110", "https://mastodon.social/@lea/110")
    # One channel out, one to go: the post is still being published.
    assert _states(ws, post_id) == (S.PUBLISHING, [V.PUBLISHED, V.PENDING])
    assert [v.id for v in ws.posts.due(NOW)] == [bluesky.id]
    ws.posts.claim(bluesky.id, now=NOW)
    ws.posts.confirm(bluesky.id, "at://did:plc:x/app.bsky.feed.post/3k", "https://bsky.app/x")
    assert _states(ws, post_id) == (S.PUBLISHED, [V.PUBLISHED, V.PUBLISHED])
    with pytest.raises(ClaimRefused, match="not sent again"):
        ws.posts.claim(bluesky.id, now=NOW)
    with pytest.raises(InvalidData, match="nothing was changed"):
        ws.posts.confirm(bluesky.id, "again", "https://bsky.app/y")
    history = [(h.actor, h.action, h.from_state, h.to_state) for h in ws.posts.history(post_id)]
    assert history[2:] == [
        ("cmdesk", "claimed", "pending", "publishing"),
        ("cmdesk", "settled", "scheduled", "publishing"),
        ("cmdesk", "published", "publishing", "published"),
        ("cmdesk", "claimed", "pending", "publishing"),
        ("cmdesk", "published", "publishing", "published"),
        ("cmdesk", "settled", "publishing", "published"),
    ]


def test_claims_refused_with_the_reason(ws: Workspace) -> None:
    post_id = _due_post(ws, ("mastodon",))
    [variant] = ws.posts.get(post_id).variants
    with pytest.raises(ClaimRefused, match="not yet"):
        ws.posts.claim(variant.id, now=NOW - timedelta(hours=2))
    ws.posts.set_state(post_id, S.DRAFT)
    with pytest.raises(ClaimRefused, match="only scheduled posts are sent"):
        ws.posts.claim(variant.id, now=NOW)
    with pytest.raises(NotFound):
        ws.posts.claim(9999, now=NOW)
    assert _states(ws, post_id) == (S.DRAFT, [V.PENDING])


def test_a_transient_failure_waits_for_its_retry_and_a_final_one_for_the_user(
    ws: Workspace,
) -> None:
    post_id = _due_post(ws)
    mastodon, bluesky = ws.posts.due(NOW)
    ws.posts.claim(mastodon.id, now=NOW)
    retry_at = NOW + timedelta(minutes=5)
    ws.posts.fail(mastodon.id, "503 Service Unavailable", retry_at=retry_at)
    waiting = ws.posts.variant(mastodon.id)
    assert (waiting.state, waiting.due_at, waiting.error) == (
        V.PENDING, retry_at, "503 Service Unavailable",
    )  # fmt: skip
    assert [v.id for v in ws.posts.due(NOW)] == [bluesky.id]
    assert {v.id for v in ws.posts.due(retry_at)} == {mastodon.id, bluesky.id}
    ws.posts.claim(bluesky.id, now=NOW)
    ws.posts.fail(bluesky.id, "Post text is too long (301 graphemes)")
    assert _states(ws, post_id) == (S.FAILED, [V.PENDING, V.FAILED])
    # The other channel's retry still goes out; the post stays failed for the user to see.
    second = ws.posts.claim(mastodon.id, now=retry_at)
    assert second.attempts == 2
    assert _states(ws, post_id) == (S.PUBLISHING, [V.PUBLISHING, V.FAILED])
    ws.posts.confirm(mastodon.id, "111", "https://mastodon.social/@lea/111")
    assert _states(ws, post_id) == (S.FAILED, [V.PUBLISHED, V.FAILED])
    assert ws.posts.variant(bluesky.id).error == "Post text is too long (301 graphemes)"
    # Shortened and rescheduled: only the failed channel goes again.
    ws.posts.set_state(post_id, S.DRAFT)
    ws.posts.update_variant(bluesky.id, text="La fournée du lundi, courte")
    ws.posts.schedule(post_id, datetime(2026, 5, 4, 12, 0))
    assert _states(ws, post_id) == (S.SCHEDULED, [V.PUBLISHED, V.PENDING])
    assert [v.id for v in ws.posts.due(NOW + timedelta(hours=3))] == [bluesky.id]


def test_an_unknown_outcome_waits_for_the_users_decision(ws: Workspace) -> None:
    post_id = _due_post(ws)
    mastodon, bluesky = ws.posts.due(NOW)
    ws.posts.claim(mastodon.id, now=NOW)
    ws.posts.outcome_unknown(mastodon.id, "No answer within 30 s")
    assert _states(ws, post_id) == (S.UNKNOWN, [V.UNKNOWN, V.PENDING])
    # The channel never tried is not held back: it cannot be a double post.
    assert [v.id for v in ws.posts.due(NOW)] == [bluesky.id]
    ws.posts.claim(bluesky.id, now=NOW)
    ws.posts.confirm(bluesky.id, "3k", "https://bsky.app/profile/lea/post/3k")
    assert _states(ws, post_id) == (S.UNKNOWN, [V.UNKNOWN, V.PUBLISHED])
    assert [v.id for v in ws.posts.needing_check()] == [mastodon.id]
    with pytest.raises(InvalidData, match="not a web address"):
        ws.posts.resolve_unknown(mastodon.id, "mastodon.social/@lea/1")
    ws.posts.resolve_unknown(mastodon.id, "https://mastodon.social/@lea/112", actor="lea")
    assert _states(ws, post_id) == (S.PUBLISHED, [V.PUBLISHED, V.PUBLISHED])
    assert ws.posts.variant(mastodon.id).url == "https://mastodon.social/@lea/112"
    checked = [h for h in ws.posts.history(post_id) if h.action == "checked"]
    assert [(h.actor, h.from_state, h.to_state) for h in checked] == [
        ("lea", "unknown", "published")
    ]


def test_the_user_says_an_unknown_post_did_not_go_out(ws: Workspace) -> None:
    post_id = _due_post(ws, ("x",))
    [variant] = ws.posts.due(NOW)
    ws.posts.claim(variant.id, now=NOW)
    ws.posts.outcome_unknown(variant.id, "Connection reset")
    with pytest.raises(InvalidData):
        ws.posts.set_state(post_id, S.SCHEDULED)  # never rescheduled before the check
    ws.posts.resolve_unknown(variant.id, None, actor="lea")
    assert _states(ws, post_id) == (S.FAILED, [V.FAILED])
    ws.posts.schedule(post_id, datetime(2026, 5, 5, 10, 0))
    assert _states(ws, post_id) == (S.SCHEDULED, [V.PENDING])


# -- real processes --------------------------------------------------------------------------

# A second program using the same file through its own connection. It does not take the
# workspace's lock: the claim must be exclusive by itself, whatever holds the lock.
RACER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime
    from pathlib import Path
    from cmdesk.store.lock import WorkspaceLock
    from cmdesk.store.post_publishing import ClaimRefused
    from cmdesk.store.workspace import Workspace, connect
    path, go, now = Path(sys.argv[1]), Path(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
    ws = Workspace(path, connect(path), WorkspaceLock(path))
    ids = [int(x) for x in sys.argv[4:]]
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.001)
    won = []
    for variant_id in ids:
        try:
            ws.posts.claim(variant_id, now=now)
            won.append(variant_id)
        except ClaimRefused:
            pass
    print(" ".join(map(str, won)), flush=True)
    """
)

# Claims one variant, says so, then "waits for the network" until it is killed.
CLAIM_AND_HANG = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime
    from pathlib import Path
    from cmdesk.store.workspace import Workspace
    ws = Workspace.open(Path(sys.argv[1]), app="publishing runner")
    ws.posts.claim(int(sys.argv[2]), now=datetime.fromisoformat(sys.argv[3]))
    print("claimed", flush=True)
    time.sleep(120)
    """
)


def _start(script: str, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "CMDESK_HOME"}
    env.update(LANGUAGE="en", PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    if not line:
        process.kill()
        pytest.fail(f"helper process ended early: {process.stderr.read()}")
    return line.strip()


def test_two_processes_racing_each_variant_is_claimed_exactly_once(
    ws: Workspace, path: Path, tmp_path: Path
) -> None:
    ids = []
    for n in range(15):
        post = ws.posts.create(f"Post {n}", ["mastodon", "bluesky"])
        ws.posts.schedule(post.id, datetime(2026, 5, 4, 10, 0))
        ids += [v.id for v in ws.posts.get(post.id).variants]
    ws.close()
    go = tmp_path / "go"
    racers = [
        _start(RACER, str(path), str(go), NOW.isoformat(), *map(str, order))
        for order in (ids, ids[::-1])  # from both ends: they meet in the middle
    ]
    try:
        assert [_line(r) for r in racers] == ["ready", "ready"]
        go.touch()
        won = [{int(x) for x in _line(r).split()} for r in racers]
    finally:
        for racer in racers:
            racer.kill()
            racer.communicate(timeout=10)
    assert won[0].isdisjoint(won[1])
    assert won[0] | won[1] == set(ids)
    db = connect(path, readonly=True)
    try:
        rows = db.execute("SELECT state, attempts, count(*) FROM post_variant GROUP BY 1, 2")
        assert rows.fetchall() == [("publishing", 1, len(ids))]
        claims = db.execute("SELECT count(*) FROM post_history WHERE action = 'claimed'")
        assert claims.fetchone()[0] == len(ids)
    finally:
        db.close()


def test_kill_9_between_claim_and_confirm_leaves_unknown_never_pending(
    ws: Workspace, path: Path
) -> None:
    post_id = _due_post(ws)
    mastodon, bluesky = ws.posts.get(post_id).variants
    ws.close()
    runner = _start(CLAIM_AND_HANG, str(path), str(mastodon.id), NOW.isoformat())
    try:
        assert _line(runner) == "claimed"
        # While it "waits for the network", the claim is already on disk.
        db = connect(path, readonly=True)
        state = db.execute("SELECT state FROM post_variant WHERE id = ?", (mastodon.id,))
        assert state.fetchone() == ("publishing",)
        db.close()
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait(timeout=10)
    finally:
        if runner.poll() is None:
            runner.kill()
        runner.communicate(timeout=10)
    assert runner.returncode == -signal.SIGKILL
    with Workspace.open(path) as again:  # what the app or the next runner does
        assert _states(again, post_id) == (S.UNKNOWN, [V.UNKNOWN, V.PENDING])
        lost = again.posts.variant(mastodon.id)
        assert "check on the network" in lost.error and lost.attempts == 1
        # Never offered to a runner again, never claimable: no double post.
        assert [v.id for v in again.posts.due(NOW + timedelta(days=30))] == [bluesky.id]
        with pytest.raises(ClaimRefused):
            again.posts.claim(mastodon.id, now=NOW + timedelta(days=30))
        recovered = [h for h in again.posts.history(post_id) if h.action == "recovered"]
        assert [(h.variant_id, h.from_state, h.to_state) for h in recovered] == [
            (mastodon.id, "publishing", "unknown")
        ]
        assert again.posts.recover_after_crash().posts is False  # nothing left to recover
        history = again.posts.history(post_id)
    with Workspace.open(path) as third:  # opening again changes nothing more
        assert third.posts.variant(mastodon.id).state is V.UNKNOWN
        assert third.posts.history(post_id) == history


def test_a_workspace_with_posts_checks_out_and_backs_up_whole(
    ws: Workspace, path: Path, tmp_path: Path
) -> None:
    post_id = _due_post(ws)
    ws.posts.set_state(post_id, S.DRAFT)
    ws.posts.add_media(post_id, PNG, "La fournée", filename="fournee.png")
    ws.posts.add_comment(post_id, "Validé", for_client=True, author="marc")
    ws.posts.schedule(post_id, datetime(2026, 5, 4, 10, 0))
    mastodon, _bluesky = ws.posts.due(NOW)
    ws.posts.claim(mastodon.id, now=NOW)
    ws.posts.confirm(mastodon.id, "110", "https://mastodon.social/@lea/110")
    ws.verify(full=True)
    home = Home(tmp_path).ensure()
    info = backups.backup(home, path, "manual")  # while the workspace is open
    backups.verify_backup(info.path)
    expected = (ws.posts.get(post_id), ws.posts.history(post_id), ws.posts.comments(post_id))
    ws.posts.delete(ws.posts.create("Brouillon perdu").id)
    ws.close()
    path.unlink()
    backups.restore(home, info.path, path)
    with Workspace.open(path) as back:
        assert (back.posts.get(post_id), back.posts.history(post_id)) == expected[:2]
        assert back.posts.comments(post_id) == expected[2]
        [image] = back.posts.media(post_id, with_data=True)
        assert (image.data, image.alt) == (PNG, "La fournée")
    report = json.loads(
        subprocess.run(
            [sys.executable, "-m", "cmdesk", "--home", str(tmp_path), "--json", "check",
             "--client", str(path)],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout
    )  # fmt: skip
    assert report["integrity"] == "ok"


def test_what_is_due_is_read_from_its_index(ws: Workspace) -> None:
    # The GUI's timer reads "what is due" often: with thousands of published posts and
    # a few waiting, it reads the small partial index, not the whole table.
    plan = ws.db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM post_variant WHERE state = 'pending' AND due_at <= ?",
        (NOW.isoformat(),),
    ).fetchall()
    assert any("post_variant_due" in row[-1] for row in plan), plan
