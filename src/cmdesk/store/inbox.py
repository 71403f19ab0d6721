"""Reads for the triage inbox and the contacts list in the GUI.

The list model keeps only ids (8 bytes each) and loads rows as they are shown, like the
mention list; these helpers give it the ids of a filtered, newest-first list, the rows
of a block of ids, and the words typed in the search box as a filter. Nothing here
writes: changes go through `workspace.interactions` and `workspace.contacts`.
"""

from __future__ import annotations

import heapq
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from itertools import islice
from typing import TYPE_CHECKING, Any

from cmdesk.core.clock import parse_iso_or_none
from cmdesk.core.interactions import STATUSES, Contact, Interaction
from cmdesk.store.interactions import _COLUMNS, OPEN_STATUSES, InteractionFilter, _row
from cmdesk.store.mentions import terms_of

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

ALL = InteractionFilter()

# A letter typed in the search box stands for itself in either case and with any accent,
# the way people type on a phone ("decue" finds "Déçue").
_VARIANTS = {
    "a": "aàâäáã",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîïíì",
    "n": "nñ",
    "o": "oôöóòõ",
    "u": "uùûüú",
    "y": "yÿý",
}


def _plain(text: str) -> str:
    """Lower case without accents, other characters (emoji, other scripts) kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _glob_char(char: str) -> str:
    variants = _VARIANTS.get(char, char)
    letters = "".join(dict.fromkeys(variants + variants.upper()))
    if len(letters) == 1 and letters not in "*?[]":
        return letters
    return f"[{letters}]"


def word_pattern(word: str) -> str:
    """A GLOB pattern that finds `word` anywhere, ignoring case and accents."""
    return "*" + "".join(_glob_char(c) for c in _plain(word)) + "*"


def _like_char(char: str) -> str:
    if char in "%_\\":
        return "\\" + char
    # LIKE ignores case for ASCII letters only: any other letter is left to the GLOB.
    return char if char.isascii() and char not in _VARIANTS else "_"


def like_pattern(word: str) -> str:
    """A LIKE pattern that finds at least what `word_pattern` finds: SQLite's LIKE is a
    fast first sieve, the character classes of GLOB are slow on every row."""
    return "%" + "".join(_like_char(c) for c in _plain(word)) + "%"


def search_clause(text: str) -> tuple[str, list[Any]]:
    """Every typed word must appear in the text, the reply, the link, or the contact's
    name or handles (an empty text matches everything). Words are looked up in the
    full-text index as word beginnings ("decu" finds "Déçue"); what the index does not
    hold as words (emoji, punctuation) is searched in the text itself."""
    clauses: list[str] = []
    params: list[Any] = []
    for word in text.split():
        glob = word_pattern(word)
        contact = (
            "contact_id IN (SELECT id FROM contact WHERE name GLOB ? "
            "UNION SELECT contact_id FROM contact_handle WHERE handle GLOB ?)"
        )
        terms = terms_of(word)
        if terms:
            phrase = '"' + " ".join(terms) + '"*'  # its terms are letters and digits only
            clauses.append(
                "(id IN (SELECT rowid FROM interaction_fts WHERE interaction_fts MATCH ?) "
                f"OR {contact})"
            )
            params += [phrase, glob, glob]
            continue
        like = like_pattern(word)
        fields = " OR ".join(
            f"({column} LIKE ? ESCAPE '\\' AND {column} GLOB ?)"
            for column in ("text", "reply", "link")
        )
        clauses.append(f"({fields} OR {contact})")
        params += [like, glob] * 3 + [glob, glob]
    return " AND ".join(clauses) or "1", params


def ids(
    ws: Workspace,
    flt: InteractionFilter = ALL,
    text: str = "",
    *,
    before: tuple[str, int] | None = None,
    limit: int | None = 2000,
) -> list[tuple[int, str]]:
    """(id, occurred_at) of the list, newest first, after `before` (keyset paging);
    every remaining row when `limit` is None."""
    narrowed = flt.type or flt.channel or flt.team_id is not None or flt.contact_id is not None
    if narrowed or text.strip() or limit is None:
        # Rows are picked by a scan of the table (or the team and contact indexes), then
        # sorted: reading them in date order through the status index would fetch each
        # row at random to test it, slower when few match; and when every row is wanted,
        # one sort beats merging pages in Python.
        return _ids(ws, [(flt, before)], text, limit)
    # The state alone: one query per status, merged. The (status, occurred_at) index
    # reads each status newest first and stops at `limit`, where one query over several
    # statuses sorts the whole table first (50-120 ms at 100,000 rows, against 5).
    statuses = [flt.status] if flt.status else OPEN_STATUSES if flt.open_only else STATUSES
    parts = [(replace(flt, status=s, open_only=False), before) for s in statuses]
    return _ids(ws, parts, text, limit)


def _ids(
    ws: Workspace,
    parts: list[tuple[InteractionFilter, tuple[str, int] | None]],
    text: str,
    limit: int | None,
) -> list[tuple[int, str]]:
    pages = []
    with ws.reading() as db:
        for flt, before in parts:
            where, params = _where(ws, flt, text)
            if before is not None:
                where += " AND (occurred_at, id) < (?, ?)"
                params += list(before)
            sql = (
                f"SELECT id, occurred_at FROM interaction WHERE {where} "
                "ORDER BY occurred_at DESC, id DESC"
            )
            if limit is not None:
                sql += f" LIMIT {int(limit)}"
            pages.append([(r[0], r[1]) for r in db.execute(sql, params)])
    if len(pages) == 1:
        return pages[0]
    merged = heapq.merge(*pages, key=lambda row: (row[1], row[0]), reverse=True)
    return list(islice(merged, limit))


def _where(ws: Workspace, flt: InteractionFilter, text: str) -> tuple[str, list[Any]]:
    where, params = ws.interactions._where(flt)
    found, more = search_clause(text)
    return f"({where}) AND {found}", params + more


def count(ws: Workspace, flt: InteractionFilter = ALL, text: str = "") -> int:
    where, params = _where(ws, flt, text)
    with ws.reading() as db:
        return int(
            db.execute(f"SELECT count(*) FROM interaction WHERE {where}", params).fetchone()[0]
        )


def by_ids(ws: Workspace, wanted: Sequence[int]) -> dict[int, Interaction]:
    """The rows of these ids (without their tags: the list does not show them)."""
    found: dict[int, Interaction] = {}
    with ws.reading() as db:
        for start in range(0, len(wanted), 500):
            chunk = list(wanted[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for row in db.execute(
                f"SELECT {_COLUMNS} FROM interaction WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = _row(row)
    return found


def display_names(ws: Workspace, contact_ids: Sequence[int]) -> dict[int, str]:
    """How each contact is shown in a list (name, else first handle, else e-mail), in one
    query for a block of rows instead of two per contact."""
    names: dict[int, str] = {}
    with ws.reading() as db:
        for start in range(0, len(contact_ids), 500):
            chunk = list(dict.fromkeys(contact_ids[start : start + 500]))
            marks = ",".join("?" * len(chunk))
            for cid, name, email, handle in db.execute(
                "SELECT c.id, c.name, c.email, (SELECT handle FROM contact_handle h "
                "WHERE h.contact_id = c.id ORDER BY network, handle LIMIT 1) "
                f"FROM contact c WHERE c.id IN ({marks})",
                chunk,
            ):
                handles = (("", handle),) if handle else ()
                names[cid] = Contact(id=cid, name=name, email=email, handles=handles).display_name
    return names


def interaction_counts(ws: Workspace) -> dict[int, int]:
    """Interactions per contact, for the contacts list."""
    with ws.reading() as db:
        return dict(
            db.execute(
                "SELECT contact_id, count(*) FROM interaction WHERE contact_id IS NOT NULL "
                "GROUP BY contact_id"
            ).fetchall()
        )


def for_mention(ws: Workspace, mention_id: int) -> int | None:
    """The interaction already made from this mention, if any (converting twice would
    log the same message twice)."""
    with ws.reading() as db:
        row = db.execute(
            "SELECT id FROM interaction WHERE mention_id = ? ORDER BY id LIMIT 1", (mention_id,)
        ).fetchone()
    return int(row[0]) if row else None


def mention_titles(ws: Workspace, mention_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """(title, source) of linked mentions, for a contact's timeline."""
    if not mention_ids:
        return {}
    marks = ",".join("?" * len(mention_ids))
    with ws.reading() as db:
        return {
            r[0]: (r[1], r[2])
            for r in db.execute(
                f"SELECT id, title, source FROM mention WHERE id IN ({marks})", list(mention_ids)
            )
        }


