"""Canned replies and participation segments in a real workspace."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.segments import Thresholds
from cmdesk.store.workspace import Workspace

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.create(tmp_path / "lea.cmdesk", ClientProfile(name="Léa", slug="lea")) as w:
        yield w


def test_replies_searched_without_accents_rendered_and_counted(ws: Workspace) -> None:
    excuses = ws.replies.add("Réponse à une réclamation", "Bonjour {prénom}, désolés ! {marque}")
    ws.replies.add("Thanks", "Thank you {first_name}, see {link}", language="en")
    assert [r.id for r in ws.replies.search("reclamation REPONSE")] == [excuses.id]
    assert [r.title for r in ws.replies.search("desoles", language="fr")] == [excuses.title]
    assert ws.replies.search("desoles", language="en") == []
    assert len(ws.replies.search()) == 2

    ines = ws.contacts.add("Inès Martin")
    item = ws.interactions.add("Colis perdu", channel="x", contact_id=ines.id)
    used = ws.replies.use(excuses.id, interaction_id=item.id)
    assert used.text == "Bonjour Inès, désolés ! Léa" and used.complete
    anonymous = ws.interactions.add("Colis perdu", channel="x")
    rendered = ws.replies.render(excuses.id, interaction_id=anonymous.id)
    assert rendered.text == "Bonjour [[prénom]], désolés ! Léa"
    assert rendered.missing == ("prénom",)
    assert ws.replies.get(excuses.id).uses == 1  # render alone does not count
    # The most used first.
    assert ws.replies.search()[0].id == excuses.id
    with pytest.raises(InvalidData, match="needs a text"):
        ws.replies.add("Vide", "   ")
    with pytest.raises(InvalidData, match="not supported"):
        ws.replies.add("Hallo", "Hallo", language="de")
    with pytest.raises(NotFound):
        ws.replies.use(404)


def test_segments_on_generated_data(ws: Workspace) -> None:
    rng = random.Random(11)
    expected = {"regular": set(), "occasional": set(), "one_time": set()}
    unhappy = set()
    # 2 regulars (one unhappy), 10 occasional, 60 one-time voices, and noise that must not
    # count: older messages, our own answers, anonymous messages, an erased contact.
    plan = [("regular", 8, 3), ("regular", 6, 1)] + [("occasional", 3, 1)] * 10
    plan += [("one_time", 1, 0)] * 60
    for n, (segment, count, negatives) in enumerate(plan):
        contact = ws.contacts.add(f"Personne {n}")
        expected[segment].add(contact.id)
        if segment == "regular" and negatives >= 2:
            unhappy.add(contact.id)
        for k in range(count):
            at = NOW - timedelta(days=rng.randrange(1, 80), minutes=k)
            sentiment = "negative" if k < negatives else "positive"
            ws.interactions.add(f"Message {k}", channel="x", occurred_at=at, contact_id=contact.id,
                                sentiment=sentiment, type="praise")  # fmt: skip
            ws.interactions.add("Réponse", channel="x", occurred_at=at, direction="out",
                                contact_id=contact.id)  # fmt: skip
        ws.interactions.add("Ancien", channel="x", occurred_at=NOW - timedelta(days=200),
                            contact_id=contact.id)  # fmt: skip
    for _k in range(5):
        ws.interactions.add("Anonyme", channel="x", occurred_at=NOW - timedelta(days=3))
    erased = ws.contacts.add("Effacé")
    for _k in range(6):
        ws.interactions.add("Plainte", channel="x", occurred_at=NOW - timedelta(days=3),
                            contact_id=erased.id, sentiment="negative")  # fmt: skip
    ws.contacts.erase(erased.id)

    found = ws.segments.compute(NOW - timedelta(days=90), NOW)
    got = {s: {p.contact_id for p in found.participants if p.segment == s} for s in expected}
    assert got == expected
    assert found.counts() == {"regular": 2, "occasional": 10, "one_time": 60}
    assert round(found.shares()["one_time"], 3) == round(60 / 72, 3)
    assert {p.contact_id for p in found.unhappy_regulars} == unhappy
    assert found.participants[0].interactions == 8  # most active first
    assert found.anonymous == 5 + 6  # an erased contact's interactions are anonymous now
    # A complaint counts as negative even when its sentiment was not estimated negative.
    stricter = ws.segments.compute(NOW - timedelta(days=90), NOW, Thresholds(regular=3, unhappy=3))
    assert stricter.counts()["regular"] == 12
    assert {p.contact_id for p in stricter.unhappy_regulars} == unhappy
