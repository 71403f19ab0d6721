"""Every CLI error with its documented exit code, and that a refused command changes nothing.

Exit codes (cli.py, docs/en/command-line.md): 2 usage, 3 workspace locked, 4 invalid or
damaged data. A client, file or backup that does not exist is `NotFound`, an
`InvalidData` (4); a value the workspace refuses (name, slug, time zone) is 4 too, while
argparse's own checks (unknown command or option, a --language outside its choices) are 2.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_support import Cli, corrupt_pages, spawn_cli


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("LANGUAGE", "en")  # messages are asserted in English
    monkeypatch.delenv("CMDESK_HOME", raising=False)
    return Cli(tmp_path / "home", capsys)


def workspace_files(cli: Cli) -> list[str]:
    folder = cli.home / "clients"
    return sorted(p.name for p in folder.glob("*.cmdesk")) if folder.is_dir() else []


# -- usage (2) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["clients", "list", "--bogus"], "unrecognized arguments: --bogus"),
        (["--bogus", "clients", "list"], "unrecognized arguments: --bogus"),
        (["clients"], "required: ACTION"),
        (["clients", "explode"], "invalid choice: 'explode'"),
        (["clients", "create"], "required: NAME"),
        (["clients", "rename", "acme"], "required: NAME"),
        (["clients", "create", "A", "--language", "de"], "invalid choice: 'de'"),
        (["demo", "--reset", "now"], "unrecognized arguments: now"),
        (["restore"], "required: FILE"),
        (["secrets"], "required: ACTION"),
        (["secrets", "unlock"], "invalid choice: 'unlock'"),
    ],
)
def test_argparse_usage_errors_exit_2(cli: Cli, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.code == 2
    assert message in result.err
    assert result.err.startswith("usage: cmdesk")
    assert workspace_files(cli) == []  # nothing was created on the way


def test_usage_errors_exit_2_from_a_real_process(tmp_path: Path) -> None:
    # The process exit status, not only main()'s value, is what cron and CI see.
    result = spawn_cli(tmp_path / "home", "frobnicate")
    assert result.returncode == 2 and "invalid choice" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["check"], ["backup"]])
def test_no_client_yet_exits_2(cli: Cli, command: list[str]) -> None:
    result = cli(*command)
    assert result.code == 2
    assert "There is no client yet" in result.err and "cmdesk clients create" in result.err
    json_result = cli("--json", *command)
    assert json_result.code == 2
    assert json_result.data == {"error": json_result.err[len("cmdesk: ") :].strip(), "exit_code": 2}


@pytest.mark.parametrize("command", [["check"], ["backup"]])
def test_several_clients_without_client_exit_2(cli: Cli, command: list[str]) -> None:
    cli.ok("clients", "create", "Acme")
    cli.ok("clients", "create", "Beta")
    cli.ok("clients", "archive", "beta")  # archived clients count too: they can be chosen
    result = cli(*command)
    assert result.code == 2
    assert "--client" in result.err and "acme, beta" in result.err
    assert not (cli.home / "backups" / "acme").exists()


def test_missing_workspace_path_exits_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("--client", str(tmp_path / "nowhere" / "x.cmdesk"), "check")
    assert result.code == 2 and "There is no workspace at" in result.err


def test_delete_without_yes_exits_2_and_keeps_the_client(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    before = cli.workspace("acme").read_bytes()
    result = cli("clients", "delete", "acme")
    assert result.code == 2
    assert "--yes" in result.err and str(cli.home / "backups") in result.err
    assert cli.workspace("acme").read_bytes() == before
    assert not (cli.home / "backups" / "acme").exists()  # not even a final backup


# -- invalid values and unknown clients (4) ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["clients", "create", ""], "The client needs a name."),
        (["clients", "create", "   "], "The client needs a name."),
        (["clients", "create", "x" * 121], "too long"),
        (["clients", "create", "A", "--timezone", "Paris"], "“Paris” is not a known time zone"),
        (["clients", "create", "A", "--timezone", "../../etc/passwd"], "not a known time zone"),
        (["clients", "create", "A", "--slug", "Bad Slug"], "“Bad Slug” is not a valid identifier"),
        (["clients", "create", "A", "--slug", "acme-"], "“acme-” is not a valid identifier"),
    ],
)
def test_refused_profile_values_exit_4_and_create_nothing(
    cli: Cli, args: list[str], message: str
) -> None:
    result = cli(*args)
    assert result.code == 4, result.err
    assert message in result.err
    assert workspace_files(cli) == []
    # Not even a lock file: the values are checked before anything is written.
    assert list(cli.home.glob("clients/*.lock")) == []


def test_duplicate_slug_exits_4_and_leaves_the_first_client(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme", "--slug", "acme")
    before = cli.workspace("acme").read_bytes()
    result = cli("clients", "create", "Other", "--slug", "acme")
    assert result.code == 4 and "“acme” already exists" in result.err
    assert cli.workspace("acme").read_bytes() == before
    assert workspace_files(cli) == ["acme.cmdesk"]


def test_rename_onto_an_existing_slug_exits_4(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    cli.ok("clients", "create", "Beta")
    acme, beta = cli.workspace("acme").read_bytes(), cli.workspace("beta").read_bytes()
    result = cli("clients", "rename", "acme", "Beta two", "--new-slug", "beta")
    assert result.code == 4 and "“beta” already exists" in result.err
    assert cli.workspace("acme").read_bytes() == acme
    assert cli.workspace("beta").read_bytes() == beta


@pytest.mark.parametrize(
    "args",
    [
        ["clients", "rename", "ghost", "X"],
        ["clients", "archive", "ghost"],
        ["clients", "unarchive", "ghost"],
        ["clients", "delete", "ghost", "--yes"],
        ["--client", "ghost", "check"],
        ["--client", "ghost", "backup"],
    ],
)
def test_unknown_client_slug_exits_4(cli: Cli, args: list[str]) -> None:
    cli.ok("clients", "create", "Acme")
    result = cli(*args)
    assert result.code == 4, result.err
    assert "There is no client “ghost”" in result.err
    assert workspace_files(cli) == ["acme.cmdesk"]


def test_unknown_client_json_error(cli: Cli) -> None:
    result = cli("--json", "--client", "ghost", "check")
    assert result.code == 4
    assert result.data["exit_code"] == 4 and "ghost" in result.data["error"]
    assert result.err.startswith("cmdesk: There is no client")


# -- damaged data (4) -------------------------------------------------------------------------


def test_check_a_garbage_copy_exits_4(cli: Cli, tmp_path: Path) -> None:
    cli.ok("clients", "create", "Acme")
    copy = tmp_path / "copy.cmdesk"
    copy.write_bytes(b"\x00garbage, not SQLite at all" * 500)
    damaged = copy.read_bytes()
    result = cli("--client", str(copy), "check")
    assert result.code == 4
    assert "Integrity: DAMAGED (not an SQLite database)" in result.out
    assert "No good backup was found." in result.out
    report = cli("--json", "--client", str(copy), "check")
    assert report.code == 4
    assert report.data["integrity"] == "damaged"
    assert report.data["detail"] == "not an SQLite database"
    assert report.data["latest_good_backup"] is None
    assert copy.read_bytes() == damaged  # check only reads
    # The original, next to the damaged copy, is still fine.
    assert cli.ok("--json", "check").data["integrity"] == "ok"


def test_check_damaged_pages_offers_the_latest_good_backup(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    good = cli.ok("--json", "backup").data["path"]
    damaged = corrupt_pages(cli.workspace("acme"))
    report = cli("--json", "check")
    assert report.code == 4
    assert report.data["integrity"] == "damaged" and report.data["detail"]
    assert report.data["latest_good_backup"] == good
    human = cli("check")
    assert human.code == 4 and f"cmdesk restore {good}" in human.out
    assert cli.workspace("acme").read_bytes() == damaged


def test_damaged_client_is_flagged_in_the_list(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    cli.workspace("acme").write_bytes(b"garbage" * 1000)
    assert "[damaged: " in cli.ok("clients", "list").out
    (entry,) = cli.ok("--json", "clients", "list").data
    assert entry["slug"] == "acme" and entry["error"]


@pytest.mark.parametrize("kind", ["garbage", "damaged pages", "empty", "plain sqlite", "folder"])
def test_refused_restore_exits_4_and_changes_nothing(cli: Cli, tmp_path: Path, kind: str) -> None:
    cli.ok("clients", "create", "Acme")
    workspace = cli.workspace("acme")
    source = tmp_path / "source.cmdesk"
    if kind == "garbage":
        source.write_bytes(b"\xde\xad\xbe\xef" * 4096)
    elif kind == "damaged pages":
        source.write_bytes(workspace.read_bytes())
        corrupt_pages(source)
    elif kind == "empty":
        source.write_bytes(b"")
    elif kind == "plain sqlite":
        db = sqlite3.connect(source)
        db.execute("CREATE TABLE t (x)")
        db.commit()
        db.close()
    else:
        source.mkdir()
    before = workspace.read_bytes()
    result = cli("--client", "acme", "restore", str(source))
    assert result.code == 4, (kind, result.err)
    assert result.err.startswith("cmdesk: ")
    assert workspace.read_bytes() == before  # byte for byte
    assert workspace_files(cli) == ["acme.cmdesk"]
    assert sorted(p.name for p in workspace.parent.iterdir()) == ["acme.cmdesk", "acme.cmdesk.lock"]
    assert not (cli.home / "backups" / "acme").exists()  # not even a pre-restore backup


def test_restore_of_a_missing_file_exits_4(cli: Cli, tmp_path: Path) -> None:
    result = cli("--json", "restore", str(tmp_path / "nope.cmdesk"))
    assert result.code == 4
    assert result.data["exit_code"] == 4 and "There is no backup at" in result.data["error"]


def test_backup_of_a_damaged_workspace_exits_4_without_a_copy(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    cli.workspace("acme").write_bytes(b"garbage" * 4096)
    result = cli("backup")
    assert result.code == 4, result.err
    assert result.err.startswith("cmdesk: ") and "Traceback" not in result.err
    folder = cli.home / "backups" / "acme"
    assert not folder.exists() or list(folder.iterdir()) == []  # no false safety net


def test_backup_of_damaged_pages_exits_4(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    corrupt_pages(cli.workspace("acme"))
    result = cli("--json", "backup")
    assert result.code == 4 and result.data["exit_code"] == 4
    assert "damaged" in result.data["error"]
    assert list((cli.home / "backups" / "acme").iterdir()) == []


def test_delete_of_a_damaged_workspace_exits_4_and_keeps_it(cli: Cli) -> None:
    cli.ok("clients", "create", "Acme")
    cli.workspace("acme").write_bytes(b"garbage" * 4096)
    result = cli("clients", "delete", "acme", "--yes")
    assert result.code == 4, result.err
    # Without a good final backup the file is the only copy left: it must stay.
    assert cli.workspace("acme").read_bytes() == b"garbage" * 4096


@pytest.mark.parametrize(
    "args", [["clients", "rename", "acme", "X"], ["clients", "archive", "acme"]]
)
def test_writing_to_a_damaged_workspace_exits_4(cli: Cli, args: list[str]) -> None:
    cli.ok("clients", "create", "Acme")
    damaged = corrupt_pages(cli.workspace("acme"))
    result = cli(*args)
    assert result.code == 4 and "is damaged" in result.err
    assert cli.workspace("acme").read_bytes() == damaged
