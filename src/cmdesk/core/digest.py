"""A team's feedback digest: what customers said that concerns an internal team over a
period, grouped by subject and type, against the period before, with a few quotes, and
the issues raised again and again.

Subjects are the client's watch topics (their queries, matched against each message as
against a mention), else the message's first tag. "Raised again and again" is found
without a model: the content words and word pairs shared by several messages of the
period from different people (generic words, present in most messages, are no issue),
the most specific first, each message counted once. An issue also seen in the period
before is marked as lasting: the team has not fixed it yet.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from cmdesk.core.classify import fold
from cmdesk.core.lexicon import STOPWORDS
from cmdesk.core.query import Query, matches

MAX_QUOTES = 3
QUOTE_CHARS = 280
RECURRING_AT = 3  # messages, at least, for an issue to be "recurring"
MAX_RECURRING = 8
# A word in more than this share of the period's messages says nothing about one issue,
# once a period has this many messages.
GENERIC_SHARE = 0.5
GENERIC_FROM = 10
_MIN_WORD = 4
_NEGATIVE_TYPES = frozenset({"complaint", "crisis"})
_ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())
# Words of customer messages that are not an issue in themselves.
# fmt: off
_FILLER = frozenset({
    "bonjour", "merci", "cordialement", "salut", "hello", "thanks", "thank", "please", "svp",
    "vous", "votre", "nous", "notre", "avec", "pour", "dans", "mais", "plus", "tres", "very",
    "have", "this", "that", "with", "from", "your", "about", "depuis", "encore", "toujours",
    "jamais", "rien", "tout", "tous", "fait", "faire", "etre", "avoir", "cette", "ceux",
    "celle",
})
# fmt: on


@dataclass(frozen=True)
class FeedbackItem:
    id: int
    occurred_at: datetime
    type: str
    channel: str
    sentiment: str
    text: str
    link: str = ""
    contact: str = ""  # display name, or "" when anonymous
    contact_id: int | None = None
    tags: tuple[str, ...] = ()

    @property
    def negative(self) -> bool:
        return self.sentiment == "negative" or self.type in _NEGATIVE_TYPES


@dataclass(frozen=True)
class Group:
    subject: str  # a topic's name or a tag; "" for messages about nothing named
    type: str
    count: int
    previous: int
    negative: int
    quotes: tuple[FeedbackItem, ...]


@dataclass(frozen=True)
class Issue:
    words: str  # what the messages share, e.g. "click collect"
    count: int  # messages of the period
    people: int  # distinct authors (anonymous ones each count)
    previous: int  # messages of the period before that share it
    quotes: tuple[FeedbackItem, ...]
    ids: frozenset[int] = frozenset()  # every message of the period that raises it

    @property
    def lasting(self) -> bool:
        return self.previous > 0


@dataclass(frozen=True)
class Digest:
    total: int
    previous_total: int
    negative: int
    by_type: dict[str, tuple[int, int]]  # type -> (this period, the one before)
    groups: tuple[Group, ...]
    recurring: tuple[Issue, ...]
    items: tuple[FeedbackItem, ...] = field(default=())


def trend(now: int, before: int) -> float | None:
    """The change in percent, None when there was nothing before to compare with."""
    if before == 0:
        return None
    return round((now - before) * 100 / before, 1)


def subject(item: FeedbackItem, topics: Sequence[tuple[str, Query]]) -> str:
    fields = {"title": "", "text": item.text, "author": item.contact, "source": item.channel}
    for name, query in topics:
        if matches(query, fields):
            return name
    return item.tags[0] if item.tags else ""


def quotes(items: Iterable[FeedbackItem], limit: int = MAX_QUOTES) -> tuple[FeedbackItem, ...]:
    """A few messages that speak for the others: negative ones and recent ones first, one
    per person, the text cut at a sentence's length."""
    ranked = sorted(items, key=lambda i: (not i.negative, -i.occurred_at.timestamp()))
    chosen: list[FeedbackItem] = []
    people: set[object] = set()
    for item in ranked:
        who = _author(item)
        if who in people or not item.text.strip():
            continue
        people.add(who)
        chosen.append(item)
        if len(chosen) == limit:
            break
    return tuple(chosen)


