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
