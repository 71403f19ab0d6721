"""The watch-rule language: what a community manager types to define a topic.

    galette OR "galette des rois"       words, "phrases", OR
    livraison retard                    adjacent terms: AND
    (colis OR commande) -rembours*      parentheses, NOT (also written -term), prefix*
    title:arnaque source:reddit         fields: title, text, author, source
    réclamation ET NON spam             French keywords too: ET, OU, SAUF/NON

Matching ignores case and accents ("reclamation" finds "Réclamation") on whole words,
tokenised like SQLite's FTS5 `unicode61 remove_diacritics 2`, so `matches` (new
mentions, in Python) and `to_sql` (stored mentions, in the FTS index) agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from cmdesk.core.errors import InvalidData
from cmdesk.i18n import _

FIELDS = ("title", "text", "author", "source")
_AND = {"AND", "ET"}
_OR = {"OR", "OU"}
_NOT = {"NOT", "SAUF", "NON"}
_TERM_RE = re.compile(r"[^\W_]+", re.UNICODE)
_COMBINING_RE = re.compile("[\u0300-\u036f]+")
_LEX_RE = re.compile(
    r"""\s*(?:
        (?P<open>\() | (?P<close>\)) |
        (?P<quote>"[^"]*"?) |
        (?P<word>[^\s()"]+)
    )""",
    re.VERBOSE,
)


class QuerySyntaxError(InvalidData):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


def tokens(text: str) -> list[str]:
    """Words as FTS5's unicode61 tokenizer sees them: letters and digits, lower case,
    Latin accents removed."""
    return _TERM_RE.findall(_COMBINING_RE.sub("", unicodedata.normalize("NFKD", text.lower())))


# -- the tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # folded; several for a phrase
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
    kind: str  # open, close, and, or, not, term
    position: int
    term: Term | None = None
    field: str | None = None  # a field prefix waiting for a group: title:( ... )


def _lex(text: str) -> list[_Token]:
    found: list[_Token] = []
    position = 0
    while position < len(text):
        match = _LEX_RE.match(text, position)
        if match is None or match.end() == position:
            break
        start = match.start(match.lastgroup or 0)
        position = match.end()
        if match.group("open"):
            found.append(_Token("open", start))
        elif match.group("close"):
            found.append(_Token("close", start))
        elif match.group("quote") is not None:
            found.append(_quoted(match.group("quote"), start, None))
        else:
            found.extend(_word(match.group("word"), start, text, position))
            if found and found[-1].kind == "field-quote":
                token = found.pop()
                quote = _LEX_RE.match(text, position)
                if quote is None or quote.group("quote") is None:
                    raise QuerySyntaxError(_("A quotation after a field is missing."), start)
                position = quote.end()
                found.append(_quoted(quote.group("quote"), start, token.field))
    return found


def _quoted(raw: str, start: int, field: str | None) -> _Token:
    if len(raw) < 2 or not raw.endswith('"'):
        raise QuerySyntaxError(_("A closing quotation mark is missing."), start)
    words = tuple(tokens(raw[1:-1]))
    if not words:
        raise QuerySyntaxError(_("A quotation has no words in it."), start)
    return _Token("term", start, Term(words, field))


def _word(raw: str, start: int, text: str, end: int) -> list[_Token]:
    if raw in _AND:
        return [_Token("and", start)]
    if raw in _OR:
        return [_Token("or", start)]
    if raw in _NOT:
        return [_Token("not", start)]
    negated = raw.startswith("-") and len(raw) > 1
    body = raw[1:] if negated else raw
    field = None
    name, colon, rest = body.partition(":")
    if colon and name.lower() in FIELDS:
        field, body = name.lower(), rest
        if not body:
            following = text[end : end + 1]
            if following == "(":
                return [
                    *([_Token("not", start)] if negated else []),
                    _Token("field", start, field=field),
                ]
            if following == '"':
                return [*([_Token("not", start)] if negated else []),
                        _Token("field-quote", start, field=field)]  # fmt: skip
            raise QuerySyntaxError(_("Nothing follows “{field}:”.").format(field=name), start)
    elif colon and name and rest and name.isalpha():
        raise QuerySyntaxError(
            _("“{field}” is not a field; use one of: {fields}.").format(
                field=name, fields=", ".join(FIELDS)
            ),
            start,
        )
    prefix = body.endswith("*")
    words = tuple(tokens(body.rstrip("*")))
    if not words:
        raise QuerySyntaxError(_("“{word}” has no letters or digits.").format(word=raw), start)
    term = _Token("term", start, Term(words, field, prefix and len(words) == 1))
    return [_Token("not", start), term] if negated else [term]


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
        if extra is not None:
            if extra.kind == "close":
                raise QuerySyntaxError(
                    _("A closing parenthesis has no opening one."), extra.position
                )
            raise QuerySyntaxError(_("Unexpected text here."), extra.position)
        _check_positive(query, 0)
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
        end = len(self.text)
        if token is None:
            raise QuerySyntaxError(_("Something is missing at the end of the query."), end)
        if token.kind == "term":
            self.take()
            assert token.term is not None
            return token.term
        if token.kind in ("open", "field"):
            self.take()
            if token.kind == "field":
                opening = self.peek()
                if opening is None or opening.kind != "open":
                    raise QuerySyntaxError(_("Unexpected text here."), token.position)
                self.take()
            inner = self.or_()
            closing = self.peek()
            if closing is None or closing.kind != "close":
                raise QuerySyntaxError(_("A closing parenthesis is missing."), token.position)
            self.take()
            return _with_field(inner, token.field) if token.field else inner
        if token.kind in ("and", "or"):
            raise QuerySyntaxError(_("AND and OR need a term on each side."), token.position)
        raise QuerySyntaxError(_("Unexpected text here."), token.position)


def _with_field(query: Query, field: str) -> Query:
    if isinstance(query, Term):
        return Term(query.words, query.field or field, query.prefix)
    if isinstance(query, Not):
        return Not(_with_field(query.item, field))
    items = tuple(_with_field(q, field) for q in query.items)
    return And(items) if isinstance(query, And) else Or(items)


def _positive(query: Query) -> bool:
    """Can the query match with only NOT parts? (Then it would match almost everything.)"""
    if isinstance(query, Term):
        return True
    if isinstance(query, Not):
        return False
    if isinstance(query, And):
        return any(_positive(q) for q in query.items)
    return all(_positive(q) for q in query.items)


def _check_positive(query: Query, position: int) -> None:
    if not _positive(query):
        raise QuerySyntaxError(
            _("A query needs at least one word to look for, not only words to leave out."),
            position,
        )


def parse(text: str) -> Query:
    """The query tree of `text`; QuerySyntaxError (with a position) says what is wrong."""
    return _Parser(text).parse()


# -- matching ----------------------------------------------------------------------------------


class Document:
    """A mention's fields tokenised once, for matching many queries against it."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = {name: tokens(fields.get(name, "")) for name in FIELDS}
        self.sets = {name: set(words) for name, words in self.fields.items()}


def matches(query: Query, doc: Document | Mapping[str, str]) -> bool:
    document = doc if isinstance(doc, Document) else Document(doc)
    return _match(query, document)


def _match(query: Query, doc: Document) -> bool:
    if isinstance(query, Term):
        names = (query.field,) if query.field else FIELDS
        return any(_term_in(query, doc, name) for name in names)
    if isinstance(query, Not):
        return not _match(query.item, doc)
    if isinstance(query, And):
        return all(_match(q, doc) for q in query.items)
    return any(_match(q, doc) for q in query.items)


def _term_in(term: Term, doc: Document, name: str) -> bool:
    if len(term.words) == 1:
        word = term.words[0]
        if term.prefix:
            return any(w.startswith(word) for w in doc.sets[name])
        return word in doc.sets[name]
    if not all(w in doc.sets[name] for w in term.words):
        return False
    words = doc.fields[name]
    size = len(term.words)
    return any(tuple(words[i : i + size]) == term.words for i in range(len(words) - size + 1))


# -- writing back ------------------------------------------------------------------------------


def to_text(query: Query) -> str:
    """Canonical text that parses back to the same tree (the builder writes through it)."""
    if isinstance(query, Term):
        body = " ".join(query.words)
        body = f'"{body}"' if len(query.words) > 1 or body.upper() in _AND | _OR | _NOT else body
        if query.prefix:
            body += "*"
        return f"{query.field}:{body}" if query.field else body
    if isinstance(query, Not):
        inner = to_text(query.item)
        return f"NOT ({inner})" if isinstance(query.item, And | Or) else f"NOT {inner}"
    joiner = " AND " if isinstance(query, And) else " OR "
    return joiner.join(
        f"({to_text(q)})" if isinstance(q, And | Or) else to_text(q) for q in query.items
    )


def _fts_term(term: Term) -> str:
    quoted = '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")
    return f"{term.field} : {quoted}" if term.field else quoted


def _fts(query: Query) -> str | None:
    """An FTS5 expression when FTS5 can say it (its NOT is binary: `a NOT b`)."""
    if isinstance(query, Term):
        return _fts_term(query)
    if isinstance(query, Not):
        return None
    if isinstance(query, Or):
        parts = [_fts(q) for q in query.items]
        return None if None in parts else "(" + " OR ".join(p for p in parts if p) + ")"
    positive = [q for q in query.items if not isinstance(q, Not)]
    negative = [q.item for q in query.items if isinstance(q, Not)]
    left = [_fts(q) for q in positive]
    right = [_fts(q) for q in negative]
    if not left or None in left or None in right:
        return None
    text = "(" + " AND ".join(p for p in left if p) + ")"
    for part in right:
        text = f"({text} NOT {part})"
    return text


def to_sql(query: Query, fts_table: str = "mention_fts") -> tuple[str, list[str]]:
    """A condition on `rowid` selecting the rows of `fts_table` that match: one MATCH when
    FTS5 can express the query, else MATCHes combined with AND/OR/NOT in SQL."""
    whole = _fts(query)
    select = f"rowid IN (SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH ?)"
    if whole is not None:
        return select, [whole]
    if isinstance(query, Term):  # pragma: no cover - always expressible
        return select, [_fts_term(query)]
    if isinstance(query, Not):
        inner, params = to_sql(query.item, fts_table)
        return f"NOT ({inner})", params
    parts = [to_sql(q, fts_table) for q in query.items]
    joiner = " AND " if isinstance(query, And) else " OR "
    return (
        "(" + joiner.join(sql for sql, _p in parts) + ")",
        [param for _sql, params in parts for param in params],
    )
