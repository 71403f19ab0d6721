"""Language and sentiment of a mention or an interaction, with the reason shown to the user.

Deliberately a transparent word-list method rather than a statistical model: the
community manager sees *why* ("jamais reçu −3, déçue −2") and corrects what is wrong,
and it costs microseconds and no download. Language libraries were weighed: py3langid
needs numpy (+40 MB in every installer), langdetect is slow and not deterministic; for
French and English, counting function words is as accurate on anything longer than a
few words. The interactions section reuses `estimate` for its proposals.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

from cmdesk.core.lexicon import EMOJI, INTENSIFIERS, NEGATION_SPAN, NEGATORS, SENTIMENT, STOPWORDS

_WORD_RE = re.compile(r"[a-z0-9]+")
# A negation does not reach past the end of its clause ("nobody answers. Worst bakery").
_CLAUSE_RE = re.compile(r"[.!?;:,()\n]+|\s(?:but|mais)\s")
_MAX_PHRASE = 4
# Thresholds lean towards "negative": missing a complaint costs more than a false alarm.
NEGATIVE_AT = -1.0
POSITIVE_AT = 1.5
_PHRASES = {
    lang: {tuple(k.split()): float(v) for k, v in words.items()}
    for lang, words in SENTIMENT.items()
}
_ALL_NEGATORS = frozenset().union(*NEGATORS.values())
# First word of every phrase -> longest phrase starting with it: most words start none,
# so most positions cost one dict lookup.
_STARTS: dict[str, int] = {}
for _table in _PHRASES.values():
    for _key in _table:
        _STARTS[_key[0]] = max(_STARTS.get(_key[0], 0), len(_key))
# Long articles: the opening says what it is about, and classifying it all costs time.
MAX_CHARS = 4000


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'"})


def fold(text: str) -> str:
    """Lower case, accents removed, only ASCII kept: the words we match are ASCII, and
    encoding away the rest is ten times faster than filtering combining marks."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def words(text: str) -> list[str]:
    return _WORD_RE.findall(fold(text))


@dataclass(frozen=True)
class Cue:
    text: str
    score: float
    negated: bool = False


@dataclass(frozen=True)
class Estimate:
    language: str  # "fr", "en", another ISO code, or "" when unsure
    sentiment: str  # "negative", "neutral" or "positive"
    score: float
    cues: tuple[Cue, ...] = ()

    @property
    def reason(self) -> str:
        """The words that decided, strongest first: language-neutral, stored as is."""
        if not self.cues:
            return ""
        strongest = sorted(self.cues, key=lambda c: -abs(c.score))[:5]
        return ", ".join(
            f"{'¬' if c.negated else ''}{c.text} {'+' if c.score > 0 else '−'}{abs(c.score):g}"
            for c in strongest
        )


def detect_language(tokens: list[str]) -> str:
    """The language whose function words are most frequent; "" when too little to tell."""
    if len(tokens) < 3:
        return ""
    counts = Counter(tokens)
    hits = {
        lang: sum(n for word, n in counts.items() if word in stop)
        for lang, stop in STOPWORDS.items()
    }
    ranked = sorted(hits.items(), key=lambda item: -item[1])
    (best, best_hits), (_second, second_hits) = ranked[0], ranked[1]
    if best_hits < 2 or best_hits < second_hits * 1.5:
        return ""
    return best


def estimate(text: str, language: str | None = None) -> Estimate:
    """Sentiment from the words and emoji of `text`; `language` skips detection."""
    text = text[:MAX_CHARS]
    folded = fold(text)
    clauses = [_WORD_RE.findall(c) for c in _CLAUSE_RE.split(folded)]
    lang = (
        language
        if language is not None
        else detect_language([t for clause in clauses for t in clause])
    )
    langs = (lang,) if lang in _PHRASES else tuple(_PHRASES)
    negators, boosts = _rules(langs)
    cues: list[Cue] = []
    for tokens in clauses:
        if tokens:
            cues += _clause_cues(tokens, langs, negators, boosts)
    for symbol, value in EMOJI.items():
        if value and symbol in text:
            cues.append(Cue(symbol, value * min(text.count(symbol), 3)))
    score = round(sum(c.score for c in cues), 1)
    if score <= NEGATIVE_AT:
        sentiment = "negative"
    elif score >= POSITIVE_AT:
        sentiment = "positive"
    else:
        sentiment = "neutral"
    return Estimate(lang, sentiment, score, tuple(cues))


@cache
def _rules(langs: tuple[str, ...]) -> tuple[frozenset[str], dict[str, float]]:
    negators = frozenset().union(*(NEGATORS[x] for x in langs))
    boosts = {k: v for x in langs for k, v in INTENSIFIERS[x].items()}
    return negators, boosts


def _clause_cues(
    tokens: list[str],
    langs: tuple[str, ...],
    negators: frozenset[str],
    boosts: dict[str, float],
) -> list[Cue]:
    cues: list[Cue] = []
    negation_left = 0
    boost = 1.0
    i = 0
    while i < len(tokens):
        match = _longest_phrase(tokens, i, langs) if tokens[i] in _STARTS else None
        if match is not None:
            size, value = match
            phrase = tokens[i : i + size]
            word_boost = boosts.get(phrase[0]) if size == 1 else None
            next_has_value = _longest_phrase(tokens, i + 1, langs) is not None
            if word_boost is not None and next_has_value:
                boost = word_boost  # "très bon": an intensifier, not a sentiment of its own
                i += 1
                continue
            # A phrase that already says the negation ("jamais reçu") is not flipped again.
            negated = negation_left > 0 and not (set(phrase) & _ALL_NEGATORS)
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


def _longest_phrase(
    tokens: list[str], start: int, langs: tuple[str, ...]
) -> tuple[int, float] | None:
    if start >= len(tokens):
        return None
    longest = _STARTS.get(tokens[start], 0)
    for size in range(min(longest, len(tokens) - start), 0, -1):
        key = tuple(tokens[start : start + size])
        for lang in langs:
            value = _PHRASES[lang].get(key)
            if value is not None:
                return size, value
    return None


_ANY_WORD_RE = re.compile(r"\w+", re.UNICODE)


def readable_reason(reason: str, text: str) -> str:
    """The stored reason with the words as the author wrote them ("déçue", not "decue").

    Reasons are stored folded (cheap to compute for every entry); the original spelling
    is found again in the text only when one mention is shown.
    """
    if not reason:
        return reason
    spelled: dict[str, str] = {}
    for word in _ANY_WORD_RE.findall(text):
        spelled.setdefault(fold(word), word.lower())
    return re.sub(r"[a-z0-9]+", lambda m: spelled.get(m.group(0), m.group(0)), reason)
