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
from functools import cache, lru_cache
from itertools import chain
from typing import NamedTuple

from cmdesk.core.lexicon import (
    EMOJI,
    INTENSIFIERS,
    NEGATION_SPAN,
    NEGATORS,
    SENTIMENT,
    STOPWORDS,
)
from cmdesk.i18n import N_, _

_WORD_RE = re.compile(r"[a-z0-9]+")
# Words and clause ends in one pass. A negation does not reach past the end of its clause
# ("nobody answers. Worst bakery"), nor does an intensifier; "but" starts a new clause.
# Each clause mark is a token of its own, so that a set lookup recognises it.
_CLAUSE_MARKS = ".!?;:,()\n"
_SCAN_RE = re.compile(f"[a-z0-9]+|[{re.escape(_CLAUSE_MARKS)}]")
# The same tokens without a pattern (a third of the cost): every byte of the folded text
# but letters, digits and clause marks becomes a space, each mark gets a space on either
# side, and split() cuts. A line end, which split() would take for a space, becomes "|"
# (any "|" of the text is a space by then).
_LINE_END = "|"
_SCAN_TABLE = bytes(c if re.fullmatch(_SCAN_RE, chr(c)) else 32 for c in range(256))
_SPACED_MARKS = [
    (mark.encode(), f" {_LINE_END if mark == chr(10) else mark} ".encode())
    for mark in _CLAUSE_MARKS
]
MARKS = frozenset({_LINE_END, *_CLAUSE_MARKS})  # the tokens of scan() that are no words
_BREAKS = MARKS | {"but", "mais"}
# One pass for every scored emoji instead of a search per emoji.
_EMOJI_RE = re.compile(
    "|".join(re.escape(e) for e in sorted(EMOJI, key=len, reverse=True) if EMOJI[e])
)
# Where scored emoji start: beyond Latin-1, within one range of code points. Most texts
# are rejected by an encoding (a copy for Latin-1 text) or a range search, instead of
# trying the alternation at every character (a fifth of the whole estimate).
_EMOJI_STARTS = [e[0] for e in EMOJI if EMOJI[e]]  # all beyond Latin-1 (test_classify)
_EMOJI_RANGE_RE = re.compile(f"[{min(_EMOJI_STARTS)}-{max(_EMOJI_STARTS)}]")
_MAX_PHRASE = 4
# Thresholds lean towards "negative": missing a complaint costs more than a false alarm.
NEGATIVE_AT = -1.0
POSITIVE_AT = 1.5
_PHRASES = {
    lang: {tuple(k.split()): float(v) for k, v in words.items()}
    for lang, words in SENTIMENT.items()
}
_ALL_NEGATORS = frozenset().union(*NEGATORS.values())
# Words that can change a clause's score: the scan jumps from one to the next (most
# words of an article are none of these, and a refresh classifies thousands of texts).
_SPECIAL = (
    frozenset(key[0] for table in _PHRASES.values() for key in table)
    | _ALL_NEGATORS
    | frozenset(w for table in INTENSIFIERS.values() for w in table)
)
_MATTERS = _SPECIAL | _BREAKS
# Function words -> the languages they belong to, for one pass over a text's words.
_STOP_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in STOPWORDS.items():
    for _word in _words:
        _STOP_LANGS[_word] = (*_STOP_LANGS.get(_word, ()), _lang)
# Long articles: the opening says what it is about, and classifying it all costs time.
MAX_CHARS = 4000


# Spelled out before the accents go (encoding would drop them). The apostrophe of French
# typography is in nearly every French text: replaced, not translated (a dict lookup per
# character doubled the cost of classifying such a text).
_LIGATURES = (("œ", "oe"), ("æ", "ae"), ("ß", "ss"), ("’", "'"))


def _latin_tables() -> tuple[bytes, bytes, bytes]:
    """What _folded_general gives for each Latin-1 character, as bytes.translate tables:
    the bytes that fold to one character or none (a character never folds differently
    next to another: Latin-1 has no combining mark to reorder), each byte's folding, and
    the bytes that fold to nothing. Casefolding and decomposing a French text character
    by character cost more than classifying it."""
    folds = [_folded_general(chr(c)) for c in range(256)]
    single = bytes(c for c in range(256) if len(folds[c]) <= 1)
    table = bytes(folds[c][0] if len(folds[c]) == 1 else c for c in range(256))
    return single, table, bytes(c for c in range(256) if not folds[c])


def fold(text: str) -> str:
    """Lower case, accents removed, only ASCII kept: the words we match are ASCII, and
    encoding away the rest is ten times faster than filtering combining marks."""
    return _folded(text).decode("ascii")


