"""A whole workspace to JSON and back: nothing lost, nothing half-made from a bad file."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from cmdesk.core.errors import InvalidData
from cmdesk.store.mentions import MentionFilter
from cmdesk.store.portable import Cancelled, export_workspace, import_workspace
from cmdesk.store.workspace import Workspace
from exports_data import HOSTILE, PNG


def _tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table that an export carries, sorted, to compare two files."""
    db = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE '%fts%' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            )
        ]
        return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        db.close()


def test_round_trip_keeps_every_row_and_rebuilds_search(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    summary = export_workspace(ws, out)
    assert summary.tables["mention"] == 5 and summary.tables["post_media"] == 1
    assert "search_term" not in summary.tables and "mention_fts_data" not in summary.tables
    doc = json.loads(out.read_text(encoding="utf-8"))  # ordinary JSON, whole
    assert doc["format"] == "cmdesk-workspace" and doc["client"] == "Fournil de Léa"

    target = tmp_path / "copy" / "copie.cmdesk"
    imported = import_workspace(out, target, name="Copie", slug="copie")
    assert imported.tables == summary.tables
    before, after = _tables(ws.path), _tables(target)
    # A new client: its own identity and the name given; everything else identical.
    client_before, client_after = before.pop("client"), after.pop("client")
    assert client_after[0][1] != client_before[0][1]  # uid
    assert client_after[0][2:4] == ("Copie", "copie")
    assert client_after[0][4:] == client_before[0][4:]
    before.pop("search_term")
    after.pop("search_term")
    assert after == before
    with Workspace.open(target) as copy:
        assert copy.posts.media_data(copy.posts.media(1)[0].id) == PNG
        hits = copy.mentions.search(MentionFilter(query="reclamation lyon ", state="all"))
        assert len(hits) == 4  # accents folded by the rebuilt index
        assert "reclamation" in copy.mentions.search_expression("recl")  # words rebuilt
        assert [i.text for i in copy.interactions.page()][-1].startswith("Ma commande")
        assert copy.mentions.get(copy.mentions.page()[0].id).title == HOSTILE
    assert not list(target.parent.glob(".*importing*"))


def test_a_reformatted_file_is_still_read(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    export_workspace(ws, out)
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(out.read_text()), indent=2), encoding="utf-8")
    summary = import_workspace(pretty, tmp_path / "pretty.cmdesk")
    assert summary.tables["interaction"] == 2


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda t: t[: len(t) // 2], "ends too early|cannot be read"),
        (lambda t: t.replace('"format":"cmdesk-workspace"', '"format":"other"'), "not a cmdesk"),
        (lambda t: t.replace('"schema_version":', '"schema_version":99,"x":'), "newer version"),
        (
            lambda t: t.replace('"columns":["id","url"', '"columns":["id","address"'),
            "unknown column",
        ),
        (
            lambda t: "\n".join(x for x in t.splitlines() if "Réclamation numéro 2" not in x),
            "incomplete|cannot be read",
        ),
        (lambda t: "not json at all", "not JSON written by cmdesk"),
        (lambda t: t.replace('"base64":"', '"base64":"!!'), "cannot be read"),
    ],
)
def test_a_bad_file_makes_nothing(ws: Workspace, tmp_path: Path, damage, message) -> None:
    out = tmp_path / "export.json"
    export_workspace(ws, out)
    bad = tmp_path / "bad.json"
    bad.write_text(damage(out.read_text(encoding="utf-8")), encoding="utf-8")
    target = tmp_path / "new" / "x.cmdesk"
    with pytest.raises(InvalidData, match=message):
        import_workspace(bad, target)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no temporary file left


def test_never_replaces_an_existing_workspace(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    export_workspace(ws, out)
    with pytest.raises(InvalidData, match="already exists"):
        import_workspace(out, ws.path)


def test_cancel_leaves_no_file(ws: Workspace, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("cmdesk.store.portable._BATCH", 1)
    stop = threading.Event()
    stop.set()
    out = tmp_path / "export.json"
    with pytest.raises(Cancelled):
        export_workspace(ws, out, cancel=stop)
    assert list(tmp_path.glob("*.json")) == [] and not list(tmp_path.glob(".*part"))
    export_workspace(ws, out)
    with pytest.raises(Cancelled):
        import_workspace(out, tmp_path / "new.cmdesk", cancel=stop)
    assert not (tmp_path / "new.cmdesk").exists()


def test_export_runs_while_the_app_writes(ws: Workspace, tmp_path: Path) -> None:
    """The export reads its own snapshot: the app's connection stays free to write."""
    seen: list[int] = []

    def write_meanwhile(done: int, total: int, table: str) -> None:
        if table and not seen:
            seen.append(done)
            ws.contacts.add("Arrivé pendant l'export")  # would deadlock on a shared lock

    import cmdesk.store.portable as portable

    old = portable._BATCH
    portable._BATCH = 1
    try:
        summary = export_workspace(ws, tmp_path / "e.json", progress=write_meanwhile)
    finally:
        portable._BATCH = old
    assert seen and summary.tables["contact"] == 2  # the snapshot from the start
