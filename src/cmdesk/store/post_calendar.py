"""Reads for the editorial calendar: the posts of a month or a week, and those without a date.

A calendar page can hold hundreds of posts (a client posting several times a day on
several networks); `Posts.between` loads each one with two queries, which holds the
workspace for as long. These read the posts of a range and all their channels in two
queries, whatever their number. Nothing here writes: moves go through
`workspace.posts.reschedule` and `schedule`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from cmdesk.core.clock import to_iso
from cmdesk.core.posts import EDITABLE
from cmdesk.core.publication import Post, Variant
from cmdesk.store.post_rows import POST_COLUMNS, VARIANT_COLUMNS, post_from_row, variant_from_row

if TYPE_CHECKING:
    import sqlite3

    from cmdesk.store.workspace import Workspace

# A post without a date that can still be given one: an idea, a draft, one in review or
# approved (or failed, taken off the calendar). Published ones are history.
_UNDATED_STATES = tuple(sorted(s.value for s in EDITABLE))


def posts_between(ws: Workspace, start: datetime, end: datetime) -> list[Post]:
    """Posts with a time in [start, end) (aware datetimes), in time order."""
    where = "scheduled_at >= ? AND scheduled_at < ?"
    return _posts(ws, where, (to_iso(start), to_iso(end)), "scheduled_at, id")


def undated_posts(ws: Workspace, limit: int = 300) -> list[Post]:
    """The newest posts without a date that may still get one (the calendar's side list)."""
    marks = ", ".join("?" for _s in _UNDATED_STATES)
    where = f"scheduled_at IS NULL AND state IN ({marks})"
    return _posts(ws, where, _UNDATED_STATES, "id DESC", limit)


def _posts(
    ws: Workspace,
    where: str,
    params: tuple[str, ...],
    order: str,
    limit: int = -1,
) -> list[Post]:
    with ws.reading() as db:
        rows = db.execute(
            f"SELECT {POST_COLUMNS} FROM post WHERE {where} ORDER BY {order} LIMIT ?",
            (*params, limit),
        ).fetchall()
        variants = _variants_of(db, [row[0] for row in rows])
    return [post_from_row(row, tuple(variants.get(row[0], ()))) for row in rows]


def _variants_of(db: sqlite3.Connection, ids: list[int]) -> dict[int, list[Variant]]:
    found: dict[int, list[Variant]] = defaultdict(list)
    # In blocks: SQLite allows a limited number of parameters in one statement.
    for first in range(0, len(ids), 500):
        block = ids[first : first + 500]
        marks = ", ".join("?" for _i in block)
        for row in db.execute(
            f"SELECT {VARIANT_COLUMNS} FROM post_variant WHERE post_id IN ({marks}) ORDER BY id",
            block,
        ):
            variant = variant_from_row(row)
            found[variant.post_id].append(variant)
    return found
