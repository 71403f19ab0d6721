"""The monthly client report on a month of generated activity: the figures are the
workspace's, the PDF says them in the client's language, and a user's template wins."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.monitoring import FetchOutcome, IncomingEntry
from cmdesk.core.periods import parse as parse_period
from cmdesk.share.report import export, make, notes_key, to_html
from cmdesk.store import indicators
from cmdesk.store.workspace import Workspace

OCT = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _mentions(ws: Workspace, source_id: int, start: datetime, count: int, tag: str) -> None:
    entries = tuple(
        IncomingEntry(
            guid=f"{tag}-{n}",
            url=f"https://blog.example/{tag}/{n}",
            title=f"Galette {tag} numéro {n}" if n % 4 else f"Livraison ratée {tag} {n}",
            published=start + timedelta(hours=17 * n),
            text="Très déçue" if n % 4 == 0 else "Une belle boulangerie",
            sentiment="negative" if n % 4 == 0 else "positive",
        )
        for n in range(count)
    )
    ws.mentions.record_refresh(
        FetchOutcome(source_id=source_id, ok=True, entries=entries), start + timedelta(days=40)
    )


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(
        name="Fournil de Léa",
        slug="lea",
        timezone="Europe/Paris",
        language="fr",
        logo=PNG,
        logo_mime="image/png",
    )
    with Workspace.create(tmp_path / "lea.cmdesk", profile) as w:
        w.topics.add("Livraison", "livraison")
        source = w.sources.add("https://blog.example/feed")
        _mentions(w, source.id, OCT, 40, "oct")  # 40 in October (17 h apart: 28 days)
        _mentions(w, source.id, OCT - timedelta(days=20), 10, "sep")  # 10 in September
        for n, minutes in enumerate((30, 90, 240, 600)):
            at = OCT + timedelta(days=n)
            made = w.interactions.add(
                f"Question {n} sur la commande", channel="facebook", occurred_at=at, type="question"
            )
            w.interactions.record_reply(made.id, "Réponse", at=at + timedelta(minutes=minutes))
        w.interactions.add(
            "<b>Commande</b> jamais arrivée",
            channel="email",
            type="complaint",
            occurred_at=OCT + timedelta(days=9),
            link="https://x.example/r",
        )
        post = w.posts.create("La galette est là", ["mastodon"])
        w.posts.schedule(post.id, datetime(2026, 10, 6, 9, 0))
        variant = w.posts.get(post.id).variants[0]
        w.posts.claim(variant.id, now=datetime(2026, 10, 6, 7, 0, tzinfo=UTC))
        w.posts.confirm(
            variant.id,
            "109",
            "https://piaille.fr/@lea/109",
            scheduled_at=datetime(2026, 10, 6, 7, 0, tzinfo=UTC),
        )
        yield w


def _october(ws: Workspace):
    return parse_period("2026-10", OCT, ws.profile().zone)


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
