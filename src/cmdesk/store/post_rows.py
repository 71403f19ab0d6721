"""Reading and writing post rows, shared by the parts of `workspace.posts`.

Everything here runs inside the caller's connection and transaction: the history row of
a change is written in the same transaction as the change, and a post's state is
settled from its variants in the same transaction as the variant's move.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cmdesk.core.clock import parse_iso, parse_iso_or_none
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.posts import EDITABLE, PostState
from cmdesk.core.publication import HistoryEntry, Post, Variant, VariantState, settle
from cmdesk.core.schedule import Frequency, Recurrence
from cmdesk.i18n import _

RUNNER = "cmdesk"  # the actor of the runner's moves and of recoveries

POST_COLUMNS = (
    "id, title, text, link, first_comment, state, scheduled_at, zone, wall_time, recurrence, "
    "recurrence_interval, evergreen, mention_id, created_at, updated_at, series_first"
)
VARIANT_COLUMNS = (
    "id, post_id, channel, account_id, text, extras, state, due_at, remote_id, url, error, "
    "attempts, claimed_at, published_at, idempotency_key"
)
HISTORY_COLUMNS = "id, post_id, variant_id, at, actor, action, from_state, to_state, detail"


def me() -> str:
    """Who is at the keyboard, for the history ("who changed it")."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (some containers, services)
        return ""


def wall_text(wall: datetime) -> str:
    return wall.replace(tzinfo=None, microsecond=0).isoformat()


def variant_from_row(row: Sequence[Any]) -> Variant:
    return Variant(
        id=row[0],
        post_id=row[1],
        channel=row[2],
        account_id=row[3],
        text=row[4],
        extras=json.loads(row[5] or "{}"),
        state=VariantState(row[6]),
        due_at=parse_iso_or_none(row[7]),
        remote_id=row[8],
        url=row[9],
        error=row[10],
        attempts=row[11],
        claimed_at=parse_iso_or_none(row[12]),
        published_at=parse_iso_or_none(row[13]),
        idempotency_key=row[14],
    )


def post_from_row(row: Sequence[Any], variants: tuple[Variant, ...] = ()) -> Post:
    wall = datetime.fromisoformat(row[8]) if row[8] else None
    recurrence = None
    if row[9] and wall is not None:
        # A later occurrence repeats from its series' first time, not its own (no drift
        # after a short month or a daylight-saving gap).
        first = datetime.fromisoformat(row[15]) if row[15] else wall
        recurrence = Recurrence(first, row[7], Frequency(row[9]), row[10])
    return Post(
        id=row[0],
        title=row[1],
        text=row[2],
        link=row[3],
        first_comment=row[4],
        state=PostState(row[5]),
        scheduled_at=parse_iso_or_none(row[6]),
        zone=row[7],
        wall_time=wall,
        recurrence=recurrence,
        evergreen=bool(row[11]),
        mention_id=row[12],
        created_at=parse_iso(row[13]),
        updated_at=parse_iso(row[14]),
        variants=variants,
    )


def history_from_row(row: Sequence[Any]) -> HistoryEntry:
    return HistoryEntry(
        id=row[0],
        post_id=row[1],
        variant_id=row[2],
        at=parse_iso(row[3]),
        actor=row[4],
        action=row[5],
        from_state=row[6],
        to_state=row[7],
        detail=row[8],
    )


def load_variants(db: sqlite3.Connection, post_id: int) -> tuple[Variant, ...]:
    rows = db.execute(
        f"SELECT {VARIANT_COLUMNS} FROM post_variant WHERE post_id = ? ORDER BY id", (post_id,)
    ).fetchall()
    return tuple(variant_from_row(r) for r in rows)


def load_post(db: sqlite3.Connection, post_id: int) -> Post:
    row = db.execute(f"SELECT {POST_COLUMNS} FROM post WHERE id = ?", (post_id,)).fetchone()
    if row is None:
        raise NotFound(_("There is no post {id}.").format(id=post_id))
    return post_from_row(row, load_variants(db, post_id))


def load_variant(db: sqlite3.Connection, variant_id: int) -> Variant:
    row = db.execute(
        f"SELECT {VARIANT_COLUMNS} FROM post_variant WHERE id = ?", (variant_id,)
    ).fetchone()
    if row is None:
        raise NotFound(_("There is no post variant {id}.").format(id=variant_id))
    return variant_from_row(row)


def add_history(
    db: sqlite3.Connection,
    post_id: int,
    action: str,
    *,
    at: str,
    actor: str,
    variant_id: int | None = None,
    from_state: str = "",
    to_state: str = "",
    detail: str = "",
) -> None:
    db.execute(
        "INSERT INTO post_history(post_id, variant_id, at, actor, action, from_state, "
        "to_state, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (post_id, variant_id, at, actor, action, from_state, to_state, detail),
    )


def set_post_state(
    db: sqlite3.Connection,
    post: Post,
    wanted: PostState,
    *,
    at: str,
    actor: str,
    action: str = "state",
    detail: str = "",
) -> None:
    """Write a move already checked by the caller, with its history row."""
    db.execute(
        "UPDATE post SET state = ?, updated_at = ? WHERE id = ?", (wanted.value, at, post.id)
    )
    add_history(
        db,
        post.id,
        action,
        at=at,
        actor=actor,
        from_state=post.state.value,
        to_state=wanted.value,
        detail=detail,
    )


def settle_post(db: sqlite3.Connection, post_id: int, *, at: str, actor: str) -> PostState:
    """Sum the post's state up from its variants after one of them moved (core.publication
    .settle), with a history row when it changes; returns the post's state."""
    post = load_post(db, post_id)
    wanted = settle(post.state, (v.state for v in post.variants))
    if wanted is not post.state:
        set_post_state(db, post, wanted, at=at, actor=actor, action="settled")
    return wanted


_HINTS = {
    PostState.SCHEDULED: lambda: _("move it back to draft first."),
    PostState.UNKNOWN: lambda: _("check on the network whether it went out first."),
    PostState.PUBLISHED: lambda: _("create a new post instead."),
}


def editable_post(db: sqlite3.Connection, post_id: int) -> Post:
    """The post, if its content may still change (core.posts.EDITABLE): a scheduled post
    goes out as it was approved, and one being sent or sent is history."""
    post = load_post(db, post_id)
    if post.state not in EDITABLE:
        raise InvalidData(
            _("A post that is “{state}” cannot be changed: {hint}").format(
                state=post.state.label,
                hint=_HINTS.get(post.state, _HINTS[PostState.PUBLISHED])(),
            )
        )
    return post


def checked_text(value: str, limit: int, what: str) -> str:
    value = value.strip()
    if len(value) > limit:
        raise InvalidData(
            _("The {what} has {count} characters; at most {limit} are allowed.").format(
                what=what, count=len(value), limit=limit
            )
        )
    return value
