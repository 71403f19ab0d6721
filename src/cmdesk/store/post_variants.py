"""The channels a post goes to: one variant per channel (and account), each with its own
text when the network needs it (shorter for X, an excerpt for WordPress) and its own
publication state. Variants change only while the post can be edited, and one that went
out is kept as a record.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now
from cmdesk.core.errors import InvalidData
from cmdesk.core.interactions import check_known
from cmdesk.core.publication import (
    CHANNELS,
    SETTLED_OR_SENT,
    Variant,
    channel_name,
    new_idempotency_key,
)
from cmdesk.i18n import _
from cmdesk.store.post_rows import add_history, checked_text, editable_post, load_variant, me

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

MAX_TEXT = 100_000  # a WordPress article; the networks' own limits are the composer's
_VARIANT_FIELDS = ("text", "extras", "account_id")


def _extras(extras: dict[str, Any] | None) -> str:
    if extras is None:
        return "{}"
    if not isinstance(extras, dict):
        raise InvalidData(_("A variant's extra fields are a set of names and values."))
    try:
        return json.dumps(extras, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        raise InvalidData(
            _("A variant's extra fields hold only text, numbers and lists.")
        ) from None


def _check_account(db: sqlite3.Connection, account_id: int | None, channel: str) -> None:
    if account_id is None:
        return
    found = db.execute("SELECT network FROM account WHERE id = ?", (account_id,)).fetchone()
    if found is None or found[0] != channel:
        raise InvalidData(
            _("That account is not a {channel} account.").format(channel=channel_name(channel))
        )


def only_account(db: sqlite3.Connection, channel: str) -> int | None:
    rows = db.execute("SELECT id FROM account WHERE network = ? LIMIT 2", (channel,)).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def insert_variant(
    db: sqlite3.Connection,
    post_id: int,
    channel: str,
    account_id: int | None,
    stamp: str,
    text: str | None = None,
    extras: dict[str, Any] | None = None,
) -> int:
    check_known(channel, CHANNELS, _("channel"))
    if db.execute(
        "SELECT 1 FROM post_variant WHERE post_id = ? AND channel = ? "
        "AND ifnull(account_id, 0) = ifnull(?, 0)",
        (post_id, channel, account_id),
    ).fetchone():
        raise InvalidData(_("This post already goes to that channel and account."))
    _check_account(db, account_id, channel)
    cursor = db.execute(
        "INSERT INTO post_variant(post_id, channel, account_id, text, extras, "
        "idempotency_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            post_id,
            channel,
            account_id,
            None if text is None else checked_text(text, MAX_TEXT, _("text")),
            _extras(extras),
            new_idempotency_key(),
            stamp,
            stamp,
        ),
    )
    return int(cursor.lastrowid or 0)


class Variants:
    ws: Workspace

    def add_variant(
        self,
        post_id: int,
        channel: str,
        *,
        account_id: int | None = None,
        text: str | None = None,
        extras: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> Variant:
        """Send the post to one more channel (text None: the post's main text)."""
        stamp = iso_now()
        with self.ws.atomic() as db:
            editable_post(db, post_id)
            if account_id is None:
                account_id = only_account(db, channel)
            variant_id = insert_variant(db, post_id, channel, account_id, stamp, text, extras)
            add_history(
                db,
                post_id,
                "channel.added",
                at=stamp,
                actor=me() if actor is None else actor,
                variant_id=variant_id,
                detail=channel,
            )
            return load_variant(db, variant_id)

    def update_variant(
        self, variant_id: int, *, actor: str | None = None, **fields: Any
    ) -> Changes:
        """Change a variant's own text (None: back to the main text), extras or account."""
        unknown = set(fields) - set(_VARIANT_FIELDS)
        if unknown:
            raise InvalidData(_("Unknown variant fields: {names}").format(names=sorted(unknown)))
        stamp = iso_now()
        with self.ws.atomic() as db:
            variant = load_variant(db, variant_id)
            editable_post(db, variant.post_id)
            values: dict[str, Any] = {}
            if "text" in fields:
                text = fields["text"]
                values["text"] = None if text is None else checked_text(text, MAX_TEXT, _("text"))
            if "extras" in fields:
                values["extras"] = _extras(fields["extras"])
            if "account_id" in fields:
                _check_account(db, fields["account_id"], variant.channel)
                values["account_id"] = fields["account_id"]
            if not values:
                return Changes()
            assignments = ", ".join(f"{k} = ?" for k in values)
            db.execute(
                f"UPDATE post_variant SET {assignments}, updated_at = ? WHERE id = ?",
                (*values.values(), stamp, variant_id),
            )
            add_history(
                db,
                variant.post_id,
                "channel.edited",
                at=stamp,
                actor=me() if actor is None else actor,
                variant_id=variant_id,
                detail=f"{variant.channel}: {', '.join(values)}",
            )
        return Changes(posts=True)

    def remove_variant(self, variant_id: int, *, actor: str | None = None) -> Changes:
        stamp = iso_now()
        with self.ws.atomic() as db:
            variant = load_variant(db, variant_id)
            editable_post(db, variant.post_id)
            if variant.state in SETTLED_OR_SENT:
                raise InvalidData(_("This channel's version went out: it is kept as a record."))
            db.execute("DELETE FROM post_variant WHERE id = ?", (variant_id,))
            add_history(
                db,
                variant.post_id,
                "channel.removed",
                at=stamp,
                actor=me() if actor is None else actor,
                detail=variant.channel,
            )
        return Changes(posts=True)
