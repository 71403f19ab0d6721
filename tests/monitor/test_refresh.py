"""The whole refresh path over real HTTP: fetch, parse in worker processes, store."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.i18n import set_language
from cmdesk.monitor import refresh
from cmdesk.monitor.fetch import Fetcher
from cmdesk.monitor.refresh import POOL_THRESHOLD, Refresher
from cmdesk.store.mentions import MentionFilter
from cmdesk.store.workspace import BULK_CACHE_KIB, Workspace
from feed_server import FeedServer, Route, gzip_bomb, rss


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.create(tmp_path / "lea.cmdesk", ClientProfile(name="Léa", slug="lea")) as w:
        yield w


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


def items(prefix: str, n: int) -> list[tuple[str, str, str]]:
    return [
        (f"{prefix}-{i}", f"{prefix} article {i}", f"Merci pour la galette {i}, un régal")
        for i in range(n)
    ]


def test_cold_then_warm_refresh(ws: Workspace, server: FeedServer) -> None:
    for n in range(6):  # enough feeds for the process pool
        url = server.route(f"/f{n}", Route(body=rss(f"Blog {n}", items(f"b{n}", 5))))
        ws.sources.add(url)
    with Fetcher(trust_env=False) as fetcher:
        refresher = Refresher(fetcher)
        seen: list[tuple[int, int]] = []
        caches: set[int] = set()

        def progress(done: int, total: int, _name: str) -> None:
            seen.append((done, total))
            with ws.reading() as db:
                caches.add(db.execute("PRAGMA cache_size").fetchone()[0])

        cold = refresher.refresh(ws, ws.sources.all(), progress=progress)
        assert (cold.fetched, cold.new_mentions, cold.failed) == (6, 30, 0)
        assert seen[-1] == (6, 6)
        # Written as a run of large writes (Workspace.bulk_writes), then back to normal.
        assert caches == {-BULK_CACHE_KIB}
        assert ws.db.execute("PRAGMA cache_size").fetchone()[0] == -2000
        warm = refresher.refresh(ws, ws.sources.all())
    assert (warm.not_modified, warm.new_mentions) == (6, 0)
    assert ws.mentions.count() == 30
    mention = ws.mentions.page(limit=1)[0]
    assert (mention.language, mention.sentiment) == ("fr", "positive")
    assert {s.title for s in ws.sources.all()} == {f"Blog {n}" for n in range(6)}


def test_only_new_items_are_added(ws: Workspace, server: FeedServer) -> None:
    route = Route(body=rss("Blog", items("a", 3)))
    ws.sources.add(server.route("/feed", route))
    refresher = Refresher(Fetcher(trust_env=False))
    refresher.refresh(ws, ws.sources.all())
    route.body = rss("Blog", items("a", 4))  # one more item, new ETag
    assert refresher.refresh(ws, ws.sources.all()).new_mentions == 1


def test_bad_sources_fail_alone_and_quickly(ws: Workspace, server: FeedServer) -> None:
    good = server.route("/good", Route(body=rss("Bon", items("g", 2))))
    server.route("/page", Route(body=b"<!DOCTYPE html><html><body>Hi</body></html>",
                                content_type="text/html"))  # fmt: skip
    server.route("/bomb", Route(stream=gzip_bomb(512), gzip=True, conditional=False))
    server.route("/slow", Route(body=rss("Lent", items("s", 1)), trickle_s=0.3))
    for path in ("/good", "/page", "/bomb", "/slow", "/missing"):
        ws.sources.add(server.url(path) if path != "/good" else good)
    started = time.monotonic()
    with Fetcher(deadline_s=2, max_bytes=2**20, trust_env=False) as fetcher:
        summary = Refresher(fetcher).refresh(ws, ws.sources.all())
    assert time.monotonic() - started < 8
    assert (summary.fetched, summary.failed, summary.new_mentions) == (1, 4, 2)
    errors = dict(summary.errors)
    assert "web page" in errors[server.url("/page")]
    assert "larger than" in errors[server.url("/bomb")]
    assert "within 2 seconds" in errors[server.url("/slow")]
    assert "no feed at this address" in errors[server.url("/missing")]
    states = {s.url: s for s in ws.sources.all()}
    assert states[server.url("/page")].failures == 1
    assert states[good].failures == 0 and states[good].last_success_at is not None


@pytest.mark.parametrize("feeds", [1, POOL_THRESHOLD])
def test_errors_speak_the_apps_language_wherever_parsed(
    ws: Workspace, server: FeedServer, feeds: int
) -> None:
    """A feed's error is worded where it is parsed: by a worker process when there are
    enough feeds for the pool, which must speak the app's language as well."""
    set_language("fr")
    for n in range(feeds):
        ws.sources.add(server.route(f"/page{n}", Route(body=b"<!DOCTYPE html><html></html>",
                                                       content_type="text/html")))  # fmt: skip
    summary = Refresher(Fetcher(trust_env=False)).refresh(ws, ws.sources.all())
    french = "Cette adresse renvoie une page web, pas un flux."
    assert [error for _source, error in summary.errors] == [french] * feeds
    assert {s.last_error for s in ws.sources.all()} == {summary.errors[0][1]}


