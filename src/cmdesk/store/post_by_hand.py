"""The user's side of publishing: a post published by hand (assisted networks, or after
a failure), a late post skipped, and the address of a post a server published itself.

Every move writes its history row and settles the post in the same transaction, like
the runner's steps (store.post_publishing); a published post that repeats gets its next
occurrence there too (store.post_repeat).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, to_iso, utc_now
from cmdesk.core.errors import InvalidData
from cmdesk.core.networks import post_url_problem
from cmdesk.core.posts import PostState
from cmdesk.core.publication import (
    CLAIMABLE,
    Variant,
    VariantState,
    channel_name,
    checked_link,
)
from cmdesk.core.schedule import to_local
from cmdesk.i18n import _
from cmdesk.store.post_repeat import repeat_published
from cmdesk.store.post_rows import (
    RUNNER,
    VARIANT_COLUMNS,
    add_history,
    load_post,
    load_variant,
    me,
    set_post_state,
    settle_post,
    variant_from_row,
    wall_text,
)

if TYPE_CHECKING:
    import sqlite3

    from cmdesk.store.workspace import Workspace

V = VariantState
S = PostState
# How long after its time a post a server published itself is looked up for its address.
ADDRESS_LOOKUP_DAYS = 3


class ByHand:
    ws: Workspace

    def mark_published(self, variant_id: int, url: str, *, actor: str | None = None) -> Changes:
        """The user published this version themselves (an assisted network, or after a
        failure) at `url`, which must be an address on that network."""
        url = checked_link(url)
        if not url:
            raise InvalidData(_("Paste the address of the published post."))
        stamp = iso_now()
        who = me() if actor is None else actor
        with self.ws.atomic() as db:
            variant = load_variant(db, variant_id)
            problem = post_url_problem(variant.channel, url)
            if problem:
                raise InvalidData(problem)
            if variant.state not in (V.PENDING, V.FAILED):
                raise InvalidData(
                    _("This post is already “{state}” on {channel}.").format(
                        state=variant.state.label, channel=channel_name(variant.channel)
                    )
                )
            post = load_post(db, variant.post_id)
            if post.state not in CLAIMABLE:
                raise InvalidData(
                    _("The post is “{state}”: schedule it before marking it published.").format(
                        state=post.state.label
                    )
                )
            if post.state is S.SCHEDULED:  # as a claim does: publication has begun
                set_post_state(db, post, S.PUBLISHING, at=stamp, actor=who, action="settled")
            db.execute(
                "UPDATE post_variant SET state = 'published', url = ?, error = '', "
                "published_at = ?, updated_at = ? WHERE id = ?",
                (url, stamp, stamp, variant_id),
            )
            add_history(
                db,
                variant.post_id,
                "by_hand",
                at=stamp,
                actor=who,
                variant_id=variant_id,
                from_state=variant.state.value,
                to_state=V.PUBLISHED.value,
                detail=url,
            )
            if settle_post(db, variant.post_id, at=stamp, actor=who) is S.PUBLISHED:
                repeat_published(db, variant.post_id, at=stamp)
        return Changes(posts=True)

    def skip(self, variant_id: int, *, actor: str | None = None) -> Changes:
        """A late post the user does not want to go out any more ("skip"). A post waiting
        only for its time goes back to the state it was scheduled from (approved or draft;
        a repeated one moves on to its next occurrence); a version of a post that is partly
        out is failed with the reason, to be rescheduled or left."""
        stamp = iso_now()
        who = me() if actor is None else actor
        note = _("Skipped: it came due while cmdesk was closed.")
        with self.ws.atomic() as db:
            variant = load_variant(db, variant_id)
            if variant.state is not V.PENDING:
                raise InvalidData(
                    _("This post is “{state}” on {channel}: there is nothing to skip.").format(
                        state=variant.state.label, channel=channel_name(variant.channel)
                    )
                )
            post = load_post(db, variant.post_id)
            if post.state is S.SCHEDULED and post.recurrence is not None:
                after = max(utc_now(), post.scheduled_at or utc_now())
                instant = post.recurrence.occurrences(after, 1)[0]
                self._move_series(db, post.id, instant, stamp)
                add_history(db, post.id, "skipped", at=stamp, actor=who, detail=note)
            elif post.state is S.SCHEDULED:
                before = db.execute(
                    "SELECT from_state FROM post_history WHERE post_id = ? AND to_state = ? "
                    "ORDER BY id DESC LIMIT 1",
                    (post.id, S.SCHEDULED.value),
                ).fetchone()
                back = S.APPROVED if before and before[0] == S.APPROVED.value else S.DRAFT
                db.execute(
                    "UPDATE post_variant SET due_at = NULL WHERE post_id = ? AND state = 'pending'",
                    (post.id,),
                )
                set_post_state(db, post, back, at=stamp, actor=who, action="skipped", detail=note)
            else:
                db.execute(
                    "UPDATE post_variant SET state = 'failed', error = ?, updated_at = ? "
                    "WHERE id = ?",
                    (note, stamp, variant_id),
                )
                add_history(
                    db,
                    post.id,
                    "skipped",
                    at=stamp,
                    actor=who,
                    variant_id=variant_id,
                    from_state=V.PENDING.value,
                    to_state=V.FAILED.value,
                    detail=note,
                )
                settle_post(db, post.id, at=stamp, actor=who)
        return Changes(posts=True)

    def _move_series(
        self, db: sqlite3.Connection, post_id: int, instant: datetime, stamp: str
    ) -> None:
        """The next occurrence of a repeated post takes the skipped one's place; the
        series keeps its first time (no drift)."""
        post = load_post(db, post_id)
        first = wall_text(post.recurrence.first) if post.recurrence is not None else None
        db.execute(
            "UPDATE post SET scheduled_at = ?, wall_time = ?, series_first = ?, updated_at = ? "
            "WHERE id = ?",
            (to_iso(instant), wall_text(to_local(instant, post.zone)), first, stamp, post_id),
        )
        db.execute(
            "UPDATE post_variant SET due_at = ?, updated_at = ? "
            "WHERE post_id = ? AND state = 'pending'",
            (to_iso(instant), stamp, post_id),
        )

    # -- addresses learnt after a server published a post itself ----------------------

    def awaiting_address(self, now: datetime | None = None, limit: int = 20) -> list[Variant]:
        """Versions a server published itself at their time (Mastodon's scheduled posts,
        WordPress's future articles), whose time has passed and whose final address was
        not learnt yet; looked up for a few days, then left as they are."""
        moment = now or utc_now()
        with self.ws.reading() as db:
            rows = db.execute(
                f"SELECT {', '.join('v.' + c for c in VARIANT_COLUMNS.split(', '))} "
                "FROM post_variant v WHERE v.state = 'published' AND v.published_at <= ? "
                "AND v.published_at >= ? AND v.account_id IS NOT NULL "
                "AND EXISTS (SELECT 1 FROM post_history h WHERE h.variant_id = v.id "
                "AND h.action = 'handed') "
                "AND NOT EXISTS (SELECT 1 FROM post_history h WHERE h.variant_id = v.id "
                "AND h.action = 'address') ORDER BY v.published_at LIMIT ?",
                (
                    to_iso(moment),
                    to_iso(moment - timedelta(days=ADDRESS_LOOKUP_DAYS)),
                    limit,
                ),
            ).fetchall()
        return [variant_from_row(r) for r in rows]

    def set_address(self, variant_id: int, remote_id: str, url: str) -> Changes:
        """The address (and final id) of a version a server published itself."""
        url = checked_link(url)
        stamp = iso_now()
        with self.ws.atomic() as db:
            variant = load_variant(db, variant_id)
            if variant.state is not V.PUBLISHED:
                raise InvalidData(_("Only a published post has an address."))
            db.execute(
                "UPDATE post_variant SET remote_id = ?, url = ?, updated_at = ? WHERE id = ?",
                (remote_id or variant.remote_id, url, stamp, variant_id),
            )
            add_history(
                db,
                variant.post_id,
                "address",
                at=stamp,
                actor=RUNNER,
                variant_id=variant_id,
                detail=url,
            )
        return Changes(posts=True)
