"""The due-post runner: each variant whose time has come is claimed, sent and confirmed.

The order of the steps is what prevents double posts and false "published" states:
claim (`publishing`, committed) → the network call with the variant's own idempotency key
→ confirm (remote id and address, `published`) in one transaction. A process stopped
between claim and confirm leaves `publishing`, which the next opening turns into
`unknown`; nothing here ever sends an `unknown` variant again.

The errors of the call decide what follows (publish.base):
- Transient (nothing reached the server): back to the queue at the server's Retry-After,
  or after a back-off, for a few attempts; then failed.
- Rejected, TooLarge: failed, with the network's own message.
- AuthExpired: failed with "reconnect this account", and the account marked so.
- OutcomeUnknown, Timeout, or anything unexpected after the claim: unknown.

A variant for a network that can publish at a given time itself (Mastodon's
`scheduled_at`, WordPress's future status) is handed over when it is due within
`server_horizon` and far enough ahead for the server: it then goes out while the laptop
is closed. The workspace has no state of its own for "held by the server": the variant is
confirmed `published` with its time as `published_at` and no address yet (the history
says it was handed over). Its final address is looked up on a later run, once its time
has passed (`find_addresses`). Networks without an API cmdesk may use (X, LinkedIn,
Instagram, Facebook, TikTok) are not sent: they come back in the summary, to publish by
hand.

Each run reads three queues, so a post due now never waits behind others: what is due
now on the direct networks, then what a server could hold for later, then what is due
on the assisted networks (never claimed, so always still there).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cmdesk.core.accounts import Account
from cmdesk.core.clock import parse_iso, to_iso, utc_now
from cmdesk.core.errors import CmdeskError, InvalidData, NotFound
from cmdesk.core.networks import ASSISTED_NETWORKS, DIRECT_NETWORKS, Network
from cmdesk.core.publication import Variant, VariantState, channel_name
from cmdesk.i18n import _, ngettext
from cmdesk.publish.base import (
    AuthExpired,
    Connector,
    OutcomeUnknown,
    Published,
    PublishError,
    Rejected,
    RemotePost,
    Transient,
)
from cmdesk.publish.content import content_for
from cmdesk.store.post_publishing import ClaimRefused
from cmdesk.store.secrets import SecretsUnavailable
from cmdesk.store.workspace import Workspace

log = logging.getLogger(__name__)

ConnectorFactory = Callable[[Account], Connector]
Cancel = threading.Event | Callable[[], bool] | None

MAX_ATTEMPTS = 5  # transient failures in a row before the variant is failed
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)
SERVER_HORIZON = timedelta(hours=24)
# A post a server published itself is looked up this long after its time (the server's
# own queue takes a moment), and the lookups are spaced so a poll every minute does not
# ask the network every minute.
ADDRESS_DELAY = timedelta(minutes=2)
ADDRESS_LOOKUP_EVERY = timedelta(minutes=10)
ADDRESS_SETTING = "publishing.addresses_looked_up_at"

# What happened to each variant, as `publish-due --json` reports it.
PUBLISHED = "published"
HANDED = "handed_to_server"
RETRY = "retry"
FAILED = "failed"
RECONNECT = "reconnect"
UNKNOWN = "unknown"
BY_HAND = "by_hand"
SKIPPED = "skipped"
ADDRESS = "address"  # the address of a post a server published itself was found


@dataclass(frozen=True)
class Outcome:
    variant_id: int
    post_id: int
    channel: str
    result: str
    message: str = ""
    url: str = ""
    remote_id: str = ""
    retry_at: datetime | None = None


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    cancelled: bool = False

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def by_hand(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == BY_HAND]

    @property
    def problems(self) -> bool:
        """Something the user must look at: a failure, a reconnection, an unknown fate."""
        return any(o.result in (FAILED, RECONNECT, UNKNOWN) for o in self.outcomes)

    def describe(self) -> str:
        n = self.count
        parts = [
            ngettext("{n} published", "{n} published", n(PUBLISHED)),
            ngettext("{n} handed to the network", "{n} handed to the network", n(HANDED)),
            ngettext("{n} to retry", "{n} to retry", n(RETRY)),
            ngettext("{n} failed", "{n} failed", n(FAILED)),
            ngettext("{n} account to reconnect", "{n} accounts to reconnect", n(RECONNECT)),
            ngettext("{n} to check", "{n} to check", n(UNKNOWN)),
            ngettext("{n} to publish by hand", "{n} to publish by hand", n(BY_HAND)),
            ngettext("{n} address found", "{n} addresses found", n(ADDRESS)),
        ]
        results = (PUBLISHED, HANDED, RETRY, FAILED, RECONNECT, UNKNOWN, BY_HAND, ADDRESS)
        shown = [text.format(n=n(r)) for r, text in zip(results, parts, strict=True) if n(r)]
        return ", ".join(shown) if shown else _("Nothing was due.")


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th transient failure: 1, 2, 4... minutes, at most an
    hour (cron runs the runner every few minutes anyway)."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _cancelled(cancel: Cancel) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


class _Run:
    def __init__(self, ws: Workspace, factory: ConnectorFactory, now: datetime) -> None:
        self.ws = ws
        self.factory = factory
        self.now = now
        self.connectors: dict[int, Connector] = {}
        self.summary = Summary()

    def connector(self, account_id: int) -> Connector:
        if account_id not in self.connectors:
            self.connectors[account_id] = self.factory(self.ws.accounts.get(account_id))
        return self.connectors[account_id]

    def close(self) -> None:
        for connector in self.connectors.values():
            try:
                connector.close()
            except Exception:  # closing a client must not hide what the run did
                log.exception("closing a connector")

    def add(
        self,
        variant: Variant,
        result: str,
        message: str = "",
        *,
        url: str = "",
        remote_id: str = "",
        retry_at: datetime | None = None,
    ) -> None:
        self.summary.outcomes.append(
            Outcome(
                variant.id,
                variant.post_id,
                variant.channel,
                result,
                message,
                url,
                remote_id,
                retry_at,
            )
        )

    # -- one variant -----------------------------------------------------------------------

    def handle(self, variant: Variant, horizon: timedelta) -> None:
        due_at = variant.due_at or self.now
        ahead = due_at > self.now
        if Network(variant.channel) not in DIRECT_NETWORKS:
            if not ahead:  # never claimed: the user publishes it and marks it published
                self.add(variant, BY_HAND)
            return
        if variant.account_id is None:
            if not ahead:
                self._claim_and_fail(variant)
            return
        if ahead and (
            due_at - self.now > horizon
            or not self.connector(variant.account_id).can_schedule(due_at, self.now)
        ):
            return  # sent by a later run, at its time
        try:
            claimed = self.ws.posts.claim(variant.id, now=max(due_at, self.now))
        except ClaimRefused as exc:  # another runner took it, or it changed meanwhile
            self.add(variant, SKIPPED, exc.message)
            return
        self.send(claimed, due_at if ahead else None)

    def _claim_and_fail(self, variant: Variant) -> None:
        try:
            self.ws.posts.claim(variant.id, now=self.now)
        except ClaimRefused as exc:
            self.add(variant, SKIPPED, exc.message)
            return
        message = _(
            "No {network} account is chosen for this post: choose one, then schedule it again."
        ).format(network=channel_name(variant.channel))
        self.ws.posts.fail(variant.id, message)
        self.add(variant, FAILED, message)

    def send(self, variant: Variant, scheduled_at: datetime | None) -> None:
        """From the claim to the confirmation: every way out leaves the variant settled."""
        assert variant.account_id is not None
        try:
            post = self.ws.posts.get(variant.post_id)
            content = content_for(self.ws, post, variant, scheduled_at)
            published = self.connector(variant.account_id).publish(content)
        except Transient as exc:
            self._transient(variant, exc.message, exc.retry_after)
        except SecretsUnavailable as exc:  # a locked keyring: nothing was sent
            self._transient(variant, exc.message, None)
        except AuthExpired as exc:
            self.ws.posts.fail(variant.id, exc.message)
            self.ws.accounts.set_needs_reconnect(variant.account_id, to_iso(utc_now()))
            self.add(variant, RECONNECT, exc.message)
        except Rejected as exc:  # TooLarge included
            self.ws.posts.fail(variant.id, exc.message)
            self.add(variant, FAILED, exc.message)
        except (OutcomeUnknown, PublishError) as exc:
            self._unknown(variant, exc.message)
        except NotFound as exc:  # the account was removed after the post was scheduled
            self.ws.posts.fail(variant.id, exc.message)
            self.add(variant, FAILED, exc.message)
        except Exception as exc:
            # After the claim, anything unforeseen may have happened after the request
            # left: the user checks, it is never sent again by itself.
            log.exception("publishing variant %s", variant.id)
            detail = exc.message if isinstance(exc, CmdeskError) else type(exc).__name__
            self._unknown(
                variant,
                _("Publishing stopped on an unexpected error ({error}).").format(error=detail),
            )
        else:
            self._confirm(variant, published)

    def _confirm(self, variant: Variant, published: Published) -> None:
        url = published.url
        try:
            self.ws.posts.confirm(variant.id, published.remote_id, url, published.scheduled_at)
        except InvalidData:  # an address that is not a web address: keep the id
            url = ""
            self.ws.posts.confirm(variant.id, published.remote_id, url, published.scheduled_at)
        result = HANDED if published.scheduled_at is not None else PUBLISHED
        self.add(variant, result, url=url, remote_id=published.remote_id)

    def _transient(self, variant: Variant, message: str, retry_after: datetime | None) -> None:
        if variant.attempts >= MAX_ATTEMPTS:
            text = (
                message
                + " "
                + ngettext(
                    "(gave up after {n} attempt)", "(gave up after {n} attempts)", variant.attempts
                ).format(n=variant.attempts)
            )
            self.ws.posts.fail(variant.id, text)
            self.add(variant, FAILED, text)
            return
        retry_at = retry_after or utc_now() + backoff(variant.attempts)
        self.ws.posts.fail(variant.id, message, retry_at=retry_at)
        self.add(variant, RETRY, message, retry_at=retry_at)

    def _unknown(self, variant: Variant, message: str) -> None:
        self.ws.posts.outcome_unknown(variant.id, message)
        self.add(variant, UNKNOWN, message)

    # -- addresses of posts a server published itself -----------------------------------------

    def find_addresses(self) -> None:
        """Mastodon gives a scheduled post its address only when it goes out, and WordPress
        shows a future article's short link until then: after their time, find them
        among the account's latest posts. Nothing here changes a post's state."""
        last = self.ws.get_setting(ADDRESS_SETTING)
        if last and timedelta(0) <= self.now - parse_iso(last) < ADDRESS_LOOKUP_EVERY:
            return
        waiting = self.ws.posts.awaiting_address(self.now - ADDRESS_DELAY)
        if not waiting:
            return
        self.ws.set_setting(ADDRESS_SETTING, to_iso(self.now))
        listed: dict[int, list[RemotePost]] = {}
        for variant in waiting:
            assert variant.account_id is not None
            try:
                if variant.account_id not in listed:
                    listed[variant.account_id] = self.connector(variant.account_id).recent(40)
                post = self.ws.posts.get(variant.post_id)
            except (PublishError, SecretsUnavailable, NotFound) as exc:
                log.info("looking up the address of variant %s: %s", variant.id, exc.message)
                listed.setdefault(variant.account_id, [])
                continue
            found = match_published(listed[variant.account_id], variant, variant.text_or(post.text))
            if found is not None and found.url != variant.url:
                try:
                    self.ws.posts.set_address(variant.id, found.remote_id, found.url)
                except InvalidData:
                    continue
                self.add(variant, ADDRESS, url=found.url, remote_id=found.remote_id)


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def match_published(posts: list[RemotePost], variant: Variant, text: str) -> RemotePost | None:
    """The account's post that is `variant`, published by its server at its time: the
    same id where the server keeps it (WordPress), else the post that went out near
    that time and begins with the same words (Mastodon gives it a new id)."""
    for post in posts:
        if post.remote_id == variant.remote_id and post.url and post.status == "publish":
            return post
    at = variant.published_at
    wanted = _letters(text)[:40]
    if at is None or not wanted:
        return None
    for post in posts:
        if post.created_at is None or not post.url or post.status in ("scheduled", "future"):
            continue
        if abs(post.created_at - at) <= timedelta(minutes=30):
            found = _letters(post.text)[: len(wanted)]
            if found and found == wanted[: len(found)] and len(found) >= min(len(wanted), 12):
                return post
    return None


_ASSISTED = [n.value for n in ASSISTED_NETWORKS]


def _queue(
    ws: Workspace,
    moment: datetime,
    horizon: timedelta,
    limit: int,
    not_before: datetime | None,
    only: Collection[int] | None,
) -> list[Variant]:
    if only is not None:
        chosen = []
        for variant_id in only:
            try:
                variant = ws.posts.variant(variant_id)
            except NotFound:
                continue
            if variant.state is VariantState.PENDING:
                chosen.append(variant)
        return chosen
    direct = [n.value for n in DIRECT_NETWORKS]
    return [
        *ws.posts.due(moment, limit, after=not_before, channels=direct),
        *ws.posts.due(moment + horizon, limit, after=moment, channels=direct),
        *ws.posts.due(moment, limit, after=not_before, channels=_ASSISTED),
    ]


def publish_due(
    ws: Workspace,
    connectors: ConnectorFactory,
    now: datetime | None = None,
    cancel: Cancel = None,
    *,
    server_horizon: timedelta = SERVER_HORIZON,
    limit: int = 100,
    not_before: datetime | None = None,
    only: Collection[int] | None = None,
) -> Summary:
    """Send what is due in `ws` (opened for writing). `cancel` is checked between
    variants, never between a claim and its confirmation.

    `not_before` leaves aside what came due before it (the app lists the posts that came
    due while it was closed and lets the user decide); `only` sends just these variants
    if they are due (the user's "publish now" for late posts), `not_before` aside."""
    moment = now or utc_now()
    run = _Run(ws, connectors, moment)
    try:
        for variant in _queue(ws, moment, server_horizon, limit, not_before, only):
            if _cancelled(cancel):
                run.summary.cancelled = True
                break
            try:
                run.handle(variant, server_horizon)
            except (SecretsUnavailable, PublishError, NotFound) as exc:
                # Before any claim (building a connector, asking whether it can
                # schedule): nothing moved; the next run tries again.
                run.add(variant, SKIPPED, exc.message)
        if only is None and not run.summary.cancelled:
            run.find_addresses()
    finally:
        run.close()
    return run.summary
