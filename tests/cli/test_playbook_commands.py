"""inbox-rules, replies, teams matrix, contacts segments and playbook from the command line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


@pytest.fixture
def client(cli) -> None:
    assert cli("clients", "create", "Boulangerie Léa").code == 0
    assert (
        cli("teams", "add", "SAV", "--kind", "customer_service", "--email", "sav@lea.fr").code == 0
    )


def _add(cli, text: str, *extra: str) -> dict:
    result = cli("--json", "interactions", "add", "--channel", "instagram", "--text", text, *extra)
    assert result.code == 0, result.err
    return result.json


def test_rules_tested_added_listed_and_applied(cli, client) -> None:
    first = _add(cli, "Colis perdu")
    _add(cli, "Merci !")
    test = cli("--json", "inbox-rules", "test", "--query", "colis", "--add-tag", "livraison",
               "--assign", "SAV")  # fmt: skip
    assert test.code == 0, test.err
    assert (test.json["changed"], test.json["applied"]) == (1, False)
    assert test.json["interactions"] == [
        {"id": first["id"], "changes": ["team_id", "tags"], "rules": [0]}
    ]
    assert cli("--json", "interactions", "list").json[1]["tags"] == []  # nothing changed

    added = cli("--json", "inbox-rules", "add", "Livraison", "--query", "colis", "--assign", "SAV",
                "--add-tag", "livraison", "--stop")  # fmt: skip
    assert added.code == 0, added.err
    rule = added.json
    assert rule["conditions"] == {"query": "colis"} and rule["stop"] is True
    assert "would change" in cli("inbox-rules", "test", str(rule["id"])).out
    applied = cli("--json", "inbox-rules", "apply").json
    assert (applied["changed"], applied["applied"]) == (1, True)
    # New interactions go through the rule as they are logged.
    assert _add(cli, "Et mon colis ?")["tags"] == ["livraison"]
    assert "Livraison" in cli("inbox-rules", "list").out
    assert cli("--json", "inbox-rules", "disable", str(rule["id"])).json[0]["enabled"] is False
    assert _add(cli, "Encore un colis")["tags"] == []
    assert cli("--json", "inbox-rules", "remove", str(rule["id"])).json == []
    bad = cli("inbox-rules", "add", "Vide", "--set-type", "complaint")
    assert bad.code == 4 and "at least one condition" in bad.err
    bad = cli("inbox-rules", "add", "X", "--query", "colis", "--assign", "Nobody")
    assert bad.code == 4 and "no team named" in bad.err


def test_replies_and_matrix(cli, client) -> None:
    reply = cli("--json", "replies", "add", "Excuses", "--text", "Désolés {prénom} — {marque}").json
    assert cli("--json", "replies", "list", "--search", "desoles").json[0]["id"] == reply["id"]
    item = _add(cli, "Colis perdu", "--contact", "Inès Martin")
    used = cli("--json", "replies", "use", str(reply["id"]), "--interaction", str(item["id"]))
    assert used.json == {"text": "Désolés Inès — Boulangerie Léa", "missing": [], "unknown": []}
    anonymous = _add(cli, "Colis perdu")
    used = cli("replies", "use", str(reply["id"]), "--interaction", str(anonymous["id"]))
    assert "[[prénom]]" in used.out and "To complete by hand: prénom" in used.out
    assert cli("--json", "replies", "list").json[0]["uses"] == 2

    assert cli("teams", "route", "complaint", "SAV", "--tag", "livraison").code == 0
    assert cli("teams", "target", "2", "30min").code == 0
    matrix = cli("--json", "teams", "matrix").json
    assert matrix["routes"] == [
        {"type": "complaint", "topic": "", "tag": "livraison", "team": "SAV"}
    ]
    assert matrix["target_minutes"] == {"2": 30, "1": 240, "0": 1440}
    assert "30 min" in cli("teams", "matrix").out
    assert cli("teams", "target", "2", "soon").code == 2


def test_segments(cli, client) -> None:
    for _n in range(5):
        _add(cli, "Toujours déçue, inadmissible", "--contact", "@fidele")
    _add(cli, "Bonjour", "--contact", "@passant")
    data = cli("--json", "contacts", "segments", "--period", "30d").json
    assert data["counts"] == {"regular": 1, "occasional": 0, "one_time": 1}
    assert [p["name"] for p in data["participants"] if p["unhappy"]] == ["@fidele"]
    assert "Unhappy regulars" in cli("contacts", "segments").out
    assert cli("contacts", "segments", "--period", "soon").code == 4


def test_playbook_set_show_and_export(cli, client, tmp_path: Path) -> None:
    source = tmp_path / "ton.md"
    source.write_text("# Ton\nNous **vouvoyons**.\n", encoding="utf-8")
    assert cli("playbook", "set", "tone", "--file", str(source)).code == 0
    assert cli("playbook", "set", "crisis", "--text", "1. Appeler la direction").code == 0
    assert cli("--json", "playbook", "show", "tone").json == {
        "tone": "# Ton\nNous **vouvoyons**.\n"
    }
    html = tmp_path / "out" / "playbook.html"
    html.parent.mkdir()
    done = cli("--json", "playbook", "export", "--format", "html", "--out", str(html))
    assert done.code == 0 and done.json["empty_sections"] == ["do_dont", "faq", "contacts"]
    assert "Appeler la direction" in html.read_text(encoding="utf-8")
    pdf = tmp_path / "out" / "playbook.pdf"
    assert cli("playbook", "export", "--format", "pdf", "--out", str(pdf)).code == 0
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Nous vouvoyons." in text and "SAV" in text
    assert cli("playbook", "set", "tone").code == 2
