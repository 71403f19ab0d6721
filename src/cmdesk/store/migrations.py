"""Schema migrations: forward-only, each one atomic with its version record.

`PRAGMA user_version` is the version of record; SQLite keeps it in the database
header, inside the same transaction as the DDL, so a crash mid-migration leaves
the previous version intact. `schema_migrations` keeps a readable history.
Never edit a released migration: add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[sqlite3.Connection], None]


def _v1_client_and_settings(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE client (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            uid TEXT NOT NULL,
            name TEXT NOT NULL,
            slug TEXT NOT NULL,
            language TEXT NOT NULL DEFAULT 'fr',
            timezone TEXT NOT NULL DEFAULT 'Europe/Paris',
            sector TEXT NOT NULL DEFAULT '',
            keywords TEXT NOT NULL DEFAULT '[]',
            colour TEXT NOT NULL DEFAULT '#2f6f9f',
            notes TEXT NOT NULL DEFAULT '',
            archived INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _v2_activity(db: sqlite3.Connection) -> None:
    # Who changed what and when: later sections (posts, interactions) append here too.
    db.execute(
        """CREATE TABLE activity (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute("CREATE INDEX activity_at ON activity(at)")


def _v3_logo(db: sqlite3.Connection) -> None:
    # The logo lives in the file so a copied workspace carries its branding.
    db.execute("ALTER TABLE client ADD COLUMN logo BLOB")
    db.execute("ALTER TABLE client ADD COLUMN logo_mime TEXT NOT NULL DEFAULT ''")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "client profile and settings", _v1_client_and_settings),
    Migration(2, "activity log", _v2_activity),
    Migration(3, "client logo", _v3_logo),
)
LATEST = MIGRATIONS[-1].version


def current_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    db: sqlite3.Connection,
    upto: int | None = None,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> list[int]:
    """Apply pending migrations up to `upto` (default: all); returns the versions applied.

    `db` must be in autocommit mode (isolation_level=None) so that the explicit
    transactions below are the only ones.
    """
    target = migrations[-1].version if upto is None else upto
    applied: list[int] = []
    for migration in migrations:
        if migration.version <= current_version(db) or migration.version > target:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            if migration.version == 1:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            migration.apply(db)
            db.execute(
                "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).isoformat()),
            )
            db.execute(f"PRAGMA user_version = {int(migration.version)}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        applied.append(migration.version)
    return applied
