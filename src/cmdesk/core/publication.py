"""A post's plain data and the life of each of its per-network versions ("variants").

A post is written once and published on several channels; each channel's variant has a
publication state of its own (pending, publishing, published, failed, unknown), because
Mastodon may accept a post that Bluesky refuses. The post's own state (core.posts) sums
its variants up once publication has begun: `settle` says how, and only ever proposes a
move the post's state machine allows.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from cmdesk.core.client import check_timezone
from cmdesk.core.errors import InvalidData
from cmdesk.core.networks import Network, network_name
from cmdesk.core.posts import TRANSITIONS, PostState, after_crash
from cmdesk.core.schedule import AmbiguousTime, Recurrence, WallKind, resolve
from cmdesk.i18n import N_, _

# The networks a post goes to: a variant's channel names its connector (core.networks).
CHANNELS = tuple(n.value for n in Network)
channel_name = network_name


class VariantState(Enum):
    PENDING = "pending"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        # The same words as the post's states of the same name (core.posts).
        return _("Waiting") if self is VariantState.PENDING else PostState(self.value).label


V = VariantState
# A variant that is published, being sent, or may have been sent is never changed or
# sent again by an edit or a new schedule.
SETTLED_OR_SENT = frozenset({V.PUBLISHING, V.PUBLISHED, V.UNKNOWN})
# Post states in which pending variants are sent when due. `unknown` is among them: a
# variant never sent (another network of the same post) cannot be a double post, and it
# should not wait for the user's check of the one whose fate is unknown.
CLAIMABLE = frozenset(
    {PostState.SCHEDULED, PostState.PUBLISHING, PostState.FAILED, PostState.UNKNOWN}
)


def variant_after_crash(state: VariantState) -> VariantState:
    """What a variant found at start-up becomes: core.posts.after_crash's rule, which
    is the same for a variant (one left `publishing` may have reached the network)."""
    if state is V.PENDING:
        return state
    return VariantState(after_crash(PostState(state.value)).value)


def settle(current: PostState, variants: Iterable[VariantState]) -> PostState:
    """The post's state once its variants moved (a claim, a confirmation, a failure, a
    recovery, the user's decision). One the post's state machine does not allow from
    `current` is not proposed: the post keeps its state until a later move settles it.

    Order of precedence: any variant unknown -> unknown (the user must look); any being
    sent -> publishing; any failed -> failed; all published -> published. Variants still
    waiting (a retry after a transient error, the next network) leave it as it is."""
    states = set(variants)
    if not states or current not in CLAIMABLE:
        return current
    if V.UNKNOWN in states:
        wanted = PostState.UNKNOWN
    elif V.PUBLISHING in states:
        wanted = PostState.PUBLISHING
    elif V.FAILED in states:
        wanted = PostState.FAILED
    elif states == {V.PUBLISHED}:
        wanted = PostState.PUBLISHED
    elif current is PostState.FAILED:  # a failed variant was put back in the queue
        wanted = PostState.SCHEDULED
    else:
        return current
    if wanted is current or wanted not in TRANSITIONS[current]:
        return current
    return wanted


def new_idempotency_key(now: datetime | None = None) -> str:
    """The key stored with a variant and sent with every attempt at it, so the network
    can tell a retry from a new post: "<milliseconds since 1970>-<16 hex digits>". The
    time lets Bluesky derive a record key that sorts like the post's time
    (publish.bluesky.record_key); the random part keeps two posts apart."""
    moment = now or datetime.now(UTC)
    return f"{int(moment.timestamp() * 1000):013d}-{secrets.token_hex(8)}"


def parse_idempotency_key(key: str) -> tuple[int, int] | None:
    """(milliseconds, random bits) of a key made by new_idempotency_key, else None."""
    millis, _sep, rest = key.partition("-")
    if not (millis.isdigit() and len(rest) == 16):
        return None
    try:
        return int(millis), int(rest, 16)
    except ValueError:
        return None


@dataclass(frozen=True)
class Variant:
    """A post as it goes to one channel (and one account there)."""

    id: int
    post_id: int
    channel: str
    account_id: int | None
    text: str | None  # None: the post's main text
    extras: dict[str, Any]  # WordPress: title, excerpt, categories, tags, status...
    state: VariantState
    due_at: datetime | None  # when the runner sends it: the post's time, or a retry's
    remote_id: str
    url: str
    error: str  # the network's own message of the last failure
    attempts: int
    claimed_at: datetime | None
    published_at: datetime | None
    idempotency_key: str

    def text_or(self, main: str) -> str:
        return main if self.text is None else self.text


@dataclass(frozen=True)
class Post:
    id: int
    title: str
    text: str
    link: str
    first_comment: str
    state: PostState
    scheduled_at: datetime | None  # the UTC instant
    zone: str  # IANA zone the time was chosen in
    wall_time: datetime | None  # naive: what the clock in `zone` shows then
    recurrence: Recurrence | None
    evergreen: bool
    mention_id: int | None
    created_at: datetime
    updated_at: datetime
    variants: tuple[Variant, ...] = ()

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(v.channel for v in self.variants)


@dataclass(frozen=True)
class MediaItem:
    id: int
    post_id: int
    position: int
    mime: str
    alt: str
    filename: str
    size: int
    data: bytes | None = field(default=None, repr=False)  # only when asked for


@dataclass(frozen=True)
class HistoryEntry:
    """One change of a post: who, when, what (and the state it moved between)."""

    id: int
    post_id: int
    variant_id: int | None
    at: datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    detail: str


@dataclass(frozen=True)
class PostComment:
    id: int
    post_id: int
    at: datetime
    author: str
    body: str
    for_client: bool  # False: internal to the agency, never in an approval pack


def checked_link(url: str) -> str:
    """A post's link, or a published post's address: empty, or a web address."""
    url = url.strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise InvalidData(
            _("“{url}” is not a web address (it must start with http:// or https://).").format(
                url=url
            )
        )
    return url


def chosen_instant(wall: datetime, zone: str, choice: datetime | None = None) -> datetime:
    """The instant a post goes out when it is set for `wall` in `zone`. A wall time in a
    daylight-saving gap or overlap raises AmbiguousTime (its `wall.choices` are the
    candidates) unless `choice` is one of those candidates: the user decided."""
    resolved = resolve(wall, check_timezone(zone))
    if resolved.kind is WallKind.NORMAL:
        return resolved.instant
    if choice is None:
        raise AmbiguousTime(resolved)
    if choice.tzinfo is None:
        raise InvalidData(_("The chosen time needs its UTC offset."))
    chosen = choice.astimezone(UTC).replace(microsecond=0)
    if chosen not in resolved.choices:
        raise AmbiguousTime(resolved)
    return chosen


_ACTION_LABELS = {
    "created": N_("created"),
    "edited": N_("edited"),
    "state": N_("state changed"),
    "scheduled": N_("scheduled"),
    "rescheduled": N_("moved to another time"),
    "recurrence": N_("repetition changed"),
    "settled": N_("state updated from its channels"),
    "claimed": N_("sending started"),
    "published": N_("published"),
    "handed": N_("handed to the network, which publishes it at its time"),
    "retry": N_("will be tried again"),
    "failed": N_("failed"),
    "unknown": N_("no clear answer from the network"),
    "recovered": N_("found interrupted by a stop of cmdesk"),
    "checked": N_("checked on the network"),
    "approval": N_("the client’s decision"),
    "by_hand": N_("published by hand"),
    "skipped": N_("skipped: it came due while cmdesk was closed"),
    "repeated": N_("repeated in a new post"),
    "address": N_("address found on the network"),
    "channel.added": N_("channel added"),
    "channel.edited": N_("channel version edited"),
    "channel.removed": N_("channel removed"),
    "image.added": N_("image added"),
    "image.alt": N_("image description changed"),
    "image.removed": N_("image removed"),
    "image.reordered": N_("images reordered"),
}


def action_label(action: str) -> str:
    """A history row's action as people read it (unknown actions as they are stored)."""
    return _(_ACTION_LABELS[action]) if action in _ACTION_LABELS else action


def state_label(value: str, *, variant: bool) -> str:
    """A state stored in a history row, as people read it."""
    if not value:
        return ""
    try:
        return VariantState(value).label if variant else PostState(value).label
    except ValueError:
        return value


def state_move(entry: HistoryEntry) -> str:
    """A history row's move as people read it: " (Draft → In review)", " (Draft)" for
    the first state, "" when the state did not change."""
    if not entry.to_state:
        return ""
    variant = entry.variant_id is not None
    before = state_label(entry.from_state, variant=variant)
    after = state_label(entry.to_state, variant=variant)
    return f" ({before} → {after})" if before else f" ({after})"
