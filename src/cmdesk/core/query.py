"""The watch-rule language: what a community manager types to define a topic.

    galette OR "galette des rois"       words, "phrases", OR
    livraison retard                    adjacent terms: AND
    (colis OR commande) -rembours*      parentheses, NOT (also written -term), prefix*
    title:arnaque source:reddit         fields: title, text, author, source (or titre,
    title:(levain OR galette)           texte, auteur), on a term or a group
    réclamation ET SAUF spam            French keywords too: ET, OU, SAUF (or NON)

Precedence: NOT, then AND, then OR. Matching ignores case and accents ("reclamation"
finds "Réclamation") on whole words: `pain` does not find "painting", `pain*` does.

Words are cut exactly as SQLite's FTS5 `unicode61 remove_diacritics 2` tokenizer cuts
them, from its own tables (bottom of this module, checked code point by code point
against the real tokenizer in the tests): `matches` (new mentions, in Python) and
`to_sql`/`to_fts5` (stored mentions, in the FTS index) therefore agree, also on emoji
glued to words and on scripts Python's `unicodedata` would cut differently.

Speed: one 5-term query against 10,000 mentions (60-word texts) takes about 85 ms with
the `Document`s built once, 0.6-0.8 s when each is tokenised too (a 2-core machine under
load, where a plain str.split() of the same texts took 0.1-0.16 s): build one `Document`
per mention and match all topics against it.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cmdesk.core.errors import InvalidData
from cmdesk.i18n import _

FIELDS = ("title", "text", "author", "source")
# French names are accepted when typed; to_text writes either.
FIELD_NAMES = {name: name for name in FIELDS} | {
    "titre": "title",
    "texte": "text",
    "auteur": "author",
}
_AND = frozenset({"AND", "ET"})
_OR = frozenset({"OR", "OU"})
_NOT = frozenset({"NOT", "SAUF", "NON"})
_SPECIAL = '()"'
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class QuerySyntaxError(InvalidData):
    """What is wrong with a query, and where (0-based index in the typed text)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


# -- words -------------------------------------------------------------------------------------


@functools.cache
def _tables() -> tuple[dict[int, str], re.Pattern[str], re.Pattern[str]]:
    """The folding table for str.translate, and patterns finding the words: one for text
    within the BMP, one for any text (slower: `re` tests wide classes range by range)."""
    folding: dict[int, str] = {}
    for run in _LOWER.split():
        first, *numbers = run.split(":")
        start, (count, step, delta) = int(first, 16), map(int, numbers)
        for code in range(start, start + count * step, step):
            folding[code] = chr(code + delta)
    for group in _PLAIN.split():
        base, letters = group.split(":")
        folding.update(dict.fromkeys(map(ord, letters), base))
    folding.update(dict.fromkeys(_ranges(_DROPPED), ""))
    cuts = [_span(part, 0x10FFFF) for part in _SEPARATORS.split()]
    narrow = [
        _span(part, 0xFFFF) for part in _SEPARATORS.split() if int(part.split("-")[0], 16) < 0x10000
    ]
    return folding, re.compile(f"[^{''.join(narrow)}]+"), re.compile(f"[^{''.join(cuts)}]+")


def _span(part: str, limit: int) -> str:
    first, _dash, last = part.partition("-")
    low, high = int(first, 16), min(int(last or first, 16), limit)
    return re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "")


def _ranges(spec: str) -> Iterable[int]:
    for part in spec.split():
        first, _dash, last = part.partition("-")
        yield from range(int(first, 16), int(last or first, 16) + 1)


def fold(text: str) -> str:
    """`text` in lower case without accents, as FTS5 folds it; punctuation is kept."""
    return text.translate(_tables()[0])


