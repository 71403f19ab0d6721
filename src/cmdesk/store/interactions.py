"""Interactions: every exchange with the community, qualified, routed and answered.

Reached as `workspace.interactions`; every write goes through the Workspace's
transaction and returns the Changes it made. The triage inbox reads newest first by
(occurred_at, id), keyset-paged, from the (status, occurred_at) index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, parse_iso, parse_iso_or_none, to_iso, utc_now
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.interactions import (
    CHANNELS,
    DIRECTIONS,
    PRIORITIES,
    STATUSES,
    TYPES,
    VISIBILITIES,
    Interaction,
    check_known,
    propose,
)
from cmdesk.core.monitoring import SENTIMENTS
from cmdesk.i18n import _

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

MAX_TEXT = 100_000
_COLUMNS = (
    "id, channel, occurred_at, text, link, direction, visibility, contact_id, type, sentiment, "
    "sentiment_reason, sentiment_by_user, language, priority, status, team_id, mention_id, "
    "post_id, reply, first_response_at, resolved_at, created_at, updated_at"
)
# The states in which an interaction still waits for its answer.
OPEN_STATUSES = ("new", "in_progress", "waiting_team")


def _row(row: Sequence[Any], tags: tuple[str, ...] = ()) -> Interaction:
    return Interaction(
        id=row[0],
        channel=row[1],
        occurred_at=parse_iso(row[2]),
        text=row[3],
        link=row[4],
        direction=row[5],
        visibility=row[6],
        contact_id=row[7],
        type=row[8],
        sentiment=row[9],
        sentiment_reason=row[10],
        sentiment_by_user=bool(row[11]),
        language=row[12],
        priority=row[13],
        status=row[14],
        team_id=row[15],
        mention_id=row[16],
        post_id=row[17],
        reply=row[18],
        first_response_at=parse_iso_or_none(row[19]),
        resolved_at=parse_iso_or_none(row[20]),
        created_at=parse_iso_or_none(row[21]),
        updated_at=parse_iso_or_none(row[22]),
        tags=tags,
    )


def _tag(db: sqlite3.Connection, interaction_id: int, tag: str) -> None:
    tag = " ".join(tag.split())
    if not tag:
        raise InvalidData(_("A tag needs a name."))
    db.execute(
        "INSERT OR IGNORE INTO interaction_tag(interaction_id, tag) VALUES (?, ?)",
        (interaction_id, tag),
    )


def insert(
    db: sqlite3.Connection,
    *,
    channel: str,
    occurred_at: str,
    text: str,
    link: str,
    type: str,
    sentiment: str,
    sentiment_reason: str,
    sentiment_by_user: bool,
    language: str,
    stamp: str,
    direction: str = "in",
    visibility: str = "public",
    contact_id: int | None = None,
    priority: int = 0,
    status: str = "new",
    team_id: int | None = None,
    mention_id: int | None = None,
    first_response_at: str | None = None,
    resolved_at: str | None = None,
    tags: Iterable[str] = (),
) -> int:
    """Write one interaction, already checked, with its tags; returns its id. Runs in
    the caller's transaction (`Interactions.add`, the CSV import); times as stored
    (core.clock.to_iso), `stamp` for created_at and updated_at."""
    cursor = db.execute(
        "INSERT INTO interaction(channel, direction, visibility, contact_id, "
        "occurred_at, text, link, type, sentiment, sentiment_reason, sentiment_by_user, "
        "language, priority, status, team_id, mention_id, first_response_at, "
        "resolved_at, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            channel,
            direction,
            visibility,
            contact_id,
            occurred_at,
            text,
            link,
            type,
            sentiment,
            sentiment_reason,
            int(sentiment_by_user),
            language,
            priority,
            status,
            team_id,
            mention_id,
            first_response_at,
            resolved_at,
            stamp,
            stamp,
        ),
    )
    interaction_id = int(cursor.lastrowid or 0)
    for tag in tags:
        _tag(db, interaction_id, tag)
    return interaction_id


def tags_of(db: sqlite3.Connection, wanted: Sequence[int]) -> dict[int, list[str]]:
    """The tags of these interactions, in name order, in one query per 500."""
    tags: dict[int, list[str]] = {}
    for start in range(0, len(wanted), 500):
        chunk = list(wanted[start : start + 500])
        for interaction_id, tag in db.execute(
            "SELECT interaction_id, tag FROM interaction_tag WHERE interaction_id IN "
            f"({','.join('?' * len(chunk))}) ORDER BY tag",
            chunk,
        ):
            tags.setdefault(interaction_id, []).append(tag)
    return tags


@dataclass(frozen=True)
class InteractionFilter:
    """What the inbox shows; every field set narrows it, the defaults show everything."""

    status: str = ""
    type: str = ""
    channel: str = ""
    team_id: int | None = None
    contact_id: int | None = None
    open_only: bool = False  # new, in progress or waiting for a team
    # No first answer within the target for its priority (store.escalation), judged at
    # `now` (default: the moment of the query).
    overdue: bool = False
    now: datetime | None = None


class Interactions:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- reading ---------------------------------------------------------------------------

    def get(self, interaction_id: int) -> Interaction:
        with self.ws.reading() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM interaction WHERE id = ?", (interaction_id,)
            ).fetchone()
            if row is None:
                raise NotFound(_("There is no interaction {id}.").format(id=interaction_id))
            tags = tuple(
                r[0]
                for r in db.execute(
                    "SELECT tag FROM interaction_tag WHERE interaction_id = ? ORDER BY tag",
                    (interaction_id,),
                )
            )
        return _row(row, tags)

    def _where(self, flt: InteractionFilter) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if flt.status:
            check_known(flt.status, STATUSES, _("status"))
            clauses.append("status = ?")
            params.append(flt.status)
        if flt.open_only:
            clauses.append(f"status IN ({','.join('?' * len(OPEN_STATUSES))})")
            params.extend(OPEN_STATUSES)
        if flt.type:
            check_known(flt.type, TYPES, _("type"))
            clauses.append("type = ?")
            params.append(flt.type)
        if flt.channel:
            check_known(flt.channel, CHANNELS, _("channel"))
            clauses.append("channel = ?")
            params.append(flt.channel)
        if flt.team_id is not None:
            clauses.append("team_id = ?")
            params.append(flt.team_id)
        if flt.contact_id is not None:
            clauses.append("contact_id = ?")
            params.append(flt.contact_id)
        if flt.overdue:
            sql, values = self.ws.escalation.overdue_sql(flt.now)
            clauses.append(sql)
            params.extend(values)
        return " AND ".join(clauses) or "1", params

    def page(
        self,
        flt: InteractionFilter = InteractionFilter(),
        *,
        before: Interaction | None = None,
        limit: int = 100,
    ) -> list[Interaction]:
        """A page of the inbox, newest first, after the row `before` (keyset paging)."""
        where, params = self._where(flt)
        if before is not None:
            where += " AND (occurred_at, id) < (?, ?)"
            params += [to_iso(before.occurred_at), before.id]
        with self.ws.reading() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM interaction WHERE {where} "
                "ORDER BY occurred_at DESC, id DESC LIMIT ?",
                (*params, limit),
            ).fetchall()
            tags = tags_of(db, [r[0] for r in rows])
        return [_row(r, tuple(tags.get(r[0], ()))) for r in rows]

    def count(self, flt: InteractionFilter = InteractionFilter()) -> int:
        where, params = self._where(flt)
        with self.ws.reading() as db:
            return int(
                db.execute(f"SELECT count(*) FROM interaction WHERE {where}", params).fetchone()[0]
            )

    def counts_by_status(self) -> dict[str, int]:
        """The inbox's counters, every status present (zero when none)."""
        counts = dict.fromkeys(STATUSES, 0)
        with self.ws.reading() as db:
            for status, n in db.execute("SELECT status, count(*) FROM interaction GROUP BY 1"):
                counts[status] = n
        return counts

    # -- writing ---------------------------------------------------------------------------

    def add(
        self,
        text: str,
        *,
        channel: str = "",
        link: str = "",
        occurred_at: datetime | None = None,
        direction: str = "in",
        visibility: str = "public",
        contact_id: int | None = None,
        type: str = "",
        sentiment: str = "",
        priority: int = 0,
        status: str = "new",
        team_id: int | None = None,
        mention_id: int | None = None,
        tags: Iterable[str] = (),
    ) -> Interaction:
        """Log an interaction. What is not given is proposed from the text and link
        (channel, language, sentiment, type: core.interactions.propose); a sentiment
        given here counts as the user's and is never re-estimated."""
        text = text.strip()[:MAX_TEXT]
        link = link.strip()
        if not text and not link:
            raise InvalidData(_("An interaction needs a text or a link."))
        guess = propose(text, link)
        channel = channel or guess.channel
        type = type or guess.type
        check_known(channel, CHANNELS, _("channel"))
        check_known(type, TYPES, _("type"))
        check_known(direction, DIRECTIONS, _("direction"))
        check_known(visibility, VISIBILITIES, _("visibility"))
        check_known(priority, PRIORITIES, _("priority"))
        check_known(status, STATUSES, _("status"))
        if sentiment:
            check_known(sentiment, SENTIMENTS, _("sentiment"))
        now = utc_now()
        stamp = to_iso(now)
        with self.ws.atomic() as db:
            if contact_id is not None:
                self.ws.contacts.get(contact_id)
            if team_id is not None:
                self.ws.teams.get(team_id)
            if mention_id is not None:
                self.ws.mentions.get(mention_id)
            interaction_id = insert(
                db,
                channel=channel,
                direction=direction,
                visibility=visibility,
                contact_id=contact_id,
                occurred_at=to_iso(occurred_at or now),
                text=text,
                link=link,
                type=type,
                sentiment=sentiment or guess.sentiment,
                sentiment_reason="" if sentiment else guess.sentiment_reason,
                sentiment_by_user=bool(sentiment),
                language=guess.language,
                priority=priority,
                status=status,
                team_id=team_id,
                mention_id=mention_id,
                first_response_at=stamp if status in ("answered", "closed") else None,
                resolved_at=stamp if status == "closed" else None,
                stamp=stamp,
                tags=tags,
            )
            # Automatic rules, then the escalation matrix: part of logging it, same transaction.
            self.ws.rules.on_added(interaction_id)
            self.ws.record("interaction.added", f"{interaction_id} {channel} {type}")
        return self.get(interaction_id)

    def set_status(self, ids: Iterable[int], status: str, *, at: datetime | None = None) -> Changes:
        """Move interactions to a status. "answered" or "closed" stamps the first response
        if none was recorded; "closed" stamps the resolution; reopening clears it, so the
        resolution time is always that of the latest closing."""
        check_known(status, STATUSES, _("status"))
        stamp = to_iso(at or utc_now())
        id_list = list(ids)
        with self.ws.atomic() as db:
            for interaction_id in id_list:
                self.get(interaction_id)
                db.execute(
                    "UPDATE interaction SET status = ?, updated_at = ?, "
                    "first_response_at = CASE WHEN ? IN ('answered', 'closed') "
                    "  THEN coalesce(first_response_at, ?) ELSE first_response_at END, "
                    "resolved_at = CASE WHEN ? = 'closed' THEN coalesce(resolved_at, ?) "
                    "  ELSE NULL END "
                    "WHERE id = ?",
                    (status, stamp, status, stamp, status, stamp, interaction_id),
                )
            if id_list:
                self.ws.record("interaction.status", f"{status}: {len(id_list)}")
        return Changes(interactions=bool(id_list), activity=bool(id_list))

    def record_reply(
        self, interaction_id: int, reply: str, *, at: datetime | None = None
    ) -> Changes:
        """The answer sent: kept with the interaction, and the first one starts the clock's
        stop (first_response_at). An open interaction becomes "answered"."""
        reply = reply.strip()
        if not reply:
            raise InvalidData(_("The reply is empty."))
        stamp = to_iso(at or utc_now())
        with self.ws.atomic() as db:
            current = self.get(interaction_id)
            status = "answered" if current.status in OPEN_STATUSES else current.status
            db.execute(
                "UPDATE interaction SET reply = ?, status = ?, updated_at = ?, "
                "first_response_at = coalesce(first_response_at, ?) WHERE id = ?",
                (reply, status, stamp, stamp, interaction_id),
            )
            self.ws.record("interaction.replied", str(interaction_id))
        return Changes(interactions=True, activity=True)

    def assign(self, ids: Iterable[int], team_id: int | None) -> Changes:
        id_list = list(ids)
        with self.ws.atomic() as db:
            if team_id is not None:
                self.ws.teams.get(team_id)
            db.executemany(
                "UPDATE interaction SET team_id = ?, updated_at = ? WHERE id = ?",
                [(team_id, iso_now(), i) for i in id_list],
            )
        return Changes(interactions=bool(id_list))

    def set_type(self, ids: Iterable[int], type: str) -> Changes:
        check_known(type, TYPES, _("type"))
        return self._set("type", ids, type)

    def set_priority(self, ids: Iterable[int], priority: int) -> Changes:
        check_known(priority, PRIORITIES, _("priority"))
        return self._set("priority", ids, priority)

    def set_contact(self, ids: Iterable[int], contact_id: int | None) -> Changes:
        if contact_id is not None:
            self.ws.contacts.get(contact_id)
        return self._set("contact_id", ids, contact_id)

    def set_post(self, ids: Iterable[int], post_id: int | None) -> Changes:
        """Link interactions to the client's post they are about (a comment under it, a
        reply to it), or unlink them with None."""
        if post_id is not None:
            self.ws.posts.get(post_id)  # NotFound, in plain words, for a wrong id
        return self._set("post_id", ids, post_id)

    def set_sentiment(self, interaction_id: int, sentiment: str, reason: str = "") -> Changes:
        """The user's correction: kept, and never overwritten by a later estimate."""
        check_known(sentiment, SENTIMENTS, _("sentiment"))
        with self.ws.atomic() as db:
            self.get(interaction_id)
            db.execute(
                "UPDATE interaction SET sentiment = ?, sentiment_reason = ?, "
                "sentiment_by_user = 1, updated_at = ? WHERE id = ?",
                (sentiment, reason, iso_now(), interaction_id),
            )
        return Changes(interactions=True)

    def _set(self, column: str, ids: Iterable[int], value: Any) -> Changes:
        id_list = list(ids)
        with self.ws.atomic() as db:
            db.executemany(
                f"UPDATE interaction SET {column} = ?, updated_at = ? WHERE id = ?",
                [(value, iso_now(), i) for i in id_list],
            )
        return Changes(interactions=bool(id_list))

    def add_tag(self, ids: Iterable[int], tag: str) -> Changes:
        id_list = list(ids)
        with self.ws.atomic() as db:
            for interaction_id in id_list:
                _tag(db, interaction_id, tag)
        return Changes(interactions=bool(id_list))

    def remove_tag(self, ids: Iterable[int], tag: str) -> Changes:
        id_list = list(ids)
        with self.ws.atomic() as db:
            db.executemany(
                "DELETE FROM interaction_tag WHERE interaction_id = ? AND tag = ?",
                [(i, tag) for i in id_list],
            )
        return Changes(interactions=bool(id_list))

    def from_mention(self, mention_id: int) -> Interaction:
        """Turn a monitored mention into an interaction to handle, in one action: its text,
        link, date and sentiment (the user's correction included) come along."""
        mention = self.ws.mentions.get(mention_id)
        text = mention.text or mention.title
        found = self.add(
            text,
            link=mention.url,
            occurred_at=mention.published_at,
            sentiment=mention.sentiment if mention.sentiment_by_user else "",
            priority=mention.priority,
            mention_id=mention.id,
        )
        return found
