"""One writer per workspace, across processes (GUI and CLI alike).

The lock is an OS lock on `<workspace>.lock`, so the kernel releases it when the
holder dies, even by `kill -9` or a power cut: a lock left by a crash is
recovered by simply taking it again. The file's text names the holder (pid,
host, since when) for the error message a second program shows.

On Windows the locked region is one byte far past the text, so the text stays
readable by the program that is refused.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import logging
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from cmdesk.store.errors import LockHolder, WorkspaceLocked

log = logging.getLogger(__name__)
_WINDOWS_LOCK_OFFSET = 0x7FFFFFF0


def lock_path_for(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + ".lock")


def read_holder(workspace: Path) -> LockHolder | None:
    """The holder recorded in the lock file, if any (it may be a stale record)."""
    try:
        text = lock_path_for(workspace).read_text(encoding="utf-8").strip("\0 \n")
        data = json.loads(text) if text else None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        return LockHolder(
            pid=int(data["pid"]),
            host=str(data["host"]),
            since=str(data["since"]),
            app=str(data.get("app", "cmdesk")),
            user=str(data.get("user", "")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(_WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(_WINDOWS_LOCK_OFFSET)
        with contextlib.suppress(OSError):
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class WorkspaceLock:
    """Held for as long as a Workspace is open. Not re-entrant, even within one process."""

    def __init__(self, workspace: Path, app: str = "cmdesk") -> None:
        self.workspace = workspace
        self.path = lock_path_for(workspace)
        self.app = app
        self._handle: IO[bytes] | None = None
        self.recovered: LockHolder | None = None  # a crashed holder whose lock we took over

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> WorkspaceLock:
        if self._handle is not None:
            return self
        handle = open(self.path, "a+b")  # noqa: SIM115 — kept open while the lock is held
        if not _try_lock(handle):
            handle.close()
            raise WorkspaceLocked(self.workspace, read_holder(self.workspace))
        previous = read_holder(self.workspace)
        if previous is not None:
            # A record without a live lock means its holder ended without closing: a crash.
            self.recovered = previous
            log.warning("Recovered the lock of %s left by %s", self.workspace, previous)
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
            "app": self.app,
            "user": _user(),
        }
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(holder).encode())
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        # Clear the record first so the next opener does not report a crash.
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
            handle.flush()
        _unlock(handle)
        handle.close()

    def __enter__(self) -> WorkspaceLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
