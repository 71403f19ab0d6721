"""`cmdesk export …` and `cmdesk import-workspace`: what a script or a scheduled task runs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import load_workbook


def test_each_kind_in_each_format(cli, filled_client: Path, tmp_path: Path) -> None:
    expected = {"mentions": 5, "interactions": 2, "posts": 2, "contacts": 2}
    for kind, count in expected.items():
        for fmt in ("csv", "xlsx", "json"):
            out = tmp_path / f"{kind}.{fmt}"
            run = cli("--json", "export", kind, "--out", str(out))
            assert run.code == 0, run.err
            assert run.json == {"kind": kind, "format": fmt, "rows": count, "path": str(out)}
        lines = (tmp_path / f"{kind}.csv").read_text(encoding="utf-8-sig").splitlines()
        assert len(list(csv.reader(lines))) == count + 1
        assert load_workbook(tmp_path / f"{kind}.xlsx").active.max_row == count + 1
        assert len(json.loads((tmp_path / f"{kind}.json").read_text())["rows"]) == count


def test_filters_and_format_option(cli, filled_client: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.data"
    run = cli("--json", "export", "mentions", "--query", "numero 2", "--format", "json",
              "--out", str(out), "--since", "2026-03-10", "--until", "2026-03-10")  # fmt: skip
    assert run.code == 0, run.err
    doc = json.loads(out.read_text())
    assert [m["title"] for m in doc["rows"]] == ["Réclamation numéro 2 à Lyon"]
    assert doc["filters"] == {"query": "numero 2", "state": "all", "since": "2026-03-10",
                              "until": "2026-03-10"}  # fmt: skip
    run = cli("export", "interactions", "--channel", "email", "--out", str(tmp_path / "i.csv"),
              "--delimiter", ";")  # fmt: skip
    assert run.code == 0 and "1 row written" in run.out
    assert (tmp_path / "i.csv").read_text(encoding="utf-8-sig").startswith("Id;Date;")
    bad = cli("export", "posts", "--out", str(tmp_path / "posts.txt"))
    assert bad.code == 2 and "--format csv, xlsx or json" in bad.err


def test_workspace_round_trip_makes_a_new_client(
    cli, filled_client: Path, home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "lea.json"
    run = cli("--json", "export", "workspace", "--out", str(out))
    assert run.code == 0, run.err
    assert run.json["tables"]["mention"] == 5
    imported = cli("--json", "import-workspace", str(out))
    assert imported.code == 0, imported.err
    assert (imported.json["client"], imported.json["slug"]) == ("Fournil de Léa", "fournil-de-lea")
    listed = cli("--json", "clients", "list").json
    assert sorted(c["slug"] for c in listed) == ["fournil-de-lea", "lea"]
    again = cli("import-workspace", str(out), "--name", "Autre copie")
    assert again.code == 0 and "Autre copie" in again.out and "connected again" in again.out
    truncated = tmp_path / "cut.json"
    truncated.write_text(out.read_text()[:2000])
    failed = cli("import-workspace", str(truncated), "--name", "Cassé")
    assert failed.code == 4 and "not a complete cmdesk workspace export" in failed.err
    assert not (home / "clients" / "casse.cmdesk").exists()


def test_handover(cli, filled_client: Path, tmp_path: Path) -> None:
    folder = tmp_path / "remise"
    run = cli("--json", "handover", "--out", str(folder))
    assert run.code == 0, run.err
    assert run.json["accounts_removed"] == []
    assert {Path(run.json[k]).name for k in ("workspace", "playbook", "guide")} == {
        p.name for p in folder.iterdir()
    }
    again = cli("handover", "--out", str(folder))
    assert again.code == 4 and "not empty" in again.err


def test_digest(cli, filled_client: Path, tmp_path: Path) -> None:
    out = tmp_path / "digest.pdf"
    run = cli("--json", "digest", "--team", "service client", "--period", "2026-03",
              "--out", str(out))  # fmt: skip
    assert run.code == 0, run.err
    assert (run.json["team"], run.json["period"], run.json["messages"]) == (
        "Service client", "2026-03", 1,
    )  # fmt: skip
    assert out.read_bytes().startswith(b"%PDF")
    everyone = cli("--json", "digest", "--period", "2026-03-01..2026-03-31",
                   "--out", str(tmp_path / "d.xlsx"))  # fmt: skip
    assert everyone.code == 0 and everyone.json["messages"] == 2
    unknown = cli("digest", "--team", "Compta", "--period", "2026-03", "--out", str(out))
    assert unknown.code == 2 and "Service client" in unknown.err
    bad = cli("digest", "--period", "mars", "--out", str(out))
    assert bad.code == 4 and "is not a period" in bad.err


def test_report_keeps_the_notes_of_the_period(cli, filled_client: Path, tmp_path: Path) -> None:
    notes = tmp_path / "reco.txt"
    notes.write_text("Publier le mardi matin.", encoding="utf-8")
    out = tmp_path / "mars.html"
    run = cli("--json", "report", "--period", "2026-03", "--out", str(out),
              "--recommendations", str(notes))  # fmt: skip
    assert run.code == 0, run.err
    assert (run.json["mentions"], run.json["interactions"]) == (5, 2)
    assert "Publier le mardi matin." in out.read_text(encoding="utf-8")
    again = cli("report", "--period", "2026-03", "--out", str(tmp_path / "mars.pdf"))
    assert again.code == 0, again.err
    html = cli("report", "--period", "2026-03", "--out", str(tmp_path / "again.html"))
    assert html.code == 0 and "Publier le mardi matin." in (tmp_path / "again.html").read_text()
    bad = cli("report", "--period", "2026-03", "--out", str(tmp_path / "r.docx"))
    assert bad.code == 2 and "--format html or pdf" in bad.err
