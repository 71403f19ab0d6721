"""The watch-rule language: grammar, errors, folding, and agreement with FTS5."""

from __future__ import annotations

import re
import sqlite3
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmdesk.core.query import (
    FIELDS,
    And,
    Document,
    Not,
    Or,
    Query,
    QuerySyntaxError,
    Term,
    matches,
    parse,
    to_sql,
    to_text,
    tokens,
)

DOC = {
    "title": "Réclamation : colis jamais reçu",
    "text": "La galette des rois était délicieuse, mais la livraison en retard.",
    "author": "Sophie R.",
    "source": "Avis Conso",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("reclamation", True),
        ("RÉCLAMATION", True),
        ("reclam", False),  # whole words only
        ("reclam*", True),
        ('"galette des rois"', True),
        ('"rois des galette"', False),
        ("galette rois", True),
        ("galette OR pizza", True),
        ("galette AND pizza", False),
        ("galette -pizza", True),
        ("galette NOT livraison", False),
        ("galette ET NON pizza", True),
        ("title:colis", True),
        ("title:galette", False),
        ("author:sophie", True),
        ("source:conso", True),
        ('text:"en retard"', True),
        ("title:(galette OR colis)", True),
        ("(pizza OR colis) AND (retard OR annulation)", True),
        ("l", True),  # "l'église": the tokenizer splits on the apostrophe
    ],
)
def test_matching(query: str, expected: bool) -> None:
    assert matches(parse(query), DOC | {"text": DOC["text"] + " l'église"}) is expected


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ("", "empty", 0),
        ("   ", "empty", 0),
        ("(galette", "closing parenthesis is missing", 0),
        ("galette)", "no opening one", 7),
        ("galette OR", "missing at the end", 10),
        ("OR galette", "each side", 0),
        ('"galette', "closing quotation", 0),
        ('""', "no words", 0),
        ("NOT spam", "not only words to leave out", 0),
        ("foo:bar", "not a field", 0),
        ("title:", "Nothing follows", 0),
        ("galette ???", "no letters", 8),
    ],
)
def test_errors_say_what_and_where(query: str, message: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError, match=message) as error:
        parse(query)
    assert error.value.position == position


def test_tokens_follow_fts5() -> None:
    assert tokens("L'Église Saint-Jean, œuvre n°2_b") == [
        "l",
        "eglise",
        "saint",
        "jean",
        "œuvre",
        "n",
        "2",
        "b",
    ]


# -- property tests: the matcher against a naive reference and against SQLite FTS5 -----------

VOCAB = ["galette", "Galette", "GALETTE", "réclamation", "reclamation", "colis", "reçu",
         "recu", "retard", "pain", "levain", "pâte", "pate", "l'avis", "croix-rousse"]  # fmt: skip
WORDS = sorted({w for v in VOCAB for w in tokens(v)})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def naive(query: Query, doc: dict[str, str]) -> bool:
    """The reference: regular expressions over folded text, written independently."""
    if isinstance(query, Term):
        names = [query.field] if query.field else list(FIELDS)
        phrase = r"[^\w]+".join(re.escape(w) for w in query.words)
        tail = r"\w*" if query.prefix else ""
        pattern = rf"(?<![^\W_]){phrase}{tail}(?![^\W_])"
        return any(re.search(pattern, fold(doc.get(n, "")).replace("_", " ")) for n in names)
    if isinstance(query, Not):
        return not naive(query.item, doc)
    if isinstance(query, And):
        return all(naive(q, doc) for q in query.items)
    return any(naive(q, doc) for q in query.items)


terms = st.builds(
    Term,
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map(tuple),
    field=st.sampled_from([None, *FIELDS]),
    prefix=st.booleans(),
).map(lambda t: Term(t.words, t.field, t.prefix and len(t.words) == 1))
queries = st.recursive(
    terms,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda q: And(tuple(q))),
        st.lists(inner, min_size=2, max_size=3).map(lambda q: Or(tuple(q))),
    ),
    max_leaves=6,
)
documents = st.fixed_dictionaries(
    {name: st.lists(st.sampled_from(VOCAB), max_size=6).map(" ".join) for name in FIELDS}
)


def positive(query: Query) -> bool:
    try:
        parse(to_text(query))
    except QuerySyntaxError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(queries)
def test_text_round_trip(query: Query) -> None:
    if positive(query):
        assert parse(to_text(query)) == query


@settings(max_examples=300, deadline=None)
@given(queries, documents)
def test_matcher_agrees_with_the_reference(query: Query, doc: dict[str, str]) -> None:
    assert matches(query, Document(doc)) is naive(query, doc)


@settings(max_examples=150, deadline=None)
@given(queries, st.lists(documents, min_size=1, max_size=8))
def test_sql_agrees_with_the_matcher(query: Query, docs: list[dict[str, str]]) -> None:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, text, author, source, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    for i, doc in enumerate(docs, start=1):
        db.execute("INSERT INTO fts(rowid, title, text, author, source) VALUES (?,?,?,?,?)",
                   (i, doc["title"], doc["text"], doc["author"], doc["source"]))  # fmt: skip
    where, params = to_sql(query, "fts")
    found = {r[0] for r in db.execute(f"SELECT rowid FROM fts WHERE {where}", params)}
    expected = {i for i, doc in enumerate(docs, start=1) if matches(query, doc)}
    assert found == expected
