"""The Workspace: one client's SQLite file, and the only way to change it (house rule 2).

Every write is a method here, inside one transaction, returning the `Changes` it
made. The connection may be used from one worker thread at a time (the GUI's
writer thread, or the CLI's main thread); a lock serialises access so a quick
read from the GUI thread never interleaves with a write.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.client import ClientProfile
from cmdesk.core.clock import iso_now
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.i18n import _
from cmdesk.store import migrations
from cmdesk.store.errors import WorkspaceCorrupt, WorkspaceTooNew
from cmdesk.store.lock import WorkspaceLock

if TYPE_CHECKING:
    from cmdesk.store.accounts import Accounts
    from cmdesk.store.approval import Approvals
    from cmdesk.store.contacts import Contacts
    from cmdesk.store.deliveries import Deliveries
    from cmdesk.store.escalation import Escalation
    from cmdesk.store.figures import MonthlyFigures
    from cmdesk.store.interactions import Interactions
    from cmdesk.store.mentions import Mentions
    from cmdesk.store.objectives import Objectives
    from cmdesk.store.playbook import Playbook
    from cmdesk.store.posts import Posts
    from cmdesk.store.replies import Replies
    from cmdesk.store.rules import Rules
    from cmdesk.store.segments import Segments
    from cmdesk.store.sources import Sources
    from cmdesk.store.teams import Teams
    from cmdesk.store.topics import Topics

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
# quick_check reads every page; above this size it runs in the background instead
# of delaying the first window (see Workspace.verify).
QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024
# During a run of large writes (Workspace.bulk_writes): the page cache, in KiB, and how
# many pages the WAL may grow by before it is folded back into the file.
BULK_CACHE_KIB = 16 * 1024
BULK_CHECKPOINT_PAGES = 4 * 1024  # 16 MB: the fold at the end takes ~20 ms
_PROFILE_FIELDS = ("name", "language", "timezone", "sector", "keywords", "colour", "notes")


@dataclass(frozen=True)
class ActivityEntry:
    id: int
    at: str
    actor: str
    action: str
    detail: str


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection with cmdesk's pragmas: WAL, synchronous=FULL, foreign keys."""
    if readonly:
        uri = path.resolve().as_uri() + "?mode=ro"
        db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA busy_timeout = 5000")
    db.execute("PRAGMA foreign_keys = ON")
    return db


def check_header(path: Path) -> None:
    """Refuse a file that is not SQLite at all, before SQLite touches it."""
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head and head != SQLITE_HEADER:
        raise WorkspaceCorrupt(path, _("not an SQLite database"))


def quick_check(db: sqlite3.Connection, path: Path, *, full: bool = False) -> None:
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = [r[0] for r in db.execute(f"PRAGMA {pragma}")]
    except sqlite3.DatabaseError as exc:
        raise WorkspaceCorrupt(path, str(exc)) from exc
    if rows != ["ok"]:
        raise WorkspaceCorrupt(path, "; ".join(rows[:3]))


