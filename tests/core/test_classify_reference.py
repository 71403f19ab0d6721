"""The fast sentiment scan agrees with the plain one it replaced.

`estimate` visits only the words that can matter and merges the languages' tables; the
straightforward version below (clause by clause, every word, table by table) is kept
here as the reference, and both must give the same cues, score and sentiment on any
text made of scored words, negators, intensifiers, ordinary words and punctuation.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cmdesk.core import classify
from cmdesk.core.classify import Cue, estimate, fold
from cmdesk.core.lexicon import INTENSIFIERS, NEGATION_SPAN, NEGATORS, SENTIMENT

_CLAUSE_RE = re.compile(r"[.!?;:,()\n]+|\s(?:but|mais)\s")
_WORD_RE = re.compile(r"[a-z0-9]+")


# First word of every phrase -> the longest phrase it starts, in any language.
_STARTS: dict[str, int] = {}
for _table in classify._PHRASES.values():
    for _key in _table:
        _STARTS[_key[0]] = max(_STARTS.get(_key[0], 0), len(_key))


def _reference_longest(
    tokens: list[str], start: int, langs: tuple[str, ...]
) -> tuple[int, float] | None:
    if start >= len(tokens):
        return None
    longest = _STARTS.get(tokens[start], 0)
    for size in range(min(longest, len(tokens) - start), 0, -1):
        key = tuple(tokens[start : start + size])
        for lang in langs:
            value = classify._PHRASES[lang].get(key)
            if value is not None:
                return size, value
    return None


def _reference_clause(
    tokens: list[str], langs: tuple[str, ...], negators: frozenset[str], boosts: dict[str, float]
) -> list[Cue]:
    cues: list[Cue] = []
    negation_left = 0
    boost = 1.0
    i = 0
    while i < len(tokens):
        match = _reference_longest(tokens, i, langs) if tokens[i] in _STARTS else None
        if match is not None:
            size, value = match
            phrase = tokens[i : i + size]
            word_boost = boosts.get(phrase[0]) if size == 1 else None
            if word_boost is not None and _reference_longest(tokens, i + 1, langs) is not None:
                boost = word_boost
                i += 1
                continue
            negated = negation_left > 0 and not (set(phrase) & classify._ALL_NEGATORS)
            score = value * boost * (-0.8 if negated else 1.0)
            cues.append(Cue(" ".join(phrase), round(score, 1), negated))
            boost = 1.0
            negation_left = max(0, negation_left - size)
            i += size
            continue
        token = tokens[i]
        if token in negators:
            negation_left = NEGATION_SPAN
        elif token in boosts:
            boost = boosts[token]
        else:
            negation_left = max(0, negation_left - 1)
        i += 1
    return cues


def _reference(text: str, language: str) -> tuple[tuple[Cue, ...], float]:
    folded = fold(text[: classify.MAX_CHARS])
    clauses = [_WORD_RE.findall(c) for c in _CLAUSE_RE.split(folded)]
    langs = (language,) if language in classify._PHRASES else tuple(classify._PHRASES)
    negators, boosts = classify._rules(langs)
    cues: list[Cue] = []
    for tokens in clauses:
        if tokens:
            cues += _reference_clause(tokens, langs, negators, boosts)
    return tuple(cues), round(sum(c.score for c in cues), 1)


_SCORED = sorted({key for table in SENTIMENT.values() for key in table})
_OTHER = sorted(
    {w for table in NEGATORS.values() for w in table}
    | {w for table in INTENSIFIERS.values() for w in table}
)
_PLAIN = ["le", "the", "pain", "bread", "commande", "order", "et", "and", "3", "hier"]
_PUNCT = [". ", ", ", "! ", "? ", " (", ") ", "\n", " but ", " mais "]
_piece = st.one_of(
    st.sampled_from(_SCORED),
    st.sampled_from(_OTHER),
    st.sampled_from(_PLAIN),
    st.sampled_from(_PUNCT),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_piece, max_size=60), st.sampled_from(["fr", "en", ""]))
def test_fast_scan_gives_the_reference_cues(pieces: list[str], language: str) -> None:
    text = " ".join(pieces)
    result = estimate(text, language=language)
    cues, score = _reference(text, language)
    assert (result.cues, result.score) == (cues, score)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80), st.lists(st.sampled_from(list(".!?;:,()\n| ab1Z")), max_size=20))
def test_words_and_marks_are_cut_as_the_pattern_cuts_them(text: str, extra: list[str]) -> None:
    folded = classify._folded(text + "".join(extra) + text)
    expected = [
        classify._LINE_END if token == "\n" else token
        for token in classify._SCAN_RE.findall(folded.decode("ascii"))
    ]
    assert classify._scan(folded) == expected
    assert folded.decode("ascii") == fold(text + "".join(extra) + text)


def _fold_by_translation(text: str) -> str:
    """fold as first written: ligatures spelled out by one translation table."""
    import unicodedata

    table = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'"})
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(table))
    return decomposed.encode("ascii", "ignore").decode("ascii")


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(list("œŒæÆßẞ’'é Éa")), st.characters()), max_size=40).map(
        "".join
    )
)
@example("L’équipe a fait une œuvre, Straße ÆSIR")
def test_folding_spells_ligatures_out_as_the_table_did(text: str) -> None:
    assert fold(text) == _fold_by_translation(text)


def test_every_pair_of_latin1_characters_folds_as_the_table_did() -> None:
    """French and English text (Latin-1) folds byte by byte through a table: every
    character, and every pair (a character never folds differently beside another)."""
    latin = [chr(c) for c in range(256)]
    for first in latin:
        for text in [first, *(first + second for second in latin)]:
            assert fold(text) == _fold_by_translation(text), repr(text)


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(max_codepoint=255), max_size=200))
@example("Déçue : ½ baguette, Æsir, Straße, µ-onde, «ça» ¨")
def test_latin1_text_folds_as_the_table_did(text: str) -> None:
    assert fold(text) == _fold_by_translation(text)
