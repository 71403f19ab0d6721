"""The watch-rule language: grammar, errors, folding, and agreement with FTS5."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmdesk.core.query import (
    ENGLISH_KEYWORDS,
    FIELDS,
    FRENCH_KEYWORDS,
    And,
    Document,
    Not,
    Or,
    Query,
    QuerySyntaxError,
    Term,
    fold,
    matches,
    parse,
    to_fts5,
    to_sql,
    to_text,
    tokens,
)

FTS_TABLE = (
    "CREATE VIRTUAL TABLE fts USING fts5(title, text, author, source, "
    "tokenize='unicode61 remove_diacritics 2')"
)
DOC = {
    "title": "Réclamation : colis jamais reçu",
    "text": "La galette des rois était délicieuse, mais la livraison en retard. J'adore l'église",
    "author": "Sophie R.",
    "source": "Avis Conso — Croix-Rousse",
}


def w(*words: str, field: str | None = None, prefix: bool = False) -> Term:
    return Term(words, field, prefix)


# -- grammar -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("croissant", w("croissant")),
        ("Crème", w("creme")),
        ('"pain au levain"', w("pain", "au", "levain")),
        ("boulang*", w("boulang", prefix=True)),
        ('"pain au lev"*', w("pain", "au", "lev", prefix=True)),
        ("croix-rou*", w("croix", "rou", prefix=True)),  # a hyphen cuts words, as in FTS5
        ("l'église", w("l", "eglise")),
        ("a b", And((w("a"), w("b")))),
        ("a AND b ET c", And((w("a"), w("b"), w("c")))),
        ("a OR b OU c", Or((w("a"), w("b"), w("c")))),
        ("a b OR c", Or((And((w("a"), w("b"))), w("c")))),  # AND binds tighter than OR
        ("a OR b c", Or((w("a"), And((w("b"), w("c")))))),
        ("a (b OR c)", And((w("a"), Or((w("b"), w("c")))))),
        ("a NOT b", And((w("a"), Not(w("b"))))),
        ("a SAUF b", And((w("a"), Not(w("b"))))),
        ("a -b", And((w("a"), Not(w("b"))))),
        ('a -"b c"', And((w("a"), Not(w("b", "c"))))),
        ("a -(b OR c)", And((w("a"), Not(Or((w("b"), w("c"))))))),
        ("a NOT b OR c", Or((And((w("a"), Not(w("b")))), w("c")))),  # NOT tightest
        ("a and or not", And((w("a"), w("and"), w("or"), w("not")))),  # lower case: words
        ("title:colis", w("colis", field="title")),
        ("Titre:colis", w("colis", field="title")),
        ("auteur:sophie", w("sophie", field="author")),
        ('text:"en retard"', w("en", "retard", field="text")),
        ("source:reddit*", w("reddit", field="source", prefix=True)),
        ("-title:promo a", And((Not(w("promo", field="title")), w("a")))),
        (
            "title:(levain OR author:galette)",
            Or((w("levain", field="title"), w("galette", field="author"))),
        ),
        ("https://reddit.com", w("https", "reddit", "com")),  # a URL is not a field
        ("Attention: colis", And((w("attention"), w("colis")))),
        ("10:30", w("10", "30")),
        ("a OR (NOT b c)", Or((w("a"), And((Not(w("b")), w("c")))))),
        ("x (a OR NOT b)", And((w("x"), Or((w("a"), Not(w("b"))))))),
    ],
)
def test_grammar(text: str, tree: Query) -> None:
    assert parse(text) == tree
    assert parse(to_text(tree)) == tree


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "empty", 0),
        ("   ", "empty", 0),
        ("(galette", "closing parenthesis is missing", 0),
        ("a (b (c)", "closing parenthesis is missing", 2),
        ("galette)", "no opening one", 7),
        ("galette OR", "missing at the end", 10),
        ("galette OR  ", "missing at the end", 10),
        ("galette NOT", "missing at the end", 11),
        ("OR galette", "each side", 0),
        ("a AND OR b", "each side", 6),
        ("a ()", "Unexpected", 3),
        ('a "galette', "closing quotation", 2),
        ('""', "no words", 0),
        ("NOT spam", "not only words to leave out", 0),
        ("  -spam", "not only words to leave out", 2),
        ("a OR NOT b", "not only words to leave out", 0),
        (' "a b" OU NON c', "not only words to leave out", 1),
        ("foo:bar", "not a field; use one of: title, text, author, source", 0),
        ("a foo:(bar)", "“foo” is not a field", 2),
        ("title:", "Nothing follows “title:”", 0),
        ("a title: b", "Nothing follows", 2),
        ("galette ???", "no letters", 8),
        ("galette - pizza", "no letters", 8),
    ],
)
def test_errors_say_what_and_where(text: str, message: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError, match=message) as error:
        parse(text)
    assert error.value.position == position
    assert error.value.message == str(error.value)


# -- words and matching ------------------------------------------------------------------------


def test_tokens_and_fold_follow_fts5() -> None:
    assert tokens("L'Église Saint-Jean, ŒUVRE n°2_b") == [
        *("l", "eglise", "saint", "jean", "œuvre", "n", "2", "b")
    ]
    assert fold("Réclamation À NOËL !") == "reclamation a noel !"
    # FTS5's tables predate these emoji: to it they are letters, glued to the word.
    assert tokens("j'adore🥐 super😀bon") == ["j", "adore🥐", "super", "bon"]
    assert tokens("e\u0301te\u0301 \u0301") == ["ete"]  # combining accents dropped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reclamation", True),
        ("RÉCLAMATION", True),
        ("reclam", False),  # whole words only
        ("reclam*", True),
        ('"galette des rois"', True),
        ('"rois des galette"', False),
        ('"galette des r"*', True),
        ('"galette de"*', True),
        ('"galette d"', False),
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
        ("source:croix-rousse", True),
        ("text:eglise", True),
        ('text:"en retard"', True),
        ('"retard j"', True),  # punctuation between words does not break a phrase
        ('"jamais recu sophie"', False),  # a phrase stays inside one field
        ("title:(galette OR colis)", True),
        ("(pizza OR colis) AND (retard OR annulation)", True),
    ],
)
def test_matching(text: str, expected: bool) -> None:
    query = parse(text)
    assert matches(query, DOC) is expected
    assert matches(query, Document(DOC)) is expected


def test_missing_fields_are_empty() -> None:
    assert matches(parse("colis -title:promo"), {"text": "colis"})
    assert not matches(parse("author:colis"), {"text": "colis", "author": None})  # type: ignore[dict-item]


# -- FTS5 --------------------------------------------------------------------------------------


def test_fts5_expressions() -> None:
    assert to_fts5(parse("title:galette")) == 'title : "galette"'
    assert to_fts5(parse('"pain au lev"*')) == '{title text author source} : "pain au lev" *'
    assert to_fts5(parse("a -author:b"), ("t", "x", "a", "s")) == '(({t x a s} : "a") NOT a : "b")'
    assert to_fts5(Term(('say "hi"',), "text")) == 'text : "say ""hi"""'
    with pytest.raises(ValueError, match="to_sql"):
        to_fts5(Or((w("a"), Not(w("b")))))


