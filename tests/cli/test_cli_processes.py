"""The CLI against other real processes: a workspace held open elsewhere, a writer killed.

The lock is an OS lock released by the kernel, so these tests need separate processes:
one started from a tiny script (the holder or the writer), and `python -m cmdesk`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from cli_support import Cli, spawn_cli, start_script, stop

from cmdesk.store.lock import read_holder
from cmdesk.store.workspace import Workspace


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("LANGUAGE", "en")  # messages are asserted in English
    monkeypatch.delenv("CMDESK_HOME", raising=False)
    return Cli(tmp_path / "home", capsys)


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from cmdesk.store.lock import WorkspaceLock
    lock = WorkspaceLock(Path(sys.argv[1]), app="lock holder").acquire()
    print("ready", flush=True)
    time.sleep(60)
    """
)

# Commits transactions of ROWS settings each, printing how many are done, until killed.
WRITE_FOREVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from cmdesk.store.workspace import Workspace
    ROWS = int(sys.argv[2])
    ws = Workspace.open(Path(sys.argv[1]), app="crash writer")
    done = 0
    while True:
        with ws.atomic():
            for j in range(ROWS):
                ws.set_setting(f"crash-{done}-{j}", "x" * 3000)
        done += 1
        print(done, flush=True)
    """
)


def read_line(process: subprocess.Popen[str], what: str) -> str:
    """The helper's next line, or a failure showing its stderr (it may have crashed)."""
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    if not line:
        stop(process)
        pytest.fail(f"{what} ended early: {process.stderr.read()}")
    return line.strip()


def test_a_held_workspace_exits_3_naming_the_holder(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    backup = cli.ok("--json", "backup").data["path"]
    workspace = cli.workspace("acme")
    holder = start_script(HOLD_LOCK, str(workspace))
    try:
        assert read_line(holder, "the lock holder") == "ready"
        before = workspace.read_bytes()
        who = f"lock holder (process {holder.pid} on {socket.gethostname()}, since "

        # A real second program, as cron would run it.
        result = spawn_cli(cli.home, "clients", "rename", "acme", "Renamed")
        assert result.returncode == 3, result.stderr
        assert who in result.stderr and str(workspace) in result.stderr
        assert result.stdout == ""

        # Every command that changes the client is refused the same way, in-process too.
        for args in (
            ["clients", "rename", "acme", "X", "--new-slug", "other"],
            ["clients", "archive", "acme"],
            ["clients", "unarchive", "acme"],
            ["clients", "delete", "acme", "--yes"],
            ["restore", backup],
        ):
            refused = cli(*args)
            assert refused.code == 3, (args, refused.err)
            assert who in refused.err, args
        as_json = cli("--json", "clients", "archive", "acme")
        assert as_json.code == 3 and as_json.data["exit_code"] == 3
        assert str(holder.pid) in as_json.data["error"]
        assert workspace.read_bytes() == before
        assert not cli.workspace("other").exists()
        # No pre-restore or final backup was taken by the refused commands.
        assert [p.name for p in (cli.home / "backups" / "acme").iterdir()] == [Path(backup).name]

        # Reading commands still work and tell who has it open.
        report = cli.ok("--json", "check").data
        assert report["integrity"] == "ok"
        assert report["locked_by"]["pid"] == holder.pid
        assert report["locked_by"]["host"] == socket.gethostname()
        assert report["locked_by"]["app"] == "lock holder"
        assert f"Open in: {who}" in cli.ok("check").out
        assert cli("backup").code == 0  # backups are documented to work while it is open
    finally:
        stop(holder)
    # Once the holder is gone, the same command goes through.
    assert cli.ok("clients", "rename", "acme", "Renamed").code == 0


def test_a_writer_killed_mid_write_leaves_a_sound_workspace(cli: Cli) -> None:
    rows = 20
    cli.ok("clients", "create", "Acme")
    workspace = cli.workspace("acme")
    writer = start_script(WRITE_FOREVER, str(workspace), str(rows))
    try:
        deadline = time.monotonic() + 15
        seen = 0
        # Let it commit a good number of transactions so the kill lands mid-stream.
        while seen < 30:
            seen = int(read_line(writer, "the writer"))
            assert time.monotonic() < deadline, "the writer is too slow"
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=10)
    finally:
        stop(writer)
    assert writer.returncode == -signal.SIGKILL
    # Killed with its WAL not folded back: reading it needs SQLite's recovery.
    assert workspace.with_name(workspace.name + "-wal").stat().st_size > 0

    # The dead writer's record is still in the lock file, but no lock is held any more.
    stale = read_holder(workspace)
    assert stale is not None and stale.pid == writer.pid and stale.app == "crash writer"

    result = spawn_cli(cli.home, "--json", "check")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["integrity"] == "ok" and report["locked_by"] is None

    # A new writer opens it: every committed transaction is there, and only whole ones.
    with Workspace.open(workspace, app="new writer") as ws:
        with ws.reading() as db:
            count = db.execute("SELECT count(*) FROM settings WHERE key LIKE 'crash-%'").fetchone()[
                0
            ]
        assert count >= seen * rows
        assert count % rows == 0
        ws.set_setting("after-crash", True)
        holder = read_holder(workspace)
        assert holder is not None and holder.pid == os.getpid()
    assert cli.ok("--json", "check").data["integrity"] == "ok"
    assert cli.ok("clients", "rename", "acme", "After crash").code == 0
