"""A whole workspace as one JSON file, and a new workspace made from such a file.

What it is for: the client's data readable without cmdesk (an archive, another tool, a
data-portability request), and a way back into cmdesk from it. Every table is written as
it is stored, so nothing is left out when the schema grows; what can be rebuilt from the
rest (the search indexes and the search-as-you-type words) is not written but rebuilt on
import. The file holds no secret: passwords and tokens live only in the system keyring.

The file is ordinary JSON, laid out with one table row per line so that a workspace of a
million mentions is written and read back a line at a time, in bounded memory. A file
reformatted by another tool is still read, whole, in memory.

An import builds the new workspace under a temporary name beside its destination and
renames it into place only once everything has been read and checked: a truncated or
altered file, or a cancel, leaves nothing behind.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cmdesk import __version__
from cmdesk.core.errors import InvalidData
from cmdesk.i18n import _
from cmdesk.store import migrations
from cmdesk.store.workspace import Workspace, connect, quick_check

FORMAT = "cmdesk-workspace"
FORMAT_VERSION = 1
# Rebuilt on import from the tables they index: never written.
DERIVED_TABLES = frozenset({"search_term"})
_FTS_TABLES = ("mention_fts", "interaction_fts")
_BATCH = 2000  # rows per insert batch, and between two progress reports

# (rows done, rows in all, table being written or read)
Progress = Callable[[int, int, str], None]


class Cancelled(Exception):
    """The user stopped the export or the import; nothing was left behind."""


@dataclass
class PortableSummary:
    path: Path
    tables: dict[str, int] = field(default_factory=dict)  # rows per table

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def as_json(self) -> dict[str, object]:
        return {"path": str(self.path), "rows": self.rows, "tables": self.tables}


# -- export -------------------------------------------------------------------------------


def _exported_tables(db: sqlite3.Connection) -> list[str]:
    """Every table of the workspace in creation order (a table is created after those it
    refers to), without SQLite's own, the full-text indexes and what they are rebuilt from."""
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
    ).fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [
        name
        for name, _sql in rows
        if not name.startswith("sqlite_")
        and name not in DERIVED_TABLES
        and name not in virtual
        and not any(name.startswith(f"{v}_") for v in virtual)
    ]