def _folded(text: str) -> bytes:
    if text.isascii():  # what casefold() gives for ASCII, by a faster path
        return text.lower().encode("ascii")
    try:  # French and English text: Latin-1, folded byte by byte by a table
        latin = text.encode("latin-1")
    except UnicodeEncodeError:
        return _folded_general(text)
    if latin.translate(None, _FOLDS_TO_ONE):
        return _folded_general(text)  # ß, æ, ¼...: more than one letter each
    return latin.translate(_LATIN_FOLDED, _LATIN_DROPPED)


def _folded_general(text: str) -> bytes:
    text = text.casefold()
    for ligature, spelled in _LIGATURES:
        if ligature in text:
            text = text.replace(ligature, spelled)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore")


_FOLDS_TO_ONE, _LATIN_FOLDED, _LATIN_DROPPED = _latin_tables()


def _scan(folded: bytes) -> list[str]:
    """Words and clause marks of a folded text, as _SCAN_RE.findall would give them
    (a line end as _LINE_END)."""
    folded = folded.translate(_SCAN_TABLE)
    for mark, spaced in _SPACED_MARKS:
        if mark in folded:
            folded = folded.replace(mark, spaced)
    return folded.decode("ascii").split()


def words(text: str) -> list[str]:
    return _WORD_RE.findall(fold(text))


class Cue(NamedTuple):  # a tuple: thousands are made per refresh
    text: str
    score: float
    negated: bool = False


_new_cue = tuple.__new__


@dataclass(frozen=True)
class Estimate:
    language: str  # "fr", "en", another ISO code, or "" when unsure
    sentiment: str  # "negative", "neutral" or "positive"
    score: float
    cues: tuple[Cue, ...] = ()

    @property
    def reason(self) -> str:
        """The words that decided, strongest first: language-neutral, stored as is. A
        phrase scored 0 ("late checkout") only keeps its words from counting: not shown."""
        scored = [c for c in self.cues if c.score]
        if not scored:
            return ""
        strongest = sorted(scored, key=lambda c: -abs(c.score))[:5]
        return ", ".join(map(_cue_text, strongest))


@lru_cache(maxsize=4096)
def _cue_text(cue: Cue) -> str:
    """A cue as the reason shows it ("¬bon −1.6"). The same few hundred words and
    scores recur in every refresh: formatting a number costs more than looking it up."""
    sign = "+" if cue.score > 0 else "−"
    return f"{'¬' if cue.negated else ''}{cue.text} {sign}{abs(cue.score):g}"


def detect_language(tokens: list[str]) -> str:
    """The language whose function words are most frequent; "" when too little to tell."""
    hits = dict.fromkeys(STOPWORDS, 0)  # in this order, which decides a tie
    # Counted without a Python loop over the words (clause marks are no one's words).
    found = chain.from_iterable(filter(None, map(_STOP_LANGS.get, tokens)))
    hits.update(Counter(found))
    ranked = sorted(hits.items(), key=lambda item: -item[1])
    (best, best_hits), (_second, second_hits) = ranked[0], ranked[1]
    if best_hits < 2 or best_hits < second_hits * 1.5:
        return ""
    words = 0
    for token in tokens:  # three words are enough to tell; no need to count them all
        if token[0].isalnum():
            words += 1
            if words == 3:
                return best
    return ""


def scan(text: str) -> list[str]:
    """The folded words and clause marks (MARKS) estimate(text) reads."""
    return _scan(_folded(text[:MAX_CHARS]))


def estimate(
    text: str, language: str | None = None, *, scanned: list[str] | None = None
) -> Estimate:
    """Sentiment from the words and emoji of `text`; `language` skips detection;
    `scanned` is scan(text) when the caller has it already."""
    text = text[:MAX_CHARS]
    tokens = _scan(_folded(text)) if scanned is None else scanned
    lang = language if language is not None else detect_language(tokens)
    langs = (lang,) if lang in _PHRASES else tuple(_PHRASES)
    negators, boosts = _rules(langs)
    cues = _cues(tokens, langs, negators, boosts)
    symbols = _EMOJI_RE.findall(text) if not text.isascii() and _may_have_emoji(text) else None
    if symbols:
        found = Counter(symbols)
        for symbol, value in EMOJI.items():
            if value and symbol in found:
                cues.append(Cue(symbol, value * min(found[symbol], 3)))
    score = round(sum(c.score for c in cues), 1)
    if score <= NEGATIVE_AT:
        sentiment = "negative"
    elif score >= POSITIVE_AT:
        sentiment = "positive"
    else:
        sentiment = "neutral"
    return Estimate(lang, sentiment, score, tuple(cues))


