"""Every feed of the shared corpus (feedparser's, miniflux's and newsboat's test files)
through the parser: no crash, no hang, and nothing dangerous stored.

The corpus lives in ../shared beside the project and is read by path, never copied.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from cmdesk.monitor.parse import FeedError, parse_feed

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "feeds"
FILES = (
    sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in {".xml", ".atom", ".json"})
    if CORPUS.is_dir()
    else []
)
DANGER = re.compile(
    r"<script|<style|<iframe|<object|<embed|<form|<img|\son\w+\s*="
    r"|(?:href|src)\s*=\s*\"?\s*(?:javascript|vbscript|data|file):",
    re.IGNORECASE,
)

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared feed corpus is not at {CORPUS}"
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file(path: Path) -> None:
    started = time.perf_counter()
    try:
        feed = parse_feed(path.read_bytes(), url="https://corpus.example/feed.xml")
    except FeedError as error:
        assert error.message
        return
    assert time.perf_counter() - started < 2
    for entry in feed.entries:
        assert not DANGER.search(entry.html), entry.html[:300]


def test_whole_corpus_through_the_real_refresh_path(tmp_path: Path) -> None:
    """Every corpus file served over loopback HTTP, subscribed to as a source and
    refreshed by the real path (fetch threads, worker processes, the writer): it ends
    in bounded time, each source is either read or failed with a message, and nothing
    dangerous is stored."""
    from cmdesk.core.client import ClientProfile
    from cmdesk.monitor.refresh import Refresher
    from cmdesk.store.workspace import Workspace
    from feed_server import FeedServer, Route

    with (
        FeedServer() as server,
        Workspace.create(tmp_path / "c.cmdesk", ClientProfile(name="Corpus", slug="c")) as ws,
    ):
        for n, path in enumerate(FILES):
            # No charset in the header: the document's own declaration decides.
            route = Route(body=path.read_bytes(), content_type="application/xml")
            ws.sources.add(server.route(f"/{n}{path.suffix}", route), title=path.name)
        started = time.perf_counter()
        summary = Refresher().refresh(ws, ws.sources.due())
        elapsed = time.perf_counter() - started

        assert elapsed < 180
        assert summary.feeds == len(FILES)
        assert summary.fetched + summary.failed == len(FILES)
        assert summary.fetched > len(FILES) * 0.8
        assert all(message for _source, message in summary.errors)
        assert summary.new_mentions > 1000
        stored = ws.db.execute("SELECT id, html FROM mention").fetchall()
        assert len(stored) == summary.new_mentions
        dangerous = [(i, html[:200]) for i, html in stored if DANGER.search(html)]
        assert dangerous == []
        ws.db.execute("INSERT INTO mention_fts(mention_fts) VALUES ('integrity-check')")