def contacts(ws: Workspace) -> list[Contact]:
    """Every contact not erased, with handles and tags, in three queries (Contacts.all
    asks two per contact, slow at a few thousand)."""
    handles: dict[int, list[tuple[str, str]]] = {}
    tags: dict[int, list[str]] = {}
    with ws.reading() as db:
        for cid, network, handle in db.execute(
            "SELECT contact_id, network, handle FROM contact_handle ORDER BY network, handle"
        ):
            handles.setdefault(cid, []).append((network, handle))
        for cid, tag in db.execute("SELECT contact_id, tag FROM contact_tag ORDER BY tag"):
            tags.setdefault(cid, []).append(tag)
        rows = db.execute(
            "SELECT id, name, email, notes, consent_notes, created_at, updated_at FROM contact "
            "WHERE erased_at IS NULL ORDER BY name COLLATE NOCASE, id"
        ).fetchall()
    return [
        Contact(
            id=r[0],
            name=r[1],
            email=r[2],
            notes=r[3],
            consent_notes=r[4],
            handles=tuple(handles.get(r[0], ())),
            tags=tuple(tags.get(r[0], ())),
            created_at=parse_iso_or_none(r[5]),
            updated_at=parse_iso_or_none(r[6]),
        )
        for r in rows
    ]