def tokens(text: str) -> list[str]:
    """The words FTS5's `unicode61 remove_diacritics 2` tokenizer finds in `text`:
    "L'Église Croix-Rousse" -> ["l", "eglise", "croix", "rousse"]."""
    folding, narrow, wide = _tables()
    if text.isascii():  # str.lower() is FTS5's folding on ASCII
        return narrow.findall(text.lower())
    words = wide if _ASTRAL.search(text) else narrow
    # Cut first, fold each word after: str.lower() is exact and much faster on ASCII words,
    # and a word made only of dropped accents disappears, as in FTS5.
    found = [w.lower() if w.isascii() else w.translate(folding) for w in words.findall(text)]
    return [w for w in found if w] if "" in found else found


# -- the tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word (one item in `words`) or a phrase (several, consecutive), already folded;
    `prefix` lets the last word be the start of a longer one; `field` None = anywhere."""

    words: tuple[str, ...]
    field: str | None = None
    prefix: bool = False


@dataclass(frozen=True)
class Not:
    item: Query


@dataclass(frozen=True)
class And:
    items: tuple[Query, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Query, ...]


Query = Term | Not | And | Or


# -- parsing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # open, close, and, or, not, term, field (a field waiting for its group)
    position: int
    term: Term | None = None
    field: str | None = None


def _lex(text: str) -> list[_Token]:
    found: list[_Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            found.append(_Token("open" if char == "(" else "close", i))
            i += 1
        elif char == '"':
            term, end = _quoted(text, i, None)
            found.append(_Token("term", i, term))
            i = end
        elif char == "-" and i + 1 < len(text) and not text[i + 1].isspace() and text[i + 1] != ")":
            found.append(_Token("not", i))  # -word, -"phrase", -(group), -title:word
            i += 1
        else:
            i = _word(text, i, found)
    return found


def _quoted(text: str, start: int, field: str | None) -> tuple[Term, int]:
    """The phrase opening at text[start] == '"' (a `*` right after it makes a prefix)."""
    end = text.find('"', start + 1)
    if end < 0:
        raise QuerySyntaxError(_("A closing quotation mark is missing."), start)
    words = tuple(tokens(text[start + 1 : end]))
    if not words:
        raise QuerySyntaxError(_("A quotation has no words in it."), start)
    end += 1
    prefix = text.startswith("*", end)
    while text.startswith("*", end):
        end += 1
    return Term(words, field, prefix), end


def _word(text: str, start: int, found: list[_Token]) -> int:
    """Lex the bare word at `start` (an operator, a term or a field prefix); returns its end."""
    end = start
    while end < len(text) and not text[end].isspace() and text[end] not in _SPECIAL:
        end += 1
    raw = text[start:end]
    if raw in _AND | _OR | _NOT:
        found.append(_Token("and" if raw in _AND else "or" if raw in _OR else "not", start))
        return end
    name, colon, body = raw.partition(":")
    field = FIELD_NAMES.get(name.lower()) if colon else None
    following = text[end : end + 1]
    if field is not None and not body:
        if following == "(":
            found.append(_Token("field", start, field=field))
            return end
        if following == '"':
            term, end = _quoted(text, end, field)
            found.append(_Token("term", start, term))
            return end
        raise QuerySyntaxError(_("Nothing follows “{field}:”.").format(field=name), start)
    if field is None:
        body = raw
        # "foo:bar" and "foo:(…)" look like fields; "Attention: …" and URLs do not.
        looks_like_field = bool(body.partition(":")[2]) or following in ("(", '"')
        if colon and name.isalpha() and looks_like_field and not raw.startswith(f"{name}://"):
            raise QuerySyntaxError(
                _("“{field}” is not a field; use one of: {fields}.").format(
                    field=name, fields=", ".join(FIELDS)
                ),
                start,
            )
    words = tuple(tokens(body.rstrip("*")))
    if not words:
        raise QuerySyntaxError(_("“{word}” has no letters or digits.").format(word=raw), start)
    found.append(_Token("term", start, Term(words, field, body.endswith("*"))))
    return end


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _lex(text)
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Query:
        if not self.tokens:
            raise QuerySyntaxError(_("The query is empty."), 0)
        query = self.or_()
        extra = self.peek()
        if extra is not None:  # only a stray ")" stops or_() early
            raise QuerySyntaxError(_("A closing parenthesis has no opening one."), extra.position)
        if not _positive(query):
            raise QuerySyntaxError(
                _("A query needs at least one word to look for, not only words to leave out."),
                self.tokens[0].position,
            )
        return query

    def or_(self) -> Query:
        items = [self.and_()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self) -> Query:
        items = [self.not_()]
        while (token := self.peek()) is not None and token.kind not in ("or", "close"):
            if token.kind == "and":
                self.take()
            items.append(self.not_())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_(self) -> Query:
        token = self.peek()
        if token is not None and token.kind == "not":
            self.take()
            return Not(self.not_())
        return self.atom()

    def atom(self) -> Query:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError(
                _("Something is missing at the end of the query."), len(self.text.rstrip())
            )
        if token.kind in ("and", "or"):
            raise QuerySyntaxError(_("AND and OR need a term on each side."), token.position)
        if token.kind == "close":
            raise QuerySyntaxError(_("Unexpected text here."), token.position)
        self.take()
        if token.kind == "term":
            assert token.term is not None
            return token.term
        if token.kind == "field":  # the lexer saw the "(" right after "title:"
            self.take()
        inner = self.or_()
        closing = self.peek()
        if closing is None or closing.kind != "close":
            raise QuerySyntaxError(_("A closing parenthesis is missing."), token.position)
        self.take()
        return _with_field(inner, token.field) if token.field else inner


def _with_field(query: Query, field: str) -> Query:
    """title:(a OR author:b) -> title:a OR author:b: an inner field wins."""
    if isinstance(query, Term):
        return Term(query.words, query.field or field, query.prefix)
    if isinstance(query, Not):
        return Not(_with_field(query.item, field))
    items = tuple(_with_field(q, field) for q in query.items)
    return And(items) if isinstance(query, And) else Or(items)


def _positive(query: Query) -> bool:
    """Does every way of matching need some word present? `NOT spam` alone, or
    `a OR NOT b`, would match almost every mention: refused, the user surely meant more."""
    if isinstance(query, Term):
        return True
    if isinstance(query, Not):
        return False
    if isinstance(query, And):
        return any(_positive(q) for q in query.items)
    return all(_positive(q) for q in query.items)


def parse(text: str) -> Query:
    """The query tree of `text`; QuerySyntaxError (with a position) says what is wrong."""
    return _Parser(text).parse()


# -- matching ----------------------------------------------------------------------------------


class Document:
    """A mention's fields tokenised once, for matching many queries against it."""

    __slots__ = ("_sorted", "anywhere", "fields", "sets")

    def __init__(self, fields: Mapping[str, str | None]) -> None:
        self.fields = {name: tokens(fields.get(name) or "") for name in FIELDS}
        self.sets = {name: set(words) for name, words in self.fields.items()}
        self.anywhere = set().union(*self.sets.values())  # most terms are one unfielded word
        self._sorted: dict[str, list[str]] = {}  # for prefixes, made on first use

    def has_prefix(self, name: str, start: str) -> bool:
        known = self._sorted.get(name)
        if known is None:
            known = self._sorted[name] = sorted(self.sets[name])
        i = bisect.bisect_left(known, start)
        return i < len(known) and known[i].startswith(start)


