"""Errors about workspace files: locked, corrupt, too new."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cmdesk.core.errors import CmdeskError, ExitCode, InvalidData
from cmdesk.i18n import _


@dataclass(frozen=True)
class LockHolder:
    pid: int
    host: str
    since: str  # ISO 8601, UTC
    app: str = "cmdesk"
    user: str = ""

    def describe(self) -> str:
        return _("{app} (process {pid} on {host}, since {since})").format(
            app=self.app, pid=self.pid, host=self.host, since=self.since
        )


class WorkspaceLocked(CmdeskError):
    exit_code = ExitCode.LOCKED

    def __init__(self, path: Path, holder: LockHolder | None) -> None:
        who = holder.describe() if holder else _("another program")
        super().__init__(
            _(
                "The workspace {path} is already open in {who}. Close it there first; "
                "only one program may change a workspace at a time."
            ).format(path=path, who=who)
        )
        self.path = path
        self.holder = holder


class WorkspaceCorrupt(InvalidData):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            _(
                "The workspace {path} is damaged ({detail}). It has not been changed. "
                "You can restore the latest good backup."
            ).format(path=path, detail=detail)
        )
        self.path = path
        self.detail = detail


class WorkspaceTooNew(InvalidData):
    def __init__(self, path: Path, version: int, supported: int) -> None:
        super().__init__(
            _(
                "The workspace {path} was written by a newer cmdesk (format {version}, this "
                "version reads up to {supported}). Update cmdesk to open it."
            ).format(path=path, version=version, supported=supported)
        )