def test_sql_uses_one_match_when_it_can() -> None:
    sql, params = to_sql(parse("(a OR b) -c title:d"), "fts")
    assert sql.count("MATCH") == 1 and len(params) == 1
    sql, params = to_sql(parse("x y (a OR NOT b)"), "fts")
    assert sql.count("MATCH") == len(params) == 3  # x AND y together, then a, b
    assert params[0] == '({title text author source} : "x" AND {title text author source} : "y")'


def code_points() -> Iterator[int]:
    yield from range(1, 0xD800)
    yield from range(0xE000, 0x20000)
    yield from range(0x20000, 0x110000, 251)  # later planes: mostly unassigned, sampled


def test_tokens_match_the_real_tokenizer_on_every_code_point() -> None:
    """Each code point between two letters: one word (folded, possibly to nothing) or a cut."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    db.executemany(
        "INSERT INTO t(rowid, x) VALUES (?, ?)", ((c, f"q{chr(c)}q") for c in code_points())
    )
    found: dict[int, list[str]] = {}
    for term, row in db.execute("SELECT term, doc FROM v ORDER BY doc, offset"):
        found.setdefault(row, []).append(term)
    wrong = [hex(c) for c in code_points() if tokens(f"q{chr(c)}q") != found.get(c)]
    assert not wrong, f"{len(wrong)} code points differ from FTS5: {wrong[:20]}"


# -- property tests: the matcher against a naive reference and against SQLite FTS5 -----------

VOCAB = ["galette", "Galette", "GALETTE", "réclamation", "Reclamation", "colis", "reçu",
         "recu", "retard", "pain", "painting", "Pâte", "pate", "l'avis", "L'Avis",
         "croix-rousse", "Croix-Rousse", "Église", "eglise", "œuvre", "2024", "!", "…"]  # fmt: skip
WORDS = sorted({t for v in VOCAB for t in tokens(v)})


def naive_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def naive(query: Query, doc: dict[str, str]) -> bool:
    """The reference: regular expressions over folded text, written independently."""
    if isinstance(query, Term):
        names = [query.field] if query.field else list(FIELDS)
        phrase = r"[\W_]+".join(re.escape(w) for w in query.words)
        tail = r"[^\W_]*" if query.prefix else ""
        pattern = rf"(?<![^\W_]){phrase}{tail}(?![^\W_])"
        return any(re.search(pattern, naive_fold(doc.get(n, ""))) for n in names)
    if isinstance(query, Not):
        return not naive(query.item, doc)
    if isinstance(query, And):
        return all(naive(q, doc) for q in query.items)
    return any(naive(q, doc) for q in query.items)


@st.composite
def terms(draw: st.DrawFn) -> Term:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))
    prefix = draw(st.booleans())
    if prefix:  # a prefix is usually shorter than the words it finds
        words[-1] = words[-1][: draw(st.integers(1, len(words[-1])))]
    return Term(tuple(words), draw(st.sampled_from([None, *FIELDS])), prefix)


queries = st.recursive(
    terms(),
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda q: And(tuple(q))),
        st.lists(inner, min_size=2, max_size=3).map(lambda q: Or(tuple(q))),
    ),
    max_leaves=7,
)
documents = st.dictionaries(
    st.sampled_from(FIELDS), st.lists(st.sampled_from(VOCAB), max_size=6).map(" ".join)
)


@settings(max_examples=300, deadline=None)
@given(queries)
def test_text_round_trip(query: Query) -> None:
    for keywords in (ENGLISH_KEYWORDS, FRENCH_KEYWORDS):
        try:
            tree = parse(to_text(query, keywords))
        except QuerySyntaxError as error:  # only trees that need no word at all are refused
            assert "not only words to leave out" in error.message
        else:
            assert tree == query


@settings(max_examples=300, deadline=None)
@given(queries, documents)
def test_matcher_agrees_with_the_reference(query: Query, doc: dict[str, str]) -> None:
    assert matches(query, Document(doc)) is naive(query, doc)


@settings(max_examples=200, deadline=None)
@given(queries, st.lists(documents, min_size=1, max_size=8))
def test_sql_agrees_with_the_matcher(query: Query, docs: list[dict[str, str]]) -> None:
    db = sqlite3.connect(":memory:")
    db.execute(FTS_TABLE)
    db.executemany(
        "INSERT INTO fts(rowid, title, text, author, source) VALUES (?, ?, ?, ?, ?)",
        [(i, *(doc.get(name) for name in FIELDS)) for i, doc in enumerate(docs, start=1)],
    )
    expected = {i for i, doc in enumerate(docs, start=1) if matches(query, doc)}
    where, params = to_sql(query, "fts")
    assert {r[0] for r in db.execute(f"SELECT rowid FROM fts WHERE {where}", params)} == expected
    try:
        expression = to_fts5(query)
    except ValueError:
        assert where.count("MATCH") > 1 or where.startswith("NOT")
        return
    assert where.count("MATCH") == 1
    found = {r[0] for r in db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", [expression])}
    assert found == expected