def test_same_article_in_two_feeds_is_one_mention(ws: Workspace, server: FeedServer) -> None:
    shared = [("x-1", "La boulangerie du quartier ouvre le dimanche", "Bonne nouvelle")]
    ws.sources.add(server.route("/a", Route(body=rss("A", shared, link="https://news.example/"))))
    ws.sources.add(server.route("/b", Route(body=rss("B", shared, link="https://news.example/"))))
    summary = Refresher(Fetcher(trust_env=False)).refresh(ws, ws.sources.all())
    assert summary.new_mentions == 1
    [mention] = ws.mentions.page()
    assert len(ws.mentions.get(mention.id).source_ids) == 2


def test_permanent_redirect_is_remembered(ws: Workspace, server: FeedServer) -> None:
    new = server.route("/new", Route(body=rss("Blog", items("r", 1))))
    server.route("/old", Route(status=301, headers={"Location": "/new"}, conditional=False))
    source = ws.sources.add(server.url("/old"))
    Refresher(Fetcher(trust_env=False)).refresh(ws, ws.sources.all())
    assert ws.sources.get(source.id).url == new


def test_cancel_stops_and_blames_no_source(ws: Workspace, server: FeedServer) -> None:
    for n in range(8):
        ws.sources.add(server.route(f"/s{n}", Route(body=rss("S", items(f"s{n}", 2)), delay_s=0.5)))
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with Fetcher(max_per_host=2, trust_env=False) as fetcher:
        summary = Refresher(fetcher).refresh(ws, ws.sources.all(), cancel=cancel)
    assert time.monotonic() - started < 3
    assert summary.failed == 0
    assert all(s.failures == 0 for s in ws.sources.all())


def test_search_finds_refreshed_mentions(ws: Workspace, server: FeedServer) -> None:
    ws.sources.add(server.route("/f", Route(body=rss("Blog", items("q", 3)))))
    Refresher(Fetcher(trust_env=False)).refresh(ws, ws.sources.all())
    assert ws.mentions.count(MentionFilter(query="regal")) == 3


def test_a_refresh_killed_mid_write_loses_and_duplicates_nothing(
    tmp_path: Path, server: FeedServer
) -> None:
    """`cmdesk refresh` killed with SIGKILL (workers too) while it writes: the workspace
    reopens sound, the search index matches the mentions, and the next refresh brings
    exactly what was missing — every article once."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys

    from cmdesk.store.home import create_client
    from cmdesk.store.paths import Home

    feeds, per_feed = 40, 50
    home = Home(tmp_path / "home").ensure()
    ws = create_client(home, "Coupure", slug="coupure")
    for n in range(feeds):
        body = rss(f"Blog {n}", items(f"k{n}", per_feed))
        # A little slow, so that the kill lands while sources are still being written.
        ws.sources.add(server.route(f"/k{n}", Route(body=body, delay_s=0.05)))
    path = ws.path
    ws.close()

    env = {**os.environ, "LANGUAGE": "en", "CMDESK_HOME": ""}
    command = [sys.executable, "-m", "cmdesk", "--home", str(home.root)]
    refresh = subprocess.Popen(
        [*command, "--client", "coupure", "refresh"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and stored < per_feed * 3:
            time.sleep(0.05)
            reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                stored = reader.execute("SELECT count(*) FROM mention").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0
            finally:
                reader.close()
        assert refresh.poll() is None, "the refresh ended before it could be interrupted"
    finally:
        os.killpg(refresh.pid, signal.SIGKILL)  # the writer and its parsing workers at once
        refresh.wait(timeout=30)

    with Workspace.open(path) as ws:  # the lock left by the killed process is recovered
        ws.db.execute("INSERT INTO mention_fts(mention_fts) VALUES ('integrity-check')")
        before = ws.mentions.count()
        assert 0 < before < feeds * per_feed
        unlinked = ws.db.execute(
            "SELECT count(*) FROM mention m WHERE NOT EXISTS "
            "(SELECT 1 FROM mention_source s WHERE s.mention_id = m.id)"
        ).fetchone()[0]
        assert unlinked == 0
        with Fetcher(trust_env=False) as fetcher:
            Refresher(fetcher).refresh(ws, ws.sources.all())
        assert ws.mentions.count() == feeds * per_feed
        distinct = ws.db.execute("SELECT count(DISTINCT url) FROM mention").fetchone()[0]
        assert distinct == feeds * per_feed
        ws.db.execute("INSERT INTO mention_fts(mention_fts) VALUES ('integrity-check')")


def test_the_last_results_are_written_without_waiting_for_more(
    ws: Workspace, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Results are gathered for a moment before each write; at the end of a refresh
    # nothing more can come, so the last write does not wait. A long moment shows it.
    monkeypatch.setattr(refresh, "BATCH_SECONDS", 30.0)
    for n in range(2):  # below the pool threshold: the results arrive one by one
        ws.sources.add(server.route(f"/f{n}", Route(body=rss(f"Blog {n}", items(f"b{n}", 2)))))
    started = time.monotonic()
    summary = Refresher(Fetcher(trust_env=False)).refresh(ws, ws.sources.all())
    assert (summary.fetched, summary.new_mentions) == (2, 4)
    assert time.monotonic() - started < 15