def matches(query: Query, doc: Document | Mapping[str, str | None]) -> bool:
    """Does the mention match? Missing fields count as empty; an unfielded term may be
    in any field, a phrase must be within one field."""
    return _match(query, doc if isinstance(doc, Document) else Document(doc))


def _match(query: Query, doc: Document) -> bool:
    if isinstance(query, Term):
        if query.field is not None:
            return _term_in(query, doc, query.field)
        if len(query.words) == 1 and not query.prefix:
            return query.words[0] in doc.anywhere
        return any(_term_in(query, doc, name) for name in FIELDS)
    if isinstance(query, Not):
        return not _match(query.item, doc)
    if isinstance(query, And):
        return all(_match(q, doc) for q in query.items)
    return any(_match(q, doc) for q in query.items)


def _term_in(term: Term, doc: Document, name: str) -> bool:
    present = doc.sets[name]
    words = term.words
    last = words[-1]
    if not all(w in present for w in words[:-1]):
        return False
    if not (doc.has_prefix(name, last) if term.prefix else last in present):
        return False
    if len(words) == 1:
        return True
    found, size, at = doc.fields[name], len(words), -1
    # Walk the places where the phrase's first word stands (list.index runs in C).
    while True:
        try:
            at = found.index(words[0], at + 1)
        except ValueError:
            return False
        if at + size > len(found):
            return False
        end = found[at + size - 1]
        if found[at + 1 : at + size - 1] == list(words[1:-1]) and (
            end.startswith(last) if term.prefix else end == last
        ):
            return True


