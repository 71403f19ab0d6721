"""What a refresh's worker processes run: parse, sanitise and classify one feed.

Kept apart from refresh.py so that a worker, started fresh, imports only what parsing
needs, not the HTTP client (a third of a second per worker at every refresh).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from cmdesk.core.classify import estimate, scan
from cmdesk.core.monitoring import IncomingEntry
from cmdesk.i18n import set_language
from cmdesk.monitor.parse import FeedError, ParsedEntry, parse_feed
from cmdesk.store.mentions import entry_keys, words_of_entries


@dataclass(frozen=True)
class ParseResult:
    entries: tuple[IncomingEntry, ...] = ()
    title: str = ""
    site_url: str = ""
    warning: str = ""
    error: str = ""
    terms: str | None = None  # FetchOutcome.terms


def _incoming(entry: ParsedEntry, classified: str, scanned: list[str]) -> IncomingEntry:
    """`classified`: f"{entry.title}. {entry.text}", `scanned`: its scan()."""
    guess = estimate(classified, scanned=scanned)
    # The keys are what the writer would otherwise compute, in the one thread all
    # results go through. The entry's own search words are left to the writer: it needs
    # them only for an entry that joins a feed's known ones (a few per refresh), while a
    # feed whose entries are all new brings its words in ParseResult.terms.
    return IncomingEntry(
        guid=entry.guid,
        url=entry.url,
        title=entry.title,
        author=entry.author,
        published=entry.published,
        html=entry.html,
        text=entry.text,
        categories=entry.categories,
        language=guess.language,
        sentiment=guess.sentiment,
        sentiment_reason=guess.reason,
        keys=entry_keys(entry.url, entry.title),
    )


def parse_job(body: bytes, url: str, headers: Mapping[str, str]) -> ParseResult:
    """Parse, sanitise and classify one feed: runs in a worker process."""
    try:
        feed = parse_feed(body, url=url, headers=headers)
    except FeedError as error:
        return ParseResult(error=error.message)
    classified = [f"{e.title}. {e.text}" for e in feed.entries]
    scanned = list(map(scan, classified))
    entries = tuple(map(_incoming, feed.entries, classified, scanned))
    words = words_of_entries(
        (e.title, e.author, e.text, s) for e, s in zip(feed.entries, scanned, strict=True)
    )
    return ParseResult(
        entries=entries,
        title=feed.title,
        site_url=feed.site_url,
        warning=feed.warning,
        terms=" ".join(words),
    )


def start_worker(language: str) -> None:
    """A worker's set-up: the app's language (a feed's error is shown as the worker
    words it) and a lower priority."""
    set_language(language)
    lower_priority()


def lower_priority() -> None:
    """Parsing workers yield the CPU to the app: on a 2-core laptop they would otherwise
    keep the GUI thread waiting for a core (a visible stall), while they lose nothing
    when the machine is otherwise idle."""
    try:
        if hasattr(os, "nice"):
            os.nice(10)
        else:  # Windows
            import psutil

            psutil.Process().nice(psutil.BELOW_NORMAL_PRIORITY_CLASS)  # type: ignore[attr-defined]
    except (OSError, ImportError, AttributeError):
        pass
