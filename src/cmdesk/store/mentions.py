"""Mentions: one row per article, whatever the number of feeds that brought it.

Reached as `workspace.mentions`. Ids are time-ordered keys (published second << 20,
plus a counter), so "newest first" is plain rowid order, also inside FTS5 queries,
and a date range is an id range.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.classify import MARKS
from cmdesk.core.classify import MAX_CHARS as MAX_CLASSIFIED
from cmdesk.core.clock import parse_iso, utc_now
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.monitoring import (
    SENTIMENTS,
    FetchOutcome,
    IncomingEntry,
    Mention,
    RefreshCounts,
)
from cmdesk.core.urls import normalise_url, site_of, title_key
from cmdesk.i18n import _

if TYPE_CHECKING:
    import sqlite3

    from cmdesk.store.workspace import Workspace

KEY_SHIFT = 20  # a million mentions may share one published second
SAME_TITLE_WINDOW = timedelta(days=3)
_WINDOW_SECONDS = SAME_TITLE_WINDOW.total_seconds()
FUTURE_SLACK = timedelta(hours=2)  # clocks and time zones of feeds are often a little off
SOURCE_SEPARATOR = " · "
MAX_TITLE = 1000
MAX_TEXT = 200_000
MAX_HTML = 1_000_000
# Words known to be in search_term already (a few MB at most): cleared when full.
KNOWN_TERMS_CACHE = 200_000


def key_for(moment: datetime) -> int:
    """The smallest id of a mention published at `moment` (for id ranges of dates)."""
    return _key_of_stamp(moment.timestamp())


def _key_of_stamp(stamp: float) -> int:
    """key_for, from the moment's POSIX timestamp."""
    return int(stamp) << KEY_SHIFT


def published_of(mention_id: int) -> datetime:
    return datetime.fromtimestamp(mention_id >> KEY_SHIFT, UTC)


def entry_keys(url: str, title: str) -> tuple[str, str, str]:
    """What finds an entry's article again: normalised URL, title key, site."""
    key_url = normalise_url(url)
    return key_url, title_key(title), _site(key_url)


def _site(url: str) -> str:
    """The site for "same title on the same site": mobile and AMP hosts count as the site."""
    host = site_of(url)
    for prefix in ("m.", "amp.", "mobile."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


@dataclass
class _NewRows:
    """Rows of the mentions a refresh batch adds, written together: one statement run
    over many rows costs a third less per row than one statement per row."""

    index: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    sources: list[tuple[int, str, int, str, str]] = field(default_factory=list)

    def write(self, db: sqlite3.Connection) -> None:
        # Indexed here rather than by a row trigger, which cost three times as much
        # (schema version 5): whatever inserts mentions must index them, before anything
        # changes them (the update trigger removes what was indexed). Ids only grow within
        # a batch, which FTS5 needs to keep its pending index in memory.
        db.executemany(
            "INSERT INTO mention_fts(rowid, title, text, author, source) VALUES (?, ?, ?, ?, ?)",
            self.index,
        )
        db.executemany(
            "INSERT INTO mention_source(source_id, guid, mention_id, link, seen_at) "
            "VALUES (?, ?, ?, ?, ?)",
            self.sources,
        )
        self.index.clear()
        self.sources.clear()


@dataclass(frozen=True)
class SearchHit:
    id: int
    title: str
    url: str
    published_at: datetime
    source: str
    snippet: str


# The tokens of FTS5's unicode61 tokenizer with remove_diacritics 2: runs of letters and
# digits, lower case, Latin diacritics removed.
_TERM_RE = re.compile(r"[^\W_]+", re.UNICODE)
_COMBINING_RE = re.compile("[\u0300-\u036f]+")
# What is left of a decomposed text that is neither ASCII nor a Latin diacritic.
_OTHER_RE = re.compile("[^\x00-\x7f\u0300-\u036f]")
# In ASCII text the same runs are what is left between the bytes that are not letters or
# digits: a byte translation and a split, a third of the cost of a pattern.
_TYPOGRAPHY = ("’", "‘", "«", "»", "“", "”", "…", "–", "—", "\u202f")
# The Latin-1 characters whose decomposition is ASCII and Latin diacritics only.
_FOLDS_TO_ASCII = bytes(
    c for c in range(256) if not _OTHER_RE.search(unicodedata.normalize("NFKD", chr(c)))
)
_ASCII_SEPARATORS = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))
MAX_EXPANSION = 64  # known words tried for the word being typed
TERMS_TEXT = 3000  # characters of a text whose words join the vocabulary


