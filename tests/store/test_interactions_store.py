"""Interactions, contacts and teams in a real workspace: capture, triage, response times,
and a contact's personal data exported and erased."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.monitoring import FetchOutcome, IncomingEntry
from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.workspace import Workspace

AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.create(tmp_path / "lea.cmdesk", ClientProfile(name="Léa", slug="lea")) as w:
        yield w


# -- teams -------------------------------------------------------------------------------------


def test_teams_are_unique_by_name_whatever_the_case(ws: Workspace) -> None:
    sav = ws.teams.add("  Service   client ", kind="customer_service", email="sav@lea.fr")
    assert (sav.name, sav.kind, sav.email) == ("Service client", "customer_service", "sav@lea.fr")
    with pytest.raises(InvalidData, match="already exists"):
        ws.teams.add("service CLIENT")
    with pytest.raises(InvalidData, match="Unknown team kind"):
        ws.teams.add("R&D", kind="research")
    with pytest.raises(InvalidData, match="not an e-mail"):
        ws.teams.add("R&D", email="nobody")
    ws.teams.add("Direction", kind="management", webhook_url="https://hooks.example/x")
    assert [t.name for t in ws.teams.all()] == ["Direction", "Service client"]
    assert ws.teams.find("service client") == sav
    with pytest.raises(NotFound, match="no team 99"):
        ws.teams.get(99)


def test_removing_a_team_unassigns_its_interactions(ws: Workspace) -> None:
    team = ws.teams.add("SAV", kind="customer_service")
    item = ws.interactions.add("Colis jamais reçu", channel="email", team_id=team.id)
    assert item.team_id == team.id
    changes = ws.teams.remove(team.id)
    assert changes.teams and changes.interactions
    assert ws.interactions.get(item.id).team_id is None


# -- interactions ------------------------------------------------------------------------------


def test_add_proposes_what_is_not_given(ws: Workspace) -> None:
    item = ws.interactions.add(
        "Colis jamais reçu, très déçue", link="https://www.instagram.com/p/1", occurred_at=AT
    )
    assert (item.channel, item.type, item.sentiment, item.status) == (
        "instagram", "complaint", "negative", "new",
    )  # fmt: skip
    assert "jamais recu" in item.sentiment_reason and not item.sentiment_by_user
    assert item.occurred_at == AT and item.first_response_at is None
    given = ws.interactions.add(
        "Merci !", channel="phone", type="other", sentiment="neutral", tags=["vip", " vip "]
    )
    assert (given.channel, given.type, given.sentiment, given.sentiment_by_user) == (
        "phone", "other", "neutral", True,
    )  # fmt: skip
    assert given.tags == ("vip",)
    assert [e.action for e in ws.activity()][:2] == ["interaction.added", "interaction.added"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"channel": "myspace"}, "Unknown channel"),
        ({"type": "rant"}, "Unknown type"),
        ({"status": "done"}, "Unknown status"),
        ({"priority": 3}, "Unknown priority"),
        ({"direction": "sideways"}, "Unknown direction"),
        ({"sentiment": "angry"}, "Unknown sentiment"),
        ({"contact_id": 42}, "no contact 42"),
        ({"team_id": 42}, "no team 42"),
        ({"mention_id": 42}, "no longer exists"),
    ],
)
def test_add_refuses_bad_values_and_writes_nothing(
    ws: Workspace, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidData, match=message):
        ws.interactions.add("Bonjour", **fields)  # type: ignore[arg-type]
    assert ws.interactions.count() == 0


def test_an_empty_interaction_is_refused(ws: Workspace) -> None:
    with pytest.raises(InvalidData, match="needs a text or a link"):
        ws.interactions.add("   ")


def test_filters_counts_and_keyset_pages(ws: Workspace) -> None:
    team = ws.teams.add("SAV")
    lea = ws.contacts.add("Léa")
    for n in range(7):
        ws.interactions.add(
            f"Message {n}",
            channel="x" if n % 2 else "facebook",
            type="question" if n < 3 else "praise",
            occurred_at=AT + timedelta(minutes=n // 2),  # pairs share a time: id breaks ties
            team_id=team.id if n == 4 else None,
            contact_id=lea.id if n == 5 else None,
        )
    pages, before = [], None
    while page := ws.interactions.page(limit=3, before=before):
        pages.append([i.text for i in page])
        before = page[-1]
    assert pages == [
        ["Message 6", "Message 5", "Message 4"],
        ["Message 3", "Message 2", "Message 1"],
        ["Message 0"],
    ]
    assert ws.interactions.count(InteractionFilter(type="question")) == 3
    assert ws.interactions.count(InteractionFilter(channel="x", type="praise")) == 2
    assert [i.text for i in ws.interactions.page(InteractionFilter(team_id=team.id))] == [
        "Message 4"
    ]
    assert [i.text for i in ws.interactions.page(InteractionFilter(contact_id=lea.id))] == [
        "Message 5"
    ]
    ws.interactions.set_status([1, 2], "closed")
    assert ws.interactions.counts_by_status() == {
        "new": 5, "in_progress": 0, "waiting_team": 0, "answered": 0, "closed": 2,
    }  # fmt: skip
    assert ws.interactions.count(InteractionFilter(open_only=True)) == 5
    with pytest.raises(InvalidData, match="Unknown status"):
        ws.interactions.count(InteractionFilter(status="done"))


def test_response_and_resolution_are_stamped_once(ws: Workspace) -> None:
    item = ws.interactions.add("Vous livrez à Lyon ?", channel="x", occurred_at=AT)
    ws.interactions.set_status([item.id], "in_progress", at=AT + timedelta(minutes=5))
    assert ws.interactions.get(item.id).first_response_at is None
    changes = ws.interactions.record_reply(
        item.id, "Oui, le mardi !", at=AT + timedelta(minutes=20)
    )
    assert changes.interactions
    answered = ws.interactions.get(item.id)
    assert (answered.status, answered.reply) == ("answered", "Oui, le mardi !")
    assert answered.response_time == timedelta(minutes=20)
    # A second reply or "answered" again does not move the first response.
    ws.interactions.record_reply(item.id, "Et le vendredi.", at=AT + timedelta(hours=1))
    ws.interactions.set_status([item.id], "closed", at=AT + timedelta(hours=2))
    closed = ws.interactions.get(item.id)
    assert closed.response_time == timedelta(minutes=20)
    assert closed.resolution_time == timedelta(hours=2)
    # Reopening clears the resolution; closing again stamps the new one.
    ws.interactions.set_status([item.id], "in_progress", at=AT + timedelta(hours=3))
    assert ws.interactions.get(item.id).resolved_at is None
    ws.interactions.set_status([item.id], "closed", at=AT + timedelta(hours=4))
    assert ws.interactions.get(item.id).resolution_time == timedelta(hours=4)


def test_closing_unanswered_counts_as_the_first_response(ws: Workspace) -> None:
    item = ws.interactions.add("Bravo !", channel="x", occurred_at=AT)
    ws.interactions.set_status([item.id], "closed", at=AT + timedelta(hours=1))
    assert ws.interactions.get(item.id).response_time == timedelta(hours=1)


def test_set_status_of_an_unknown_interaction_changes_nothing(ws: Workspace) -> None:
    item = ws.interactions.add("Bravo !", channel="x")
    with pytest.raises(NotFound, match="no interaction 99"):
        ws.interactions.set_status([item.id, 99], "closed")
    assert ws.interactions.get(item.id).status == "new"


def test_triage_edits(ws: Workspace) -> None:
    team = ws.teams.add("Produit", kind="product")
    item = ws.interactions.add("Une idée : des galettes sans gluten", channel="facebook")
    assert item.type == "suggestion"
    ws.interactions.assign([item.id], team.id)
    ws.interactions.set_type([item.id], "crisis")
    ws.interactions.set_priority([item.id], 2)
    ws.interactions.set_sentiment(item.id, "negative", "ton agressif")
    ws.interactions.add_tag([item.id], "gluten")
    edited = ws.interactions.get(item.id)
    assert (edited.team_id, edited.type, edited.priority, edited.tags) == (
        team.id, "crisis", 2, ("gluten",),
    )  # fmt: skip
    assert (edited.sentiment, edited.sentiment_by_user) == ("negative", True)
    ws.interactions.remove_tag([item.id], "gluten")
    assert ws.interactions.get(item.id).tags == ()


def test_a_mention_becomes_an_interaction(ws: Workspace) -> None:
    source = ws.sources.add("https://blog.example/feed")
    entry = IncomingEntry(
        guid="g1",
        url="https://www.tripadvisor.fr/Review-1",
        title="Avis",
        published=AT,
        text="Accueil froid, jamais revenu. Très déçu.",
    )
    ws.mentions.record_refresh(FetchOutcome(source_id=source.id, ok=True, entries=(entry,)), AT)
    mention_id = ws.mentions.page()[0].id
    item = ws.interactions.from_mention(mention_id)
    assert (item.mention_id, item.channel, item.type, item.occurred_at) == (
        mention_id, "review_site", "complaint", AT,
    )  # fmt: skip


# -- contacts ----------------------------------------------------------------------------------


def test_contacts_are_found_by_handle_name_or_email(ws: Workspace) -> None:
    ines = ws.contacts.add(
        "Inès Martin",
        email="ines@example.fr",
        handles=[("instagram", "@Ines_M"), ("mastodon", "@ines@piaille.fr")],
        tags=["customer"],
    )
    assert ines.handles == (("instagram", "ines_m"), ("mastodon", "ines@piaille.fr"))
    assert ws.contacts.by_handle("instagram", "INES_M") == ines
    assert ws.contacts.find("@ines_m") == ines
    assert ws.contacts.find("ines_m", network="instagram") == ines
    assert ws.contacts.find("inès martin") == ines
    assert ws.contacts.find("INES@example.fr") == ines
    assert ws.contacts.find("@Inès Martin") is None  # an "@" means a handle, not a name
    assert ws.contacts.find("nobody") is None
    with pytest.raises(InvalidData, match="already belongs to contact"):
        ws.contacts.add("Autre", handles=[("instagram", "ines_m")])
    ws.contacts.add("Inès Martin")
    with pytest.raises(InvalidData, match="Several contacts match"):
        ws.contacts.find("Inès Martin")
    with pytest.raises(InvalidData, match="needs a name, a handle"):
        ws.contacts.add("  ")


def test_merge_moves_handles_tags_and_interactions(ws: Workspace) -> None:
    keep = ws.contacts.add("Inès", handles=[("instagram", "ines")], notes="Cliente fidèle")
    other = ws.contacts.add(
        "", email="ines@example.fr", handles=[("x", "ines75")], tags=["influencer"], notes="Blog"
    )
    item = ws.interactions.add("Bravo", channel="x", contact_id=other.id)
    ws.contacts.merge(keep.id, other.id)
    merged = ws.contacts.get(keep.id)
    assert merged.handles == (("instagram", "ines"), ("x", "ines75"))
    assert (merged.email, merged.tags, merged.notes) == (
        "ines@example.fr", ("influencer",), "Cliente fidèle\n\nBlog",
    )  # fmt: skip
    assert ws.interactions.get(item.id).contact_id == keep.id
    with pytest.raises(NotFound):
        ws.contacts.get(other.id)


def test_export_holds_everything_about_a_contact(ws: Workspace) -> None:
    team = ws.teams.add("SAV")
    ines = ws.contacts.add(
        "Inès", handles=[("instagram", "ines")], tags=["customer"], consent_notes="OK newsletter"
    )
    ws.interactions.add(
        "Colis jamais reçu", channel="instagram", contact_id=ines.id, occurred_at=AT,
        team_id=team.id,
    )  # fmt: skip
    ws.interactions.add("Un autre", channel="x")
    data = ws.contacts.export(ines.id)
    assert data["profile"]["name"] == "Inès"
    assert data["profile"]["consent_notes"] == "OK newsletter"
    assert data["handles"] == [{"network": "instagram", "handle": "ines"}]
    assert data["tags"] == ["customer"]
    assert [(i["text"], i["team"], i["occurred_at"]) for i in data["interactions"]] == [
        ("Colis jamais reçu", "SAV", AT.isoformat())
    ]


def test_erase_removes_personal_data_keeps_interactions_and_records_it(
    ws: Workspace,
) -> None:
    ines = ws.contacts.add(
        "Inès Zyxwvut",
        email="ines.zyxwvut@example.fr",
        notes="Vit à Lyon",
        handles=[("instagram", "ines_zyxwvut")],
        tags=["customer"],
    )
    item = ws.interactions.add("Colis jamais reçu", channel="instagram", contact_id=ines.id)
    changes = ws.contacts.erase(ines.id, note="demande par e-mail")
    assert changes.contacts and changes.interactions
    erased = ws.contacts.get(ines.id)
    assert (erased.name, erased.email, erased.notes, erased.handles, erased.tags) == (
        "", "", "", (), (),
    )  # fmt: skip
    assert erased.erased_at is not None
    kept = ws.interactions.get(item.id)
    assert (kept.contact_id, kept.text) == (None, "Colis jamais reçu")
    assert ws.contacts.by_handle("instagram", "ines_zyxwvut") is None
    assert ws.contacts.all() == [] and len(ws.contacts.all(include_erased=True)) == 1
    [(_id, contact_id, _at, note)] = ws.contacts.erasures()
    assert (contact_id, note) == (ines.id, "demande par e-mail")
    assert "contact.erased" in [e.action for e in ws.activity()]
    with pytest.raises(InvalidData, match="already erased"):
        ws.contacts.erase(ines.id)
    with pytest.raises(InvalidData, match="was erased"):
        ws.contacts.update(ines.id, name="Inès")
    # Nowhere in the file any more: not in the activity log, not in free pages.
    ws.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = ws.path.read_bytes()
    for secret in (b"Zyxwvut", b"zyxwvut", "Vit à Lyon".encode()):
        assert secret not in raw


def test_a_failed_erase_changes_nothing(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    ines = ws.contacts.add("Inès", handles=[("instagram", "ines")])
    ws.interactions.add("Bonjour", channel="instagram", contact_id=ines.id)

    def power_cut(action: str, detail: str = "", actor: str = "") -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(ws, "record", power_cut)
    with pytest.raises(sqlite3.OperationalError):
        ws.contacts.erase(ines.id)
    monkeypatch.undo()
    assert ws.contacts.get(ines.id).handles == (("instagram", "ines"),)
    assert ws.interactions.page()[0].contact_id == ines.id
    assert ws.contacts.erasures() == []


def test_contact_update_and_tags(ws: Workspace) -> None:
    ines = ws.contacts.add("Inès")
    ws.contacts.update(ines.id, name="  Inès   M. ", consent_notes="accord oral")
    ws.contacts.add_tag(ines.id, "ambassador")
    ws.contacts.add_handle(ines.id, "bluesky", "@ines.bsky.social")
    got = ws.contacts.get(ines.id)
    assert (got.name, got.consent_notes, got.tags, got.handles) == (
        "Inès M.", "accord oral", ("ambassador",), (("bluesky", "ines.bsky.social"),),
    )  # fmt: skip
    ws.contacts.remove_tag(ines.id, "AMBASSADOR")
    assert ws.contacts.get(ines.id).tags == ()
    with pytest.raises(InvalidData, match="Unknown contact fields"):
        ws.contacts.update(ines.id, phone="0600")
    with pytest.raises(InvalidData, match="Unknown channel"):
        ws.contacts.add_handle(ines.id, "myspace", "ines")


def test_an_interaction_links_to_a_post_and_is_unlinked_when_the_post_goes(ws: Workspace) -> None:
    item = ws.interactions.add("Trop belle la galette !", channel="mastodon")
    post = ws.posts.create("La galette est là", ["mastodon"])
    ws.interactions.set_post([item.id], post.id)
    assert ws.interactions.get(item.id).post_id == post.id
    with pytest.raises(NotFound):
        ws.interactions.set_post([item.id], post.id + 100)
    ws.posts.delete(post.id)  # never went out: it can go
    assert ws.interactions.get(item.id).post_id is None


def test_a_page_of_the_inbox_carries_the_tags(ws: Workspace) -> None:
    tagged = ws.interactions.add("Colis abîmé", channel="email", tags=("livraison", "colis"))
    plain = ws.interactions.add("Merci !", channel="email")
    page = {i.id: i.tags for i in ws.interactions.page()}
    assert page == {tagged.id: ("colis", "livraison"), plain.id: ()}
