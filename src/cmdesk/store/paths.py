"""Where cmdesk keeps things: the home folder with one file per client, backups and logs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from cmdesk.core.client import check_slug

APP_NAME = "cmdesk"
WORKSPACE_SUFFIX = ".cmdesk"


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def clients_dir(self) -> Path:
        return self.root / "clients"

    @property
    def backups_root(self) -> Path:
        return self.root / "backups"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    def workspace_path(self, slug: str) -> Path:
        return self.clients_dir / f"{check_slug(slug)}{WORKSPACE_SUFFIX}"

    def backups_dir(self, workspace: Path) -> Path:
        """Backups of a workspace, kept by file name so an outside file gets its own folder."""
        return self.backups_root / workspace.stem

    def ensure(self) -> Home:
        self.clients_dir.mkdir(parents=True, exist_ok=True)
        self.backups_root.mkdir(parents=True, exist_ok=True)
        return self


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Home:
    """`--home DIR`, else `CMDESK_HOME`, else the platform's user data folder."""
    if explicit:
        return Home(Path(explicit).expanduser().resolve())
    env = os.environ.get("CMDESK_HOME", "").strip()
    if env:
        return Home(Path(env).expanduser().resolve())
    return Home(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def default_log_dir(home: Home) -> Path:
    """Logs sit in the home folder when it was chosen explicitly, else in the user log folder."""
    if home.root != Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)):
        return home.logs_dir
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
