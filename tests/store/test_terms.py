"""The search vocabulary's words: the fast paths of terms_of against the plain definition."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cmdesk.core.classify import scan
from cmdesk.store.mentions import terms_of, words_of_entries


def _by_category(text: str) -> list[str]:
    """FTS5 unicode61 with remove_diacritics 2, as terms_of was first written."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return re.findall(r"[^\W_]+", re.sub("[\u0300-\u036f]+", "", decomposed))


def test_every_character_of_the_basic_plane_gives_the_same_words() -> None:
    # One character at a time between two letters: a character that decomposes into
    # something else than ASCII and accents, or that is a letter of another script, must
    # take the general path.
    mismatches = [
        hex(code)
        for code in range(0x80, 0x10000)
        if not 0xD800 <= code <= 0xDFFF
        and terms_of(f"a{chr(code)}b Çà") != _by_category(f"a{chr(code)}b Çà")
    ]
    assert mismatches == []


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
@example("L’équipe a été ℌeureuse, œuvre ﬁnale, naïve ＿x_y")
@example("Déçue: jamais reçu ma commande!")
def test_words_match_the_plain_definition(text: str) -> None:
    assert terms_of(text) == _by_category(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=10), st.text(max_size=80))
@example("Déçue", "Léa", "Colis jamais reçu, œuvre 😡")
@example("Plain title", "Bob", "plain text, 42 words")
def test_an_entrys_words_are_its_terms(title: str, author: str, text: str) -> None:
    expected = set(_by_category(f"{title} {author} {text}"))
    assert words_of_entries([(title, author, text, None)]) == expected


_latin = st.text(st.characters(max_codepoint=0x17F), max_size=60)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(_latin, st.text(max_size=40)),
    st.one_of(_latin, st.text(max_size=10)),
    st.one_of(
        _latin,
        st.text(max_size=80),
        st.text(st.sampled_from("abé çÀ.,\n1"), min_size=2990, max_size=3010),
    ),
)
@example("Déçue: ÉLAN ª¹", "Léa", "Colis (jamais) reçu!\nBon. «x» ß æ µ")
@example("Plain title", "Bob", "plain text.\n42 words")
@example("x" * 999, "", "a " * 1499 + "zz")  # the classifier stops before the end of the text
def test_the_classifiers_words_give_the_same_terms(title: str, author: str, text: str) -> None:
    scanned = scan(f"{title}. {text}")
    with_scan = words_of_entries([(title, author, text, scanned)])
    assert with_scan == words_of_entries([(title, author, text, None)])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_latin, st.text(max_size=10), _latin, st.booleans()), max_size=5))
@example([("Déçue.", "Léa", "Colis (jamais) reçu!", True), ("Bon", "", "pain; levain", False)])
def test_a_feeds_words_are_those_of_its_entries(entries: list) -> None:
    rows = [(t, a, x, scan(f"{t}. {x}") if scanned else None) for t, a, x, scanned in entries]
    assert words_of_entries(rows) == set().union(*(words_of_entries([row]) for row in rows))