def _folds_to_ascii(text: str) -> bool:
    """Every character is ASCII, or a Latin-1 letter that decomposes into one and accents
    (one byte deletion tells)."""
    if text.isascii():
        return True
    try:
        return not text.encode("latin-1").translate(None, _FOLDS_TO_ASCII)
    except UnicodeEncodeError:
        return False


def _ascii_terms(text: str) -> list[bytes] | None:
    """The terms of `text` as ASCII bytes, or None when it has letters beyond Latin ones
    (or characters that decompose into them), which the general pattern reads."""
    lowered = text.lower()
    if lowered.isascii():  # nothing to decompose
        return lowered.encode("ascii").translate(_ASCII_SEPARATORS).split()
    # The punctuation of French and English typography separates words as a space does:
    # replaced, it no longer sends nearly every real text to the general path.
    for mark in _TYPOGRAPHY:
        if mark in lowered:
            lowered = lowered.replace(mark, " ")
    decomposed = unicodedata.normalize("NFKD", lowered)
    # Most French text passes the byte check, at a tenth of the cost of searching the
    # decomposed text, which the rest needs.
    if not _folds_to_ascii(lowered) and _OTHER_RE.search(decomposed) is not None:
        return None
    # Latin letters and their accents only (most French text): dropping what is not ASCII
    # drops exactly the accents, faster than replacing them.
    return decomposed.encode("ascii", "ignore").translate(_ASCII_SEPARATORS).split()


def terms_of(text: str) -> list[str]:
    ascii_terms = _ascii_terms(text)
    if ascii_terms is not None:
        return [term.decode("ascii") for term in ascii_terms]
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return _TERM_RE.findall(_COMBINING_RE.sub("", decomposed))


def index_terms(text: str) -> set[str]:
    return set(terms_of(text))


def words_of_entries(entries: Iterable[tuple[str, str, str, Sequence[str] | None]]) -> set[str]:
    """The words new entries (title, author, text, scanned) add to the search-as-you-type
    vocabulary, gathered in one set (a feed's, in a parsing worker). The opening of each
    text is enough to know a site's vocabulary, at a fraction of the cost of every word
    of long posts.

    `scanned`: the classifier's words of f"{title}. {text}" (core.classify.scan), or
    None. They are these terms, with clause marks (removed once, at the end), when the
    classifier read all of it and every character folds to an ASCII letter, digit or
    separator (casefold and lower agree there, and no ligature is left to spell out):
    the text is then decomposed once, not twice (property-tested).
    """
    found: set[str] = set()
    for title, author, text, scanned in entries:
        if (
            scanned is not None
            and len(text) <= TERMS_TEXT
            and len(title) + 2 + len(text) <= MAX_CLASSIFIED
            and _folds_to_ascii(title)
            and _folds_to_ascii(text)
        ):
            found.update(scanned)
            found.update(terms_of(author))
            continue
        opening = f"{title} {author} {text[:TERMS_TEXT]}"
        ascii_terms = _ascii_terms(opening)
        if ascii_terms is not None:
            found.update(b" ".join(ascii_terms).decode("ascii").split())
        else:
            found.update(terms_of(opening))
    found -= MARKS  # no term is a clause mark: only the scanned words have them
    return found


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


