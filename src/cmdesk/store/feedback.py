"""What customers said over a period, as the digests and reports read it."""

from __future__ import annotations

from datetime import datetime

from cmdesk.core.clock import parse_iso, to_iso
from cmdesk.core.digest import FeedbackItem
from cmdesk.core.query import Query, parse
from cmdesk.store.inbox import display_names
from cmdesk.store.interactions import tags_of
from cmdesk.store.workspace import Workspace


def received(
    ws: Workspace, since: datetime, until: datetime, team_id: int | None = None
) -> list[FeedbackItem]:
    """The messages received from the community in [since, until), oldest first; only
    those routed to `team_id` when given."""
    sql = (
        "SELECT id, occurred_at, type, channel, sentiment, text, link, contact_id "
        "FROM interaction WHERE direction = 'in' AND occurred_at >= ? AND occurred_at < ?"
    )
    params: list[object] = [to_iso(since), to_iso(until)]
    if team_id is not None:
        sql += " AND team_id = ?"
        params.append(team_id)
    with ws.reading() as db:
        rows = db.execute(sql + " ORDER BY occurred_at, id", params).fetchall()
        tags = tags_of(db, [r[0] for r in rows])
    names = display_names(ws, [r[7] for r in rows if r[7] is not None])
    return [
        FeedbackItem(
            id=r[0],
            occurred_at=parse_iso(r[1]),
            type=r[2],
            channel=r[3],
            sentiment=r[4],
            text=r[5],
            link=r[6],
            contact=names.get(r[7], "") if r[7] is not None else "",
            contact_id=r[7],
            tags=tuple(tags.get(r[0], ())),
        )
        for r in rows
    ]


def topic_queries(ws: Workspace) -> list[tuple[str, Query]]:
    """The client's watch topics, most important first, as digests group messages by."""
    topics = sorted(ws.topics.all(), key=lambda t: (-t.priority, t.name.casefold()))
    return [(t.name, parse(t.query)) for t in topics if t.enabled]
