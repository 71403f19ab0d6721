"""Client approval in the workspace: the pack's content, and the client's decisions.

Reached as `workspace.approval`. A decision moves a post from "in review" to "approved"
or "changes requested" with a history row whose "who, when" are the client's reviewer
and the moment they decided (the detail says how it arrived and who recorded it), and
the client's comment as a comment on the post, in one transaction. Importing an answer
checks it against the workspace first (client, seals), then post by post: an edited post
or one no longer in review is flagged and left alone, and a decision already recorded
(the same reviewer, moment and verdict) is not recorded twice.
"""

from __future__ import annotations

import secrets
import sqlite3
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from cmdesk.core.approval import (
    ApprovalPack,
    Decision,
    DecisionOutcome,
    DecisionSet,
    ImportReport,
    Outcome,
    PackChannel,
    PackComment,
    PackImage,
    PackPost,
    Verdict,
    check_seals,
    fingerprint,
    outcome_for,
    seal,
    short_title,
)
from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, parse_iso, to_iso, utc_now
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.posts import PostState, check_transition
from cmdesk.core.publication import MediaItem, Post
from cmdesk.i18n import _
from cmdesk.store.post_media import MAX_COMMENT
from cmdesk.store.post_rows import load_post, me, set_post_state

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

ACTION = "approval"  # the history rows of the client's decisions
_KEY_SETTING = "approval.key"
_MEDIA = "SELECT id, post_id, position, mime, alt, filename, size, data FROM post_media"


def _media(db: sqlite3.Connection, post_id: int) -> list[MediaItem]:
    rows = db.execute(f"{_MEDIA} WHERE post_id = ? ORDER BY position, id", (post_id,))
    return [MediaItem(r[0], r[1], r[2], r[3], r[4], r[5], r[6], data=bytes(r[7])) for r in rows]


def _current_print(db: sqlite3.Connection, post: Post) -> str:
    return fingerprint(post, _media(db, post.id))