@dataclass(frozen=True)
class MentionFilter:
    """What the mention list shows. Every field narrows the list; the defaults show all
    mentions that are not archived."""

    query: str = ""  # full-text: cmdesk's rule language, translated to FTS5
    state: str = "inbox"  # inbox (not archived), unread, starred, archived, all
    source_id: int | None = None
    topic_id: int | None = None
    tag: str = ""
    sentiment: str = ""
    since: datetime | None = None
    until: datetime | None = None


_LIST_COLUMNS = (
    "m.id, m.url, m.title, m.author, m.published_at, m.fetched_at, m.source, m.language, "
    "m.sentiment, m.sentiment_reason, m.sentiment_by_user, m.priority, m.read, m.starred, "
    "m.archived"
)


def _mention(
    row: Sequence[Any], *, text: str = "", html: str = "", tags: tuple[str, ...] = ()
) -> Mention:
    return Mention(
        id=row[0],
        url=row[1],
        title=row[2],
        author=row[3],
        published_at=parse_iso(row[4]),
        fetched_at=parse_iso(row[5]),
        source=row[6],
        language=row[7],
        sentiment=row[8],
        sentiment_reason=row[9],
        sentiment_by_user=bool(row[10]),
        priority=row[11],
        read=bool(row[12]),
        starred=bool(row[13]),
        archived=bool(row[14]),
        text=text,
        html=html,
        tags=tags,
    )


