"""Posts: written once, adapted per channel, approved, scheduled, published.

Reached as `workspace.posts`. Every change goes through core.posts' state machine and
writes its history row (who, when, what) in the same transaction. Times are chosen as
wall-clock times in a zone (the client's by default): one that does not exist or happens
twice is refused (AmbiguousTime) until the caller passes the user's choice. The runner's
steps (claim, confirm, recovery) are in store.post_publishing, times and the queue in
store.post_schedule, channels in store.post_variants, images and comments in
store.post_media; this class gathers them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, to_iso
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.posts import PostState, check_transition
from cmdesk.core.publication import (
    SETTLED_OR_SENT,
    HistoryEntry,
    Post,
    Variant,
    checked_link,
)
from cmdesk.i18n import _
from cmdesk.store.inbox import like_pattern, word_pattern
from cmdesk.store.post_by_hand import ByHand
from cmdesk.store.post_media import MediaAndComments
from cmdesk.store.post_publishing import Publishing
from cmdesk.store.post_rows import (
    HISTORY_COLUMNS,
    add_history,
    checked_text,
    editable_post,
    history_from_row,
    load_post,
    load_variant,
    me,
    set_post_state,
)
from cmdesk.store.post_schedule import Scheduling
from cmdesk.store.post_variants import MAX_TEXT, Variants, insert_variant, only_account

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

S = PostState
MAX_TITLE = 500
_POST_FIELDS = ("title", "text", "link", "first_comment", "mention_id")
# The user moves a post among these; the runner's states are reached by its steps, and
# "scheduled" by `schedule`, which needs a time.
_USER_STATES = frozenset({S.IDEA, S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED})


class Posts(Variants, Scheduling, Publishing, ByHand, MediaAndComments):
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- reading ---------------------------------------------------------------------------

    def get(self, post_id: int) -> Post:
        with self.ws.reading() as db:
            return load_post(db, post_id)

    def variant(self, variant_id: int) -> Variant:
        with self.ws.reading() as db:
            return load_variant(db, variant_id)

    def page(
        self,
        state: PostState | None = None,
        *,
        channel: str | None = None,
        text: str = "",
        limit: int = 200,
        before_id: int | None = None,
    ) -> list[Post]:
        """Posts newest first (keyset-paged by id), optionally in one state, going to one
        channel, or with every word of `text` in their title, text or link (case and
        accents ignored, as in the inbox)."""
        clauses = ["(? IS NULL OR state = ?)", "id < ?"]
        params: list[Any] = [
            state and state.value,
            state and state.value,
            before_id if before_id is not None else 2**62,
        ]
        if channel is not None:
            clauses.append("id IN (SELECT post_id FROM post_variant WHERE channel = ?)")
            params.append(channel)
        for word in text.split():
            like, glob = like_pattern(word), word_pattern(word)
            clauses.append(
                "("
                + " OR ".join(
                    f"({column} LIKE ? ESCAPE '\\' AND {column} GLOB ?)"
                    for column in ("title", "text", "link")
                )
                + ")"
            )
            params += [like, glob] * 3
        with self.ws.reading() as db:
            ids = [
                r[0]
                for r in db.execute(
                    f"SELECT id FROM post WHERE {' AND '.join(clauses)} ORDER BY id DESC LIMIT ?",
                    (*params, limit),
                )
            ]
            return [load_post(db, post_id) for post_id in ids]

    def ids(self, state: PostState | None = None) -> list[int]:
        """Every post's id (in one state), newest first."""
        with self.ws.reading() as db:
            return [
                r[0]
                for r in db.execute(
                    "SELECT id FROM post WHERE ? IS NULL OR state = ? ORDER BY id DESC",
                    (state and state.value, state and state.value),
                )
            ]

    def many(self, ids: Sequence[int]) -> list[Post]:
        """These posts, in this order (those deleted meanwhile left out)."""
        found = []
        with self.ws.reading() as db:
            for post_id in ids:
                try:
                    found.append(load_post(db, post_id))
                except NotFound:
                    continue
        return found

    def between(self, start: datetime, end: datetime) -> list[Post]:
        """Posts with a time in [start, end), in time order: a calendar month or week."""
        with self.ws.reading() as db:
            rows = db.execute(
                "SELECT id FROM post WHERE scheduled_at >= ? AND scheduled_at < ? "
                "ORDER BY scheduled_at, id",
                (to_iso(start), to_iso(end)),
            ).fetchall()
            return [load_post(db, row[0]) for row in rows]

    def history(self, post_id: int) -> list[HistoryEntry]:
        with self.ws.reading() as db:
            load_post(db, post_id)
            rows = db.execute(
                f"SELECT {HISTORY_COLUMNS} FROM post_history WHERE post_id = ? ORDER BY id",
                (post_id,),
            ).fetchall()
        return [history_from_row(r) for r in rows]

    # -- writing ---------------------------------------------------------------------------

    def create(
        self,
        text: str,
        channels: Iterable[str] = (),
        *,
        title: str = "",
        link: str = "",
        first_comment: str = "",
        state: PostState = S.DRAFT,
        mention_id: int | None = None,
        actor: str | None = None,
    ) -> Post:
        """A new idea or draft, with a variant for each channel (on that network's
        account when the client has exactly one there)."""
        if state not in (S.IDEA, S.DRAFT):
            raise InvalidData(_("A new post is an idea or a draft."))
        text = checked_text(text, MAX_TEXT, _("text"))
        title = checked_text(title, MAX_TITLE, _("title"))
        if not (text or title or link.strip()):
            raise InvalidData(_("A post needs a text, a title or a link."))
        who = me() if actor is None else actor
        stamp = iso_now()
        with self.ws.atomic() as db:
            if mention_id is not None:
                self.ws.mentions.get(mention_id)
            cursor = db.execute(
                "INSERT INTO post(title, text, link, first_comment, state, mention_id, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    title,
                    text,
                    checked_link(link),
                    checked_text(first_comment, MAX_TEXT, _("first comment")),
                    state.value,
                    mention_id,
                    stamp,
                    stamp,
                ),
            )
            post_id = int(cursor.lastrowid or 0)
            add_history(db, post_id, "created", at=stamp, actor=who, to_state=state.value)
            for channel in dict.fromkeys(channels):
                insert_variant(db, post_id, channel, only_account(db, channel), stamp)
            self.ws.record("post.created", str(post_id), actor=who)
            return load_post(db, post_id)

    def update(self, post_id: int, *, actor: str | None = None, **fields: Any) -> Changes:
        """Change the title, text, link, first comment or source mention of a post that
        can still be edited."""
        unknown = set(fields) - set(_POST_FIELDS)
        if unknown:
            raise InvalidData(_("Unknown post fields: {names}").format(names=sorted(unknown)))
        if "text" in fields:
            fields["text"] = checked_text(fields["text"], MAX_TEXT, _("text"))
        if "title" in fields:
            fields["title"] = checked_text(fields["title"], MAX_TITLE, _("title"))
        if "first_comment" in fields:
            fields["first_comment"] = checked_text(
                fields["first_comment"], MAX_TEXT, _("first comment")
            )
        if "link" in fields:
            fields["link"] = checked_link(fields["link"])
        stamp = iso_now()
        with self.ws.atomic() as db:
            post = editable_post(db, post_id)
            changed = sorted(k for k, v in fields.items() if getattr(post, k) != v)
            if not changed:
                return Changes()
            if fields.get("mention_id") is not None:
                self.ws.mentions.get(fields["mention_id"])
            assignments = ", ".join(f"{k} = ?" for k in changed)
            db.execute(
                f"UPDATE post SET {assignments}, updated_at = ? WHERE id = ?",
                (*(fields[k] for k in changed), stamp, post_id),
            )
            add_history(
                db,
                post_id,
                "edited",
                at=stamp,
                actor=me() if actor is None else actor,
                detail=", ".join(changed),
            )
        return Changes(posts=True)

    def delete(self, post_id: int, *, actor: str | None = None) -> Changes:
        """Delete a post that never went out (its images, comments and history go too)."""
        who = me() if actor is None else actor
        with self.ws.atomic() as db:
            post = editable_post(db, post_id)
            if any(v.state in SETTLED_OR_SENT for v in post.variants):
                raise InvalidData(_("Part of this post went out: it is kept as a record."))
            db.execute("DELETE FROM post WHERE id = ?", (post_id,))
            self.ws.record("post.deleted", f"{post_id} {post.title or post.text[:60]}", who)
        return Changes(posts=True, activity=True)

    # -- the user's moves --------------------------------------------------------------

    def set_state(
        self, post_id: int, wanted: PostState, *, actor: str | None = None, note: str = ""
    ) -> Changes:
        """The user's moves (idea, draft, review, changes requested, approved); scheduled
        through `schedule`, and the publishing states only by the runner's steps."""
        if wanted is S.SCHEDULED:
            self.schedule(post_id, actor=actor)
            return Changes(posts=True)
        stamp = iso_now()
        with self.ws.atomic() as db:
            post = load_post(db, post_id)
            check_transition(post.state, wanted)
            if wanted not in _USER_STATES:
                raise InvalidData(
                    _("“{state}” is set by publishing, not by hand.").format(state=wanted.label)
                )
            if post.state is S.SCHEDULED:  # no longer due: the runner must not find it
                db.execute(
                    "UPDATE post_variant SET due_at = NULL WHERE post_id = ? AND state = 'pending'",
                    (post_id,),
                )
            set_post_state(
                db, post, wanted, at=stamp, actor=me() if actor is None else actor, detail=note
            )
        return Changes(posts=True)
