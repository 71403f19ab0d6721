"""Every CLI command's success path, for people (text) and for scripts (--json).

Each test has its own home under tmp_path; the CLI runs in this process through
`cmdesk.cli.main`, so no test touches the user's data.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

import pytest
from cli_support import Cli

from cmdesk import __version__
from cmdesk.cli import build_parser
from cmdesk.i18n import set_language
from cmdesk.store.backup import verify_backup
from cmdesk.store.lock import lock_path_for
from cmdesk.store.workspace import Workspace


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    # main() picks the language from the environment: pin English for the assertions.
    monkeypatch.setenv("LANGUAGE", "en")
    monkeypatch.delenv("CMDESK_HOME", raising=False)
    return Cli(tmp_path / "home", capsys)


def profile_row(path: Path) -> dict[str, object]:
    """The stored profile, read straight from the file (read-only)."""
    db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM client WHERE id = 1").fetchone()
        return dict(row)
    finally:
        db.close()


# -- version and parser -----------------------------------------------------------------------


def test_version_prints_the_package_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.code == 0
    assert result.out.strip() == f"cmdesk {__version__}"


def _walk(parser: argparse.ArgumentParser, path: str, seen: list[str], missing: list[str]) -> None:
    """Visit every parser below `parser`, noting commands and options without help."""
    seen.append(path)
    if not (parser.description or "").strip():
        missing.append(f"{path}: no description")
    # Rendering the help catches a stray "%" in a help text, which breaks --help only.
    parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                if not (helps.get(name) or "").strip():
                    missing.append(f"{path} {name}: no help in the command list")
                _walk(sub, f"{path} {name}", seen, missing)
            continue
        label = "/".join(action.option_strings) or action.dest
        if not action.help or action.help == argparse.SUPPRESS or not action.help.strip():
            missing.append(f"{path} {label}: no help")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_command_and_option_has_help(language: str) -> None:
    set_language(language)  # help texts are translated when the parser is built
    try:
        seen: list[str] = []
        missing: list[str] = []
        _walk(build_parser(), "cmdesk", seen, missing)
    finally:
        set_language("en")
    assert missing == []
    # The walk must reach the commands, or an empty walk would pass.
    expected = {
        "cmdesk clients list",
        "cmdesk clients create",
        "cmdesk clients rename",
        "cmdesk clients archive",
        "cmdesk clients unarchive",
        "cmdesk clients delete",
        "cmdesk demo",
        "cmdesk check",
        "cmdesk backup",
        "cmdesk restore",
        "cmdesk secrets check",
        "cmdesk gui",
    }
    assert expected <= set(seen), expected - set(seen)


# -- clients ----------------------------------------------------------------------------------


def test_clients_list_when_empty(cli: Cli) -> None:
    assert cli.ok("clients", "list").out.strip() == "No clients yet."
    assert cli.ok("--json", "clients", "list").data == []


def test_clients_create_human(cli: Cli) -> None:
    result = cli.ok(
        "clients", "create", "Boulangerie Été", "--timezone", "America/Montreal",
        "--language", "en", "--sector", "Food", "--keywords", "pain, levain ,, croissant",
    )  # fmt: skip
    path = cli.workspace("boulangerie-ete")
    assert result.out.strip() == f"Created client “Boulangerie Été” (boulangerie-ete) in {path}"
    row = profile_row(path)
    assert (row["name"], row["slug"], row["language"], row["timezone"], row["sector"]) == (
        "Boulangerie Été",
        "boulangerie-ete",
        "en",
        "America/Montreal",
        "Food",
    )
    # Empty keywords between commas are dropped, the others trimmed.
    assert json.loads(str(row["keywords"])) == ["pain", "levain", "croissant"]
    # The CLI closed the workspace: its lock is free and its record cleared.
    assert lock_path_for(path).read_text() == ""


def test_clients_create_json_and_defaults(cli: Cli) -> None:
    made = cli.ok("--json", "clients", "create", "Acme", "--slug", "acme-co").data
    path = cli.workspace("acme-co")
    assert made == {"slug": "acme-co", "name": "Acme", "path": str(path)}
    row = profile_row(path)
    assert (row["language"], row["timezone"], row["archived"]) == ("fr", "Europe/Paris", 0)
    # The same name again gets a new identifier instead of replacing the first client.
    again = cli.ok("--json", "clients", "create", "Acme").data
    third = cli.ok("--json", "clients", "create", "Acme").data
    assert (again["slug"], third["slug"]) == ("acme", "acme-2")


def test_clients_list_human_and_json(cli: Cli) -> None:
    cli.ok("clients", "create", "Zoé", "--timezone", "Europe/Brussels", "--sector", "Retail")
    cli.ok("clients", "create", "Éclair")
    cli.ok("clients", "create", "banane")
    text = cli.ok("clients", "list").out.splitlines()
    # Sorted by name, accents and case ignored; the slug is padded to a column.
    assert text == [f"{'banane':<28} banane", f"{'eclair':<28} Éclair", f"{'zoe':<28} Zoé"]
    listed = cli.ok("clients", "list", "--json").data
    assert [c["slug"] for c in listed] == ["banane", "eclair", "zoe"]
    zoe = listed[2]
    assert zoe == {
        "slug": "zoe",
        "path": str(cli.workspace("zoe")),
        "name": "Zoé",
        "language": "fr",
        "timezone": "Europe/Brussels",
        "sector": "Retail",
        "colour": zoe["colour"],
        "archived": False,
        "error": "",
    }


def test_clients_rename_keeps_the_slug(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    result = cli.ok("clients", "rename", "acme", "Acme & Fils")
    assert result.out.strip() == "Renamed to “Acme & Fils” (acme)."
    assert profile_row(cli.workspace("acme"))["name"] == "Acme & Fils"
    data = cli.ok("--json", "clients", "rename", "acme", "Acme Trois").data
    assert data == {"slug": "acme", "name": "Acme Trois", "path": str(cli.workspace("acme"))}
    assert [c["name"] for c in cli.ok("--json", "clients", "list").data] == ["Acme Trois"]


def test_clients_rename_with_new_slug_moves_file_and_backups(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    old_backup = Path(cli.ok("--json", "backup").data["path"])
    data = cli.ok("--json", "clients", "rename", "acme", "Nova", "--new-slug", "nova").data
    new_path = cli.workspace("nova")
    assert data == {"slug": "nova", "name": "Nova", "path": str(new_path)}
    assert new_path.is_file() and not cli.workspace("acme").exists()
    assert not lock_path_for(cli.workspace("acme")).exists()
    row = profile_row(new_path)
    assert (row["name"], row["slug"]) == ("Nova", "nova")
    # The backups follow the client, renamed so they stay listed under its new name.
    assert not old_backup.exists()
    moved = sorted(p.name for p in (cli.home / "backups" / "nova").iterdir())
    assert moved == [old_backup.name.replace("acme-", "nova-", 1)]
    report = cli.ok("--json", "check").data
    assert report["path"] == str(new_path) and report["backup_age_hours"] is not None


def test_clients_archive_and_unarchive(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    cli.ok("clients", "create", "Beta")
    assert cli.ok("clients", "archive", "acme").out.strip() == "Client acme archived."
    assert profile_row(cli.workspace("acme"))["archived"] == 1
    # Hidden from the list, still there with --all, flagged.
    assert [c["slug"] for c in cli.ok("--json", "clients", "list").data] == ["beta"]
    every = cli.ok("clients", "list", "--all").out.splitlines()
    assert every[0] == f"{'acme':<28} Acme  [archived]"
    assert every[1] == f"{'beta':<28} Beta"
    listed = {c["slug"]: c["archived"] for c in cli.ok("--json", "clients", "list", "--all").data}
    assert listed == {"acme": True, "beta": False}

    result = cli.ok("clients", "unarchive", "acme")
    assert result.out.strip() == "Client acme restored from archive."
    assert cli.ok("--json", "clients", "archive", "beta").data == {
        "slug": "beta",
        "archived": True,
    }
    assert cli.ok("--json", "clients", "unarchive", "beta").data == {
        "slug": "beta",
        "archived": False,
    }
    assert [c["slug"] for c in cli.ok("--json", "clients", "list").data] == ["acme", "beta"]


def test_clients_delete_keeps_a_verified_final_backup(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    cli.ok("clients", "create", "Beta")
    path = cli.workspace("acme")
    result = cli.ok("clients", "delete", "acme", "--yes")
    assert result.out.startswith("Client acme deleted. Its final backup: ")
    final = Path(result.out.strip().rsplit(": ", 1)[1])
    assert final.parent == cli.home / "backups" / "acme" and "-final-" in final.name
    verify_backup(final)  # raises if the copy is not a sound workspace
    assert profile_row(final)["name"] == "Acme"
    assert not path.exists() and not lock_path_for(path).exists()
    assert not path.with_name(path.name + "-wal").exists()

    data = cli.ok("--json", "clients", "delete", "beta", "--yes").data
    assert data["slug"] == "beta" and data["deleted"] is True
    assert Path(data["final_backup"]).is_file()
    assert cli.ok("clients", "list", "--all").out.strip() == "No clients yet."


# -- demo -------------------------------------------------------------------------------------


def test_demo_and_demo_reset(cli: Cli) -> None:
    result = cli.ok("demo")
    path = cli.workspace("demo-fournil-de-lea")
    assert result.out.strip() == f"Demo client ready: {path}"
    assert profile_row(path)["name"] == "Le Fournil de Léa"
    with Workspace.open(path, app="test") as ws:
        ws.set_setting("test.marker", "kept")  # tells a rebuilt demo from the same one

    # Without --reset the existing demo is left as it is.
    data = cli.ok("--json", "demo").data
    assert data == {"slug": "demo-fournil-de-lea", "path": str(path)}
    with Workspace.open(path, app="test") as ws:
        assert ws.get_setting("test.marker") == "kept"

    assert cli.ok("--json", "demo", "--reset").data["path"] == str(path)
    with Workspace.open(path, app="test") as ws:
        assert ws.get_setting("test.marker") is None
    # The replaced demo was backed up first, with the marker in it.
    finals = list((cli.home / "backups" / "demo-fournil-de-lea").glob("*-final-*.cmdesk"))
    assert len(finals) == 1
    with Workspace.open(finals[0], app="test") as old:
        assert old.get_setting("test.marker") == "kept"


# -- check, backup, restore -------------------------------------------------------------------


def test_check_human_then_after_a_backup(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    path = cli.workspace("acme")
    lines = cli.ok("check").out.splitlines()
    assert lines[:4] == [
        f"Workspace: {path}",
        "Integrity: ok",
        "Open in: nothing (not locked)",
        "Last backup: none",
    ]
    cli.ok("backup")
    assert "Last backup: just now" in cli.ok("check").out.splitlines()


def test_check_json(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    report = cli.ok("--json", "check").data
    assert report["path"] == str(cli.workspace("acme"))
    assert (report["integrity"], report["detail"]) == ("ok", "")
    assert report["locked_by"] is None and report["backup_age_hours"] is None
    assert report["location_warning"] is None or isinstance(report["location_warning"], str)
    assert "latest_good_backup" not in report  # only offered for a damaged workspace
    cli.ok("backup")
    assert cli.ok("check", "--json").data["backup_age_hours"] == 0.0


def test_check_a_workspace_given_by_path(cli: Cli, tmp_path: Path) -> None:
    cli.ok("clients", "create", "Acme")
    cli.ok("clients", "create", "Beta")
    # A .cmdesk file outside the home folder, named with --client.
    outside = tmp_path / "elsewhere" / "copy.cmdesk"
    outside.parent.mkdir()
    outside.write_bytes(cli.workspace("beta").read_bytes())
    report = cli.ok("--json", "--client", str(outside), "check").data
    assert report["path"] == str(outside) and report["integrity"] == "ok"
    # With several clients, --client picks one (before or after the command).
    assert cli.ok("--client", "acme", "--json", "check").data["path"] == str(cli.workspace("acme"))
    assert cli.ok("check", "--client", "beta", "--json").data["path"] == str(cli.workspace("beta"))


def test_backup_human_and_json(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    result = cli.ok("backup")
    assert result.out.startswith("Backup written and verified: ")
    first = Path(result.out.strip().split(": ", 1)[1])
    assert first.parent == cli.home / "backups" / "acme"
    assert first.name.startswith("acme-manual-") and first.is_file()
    data = cli.ok("--json", "backup").data
    second = Path(data["path"])
    # Two backups in the same second never overwrite each other.
    assert second != first and first.is_file() and second.is_file()
    assert data["kind"] == "manual" and data["size"] == second.stat().st_size
    verify_backup(second)
    assert profile_row(second)["name"] == "Acme"
    assert not list(second.parent.glob("*.partial"))


def test_restore_brings_back_the_backup_and_keeps_the_current_state(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    path = cli.workspace("acme")
    backup = Path(cli.ok("--json", "backup").data["path"])
    cli.ok("clients", "rename", "acme", "Changed")

    result = cli.ok("restore", str(backup))
    lines = result.out.splitlines()
    assert lines[0] == f"Restored {path} from {backup}."
    assert lines[1].startswith("The previous version was kept: ")
    kept = Path(lines[1].split(": ", 1)[1])
    assert "-pre-restore-" in kept.name
    assert profile_row(path)["name"] == "Acme"
    assert profile_row(kept)["name"] == "Changed"  # nothing is lost on the way

    cli.ok("clients", "rename", "acme", "Changed again")
    data = cli.ok("--json", "restore", str(backup)).data
    assert data["restored"] == str(path) and data["from"] == str(backup)
    assert profile_row(Path(data["previous"]))["name"] == "Changed again"
    assert profile_row(path)["name"] == "Acme"
    assert cli.ok("--json", "check").data["integrity"] == "ok"


def test_restore_a_deleted_client_and_into_another_target(cli: Cli, tmp_path: Path) -> None:
    cli.ok("clients", "create", "Acme")
    final = Path(cli.ok("--json", "clients", "delete", "acme", "--yes").data["final_backup"])
    # No workspace any more: the backup goes back to the client it was taken from.
    result = cli.ok("restore", str(final))
    assert result.out.strip() == f"Restored {cli.workspace('acme')} from {final}."
    assert [c["slug"] for c in cli.ok("--json", "clients", "list").data] == ["acme"]

    copy = cli.ok("--json", "--client", "acme-copy", "restore", str(final)).data
    assert copy == {
        "restored": str(cli.workspace("acme-copy")),
        "from": str(final),
        "previous": None,
    }
    outside = tmp_path / "out" / "other.cmdesk"
    data = cli.ok("--json", "--client", str(outside), "restore", str(final)).data
    assert data["restored"] == str(outside) and profile_row(outside)["name"] == "Acme"


# -- secrets ----------------------------------------------------------------------------------


def test_secrets_check_human_and_json(cli: Cli) -> None:
    # No keyring service is guaranteed here: either answer is fine, but it must say why.
    result = cli("secrets", "check")
    assert result.code in (0, 6), result.err
    assert result.out.strip()
    data = cli("--json", "secrets", "check")
    assert data.code == result.code
    report = data.data
    assert isinstance(report["message"], str) and report["message"].strip()
    assert report["ok"] is (data.code == 0)


# -- language ---------------------------------------------------------------------------------


def test_messages_follow_the_environment_language(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "fr")
    try:
        assert cli.ok("clients", "list").out.strip() == "Aucun client pour l'instant."
    finally:
        set_language("en")
