"""Backups: automatic (at most daily, rotated), explicit, and before anything destructive.

A backup is a complete single-file copy made with SQLite's online backup API, which
is consistent even while the workspace is open and being written (WAL). Each copy
is verified with a full integrity check before it counts; a copy that fails is
deleted and reported, never kept as a false safety net.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cmdesk.core.clock import utc_now
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.i18n import _
from cmdesk.store.errors import WorkspaceCorrupt
from cmdesk.store.lock import WorkspaceLock
from cmdesk.store.paths import WORKSPACE_SUFFIX, Home
from cmdesk.store.workspace import check_header, connect, quick_check

log = logging.getLogger(__name__)

KINDS = ("auto", "manual", "final", "pre-restore")
KEEP = {"auto": 7, "pre-restore": 5}  # manual and final backups are never rotated away
AUTO_INTERVAL = timedelta(hours=24)
_NAME_RE = re.compile(
    r"^(?P<stem>.+)-(?P<kind>auto|manual|final|pre-restore)-(?P<ts>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?"
    + re.escape(WORKSPACE_SUFFIX)
    + "$"
)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    taken_at: datetime
    size: int


def list_backups(home: Home, workspace: Path) -> list[BackupInfo]:
    """Backups of a workspace, newest first."""
    folder = home.backups_dir(workspace)
    found: list[tuple[int, BackupInfo]] = []
    if not folder.is_dir():
        return []
    for entry in folder.iterdir():
        match = _NAME_RE.match(entry.name)
        if not match or match["stem"] != workspace.stem:
            continue
        taken = datetime.strptime(match["ts"], "%Y%m%dT%H%M%SZ").replace(tzinfo=utc_now().tzinfo)
        # Two backups in one second are told apart by a counter ("...Z-2"), newest last.
        order = int(match["n"] or 1)
        found.append((order, BackupInfo(entry, match["kind"], taken, entry.stat().st_size)))
    found.sort(key=lambda item: (item[1].taken_at, item[0]), reverse=True)
    return [info for _order, info in found]


def verify_backup(path: Path) -> None:
    """Raise WorkspaceCorrupt unless `path` is a sound cmdesk workspace file."""
    if not path.is_file():
        raise NotFound(_("There is no backup at {path}.").format(path=path))
    check_header(path)
    try:
        db = connect(path, readonly=True)
    except sqlite3.DatabaseError as exc:
        raise WorkspaceCorrupt(path, str(exc)) from exc
    try:
        quick_check(db, path, full=True)
        try:
            row = db.execute("SELECT name FROM client WHERE id = 1").fetchone()
        except sqlite3.DatabaseError:
            row = None
        if row is None:
            raise InvalidData(_("{path} is not a cmdesk workspace.").format(path=path))
    finally:
        db.close()


def online_copy(source: Path, dest: Path, progress: Progress | None) -> None:
    """Online copy of `source` into a new file `dest`, as one self-contained file."""
    src = connect(source, readonly=True)
    out = sqlite3.connect(dest, isolation_level=None)
    try:

        def step(status: int, remaining: int, total: int) -> None:
            if progress:
                progress(total - remaining, total)

        src.backup(out, pages=256, progress=step)
        # A backup is a single file: no -wal beside it to lose when it is copied.
        out.execute("PRAGMA journal_mode = DELETE")
    finally:
        out.close()
        src.close()


def backup(
    home: Home, workspace: Path, kind: str = "manual", progress: Progress | None = None
) -> BackupInfo:
    """Copy `workspace` into its backups folder, verify the copy, rotate old ones."""
    if kind not in KINDS:
        raise ValueError(kind)
    folder = home.backups_dir(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    # Second precision, as in the file name, so the returned info equals the listed one.
    taken = utc_now().replace(microsecond=0)
    stamp = taken.strftime("%Y%m%dT%H%M%SZ")
    dest = folder / f"{workspace.stem}-{kind}-{stamp}{WORKSPACE_SUFFIX}"
    n = 1
    while dest.exists():  # two backups in the same second
        n += 1
        dest = folder / f"{workspace.stem}-{kind}-{stamp}-{n}{WORKSPACE_SUFFIX}"
    partial = dest.with_name(dest.name + ".partial")
    try:
        try:
            online_copy(workspace, partial, progress)
        except sqlite3.DatabaseError as exc:  # the workspace itself is damaged
            raise WorkspaceCorrupt(workspace, str(exc)) from exc
        verify_backup(partial)
        os.replace(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    info = BackupInfo(dest, kind, taken, dest.stat().st_size)
    log.info("Backup of %s written to %s", workspace, dest)
    rotate(home, workspace)
    return info


def rotate(home: Home, workspace: Path) -> list[Path]:
    removed: list[Path] = []
    by_kind: dict[str, list[BackupInfo]] = {}
    for info in list_backups(home, workspace):
        by_kind.setdefault(info.kind, []).append(info)
    for kind, keep in KEEP.items():
        for info in by_kind.get(kind, [])[keep:]:
            info.path.unlink(missing_ok=True)
            removed.append(info.path)
    return removed


def latest_backup_age(home: Home, workspace: Path) -> timedelta | None:
    backups = list_backups(home, workspace)
    return utc_now() - backups[0].taken_at if backups else None


def auto_backup_if_due(
    home: Home, workspace: Path, progress: Progress | None = None
) -> BackupInfo | None:
    """The daily automatic backup, taken when a workspace is opened. `progress` may raise
    to stop it (the app closing): the partial copy is removed, nothing else changes."""
    age = latest_backup_age(home, workspace)
    if age is not None and age < AUTO_INTERVAL:
        return None
    return backup(home, workspace, "auto", progress)


def latest_good_backup(home: Home, workspace: Path) -> BackupInfo | None:
    """The newest backup that passes verification (used to offer a restore)."""
    for info in list_backups(home, workspace):
        try:
            verify_backup(info.path)
        except (WorkspaceCorrupt, InvalidData):
            log.warning("Backup %s failed verification", info.path)
            continue
        return info
    return None


def restore(home: Home, source: Path, workspace: Path, *, app: str = "cmdesk") -> Path | None:
    """Replace `workspace` by the backup `source`; nothing is lost on the way.

    The current file is first backed up (pre-restore) if it is readable, or set
    aside as `<name>.corrupt-<time>` if it is damaged. Returns where the previous
    content went, or None if there was no workspace.
    """
    verify_backup(source)
    workspace.parent.mkdir(parents=True, exist_ok=True)
    kept: Path | None = None
    with WorkspaceLock(workspace, app=app):
        if workspace.exists():
            try:
                kept = backup(home, workspace, "pre-restore").path
            except (WorkspaceCorrupt, InvalidData, sqlite3.DatabaseError) as exc:
                stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
                kept = workspace.with_name(f"{workspace.name}.corrupt-{stamp}")
                log.warning("Setting damaged %s aside as %s (%s)", workspace, kept, exc)
                os.replace(workspace, kept)
                for suffix in ("-wal", "-shm"):
                    side = workspace.with_name(workspace.name + suffix)
                    if side.exists():
                        os.replace(side, kept.with_name(kept.name + suffix))
        staged = workspace.with_name(workspace.name + ".restoring")
        shutil.copyfile(source, staged)
        with open(staged, "rb+") as handle:
            os.fsync(handle.fileno())
        for suffix in ("-wal", "-shm"):
            workspace.with_name(workspace.name + suffix).unlink(missing_ok=True)
        os.replace(staged, workspace)
    log.info("Restored %s from %s", workspace, source)
    return kept
