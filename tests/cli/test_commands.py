"""Every command, for people and for scripts (--json), with its documented exit code."""

from __future__ import annotations

import argparse
import sqlite3
import textwrap
from pathlib import Path

import pytest

from cli_spawn import spawn
from cmdesk import __version__
from cmdesk.cli import build_parser


def test_version(cli) -> None:
    with pytest.raises(SystemExit) as done:
        cli("--version")
    assert done.value.code == 0


def test_every_command_and_option_has_help() -> None:
    def walk(parser: argparse.ArgumentParser, path: str) -> list[str]:
        missing = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps = {a.dest: a.help for a in action._choices_actions}
                for name, sub in action.choices.items():
                    if not helps.get(name):
                        missing.append(f"{path} {name}")
                    missing += walk(sub, f"{path} {name}")
            elif not action.help and action.dest != "help":
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
        return missing

    assert walk(build_parser(), "cmdesk") == []


def test_clients_lifecycle(cli, home: Path) -> None:
    assert cli("clients", "list").out.strip() == "No clients yet."
    made = cli("--json", "clients", "create", "Boulangerie Été", "--timezone", "America/Montreal",
               "--language", "en", "--keywords", "pain, levain")  # fmt: skip
    assert made.code == 0 and made.json["slug"] == "boulangerie-ete"
    listed = cli("clients", "list", "--json").json
    assert [(c["slug"], c["timezone"]) for c in listed] == [("boulangerie-ete", "America/Montreal")]
    assert cli("clients", "rename", "boulangerie-ete", "Fournil", "--new-slug", "fournil").code == 0
    assert cli("clients", "archive", "fournil").code == 0
    assert cli("clients", "list").out.strip() == "No clients yet."
    assert "archived" in cli("clients", "list", "--all").out
    assert cli("clients", "unarchive", "fournil").code == 0
    refused = cli("clients", "delete", "fournil")
    assert refused.code == 2 and "--yes" in refused.err
    deleted = cli("--json", "clients", "delete", "fournil", "--yes")
    assert deleted.code == 0
    assert Path(deleted.json["final_backup"]).exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["clients", "create", "  "], 4, "needs a name"),
        (["clients", "create", "A", "--timezone", "Paris"], 4, "not a known time zone"),
        (["clients", "create", "A", "--slug", "Bad Slug"], 4, "not a valid identifier"),
        (["clients", "rename", "ghost", "X"], 4, "no client"),
        (["clients", "archive", "ghost"], 4, "no client"),
        (["check"], 2, "no client yet"),
        (["backup"], 2, "no client yet"),
        (["--client", "ghost", "check"], 4, "no client"),
        (["--client", "/nowhere/x.cmdesk", "check"], 2, "no workspace"),
        (["restore", "/nowhere/backup.cmdesk"], 4, "no backup"),
        (["mentions", "show", "1"], 2, "no client yet"),
    ],
)
def test_errors_have_their_exit_code(cli, args: list[str], code: int, message: str) -> None:
    result = cli(*args)
    assert result.code == code, result.err
    assert message.lower() in result.err.lower()


def test_usage_errors_exit_2(home: Path) -> None:
    for args in (["no-such-command"], ["clients", "create"], ["clients", "list", "--bogus"],
                 ["clients", "create", "A", "--language", "de"]):  # fmt: skip
        assert spawn(home, *args).returncode == 2


def test_several_clients_need_client_option(cli) -> None:
    cli("clients", "create", "A")
    cli("clients", "create", "B")
    result = cli("check")
    assert result.code == 2 and "--client" in result.err and "a, b" in result.err
    assert cli("--client", "a", "check").code == 0
    assert cli("check", "--client", "b").code == 0  # global options after the command too


def test_json_errors_are_json(cli) -> None:
    result = cli("--json", "check")
    assert result.code == 2
    assert result.json["exit_code"] == 2


def test_demo_check_backup_restore(cli, home: Path) -> None:
    assert cli("demo").code == 0
    report = cli("--json", "check").json
    assert report["integrity"] == "ok" and report["locked_by"] is None
    taken = cli("--json", "backup").json
    backup = Path(taken["path"])
    assert backup.exists()
    workspace = home / "clients" / "demo-fournil-de-lea.cmdesk"
    db = sqlite3.connect(workspace)
    db.execute("UPDATE client SET name = 'Changed'")
    db.commit()
    db.close()
    restored = cli("--json", "restore", str(backup)).json
    assert restored["restored"] == str(workspace)
    assert Path(restored["previous"]).exists()
    assert "Le Fournil de Léa" in cli("clients", "list").out


def test_damaged_workspace_check_offers_the_backup(cli, home: Path) -> None:
    cli("demo")
    backup = cli("--json", "backup").json["path"]
    workspace = home / "clients" / "demo-fournil-de-lea.cmdesk"
    data = bytearray(workspace.read_bytes())
    data[4096 : 4096 * 4] = b"\x5a" * (4096 * 3)
    workspace.write_bytes(bytes(data))
    result = cli("check")
    assert result.code == 4
    assert "DAMAGED" in result.out and f"cmdesk restore {backup}" in result.out
    assert workspace.read_bytes() == bytes(data)  # check changes nothing
    garbage = home / "garbage.cmdesk"
    garbage.write_bytes(b"not a database")
    assert cli("restore", str(garbage)).code == 4
    assert workspace.read_bytes() == bytes(data)  # a refused restore changes nothing
    assert cli("restore", backup).code == 0
    assert cli("check").code == 0


HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from cmdesk.store.workspace import Workspace
    ws = Workspace.open(Path(sys.argv[1]), app="cmdesk GUI")
    print("ready", flush=True)
    time.sleep(30)
    """
)


def test_a_workspace_open_elsewhere_exits_3_naming_the_holder(cli, home: Path) -> None:
    import subprocess
    import sys

    cli("demo")
    workspace = home / "clients" / "demo-fournil-de-lea.cmdesk"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(workspace)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        for args in (["clients", "rename", "demo-fournil-de-lea", "X"], ["refresh"],
                     ["feeds", "add", "https://x.example/feed"], ["demo", "--reset"]):  # fmt: skip
            result = spawn(home, *args)
            assert result.returncode == 3, (args, result.stderr)
            assert f"process {holder.pid}" in result.stderr and "cmdesk GUI" in result.stderr
        report = cli("--json", "check").json
        assert report["locked_by"]["pid"] == holder.pid
        # Reading and backing up work while the app has the client open.
        assert spawn(home, "feeds", "list").returncode == 0
        assert spawn(home, "search", "galette").returncode == 0
        assert spawn(home, "backup").returncode == 0
    finally:
        holder.kill()
        holder.wait()
    assert cli("backup").code == 0  # the lock left by the killed holder is recovered


def test_secrets_check_answers_either_way(cli) -> None:
    result = cli("--json", "secrets", "check")
    assert result.code in (0, 6)
    assert isinstance(result.json, dict) and "message" in result.json


def test_version_from_the_entry_point(home: Path) -> None:
    result = spawn(home, "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"cmdesk {__version__}"