def _cell(value: Any) -> Any:
    # SQLite values are null, integers, reals, text or blobs: an object can only be a blob.
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def export_workspace(
    ws: Workspace,
    out: Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> PortableSummary:
    """Write the whole workspace to `out` as JSON (replacing it only once complete)."""
    out = Path(out)
    summary = PortableSummary(out)
    # A connection of its own, in one read transaction: a consistent snapshot that does
    # not keep the app's writes waiting for the minutes a big workspace takes.
    db = connect(ws.path, readonly=True)
    partial = out.with_name(f".{out.name}.part")
    try:
        db.execute("BEGIN")
        tables = _exported_tables(db)
        counts = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        total, done = sum(counts.values()), 0
        client = db.execute("SELECT name FROM client WHERE id = 1").fetchone()
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_version": migrations.current_version(db),
            "app_version": __version__,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "client": client[0] if client else "",
            "rows": counts,  # for the import's progress
        }
        with open(partial, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(_dump(header)[:-1] + ',"tables":[\n')
            for position, table in enumerate(tables):
                cursor = db.execute(f'SELECT * FROM "{table}"')
                columns = [d[0] for d in cursor.description]
                handle.write(_dump({"table": table, "columns": columns})[:-1] + ',"rows":[\n')
                written = 0
                for row in cursor:
                    if written:
                        handle.write(",\n")
                    handle.write(_dump([_cell(v) for v in row]))
                    written += 1
                    done += 1
                    if written % _BATCH == 0:
                        _check(cancel)
                        if progress is not None:
                            progress(done, total, table)
                last = position == len(tables) - 1
                handle.write(f'\n],"count":{written}}}{"" if last else ","}\n')
                summary.tables[table] = written
            handle.write("]}\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        db.close()
    if progress is not None:
        progress(total, total, "")
    return summary


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled(_("Stopped: nothing was written."))


# -- reading an export ----------------------------------------------------------------------

# What the reader yields: ("header", dict), ("table", name, columns), ("row", list),
# ("end", name, count).
Event = tuple[Any, ...]


def _bad(source: Path, detail: str) -> InvalidData:
    return InvalidData(
        _("{path} is not a complete cmdesk workspace export ({detail}).").format(
            path=source.name, detail=detail
        )
    )


def _lines(source: Path, handle: IO[str]) -> Iterator[Event]:
    """Events of a file laid out as export_workspace writes it, one line at a time."""
    first = handle.readline()
    try:
        header = json.loads(first.rstrip().removesuffix(',"tables":[') + "}")
    except ValueError:
        raise _Reformatted from None
    if not isinstance(header, dict) or not first.rstrip().endswith('"tables":['):
        raise _Reformatted
    yield ("header", header)
    number = 1
    table = ""
    rows = 0
    for line in handle:
        number += 1
        line = line.rstrip("\n")
        try:
            if line.startswith('{"table":'):
                start = json.loads(line.removesuffix(',"rows":[') + "}")
                table, rows = str(start["table"]), 0
                yield ("table", table, [str(c) for c in start["columns"]])
            elif line.startswith("["):
                rows += 1
                yield ("row", json.loads(line.removesuffix(",")))
            elif line.startswith('],"count":'):
                end = json.loads("{" + line[2:].removesuffix(","))
                yield ("end", table, int(end["count"]), rows)
            elif line == "]}":
                yield ("done",)
                return
            elif line:
                raise ValueError(line[:40])
        except (ValueError, KeyError, TypeError):
            raise _bad(source, _("line {number} cannot be read").format(number=number)) from None
    raise _bad(source, _("the file ends too early"))


class _Reformatted(Exception):
    """Not our line layout: read the file as a whole JSON document."""


def _whole(source: Path) -> Iterator[Event]:
    try:
        with open(source, encoding="utf-8") as handle:
            doc = json.load(handle)
        header = {k: v for k, v in doc.items() if k != "tables"}
        tables = doc["tables"]
        yield ("header", header)
        for table in tables:
            rows = table["rows"]
            yield ("table", str(table["table"]), [str(c) for c in table["columns"]])
            for row in rows:
                yield ("row", row)
            yield ("end", str(table["table"]), int(table.get("count", len(rows))), len(rows))
        yield ("done",)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise _bad(source, _("it is not JSON written by cmdesk")) from None


def read_export(source: Path) -> Iterator[Event]:
    source = Path(source)
    try:
        with open(source, encoding="utf-8") as handle:
            try:
                yield from _lines(source, handle)
                return
            except _Reformatted:
                pass
        yield from _whole(source)
    except UnicodeDecodeError:
        raise _bad(source, _("it is not text")) from None


# -- import ---------------------------------------------------------------------------------


def _value(value: Any) -> Any:
    if isinstance(value, dict):
        return base64.b64decode(value["base64"], validate=True)
    if isinstance(value, list):
        raise ValueError("a list is no SQLite value")
    return value


def import_workspace(
    source: Path,
    target: Path,
    *,
    name: str | None = None,
    slug: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> PortableSummary:
    """A new workspace at `target` from an export. It is a new client: it gets its own
    identity (two files of one client would share backups and accounts), and the name
    `name` when given. Publishing accounts must be reconnected: tokens are never exported."""
    source, target = Path(source), Path(target)
    if target.exists():
        raise InvalidData(_("A workspace already exists at {path}.").format(path=target))
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{target.name}.importing")
    building.unlink(missing_ok=True)
    summary = PortableSummary(target)
    db = connect(building)
    try:
        events = read_export(source)
        header = _header(source, next(events))
        rows = header.get("rows")
        total = sum(v for v in rows.values() if isinstance(v, int)) if isinstance(rows, dict) else 0
        migrations.migrate(db, upto=int(header["schema_version"]))
        db.execute("PRAGMA foreign_keys = OFF")  # rows arrive table by table
        db.execute("BEGIN IMMEDIATE")
        _insert_all(db, source, events, summary, total, progress, cancel)
        db.execute("COMMIT")
        migrations.migrate(db)  # an export from an older cmdesk is brought up to date
        db.execute("BEGIN IMMEDIATE")
        _rebuild_derived(db)
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise _bad(source, _("{count} rows refer to rows that are not in it").format(
                count=len(problems)))  # fmt: skip
        if not db.execute("SELECT 1 FROM client WHERE id = 1").fetchone():
            raise _bad(source, _("the client profile is missing"))
        fields = {"uid": uuid.uuid4().hex, **({"name": name} if name else {})}
        if slug:
            fields["slug"] = slug
        db.execute(
            "UPDATE client SET " + ", ".join(f"{k} = ?" for k in fields) + " WHERE id = 1",
            tuple(fields.values()),
        )
        db.execute("COMMIT")
        db.execute("PRAGMA foreign_keys = ON")
        quick_check(db, building)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        if target.exists():  # made meanwhile by someone else: never replaced
            raise InvalidData(_("A workspace already exists at {path}.").format(path=target))
        os.replace(building, target)
    except sqlite3.DatabaseError as exc:
        raise _bad(source, str(exc)) from exc
    finally:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            building.with_name(building.name + suffix).unlink(missing_ok=True)
    return summary


def _header(source: Path, event: Event) -> dict[str, Any]:
    header = event[1] if event[0] == "header" else {}
    if header.get("format") != FORMAT:
        raise _bad(source, _("it is not a cmdesk workspace export"))
    version = header.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise _bad(source, _("its version is missing"))
    if version > migrations.LATEST:
        raise InvalidData(
            _(
                "{path} was exported by a newer version of cmdesk; update cmdesk to import it."
            ).format(path=source.name)
        )
    return header


def _insert_all(
    db: sqlite3.Connection,
    source: Path,
    events: Iterator[Event],
    summary: PortableSummary,
    total: int,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    known = set(_exported_tables(db))
    table, sql = "", ""
    batch: list[list[Any]] = []
    done = 0
    width = 0

    def flush() -> None:
        nonlocal batch
        if batch:
            db.executemany(sql, batch)
            batch = []

    for event in events:
        kind = event[0]
        if kind == "table":
            table, columns = event[1], event[2]
            if table in DERIVED_TABLES:
                sql = ""
                continue
            if table not in known:
                raise _bad(source, _("it has a table “{table}” this version does not know")
                           .format(table=table))  # fmt: skip
            existing = {r[1] for r in db.execute(f'PRAGMA table_info("{table}")')}
            unknown = [c for c in columns if c not in existing]
            if unknown:
                raise _bad(source, _("the table “{table}” has an unknown column “{column}”")
                           .format(table=table, column=unknown[0]))  # fmt: skip
            width = len(columns)
            names = ", ".join(f'"{c}"' for c in columns)
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * width)})'
            # The export holds the whole state, the user's deletions of the rows a new
            # workspace starts with included.
            db.execute(f'DELETE FROM "{table}"')
        elif kind == "row":
            if not sql:
                continue
            row = event[1]
            if not isinstance(row, list) or len(row) != width:
                raise _bad(source, _("a row of “{table}” has the wrong number of values")
                           .format(table=table))  # fmt: skip
            try:
                batch.append([_value(v) for v in row])
            except (ValueError, KeyError, TypeError):
                raise _bad(source, _("a value of “{table}” cannot be read")
                           .format(table=table)) from None  # fmt: skip
            done += 1
            if len(batch) >= _BATCH:
                flush()
                _check(cancel)
                if progress is not None:
                    progress(done, max(total, done), table)
        elif kind == "end":
            flush()
            if event[2] != event[3]:
                raise _bad(source, _("the table “{table}” is incomplete").format(table=table))
            if sql:
                summary.tables[table] = event[3]
            sql = ""
        elif kind == "done":
            flush()
            return
    raise _bad(source, _("the file ends too early"))


def _rebuild_derived(db: sqlite3.Connection) -> None:
    """The full-text indexes and the search-as-you-type words, from the rows they index
    (the words are the full-text index's own vocabulary)."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for fts in _FTS_TABLES:
        if fts in tables:
            db.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    if "search_term" in tables and "mention_fts" in tables:
        db.execute(
            "CREATE VIRTUAL TABLE temp.mention_words USING fts5vocab(main, mention_fts, row)"
        )
        db.execute("INSERT OR IGNORE INTO search_term(term) SELECT term FROM temp.mention_words")
        db.execute("DROP TABLE temp.mention_words")