class Workspace:
    def __init__(self, path: Path, db: sqlite3.Connection, lock: WorkspaceLock) -> None:
        self.path = path
        self.db = db
        self.lock = lock
        self._mutex = threading.RLock()
        self.needs_background_check = False
        self._bulk_depth = 0
        self._bulk_saved: tuple[int, int] = (0, 0)

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, app: str = "cmdesk", check: bool = True) -> Workspace:
        path = Path(path)
        if not path.is_file():
            raise NotFound(_("There is no workspace at {path}.").format(path=path))
        lock = WorkspaceLock(path, app=app).acquire()
        try:
            db = cls._open_db(path, check=check)
            ws = cls(path, db, lock)
            ws.needs_background_check = check and path.stat().st_size > QUICK_CHECK_MAX_BYTES
            if not db.execute("SELECT 1 FROM client WHERE id = 1").fetchone():
                db.close()
                raise WorkspaceCorrupt(path, _("the client profile is missing"))
            # Holding the lock proves no other live program is sending posts from this
            # file: any left `publishing` were cut off by a crash, and become `unknown`.
            try:
                ws.posts.recover_after_crash()
                ws.deliveries.recover_after_crash()  # the same for e-mails and webhooks
            except BaseException:
                db.close()
                raise
            return ws
        except BaseException:
            lock.release()
            raise

    @classmethod
    def open_readonly(cls, path: Path) -> Workspace:
        """For reading while another program has the workspace open (search, lists from
        the command line): no lock, no write. A file that still needs a migration is
        opened normally, since migrating is a write."""
        path = Path(path)
        if not path.is_file():
            raise NotFound(_("There is no workspace at {path}.").format(path=path))
        check_header(path)
        try:
            db = connect(path, readonly=True)
            version = migrations.current_version(db)
        except sqlite3.DatabaseError as exc:
            raise WorkspaceCorrupt(path, str(exc)) from exc
        if version != migrations.LATEST:
            db.close()
            return cls.open(path)
        return cls(path, db, WorkspaceLock(path))  # never acquired: nothing to release

    @classmethod
    def _open_db(cls, path: Path, *, check: bool, creating: bool = False) -> sqlite3.Connection:
        check_header(path)
        try:
            db = connect(path)
        except sqlite3.DatabaseError as exc:
            raise WorkspaceCorrupt(path, str(exc)) from exc
        try:
            if check and path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
                quick_check(db, path)
            version = migrations.current_version(db)
            if version > migrations.LATEST:
                raise WorkspaceTooNew(path, version, migrations.LATEST)
            if version == 0 and not creating:
                tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                raise InvalidData(
                    _("{path} is not a cmdesk workspace.").format(path=path)
                    if tables
                    else _("{path} is an empty file, not a cmdesk workspace.").format(path=path)
                )
            db.execute("PRAGMA journal_mode = WAL")
            # "Published" and "sent" must survive a power cut: fsync at every commit.
            db.execute("PRAGMA synchronous = FULL")
            applied = migrations.migrate(db)
            if applied:
                log.info("Migrated %s to schema %s", path, applied[-1])
        except sqlite3.DatabaseError as exc:
            db.close()
            raise WorkspaceCorrupt(path, str(exc)) from exc
        except BaseException:
            db.close()
            raise
        return db

    @classmethod
    def create(cls, path: Path, profile: ClientProfile, *, app: str = "cmdesk") -> Workspace:
        """A new workspace file; refuses to replace an existing one."""
        profile = profile.validated()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.touch(exist_ok=False)
        except FileExistsError:
            raise InvalidData(
                _("A workspace already exists at {path}.").format(path=path)
            ) from None
        lock = WorkspaceLock(path, app=app).acquire()
        try:
            db = cls._open_db(path, check=False, creating=True)
            ws = cls(path, db, lock)
            now = iso_now()
            with ws.atomic():
                db.execute(
                    "INSERT INTO client (id, uid, name, slug, language, timezone, sector, "
                    "keywords, colour, notes, archived, created_at, updated_at, logo, logo_mime) "
                    "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                    (
                        profile.uid or uuid.uuid4().hex,
                        profile.name,
                        profile.slug,
                        profile.language,
                        profile.timezone,
                        profile.sector,
                        json.dumps(list(profile.keywords), ensure_ascii=False),
                        profile.colour,
                        profile.notes,
                        now,
                        now,
                        profile.logo,
                        profile.logo_mime,
                    ),
                )
                ws._log("client.created", profile.name)
            return ws
        except BaseException:
            lock.release()
            path.unlink(missing_ok=True)
            raise

    def close(self) -> None:
        with self._mutex:
            if self.db is not None:
                if self.lock.held:
                    # Fold the WAL back so the file alone is the whole workspace.
                    self._fold_wal("TRUNCATE")
                self.db.close()
            self.lock.release()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- parts of the workspace, each in its own module ----------------------------------

    @cached_property
    def sources(self) -> Sources:
        from cmdesk.store.sources import Sources

        return Sources(self)

    @cached_property
    def topics(self) -> Topics:
        from cmdesk.store.topics import Topics

        return Topics(self)

    @cached_property
    def mentions(self) -> Mentions:
        from cmdesk.store.mentions import Mentions

        return Mentions(self)

    @cached_property
    def interactions(self) -> Interactions:
        from cmdesk.store.interactions import Interactions

        return Interactions(self)

    @cached_property
    def contacts(self) -> Contacts:
        from cmdesk.store.contacts import Contacts

        return Contacts(self)

    @cached_property
    def teams(self) -> Teams:
        from cmdesk.store.teams import Teams

        return Teams(self)

    @cached_property
    def rules(self) -> Rules:
        from cmdesk.store.rules import Rules

        return Rules(self)

    @cached_property
    def escalation(self) -> Escalation:
        from cmdesk.store.escalation import Escalation

        return Escalation(self)

    @cached_property
    def replies(self) -> Replies:
        from cmdesk.store.replies import Replies

        return Replies(self)

    @cached_property
    def segments(self) -> Segments:
        from cmdesk.store.segments import Segments

        return Segments(self)

    @cached_property
    def playbook(self) -> Playbook:
        from cmdesk.store.playbook import Playbook

        return Playbook(self)

    @cached_property
    def posts(self) -> Posts:
        from cmdesk.store.posts import Posts

        return Posts(self)

    @cached_property
    def approval(self) -> Approvals:
        from cmdesk.store.approval import Approvals

        return Approvals(self)

    @cached_property
    def accounts(self) -> Accounts:
        from cmdesk.store.accounts import Accounts

        return Accounts(self)

    @cached_property
    def objectives(self) -> Objectives:
        from cmdesk.store.objectives import Objectives

        return Objectives(self)

    @cached_property
    def figures(self) -> MonthlyFigures:
        from cmdesk.store.figures import MonthlyFigures

        return MonthlyFigures(self)

    @cached_property
    def deliveries(self) -> Deliveries:
        from cmdesk.store.deliveries import Deliveries

        return Deliveries(self)

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection for reads, never interleaved with another thread's write."""
        with self._mutex:
            yield self.db

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested calls join the outer one."""
        with self._mutex:
            if self.db.in_transaction:
                yield self.db
                return
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """For a run of large write transactions (a refresh of many sources). SQLite's
        defaults suit small ones: its 2 MB page cache is outgrown by a refresh's indexes,
        so each transaction reads back from the OS the pages the one before wrote; and
        the WAL is folded back into the file every 4 MB, copying pages the next
        transaction rewrites anyway (a cold refresh of 500 sources wrote four times the
        size of what it stored). Meanwhile the cache holds 16 MB and the WAL is folded
        every 16 MB, then once at the end. Durability is unchanged: each transaction
        still reaches the disk at its commit. Nested runs join the outer one."""
        with self._mutex:
            self._bulk_depth += 1
            if self._bulk_depth == 1:
                self._bulk_saved = (
                    int(self.db.execute("PRAGMA cache_size").fetchone()[0]),
                    int(self.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]),
                )
                self.db.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
                self.db.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            with self._mutex:
                self._bulk_depth -= 1
                if self._bulk_depth == 0:
                    cache, pages = self._bulk_saved
                    # A smaller cache frees the pages beyond it at once.
                    self.db.execute(f"PRAGMA cache_size = {cache}")
                    self.db.execute(f"PRAGMA wal_autocheckpoint = {pages}")
                    self._fold_wal("PASSIVE")  # here, not at the next click in the GUI

    def _fold_wal(self, mode: str) -> None:
        """Copy the WAL back into the file; a failure only leaves it in the WAL."""
        try:
            self.db.execute(f"PRAGMA wal_checkpoint({mode})")
        except sqlite3.Error as exc:
            log.warning("Checkpoint (%s) failed for %s: %s", mode, self.path, exc)

    def verify(self, *, full: bool = False, stop: Callable[[], bool] | None = None) -> None:
        """Integrity check on demand (raises WorkspaceCorrupt); safe from a worker thread.
        `stop()` returning True interrupts it (sqlite3.OperationalError), e.g. at closing:
        on a large file the check reads every page."""
        reader = connect(self.path, readonly=True)
        if stop is not None:
            reader.set_progress_handler(lambda: int(stop()), 10_000)
        try:
            quick_check(reader, self.path, full=full)
        except WorkspaceCorrupt:
            if stop is not None and stop():
                return  # interrupted on purpose: nothing was found wrong
            raise
        finally:
            reader.close()

    # -- client profile --------------------------------------------------------------------

    def profile(self) -> ClientProfile:
        with self._mutex:
            row = self.db.execute(
                "SELECT name, slug, language, timezone, sector, keywords, colour, notes, logo, "
                "logo_mime, archived, uid, created_at, updated_at FROM client WHERE id = 1"
            ).fetchone()
        if row is None:
            raise WorkspaceCorrupt(self.path, _("the client profile is missing"))
        return ClientProfile(
            name=row[0],
            slug=row[1],
            language=row[2],
            timezone=row[3],
            sector=row[4],
            keywords=tuple(json.loads(row[5] or "[]")),
            colour=row[6],
            notes=row[7],
            logo=row[8],
            logo_mime=row[9],
            archived=bool(row[10]),
            uid=row[11],
            created_at=row[12],
            updated_at=row[13],
        )

    def update_profile(self, **fields: Any) -> Changes:
        """Change profile fields (name, language, timezone, sector, keywords, colour, notes,
        logo with logo_mime). The slug is the file name: Home.rename_client changes it."""
        unknown = set(fields) - {*_PROFILE_FIELDS, "logo", "logo_mime", "slug"}
        if unknown:
            raise InvalidData(_("Unknown profile fields: {names}").format(names=sorted(unknown)))
        with self.atomic() as db:
            current = self.profile()
            updated = replace(current, **fields).validated()
            if updated == current:
                return Changes()
            db.execute(
                "UPDATE client SET name=?, slug=?, language=?, timezone=?, sector=?, keywords=?, "
                "colour=?, notes=?, logo=?, logo_mime=?, updated_at=? WHERE id = 1",
                (
                    updated.name,
                    updated.slug,
                    updated.language,
                    updated.timezone,
                    updated.sector,
                    json.dumps(list(updated.keywords), ensure_ascii=False),
                    updated.colour,
                    updated.notes,
                    updated.logo,
                    updated.logo_mime,
                    iso_now(),
                ),
            )
            changed = sorted(k for k in fields if getattr(current, k) != getattr(updated, k))
            self._log("client.updated", ", ".join(changed))
        return Changes(profile=True, activity=True, clients=True)

    def set_archived(self, archived: bool) -> Changes:
        with self.atomic() as db:
            db.execute(
                "UPDATE client SET archived = ?, updated_at = ? WHERE id = 1",
                (int(archived), iso_now()),
            )
            self._log("client.archived" if archived else "client.unarchived")
        return Changes(profile=True, activity=True, clients=True)

    # -- per-client settings (the app's preferences live in QSettings, not here) ----------

    def get_setting(self, key: str, default: Any = None) -> Any:
        with self._mutex:
            row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any) -> Changes:
        with self.atomic() as db:
            db.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )
        return Changes(settings=True)

    # -- activity log ----------------------------------------------------------------------

    def _log(self, action: str, detail: str = "", actor: str = "") -> None:
        self.db.execute(
            "INSERT INTO activity(at, actor, action, detail) VALUES (?, ?, ?, ?)",
            (iso_now(), actor, action, detail),
        )

    def record(self, action: str, detail: str = "", actor: str = "") -> Changes:
        with self.atomic():
            self._log(action, detail, actor)
        return Changes(activity=True)

    def activity(self, limit: int = 50) -> list[ActivityEntry]:
        with self._mutex:
            rows = self.db.execute(
                "SELECT id, at, actor, action, detail FROM activity ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [ActivityEntry(*row) for row in rows]
