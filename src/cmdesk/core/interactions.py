"""The conversation half's plain data: interactions, contacts, teams, and capture proposals.

An interaction is one exchange with the community (a comment, a review, an e-mail, a call),
logged, qualified and answered. `propose` is the "paste a text and a link" fast capture:
it guesses what it can and says why, and the user confirms or corrects it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cmdesk.core.classify import estimate, fold
from cmdesk.core.errors import InvalidData
from cmdesk.i18n import N_, _

CHANNEL_LABELS = {
    "facebook": N_("Facebook"),
    "instagram": N_("Instagram"),
    "x": N_("X (Twitter)"),
    "linkedin": N_("LinkedIn"),
    "mastodon": N_("Mastodon"),
    "bluesky": N_("Bluesky"),
    "blog_comment": N_("blog comment"),
    "review_site": N_("review site"),
    "email": N_("e-mail"),
    "phone": N_("phone"),
    "in_person": N_("in person"),
    "other": N_("other"),
}
CHANNELS = tuple(CHANNEL_LABELS)

TYPE_LABELS = {
    "complaint": N_("complaint"),
    "question": N_("question"),
    "praise": N_("praise"),
    "suggestion": N_("suggestion"),
    "crisis": N_("crisis"),
    "other": N_("other"),
}
TYPES = tuple(TYPE_LABELS)

STATUS_LABELS = {
    "new": N_("new"),
    "in_progress": N_("in progress"),
    "waiting_team": N_("waiting for a team"),
    "answered": N_("answered"),
    "closed": N_("closed"),
}
STATUSES = tuple(STATUS_LABELS)

TEAM_KIND_LABELS = {
    "customer_service": N_("customer service"),
    "marketing": N_("marketing"),
    "product": N_("product / R&D"),
    "pr": N_("PR / communication"),
    "management": N_("management"),
    "other": N_("other"),
}
TEAM_KINDS = tuple(TEAM_KIND_LABELS)

DIRECTIONS = ("in", "out")
VISIBILITIES = ("public", "private")
PRIORITIES = (0, 1, 2)  # normal, important, urgent: the same scale as mentions
# Tags the issue names for contacts; any other tag is allowed too.
CONTACT_TAGS = ("customer", "influencer", "journalist", "employee", "ambassador", "detractor")


@dataclass(frozen=True)
class Team:
    id: int
    name: str
    kind: str = "other"
    email: str = ""
    webhook_url: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True)
class Contact:
    id: int
    name: str = ""
    email: str = ""
    notes: str = ""
    consent_notes: str = ""
    handles: tuple[tuple[str, str], ...] = ()  # (network, handle), handles normalised
    tags: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    erased_at: datetime | None = None  # personal data removed on request

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.handles:
            return "@" + self.handles[0][1]
        return self.email or f"#{self.id}"


@dataclass(frozen=True)
class Interaction:
    id: int
    channel: str
    occurred_at: datetime
    text: str = ""
    link: str = ""
    direction: str = "in"
    visibility: str = "public"
    contact_id: int | None = None
    type: str = "other"
    sentiment: str = ""
    sentiment_reason: str = ""
    sentiment_by_user: bool = False
    language: str = ""
    priority: int = 0
    status: str = "new"
    team_id: int | None = None
    mention_id: int | None = None
    post_id: int | None = None
    reply: str = ""
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    tags: tuple[str, ...] = field(default=())

    @property
    def response_time(self) -> timedelta | None:
        """What clients are measured on: from the message to the first answer."""
        if self.first_response_at is None:
            return None
        return self.first_response_at - self.occurred_at

    @property
    def resolution_time(self) -> timedelta | None:
        if self.resolved_at is None:
            return None
        return self.resolved_at - self.occurred_at


@dataclass(frozen=True)
class Proposal:
    """What fast capture proposes for a pasted text and link, each guess with its reason."""

    channel: str
    language: str
    sentiment: str
    sentiment_reason: str
    type: str
    type_reason: str


def normalise_handle(handle: str) -> str:
    """A handle as stored and matched: no surrounding "@" or spaces, lower case
    ("@Lea@Mastodon.Social" -> "lea@mastodon.social"). Networks treat handles
    case-insensitively, and people type them with or without the "@"."""
    return handle.strip().lstrip("@").strip().casefold()


# -- channel from a link -------------------------------------------------------------------

_HOST_CHANNELS = {
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.me": "facebook",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "x.com": "x",
    "twitter.com": "x",
    "linkedin.com": "linkedin",
    "lnkd.in": "linkedin",
    "bsky.app": "bluesky",
    "g.page": "review_site",
    "maps.app.goo.gl": "review_site",
}
# Review sites have one domain per country (tripadvisor.fr, yelp.co.uk): matched by name.
_REVIEW_NAMES = frozenset({"trustpilot", "tripadvisor", "yelp"})
# Sites whose profile pages are /@name too, and are not Mastodon.
_AT_PATH_SITES = frozenset({"medium.com", "youtube.com", "tiktok.com", "threads.net"})
_MASTODON_PATH_RE = re.compile(r"^/@[\w.]+(@[\w.-]+)?(/|$)")


def _registered_name(host: str) -> tuple[str, str]:
    """(name, host without subdomains that do not matter) for "fr.trustpilot.com" ->
    ("trustpilot", "trustpilot.com"); country domains like .co.uk count as one label."""
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in {"co", "com"} and len(labels[-1]) == 2:
        return labels[-3], ".".join(labels[-3:])
    if len(labels) >= 2:
        return labels[-2], ".".join(labels[-2:])
    return host, host


def guess_channel(url: str) -> str:
    """The channel a link belongs to, from its host (and path for Mastodon); "other" when
    unknown. Only a guess: the user sees it and corrects it."""
    url = url.strip()
    if url.lower().startswith("mailto:"):
        return "email"
    try:
        parts = urlsplit(url if "//" in url else "https://" + url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return "other"
    if not host:
        return "other"
    for known, channel in _HOST_CHANNELS.items():
        if host == known or host.endswith("." + known):
            return channel
    name, domain = _registered_name(host)
    if name in _REVIEW_NAMES:
        return "review_site"
    if name == "google" and (parts.path.startswith("/maps") or host.startswith("maps.")):
        return "review_site"
    if host.startswith("search.google.") and "review" in parts.path:
        return "review_site"
    if domain not in _AT_PATH_SITES and (
        _MASTODON_PATH_RE.match(parts.path) or "mastodon" in host.split(".")
    ):
        return "mastodon"
    # WordPress and most blog engines link to a comment as #comment-123.
    if parts.fragment.lower().startswith("comment"):
        return "blog_comment"
    return "other"


# -- type of a message ------------------------------------------------------------------------

# Matched on folded text (lower case, no accents) at the start of a sentence, for
# questions typed without "?". Openers that also start statements ("quand", "when",
# "quel accueil !") are left out: a false "question" hides a complaint in the inbox.
_QUESTION_OPENERS = (
    "comment",
    "pourquoi",
    "combien",
    "quel est",
    "quelle est",
    "quels sont",
    "quelles sont",
    "est ce que",
    "pouvez vous",
    "avez vous",
    "peut on",
    "how",
    "why",
    "where",
    "what",
    "which",
    "can you",
    "could you",
    "do you",
    "does",
    "is there",
    "are you",
)
_SUGGESTION_CUES = (
    "suggest",
    "suggestion",
    "je suggere",
    "idee",
    "idea",
    "vous pourriez",
    "vous devriez",
    "ce serait bien",
    "ce serait top",
    "ce serait genial",
    "would be nice",
    "would be great",
    "you should",
    "you could",
    "pourquoi pas",
    "why not",
)
_SENTENCE_RE = re.compile(r"[.!?;\n]+")
_WORDS_RE = re.compile(r"[a-z0-9]+")


def _phrase_in(words: str, phrases: tuple[str, ...]) -> str:
    padded = f" {words} "
    for phrase in phrases:
        if f" {phrase} " in padded:
            return phrase
    return ""


def _asks(text: str, folded: str) -> str:
    """Why the text is a question ("?" or the question word opening a sentence), or ""."""
    if "?" in text:
        return "?"
    for sentence in _SENTENCE_RE.split(folded):
        opening = " ".join(_WORDS_RE.findall(sentence)[:3]) + " "
        for opener in _QUESTION_OPENERS:
            if opening.startswith(opener + " "):
                return opener
    return ""


def propose(text: str, url: str = "") -> Proposal:
    """Channel, language, sentiment and type for a pasted message. A complaint is what
    matters most to catch, so negative wins over every other cue; a crisis is never
    guessed: declaring one is the community manager's decision."""
    found = estimate(text)
    folded = fold(text)
    words = " ".join(_WORDS_RE.findall(folded))
    suggestion = _phrase_in(words, _SUGGESTION_CUES)
    question = _asks(text, folded)
    if found.sentiment == "negative":
        kind, why = "complaint", found.reason
    elif suggestion:
        kind, why = "suggestion", suggestion
    elif question:
        kind, why = "question", question
    elif found.sentiment == "positive":
        kind, why = "praise", found.reason
    else:
        kind, why = "other", ""
    return Proposal(
        channel=guess_channel(url) if url.strip() else "other",
        language=found.language,
        sentiment=found.sentiment,
        sentiment_reason=found.reason,
        type=kind,
        type_reason=why,
    )


def check_known(value: Any, known: Iterable[Any], what: str) -> Any:
    """`value` when it is one of `known`, else InvalidData naming the choices."""
    known = tuple(known)
    if value not in known:
        raise InvalidData(
            _("Unknown {what}: {value} (known: {known})").format(
                what=what, value=value, known=", ".join(str(k) for k in known)
            )
        )
    return value
