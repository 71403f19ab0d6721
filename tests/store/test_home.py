"""The home folder's clients: create, list, rename, archive, the demo client."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.store import backup as backups
from cmdesk.store import home as clients
from cmdesk.store.demo import DEMO_SLUG, build_demo
from cmdesk.store.errors import WorkspaceLocked
from cmdesk.store.paths import Home, resolve_home
from cmdesk.store.workspace import Workspace


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home")


def test_home_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMDESK_HOME", str(tmp_path / "env"))
    assert resolve_home(tmp_path / "flag").root == tmp_path / "flag"
    assert resolve_home(None).root == tmp_path / "env"
    monkeypatch.setenv("CMDESK_HOME", "  ")
    assert resolve_home(None).root.name == "cmdesk"  # the platform's user data folder


def test_create_list_and_unique_slugs(home: Home) -> None:
    for name in ("Zoé Fleurs", "Boulangerie Été", "Élan Vital", "Boulangerie Ete"):
        clients.create_client(home, name, timezone="America/Montreal", language="en").close()
    listed = clients.list_clients(home)
    assert [(c.slug, c.name) for c in listed] == [
        ("boulangerie-ete-2", "Boulangerie Ete"),
        ("boulangerie-ete", "Boulangerie Été"),
        ("elan-vital", "Élan Vital"),  # with the E's, not after Z
        ("zoe-fleurs", "Zoé Fleurs"),
    ]
    assert {c.timezone for c in listed} == {"America/Montreal"}
    assert sorted(p.name for p in home.clients_dir.glob("*.cmdesk")) == sorted(
        f"{c.slug}.cmdesk" for c in listed
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "needs a name"),
        ({"name": "x" * 121}, "too long"),
        ({"name": "A", "slug": "Bad Slug"}, "not a valid identifier"),
        ({"name": "A", "timezone": "Paris"}, "not a known time zone"),
        ({"name": "A", "language": "de"}, "not supported"),
        ({"name": "A", "colour": "red"}, "not a colour"),
        ({"name": "A", "logo": b"GIF89a", "logo_mime": "image/gif"}, "PNG, JPEG or SVG"),
        ({"name": "A", "logo": b"x" * 600_000, "logo_mime": "image/png"}, "too large"),
    ],
)
def test_invalid_profiles_are_refused_and_leave_nothing(
    home: Home, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidData, match=message):
        clients.create_client(home, **fields).close()  # type: ignore[arg-type]
    assert clients.list_clients(home, include_archived=True) == []


def test_duplicate_slug_is_refused(home: Home) -> None:
    clients.create_client(home, "A", slug="a").close()
    with pytest.raises(InvalidData, match="already exists"):
        clients.create_client(home, "Another", slug="a")


def test_damaged_file_is_listed_with_its_problem(home: Home) -> None:
    clients.create_client(home, "Good").close()
    (home.clients_dir / "broken.cmdesk").write_bytes(b"\x00" * 100)
    listed = {c.slug: c for c in clients.list_clients(home)}
    assert listed["good"].error == ""
    assert listed["broken"].error  # shown as damaged, not hidden, not crashing the list


def test_rename_moves_file_and_backups(home: Home) -> None:
    with clients.create_client(home, "Old Name") as ws:
        path = ws.path
    backups.backup(home, path)
    target = clients.rename_client(home, "old-name", "New Name", "new-name")
    assert target == home.workspace_path("new-name")
    assert not path.exists()
    assert not path.with_name(path.name + ".lock").exists()
    with Workspace.open(target) as ws:
        assert (ws.profile().name, ws.profile().slug) == ("New Name", "new-name")
    moved = backups.list_backups(home, target)
    assert len(moved) == 1 and moved[0].path.name.startswith("new-name-manual-")
    with pytest.raises(NotFound):
        clients.find_client(home, "old-name")


def test_rename_to_an_existing_slug_changes_nothing(home: Home) -> None:
    clients.create_client(home, "A", slug="a").close()
    clients.create_client(home, "B", slug="b").close()
    with pytest.raises(InvalidData, match="already exists"):
        clients.rename_client(home, "a", "A2", "b")
    assert [c.name for c in clients.list_clients(home)] == ["A", "B"]


def test_archive_hides_from_default_list(home: Home) -> None:
    clients.create_client(home, "A", slug="a").close()
    clients.set_archived(home, "a", True)
    assert clients.list_clients(home) == []
    assert [c.archived for c in clients.list_clients(home, include_archived=True)] == [True]
    clients.set_archived(home, "a", False)
    assert [c.slug for c in clients.list_clients(home)] == ["a"]


def test_demo_client_and_reset(home: Home) -> None:
    path = build_demo(home)
    assert path == home.workspace_path(DEMO_SLUG)
    with Workspace.open(path) as ws:
        profile = ws.profile()
        assert profile.language == "fr" and profile.logo
        ws.update_profile(name="Changed")
    assert build_demo(home) == path  # an existing demo is kept as is
    with Workspace.open(path) as ws:
        assert ws.profile().name == "Changed"
        # A reset while the demo is open must not pull the file from under its user.
        with pytest.raises(WorkspaceLocked):
            build_demo(home, reset=True)
    build_demo(home, reset=True)
    with Workspace.open(path) as ws:
        assert ws.profile().name != "Changed"
    finals = [b for b in backups.list_backups(home, path) if b.kind == "final"]
    assert len(finals) == 1  # the changed demo was backed up before the reset
