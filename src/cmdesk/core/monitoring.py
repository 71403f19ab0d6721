"""Monitoring's plain data: sources, incoming entries, mentions, topics and alerts.

These are what the store returns and what the fetcher and parser hand to the store;
the Qt models only translate them for display (house rule 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from cmdesk.i18n import N_, _, ngettext

DEFAULT_REFRESH_MINUTES = 30
MIN_REFRESH_MINUTES = 5
# A source that fails this many times in a row is paused with a notice instead of
# being retried forever (each failure also doubles the wait, up to a day).
PAUSE_AFTER_FAILURES = 10
MAX_BACKOFF = timedelta(hours=24)

SENTIMENTS = ("negative", "neutral", "positive")
SENTIMENT_LABELS = {
    "negative": N_("negative"),
    "neutral": N_("neutral"),
    "positive": N_("positive"),
    "": N_("not estimated"),
}


@dataclass(frozen=True)
class Source:
    id: int
    url: str
    title: str = ""
    site_url: str = ""
    preset: str = ""  # "" for a plain feed, else the preset that built the URL
    category: str = ""
    refresh_minutes: int = DEFAULT_REFRESH_MINUTES
    user_agent: str = ""
    enabled: bool = True
    paused: bool = False  # paused by cmdesk after repeated failures
    etag: str = ""
    last_modified: str = ""
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str = ""
    failures: int = 0
    next_refresh_at: datetime | None = None  # None: due now
    created_at: datetime | None = None

    @property
    def display_name(self) -> str:
        return self.title or self.url

    def is_due(self, now: datetime) -> bool:
        if not self.enabled or self.paused:
            return False
        return self.next_refresh_at is None or self.next_refresh_at <= now


@dataclass(frozen=True)
class NewSource:
    """A source to follow, as an OPML file or a preset describes it."""

    url: str
    title: str = ""
    category: str = ""
    site_url: str = ""
    preset: str = ""


@dataclass(frozen=True)
class ImportReport:
    added: tuple[str, ...] = ()  # URLs
    already_followed: tuple[str, ...] = ()

    def summary(self) -> str:
        """The import's result as the app and the CLI say it: "3 sources added, 1 already
        followed."."""
        added, known = len(self.added), len(self.already_followed)
        return _("{added}, {known}.").format(
            added=ngettext("{count} source added", "{count} sources added", added).format(
                count=added
            ),
            known=ngettext("{count} already followed", "{count} already followed", known).format(
                count=known
            ),
        )


class IncomingEntry(NamedTuple):
    """One entry of a fetched feed, already sanitised (html) and flattened (text).

    A named tuple rather than a frozen dataclass, as immutable: a refresh makes one per
    entry in a worker and the app unpickles it, which costs a tuple a third as much
    (the dataclass sets each field through object.__setattr__, then fills a dict)."""

    guid: str
    url: str
    title: str
    author: str = ""
    published: datetime | None = None
    html: str = ""
    text: str = ""
    categories: tuple[str, ...] = ()
    # Estimated where the entry is parsed (a worker process), not in the writer thread.
    language: str = ""
    sentiment: str = ""
    sentiment_reason: str = ""
    # Also computed in the worker when it can be (the writer computes it otherwise):
    # what finds the same article again (normalised URL, title key, site), away from
    # the one thread that writes every result.
    keys: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class FetchOutcome:
    """What one refresh of one source produced, as the store records it."""

    source_id: int
    ok: bool
    not_modified: bool = False
    error: str = ""
    etag: str = ""
    last_modified: str = ""
    permanent_url: str = ""  # a 301/308 target to remember
    retry_after: datetime | None = None
    feed_title: str = ""
    site_url: str = ""
    warning: str = ""
    entries: tuple[IncomingEntry, ...] = ()
    # The search words of all its entries, space-separated, when a worker has them: the
    # store takes them at once when every entry is new (the usual case), instead of
    # entry by entry in the thread all results go through.
    terms: str | None = None


@dataclass(frozen=True)
class RefreshCounts:
    new_mentions: int = 0
    merged: int = 0  # entries that were already known through another source


@dataclass(frozen=True)
class Mention:
    id: int
    url: str
    title: str
    author: str
    published_at: datetime
    fetched_at: datetime
    source: str  # names of the sources it came through, for display and search
    text: str = ""
    html: str = ""
    language: str = ""
    sentiment: str = ""
    sentiment_reason: str = ""
    sentiment_by_user: bool = False
    priority: int = 0
    read: bool = False
    starred: bool = False
    archived: bool = False
    tags: tuple[str, ...] = ()
    source_ids: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Topic:
    id: int
    name: str
    query: str
    priority: int = 0
    enabled: bool = True


@dataclass(frozen=True)
class Alert:
    id: int
    kind: str  # "match" (high-priority mention) or "spike"
    title: str
    raised_at: datetime
    detail: str = ""
    topic_id: int | None = None
    evidence: tuple[int, ...] = ()  # mention ids
    acknowledged_at: datetime | None = None
