"""The next occurrence of a repeated or evergreen post, made when one goes out.

A published post stays as it went out (its address, its history), so the next time is a
new post: the same text, channels, accounts, per-network versions and images, scheduled
at the series' next wall-clock time (core.schedule.Recurrence, which keeps 09:00 across
daylight-saving changes), or for an evergreen post at its channel's next free posting
slot. It is written in the same transaction as the publication that settles the post,
so a crash never leaves a series without its next post nor makes two of them. The
published post hands the repetition over (its recurrence is cleared), which also makes
a second call a no-op.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from cmdesk.core.clock import to_iso, utc_now
from cmdesk.core.errors import InvalidData
from cmdesk.core.posts import PostState
from cmdesk.core.publication import Post, new_idempotency_key
from cmdesk.core.schedule import Slot, next_free_slot, to_local
from cmdesk.store.post_rows import RUNNER, add_history, load_post, wall_text


def _next_time(db: sqlite3.Connection, post: Post, now: datetime) -> datetime | None:
    """When the next occurrence goes out (UTC), or None when no time can be found."""
    after = max(post.scheduled_at or now, now)  # a late post does not cause a burst
    if post.recurrence is not None:
        return post.recurrence.occurrences(after, 1)[0]
    if not post.variants:
        return None
    channel = post.variants[0].channel
    zone = post.zone or db.execute("SELECT timezone FROM client WHERE id = 1").fetchone()[0]
    slots = [
        Slot(day, datetime.strptime(at, "%H:%M").time())
        for day, at in db.execute(
            "SELECT weekday, at FROM posting_slot WHERE channel = ?", (channel,)
        )
    ]
    taken = [
        datetime.fromisoformat(r[0])
        for r in db.execute(
            "SELECT DISTINCT p.scheduled_at FROM post p JOIN post_variant v ON v.post_id = p.id "
            "WHERE v.channel = ? AND p.state IN ('scheduled', 'publishing') "
            "AND p.scheduled_at IS NOT NULL",
            (channel,),
        )
    ]
    try:
        return next_free_slot(slots, zone, after, taken).choices[0]
    except InvalidData:  # no slot on that channel: it comes back without a time
        return None


def repeat_published(
    db: sqlite3.Connection, post_id: int, *, at: str, now: datetime | None = None
) -> int | None:
    """Make the next occurrence of `post_id` (just published) if it repeats; its id."""
    post = load_post(db, post_id)
    if post.state is not PostState.PUBLISHED or not (post.recurrence or post.evergreen):
        return None
    moment = (now or utc_now()).astimezone(UTC)
    instant = _next_time(db, post, moment)
    zone = post.zone or str(db.execute("SELECT timezone FROM client WHERE id = 1").fetchone()[0])
    state = PostState.SCHEDULED if instant is not None else PostState.APPROVED
    first = wall_text(post.recurrence.first) if post.recurrence is not None else None
    cursor = db.execute(
        "INSERT INTO post(title, text, link, first_comment, state, scheduled_at, zone, "
        "wall_time, recurrence, recurrence_interval, evergreen, mention_id, series_first, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            post.title,
            post.text,
            post.link,
            post.first_comment,
            state.value,
            to_iso(instant) if instant is not None else None,
            zone,
            wall_text(to_local(instant, zone)) if instant is not None else None,
            post.recurrence.frequency.value if post.recurrence else "",
            post.recurrence.interval if post.recurrence else 1,
            int(post.evergreen),
            post.mention_id,
            first if instant is not None else None,
            at,
            at,
        ),
    )
    new_id = int(cursor.lastrowid or 0)
    for variant in post.variants:
        db.execute(
            "INSERT INTO post_variant(post_id, channel, account_id, text, extras, state, due_at, "
            "idempotency_key, created_at, updated_at) "
            "SELECT ?, channel, account_id, text, extras, 'pending', ?, ?, ?, ? "
            "FROM post_variant WHERE id = ?",
            (
                new_id,
                to_iso(instant) if instant is not None else None,
                new_idempotency_key(),
                at,
                at,
                variant.id,
            ),
        )
    db.execute(
        "INSERT INTO post_media(post_id, position, mime, alt, filename, size, data, created_at) "
        "SELECT ?, position, mime, alt, filename, size, data, ? FROM post_media "
        "WHERE post_id = ? ORDER BY position",
        (new_id, at, post_id),
    )
    detail = f"{post_id} {wall_text(to_local(instant, zone)) + ' ' + zone if instant else ''}"
    add_history(db, new_id, "created", at=at, actor=RUNNER, to_state=state.value, detail=detail)
    # The series goes on in the new post: this one no longer repeats.
    db.execute(
        "UPDATE post SET recurrence = '', evergreen = 0, series_first = NULL WHERE id = ?",
        (post_id,),
    )
    add_history(db, post_id, "repeated", at=at, actor=RUNNER, detail=str(new_id))
    return new_id
