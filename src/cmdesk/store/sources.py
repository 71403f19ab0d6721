"""Monitored sources of a workspace, and what each refresh did to them.

Reached as `workspace.sources`; every write goes through the Workspace's transaction
(house rule 2) and returns the Changes it made.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, parse_iso_or_none, to_iso, utc_now
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.monitoring import (
    DEFAULT_REFRESH_MINUTES,
    MAX_BACKOFF,
    MIN_REFRESH_MINUTES,
    PAUSE_AFTER_FAILURES,
    FetchOutcome,
    ImportReport,
    NewSource,
    Source,
)
from cmdesk.i18n import _

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

_COLUMNS = (
    "id, url, title, site_url, preset, category, refresh_minutes, user_agent, enabled, paused, "
    "etag, last_modified, last_attempt_at, last_success_at, last_error, failures, "
    "next_refresh_at, created_at"
)
EDITABLE = ("url", "title", "category", "refresh_minutes", "user_agent", "enabled")


def _row(row: sqlite3.Row | tuple[Any, ...]) -> Source:
    return Source(
        id=row[0],
        url=row[1],
        title=row[2],
        site_url=row[3],
        preset=row[4],
        category=row[5],
        refresh_minutes=row[6],
        user_agent=row[7],
        enabled=bool(row[8]),
        paused=bool(row[9]),
        etag=row[10],
        last_modified=row[11],
        last_attempt_at=parse_iso_or_none(row[12]),
        last_success_at=parse_iso_or_none(row[13]),
        last_error=row[14],
        failures=row[15],
        next_refresh_at=parse_iso_or_none(row[16]),
        created_at=parse_iso_or_none(row[17]),
    )


def check_feed_url(url: str) -> str:
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) < 10:
        raise InvalidData(
            _("“{url}” is not a web address (it must start with http:// or https://).").format(
                url=url
            )
        )
    return url


def check_refresh_minutes(minutes: int) -> int:
    if minutes < MIN_REFRESH_MINUTES:
        raise InvalidData(
            _("Sources are refreshed every {minutes} minutes at most often.").format(
                minutes=MIN_REFRESH_MINUTES
            )
        )
    return minutes


def backoff(failures: int, refresh_minutes: int) -> timedelta:
    """Wait before retrying a failing source: doubles with each failure, up to a day."""
    wait = timedelta(minutes=refresh_minutes) * (2 ** min(failures - 1, 10))
    return min(wait, MAX_BACKOFF)


class Sources:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- reading ---------------------------------------------------------------------------

    def all(self) -> list[Source]:
        with self.ws.reading() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM source ORDER BY category COLLATE NOCASE, "
                "title COLLATE NOCASE, url"
            ).fetchall()
        return [_row(r) for r in rows]

    def get(self, source_id: int) -> Source:
        with self.ws.reading() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM source WHERE id = ?", (source_id,)).fetchone()
        if row is None:
            raise NotFound(_("This source no longer exists."))
        return _row(row)

    def find(self, url: str) -> Source | None:
        with self.ws.reading() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM source WHERE url = ?", (url,)).fetchone()
        return _row(row) if row else None

    def due(self, now: datetime | None = None) -> list[Source]:
        now = now or utc_now()
        return [s for s in self.all() if s.is_due(now)]

    def categories(self) -> list[str]:
        with self.ws.reading() as db:
            rows = db.execute(
                "SELECT DISTINCT category FROM source WHERE category != '' "
                "ORDER BY category COLLATE NOCASE"
            ).fetchall()
        return [r[0] for r in rows]

    # -- writing ---------------------------------------------------------------------------

    def add(
        self,
        url: str,
        *,
        title: str = "",
        category: str = "",
        preset: str = "",
        site_url: str = "",
        refresh_minutes: int = DEFAULT_REFRESH_MINUTES,
        user_agent: str = "",
    ) -> Source:
        url = check_feed_url(url)
        check_refresh_minutes(refresh_minutes)
        with self.ws.atomic() as db:
            if db.execute("SELECT 1 FROM source WHERE url = ?", (url,)).fetchone():
                raise InvalidData(_("This feed is already followed: {url}").format(url=url))
            cursor = db.execute(
                "INSERT INTO source(url, title, category, preset, site_url, refresh_minutes, "
                "user_agent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    url,
                    title.strip(),
                    category.strip(),
                    preset,
                    site_url,
                    refresh_minutes,
                    user_agent.strip(),
                    iso_now(),
                ),
            )
            self.ws.record("source.added", url)
            source_id = int(cursor.lastrowid or 0)
        return self.get(source_id)

    def add_many(self, items: list[NewSource]) -> ImportReport:
        """Follow several sources at once (an OPML import): all of them, or none if one
        is refused. Sources already followed are reported, not an error."""
        added: list[str] = []
        known: list[str] = []
        with self.ws.atomic() as db:
            for item in items:
                url = check_feed_url(item.url)
                if db.execute("SELECT 1 FROM source WHERE url = ?", (url,)).fetchone():
                    known.append(url)
                    continue
                db.execute(
                    "INSERT INTO source(url, title, category, site_url, preset, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        url,
                        item.title.strip(),
                        item.category.strip(),
                        item.site_url,
                        item.preset,
                        iso_now(),
                    ),
                )
                added.append(url)
            if added:
                self.ws.record("source.imported", str(len(added)))
        return ImportReport(tuple(added), tuple(known))

    def update(self, source_id: int, **fields: Any) -> Changes:
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise InvalidData(_("Unknown source fields: {names}").format(names=sorted(unknown)))
        if "url" in fields:
            fields["url"] = check_feed_url(fields["url"])
        if "refresh_minutes" in fields:
            check_refresh_minutes(int(fields["refresh_minutes"]))
        for text in ("title", "category", "user_agent"):
            if text in fields:
                fields[text] = str(fields[text]).strip()
        with self.ws.atomic() as db:
            current = self.get(source_id)
            if "url" in fields and fields["url"] != current.url:
                if db.execute("SELECT 1 FROM source WHERE url = ?", (fields["url"],)).fetchone():
                    raise InvalidData(
                        _("This feed is already followed: {url}").format(url=fields["url"])
                    )
                # A new address starts afresh: its validators belong to the old one.
                fields.update(etag="", last_modified="")
            if fields.get("enabled"):
                # Turning a source back on is the user's way of saying "try again now".
                fields.update(paused=0, failures=0, next_refresh_at=None, last_error="")
            assignments = ", ".join(f"{name} = ?" for name in fields)
            db.execute(
                f"UPDATE source SET {assignments} WHERE id = ?", (*fields.values(), source_id)
            )
            if "title" in fields and fields["title"] != current.title:
                self.ws.mentions.rename_source(current.display_name, fields["title"] or current.url)
            self.ws.record("source.updated", current.url)
        return Changes(sources=True, mentions="title" in fields)

    def remove(self, source_id: int) -> Changes:
        """Stop following a source. Mentions it brought stay: they are the client's record."""
        with self.ws.atomic() as db:
            current = self.get(source_id)
            db.execute("DELETE FROM source WHERE id = ?", (source_id,))
            self.ws.record("source.removed", current.url)
        return Changes(sources=True)

    def refresh_all_now(self, source_ids: list[int] | None = None) -> Changes:
        """Make sources due now (the "refresh now" button), paused ones included."""
        with self.ws.atomic() as db:
            if source_ids is None:
                db.execute("UPDATE source SET next_refresh_at = NULL, paused = 0")
            else:
                db.executemany(
                    "UPDATE source SET next_refresh_at = NULL, paused = 0 WHERE id = ?",
                    [(i,) for i in source_ids],
                )
        return Changes(sources=True)

    def record_outcome(self, outcome: FetchOutcome, now: datetime | None = None) -> None:
        """Update a source's state after a refresh; called inside the refresh transaction."""
        now = now or utc_now()
        db = self.ws.db
        current = self.get(outcome.source_id)
        if outcome.ok:
            url = current.url
            if outcome.permanent_url and outcome.permanent_url != url:
                taken = db.execute(
                    "SELECT 1 FROM source WHERE url = ?", (outcome.permanent_url,)
                ).fetchone()
                if not taken:
                    url = outcome.permanent_url
            next_at = now + timedelta(minutes=current.refresh_minutes)
            if outcome.retry_after and outcome.retry_after > next_at:
                next_at = outcome.retry_after
            db.execute(
                "UPDATE source SET url = ?, etag = ?, last_modified = ?, last_attempt_at = ?, "
                "last_success_at = ?, last_error = ?, failures = 0, paused = 0, "
                "next_refresh_at = ?, title = CASE WHEN title = '' THEN ? ELSE title END, "
                "site_url = CASE WHEN ? != '' THEN ? ELSE site_url END WHERE id = ?",
                (
                    url,
                    outcome.etag or current.etag,
                    outcome.last_modified or current.last_modified,
                    to_iso(now),
                    to_iso(now),
                    outcome.warning,
                    to_iso(next_at),
                    outcome.feed_title.strip(),
                    outcome.site_url,
                    outcome.site_url,
                    outcome.source_id,
                ),
            )
            return
        failures = current.failures + 1
        paused = failures >= PAUSE_AFTER_FAILURES
        next_at = now + backoff(failures, current.refresh_minutes)
        if outcome.retry_after and outcome.retry_after > next_at:
            next_at = outcome.retry_after
        db.execute(
            "UPDATE source SET last_attempt_at = ?, last_error = ?, failures = ?, paused = ?, "
            "next_refresh_at = ? WHERE id = ?",
            (to_iso(now), outcome.error, failures, int(paused), to_iso(next_at), outcome.source_id),
        )
        if paused:
            self.ws.record("source.paused", f"{current.url}: {outcome.error}")
