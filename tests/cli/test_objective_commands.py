"""`cmdesk objectives …` and `cmdesk figures …`, and the objectives in the report."""

from __future__ import annotations

from pathlib import Path


def test_objectives_and_figures(cli, filled_client: Path, tmp_path: Path) -> None:
    added = cli("--json", "objectives", "add", "Réponse en 2 h", "answered_within", "90",
                "--param", "minutes=120")  # fmt: skip
    assert added.code == 0, added.err
    assert added.json["params"] == {"minutes": 120}
    gain = cli("objectives", "add", "+200 abonnés", "figure", "200", "--param", "network=instagram",
               "--param", "figure=followers", "--param", "gain=1")  # fmt: skip
    assert gain.code == 0, gain.err
    for month, value in (("2026-02", "1500"), ("2026-03", "1750")):
        assert cli("figures", "set", "instagram", "followers", month, value).code == 0
    listed = cli("--json", "objectives", "list", "--period", "2026-03").json
    by_name = {o["name"]: o for o in listed["objectives"]}
    assert by_name["Réponse en 2 h"]["value"] == 50.0  # 1 of 2 messages answered in 1 h
    assert (by_name["+200 abonnés"]["value"], by_name["+200 abonnés"]["met"]) == (250, True)
    text = cli("objectives", "list", "--period", "2026-03").out
    assert "+200 abonnés: 250 / 200  (met)" in text
    bad = cli("objectives", "add", "x", "answered_within", "90", "--param", "minutes")
    assert bad.code == 2 and "name=value" in bad.err
    export = tmp_path / "li.csv"
    export.write_text("Date,Total followers,Impressions (total)\n03/28/2026,1800,300\n"
                      "03/29/2026,1810,200\n", encoding="utf-8")  # fmt: skip
    imported = cli("--json", "figures", "import", str(export), "--network", "linkedin")
    assert imported.code == 0, imported.err
    assert imported.json["months"] == {"2026-03": {"followers": 1810, "impressions": 500}}
    assert "linkedin" in cli("figures", "list").out
    report = tmp_path / "r.html"
    assert cli("report", "--period", "2026-03", "--out", str(report)).code == 0
    page = report.read_text(encoding="utf-8")
    assert "+200 abonnés" in page and "Réponse en 2 h" in page
    assert cli("objectives", "remove", str(added.json["id"])).code == 0
