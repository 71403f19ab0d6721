"""Backups and restores: verified copies, rotation, and no data lost on the way back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.store import backup as backups
from cmdesk.store import home as clients
from cmdesk.store.errors import WorkspaceCorrupt, WorkspaceLocked
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace


class FakeClock:
    """Backups are named and rotated by time: tests move time forward instead of waiting."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        monkeypatch.setattr(backups, "utc_now", lambda: self.now)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def _client(home: Home, name: str = "Le Fournil") -> Path:
    with clients.create_client(home, name) as ws:
        ws.set_setting("posts", ["bonjour"])
        return ws.path


def test_round_trip_restores_the_exact_state(home: Home) -> None:
    path = _client(home)
    taken = backups.backup(home, path)
    assert taken.kind == "manual" and taken.path.parent == home.backups_dir(path)
    with Workspace.open(path) as ws:
        ws.set_setting("posts", ["bonjour", "oups"])
        ws.update_profile(name="Renamed by mistake")

    kept = backups.restore(home, taken.path, path)

    with Workspace.open(path) as ws:
        assert ws.get_setting("posts") == ["bonjour"]
        assert ws.profile().name == "Le Fournil"
    # The state replaced by the restore was itself backed up, so the restore can be undone.
    assert kept is not None
    pre = [b for b in backups.list_backups(home, path) if b.kind == "pre-restore"]
    assert [b.path for b in pre] == [kept]
    with Workspace.open(kept) as ws:
        assert ws.get_setting("posts") == ["bonjour", "oups"]


def test_backup_of_an_open_workspace_is_consistent(home: Home) -> None:
    # The GUI keeps the workspace open (WAL, uncheckpointed writes) while backing up.
    path = _client(home)
    with Workspace.open(path) as ws:
        for i in range(300):
            ws.set_setting(f"k{i}", i)
        taken = backups.backup(home, path)
    assert not taken.path.with_name(taken.path.name + "-wal").exists()
    with Workspace.open(taken.path) as copy:
        assert copy.get_setting("k299") == 299


def test_progress_is_reported(home: Home) -> None:
    path = _client(home)
    seen: list[tuple[int, int]] = []
    backups.backup(home, path, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] > 0


def test_two_backups_in_one_second_are_both_listed(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeClock(monkeypatch)
    path = _client(home)
    first = backups.backup(home, path)
    second = backups.backup(home, path)
    assert first.path != second.path
    assert [b.path for b in backups.list_backups(home, path)] == [second.path, first.path]


def test_auto_backup_at_most_daily_and_rotated(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock(monkeypatch)
    path = _client(home)
    manual = backups.backup(home, path, "manual")
    assert backups.auto_backup_if_due(home, path) is None  # a backup is less than a day old
    taken = []
    for _day in range(10):
        clock.advance(days=1)
        info = backups.auto_backup_if_due(home, path)
        assert info is not None
        taken.append(info.path)
        clock.advance(hours=3)
        assert backups.auto_backup_if_due(home, path) is None
    autos = [b.path for b in backups.list_backups(home, path) if b.kind == "auto"]
    assert autos == list(reversed(taken))[: backups.KEEP["auto"]]
    # Manual backups are the user's: never rotated away.
    assert manual.path.exists()


def test_restore_over_a_damaged_workspace_sets_it_aside(home: Home) -> None:
    path = _client(home)
    good = backups.backup(home, path)
    damaged = b"SQLite format 3\x00" + b"\xff" * 8000
    path.write_bytes(damaged)
    with pytest.raises(WorkspaceCorrupt):
        Workspace.open(path)
    assert backups.latest_good_backup(home, path) == good

    kept = backups.restore(home, good.path, path)

    assert kept is not None and ".corrupt-" in kept.name
    assert kept.read_bytes() == damaged  # kept for a specialist, never silently dropped
    with Workspace.open(path) as ws:
        assert ws.get_setting("posts") == ["bonjour"]


def test_latest_good_backup_skips_damaged_backups(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(monkeypatch)
    path = _client(home)
    older = backups.backup(home, path)
    clock.advance(hours=1)
    newer = backups.backup(home, path)
    newer.path.write_bytes(newer.path.read_bytes()[:2048])  # truncated by a full disk
    assert backups.latest_good_backup(home, path) == older
    older.path.write_bytes(b"nothing")
    assert backups.latest_good_backup(home, path) is None


def test_restore_refuses_bad_sources_and_changes_nothing(home: Home, tmp_path: Path) -> None:
    path = _client(home)
    before = path.read_bytes()
    garbage = tmp_path / "garbage.cmdesk"
    garbage.write_bytes(b"not a database at all")
    with pytest.raises(WorkspaceCorrupt):
        backups.restore(home, garbage, path)
    with pytest.raises(NotFound):
        backups.restore(home, tmp_path / "missing.cmdesk", path)
    foreign = tmp_path / "foreign.cmdesk"
    import sqlite3

    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE x (y)")
    db.commit()
    db.close()
    with pytest.raises(InvalidData, match="not a cmdesk workspace"):
        backups.restore(home, foreign, path)
    assert path.read_bytes() == before
    assert backups.list_backups(home, path) == []


def test_restore_waits_for_the_writer(home: Home) -> None:
    path = _client(home)
    taken = backups.backup(home, path)
    with Workspace.open(path), pytest.raises(WorkspaceLocked):
        backups.restore(home, taken.path, path)


def test_delete_keeps_a_final_backup(home: Home) -> None:
    path = _client(home)
    final = clients.delete_client(home, path.stem)
    assert not path.exists()
    assert not path.with_name(path.name + ".lock").exists()
    assert clients.list_clients(home, include_archived=True) == []
    with Workspace.open(final) as ws:
        assert ws.get_setting("posts") == ["bonjour"]
    # The final backup can bring the client back.
    backups.restore(home, final, path)
    assert [c.name for c in clients.list_clients(home)] == ["Le Fournil"]


def test_delete_of_an_open_client_is_refused(home: Home) -> None:
    path = _client(home)
    with Workspace.open(path), pytest.raises(WorkspaceLocked):
        clients.delete_client(home, path.stem)
    assert path.exists()


def test_a_stopped_backup_leaves_nothing_behind(home: Home) -> None:
    path = _client(home)
    with Workspace.open(path) as ws:
        for i in range(3000):  # enough pages for several progress steps
            ws.set_setting(f"k{i}", "x" * 500)

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt  # what the app's closing does, through its task context

    with pytest.raises(KeyboardInterrupt):
        backups.auto_backup_if_due(home, path, progress=stop)
    assert backups.list_backups(home, path) == []
    assert list(home.backups_dir(path).glob("*.partial")) == []


def test_a_stopped_check_is_not_a_damaged_file(tmp_path: Path) -> None:
    from cmdesk.core.client import ClientProfile

    with Workspace.create(tmp_path / "w.cmdesk", ClientProfile(name="W", slug="w")) as ws:
        for i in range(2000):
            ws.set_setting(f"k{i}", "x" * 500)
        ws.verify(stop=lambda: True)  # interrupted at once: no error
        ws.verify()  # and a full run finds nothing wrong
