"""The one protocol every direct connector follows, what it publishes, and how it fails.

The errors say what the runner may do next, because a false "published" and a double post
are the two failures users of scheduling tools complain about most:

- Transient: nothing reached the server (no connection, or it answered 429/503 without
  acting). Safe to send again, after `retry_after` when the server said when.
- OutcomeUnknown / Timeout: the request left, no clear answer came back. The post may be
  online: never re-send automatically; show the account's recent posts (`recent`) and let
  the user decide.
- AuthExpired: the network no longer accepts the credentials: "reconnect this account".
- Rejected (TooLarge): the network refused the post and said why; its own message is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol

from cmdesk.core.accounts import Account
from cmdesk.core.errors import NetworkError
from cmdesk.core.networks import NETWORK_NAMES, Network
from cmdesk.core.post_text import ImageFacts
from cmdesk.i18n import _


class PublishError(NetworkError):
    """Base of the connector errors; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AuthExpired(PublishError):
    """The credentials were refused: the user must reconnect this account."""

    def __init__(self, account: Account, detail: str = "", *, status: int | None = None) -> None:
        message = _(
            "{account}: the network no longer accepts cmdesk's access. Reconnect this account."
        ).format(account=account.display_name)
        if detail:
            message += " " + _("({network} says: {detail})").format(
                network=NETWORK_NAMES[account.network], detail=detail
            )
        super().__init__(message, status=status)
        self.account = account
        self.detail = detail


class Transient(PublishError):
    """Nothing was done by the server: the same request may be sent again."""

    def __init__(
        self, message: str, *, retry_after: datetime | None = None, status: int | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class Rejected(PublishError):
    """The network refused the request; `remote_message` is its own words."""

    def __init__(
        self,
        message: str,
        *,
        remote_message: str = "",
        status: int | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message, status=status)
        self.remote_message = remote_message
        self.details = details  # the error body as the network sent it (parsed JSON)


class TooLarge(Rejected):
    """A file (or the whole request) is larger than the server accepts (HTTP 413)."""


class OutcomeUnknown(PublishError):
    """The request reached the server but no usable answer came back: the post may or
    may not exist. Check `recent()`; never re-send without the user."""


class Timeout(OutcomeUnknown):
    """No answer within the time allowed."""


@dataclass(frozen=True)
class Media:
    data: bytes
    mime: str  # image/jpeg, image/png, ...
    alt: str = ""
    filename: str = ""

    def facts(self) -> ImageFacts:
        return ImageFacts(alt=self.alt, size=len(self.data), mime=self.mime)


@dataclass(frozen=True)
class LinkCard:
    """A link preview the post carries itself (Bluesky has no server-made cards)."""

    url: str
    title: str = ""
    description: str = ""


@dataclass(frozen=True)
class PostContent:
    text: str = ""
    media: tuple[Media, ...] = ()
    language: str = ""  # BCP 47 ("fr", "en-GB"); "" lets the network guess
    # The same for every attempt at the same post (core.publication.new_idempotency_key): Mastodon
    # replays the first answer, Bluesky refuses a second record with the same key.
    idempotency_key: str = ""
    # When the network should publish it; in the future, only for connectors whose
    # can_schedule() says yes. None or a past moment: now.
    scheduled_at: datetime | None = None
    link_card: LinkCard | None = None
    spoiler_text: str = ""  # Mastodon: content warning
    visibility: str = ""  # Mastodon: public, unlisted, private, direct; "" = the account's
    # Articles (WordPress): text is the body (HTML allowed), media[0] the featured image.
    title: str = ""
    excerpt: str = ""
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    draft: bool = False  # keep it as a draft on the site instead of publishing


@dataclass(frozen=True)
class Published:
    remote_id: str
    url: str  # "" for a post the server holds until its time (Mastodon gives none yet)
    scheduled_at: datetime | None = None  # set when the server publishes it later


@dataclass(frozen=True)
class RemotePost:
    """One of the account's own posts, as the network lists it."""

    remote_id: str
    url: str
    text: str
    created_at: datetime | None = None
    scheduled_at: datetime | None = None  # waiting on the server
    status: str = ""  # WordPress: publish, future, draft...


@dataclass(frozen=True)
class Identity:
    """Who the credentials belong to, as test_connection found out."""

    remote_id: str
    username: str
    display_name: str = ""
    url: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class Connector(Protocol):
    network: ClassVar[Network]
    account: Account

    def test_connection(self) -> Identity:
        """Check the credentials with a harmless request; raises AuthExpired if refused."""
        ...

    def can_schedule(self, at: datetime, now: datetime | None = None) -> bool:
        """Whether the server itself can publish at `at` (so the laptop may be closed)."""
        ...

    def publish(self, content: PostContent) -> Published: ...

    def recent(self, limit: int = 20) -> list[RemotePost]:
        """The account's latest posts (and, where the network keeps them, the ones it
        holds for later), newest first: to check a post whose fate is unknown."""
        ...

    def close(self) -> None: ...


def due_now(content: PostContent, now: datetime | None = None) -> bool:
    at = content.scheduled_at
    return at is None or at <= (now or datetime.now(UTC))
