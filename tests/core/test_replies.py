"""Canned replies: variables in French or English, and a visible marker for what is missing."""

from __future__ import annotations

from datetime import UTC, datetime

from cmdesk.core.client import ClientProfile
from cmdesk.core.interactions import Contact, Interaction
from cmdesk.core.replies import render, search_key, values_for, variables_in

LEA = ClientProfile(name="Boulangerie Léa", slug="lea")
INES = Contact(id=3, name="Inès  Martin", handles=(("x", "ines_m"), ("instagram", "ines.insta")))
POST = Interaction(
    id=9, channel="instagram", occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
    link="https://www.instagram.com/p/Cx1/",
)  # fmt: skip


def test_french_and_english_names_with_or_without_accents() -> None:
    values = values_for(INES, POST, LEA)
    body = "Bonjour {prénom}, {Prenom} ! {marque} / {brand} — {lien} {first_name} {pseudo}"
    done = render(body, values)
    assert done.text == (
        "Bonjour Inès, Inès ! Boulangerie Léa / Boulangerie Léa — "
        "https://www.instagram.com/p/Cx1/ Inès @ines.insta"
    )
    assert done.complete
    assert variables_in(body)[:3] == ("prénom", "Prenom", "marque")


def test_a_missing_value_is_a_visible_marker_not_a_crash() -> None:
    anonymous = Contact(id=4, handles=(("x", "anon"),))
    done = render(
        "Bonjour {prénom}, voir {lien}. {commande} {nom}", values_for(anonymous, None, LEA)
    )
    assert done.text == "Bonjour [[prénom]], voir [[lien]]. [[commande]] [[nom]]"
    assert done.missing == ("prénom", "lien", "nom")
    assert done.unknown == ("commande",)
    assert not done.complete
    assert render("Rien à remplir {}, { x }", {}).text == "Rien à remplir {}, { x }"


def test_an_erased_contact_gives_no_personal_value() -> None:
    erased = Contact(id=5, name="Inès", erased_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert render("{prénom}", values_for(erased, None, LEA)).missing == ("prénom",)


def test_search_key_ignores_accents_and_case() -> None:
    assert search_key("Réponse ÉTÉ", "Désolés") == "reponse ete\ndesoles"
