"""A post's images (stored in the workspace, with alt text) and its comments.

Images change only while the post can be edited (core.posts.EDITABLE): a scheduled post
is sent as it was approved. Comments can be added at any time, including on a published
post ("the client liked it").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, parse_iso
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.images import MAX_ALT_CHARS, checked_image
from cmdesk.core.publication import MediaItem, PostComment
from cmdesk.i18n import _
from cmdesk.store.post_rows import add_history, editable_post, me

if TYPE_CHECKING:
    import sqlite3

    from cmdesk.store.workspace import Workspace

MAX_COMMENT = 20_000
_MEDIA_COLUMNS = "id, post_id, position, mime, alt, filename, size"


def _alt(alt: str) -> str:
    alt = alt.strip()
    if len(alt) > MAX_ALT_CHARS:
        raise InvalidData(
            _("An image description has at most {limit} characters ({count} given).").format(
                limit=MAX_ALT_CHARS, count=len(alt)
            )
        )
    return alt


class MediaAndComments:
    ws: Workspace

    # -- images --------------------------------------------------------------------------

    def media(self, post_id: int, *, with_data: bool = False) -> list[MediaItem]:
        """The post's images in order; their bytes only when asked for."""
        columns = _MEDIA_COLUMNS + (", data" if with_data else "")
        with self.ws.reading() as db:
            rows = db.execute(
                f"SELECT {columns} FROM post_media WHERE post_id = ? ORDER BY position, id",
                (post_id,),
            ).fetchall()
        return [MediaItem(*row) for row in rows]

    def media_data(self, media_id: int) -> bytes:
        with self.ws.reading() as db:
            row = db.execute("SELECT data FROM post_media WHERE id = ?", (media_id,)).fetchone()
        if row is None:
            raise NotFound(_("There is no image {id}.").format(id=media_id))
        return bytes(row[0])

    def add_media(
        self, post_id: int, data: bytes, alt: str, *, filename: str = "", actor: str | None = None
    ) -> MediaItem:
        """Attach an image after the others; a file too large or not an image is refused
        with the reason, and nothing is stored."""
        mime = checked_image(data, filename)
        alt = _alt(alt)
        stamp = iso_now()
        with self.ws.atomic() as db:
            editable_post(db, post_id)
            (position,) = db.execute(
                "SELECT ifnull(max(position), -1) + 1 FROM post_media WHERE post_id = ?",
                (post_id,),
            ).fetchone()
            cursor = db.execute(
                "INSERT INTO post_media(post_id, position, mime, alt, filename, size, data, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (post_id, position, mime, alt, filename, len(data), data, stamp),
            )
            media_id = int(cursor.lastrowid or 0)
            self._media_history(db, post_id, "image.added", filename or mime, actor, stamp)
        return self._media_item(media_id)

    def _media_item(self, media_id: int) -> MediaItem:
        with self.ws.reading() as db:
            row = db.execute(
                f"SELECT {_MEDIA_COLUMNS} FROM post_media WHERE id = ?", (media_id,)
            ).fetchone()
        if row is None:
            raise NotFound(_("There is no image {id}.").format(id=media_id))
        return MediaItem(*row)

    def set_alt(self, media_id: int, alt: str, *, actor: str | None = None) -> Changes:
        alt = _alt(alt)
        item = self._media_item(media_id)
        with self.ws.atomic() as db:
            editable_post(db, item.post_id)
            db.execute("UPDATE post_media SET alt = ? WHERE id = ?", (alt, media_id))
            self._media_history(db, item.post_id, "image.alt", item.filename, actor, iso_now())
        return Changes(posts=True)

    def remove_media(self, media_id: int, *, actor: str | None = None) -> Changes:
        item = self._media_item(media_id)
        with self.ws.atomic() as db:
            editable_post(db, item.post_id)
            db.execute("DELETE FROM post_media WHERE id = ?", (media_id,))
            self._media_history(
                db, item.post_id, "image.removed", item.filename or item.mime, actor, iso_now()
            )
        return Changes(posts=True)

    def reorder_media(
        self, post_id: int, media_ids: Sequence[int], *, actor: str | None = None
    ) -> Changes:
        """Put the post's images in the order given (every image, once)."""
        with self.ws.atomic() as db:
            editable_post(db, post_id)
            current = [
                r[0] for r in db.execute("SELECT id FROM post_media WHERE post_id = ?", (post_id,))
            ]
            if sorted(current) != sorted(media_ids):
                raise InvalidData(_("Give every image of the post once to reorder them."))
            for position, media_id in enumerate(media_ids):
                db.execute("UPDATE post_media SET position = ? WHERE id = ?", (position, media_id))
            self._media_history(db, post_id, "image.reordered", "", actor, iso_now())
        return Changes(posts=True)

    @staticmethod
    def _media_history(
        db: sqlite3.Connection, post_id: int, action: str, detail: str, actor: str | None, at: str
    ) -> None:
        db.execute("UPDATE post SET updated_at = ? WHERE id = ?", (at, post_id))
        who = me() if actor is None else actor
        add_history(db, post_id, action, at=at, actor=who, detail=detail)

    # -- comments ------------------------------------------------------------------------

    def add_comment(
        self, post_id: int, body: str, *, for_client: bool = False, author: str | None = None
    ) -> PostComment:
        """A comment on the post, internal (the default) or meant for the client."""
        body = body.strip()
        if not body:
            raise InvalidData(_("A comment needs a text."))
        if len(body) > MAX_COMMENT:
            raise InvalidData(
                _("A comment has at most {limit} characters.").format(limit=MAX_COMMENT)
            )
        who = me() if author is None else author
        stamp = iso_now()
        with self.ws.atomic() as db:
            if not db.execute("SELECT 1 FROM post WHERE id = ?", (post_id,)).fetchone():
                raise NotFound(_("There is no post {id}.").format(id=post_id))
            cursor = db.execute(
                "INSERT INTO post_comment(post_id, at, author, body, for_client) "
                "VALUES (?, ?, ?, ?, ?)",
                (post_id, stamp, who, body, int(for_client)),
            )
            comment_id = int(cursor.lastrowid or 0)
        return PostComment(comment_id, post_id, parse_iso(stamp), who, body, for_client)

    def comments(self, post_id: int, *, for_client_only: bool = False) -> list[PostComment]:
        with self.ws.reading() as db:
            rows = db.execute(
                "SELECT id, post_id, at, author, body, for_client FROM post_comment "
                "WHERE post_id = ? AND (for_client = 1 OR ? = 0) ORDER BY id",
                (post_id, int(for_client_only)),
            ).fetchall()
        return [PostComment(r[0], r[1], parse_iso(r[2]), r[3], r[4], bool(r[5])) for r in rows]

    def remove_comment(self, comment_id: int) -> Changes:
        with self.ws.atomic() as db:
            if not db.execute("DELETE FROM post_comment WHERE id = ?", (comment_id,)).rowcount:
                raise NotFound(_("There is no comment {id}.").format(id=comment_id))
        return Changes(posts=True)