class Approvals:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def _key(self) -> bytes:
        """The workspace's sealing key, made on the first pack (it is not a secret from
        the user: it keeps other workspaces' packs and edited packs apart)."""
        with self.ws.atomic():
            if self.ws.get_setting(_KEY_SETTING) is None:
                self.ws.set_setting(_KEY_SETTING, secrets.token_hex(32))
            return bytes.fromhex(str(self.ws.get_setting(_KEY_SETTING)))

    # -- the pack --------------------------------------------------------------------------

    def waiting(self) -> list[Post]:
        """The posts in review, in the order the client will read them: dated ones by
        date, then the others."""
        with self.ws.reading() as db:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM post WHERE state = ? "
                    "ORDER BY scheduled_at IS NULL, scheduled_at, id",
                    (PostState.IN_REVIEW.value,),
                )
            ]
            return [load_post(db, i) for i in ids]

    def pack(self, ids: Sequence[int] | None = None) -> ApprovalPack:
        """A new pack of the posts in review (or of the posts `ids`, each in review),
        with their fingerprints sealed for this workspace; the activity log keeps which
        posts went in which pack."""
        key = self._key()
        profile = self.ws.profile()
        pack_id = uuid.uuid4().hex
        if ids is None:
            posts = self.waiting()
        else:
            with self.ws.reading() as db:
                posts = [load_post(db, i) for i in dict.fromkeys(ids)]
        if not posts:
            raise InvalidData(
                _("No post is waiting for the client’s approval: put posts “In review” first.")
            )
        for post in posts:
            if post.state is not PostState.IN_REVIEW:
                raise InvalidData(
                    _(
                        "Post {id} is “{state}”: only posts in review go to the client "
                        "(put it in review first)."
                    ).format(id=post.id, state=post.state.label)
                )
        with self.ws.reading() as db:
            items = tuple(self._pack_post(db, key, pack_id, profile.uid, p) for p in posts)
        self.ws.record(
            "approval.pack", f"{pack_id[:8]}: " + ", ".join(str(p.id) for p in posts), me()
        )
        return ApprovalPack(
            pack_id=pack_id,
            client_uid=profile.uid,
            client_name=profile.name,
            language=profile.language,
            zone=profile.timezone,
            colour=profile.colour,
            logo=profile.logo,
            logo_mime=profile.logo_mime,
            made_at=utc_now().replace(microsecond=0),
            posts=items,
        )

    def _pack_post(
        self, db: sqlite3.Connection, key: bytes, pack_id: str, uid: str, post: Post
    ) -> PackPost:
        media = _media(db, post.id)
        print_ = fingerprint(post, media)
        comments = db.execute(
            "SELECT author, at, body FROM post_comment WHERE post_id = ? AND for_client = 1 "
            "ORDER BY id",
            (post.id,),
        ).fetchall()
        return PackPost(
            id=post.id,
            fingerprint=print_,
            seal=seal(key, pack_id, uid, post.id, print_),
            title=post.title,
            text=post.text,
            link=post.link,
            first_comment=post.first_comment,
            when=post.scheduled_at,
            channels=tuple(
                PackChannel(v.channel, v.text_or(post.text), v.text is not None, v.extras)
                for v in post.variants
            ),
            images=tuple(PackImage(m.mime, m.data or b"", m.alt) for m in media),
            comments=tuple(PackComment(a, parse_iso(at), body) for a, at, body in comments),
        )

    # -- the client's decisions ---------------------------------------------------------------

    def _check_answer(self, ds: DecisionSet) -> None:
        profile = self.ws.profile()
        if ds.client_uid != profile.uid:
            raise InvalidData(
                _(
                    "These decisions are for another client ({theirs}), not for {ours}: "
                    "open that client’s workspace to import them."
                ).format(theirs=ds.client_name or "?", ours=profile.name)
            )
        check_seals(ds, self._key())

    def _outcomes(self, db: sqlite3.Connection, ds: DecisionSet) -> list[DecisionOutcome]:
        outcomes = []
        for d in ds.decisions:
            try:
                post: Post | None = load_post(db, d.post_id)
            except NotFound:
                post = None
            recorded = post is not None and _recorded(db, d, ds.reviewer, ds.decided_at)
            print_ = _current_print(db, post) if post is not None else ""
            outcomes.append(
                DecisionOutcome(
                    d,
                    outcome_for(d, post, print_, recorded),
                    short_title(post) if post else "",
                    post.state if post else None,
                )
            )
        return outcomes

    def preview(self, ds: DecisionSet) -> ImportReport:
        """What importing `ds` would do, post by post; nothing is written."""
        self._check_answer(ds)
        with self.ws.reading() as db:
            return ImportReport(ds, tuple(self._outcomes(db, ds)), applied=False)

    def apply(self, ds: DecisionSet) -> ImportReport:
        """Record the decisions that apply, all in one transaction (checked again inside
        it, so a post edited since the preview is flagged, not overwritten)."""
        self._check_answer(ds)
        recorder = me()
        how = _("approval pack {pack}, imported by {user}").format(
            pack=ds.pack_id[:8], user=recorder or "?"
        )
        with self.ws.atomic() as db:
            outcomes = self._outcomes(db, ds)
            for o in outcomes:
                if o.outcome is Outcome.APPLY:
                    _write(db, load_post(db, o.decision.post_id), o.decision.verdict,
                           o.decision.comment, ds.reviewer, ds.decided_at, how)  # fmt: skip
            if any(o.outcome is Outcome.APPLY for o in outcomes):
                self.ws.record(
                    "approval.imported",
                    f"{ds.pack_id[:8]} {ds.reviewer}: "
                    + ", ".join(
                        f"{o.decision.post_id} {o.decision.verdict.value}"
                        for o in outcomes
                        if o.outcome is Outcome.APPLY
                    ),
                    recorder,
                )
        return ImportReport(ds, tuple(outcomes), applied=True)

    def record(
        self,
        post_id: int,
        verdict: Verdict,
        reviewer: str,
        *,
        comment: str = "",
        at: datetime | None = None,
        how: str = "",
    ) -> Changes:
        """A decision the client gave another way (by phone, in a meeting): recorded as
        the client's, by the user at the keyboard."""
        reviewer = reviewer.strip()
        if not reviewer:
            raise InvalidData(_("Say who decided (the client’s reviewer)."))
        if len(reviewer) > 120:
            raise InvalidData(_("The reviewer’s name is too long (120 characters at most)."))
        detail = _("recorded by {user}").format(user=me() or "?")
        if how.strip():
            detail = f"{how.strip()}, {detail}"
        with self.ws.atomic() as db:
            post = load_post(db, post_id)
            check_transition(post.state, verdict.state)
            _write(db, post, verdict, comment, reviewer, at or utc_now(), detail)
        return Changes(posts=True)

    def decisions(self, post_id: int) -> list[tuple[str, datetime, str]]:
        """The client's decisions on a post: (reviewer, moment, state reached)."""
        with self.ws.reading() as db:
            rows = db.execute(
                "SELECT actor, at, to_state FROM post_history WHERE post_id = ? AND action = ? "
                "ORDER BY id",
                (post_id, ACTION),
            ).fetchall()
        return [(r[0], parse_iso(r[1]), r[2]) for r in rows]


def _recorded(db: sqlite3.Connection, d: Decision, reviewer: str, at: datetime) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM post_history WHERE post_id = ? AND action = ? AND actor = ? "
            "AND at = ? AND to_state = ?",
            (d.post_id, ACTION, reviewer, to_iso(at), d.verdict.state.value),
        ).fetchone()
        is not None
    )


def _write(
    db: sqlite3.Connection,
    post: Post,
    verdict: Verdict,
    comment: str,
    reviewer: str,
    at: datetime,
    detail: str,
) -> None:
    """The move with its history row (who and when: the client's), and the client's
    comment on the post."""
    stamp = to_iso(at)
    set_post_state(db, post, verdict.state, at=stamp, actor=reviewer, action=ACTION, detail=detail)
    db.execute("UPDATE post SET updated_at = ? WHERE id = ?", (iso_now(), post.id))
    comment = comment.strip()[:MAX_COMMENT]
    if comment:
        db.execute(
            "INSERT INTO post_comment(post_id, at, author, body, for_client) "
            "VALUES (?, ?, ?, ?, 1)",
            (post.id, stamp, reviewer, comment),
        )
