"""The home folder's clients: list, create, rename, archive, delete.

The list is read from the files themselves (read-only, no lock), so a workspace
copied into `clients/` by hand simply shows up.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from cmdesk.core.changes import Changes
from cmdesk.core.client import ClientProfile, check_slug, slugify, sort_key
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.i18n import _
from cmdesk.store import backup as backups
from cmdesk.store.lock import WorkspaceLock, lock_path_for
from cmdesk.store.paths import WORKSPACE_SUFFIX, Home
from cmdesk.store.workspace import Workspace, connect

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClientSummary:
    slug: str
    path: Path
    name: str
    language: str = ""
    timezone: str = ""
    sector: str = ""
    colour: str = ""
    archived: bool = False
    error: str = ""  # why the file could not be read (damaged, not a workspace)


def read_summary(path: Path) -> ClientSummary:
    """Profile fields of a workspace file without locking or changing it."""
    try:
        db = connect(path, readonly=True)
        try:
            row = db.execute(
                "SELECT name, language, timezone, sector, colour, archived FROM client WHERE id=1"
            ).fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return ClientSummary(path.stem, path, path.stem, error=str(exc))
    if row is None:
        return ClientSummary(path.stem, path, path.stem, error=_("the client profile is missing"))
    return ClientSummary(path.stem, path, row[0], row[1], row[2], row[3], row[4], bool(row[5]))


def list_clients(home: Home, *, include_archived: bool = False) -> list[ClientSummary]:
    if not home.clients_dir.is_dir():
        return []
    found = [read_summary(p) for p in sorted(home.clients_dir.glob(f"*{WORKSPACE_SUFFIX}"))]
    return sorted(
        (c for c in found if include_archived or not c.archived),
        key=lambda c: sort_key(c.name),
    )


def find_client(home: Home, slug: str) -> Path:
    path = home.workspace_path(slug)
    if not path.is_file():
        raise NotFound(
            _("There is no client “{slug}” in {folder}.").format(slug=slug, folder=home.clients_dir)
        )
    return path


def unique_slug(home: Home, name: str) -> str:
    base = slugify(name)[:44].strip("-") or "client"
    slug, n = base, 1
    while home.workspace_path(slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_client(
    home: Home,
    name: str,
    *,
    slug: str | None = None,
    app: str = "cmdesk",
    **profile: object,
) -> Workspace:
    """A new client workspace, opened (the caller closes it)."""
    home.ensure()
    if slug is None:
        slug = unique_slug(home, name)
    else:
        check_slug(slug)
        if home.workspace_path(slug).exists():
            raise InvalidData(
                _("A client with the identifier “{slug}” already exists.").format(slug=slug)
            )
    return Workspace.create(
        home.workspace_path(slug),
        ClientProfile(name=name, slug=slug, **profile),  # type: ignore[arg-type]
        app=app,
    )


def rename_client(home: Home, slug: str, new_name: str, new_slug: str | None = None) -> Path:
    """Rename a client; a new slug also renames its file and backups folder."""
    path = find_client(home, slug)
    target = path
    if new_slug and new_slug != slug:
        target = home.workspace_path(new_slug)
        if target.exists():
            raise InvalidData(
                _("A client with the identifier “{slug}” already exists.").format(slug=new_slug)
            )
    with Workspace.open(path, app="cmdesk rename") as ws:
        ws.update_profile(name=new_name, slug=new_slug or slug)
    if target != path:
        # The workspace is closed and checkpointed: the file alone is the whole client.
        with WorkspaceLock(path, app="cmdesk rename"), WorkspaceLock(target, app="cmdesk rename"):
            os.replace(path, target)
            for suffix in ("-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        lock_path_for(path).unlink(missing_ok=True)
        old_backups, new_backups = home.backups_dir(path), home.backups_dir(target)
        if old_backups.is_dir() and not new_backups.exists():
            # Backup file names carry the slug: rename them so they stay listed.
            os.replace(old_backups, new_backups)
            for item in new_backups.iterdir():
                if item.name.startswith(f"{slug}-"):
                    item.rename(new_backups / f"{new_slug}-{item.name[len(slug) + 1 :]}")
    return target


def set_archived(home: Home, slug: str, archived: bool) -> Changes:
    with Workspace.open(find_client(home, slug), app="cmdesk archive") as ws:
        return ws.set_archived(archived)


def delete_client(home: Home, slug: str) -> Path:
    """Delete a client after a final, verified backup; returns that backup's path."""
    path = find_client(home, slug)
    with WorkspaceLock(path, app="cmdesk delete"):
        final = backups.backup(home, path, "final")
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    lock_path_for(path).unlink(missing_ok=True)
    log.info("Deleted client %s; final backup at %s", slug, final.path)
    return final.path


def summary_json(summary: ClientSummary) -> dict[str, object]:
    return {**asdict(summary), "path": str(summary.path)}