def _author(item: FeedbackItem) -> object:
    """Who wrote it: a contact, or each anonymous message someone of its own."""
    return item.contact_id if item.contact_id is not None else ("anonymous", item.id)


def short(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def _content_words(text: str) -> list[str]:
    return [
        w
        for w in fold(text).replace("'", " ").split()
        for w in [w.strip('.,;:!?()[]"«»…-—')]
        if len(w) >= _MIN_WORD and w.isalpha() and w not in _ALL_STOPWORDS and w not in _FILLER
    ]


def _keys(text: str) -> set[str]:
    """The words and adjacent word pairs a message is about."""
    words = _content_words(text)
    return set(words) | {f"{a} {b}" for a, b in pairwise(words)}


def recurring(
    items: Sequence[FeedbackItem],
    previous: Sequence[FeedbackItem],
    brand: Iterable[str] = (),
) -> tuple[Issue, ...]:
    """Issues raised by several people (see the module's docstring). `brand` words (the
    client's name and keywords) are in most messages and are no issue on their own."""
    keys = {item.id: _keys(item.text) for item in items}
    holders: dict[str, list[FeedbackItem]] = defaultdict(list)
    for item in items:
        for key in keys[item.id]:
            holders[key].append(item)
    own = {w for name in brand for w in _content_words(name)}
    # In a big enough period, a word most messages share is the period's vocabulary.
    generic = len(items) * GENERIC_SHARE if len(items) >= GENERIC_FROM else len(items) + 1
    candidates = []
    for key, found in holders.items():
        if key in own or len(found) > generic:
            continue
        authors = len({_author(i) for i in found})
        if len(found) >= RECURRING_AT and authors >= 2:
            # Pairs before single words (more specific), then the most raised.
            candidates.append((-(" " in key), -len(found), key, found, authors))
    candidates.sort()
    issues: list[Issue] = []
    counted: set[int] = set()
    previous_keys = [_keys(p.text) for p in previous]
    for _pair, _count, key, found, authors in candidates:
        fresh = [i for i in found if i.id not in counted]
        if len(fresh) < RECURRING_AT:
            continue  # already told by a more specific issue
        counted.update(i.id for i in fresh)
        before = sum(1 for k in previous_keys if key in k)
        issues.append(
            Issue(key, len(found), authors, before, quotes(found), frozenset(i.id for i in found))
        )
        if len(issues) == MAX_RECURRING:
            break
    return tuple(sorted(issues, key=lambda i: (-i.count, i.words)))


def build(
    items: Sequence[FeedbackItem],
    previous: Sequence[FeedbackItem],
    topics: Sequence[tuple[str, Query]] = (),
    brand: Iterable[str] = (),
) -> Digest:
    """The digest of `items` (the period) against `previous` (the period before)."""
    subjects = {i.id: subject(i, topics) for i in items}
    before = Counter((subject(i, topics), i.type) for i in previous)
    grouped: dict[tuple[str, str], list[FeedbackItem]] = defaultdict(list)
    for item in items:
        grouped[(subjects[item.id], item.type)].append(item)
    groups = [
        Group(
            subject=name,
            type=kind,
            count=len(members),
            previous=before.get((name, kind), 0),
            negative=sum(1 for m in members if m.negative),
            quotes=quotes(members),
        )
        for (name, kind), members in grouped.items()
    ]
    # Most raised first; what has no subject last.
    groups.sort(key=lambda g: (g.subject == "", -g.count, g.subject, g.type))
    now_types, before_types = Counter(i.type for i in items), Counter(i.type for i in previous)
    by_type = {t: (now_types[t], before_types[t]) for t in sorted(now_types | before_types)}
    return Digest(
        total=len(items),
        previous_total=len(previous),
        negative=sum(1 for i in items if i.negative),
        by_type=by_type,
        groups=tuple(groups),
        recurring=recurring(items, previous, brand),
        items=tuple(sorted(items, key=lambda i: i.occurred_at)),
    )
