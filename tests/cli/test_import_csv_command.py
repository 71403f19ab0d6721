"""`cmdesk interactions import-csv`: for people and scripts, all or nothing, even when the
process is killed half-way."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import english_env, start_script, stop

from cmdesk.store.workspace import Workspace
from csv_samples import DATA, write_export


@pytest.fixture
def client(cli) -> None:
    # The only client: commands find it without --client.
    assert cli("clients", "create", "Boulangerie Léa").code == 0


def counts(home: Path) -> tuple[int, int]:
    path = home / "clients" / "boulangerie-lea.cmdesk"
    with Workspace.open_readonly(path) as ws, ws.reading() as db:
        return (
            db.execute("SELECT count(*) FROM interaction").fetchone()[0],
            db.execute("SELECT count(*) FROM contact").fetchone()[0],
        )


def test_import_proposes_the_mapping_and_a_second_import_adds_nothing(cli, client, home) -> None:
    path = str(DATA / "fr_excel_cp1252.csv")
    first = cli("--json", "interactions", "import-csv", path)
    assert first.code == 0, first.err
    data = first.json
    assert (data["imported"], data["duplicates"], data["contacts_created"]) == (5, 0, 5)
    assert (data["encoding"], data["delimiter"], data["rows"]) == ("cp1252", ";", 5)
    assert data["mapping"]["text"] == "Message" and data["problems"] == []
    assert any("Windows-1252" in note for note in data["notes"])
    again = cli("interactions", "import-csv", path)
    assert again.code == 0
    assert "0 interactions imported, 5 duplicates skipped, 0 new contacts." in again.out
    assert "Duplicates: rows 2, 3, 4, 5, 6." in again.out
    assert counts(home) == (5, 5)
    listed = cli("--json", "interactions", "list").json
    assert {i["channel"] for i in listed} == {"facebook", "instagram", "review_site", "phone", "x"}


def test_map_encoding_and_delimiter_given(cli, client, home) -> None:
    result = cli(
        "--json", "interactions", "import-csv", str(DATA / "excel_unicode_text_utf16.txt"),
        "--encoding", "utf-16", "--delimiter", "tab", "--map", "author_name=",
        "--map", "link=Post link", "--channel", "instagram",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "author_name" not in result.json["mapping"]
    contacts = cli("--json", "contacts", "list").json
    assert sorted(c["name"] for c in contacts) == ["", ""]  # handles only: no name column
    assert sorted(h["handle"] for c in contacts for h in c["handles"]) == ["paul_r", "sophie.k"]


def test_broken_rows_exit_4_and_import_nothing_unless_skipped(cli, client, home) -> None:
    path = str(DATA / "broken_rows.csv")
    refused = cli("--json", "interactions", "import-csv", path)
    assert refused.code == 4
    data = refused.json
    assert data["exit_code"] == 4
    assert data["error"].startswith("7 rows cannot be imported, so nothing was imported.")
    assert [(p["row"], p["column"]) for p in data["problems"]][:2] == [(3, "Date"), (4, "Date")]
    assert "Row 9, column “Network”: channel: “MySpace” is not a value" in refused.err
    assert counts(home) == (0, 0)
    text = cli("interactions", "import-csv", path)
    assert text.code == 4 and text.out == ""
    assert "cmdesk: 7 rows cannot be imported" in text.err
    skipped = cli("interactions", "import-csv", path, "--skip-broken")
    assert skipped.code == 0, skipped.err
    assert "2 interactions imported" in skipped.out
    assert "7 broken rows left out:" in skipped.out
    assert "Row 6: it has 6 cells where the header has 5" in skipped.out
    assert counts(home) == (2, 2)


def test_missing_columns_and_usage_errors(cli, client) -> None:
    missing = cli("interactions", "import-csv", str(DATA / "missing_date.csv"))
    assert missing.code == 4
    assert "No column of the file was chosen for: date (date)" in missing.err
    # Pointing the date at an existing column gets past it (and every row is then broken).
    mapped = cli(
        "--json", "interactions", "import-csv", str(DATA / "missing_date.csv"), "--map",
        "date=Lien",
    )  # fmt: skip
    assert mapped.code == 4 and mapped.json["problems"][0]["column"] == "Lien"
    for args, message in (
        (["--map", "text"], "--map takes field=Column"),
        (["--map", "colour=Message"], "--map takes field=Column"),
        (["--encoding", "klingon"], "Unknown encoding: klingon"),
        (["--delimiter", ";;"], "one character"),
    ):
        result = cli("interactions", "import-csv", str(DATA / "fr_excel_cp1252.csv"), *args)
        assert result.code == 2, (args, result.err)
        assert message in result.err, args
    absent = cli("interactions", "import-csv", "/nonexistent/export.csv")
    assert absent.code == 2 and "There is no file at" in absent.err
    wrong = cli(
        "interactions", "import-csv", str(DATA / "fr_excel_cp1252.csv"), "--encoding", "utf-8"
    )
    assert wrong.code == 4 and "It looks like Windows-1252" in wrong.err


def test_dry_run_works_while_the_app_has_the_client_open(cli, client, home) -> None:
    path = str(DATA / "utf8_bom_platform.csv")
    holder = start_script(
        "import sys, time\nfrom pathlib import Path\n"
        "from cmdesk.store.workspace import Workspace\n"
        "ws = Workspace.open(Path(sys.argv[1]), app='cmdesk')\nprint('ready', flush=True)\n"
        "time.sleep(60)\n",
        str(home / "clients" / "boulangerie-lea.cmdesk"),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        dry = cli("interactions", "import-csv", path, "--dry-run")
        assert dry.code == 0, dry.err
        assert "Dry run, nothing written: 3 interactions would be imported" in dry.out
        assert "Bravo pour la nouvelle boutique" in dry.out  # the first rows, as a preview
        assert cli("interactions", "import-csv", path).code == 3
    finally:
        stop(holder)
    assert counts(home) == (0, 0)


def test_killed_mid_import_leaves_nothing(cli, client, home, tmp_path: Path) -> None:
    """kill -9 while 50,000 rows are being written: the workspace reopens sound and empty,
    and the file can simply be imported again."""
    export = write_export(tmp_path / "export.csv", 50_000)
    workspace = home / "clients" / "boulangerie-lea.cmdesk"
    process = subprocess.Popen(
        [sys.executable, "-m", "cmdesk", "--home", str(home), "interactions", "import-csv",
         str(export)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=english_env(),
    )  # fmt: skip
    assert process.stderr is not None
    try:
        written = 0
        for line in process.stderr:
            found = re.match(r"Importing… (\d+)/50000", line)
            if found and int(found[1]) >= 10_000:
                written = int(found[1])
                break
        assert written, "the import never reached its writing half"
        # A fifth of the rows are in the open transaction, most already in the WAL file.
        wal = workspace.with_name(workspace.name + "-wal")
        assert wal.stat().st_size > 1_000_000
        os.kill(process.pid, signal.SIGKILL)
    finally:
        stop(process)
    assert process.returncode == -signal.SIGKILL
    with Workspace.open(workspace) as ws, ws.reading() as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM interaction").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM contact").fetchone()[0] == 0
        assert "interaction.imported" not in [a.action for a in ws.activity(5)]
    small = write_export(tmp_path / "small.csv", 10)
    assert cli("--json", "interactions", "import-csv", str(small)).json["imported"] == 10
