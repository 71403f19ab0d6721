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

from cmdesk.core import type_cues
from cmdesk.core.classify import Estimate, estimate, fold, readable_reason
from cmdesk.core.errors import InvalidData
from cmdesk.core.type_cues import cue_pattern
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
    sentiment_reason: str  # stored: language-neutral, folded ("jamais recu −3")
    type: str
    type_reason: str  # shown at capture: a sentence in the user's language


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

_SENTENCE_RE = re.compile(r"[.!?;,:\n]+")
_WORDS_RE = re.compile(r"[a-z0-9]+")
_CRISIS_RE = cue_pattern(type_cues.CRISIS)
_SUGGESTION_RE = cue_pattern(type_cues.SUGGESTION)
_OTHER_RES = tuple((what, cue_pattern(cues)) for what, cues in type_cues.OTHER)
_PROBLEM_RE = cue_pattern(type_cues.PROBLEM)
_OPENER_RE = re.compile(
    r"(?!(?:"
    + "|".join(type_cues.NOT_QUESTIONS)
    + r")\b)("
    + "|".join(type_cues.QUESTION_OPENERS)
    + r")\b"
)


def _asks(text: str, folded: str) -> str:
    """Why the text is a question ("?" or the question word opening a sentence), or ""."""
    if "?" in text:
        return "?"
    for sentence in _SENTENCE_RE.split(folded):
        found = _OPENER_RE.match(" ".join(_WORDS_RE.findall(sentence)))
        if found:
            return found.group(1)
    return ""


def _quoted(cue: str, text: str) -> str:
    return _("“{words}”").format(words=readable_reason(cue, text))


def _type_of(text: str, found: Estimate) -> tuple[str, str]:
    """The type of a message and why, in the user's language, with the author's spelling.

    The order says what matters most to catch: a crisis, then a complaint (a negative
    question or suggestion is a complaint first), then what is not for the brand, then
    what the customer asks or offers, and praise last."""
    folded = fold(text)
    words = " ".join(_WORDS_RE.findall(folded))
    crisis = _CRISIS_RE.search(words)
    if crisis:
        return "crisis", _("crisis words: {words}").format(words=_quoted(crisis[0], text))
    if found.sentiment == "negative":
        reason = readable_reason(found.reason, text)
        return "complaint", _("negative words: {words}").format(words=reason)
    irony = next((sign for sign in type_cues.IRONY if sign in text), "")
    if irony and found.sentiment == "positive":
        return "complaint", _("irony: {sign} beside praise").format(sign=irony)
    for what, pattern in _OTHER_RES:
        other = pattern.search(words)
        if other:
            return "other", _("{what}: {words}").format(what=_(what), words=_quoted(other[0], text))
    suggestion = _SUGGESTION_RE.search(words)
    if suggestion:
        cue = _quoted(suggestion[0], text)
        return "suggestion", _("suggestion wording: {words}").format(words=cue)
    question = _asks(text, folded)
    if question == "?":
        return "question", _("a question mark")
    if question:
        return "question", _("a question opening: {words}").format(words=_quoted(question, text))
    if found.sentiment == "positive":
        reason = readable_reason(found.reason, text)
        return "praise", _("positive words: {words}").format(words=reason)
    # The longest says it best: "jamais" rather than the "n" of "n'est jamais".
    problem = max(_PROBLEM_RE.findall(words), key=len, default="")
    if problem:
        return "complaint", _("a problem reported: {words}").format(words=_quoted(problem, text))
    return "other", _("no complaint, question, suggestion or praise found")


def propose(text: str, url: str = "") -> Proposal:
    """Channel, language, sentiment and type for a pasted message, each with its reason
    (the type's in the user's language). A crisis is proposed from what makes one
    (health, safety, the law, the press, personal data, discrimination, an outage):
    only proposed, the community manager confirms before anything is escalated."""
    found = estimate(text)
    kind, why = _type_of(text, found)
    sentiment, reason = found.sentiment, found.reason
    if kind in ("complaint", "crisis") and sentiment == "neutral":
        # A complaint is negative feedback even when told without a telling word ("raw in
        # the middle", "still not delivered"): on the labelled tuning half this finds 8 of
        # the 14 negative messages the words missed, and marks no other one negative.
        sentiment = "negative"
        reason = ", ".join(filter(None, (reason, f"[{kind}]")))
    return Proposal(
        channel=guess_channel(url) if url.strip() else "other",
        language=found.language,
        sentiment=sentiment,
        sentiment_reason=reason,
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
