"""Client profile rules that every screen and command relies on."""

from __future__ import annotations

import pytest

from cmdesk.core.client import ClientProfile, check_slug, parse_keywords, slugify, sort_key
from cmdesk.core.errors import InvalidData


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Boulangerie Été", "boulangerie-ete"),
        ("  L'Atelier -- Œuvres & Co ", "l-atelier-uvres-co"),
        ("日本", "client"),
        ("x" * 80, "x" * 48),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug
    assert check_slug(slugify(name)) == slug


@pytest.mark.parametrize("bad", ["", "-a", "a-", "A", "a b", "é", "x" * 49, "../etc"])
def test_bad_slugs(bad: str) -> None:
    with pytest.raises(InvalidData):
        check_slug(bad)


def test_keywords_split_trimmed_and_deduplicated() -> None:
    assert parse_keywords("Léa, pain;  levain\nLÉA,, ") == ("Léa", "pain", "levain")


def test_sort_key_ignores_accents_and_case() -> None:
    names = ["zoé", "Élan", "eau", "Être"]
    assert sorted(names, key=sort_key) == ["eau", "Élan", "Être", "zoé"]


def test_validated_normalises() -> None:
    profile = ClientProfile(
        name="  Léa ", slug="lea", colour="#AA3300", keywords=(" a ", "", "b"), logo_mime="x"
    ).validated()
    assert (profile.name, profile.colour, profile.keywords, profile.logo_mime) == (
        "Léa",
        "#aa3300",
        ("a", "b"),
        "",
    )
