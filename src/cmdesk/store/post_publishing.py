"""The runner's steps: what is due, claim, confirm, fail, and what a crash leaves behind.

Each step is its own committed transaction, because the network call sits between them:
the claim (state `publishing`, committed) comes before the call, the confirmation (remote
id and address, `published`) after it. Whatever stops the process in between leaves a
variant in `publishing`, which the next opening of the workspace turns into `unknown` for
the user to check: it is never sent again by itself, so there is no double post. The
claim is one conditional UPDATE under SQLite's write lock, so of two runners (two
processes, two connections) exactly one gets a variant.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cmdesk.core.changes import NOTHING, Changes
from cmdesk.core.clock import iso_now, to_iso, utc_now
from cmdesk.core.errors import InvalidData
from cmdesk.core.posts import PostState
from cmdesk.core.publication import (
    CLAIMABLE,
    Variant,
    VariantState,
    channel_name,
    checked_link,
    variant_after_crash,
)
from cmdesk.i18n import _, format_when
from cmdesk.store.post_repeat import repeat_published
from cmdesk.store.post_rows import (
    RUNNER,
    VARIANT_COLUMNS,
    add_history,
    load_post,
    load_variant,
    me,
    settle_post,
    variant_from_row,
)

if TYPE_CHECKING:
    import sqlite3

    from cmdesk.store.workspace import Workspace

log = logging.getLogger(__name__)
V = VariantState
_CLAIMABLE_POSTS = tuple(sorted(s.value for s in CLAIMABLE))
_IN_CLAIMABLE = f"({','.join('?' * len(_CLAIMABLE_POSTS))})"


class ClaimRefused(InvalidData):
    """The variant is not waiting to be sent now (another runner has it, it went out,
    it is not due yet...): the runner skips it."""


class Publishing:
    ws: Workspace

    def due(
        self,
        now: datetime | None = None,
        limit: int = 100,
        *,
        after: datetime | None = None,
        channels: Collection[str] | None = None,
    ) -> list[Variant]:
        """Variants waiting to be sent whose time has come (and, with `after`, came after
        that moment), on these `channels` (all by default), oldest first."""
        wanted = sorted(channels) if channels is not None else []
        channel_test = f"AND v.channel IN ({','.join('?' * len(wanted))}) " if wanted else ""
        if channels is not None and not wanted:
            return []
        with self.ws.reading() as db:
            rows = db.execute(
                f"SELECT {', '.join('v.' + c for c in VARIANT_COLUMNS.split(', '))} "
                "FROM post_variant v JOIN post p ON p.id = v.post_id "
                "WHERE v.state = 'pending' AND v.due_at <= ? AND v.due_at > ? "
                f"{channel_test}AND p.state IN {_IN_CLAIMABLE} "
                "ORDER BY v.due_at, v.id LIMIT ?",
                (
                    to_iso(now or utc_now()),
                    to_iso(after) if after is not None else "",
                    *wanted,
                    *_CLAIMABLE_POSTS,
                    limit,
                ),
            ).fetchall()
        return [variant_from_row(r) for r in rows]

    def needing_check(self) -> list[Variant]:
        """Variants whose fate is unknown (a crash or a lost answer): the user checks the
        network and decides with `resolve_unknown`."""
        with self.ws.reading() as db:
            rows = db.execute(
                f"SELECT {VARIANT_COLUMNS} FROM post_variant WHERE state = 'unknown' ORDER BY id"
            ).fetchall()
        return [variant_from_row(r) for r in rows]

    def claim(self, variant_id: int, now: datetime | None = None) -> Variant:
        """Take a due variant for sending: `publishing`, claimed now, one more attempt,
        committed before the network is called. ClaimRefused for anything else."""
        when = to_iso(now or utc_now())
        stamp = iso_now()
        with self.ws.atomic() as db:
            cursor = db.execute(
                "UPDATE post_variant SET state = 'publishing', claimed_at = ?, "
                "attempts = attempts + 1, updated_at = ? "
                "WHERE id = ? AND state = 'pending' AND due_at <= ? AND post_id IN "
                f"(SELECT id FROM post WHERE state IN {_IN_CLAIMABLE})",
                (stamp, stamp, variant_id, when, *_CLAIMABLE_POSTS),
            )
            if cursor.rowcount != 1:
                raise ClaimRefused(self._refusal(db, variant_id))
            variant = load_variant(db, variant_id)
            add_history(
                db,
                variant.post_id,
                "claimed",
                at=stamp,
                actor=RUNNER,
                variant_id=variant_id,
                from_state=V.PENDING.value,
                to_state=V.PUBLISHING.value,
                detail=str(variant.attempts),
            )
            settle_post(db, variant.post_id, at=stamp, actor=RUNNER)
        return variant

    def _refusal(self, db: sqlite3.Connection, variant_id: int) -> str:
        variant = load_variant(db, variant_id)  # NotFound for a variant that does not exist
        if variant.state is not V.PENDING:
            return _("This post is already “{state}” on {channel}: it is not sent again.").format(
                state=variant.state.label, channel=channel_name(variant.channel)
            )
        post = load_post(db, variant.post_id)
        if post.state not in CLAIMABLE:
            return _("The post is “{state}”: only scheduled posts are sent.").format(
                state=post.state.label
            )
        if variant.due_at is None:
            return _("This post has no publication time.")
        zone = ZoneInfo(post.zone) if post.zone else None
        return _("This post is due at {time}, not yet.").format(
            time=format_when(variant.due_at, zone)
        )

    def confirm(
        self, variant_id: int, remote_id: str, url: str, scheduled_at: datetime | None = None
    ) -> Changes:
        """The network took it: `published` with its id and address, and the post becomes
        published when all its variants are, in one transaction. With `scheduled_at` the
        network holds it and publishes it itself then (Mastodon's scheduled statuses, a
        WordPress future article): there is nothing left for cmdesk to send, so it is
        `published` too, at that time, and its history says it was handed over."""
        url = checked_link(url)
        if scheduled_at is not None:
            self._move(
                variant_id,
                V.PUBLISHED,
                "handed",
                detail=f"{to_iso(scheduled_at)} {url or remote_id}",
                sets={
                    "remote_id": remote_id,
                    "url": url,
                    "error": "",
                    "published_at": to_iso(scheduled_at),
                },
            )
            return Changes(posts=True)
        self._move(
            variant_id,
            V.PUBLISHED,
            "published",
            detail=url or remote_id,
            sets={"remote_id": remote_id, "url": url, "error": "", "published_at": iso_now()},
        )
        return Changes(posts=True)

    def fail(self, variant_id: int, message: str, retry_at: datetime | None = None) -> Changes:
        """The attempt failed with the network's own `message`. With `retry_at` (a transient
        error: nothing reached the server) the variant waits for that time; without, it
        is `failed` and waits for the user."""
        if retry_at is not None:
            self._move(
                variant_id,
                V.PENDING,
                "retry",
                detail=f"{to_iso(retry_at)} {message}",
                sets={"error": message, "due_at": to_iso(retry_at)},
            )
        else:
            self._move(variant_id, V.FAILED, "failed", detail=message, sets={"error": message})
        return Changes(posts=True)

    def outcome_unknown(self, variant_id: int, message: str) -> Changes:
        """The request left but no usable answer came back: the post may be online, so
        the user checks; it is never sent again by itself."""
        self._move(variant_id, V.UNKNOWN, "unknown", detail=message, sets={"error": message})
        return Changes(posts=True)

    def _move(
        self,
        variant_id: int,
        wanted: VariantState,
        action: str,
        *,
        detail: str,
        sets: dict[str, str | None],
        source: VariantState = V.PUBLISHING,
        actor: str = RUNNER,
    ) -> None:
        stamp = iso_now()
        assignments = ", ".join(f"{column} = ?" for column in sets)
        with self.ws.atomic() as db:
            variant = load_variant(db, variant_id)
            if variant.state is not source:
                raise InvalidData(
                    _(
                        "This post is “{state}” on {channel}, not “{expected}”: "
                        "nothing was changed."
                    ).format(
                        state=variant.state.label,
                        channel=channel_name(variant.channel),
                        expected=source.label,
                    )
                )
            db.execute(
                f"UPDATE post_variant SET state = ?, {assignments}, updated_at = ? WHERE id = ?",
                (wanted.value, *sets.values(), stamp, variant_id),
            )
            add_history(
                db,
                variant.post_id,
                action,
                at=stamp,
                actor=actor,
                variant_id=variant_id,
                from_state=source.value,
                to_state=wanted.value,
                detail=detail,
            )
            if settle_post(db, variant.post_id, at=stamp, actor=actor) is PostState.PUBLISHED:
                repeat_published(db, variant.post_id, at=stamp)

    def recover_after_crash(self) -> Changes:
        """Variants a stopped process left `publishing` become `unknown`, with a history
        row: they may or may not have reached the network. Called whenever a workspace is
        opened for writing, which no other live process can then hold."""
        with self.ws.reading() as db:
            found = db.execute("SELECT 1 FROM post_variant WHERE state = 'publishing'").fetchone()
        if not found:
            return NOTHING
        stamp = iso_now()
        message = _(
            "cmdesk stopped while this post was being sent: check on the network whether "
            "it went out."
        )
        with self.ws.atomic() as db:
            rows = db.execute(
                f"SELECT {VARIANT_COLUMNS} FROM post_variant WHERE state = 'publishing'"
            ).fetchall()
            for variant in map(variant_from_row, rows):
                after = variant_after_crash(variant.state)
                db.execute(
                    "UPDATE post_variant SET state = ?, error = ?, updated_at = ? WHERE id = ?",
                    (after.value, message, stamp, variant.id),
                )
                add_history(
                    db,
                    variant.post_id,
                    "recovered",
                    at=stamp,
                    actor=RUNNER,
                    variant_id=variant.id,
                    from_state=variant.state.value,
                    to_state=after.value,
                    detail=message,
                )
                settle_post(db, variant.post_id, at=stamp, actor=RUNNER)
        log.warning("%d post variant(s) left publishing by a stopped process: unknown", len(rows))
        return Changes(posts=True)

    def resolve_unknown(
        self,
        variant_id: int,
        published_url: str | None,
        *,
        remote_id: str = "",
        actor: str | None = None,
    ) -> Changes:
        """The user's decision about a variant whose fate was unknown: it went out (at
        `published_url`, "" if they have no address) or it did not (`None`: failed, to be
        rescheduled or published again by hand)."""
        who = me() if actor is None else actor
        if published_url is None:
            detail = _("Checked: it was not published.")
            self._move(
                variant_id,
                V.FAILED,
                "checked",
                detail=detail,
                sets={"error": detail},
                source=V.UNKNOWN,
                actor=who,
            )
        else:
            url = checked_link(published_url)
            self._move(
                variant_id,
                V.PUBLISHED,
                "checked",
                detail=url or _("Checked: it was published."),
                sets={"url": url, "remote_id": remote_id, "error": "", "published_at": iso_now()},
                source=V.UNKNOWN,
                actor=who,
            )
        return Changes(posts=True)
