"""Canned replies, reached as `workspace.replies`: stored per language, searched without
minding accents or case, rendered for a contact and an interaction, usage counted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.classify import fold
from cmdesk.core.client import check_language
from cmdesk.core.clock import iso_now, parse_iso_or_none
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.replies import CannedReply, Rendered, render, search_key, values_for
from cmdesk.i18n import _

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

_COLUMNS = "id, title, body, language, uses, last_used_at"
MAX_BODY = 10_000


def _reply(row: Sequence[Any]) -> CannedReply:
    return CannedReply(
        id=row[0],
        title=row[1],
        body=row[2],
        language=row[3],
        uses=row[4],
        last_used_at=parse_iso_or_none(row[5]),
    )


def _checked(title: str, body: str, language: str) -> tuple[str, str, str]:
    title = " ".join(title.split())
    body = body.strip()
    if not title:
        raise InvalidData(_("A canned reply needs a title."))
    if not body:
        raise InvalidData(_("A canned reply needs a text."))
    if len(body) > MAX_BODY:
        raise InvalidData(
            _("A canned reply is limited to {count} characters.").format(count=MAX_BODY)
        )
    return title, body, check_language(language)


class Replies:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def search(self, text: str = "", *, language: str = "", limit: int = 200) -> list[CannedReply]:
        """Replies whose title or text contains every word typed, accents and case
        ignored ("reponse" finds "Réponse"); the most used first."""
        clauses, params = ["1"], []
        for word in fold(text).split():
            clauses.append("instr(search_key, ?) > 0")
            params.append(word)
        if language:
            clauses.append("language = ?")
            params.append(language)
        with self.ws.reading() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM canned_reply WHERE {' AND '.join(clauses)} "
                "ORDER BY uses DESC, title COLLATE NOCASE LIMIT ?",
                (*params, limit),
            ).fetchall()
        return [_reply(r) for r in rows]

    def get(self, reply_id: int) -> CannedReply:
        with self.ws.reading() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM canned_reply WHERE id = ?", (reply_id,)
            ).fetchone()
        if row is None:
            raise NotFound(_("There is no canned reply {id}.").format(id=reply_id))
        return _reply(row)

    def add(self, title: str, body: str, *, language: str = "fr") -> CannedReply:
        title, body, language = _checked(title, body, language)
        now = iso_now()
        with self.ws.atomic() as db:
            cursor = db.execute(
                "INSERT INTO canned_reply(title, language, body, search_key, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (title, language, body, search_key(title, body), now, now),
            )
            self.ws.record("reply.added", title)
        return self.get(int(cursor.lastrowid or 0))

    def update(self, reply_id: int, *, title: str, body: str, language: str) -> Changes:
        title, body, language = _checked(title, body, language)
        with self.ws.atomic() as db:
            self.get(reply_id)
            db.execute(
                "UPDATE canned_reply SET title = ?, body = ?, language = ?, search_key = ?, "
                "updated_at = ? WHERE id = ?",
                (title, body, language, search_key(title, body), iso_now(), reply_id),
            )
        return Changes(replies=True)

    def remove(self, reply_id: int) -> Changes:
        with self.ws.atomic() as db:
            current = self.get(reply_id)
            db.execute("DELETE FROM canned_reply WHERE id = ?", (reply_id,))
            self.ws.record("reply.removed", current.title)
        return Changes(replies=True, activity=True)

    def render(
        self,
        reply_id: int,
        *,
        interaction_id: int | None = None,
        contact_id: int | None = None,
    ) -> Rendered:
        """The reply filled in for an interaction (its contact, unless `contact_id` is
        given) on behalf of this client; nothing is written."""
        reply = self.get(reply_id)
        interaction = (
            self.ws.interactions.get(interaction_id) if interaction_id is not None else None
        )
        if contact_id is None and interaction is not None:
            contact_id = interaction.contact_id
        contact = self.ws.contacts.get(contact_id) if contact_id is not None else None
        return render(reply.body, values_for(contact, interaction, self.ws.profile()))

    def use(
        self,
        reply_id: int,
        *,
        interaction_id: int | None = None,
        contact_id: int | None = None,
    ) -> Rendered:
        """Render the reply to insert it, and count the use."""
        with self.ws.atomic() as db:
            rendered = self.render(reply_id, interaction_id=interaction_id, contact_id=contact_id)
            db.execute(
                "UPDATE canned_reply SET uses = uses + 1, last_used_at = ? WHERE id = ?",
                (iso_now(), reply_id),
            )
        return rendered
