"""A team's feedback digest on a month of real-looking messages: the numbers in the PDF are
the workspace's, recurring issues are found, and the text is the client's language."""

from __future__ import annotations

import csv
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.digest import FeedbackItem, build, recurring
from cmdesk.core.periods import parse as parse_period
from cmdesk.share.digest import export, make, to_html
from cmdesk.store.workspace import Workspace

OCT = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
COMPLAINTS = [
    "Ma commande click & collect n'était pas prête à 18h, encore une fois.",
    "Troisième fois que le click and collect est en retard, personne ne répond.",
    "Click & collect : 20 minutes d'attente au comptoir, commande introuvable.",
    "Le click collect de samedi n'était pas prêt, très déçue.",
]


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(
        name="Fournil de Léa", slug="lea", timezone="Europe/Paris", language="fr"
    )
    with Workspace.create(tmp_path / "lea.cmdesk", profile) as w:
        team = w.teams.add("Service client", kind="customer_service")
        other = w.teams.add("Marketing", kind="marketing")
        w.topics.add("Livraison", "livraison OR colis")
        people = [w.contacts.add(n).id for n in ("Sophie R.", "Marc", "Inès", "Paul")]
        for n, text in enumerate(COMPLAINTS):
            w.interactions.add(
                text,
                channel="review_site",
                contact_id=people[n],
                occurred_at=OCT + timedelta(days=n * 5),
                team_id=team.id,
                type="complaint",
            )
        for n in range(2):  # the same issue the month before
            w.interactions.add(
                "Commande click & collect pas prête",
                channel="facebook",
                contact_id=people[n],
                occurred_at=OCT - timedelta(days=10 + n),
                team_id=team.id,
                type="complaint",
            )
        w.interactions.add(
            "Le colis est arrivé abîmé <script>alert(1)</script>",
            channel="email",
            occurred_at=OCT + timedelta(days=3),
            team_id=team.id,
            type="complaint",
            link="https://x.example/1",
        )
        w.interactions.add(
            "Où trouver vos horaires de Noël ?",
            channel="instagram",
            occurred_at=OCT + timedelta(days=4),
            team_id=team.id,
            type="question",
        )
        w.interactions.add(
            "Bravo pour la campagne",
            channel="instagram",
            occurred_at=OCT + timedelta(days=4),
            team_id=other.id,
            type="praise",
        )
        w.interactions.add(
            "Hors période",
            channel="email",
            occurred_at=OCT + timedelta(days=40),
            team_id=team.id,
            type="question",
        )
        yield w


def _period(ws: Workspace, text: str = "2026-10"):
    return parse_period(text, OCT, ws.profile().zone)


def test_the_month_for_one_team(ws: Workspace) -> None:
    team = ws.teams.all()[1] if ws.teams.all()[0].name == "Marketing" else ws.teams.all()[0]
    doc = make(ws, _period(ws), team)
    d = doc.digest
    assert (d.total, d.previous_total, d.negative) == (6, 2, 5)
    assert d.by_type == {"complaint": (5, 2), "question": (1, 0)}
    assert [(i.words, i.count, i.people, i.previous) for i in d.recurring] == [
        ("click collect", 4, 4, 2)
    ]
    assert d.recurring[0].lasting
    subjects = {(g.subject, g.type): g.count for g in d.groups}
    assert subjects == {("Livraison", "complaint"): 1, ("", "complaint"): 4, ("", "question"): 1}


def test_pdf_numbers_are_the_workspace_numbers(ws: Workspace, tmp_path: Path) -> None:
    team = next(t for t in ws.teams.all() if t.name == "Service client")
    doc = make(ws, _period(ws), team)
    pdf = export(doc, tmp_path / "digest.pdf", "pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Retours clients pour Service client" in text
    assert "du 1 octobre 2026 au 31 octobre 2026" in text
    assert (
        "6 messages sur cette période (+200 % par rapport à la période précédente, 2 messages)"
        in " ".join(text.split())
    )
    assert "« click collect » : 4 messages de 4 personnes" in " ".join(text.split())
    assert "Réclamation" in text and "Livraison" in text and "voir" in text


def test_html_escapes_messages_and_links_only_to_the_web(ws: Workspace) -> None:
    team = next(t for t in ws.teams.all() if t.name == "Service client")
    page = to_html(make(ws, _period(ws), team))
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert '<a href="https://x.example/1">' in page
    assert "http" not in page.replace("https://x.example/1", "")  # nothing else to load


def test_csv_of_the_messages_in_the_client_language(ws: Workspace, tmp_path: Path) -> None:
    doc = make(ws, _period(ws))  # every team
    out = export(doc, tmp_path / "d.csv", "csv")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=","))
    assert rows[0][:3] == ["Date", "Sujet", "Type"]
    assert len(rows) == 1 + 7
    flagged = [r for r in rows[1:] if r[-1] == "click collect"]
    assert len(flagged) == 4


def test_an_empty_period_says_so(ws: Workspace) -> None:
    page = to_html(make(ws, _period(ws, "2025-01")))
    assert "Aucun message de clients" in page


def _item(n: int, text: str, who: int | None) -> FeedbackItem:
    return FeedbackItem(n, OCT + timedelta(hours=n), "complaint", "email", "", text, contact_id=who)


def test_generic_words_and_one_person_make_no_issue() -> None:
    # "boulangerie" (the brand) is in every message: alone, it says nothing about one issue.
    items = [_item(n, f"La boulangerie encore fermée mardi {n}", None) for n in range(4)]
    items += [_item(10 + n, "La boulangerie: livraison oubliée", 7) for n in range(4)]
    assert "boulangerie" in [i.words for i in recurring(items, [])]
    found = recurring(items, [], brand=["La Boulangerie"])
    assert [(i.count, i.people) for i in found] == [(4, 4)]  # one issue, four people
    assert "fermee" in found[0].words and found[0].words != "boulangerie"
    assert found[0].ids == frozenset(range(4))  # not the one person's four messages


def test_each_message_counts_for_one_issue_only() -> None:
    items = [_item(n, "Pain brûlé ce matin, baguette immangeable", n) for n in range(3)]
    issues = build(items, []).recurring
    assert len(issues) == 1 and issues[0].count == 3


def test_the_digest_and_the_report_as_documents_to_send(ws: Workspace) -> None:
    """What a weekly or monthly schedule sends: the digest page in the mail with its PDF,
    the report's summary with the report attached."""
    from datetime import date

    from cmdesk.core.delivery import Frequency, Target
    from cmdesk.core.delivery import Period as Sending
    from cmdesk.share import documents

    team = next(t for t in ws.teams.all() if t.name == "Service client")
    october = Sending(Frequency.MONTHLY, date(2026, 10, 1))
    sent = documents.produce(ws, "digest", october, Target(team.id, team.name))
    assert sent.subject == "Fournil de Léa — retours clients pour Service client, octobre 2026"
    assert "« click collect » : 4 messages de 4 personnes" in sent.html.replace("\xa0", " ")
    ((name, mime, data),) = [(a.filename, a.mime, a.data) for a in sent.attachments]
    assert (name, mime) == ("lea-retours-2026-10.pdf", "application/pdf")
    assert data.startswith(b"%PDF")
    report = documents.produce(ws, "report", october, Target())
    assert report.subject == "Fournil de Léa — rapport de communauté, octobre 2026"
    assert "messages reçus" in report.text or "message reçu" in report.text
    assert [a.filename for a in report.attachments] == [
        "lea-rapport-2026-10.pdf", "lea-rapport-2026-10.html",
    ]  # fmt: skip