def _may_have_emoji(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return _EMOJI_RANGE_RE.search(text) is not None
    return False


@cache
def _rules(langs: tuple[str, ...]) -> tuple[frozenset[str], dict[str, float]]:
    negators = frozenset().union(*(NEGATORS[x] for x in langs))
    boosts = {k: v for x in langs for k, v in INTENSIFIERS[x].items()}
    return negators, boosts


@cache
def _tables(
    langs: tuple[str, ...],
) -> tuple[dict[str, float], dict[tuple[str, ...], float], dict[str, int]]:
    """The scored words and phrases of `langs` merged (the first language wins a tie):
    single words, longer phrases, and the longest phrase each word starts."""
    singles: dict[str, float] = {}
    phrases: dict[tuple[str, ...], float] = {}
    starts: dict[str, int] = {}
    for lang in reversed(langs):
        for key, value in _PHRASES[lang].items():
            if len(key) == 1:
                singles[key[0]] = value
            else:
                phrases[key] = value
                starts[key[0]] = max(starts.get(key[0], 0), len(key))
    return singles, phrases, starts


@cache
def _plain_singles(langs: tuple[str, ...]) -> dict[str, float]:
    """Scored words that start no phrase and intensify nothing: their cue is their score."""
    singles, _phrases, starts = _tables(langs)
    boosts = _rules(langs)[1]
    return {w: v for w, v in singles.items() if w not in starts and w not in boosts}


def _cues(
    tokens: list[str],
    langs: tuple[str, ...],
    negators: frozenset[str],
    boosts: dict[str, float],
) -> list[Cue]:
    """Scored words and phrases of a text, clause by clause (`tokens` holds words and
    clause marks). Only the positions of words that can matter are visited: a refresh
    classifies thousands of texts, and most of their words are none of these; the
    ordinary words between two of them only wear a negation down."""
    cues: list[Cue] = []
    special = [i for i, token in enumerate(tokens) if token in _MATTERS]
    if not special:
        return cues
    singles, phrases, starts = _tables(langs)
    plain = _plain_singles(langs)
    negation_left = 0
    boost = 1.0
    end = 0  # the first position not yet read
    for i in special:
        if i < end:
            continue  # inside a phrase already scored
        if negation_left:
            negation_left = max(0, negation_left - (i - end))
        end = i + 1
        token = tokens[i]
        if not negation_left and boost == 1.0 and token in plain:
            # Most cues: a scored word alone, with no negation or intensifier running.
            cues.append(_new_cue(Cue, (token, plain[token], False)))
            continue
        if token in _BREAKS:
            negation_left, boost = 0, 1.0
            continue
        if token in starts:
            match = _longest(tokens, i, singles, phrases, starts)
        else:  # most scored words start no phrase: one lookup
            single = singles.get(token)
            match = None if single is None else (1, single)
        if match is not None:
            size, value = match
            if size == 1:
                word_boost = boosts.get(token)
                if (
                    word_boost is not None
                    and _longest(tokens, i + 1, singles, phrases, starts) is not None
                ):
                    boost = word_boost  # "très bon": an intensifier, not a sentiment of its own
                    continue
                text, negated = token, negation_left > 0 and token not in _ALL_NEGATORS
            else:
                phrase = tokens[i : i + size]
                text = " ".join(phrase)
                negated = negation_left > 0 and _ALL_NEGATORS.isdisjoint(phrase)
            # A phrase that already says the negation ("jamais reçu") is not flipped again.
            if negated or boost != 1.0:
                value = round(value * boost * (-0.8 if negated else 1.0), 1)
            # tuple.__new__ skips the named tuple's Python-level __new__ (thousands a refresh).
            cues.append(_new_cue(Cue, (text, value, negated)))
            boost = 1.0
            if negation_left:
                negation_left = max(0, negation_left - size)
            end = i + size
        elif token in negators:
            negation_left = NEGATION_SPAN
        elif token in boosts:
            boost = boosts[token]
        elif negation_left:
            negation_left -= 1
    return cues


def _longest(
    tokens: list[str],
    start: int,
    singles: dict[str, float],
    phrases: dict[tuple[str, ...], float],
    starts: dict[str, int],
) -> tuple[int, float] | None:
    """The longest scored phrase at `start` (size, value), else None."""
    if start >= len(tokens):
        return None
    token = tokens[start]
    longest = starts.get(token)
    if longest:
        for size in range(min(longest, len(tokens) - start), 1, -1):
            value = phrases.get(tuple(tokens[start : start + size]))
            if value is not None:
                return size, value
    value = singles.get(token)
    return None if value is None else (1, value)


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
    marked = _KIND_RE.split(reason)  # the kind of message the sentiment was inferred from
    return "".join(
        _(_KINDS[part[1:-1]])
        if _KIND_RE.fullmatch(part)
        else re.sub(r"[a-z0-9]+", lambda m: spelled.get(m.group(0), m.group(0)), part)
        for part in marked
    )


# A proposal's sentiment inferred from its type (core.interactions.propose) is stored as
# this marker in the reason, shown in the reader's language.
_KINDS = {"complaint": N_("a complaint"), "crisis": N_("a crisis")}
_KIND_RE = re.compile(r"(\[(?:complaint|crisis)\])")
