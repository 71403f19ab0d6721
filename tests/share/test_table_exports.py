"""Mentions, interactions, posts and contacts exported as a user would open them."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cmdesk.i18n import set_language
from cmdesk.share.tables import Cancelled, write_table
from cmdesk.store import exports
from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.mentions import MentionFilter
from cmdesk.store.workspace import Workspace
from exports_data import HOSTILE


def _csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the mark Excel needs to read UTF-8
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=delimiter))


def test_mentions_csv_with_filters_local_times_and_no_formula(
    ws: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "m.csv"
    assert (
        write_table(exports.mentions(ws, MentionFilter(state="all")), out, "csv", delimiter=",")
        == 5
    )
    rows = _csv(out)
    assert rows[0]["Title"] == "'" + HOSTILE  # shown as text by a spreadsheet, never run
    assert rows[0]["Published"] == "2026-03-10 13:00"  # 12:00 UTC in Paris
    assert rows[0]["Tags"] == "à traiter" and rows[0]["Source"] == "https://blog.example/feed"
    assert rows[1]["Why"] == "jamais reçue −3"  # the author's spelling, not the folded key
    found = exports.mentions(ws, MentionFilter(query="numero 3 ", state="all"))
    assert write_table(found, out, "csv") == 1


def test_french_csv_uses_semicolons(ws: Workspace, tmp_path: Path) -> None:
    set_language("fr")
    out = tmp_path / "c.csv"
    write_table(exports.contacts(ws), out, "csv")
    rows = _csv(out, ";")
    assert [r["Nom"] for r in rows] == ["Léa Martin", "Paul"]
    assert rows[0]["Comptes"] == "mastodon:lea@piaille.fr" and rows[0]["Interactions"] == "1"


def test_interactions_xlsx_has_dates_text_and_no_formula(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "i.xlsx"
    assert write_table(exports.interactions(ws), out, "xlsx") == 2
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[3]], strict=True))  # oldest last
    assert first["Message"] == "Ma commande n'est jamais arrivée !"
    assert first["Team"] == "Service client" and first["Contact"] == "Léa Martin"
    assert first["Minutes to first answer"] == 60 and first["Tags"] == "livraison"
    assert first["Date"].strftime("%Y-%m-%d %H:%M") == "2026-03-10 10:00"
    only = exports.interactions(ws, InteractionFilter(channel="instagram"))
    assert write_table(only, out, "xlsx") == 1


def test_hostile_text_is_a_string_cell_in_xlsx(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    write_table(exports.mentions(ws, MentionFilter(state="all")), out, "xlsx")
    cell = load_workbook(out).active["C2"]
    assert cell.value == HOSTILE and cell.data_type == "s"


def test_posts_json(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    about = {"client": "Fournil de Léa", "filters": {}}
    assert write_table(exports.posts(ws), out, "json", about=about) == 2
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["export"] == "posts" and doc["client"] == "Fournil de Léa"
    assert [(p["state"], p["channels"]) for p in doc["rows"]] == [
        ("Idea", ""), ("Draft", "mastodon, bluesky")
    ]  # fmt: skip


def test_cancel_writes_nothing(ws: Workspace, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("cmdesk.share.tables._EVERY", 1)
    stop = threading.Event()
    stop.set()
    for fmt in ("csv", "xlsx", "json"):
        with pytest.raises(Cancelled):
            write_table(exports.mentions(ws, MentionFilter(state="all")), tmp_path / f"m.{fmt}",
                        fmt, cancel=stop)  # fmt: skip
    assert list(tmp_path.glob("m.*")) == [] and list(tmp_path.glob(".m.*")) == []
