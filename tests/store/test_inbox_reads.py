"""The inbox's read helpers against the store's own pages: same rows, same order, and the
search box's words found without case or accents."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdesk.core.monitoring import FetchOutcome, IncomingEntry
from cmdesk.store import inbox
from cmdesk.store.home import create_client
from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = create_client(Home(tmp_path / "home"), "Lecture")
    rng = random.Random(4)
    lea = workspace.contacts.add("Léa Ørsted", handles=[("x", "@lea_o")])
    texts = ("Très déçue du service", "Bravo !", "Où est ma commande ?", "Idée : un 🥐 vegan")
    with workspace.atomic():
        add_many(workspace, rng, lea.id, texts)
    return workspace


def add_many(workspace: Workspace, rng: random.Random, lea: int, texts: tuple[str, ...]) -> None:
    for n in range(300):
        # Many rows share a time: the keyset must break ties by id, never skip or repeat.
        workspace.interactions.add(
            texts[n % 4],
            channel=rng.choice(("x", "facebook", "email")),
            occurred_at=T0 + timedelta(minutes=rng.randrange(40)),
            contact_id=lea if n % 10 == 0 else None,
            status=rng.choice(("new", "closed", "answered")),
        )


@pytest.mark.parametrize(
    "flt",
    [
        InteractionFilter(),
        InteractionFilter(status="closed"),
        InteractionFilter(open_only=True),
        InteractionFilter(channel="x", type="complaint"),
    ],
)
def test_keyset_pages_match_the_store_order(ws: Workspace, flt: InteractionFilter) -> None:
    expected = [i.id for i in ws.interactions.page(flt, limit=1000)]
    got: list[int] = []
    before = None
    while True:
        page = inbox.ids(ws, flt, before=before, limit=7)
        got += [i for i, _at in page]
        if len(page) < 7:
            break
        before = (page[-1][1], page[-1][0])
    assert got == expected and len(set(got)) == len(got)
    assert [i for i, _at in inbox.ids(ws, flt, limit=None)] == expected
    assert inbox.count(ws, flt) == len(expected)


def test_search_ignores_case_and_accents_and_finds_contacts(ws: Workspace) -> None:
    def found(text: str) -> int:
        return inbox.count(ws, InteractionFilter(), text)

    assert found("DECUE") == found("déçue") == found("Déçue") == 75
    assert found("ou commande") == 75  # every word, in any order
    assert found("orsted") == 0  # ø is a letter of its own, not an accented o
    assert found("ørsted") == found("LEA_O") == 30  # the contact's name or handle
    assert found("🥐") == 75
    assert found("[*?]") == 0  # GLOB's own characters are plain characters here
    assert found("") == 300
    by_ids = inbox.by_ids(ws, [i for i, _at in inbox.ids(ws, InteractionFilter(), "bravo")])
    assert {i.text for i in by_ids.values()} == {"Bravo !"}


def test_names_counts_and_the_mention_already_converted(ws: Workspace) -> None:
    anonymous = ws.contacts.add(handles=[("facebook", "Zed")])
    names = inbox.display_names(ws, [1, anonymous.id, 1])
    assert names == {1: "Léa Ørsted", anonymous.id: "@zed"}
    assert inbox.interaction_counts(ws) == {1: 30}
    assert [c.display_name for c in inbox.contacts(ws)] == ["@zed", "Léa Ørsted"]
    assert inbox.contacts(ws)[1].handles == ws.contacts.get(1).handles
    source = ws.sources.add("https://blog.example/feed")
    ws.mentions.record_refresh(
        FetchOutcome(
            source_id=source.id,
            ok=True,
            entries=(IncomingEntry(guid="1", url="https://blog.example/1", title="Un avis"),),
        )
    )
    mention = ws.mentions.page(limit=1)[0]
    assert inbox.for_mention(ws, mention.id) is None
    made = ws.interactions.from_mention(mention.id)
    assert inbox.for_mention(ws, mention.id) == made.id
    assert inbox.mention_titles(ws, [mention.id]) == {mention.id: ("Un avis", mention.source)}
    assert inbox.mention_titles(ws, []) == {}
