"""Participation segments over a period (core.segments), reached as `workspace.segments`.

One grouped pass over the period's inbound interactions. Interactions without a
contact (anonymous, or from a contact whose data was erased) are only counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from cmdesk.core.clock import parse_iso, to_iso
from cmdesk.core.interactions import Contact
from cmdesk.core.segments import (
    NEGATIVE_TYPES,
    Participant,
    Segmentation,
    Thresholds,
    segment_of,
)

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace


class Segments:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def compute(
        self, since: datetime, until: datetime, thresholds: Thresholds | None = None
    ) -> Segmentation:
        """Who spoke between `since` (included) and `until` (excluded), by segment."""
        thresholds = (thresholds or Thresholds()).validated()
        period = (to_iso(since), to_iso(until))
        negative = f"(sentiment = 'negative' OR type IN {NEGATIVE_TYPES!r})"
        with self.ws.reading() as db:
            rows = db.execute(
                f"SELECT i.contact_id, count(*), sum({negative}), max(i.occurred_at), "
                "c.name, c.email, (SELECT network || char(31) || handle FROM contact_handle "
                "  WHERE contact_id = c.id ORDER BY network, handle LIMIT 1) "
                "FROM interaction i JOIN contact c ON c.id = i.contact_id "
                "WHERE i.direction = 'in' AND i.occurred_at >= ? AND i.occurred_at < ? "
                "AND c.erased_at IS NULL GROUP BY i.contact_id",
                period,
            ).fetchall()
            anonymous = db.execute(
                "SELECT count(*) FROM interaction WHERE direction = 'in' AND contact_id IS NULL "
                "AND occurred_at >= ? AND occurred_at < ?",
                period,
            ).fetchone()[0]
        participants = []
        for contact_id, count, negatives, last, name, email, handle in rows:
            network, _sep, nick = (handle or "").partition("\x1f")
            handles = ((network, nick),) if nick else ()
            who = Contact(id=contact_id, name=name, email=email, handles=handles)
            segment = segment_of(count, thresholds)
            participants.append(
                Participant(
                    contact_id=contact_id,
                    name=who.display_name,
                    interactions=count,
                    negative=negatives,
                    last_at=parse_iso(last),
                    segment=segment,
                    unhappy=segment == "regular" and negatives >= thresholds.unhappy,
                )
            )
        participants.sort(key=lambda p: (-p.interactions, -p.negative, p.contact_id))
        return Segmentation(since, until, thresholds, tuple(participants), anonymous)
