"""Opening workspaces: damaged files, one writer across processes, crash recovery."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.store.errors import WorkspaceCorrupt, WorkspaceLocked
from cmdesk.store.lock import WorkspaceLock, lock_path_for, read_holder
from cmdesk.store.workspace import (
    BULK_CACHE_KIB,
    BULK_CHECKPOINT_PAGES,
    Workspace,
    connect,
)


def _workspace(tmp_path: Path, rows: int = 0) -> Path:
    path = tmp_path / "lea.cmdesk"
    with Workspace.create(path, ClientProfile(name="Léa", slug="lea")) as ws:
        for i in range(rows):
            ws.set_setting(f"k{i}", "x" * 200)
    return path


def _spawn(code: str, *args: str) -> subprocess.Popen[str]:
    """A real second program, so locks are tested across processes, as users meet them."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(proc: subprocess.Popen[str], marker: str) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if marker not in line:
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"helper process did not start: {line!r} {err}")
    return line


# -- damaged and foreign files ------------------------------------------------------------


def test_garbage_file_is_reported_and_left_as_is(tmp_path: Path) -> None:
    path = tmp_path / "junk.cmdesk"
    path.write_bytes(b"PK\x03\x04 this is a zip, not a workspace" * 100)
    before = path.read_bytes()
    with pytest.raises(WorkspaceCorrupt, match="damaged") as info:
        Workspace.open(path)
    assert info.value.path == path
    assert path.read_bytes() == before
    assert not WorkspaceLock(path).acquire().recovered  # the lock was released cleanly


def test_damaged_pages_are_detected_before_any_write(tmp_path: Path) -> None:
    path = _workspace(tmp_path, rows=200)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    data[3 * page : 5 * page] = b"\xa5" * (2 * page)  # two b-tree pages scribbled over
    path.write_bytes(bytes(data))
    with pytest.raises(WorkspaceCorrupt) as info:
        Workspace.open(path)
    assert "restore the latest good backup" in info.value.message
    assert path.read_bytes() == bytes(data)


def test_empty_and_foreign_sqlite_files_are_not_workspaces(tmp_path: Path) -> None:
    empty = tmp_path / "empty.cmdesk"
    empty.touch()
    with pytest.raises(InvalidData, match="empty file"):
        Workspace.open(empty)
    assert empty.stat().st_size == 0

    foreign = tmp_path / "other.cmdesk"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(InvalidData, match="not a cmdesk workspace"):
        Workspace.open(foreign)