class Mentions:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._known_terms: set[str] = set()

    # -- storing what a refresh brought --------------------------------------------------

    def record_refresh(
        self, outcome: FetchOutcome, now: datetime | None = None
    ) -> tuple[RefreshCounts, Changes]:
        """One source's refresh, in one transaction: its new state and its new entries."""
        counts, changes = self.record_refreshes([outcome], now)
        if counts[0] is None:
            raise NotFound(_("This source no longer exists."))
        return counts[0], changes

    def record_refreshes(
        self, outcomes: Sequence[FetchOutcome], now: datetime | None = None
    ) -> tuple[list[RefreshCounts | None], Changes]:
        """Several sources' refreshes in one transaction (one commit and one FTS5 flush
        instead of one per source). A source removed meanwhile gets None and is skipped."""
        now = now or utc_now()
        counts: list[list[int] | None] = []  # per outcome: [new, merged]
        new_ids: list[int] = []
        pending: list[tuple[datetime, int, int, str, str, IncomingEntry]] = []
        names: set[str] = set()
        topics = self.ws.topics
        raised_before = topics.raised
        with self.ws.atomic() as db:
            for position, outcome in enumerate(outcomes):
                try:
                    source = self.ws.sources.get(outcome.source_id)
                except NotFound:
                    counts.append(None)
                    continue
                counts.append([0, 0])
                self.ws.sources.record_outcome(outcome, now)
                name = source.title or outcome.feed_title.strip() or source.url
                entries = [(e.guid or e.url or e.title, e) for e in outcome.entries]
                entries = [(guid, e) for guid, e in entries if guid]
                known = self._known_guids(db, outcome.source_id, [g for g, _e in entries])
                for guid, entry in entries:
                    if guid in known:
                        continue
                    known.add(guid)
                    published = entry.published or now
                    published = now if published > now + FUTURE_SLACK else published
                    pending.append((published, position, outcome.source_id, name, guid, entry))
            # Oldest first, so ids only grow within the transaction: FTS5 writes its pending
            # index out to a new segment whenever a smaller rowid arrives, and feeds list
            # their newest entry first.
            pending.sort(key=lambda item: item[0])
            fresh: set[str] = set()
            seen_at = now.isoformat(timespec="seconds")
            rows = _NewRows()
            stored: list[list[IncomingEntry]] = [[] for _outcome in outcomes]
            for published, position, source_id, name, guid, entry in pending:
                tally = counts[position]
                assert tally is not None
                mention_id = self._store_entry(
                    db, rows, source_id, name, guid, entry, published, seen_at
                )
                if mention_id is None:
                    tally[1] += 1
                    continue
                tally[0] += 1
                new_ids.append(mention_id)
                names.add(name)
                stored[position].append(entry)
            rows.write(db)
            for outcome, tally, entries_stored in zip(outcomes, counts, stored, strict=True):
                if outcome.terms is not None and tally and tally[0] == len(outcome.entries):
                    fresh.update(outcome.terms.split())  # every entry is a new mention
                    continue
                fresh |= words_of_entries(
                    (entry.title, entry.author, entry.text, None) for entry in entries_stored
                )
            for name in names:
                fresh.update(index_terms(name))
            # Most words are known already: asking SQLite about each one would cost more
            # than storing the mention itself.
            fresh -= self._known_terms
            db.executemany(
                "INSERT OR IGNORE INTO search_term(term) VALUES (?)", ((t,) for t in fresh)
            )
            if new_ids:
                # Topics tag what arrived, and a burst may be a crisis: same transaction.
                touched = topics.tag_new(new_ids, now)
                topics.check_spikes(touched, now)
        # Only committed words count as known.
        if len(self._known_terms) + len(fresh) > KNOWN_TERMS_CACHE:
            self._known_terms.clear()
        self._known_terms |= fresh
        alerts = topics.raised > raised_before
        results = [RefreshCounts(*c) if c is not None else None for c in counts]
        merged_any = any(c is not None and c[1] for c in counts)
        return results, Changes(sources=True, mentions=bool(new_ids or merged_any), alerts=alerts)

    def _store_entry(
        self,
        db: sqlite3.Connection,
        rows: _NewRows,
        source_id: int,
        source_name: str,
        guid: str,
        entry: IncomingEntry,
        published: datetime,
        seen_at: str,
    ) -> int | None:
        """The new mention's id, or None when the entry joined an article already known."""
        url, key, site = entry_keys(entry.url, entry.title) if entry.keys is None else entry.keys
        stamp = published.timestamp()  # once for the three keys below
        # Ids of the dates around this one where the same title is the same article.
        low = _key_of_stamp(stamp - _WINDOW_SECONDS)
        high = _key_of_stamp(stamp + _WINDOW_SECONDS)
        existing = self._same_article(db, url, key, site, low, high)
        if existing is not None:
            rows.write(db)  # the article may be one of them, and _link changes it
            self._link(db, existing, source_id, source_name, guid, entry.url, seen_at)
            return None
        # (An INSERT ... SELECT ... WHERE NOT EXISTS would test it in the same statement,
        # but SQLite copies what such a SELECT reads of its own table first: slower.)
        base = _key_of_stamp(stamp)
        # The id is the first free one of its second, found by the insert itself.
        cursor = db.execute(
            "INSERT INTO mention(id, url, title, title_key, site, author, source, "
            "published_at, fetched_at, html, text, language, sentiment, sentiment_reason) "
            "VALUES ((SELECT coalesce(max(id) + 1, ?) FROM mention WHERE id BETWEEN ? AND ?), "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                base,
                base,
                base + (1 << KEY_SHIFT) - 1,
                url,
                entry.title[:MAX_TITLE],
                key,
                site,
                entry.author[:300],
                source_name,
                published.isoformat(timespec="seconds"),
                seen_at,
                entry.html[:MAX_HTML],
                entry.text[:MAX_TEXT],
                entry.language,
                entry.sentiment,
                entry.sentiment_reason,
            ),
        )
        mention_id = int(cursor.lastrowid or 0)
        rows.index.append(
            (mention_id, entry.title[:MAX_TITLE], entry.text[:MAX_TEXT], entry.author[:300],
             source_name)
        )  # fmt: skip
        rows.sources.append((source_id, guid, mention_id, entry.url, seen_at))
        return mention_id

    @staticmethod
    def _known_guids(db: sqlite3.Connection, source_id: int, guids: list[str]) -> set[str]:
        known: set[str] = set()
        for start in range(0, len(guids), 500):
            chunk = guids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            known.update(
                row[0]
                for row in db.execute(
                    f"SELECT guid FROM mention_source WHERE source_id = ? AND guid IN ({marks})",
                    (source_id, *chunk),
                )
            )
        return known

    def _same_article(
        self, db: sqlite3.Connection, url: str, key: str, site: str, low: int, high: int
    ) -> int | None:
        """A stored mention of the same article: same normalised URL, else the same title
        on the same site with an id (a date) between `low` and `high`. One query (run for
        every new entry): the "!= ''" terms let SQLite use the partial indexes, and the
        empty keys match none."""
        row = db.execute(
            "SELECT id FROM mention WHERE url = ? AND url != '' "
            "UNION ALL SELECT id FROM mention WHERE title_key = ? AND title_key != '' "
            "AND site = ? AND id BETWEEN ? AND ? LIMIT 1",
            (url, key, site, low, high),
        ).fetchone()
        return int(row[0]) if row else None

    def _link(
        self,
        db: sqlite3.Connection,
        mention_id: int,
        source_id: int,
        source_name: str,
        guid: str,
        link: str,
        seen_at: str,
    ) -> None:
        db.execute(
            "INSERT OR IGNORE INTO mention_source(source_id, guid, mention_id, link, seen_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (source_id, guid, mention_id, link, seen_at),
        )
        current = db.execute("SELECT source FROM mention WHERE id = ?", (mention_id,)).fetchone()[0]
        names = [n for n in current.split(SOURCE_SEPARATOR) if n]
        if source_name not in names:
            names.append(source_name)
            db.execute(
                "UPDATE mention SET source = ? WHERE id = ?",
                (SOURCE_SEPARATOR.join(names), mention_id),
            )

    def rename_source(self, old: str, new: str) -> None:
        """Keep the names shown (and searched) on mentions in step with a renamed source."""
        db = self.ws.db
        rows = db.execute(
            "SELECT id, source FROM mention WHERE source = ? OR source LIKE ? OR source LIKE ?",
            (old, f"{old}{SOURCE_SEPARATOR}%", f"%{SOURCE_SEPARATOR}{old}%"),
        ).fetchall()
        for mention_id, names in rows:
            parts = [new if n == old else n for n in names.split(SOURCE_SEPARATOR)]
            db.execute(
                "UPDATE mention SET source = ? WHERE id = ?",
                (SOURCE_SEPARATOR.join(parts), mention_id),
            )

    # -- reading ---------------------------------------------------------------------------

    def get(self, mention_id: int) -> Mention:
        with self.ws.reading() as db:
            row = db.execute(
                f"SELECT {_LIST_COLUMNS}, m.text, m.html FROM mention m WHERE m.id = ?",
                (mention_id,),
            ).fetchone()
            if row is None:
                raise NotFound(_("This mention no longer exists."))
            tags = tuple(
                r[0]
                for r in db.execute(
                    "SELECT t.name FROM mention_tag mt JOIN tag t ON t.id = mt.tag_id "
                    "WHERE mt.mention_id = ? ORDER BY t.name COLLATE NOCASE",
                    (mention_id,),
                )
            )
            sources = tuple(
                r[0]
                for r in db.execute(
                    "SELECT source_id FROM mention_source WHERE mention_id = ? ORDER BY seen_at",
                    (mention_id,),
                )
            )
        mention = _mention(row[:15], text=row[15], html=row[16], tags=tags)
        return Mention(**{**mention.__dict__, "source_ids": sources})

    def _where(self, flt: MentionFilter) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        state = {
            "inbox": "m.archived = 0",
            "unread": "m.archived = 0 AND m.read = 0",
            "starred": "m.starred = 1",
            "archived": "m.archived = 1",
            "all": "",
        }.get(flt.state)
        if state is None:
            raise InvalidData(_("Unknown mention state: {state}").format(state=flt.state))
        if state:
            clauses.append(state)
        if flt.source_id is not None:
            clauses.append("m.id IN (SELECT mention_id FROM mention_source WHERE source_id = ?)")
            params.append(flt.source_id)
        if flt.topic_id is not None:
            clauses.append("m.id IN (SELECT mention_id FROM mention_topic WHERE topic_id = ?)")
            params.append(flt.topic_id)
        if flt.tag:
            clauses.append(
                "m.id IN (SELECT mt.mention_id FROM mention_tag mt JOIN tag t "
                "ON t.id = mt.tag_id WHERE t.name = ?)"
            )
            params.append(flt.tag)
        if flt.sentiment:
            clauses.append("m.sentiment = ?")
            params.append(flt.sentiment)
        if flt.since is not None:
            clauses.append("m.id >= ?")
            params.append(key_for(flt.since))
        if flt.until is not None:
            clauses.append("m.id < ?")
            params.append(key_for(flt.until))
        return clauses, params

    def _select(
        self, columns: str, flt: MentionFilter, before: int | None
    ) -> tuple[str, list[Any]]:
        """SQL for the list, newest first. A text query drives the scan from the FTS index
        in rowid order, which stays fast at a million mentions."""
        clauses, params = self._where(flt)
        match = self.search_expression(flt.query)
        key = "f.rowid" if match else "m.id"
        source = "mention_fts f JOIN mention m ON m.id = f.rowid" if match else "mention m"
        if match:
            clauses.insert(0, "mention_fts MATCH ?")
            params.insert(0, match)
        if before is not None:
            clauses.append(f"{key} < ?")
            params.append(before)
        where = " AND ".join(clauses) or "1"
        return f"SELECT {columns} FROM {source} WHERE {where} ORDER BY {key} DESC", params

    def select_sql(self, columns: str, flt: MentionFilter) -> tuple[str, list[Any]]:
        """The query of the list with these columns, newest first (exports read it on a
        connection of their own)."""
        return self._select(columns, flt, None)

    def search_expression(self, text: str) -> str:
        """The FTS5 query for words typed in the search box: finished words exactly, the
        word being typed (no space after it yet) as any known word it starts."""
        words = terms_of(text)
        if not words:
            return ""
        parts = [_quote(w) for w in words]
        if not text[-1:].isspace():
            last = words[-1]
            with self.ws.reading() as db:
                known = [
                    r[0]
                    for r in db.execute(
                        "SELECT term FROM search_term WHERE term >= ? AND term < ? LIMIT ?",
                        (last, last + "\U0010ffff", MAX_EXPANSION),
                    )
                ]
            if known:
                parts[-1] = "(" + " OR ".join(_quote(t) for t in known) + ")"
        # FTS5 needs an explicit AND between a term and a parenthesised group.
        return " AND ".join(parts)

    def page(
        self, flt: MentionFilter = MentionFilter(), *, before: int | None = None, limit: int = 100
    ) -> list[Mention]:
        """A page of the list, newest first, after the row `before` (keyset paging)."""
        sql, params = self._select(_LIST_COLUMNS, flt, before)
        with self.ws.reading() as db:
            rows = db.execute(sql + " LIMIT ?", (*params, limit)).fetchall()
        return [_mention(r) for r in rows]

    def ids(
        self, flt: MentionFilter = MentionFilter(), *, before: int | None = None, limit: int = 2000
    ) -> list[int]:
        """Only the ids of a page: the list model keeps ids and loads rows as they show."""
        sql, params = self._select("m.id", flt, before)
        with self.ws.reading() as db:
            return [r[0] for r in db.execute(sql + " LIMIT ?", (*params, limit))]

    def by_ids(self, ids: Sequence[int]) -> dict[int, Mention]:
        found: dict[int, Mention] = {}
        with self.ws.reading() as db:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for row in db.execute(
                    f"SELECT {_LIST_COLUMNS} FROM mention m WHERE m.id IN ({marks})", chunk
                ):
                    found[row[0]] = _mention(row)
        return found

    def count(self, flt: MentionFilter = MentionFilter()) -> int:
        sql, params = self._select("count(*)", flt, None)
        sql = sql.rsplit(" ORDER BY ", 1)[0]
        with self.ws.reading() as db:
            return int(db.execute(sql, params).fetchone()[0])

    def search(
        self, flt: MentionFilter, *, before: int | None = None, limit: int = 50
    ) -> list[SearchHit]:
        """Full-text hits with a highlighted snippet of the text, newest first."""
        if not self.search_expression(flt.query):
            return []
        columns = (
            "m.id, m.title, m.url, m.published_at, m.source, "
            "snippet(mention_fts, 1, '[', ']', '…', 16)"
        )
        sql, params = self._select(columns, flt, before)
        with self.ws.reading() as db:
            rows = db.execute(sql + " LIMIT ?", (*params, limit)).fetchall()
        return [SearchHit(r[0], r[1], r[2], parse_iso(r[3]), r[4], r[5]) for r in rows]

    # -- the user's changes ------------------------------------------------------------------

    def _set_flag(self, column: str, ids: Iterable[int], value: bool) -> Changes:
        id_list = list(ids)
        with self.ws.atomic() as db:
            db.executemany(
                f"UPDATE mention SET {column} = ? WHERE id = ?", [(int(value), i) for i in id_list]
            )
        return Changes(mentions=bool(id_list))

    def set_read(self, ids: Iterable[int], read: bool = True) -> Changes:
        return self._set_flag("read", ids, read)

    def set_starred(self, ids: Iterable[int], starred: bool = True) -> Changes:
        return self._set_flag("starred", ids, starred)

    def set_archived(self, ids: Iterable[int], archived: bool = True) -> Changes:
        return self._set_flag("archived", ids, archived)

    def add_tag(self, ids: Iterable[int], name: str) -> Changes:
        name = " ".join(name.split())
        if not name:
            raise InvalidData(_("A tag needs a name."))
        id_list = list(ids)
        with self.ws.atomic() as db:
            db.execute("INSERT OR IGNORE INTO tag(name) VALUES (?)", (name,))
            tag_id = db.execute("SELECT id FROM tag WHERE name = ?", (name,)).fetchone()[0]
            db.executemany(
                "INSERT OR IGNORE INTO mention_tag(tag_id, mention_id) VALUES (?, ?)",
                [(tag_id, i) for i in id_list],
            )
        return Changes(mentions=bool(id_list))

    def remove_tag(self, ids: Iterable[int], name: str) -> Changes:
        id_list = list(ids)
        with self.ws.atomic() as db:
            db.executemany(
                "DELETE FROM mention_tag WHERE mention_id = ? AND tag_id = "
                "(SELECT id FROM tag WHERE name = ?)",
                [(i, name) for i in id_list],
            )
        return Changes(mentions=bool(id_list))

    def tags(self) -> list[str]:
        with self.ws.reading() as db:
            return [r[0] for r in db.execute("SELECT name FROM tag ORDER BY name COLLATE NOCASE")]

    def set_sentiment(self, mention_id: int, sentiment: str, reason: str = "") -> Changes:
        """The user's correction: kept, and never overwritten by a later estimate."""
        if sentiment not in SENTIMENTS:
            raise InvalidData(_("Unknown sentiment: {value}").format(value=sentiment))
        with self.ws.atomic() as db:
            db.execute(
                "UPDATE mention SET sentiment = ?, sentiment_reason = ?, sentiment_by_user = 1 "
                "WHERE id = ?",
                (sentiment, reason, mention_id),
            )
            self.ws.record("mention.sentiment", json.dumps([mention_id, sentiment]))
        return Changes(mentions=True)
