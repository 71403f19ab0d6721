"""The monthly client report on a month of generated activity: the figures are the
workspace's, the PDF says them in the client's language, and a user's template wins."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import report_data
from cmdesk.core.periods import parse as parse_period
from cmdesk.share.report import export, make, notes_key, to_html
from cmdesk.store import indicators
from cmdesk.store.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with report_data.create(tmp_path / "lea.cmdesk") as w:
        yield w


def _october(ws: Workspace):
    return parse_period("2026-10", report_data.OCT, ws.profile().zone)


def test_figures_are_counted_from_the_workspace(ws: Workspace) -> None:
    f = indicators.compute(ws, _october(ws))
    assert (f.mentions.now, f.mentions.before, sum(f.mentions_per_day)) == (40, 10, 40)
    assert len(f.days) == 31 and f.mentions_per_day[:2] == (1, 2)  # 10:00; 03:00 and 20:00 the 2nd
    assert (f.sentiment["negative"].now, f.sentiment["positive"].now) == (10, 30)
    assert sum(f.negative_per_day) == 10
    assert f.mentions_by_topic["Livraison"].now == 10
    assert (f.interactions.now, f.first_response.count) == (5, 4)
    assert (f.first_response.median, f.first_response.p90) == pytest.approx((90, 600), abs=0.1)
    assert f.first_response.without == 1  # the complaint is still waiting
    assert f.posts_by_channel["mastodon"].now == 1
    assert f.notable_interactions[0][3] == "complaint"
    # Over time: the topic and the source day by day, adding up to their totals.
    assert list(f.topics_per_day) == ["Livraison"] and sum(f.topics_per_day["Livraison"]) == 10
    assert len(f.topics_per_day["Livraison"]) == 31
    assert f.topics_per_day["Livraison"][0] == 1  # the first mention, "Livraison ratée oct 0"
    assert list(f.sources_per_day) == ["https://blog.example/feed"]
    assert f.sources_per_day["https://blog.example/feed"] == f.mentions_per_day


def test_the_pdf_says_the_workspace_figures_in_french(ws: Workspace, tmp_path: Path) -> None:
    ws.set_setting(notes_key(_october(ws), "recommendations"), "Répondre plus vite le week-end.")
    pdf = export(make(ws, _october(ws)), tmp_path / "rapport.pdf", "pdf")
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Rapport de communauté" in text and "Octobre 2026" in text
    assert "40 mentions (+300 % par rapport à la période précédente)." in text
    assert "25 % d’entre elles négatives (10)." in text
    assert "La moitié des messages a reçu une réponse en 1,5 h" in text
    assert "1 publication publiée." in text
    assert "Répondre plus vite le week-end." in text
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) >= 4


def test_html_is_self_contained_escaped_and_a_user_template_wins(
    ws: Workspace, tmp_path: Path
) -> None:
    doc = make(ws, _october(ws))
    page = to_html(doc)
    assert page.count("<svg") >= 4 and "data:image/png;base64," in page
    assert "&lt;b&gt;Commande&lt;/b&gt;" in page and "<b>Commande</b>" not in page
    assert 'href="https://piaille.fr/@lea/109"' in page
    mine = tmp_path / "templates"
    mine.mkdir()
    (mine / "report.html").write_text("<h1>{{ client }} — {{ summary[0] }}</h1>", encoding="utf-8")
    mine_page = to_html(doc, mine).replace("\u202f", " ").replace("\xa0", " ")
    assert (
        mine_page
        == "<h1>Fournil de Léa — 40 mentions (+300 % par rapport à la période précédente).</h1>"
    )


def test_the_demo_client_report_and_digest(tmp_path: Path) -> None:
    """The demo bakery, as a new user first sees a report: its figures in the PDF."""
    from cmdesk.core.clock import utc_now
    from cmdesk.share import digest
    from cmdesk.store.demo import build_demo
    from cmdesk.store.paths import Home

    path = build_demo(Home(tmp_path / "home"))
    with Workspace.open(path) as ws:
        period = parse_period("30d", utc_now(), ws.profile().zone)
        figures = indicators.compute(ws, period)
        assert figures.mentions.now > 0
        pdf = export(make(ws, period), tmp_path / "demo.pdf", "pdf")
        text = " ".join(
            subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split()
        )  # fmt: skip
        assert f"{figures.mentions.now} mentions" in text
        negative = figures.sentiment["negative"].now
        assert f"({negative})." in text and "Le Fournil de Léa" in text
        doc = digest.make(ws, period)
        page = digest.to_html(doc)
        assert doc.digest.total == figures.interactions.now
        assert ("Aucun message" in page) == (doc.digest.total == 0)