# -- writing back ------------------------------------------------------------------------------


ENGLISH_KEYWORDS = ("AND", "OR", "NOT")
FRENCH_KEYWORDS = ("ET", "OU", "SAUF")


def to_text(query: Query, keywords: tuple[str, str, str] = ENGLISH_KEYWORDS) -> str:
    """Canonical text that parses back to the same tree (the builder writes through it);
    `keywords` (AND, OR, NOT) in the user's language: both languages' are understood."""
    if isinstance(query, Term):
        body = " ".join(query.words)
        body = f'"{body}"' if len(query.words) > 1 else body
        if query.prefix:
            body += "*"
        return f"{query.field}:{body}" if query.field else body
    if isinstance(query, Not):
        return f"{keywords[2]} {_grouped(query.item, keywords)}"
    joiner = f" {keywords[0]} " if isinstance(query, And) else f" {keywords[1]} "
    return joiner.join(_grouped(q, keywords) for q in query.items)


def _grouped(query: Query, keywords: tuple[str, str, str]) -> str:
    text = to_text(query, keywords)
    return f"({text})" if isinstance(query, And | Or) else text


def _fts_string(words: Iterable[str]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


def _fts_term(term: Term, columns: tuple[str, ...]) -> str:
    phrase = _fts_string(term.words) + (" *" if term.prefix else "")
    if term.field is None:
        return "{" + " ".join(columns) + "} : " + phrase
    return f"{columns[FIELDS.index(term.field)]} : {phrase}"


def _fts(query: Query, columns: tuple[str, ...]) -> str | None:
    """An FTS5 expression, or None when FTS5 cannot say it: its NOT is binary (`a NOT b`),
    so a negation needs a positive left operand beside it in an AND."""
    if isinstance(query, Term):
        return _fts_term(query, columns)
    if isinstance(query, Not):
        return None
    if isinstance(query, Or):
        parts = [_fts(q, columns) for q in query.items]
        return None if None in parts else "(" + " OR ".join(p for p in parts if p) + ")"
    left = [_fts(q, columns) for q in query.items if not isinstance(q, Not)]
    right = [_fts(q.item, columns) for q in query.items if isinstance(q, Not)]
    if not left or None in left or None in right:
        return None
    text = "(" + " AND ".join(p for p in left if p) + ")"
    for part in right:
        text = f"({text} NOT {part})"
    return text


def to_fts5(query: Query, columns: tuple[str, ...] = FIELDS) -> str:
    """One FTS5 MATCH expression for `query`, for a table whose columns for title, text,
    author and source are `columns` (in that order), tokenized with `unicode61
    remove_diacritics 2`. ValueError when FTS5 cannot express it (`a OR NOT b`, `NOT a`):
    use `to_sql`, which always works."""
    if len(columns) != len(FIELDS):
        raise ValueError(f"columns must name {len(FIELDS)} columns: {', '.join(FIELDS)}")
    expression = _fts(query, tuple(columns))
    if expression is None:
        raise ValueError(f"FTS5 cannot express {to_text(query)!r} in one MATCH; use to_sql")
    return expression


def to_sql(
    query: Query, fts_table: str = "mention_fts", columns: tuple[str, ...] = FIELDS
) -> tuple[str, list[str]]:
    """A condition on `rowid` selecting the rows of `fts_table` that match, and its
    parameters: one MATCH when FTS5 can express the query, else as few MATCHes as
    possible combined with AND/OR/NOT in SQL."""
    whole = _fts(query, columns)
    if whole is not None:
        return f"rowid IN (SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH ?)", [whole]
    if isinstance(query, Not):
        inner, params = to_sql(query.item, fts_table, columns)
        return f"NOT ({inner})", params
    assert not isinstance(query, Term)  # a term is always expressible
    # Gather what FTS5 can say into one MATCH, combine the rest in SQL.
    if isinstance(query, And):
        positive = [q for q in query.items if not isinstance(q, Not) and _fts(q, columns)]
        negative = [q for q in query.items if isinstance(q, Not) and _fts(q.item, columns)]
        grouped: list[Query] = positive + negative if positive else []
    else:
        grouped = [q for q in query.items if _fts(q, columns) is not None]
    rest = [q for q in query.items if q not in grouped]
    parts = [to_sql(q, fts_table, columns) for q in rest]
    if len(grouped) > 1:
        combined: Query = And(tuple(grouped)) if isinstance(query, And) else Or(tuple(grouped))
        parts.insert(0, to_sql(combined, fts_table, columns))
    elif grouped:
        parts.insert(0, to_sql(grouped[0], fts_table, columns))
    joiner = " AND " if isinstance(query, And) else " OR "
    return "(" + joiner.join(sql for sql, _p in parts) + ")", [p for _s, ps in parts for p in ps]


# -- FTS5's tables -----------------------------------------------------------------------------
# Generated from SQLite 3.40's unicode61 tokenizer (remove_diacritics 2) by tokenising every
# code point between two letters; tests/core/test_query.py checks them against it.

# Code points (hex ranges) that end a token.
_SEPARATORS = (
    "0-2f 3a-40 5b-60 7b-a9 ab-b1 b4 b6-b8 bb bf d7 f7 2c2-2c5 2d2-2df 2e5-2eb 2ed 2ef-2ff "
    "305 30d-30e 310 312-31a 31c-322 329-32c 32f 332-36f 375 37e 384-385 387 3f6 482-489 "
    "55a-55f 589-58a 58f 591-5c7 5f3-5f4 600-604 606-61b 61e-61f 64b-65f 66a-66d 670 6d4 "
    "6d6-6e4 6e7-6ed 6fd-6fe 700-70d 70f 711 730-74a 7a6-7b0 7eb-7f3 7f6-7f9 816-819 81b-823 "
    "825-827 829-82d 830-83e 859-85b 85e 8e4-8fe 900-903 93a-93c 93e-94f 951-957 962-965 970 "
    "981-983 9bc 9be-9c4 9c7-9c8 9cb-9cd 9d7 9e2-9e3 9f2-9f3 9fa-9fb a01-a03 a3c a3e-a42 "
    "a47-a48 a4b-a4d a51 a70-a71 a75 a81-a83 abc abe-ac5 ac7-ac9 acb-acd ae2-ae3 af0-af1 "
    "b01-b03 b3c b3e-b44 b47-b48 b4b-b4d b56-b57 b62-b63 b70 b82 bbe-bc2 bc6-bc8 bca-bcd bd7 "
    "bf3-bfa c01-c03 c3e-c44 c46-c48 c4a-c4d c55-c56 c62-c63 c7f c82-c83 cbc cbe-cc4 cc6-cc8 "
    "cca-ccd cd5-cd6 ce2-ce3 d02-d03 d3e-d44 d46-d48 d4a-d4d d57 d62-d63 d79 d82-d83 dca "
    "dcf-dd4 dd6 dd8-ddf df2-df4 e31 e34-e3a e3f e47-e4f e5a-e5b eb1 eb4-eb9 ebb-ebc ec8-ecd "
    "f01-f1f f34-f3f f71-f87 f8d-f97 f99-fbc fbe-fcc fce-fda 102b-103e 104a-104f 1056-1059 "
    "105e-1060 1062-1064 1067-106d 1071-1074 1082-108d 108f 109a-109f 10fb 135d-1368 "
    "1390-1399 1400 166d-166e 1680 169b-169c 16eb-16ed 1712-1714 1732-1736 1752-1753 "
    "1772-1773 17b4-17d6 17d8-17db 17dd 1800-180e 18a9 1920-192b 1930-193b 1940 1944-1945 "
    "19b0-19c0 19c8-19c9 19de-19ff 1a17-1a1b 1a1e-1a1f 1a55-1a5e 1a60-1a7c 1a7f 1aa0-1aa6 "
    "1aa8-1aad 1b00-1b04 1b34-1b44 1b5a-1b7c 1b80-1b82 1ba1-1bad 1be6-1bf3 1bfc-1bff "
    "1c24-1c37 1c3b-1c3f 1c7e-1c7f 1cc0-1cc7 1cd0-1ce8 1ced 1cf2-1cf4 1dc0-1de6 1dfc-1dff "
    "1fbd 1fbf-1fc1 1fcd-1fcf 1fdd-1fdf 1fed-1fef 1ffd-1ffe 2000-2064 206a-206f 207a-207e "
    "208a-208e 20a0-20b9 20d0-20f0 2100-2101 2103-2106 2108-2109 2114 2116-2118 211e-2123 "
    "2125 2127 2129 212e 213a-213b 2140-2144 214a-214d 214f 2190-23f3 2400-2426 2440-244a "
    "249c-24e9 2500-26ff 2701-2775 2794-2b4c 2b50-2b59 2ce5-2cea 2cef-2cf1 2cf9-2cfc "
    "2cfe-2cff 2d70 2d7f 2de0-2e2e 2e30-2e3b 2e80-2e99 2e9b-2ef3 2f00-2fd5 2ff0-2ffb "
    "3000-3004 3008-3020 302a-3030 3036-3037 303d-303f 3099-309c 30a0 30fb 3190-3191 "
    "3196-319f 31c0-31e3 3200-321e 322a-3247 3250 3260-327f 328a-32b0 32c0-32fe 3300-33ff "
    "4dc0-4dff a490-a4c6 a4fe-a4ff a60d-a60f a66f-a67e a69f a6f0-a6f7 a700-a716 a720-a721 "
    "a789-a78a a802 a806 a80b a823-a82b a836-a839 a874-a877 a880-a881 a8b4-a8c4 a8ce-a8cf "
    "a8e0-a8f1 a8f8-a8fa a926-a92f a947-a953 a95f a980-a983 a9b3-a9cd a9de-a9df aa29-aa36 "
    "aa43 aa4c-aa4d aa5c-aa5f aa77-aa79 aa7b aab0 aab2-aab4 aab7-aab8 aabe-aabf aac1 "
    "aade-aadf aaeb-aaf1 aaf5-aaf6 abe3-abed fb1e fb29 fbb2-fbc1 fd3e-fd3f fdfc-fdfd "
    "fe00-fe19 fe20-fe26 fe30-fe52 fe54-fe66 fe68-fe6b feff ff01-ff0f ff1a-ff20 ff3b-ff40 "
    "ff5b-ff65 ffe0-ffe6 ffe8-ffee fff9-ffff 10100-10102 10137-1013f 10179-10189 10190-1019b "
    "101d0-101fd 1039f 103d0 10857 1091f 1093f 10a01-10a03 10a05-10a06 10a0c-10a0f "
    "10a38-10a3a 10a3f 10a50-10a58 10a7f 10b39-10b3f 11000-11002 11038-1104d 11080-11082 "
    "110b0-110c1 11100-11102 11127-11134 11140-11143 11180-11182 111b3-111c0 111c5-111c8 "
    "116ab-116b7 12470-12473 16f51-16f7e 16f8f-16f92 1d000-1d0f5 1d100-1d126 1d129-1d1dd "
    "1d200-1d245 1d300-1d356 1d6c1 1d6db 1d6fb 1d715 1d735 1d74f 1d76f 1d789 1d7a9 1d7c3 "
    "1eef0-1eef1 1f000-1f02b 1f030-1f093 1f0a0-1f0ae 1f0b1-1f0be 1f0c1-1f0cf 1f0d1-1f0df "
    "1f110-1f12e 1f130-1f16b 1f170-1f19a 1f1e6-1f202 1f210-1f23a 1f240-1f248 1f250-1f251 "
    "1f300-1f320 1f330-1f335 1f337-1f37c 1f380-1f393 1f3a0-1f3c4 1f3c6-1f3ca 1f3e0-1f3f0 "
    "1f400-1f43e 1f440 1f442-1f4f7 1f4f9-1f4fc 1f500-1f53d 1f540-1f543 1f550-1f567 "
    "1f5fb-1f640 1f645-1f64f 1f680-1f6c5 1f700-1f773 e0001 e0020-e007f e0100-e01ef "
)
# Case folding as start:count:step:delta runs (code point + delta).
_LOWER = (
    "41:26:1:32 b5:1:1:775 c6:1:1:32 d0:1:1:32 d8:1:1:32 de:1:1:32 110:1:1:1 126:1:1:1 "
    "132:1:1:1 13f:2:2:1 14a:1:1:1 152:1:1:1 166:1:1:1 181:1:1:210 182:2:2:1 186:1:1:206 "
    "187:1:1:1 189:2:1:205 18b:1:1:1 18e:1:1:79 18f:1:1:202 190:1:1:203 191:1:1:1 193:1:1:205 "
    "194:1:1:207 196:1:1:211 197:1:1:209 198:1:1:1 19c:1:1:211 19d:1:1:213 19f:1:1:214 "
    "1a2:2:2:1 1a6:1:1:218 1a7:1:1:1 1a9:1:1:218 1ac:1:1:1 1ae:1:1:218 1b1:2:1:217 1b3:2:2:1 "
    "1b7:1:1:219 1b8:1:1:1 1bc:1:1:1 1c4:1:1:2 1c5:1:1:1 1c7:1:1:2 1c8:1:1:1 1ca:1:1:2 "
    "1cb:1:1:1 1e0:3:2:1 1ee:1:1:1 1f1:1:1:2 1f2:1:1:1 1f6:1:1:-97 1f7:1:1:-56 1fc:2:2:1 "
    "21c:1:1:1 220:1:1:-130 222:2:2:1 23a:1:1:10795 23b:1:1:1 23d:1:1:-163 23e:1:1:10792 "
    "241:1:1:1 243:1:1:-195 244:1:1:69 245:1:1:71 246:5:2:1 370:2:2:1 376:1:1:1 386:1:1:38 "
    "388:3:1:37 38c:1:1:64 38e:2:1:63 391:17:1:32 3a3:9:1:32 3c2:1:1:1 3cf:1:1:8 3d0:1:1:-30 "
    "3d1:1:1:-25 3d5:1:1:-15 3d6:1:1:-22 3d8:12:2:1 3f0:1:1:-54 3f1:1:1:-48 3f4:1:1:-60 "
    "3f5:1:1:-64 3f7:1:1:1 3f9:1:1:-7 3fa:1:1:1 3fd:3:1:-130 400:16:1:80 410:32:1:32 "
    "460:17:2:1 48a:27:2:1 4c0:1:1:15 4c1:7:2:1 4d0:44:2:1 531:38:1:48 10a0:38:1:7264 "
    "10c7:1:1:7264 10cd:1:1:7264 1e9e:1:1:-7615 1efa:3:2:1 1f08:8:1:-8 1f18:6:1:-8 "
    "1f28:8:1:-8 1f38:8:1:-8 1f48:6:1:-8 1f59:4:2:-8 1f68:8:1:-8 1f88:8:1:-8 1f98:8:1:-8 "
    "1fa8:8:1:-8 1fb8:2:1:-8 1fba:2:1:-74 1fbc:1:1:-9 1fbe:1:1:-7173 1fc8:4:1:-86 1fcc:1:1:-9 "
    "1fd8:2:1:-8 1fda:2:1:-100 1fe8:2:1:-8 1fea:2:1:-112 1fec:1:1:-7 1ff8:2:1:-128 "
    "1ffa:2:1:-126 1ffc:1:1:-9 2126:1:1:-7517 2132:1:1:28 2160:16:1:16 2183:1:1:1 "
    "2c00:47:1:48 2c60:1:1:1 2c62:1:1:-10743 2c63:1:1:-3814 2c64:1:1:-10727 2c67:3:2:1 "
    "2c6d:1:1:-10780 2c6e:1:1:-10749 2c6f:1:1:-10783 2c70:1:1:-10782 2c72:1:1:1 2c75:1:1:1 "
    "2c7e:2:1:-10815 2c80:50:2:1 2ceb:2:2:1 2cf2:1:1:1 a640:23:2:1 a680:12:2:1 a722:7:2:1 "
    "a732:31:2:1 a779:2:2:1 a77d:1:1:-35332 a77e:5:2:1 a78b:1:1:1 a78d:1:1:-42280 a790:2:2:1 "
    "a7a0:5:2:1 a7aa:1:1:-42308 ff21:26:1:32 10400:40:1:40 "
)
# Letters whose diacritics are removed, after the letter they become.
_PLAIN = (
    "a:ÀÁÂÃÄÅàáâãäåĀāĂăĄąǍǎǞǟǺǻȀȁȂȃȦȧḀḁẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặÅ b:ḂḃḄḅḆḇ c:ÇçĆćĈĉĊċČčḈḉ "
    "d:ĎďḊḋḌḍḎḏḐḑḒḓ e:ÈÉÊËèéêëĒēĔĕĖėĘęĚěȄȅȆȇȨȩḔḕḖḗḘḙḚḛḜḝẸẹẺẻẼẽẾếỀềỂểỄễỆệ f:Ḟḟ "
    "g:ĜĝĞğĠġĢģǦǧǴǵḠḡ h:ĤĥȞȟḢḣḤḥḦḧḨḩḪḫẖ i:ÌÍÎÏìíîïĨĩĪīĬĭĮįİǏǐȈȉȊȋḬḭḮḯỈỉỊị j:Ĵĵǰ k:ĶķǨǩḰḱḲḳḴḵK "
    "l:ĹĺĻļĽľḶḷḸḹḺḻḼḽ m:ḾḿṀṁṂṃ n:ÑñŃńŅņŇňǸǹṄṅṆṇṈṉṊṋ "
    "o:ÒÓÔÕÖòóôõöŌōŎŏŐőƠơǑǒǪǫǬǭȌȍȎȏȪȫȬȭȮȯȰȱṌṍṎṏṐṑṒṓỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợ p:ṔṕṖṗ "
    "r:ŔŕŖŗŘřȐȑȒȓṘṙṚṛṜṝṞṟ s:ŚśŜŝŞşŠšſȘșṠṡṢṣṤṥṦṧṨṩẛ t:ŢţŤťȚțṪṫṬṭṮṯṰṱẗ "
    "u:ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųƯưǓǔǕǖǗǘǙǚǛǜȔȕȖȗṲṳṴṵṶṷṸṹṺṻỤụỦủỨứỪừỬửỮữỰự v:ṼṽṾṿ w:ŴŵẀẁẂẃẄẅẆẇẈẉẘ "
    "x:ẊẋẌẍ y:ÝýÿŶŷŸȲȳẎẏẙỲỳỴỵỶỷỸỹ z:ŹźŻżŽžẐẑẒẓẔẕ "
)
# Combining marks dropped inside a token.
_DROPPED = "300-304 306-30c 30f 311 31b 323-328 32d-32e 330-331 "
