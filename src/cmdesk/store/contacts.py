"""Community members: who wrote, under which handles, and their personal-data rights.

Reached as `workspace.contacts`; every write goes through the Workspace's transaction.
The activity log never holds a contact's name, handle or e-mail, only its id: an
erasure must not leave personal data behind in the log.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, parse_iso_or_none
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.interactions import CHANNELS, Contact, check_known, normalise_handle
from cmdesk.i18n import _

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

_COLUMNS = "id, name, email, notes, consent_notes, created_at, updated_at, erased_at"
EDITABLE = ("name", "email", "notes", "consent_notes")


def _clean_tag(tag: str) -> str:
    tag = " ".join(tag.split())
    if not tag:
        raise InvalidData(_("A tag needs a name."))
    return tag


class Contacts:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- reading ---------------------------------------------------------------------------

    def _build(self, db: sqlite3.Connection, row: tuple[Any, ...]) -> Contact:
        handles = tuple(
            (r[0], r[1])
            for r in db.execute(
                "SELECT network, handle FROM contact_handle WHERE contact_id = ? "
                "ORDER BY network, handle",
                (row[0],),
            )
        )
        tags = tuple(
            r[0]
            for r in db.execute(
                "SELECT tag FROM contact_tag WHERE contact_id = ? ORDER BY tag", (row[0],)
            )
        )
        return Contact(
            id=row[0],
            name=row[1],
            email=row[2],
            notes=row[3],
            consent_notes=row[4],
            handles=handles,
            tags=tags,
            created_at=parse_iso_or_none(row[5]),
            updated_at=parse_iso_or_none(row[6]),
            erased_at=parse_iso_or_none(row[7]),
        )

    def get(self, contact_id: int) -> Contact:
        with self.ws.reading() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM contact WHERE id = ?", (contact_id,)
            ).fetchone()
            if row is None:
                raise NotFound(_("There is no contact {id}.").format(id=contact_id))
            return self._build(db, row)

    def all(self, *, include_erased: bool = False) -> list[Contact]:
        where = "" if include_erased else "WHERE erased_at IS NULL"
        with self.ws.reading() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM contact {where} ORDER BY name COLLATE NOCASE, id"
            ).fetchall()
            return [self._build(db, r) for r in rows]

    def by_handle(self, network: str, handle: str) -> Contact | None:
        with self.ws.reading() as db:
            row = db.execute(
                "SELECT contact_id FROM contact_handle WHERE network = ? AND handle = ?",
                (network, normalise_handle(handle)),
            ).fetchone()
        return self.get(row[0]) if row else None

    def find(self, text: str, network: str = "") -> Contact | None:
        """The contact someone typed: a handle (on `network` first, then on any network),
        else an exact name or e-mail (case ignored). Ambiguous answers are refused rather
        than guessed: logging an interaction under the wrong person is worse than none."""
        handle = normalise_handle(text)
        if not handle:
            return None
        with self.ws.reading() as db:
            ids: list[int] = []
            if network:
                ids = [
                    r[0]
                    for r in db.execute(
                        "SELECT contact_id FROM contact_handle WHERE network = ? AND handle = ?",
                        (network, handle),
                    )
                ]
            if not ids:
                ids = [
                    r[0]
                    for r in db.execute(
                        "SELECT DISTINCT contact_id FROM contact_handle WHERE handle = ?",
                        (handle,),
                    )
                ]
            if not ids and not text.strip().startswith("@"):
                ids = [
                    r[0]
                    for r in db.execute(
                        "SELECT id FROM contact WHERE erased_at IS NULL AND "
                        "(name = ? COLLATE NOCASE OR (email != '' AND email = ? COLLATE NOCASE))",
                        (" ".join(text.split()), text.strip()),
                    )
                ]
        if len(ids) > 1:
            raise InvalidData(
                _("Several contacts match “{text}”: {ids}. Use the contact's id.").format(
                    text=text.strip(), ids=", ".join(str(i) for i in sorted(ids))
                )
            )
        return self.get(ids[0]) if ids else None

    # -- writing ---------------------------------------------------------------------------

    def add(
        self,
        name: str = "",
        *,
        email: str = "",
        notes: str = "",
        consent_notes: str = "",
        handles: Iterable[tuple[str, str]] = (),
        tags: Iterable[str] = (),
    ) -> Contact:
        name = " ".join(name.split())
        handle_list = [
            (check_known(n, CHANNELS, _("channel")), normalise_handle(h)) for n, h in handles
        ]
        handle_list = [(n, h) for n, h in handle_list if h]
        if not name and not handle_list and not email.strip():
            raise InvalidData(_("A contact needs a name, a handle or an e-mail address."))
        now = iso_now()
        with self.ws.atomic() as db:
            cursor = db.execute(
                "INSERT INTO contact(name, email, notes, consent_notes, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (name, email.strip(), notes, consent_notes, now, now),
            )
            contact_id = int(cursor.lastrowid or 0)
            for network, handle in handle_list:
                self._attach_handle(db, contact_id, network, handle)
            for tag in tags:
                db.execute(
                    "INSERT OR IGNORE INTO contact_tag(contact_id, tag) VALUES (?, ?)",
                    (contact_id, _clean_tag(tag)),
                )
            self.ws.record("contact.added", str(contact_id))
        return self.get(contact_id)

    def _attach_handle(
        self, db: sqlite3.Connection, contact_id: int, network: str, handle: str
    ) -> None:
        owner = db.execute(
            "SELECT contact_id FROM contact_handle WHERE network = ? AND handle = ?",
            (network, handle),
        ).fetchone()
        if owner and owner[0] != contact_id:
            raise InvalidData(
                _("The handle @{handle} on {network} already belongs to contact {id}.").format(
                    handle=handle, network=network, id=owner[0]
                )
            )
        db.execute(
            "INSERT OR IGNORE INTO contact_handle(network, handle, contact_id) VALUES (?, ?, ?)",
            (network, handle, contact_id),
        )

    def add_handle(self, contact_id: int, network: str, handle: str) -> Changes:
        check_known(network, CHANNELS, _("channel"))
        handle = normalise_handle(handle)
        if not handle:
            raise InvalidData(_("A handle cannot be empty."))
        with self.ws.atomic() as db:
            self.get(contact_id)
            self._attach_handle(db, contact_id, network, handle)
            db.execute("UPDATE contact SET updated_at = ? WHERE id = ?", (iso_now(), contact_id))
        return Changes(contacts=True)

    def add_tag(self, contact_id: int, tag: str) -> Changes:
        tag = _clean_tag(tag)
        with self.ws.atomic() as db:
            self.get(contact_id)
            db.execute(
                "INSERT OR IGNORE INTO contact_tag(contact_id, tag) VALUES (?, ?)",
                (contact_id, tag),
            )
        return Changes(contacts=True)

    def remove_tag(self, contact_id: int, tag: str) -> Changes:
        with self.ws.atomic() as db:
            db.execute(
                "DELETE FROM contact_tag WHERE contact_id = ? AND tag = ?", (contact_id, tag)
            )
        return Changes(contacts=True)

    def update(self, contact_id: int, **fields: Any) -> Changes:
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise InvalidData(_("Unknown contact fields: {names}").format(names=sorted(unknown)))
        if "name" in fields:
            fields["name"] = " ".join(str(fields["name"]).split())
        with self.ws.atomic() as db:
            current = self.get(contact_id)
            if current.erased_at is not None:
                raise InvalidData(_("Contact {id} was erased.").format(id=contact_id))
            assignments = ", ".join(f"{name} = ?" for name in fields)
            db.execute(
                f"UPDATE contact SET {assignments}, updated_at = ? WHERE id = ?",
                (*fields.values(), iso_now(), contact_id),
            )
            self.ws.record("contact.updated", str(contact_id))
        return Changes(contacts=True, activity=True)

    def merge(self, keep_id: int, other_id: int) -> Changes:
        """Fold a duplicate into `keep_id`: handles, tags and interactions move over, empty
        fields of the kept contact are filled from the other, notes are joined; the
        duplicate is deleted. One transaction."""
        if keep_id == other_id:
            raise InvalidData(_("A contact cannot be merged with itself."))
        with self.ws.atomic() as db:
            keep, other = self.get(keep_id), self.get(other_id)
            if keep.erased_at is not None or other.erased_at is not None:
                raise InvalidData(_("An erased contact cannot be merged."))
            db.execute(
                "UPDATE contact_handle SET contact_id = ? WHERE contact_id = ?",
                (keep_id, other_id),
            )
            db.execute(
                "INSERT OR IGNORE INTO contact_tag(contact_id, tag) "
                "SELECT ?, tag FROM contact_tag WHERE contact_id = ?",
                (keep_id, other_id),
            )
            db.execute(
                "UPDATE interaction SET contact_id = ? WHERE contact_id = ?", (keep_id, other_id)
            )
            notes = "\n\n".join(n for n in (keep.notes, other.notes) if n)
            consent = "\n\n".join(n for n in (keep.consent_notes, other.consent_notes) if n)
            db.execute(
                "UPDATE contact SET name = ?, email = ?, notes = ?, consent_notes = ?, "
                "updated_at = ? WHERE id = ?",
                (
                    keep.name or other.name,
                    keep.email or other.email,
                    notes,
                    consent,
                    iso_now(),
                    keep_id,
                ),
            )
            db.execute("DELETE FROM contact WHERE id = ?", (other_id,))
            self.ws.record("contact.merged", f"{other_id} -> {keep_id}")
        return Changes(contacts=True, interactions=True, activity=True)

    # -- personal data on request ------------------------------------------------------------

    def export(self, contact_id: int) -> dict[str, Any]:
        """Everything stored about a contact, as JSON-ready data (a subject access request)."""
        contact = self.get(contact_id)
        with self.ws.reading() as db:
            rows = db.execute(
                "SELECT i.id, i.occurred_at, i.channel, i.direction, i.visibility, i.type, "
                "i.status, i.text, i.link, i.reply, t.name FROM interaction i "
                "LEFT JOIN team t ON t.id = i.team_id WHERE i.contact_id = ? "
                "ORDER BY i.occurred_at, i.id",
                (contact_id,),
            ).fetchall()
        keys = (
            "id", "occurred_at", "channel", "direction", "visibility", "type", "status", "text",
            "link", "reply", "team",
        )  # fmt: skip
        return {
            "profile": {
                "id": contact.id,
                "name": contact.name,
                "email": contact.email,
                "notes": contact.notes,
                "consent_notes": contact.consent_notes,
                "created_at": contact.created_at.isoformat() if contact.created_at else None,
                "updated_at": contact.updated_at.isoformat() if contact.updated_at else None,
                "erased_at": contact.erased_at.isoformat() if contact.erased_at else None,
            },
            "handles": [{"network": n, "handle": h} for n, h in contact.handles],
            "tags": list(contact.tags),
            "interactions": [dict(zip(keys, row, strict=True)) for row in rows],
        }

    def erase(self, contact_id: int, note: str = "") -> Changes:
        """Erase a contact's personal data on request, in one transaction: profile fields,
        handles and tags removed, the contact unlinked from its interactions (their text is
        the client's record and stays), and an erasure row as proof it was done."""
        current = self.get(contact_id)
        if current.erased_at is not None:
            raise InvalidData(_("Contact {id} was already erased.").format(id=contact_id))
        now = iso_now()
        # Overwrite the deleted content in the file too, not only unlink it: otherwise
        # the name stays readable in free pages until SQLite reuses them.
        with self.ws.reading() as db:
            db.execute("PRAGMA secure_delete = ON")
        try:
            with self.ws.atomic() as db:
                db.execute("DELETE FROM contact_handle WHERE contact_id = ?", (contact_id,))
                db.execute("DELETE FROM contact_tag WHERE contact_id = ?", (contact_id,))
                db.execute(
                    "UPDATE interaction SET contact_id = NULL, updated_at = ? WHERE contact_id = ?",
                    (now, contact_id),
                )
                db.execute(
                    "UPDATE contact SET name = '', email = '', notes = '', consent_notes = '', "
                    "updated_at = ?, erased_at = ? WHERE id = ?",
                    (now, now, contact_id),
                )
                db.execute(
                    "INSERT INTO erasure(contact_id, erased_at, by_note) VALUES (?, ?, ?)",
                    (contact_id, now, note.strip()),
                )
                self.ws.record("contact.erased", str(contact_id))
        finally:
            with self.ws.reading() as db:
                db.execute("PRAGMA secure_delete = OFF")
        return Changes(contacts=True, interactions=True, activity=True)

    def erasures(self) -> list[tuple[int, int, str, str]]:
        """(id, contact id, erased at, note), oldest first: the record to show an auditor."""
        with self.ws.reading() as db:
            return [
                (r[0], r[1], r[2], r[3])
                for r in db.execute(
                    "SELECT id, contact_id, erased_at, by_note FROM erasure ORDER BY id"
                )
            ]
