"""The rows of an export of mentions, interactions, posts or contacts, with the filters
the user has on screen.

Each kind gives its columns (a stable key for JSON, a translated heading for CSV and
XLSX) and an iterator over its rows, which cmdesk.share.tables writes in any format.
Times are shown in the client's time zone (what the community manager and the client
read), as aware datetimes so that JSON keeps the offset. Mentions are read through a
connection of their own, in one read transaction: a million rows take a while, and the
app's writes must not wait for them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cmdesk.core.classify import readable_reason
from cmdesk.core.clock import parse_iso
from cmdesk.core.interactions import CHANNEL_LABELS, STATUS_LABELS, TYPE_LABELS
from cmdesk.core.posts import PostState
from cmdesk.i18n import N_, _
from cmdesk.store import inbox
from cmdesk.store.interactions import InteractionFilter, tags_of
from cmdesk.store.mentions import MentionFilter
from cmdesk.store.workspace import Workspace, connect

KINDS = ("mentions", "interactions", "posts", "contacts")
_CHUNK = 500


@dataclass(frozen=True)
class Column:
    key: str  # JSON key, stable across languages
    title: str  # untranslated heading (N_), translated where written
    kind: str = "text"  # text, number, time, link


@dataclass(frozen=True)
class Rows:
    kind: str
    columns: tuple[Column, ...]
    rows: Iterator[Sequence[Any]]
    count: int  # how many rows will come (for progress)


def _local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    return None if value is None else value.astimezone(zone)


# -- mentions -----------------------------------------------------------------------------

MENTION_COLUMNS = (
    Column("id", N_("Id"), "number"),
    Column("published", N_("Published"), "time"),
    Column("title", N_("Title")),
    Column("url", N_("Link"), "link"),
    Column("source", N_("Source")),
    Column("author", N_("Author")),
    Column("language", N_("Language")),
    Column("sentiment", N_("Sentiment")),
    Column("sentiment_reason", N_("Why")),
    Column("priority", N_("Priority"), "number"),
    Column("read", N_("Read"), "number"),
    Column("starred", N_("Starred"), "number"),
    Column("archived", N_("Archived"), "number"),
    Column("tags", N_("Tags")),
    Column("topics", N_("Topics")),
    Column("text", N_("Text")),
)
_MENTION_SQL = (
    "m.id, m.published_at, m.title, m.url, m.source, m.author, m.language, m.sentiment, "
    "m.sentiment_reason, m.priority, m.read, m.starred, m.archived, "
    "(SELECT group_concat(t.name, ', ') FROM mention_tag mt JOIN tag t ON t.id = mt.tag_id "
    "WHERE mt.mention_id = m.id), "
    "(SELECT group_concat(p.name, ', ') FROM mention_topic mp JOIN topic p "
    "ON p.id = mp.topic_id WHERE mp.mention_id = m.id), m.text"
)


def mentions(ws: Workspace, flt: MentionFilter | None = None) -> Rows:
    flt = flt or MentionFilter()
    sql, params = ws.mentions.select_sql(_MENTION_SQL, flt)
    count = ws.mentions.count(flt)
    zone = ws.profile().zone

    def rows() -> Iterator[Sequence[Any]]:
        db = connect(ws.path, readonly=True)
        try:
            db.execute("BEGIN")
            for row in db.execute(sql, params):
                published = _local(parse_iso(row[1]), zone)
                reason = readable_reason(row[8], f"{row[2]} {row[15]}")
                yield (row[0], published, *row[2:8], reason, *row[9:13], row[13] or "",
                       row[14] or "", row[15])  # fmt: skip
        finally:
            db.close()

    return Rows("mentions", MENTION_COLUMNS, rows(), count)


# -- interactions -------------------------------------------------------------------------

INTERACTION_COLUMNS = (
    Column("id", N_("Id"), "number"),
    Column("occurred", N_("Date"), "time"),
    Column("channel", N_("Channel")),
    Column("direction", N_("Direction")),
    Column("type", N_("Type")),
    Column("status", N_("Status")),
    Column("priority", N_("Priority"), "number"),
    Column("sentiment", N_("Sentiment")),
    Column("contact", N_("Contact")),
    Column("team", N_("Team")),
    Column("text", N_("Message")),
    Column("reply", N_("Reply")),
    Column("link", N_("Link"), "link"),
    Column("first_response", N_("First answer"), "time"),
    Column("resolved", N_("Resolved"), "time"),
    Column("response_minutes", N_("Minutes to first answer"), "number"),
    Column("tags", N_("Tags")),
)


def interactions(ws: Workspace, flt: InteractionFilter | None = None, text: str = "") -> Rows:
    flt = flt or InteractionFilter()
    found = [i for i, _at in inbox.ids(ws, flt, text, limit=None)]
    zone = ws.profile().zone
    teams = {t.id: t.name for t in ws.teams.all()}

    def rows() -> Iterator[Sequence[Any]]:
        for start in range(0, len(found), _CHUNK):
            chunk = found[start : start + _CHUNK]
            items = inbox.by_ids(ws, chunk)
            names = inbox.display_names(
                ws, [i.contact_id for i in items.values() if i.contact_id is not None]
            )
            with ws.reading() as db:
                tags = tags_of(db, chunk)
            for interaction_id in chunk:
                i = items.get(interaction_id)
                if i is None:  # deleted meanwhile
                    continue
                waited = i.response_time
                yield (
                    i.id,
                    _local(i.occurred_at, zone),
                    _(CHANNEL_LABELS.get(i.channel, i.channel)),
                    _("incoming") if i.direction == "in" else _("outgoing"),
                    _(TYPE_LABELS.get(i.type, i.type)),
                    _(STATUS_LABELS.get(i.status, i.status)),
                    i.priority,
                    i.sentiment,
                    names.get(i.contact_id, "") if i.contact_id is not None else "",
                    teams.get(i.team_id, "") if i.team_id is not None else "",
                    i.text,
                    i.reply,
                    i.link,
                    _local(i.first_response_at, zone),
                    _local(i.resolved_at, zone),
                    None if waited is None else round(waited.total_seconds() / 60),
                    ", ".join(tags.get(i.id, ())),
                )

    return Rows("interactions", INTERACTION_COLUMNS, rows(), len(found))


# -- posts --------------------------------------------------------------------------------

POST_COLUMNS = (
    Column("id", N_("Id"), "number"),
    Column("state", N_("State")),
    Column("scheduled", N_("Scheduled for"), "time"),
    Column("channels", N_("Channels")),
    Column("title", N_("Title")),
    Column("text", N_("Text")),
    Column("link", N_("Link"), "link"),
    Column("published_urls", N_("Published at"), "link"),
    Column("created", N_("Created"), "time"),
    Column("updated", N_("Changed"), "time"),
)


def posts(ws: Workspace, state: PostState | None = None) -> Rows:
    zone = ws.profile().zone
    found = ws.posts.ids(state)

    def rows() -> Iterator[Sequence[Any]]:
        for start in range(0, len(found), _CHUNK):
            for post in ws.posts.many(found[start : start + _CHUNK]):
                yield (
                    post.id,
                    post.state.label,
                    _local(post.scheduled_at, zone),
                    ", ".join(post.channels),
                    post.title,
                    post.text,
                    post.link,
                    " ".join(v.url for v in post.variants if v.url),
                    _local(post.created_at, zone),
                    _local(post.updated_at, zone),
                )

    return Rows("posts", POST_COLUMNS, rows(), len(found))


# -- contacts -----------------------------------------------------------------------------

CONTACT_COLUMNS = (
    Column("id", N_("Id"), "number"),
    Column("name", N_("Name")),
    Column("email", N_("E-mail")),
    Column("handles", N_("Accounts")),
    Column("tags", N_("Tags")),
    Column("interactions", N_("Interactions"), "number"),
    Column("notes", N_("Notes")),
    Column("created", N_("Created"), "time"),
)


def contacts(ws: Workspace) -> Rows:
    """Every contact except those erased on request (nothing personal is left of them)."""
    zone = ws.profile().zone
    people = ws.contacts.all()
    counts = inbox.interaction_counts(ws)

    def rows() -> Iterator[Sequence[Any]]:
        for c in people:
            yield (
                c.id,
                c.name,
                c.email,
                ", ".join(f"{network}:{handle}" for network, handle in c.handles),
                ", ".join(c.tags),
                counts.get(c.id, 0),
                c.notes,
                _local(c.created_at, zone),
            )

    return Rows("contacts", CONTACT_COLUMNS, rows(), len(people))


__all__ = [
    "KINDS",
    "Column",
    "Rows",
    "contacts",
    "interactions",
    "mentions",
    "posts",
]