def test_missing_file_and_missing_profile(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        Workspace.open(tmp_path / "nope.cmdesk")
    path = _workspace(tmp_path)
    db = connect(path)
    db.execute("DELETE FROM client")
    db.close()
    with pytest.raises(WorkspaceCorrupt, match="profile is missing"):
        Workspace.open(path)


def test_create_never_replaces_a_file(tmp_path: Path) -> None:
    path = _workspace(tmp_path, rows=3)
    before = path.read_bytes()
    with pytest.raises(InvalidData, match="already exists"):
        Workspace.create(path, ClientProfile(name="Other", slug="lea"))
    assert path.read_bytes() == before


def test_failed_create_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.cmdesk"
    with pytest.raises(InvalidData):
        Workspace.create(path, ClientProfile(name="Bad", slug="bad", timezone="Mars/Olympus"))
    assert not path.exists()


# -- transactions ----------------------------------------------------------------------------


def test_atomic_rolls_back_everything_on_error(tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "a.cmdesk", ClientProfile(name="A", slug="a")) as ws:
        with pytest.raises(ZeroDivisionError), ws.atomic():
            ws.set_setting("one", 1)
            ws.update_profile(name="Changed")
            _ = 1 / 0
        assert ws.get_setting("one") is None
        assert ws.profile().name == "A"
        assert ws.db.in_transaction is False


def _pragmas(ws: Workspace) -> tuple[int, int]:
    with ws.reading() as db:
        return (
            db.execute("PRAGMA cache_size").fetchone()[0],
            db.execute("PRAGMA wal_autocheckpoint").fetchone()[0],
        )


def test_bulk_writes_enlarge_the_cache_and_put_everything_back(tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "a.cmdesk", ClientProfile(name="A", slug="a")) as ws:
        normal = _pragmas(ws)
        assert normal == (-2000, 1000)  # SQLite's defaults
        bulk = (-BULK_CACHE_KIB, BULK_CHECKPOINT_PAGES)
        with ws.bulk_writes():
            assert _pragmas(ws) == bulk
            with ws.bulk_writes():  # nested: joins the outer run
                ws.set_setting("inner", 1)
            assert _pragmas(ws) == bulk
        assert _pragmas(ws) == normal
        with pytest.raises(ZeroDivisionError), ws.bulk_writes():
            _ = 1 / 0
        assert _pragmas(ws) == normal
        assert ws.get_setting("inner") == 1


def test_bulk_writes_fold_the_wal_into_the_file_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "a.cmdesk"
    wal = Path(f"{path}-wal")
    with Workspace.create(path, ClientProfile(name="A", slug="a")) as ws:
        ws.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        empty = path.stat().st_size
        with ws.bulk_writes():
            for batch in range(12):  # 12 MB in transactions of 1 MB: past SQLite's 4 MB
                with ws.atomic():
                    for i in range(100):
                        ws.set_setting(f"k{batch}-{i}", "x" * 10_000)
            # Not folded every 4 MB meanwhile: the WAL holds all of it.
            assert wal.stat().st_size > 12_000_000
            assert path.stat().st_size == empty
        # Folded once at the end, before any later small write.
        assert path.stat().st_size > 12_000_000
        with ws.reading() as db:
            busy, frames, folded = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert (busy, frames) == (0, folded)


def test_profile_update_validates_and_reports_changes(tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "a.cmdesk", ClientProfile(name="A", slug="a")) as ws:
        assert not ws.update_profile(name="A")  # nothing changed, nothing recorded
        with pytest.raises(InvalidData):
            ws.update_profile(timezone="Europe/Nowhere")
        with pytest.raises(InvalidData, match="Unknown profile fields"):
            ws.update_profile(password="x")
        changes = ws.update_profile(name="B", keywords=("pain", "Léa"))
        assert changes.profile and changes.activity
        assert ws.profile().keywords == ("pain", "Léa")
        assert ws.activity()[0].detail == "keywords, name"


# -- one writer ------------------------------------------------------------------------------

_HOLD = """
import sys, time
from pathlib import Path
from cmdesk.store.workspace import Workspace
ws = Workspace.open(Path(sys.argv[1]), app="cmdesk-gui")
print("ready", flush=True)
time.sleep(60)
"""


def test_second_process_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    path = _workspace(tmp_path)
    holder = _spawn(_HOLD, str(path))
    try:
        _wait_for(holder, "ready")
        with pytest.raises(WorkspaceLocked) as info:
            Workspace.open(path)
        error = info.value
        assert error.holder is not None
        assert (error.holder.pid, error.holder.host) == (holder.pid, socket.gethostname())
        assert error.holder.app == "cmdesk-gui"
        assert f"process {holder.pid}" in error.message
        assert error.holder.since[:4].isdigit()
    finally:
        holder.kill()
        holder.wait()
    # The holder is gone: the next opener takes over and learns a crash happened.
    with Workspace.open(path) as ws:
        assert ws.lock.recovered is not None
        assert ws.lock.recovered.pid == holder.pid


def test_lock_within_one_process_is_not_reentrant(tmp_path: Path) -> None:
    path = _workspace(tmp_path)
    with Workspace.open(path), pytest.raises(WorkspaceLocked):
        Workspace.open(path)
    # A clean close leaves no record, so the next opener reports no crash.
    assert read_holder(path) is None
    with Workspace.open(path) as ws:
        assert ws.lock.recovered is None


def test_unreadable_lock_record_still_refuses(tmp_path: Path) -> None:
    path = _workspace(tmp_path)
    with WorkspaceLock(path):
        lock_path_for(path).write_bytes(b"\x00garbage")
        with pytest.raises(WorkspaceLocked, match="another program"):
            WorkspaceLock(path).acquire()


_WRITER = """
import sys
from pathlib import Path
from cmdesk.store.workspace import Workspace
ws = Workspace.open(Path(sys.argv[1]), app="writer")
print("ready", flush=True)
n = 0
while True:
    n += 1
    with ws.atomic():
        ws.set_setting(f"row{n}", "x" * 500)
        ws.record("test.write", str(n))
    print(n, flush=True)
"""


def test_kill_minus_nine_of_a_writer_then_reopen(tmp_path: Path) -> None:
    path = _workspace(tmp_path)
    writer = _spawn(_WRITER, str(path))
    _wait_for(writer, "ready")
    assert writer.stdout is not None
    committed = 0
    deadline = time.monotonic() + 10
    while committed < 50 and time.monotonic() < deadline:
        committed = int(writer.stdout.readline())
    os.kill(writer.pid, signal.SIGKILL)  # no cleanup at all, as in a crash or power cut
    writer.wait()
    assert committed >= 50, "the writer made too little progress to test anything"

    with Workspace.open(path) as ws:
        assert ws.lock.recovered is not None and ws.lock.recovered.pid == writer.pid
        ws.verify(full=True)  # integrity_check, not only quick_check
        rows = ws.db.execute("SELECT count(*) FROM settings WHERE key LIKE 'row%'").fetchone()[0]
        logged = ws.db.execute(
            "SELECT count(*) FROM activity WHERE action = 'test.write'"
        ).fetchone()[0]
        # Every write reported as committed survived; none was half-applied.
        assert rows >= committed
        assert rows == logged
        ws.set_setting("after", True)
        assert ws.get_setting("after") is True


def test_close_folds_the_wal_into_the_file(tmp_path: Path) -> None:
    path = _workspace(tmp_path, rows=20)
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    # The file alone is the workspace: a copy opens with every row.
    copy = tmp_path / "copy.cmdesk"
    copy.write_bytes(path.read_bytes())
    with Workspace.open(copy) as ws:
        assert ws.get_setting("k19") == "x" * 200
