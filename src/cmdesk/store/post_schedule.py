"""When posts go out: a wall-clock time in a zone, posting slots, the queue, recurrence.

A time is chosen as the clock shows it in a zone (the client's by default) and kept as
the UTC instant, the zone and that wall time (core.schedule). One that does not exist
or happens twice in the zone (a daylight-saving gap or overlap) is refused with
AmbiguousTime until the caller passes the instant the user chose.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, to_iso, utc_now
from cmdesk.core.errors import InvalidData
from cmdesk.core.interactions import check_known
from cmdesk.core.posts import EDITABLE, PostState, check_transition
from cmdesk.core.publication import CHANNELS, Post, chosen_instant
from cmdesk.core.schedule import Frequency, Slot, WallTime, next_free_slot, to_local
from cmdesk.i18n import _
from cmdesk.store.post_rows import (
    add_history,
    editable_post,
    load_post,
    me,
    set_post_state,
    wall_text,
)

if TYPE_CHECKING:
    import sqlite3

    from cmdesk.store.workspace import Workspace

S = PostState


class Scheduling:
    ws: Workspace

    def schedule(
        self,
        post_id: int,
        wall: datetime | None = None,
        *,
        zone: str | None = None,
        choice: datetime | None = None,
        actor: str | None = None,
    ) -> Post:
        """Schedule the post for `wall` (naive: the clock in `zone`, by default the
        client's), or for the time it already has. A time in a daylight-saving gap or
        overlap raises AmbiguousTime unless `choice` is one of its instants. Channels
        that failed are tried again; those that went out are left alone."""
        stamp = iso_now()
        who = me() if actor is None else actor
        with self.ws.atomic() as db:
            post = load_post(db, post_id)
            if post.state is not S.SCHEDULED:
                check_transition(post.state, S.SCHEDULED)
            if not post.variants:
                raise InvalidData(_("Choose at least one channel before scheduling the post."))
            if wall is not None:
                self._set_time(db, post, wall, zone, choice, stamp)
            elif post.scheduled_at is None:
                raise InvalidData(_("Choose a date and time to schedule the post."))
            due = db.execute("SELECT scheduled_at FROM post WHERE id = ?", (post_id,)).fetchone()
            db.execute(
                "UPDATE post_variant SET state = 'pending', due_at = ?, error = '', updated_at = ? "
                "WHERE post_id = ? AND state IN ('pending', 'failed')",
                (due[0], stamp, post_id),
            )
            post = load_post(db, post_id)
            detail = f"{wall_text(post.wall_time)} {post.zone}" if post.wall_time else ""
            if post.state is S.SCHEDULED:
                add_history(db, post_id, "rescheduled", at=stamp, actor=who, detail=detail)
            else:
                set_post_state(
                    db, post, S.SCHEDULED, at=stamp, actor=who, action="scheduled", detail=detail
                )
            return load_post(db, post_id)

    def reschedule(
        self,
        post_id: int,
        wall: datetime | None,
        *,
        zone: str | None = None,
        choice: datetime | None = None,
        actor: str | None = None,
    ) -> Post:
        """Move a post to another time without changing its state (the calendar's drag);
        None takes the date off a post that is not scheduled."""
        stamp = iso_now()
        with self.ws.atomic() as db:
            post = load_post(db, post_id)
            if post.state is not S.SCHEDULED:
                post = editable_post(db, post_id)
            if wall is None:
                if post.state is S.SCHEDULED:
                    raise InvalidData(_("A scheduled post needs a time: unschedule it first."))
                db.execute(
                    "UPDATE post SET scheduled_at = NULL, wall_time = NULL, recurrence = '', "
                    "series_first = NULL, updated_at = ? WHERE id = ?",
                    (stamp, post_id),
                )
                detail = ""
            else:
                instant = self._set_time(db, post, wall, zone, choice, stamp)
                if post.state is S.SCHEDULED:
                    db.execute(
                        "UPDATE post_variant SET due_at = ?, updated_at = ? "
                        "WHERE post_id = ? AND state = 'pending'",
                        (to_iso(instant), stamp, post_id),
                    )
                detail = f"{wall_text(wall)} {zone or post.zone}"
            add_history(
                db,
                post_id,
                "rescheduled",
                at=stamp,
                actor=me() if actor is None else actor,
                detail=detail,
            )
            return load_post(db, post_id)

    def _set_time(
        self,
        db: sqlite3.Connection,
        post: Post,
        wall: datetime,
        zone: str | None,
        choice: datetime | None,
        stamp: str,
    ) -> datetime:
        zone = zone or post.zone or self.ws.profile().timezone
        instant = chosen_instant(wall, zone, choice)
        db.execute(
            "UPDATE post SET scheduled_at = ?, zone = ?, wall_time = ?, series_first = NULL, "
            "updated_at = ? WHERE id = ?",
            (to_iso(instant), zone, wall_text(to_local(instant, zone)), stamp, post.id),
        )
        return instant

    def set_recurrence(
        self,
        post_id: int,
        frequency: Frequency | None,
        *,
        interval: int = 1,
        evergreen: bool = False,
        actor: str | None = None,
    ) -> Changes:
        """Repeat the post at the same wall-clock time (None: once); evergreen posts come
        back in the queue after they went out."""
        if interval < 1:
            raise InvalidData(_("A recurrence repeats at least every 1 period."))
        stamp = iso_now()
        with self.ws.atomic() as db:
            post = load_post(db, post_id)
            if post.state not in EDITABLE | {S.SCHEDULED}:
                editable_post(db, post_id)  # raises with the reason
            if frequency is not None and post.wall_time is None:
                raise InvalidData(_("Give the post a date and time before making it repeat."))
            db.execute(
                "UPDATE post SET recurrence = ?, recurrence_interval = ?, evergreen = ?, "
                "series_first = NULL, updated_at = ? WHERE id = ?",
                (frequency.value if frequency else "", interval, int(evergreen), stamp, post_id),
            )
            add_history(
                db,
                post_id,
                "recurrence",
                at=stamp,
                actor=me() if actor is None else actor,
                detail=f"{frequency.value if frequency else '-'} {interval}"
                + (" evergreen" if evergreen else ""),
            )
        return Changes(posts=True)

    # -- posting slots and the queue -------------------------------------------------------

    def slots(self, channel: str | None = None) -> list[tuple[str, Slot]]:
        with self.ws.reading() as db:
            rows = db.execute(
                "SELECT channel, weekday, at FROM posting_slot WHERE ? IS NULL OR channel = ? "
                "ORDER BY channel, weekday, at",
                (channel, channel),
            ).fetchall()
        return [(c, Slot(d, datetime.strptime(at, "%H:%M").time())) for c, d, at in rows]

    def add_slot(self, channel: str, slot: Slot) -> Changes:
        check_known(channel, CHANNELS, _("channel"))
        with self.ws.atomic() as db:
            db.execute(
                "INSERT OR IGNORE INTO posting_slot(channel, weekday, at) VALUES (?, ?, ?)",
                (channel, slot.weekday, slot.at.strftime("%H:%M")),
            )
        return Changes(posts=True)

    def remove_slot(self, channel: str, slot: Slot) -> Changes:
        with self.ws.atomic() as db:
            db.execute(
                "DELETE FROM posting_slot WHERE channel = ? AND weekday = ? AND at = ?",
                (channel, slot.weekday, slot.at.strftime("%H:%M")),
            )
        return Changes(posts=True)

    def next_slot(
        self, channel: str, *, post_id: int | None = None, now: datetime | None = None
    ) -> WallTime:
        """The channel's next posting slot after `now` that no scheduled post of that
        channel holds (`post_id`'s own time does not count: it is the one moving)."""
        with self.ws.reading() as db:
            taken = [
                datetime.fromisoformat(r[0])
                for r in db.execute(
                    "SELECT DISTINCT p.scheduled_at FROM post p "
                    "JOIN post_variant v ON v.post_id = p.id "
                    "WHERE v.channel = ? AND p.id != ? AND p.scheduled_at IS NOT NULL "
                    "AND p.state IN ('scheduled', 'publishing')",
                    (channel, -1 if post_id is None else post_id),
                )
            ]
        slots = [slot for _c, slot in self.slots(channel)]
        return next_free_slot(slots, self.ws.profile().timezone, now or utc_now(), taken)

    def add_to_queue(
        self,
        post_id: int,
        channel: str | None = None,
        *,
        now: datetime | None = None,
        actor: str | None = None,
    ) -> Post:
        """Schedule the post at its channel's next posting slot that no scheduled post of
        that channel holds (the first channel of the post unless told)."""
        with self.ws.atomic() as db:
            post = load_post(db, post_id)
            if channel is None:
                if not post.variants:
                    raise InvalidData(_("Choose at least one channel before scheduling the post."))
                channel = post.variants[0].channel
            wall = self.next_slot(channel, post_id=post_id, now=now)
            return self.schedule(
                post_id, wall.wall, zone=wall.zone, choice=wall.choices[0], actor=actor
            )
