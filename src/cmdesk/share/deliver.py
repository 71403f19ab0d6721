"""Sending what is due: each period of each schedule is produced, claimed, sent, confirmed.

The document is made first (a long report must not hold a claim), then the period is
claimed in the send log (`sending`, committed), sent, and confirmed (`sent`). A failure
before the message left is kept as `failed`: a passing trouble (server down, busy, a
locked keyring) is tried again later by itself, a refusal waits for the user. A message
that may have left without an answer is `unknown`, and never sent again by itself.

`send_due` serves `cmdesk send-due` and the app's timer; `due_deliveries` is what the app
offers at start-up: the periods that came due while it was closed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cmdesk.core.clock import utc_now
from cmdesk.core.delivery import (
    SETTLED,
    WEBHOOK_FORMATS,
    Channel,
    Document,
    Due,
    MaybeSent,
    NotSent,
    Period,
    Schedule,
    check_webhook_url,
    split_addresses,
)
from cmdesk.core.errors import CmdeskError, InvalidData
from cmdesk.i18n import N_, _, ngettext
from cmdesk.share import documents
from cmdesk.store.deliveries import ClaimRefused, record_address
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace

if TYPE_CHECKING:
    # Sending needs HTTP and SMTP; listing what is due does not: the window lists it at
    # start-up, and httpx alone would add a tenth of a second before it is painted.
    import httpx

    from cmdesk.share import mail
    from cmdesk.store.secrets import SecretStore

log = logging.getLogger(__name__)

FIRST_BACKOFF = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
MAX_ATTEMPTS = 6  # a server down for more than a day: the user is told instead

# What became of each period, as `send-due --json` reports it.
SENT = "sent"
RETRY = "retry"
FAILED = "failed"
UNKNOWN = "unknown"
SKIPPED = "skipped"

Cancel = threading.Event | Callable[[], bool] | None


@dataclass(frozen=True)
class Outcome:
    schedule_id: int
    kind: str
    period: str
    target: str
    channel: str
    result: str
    message: str = ""
    record_id: int | None = None
    retry_at: datetime | None = None


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def problems(self) -> bool:
        """Something the user must look at: a failure, an unknown fate."""
        return any(o.result in (FAILED, UNKNOWN) for o in self.outcomes)

    def describe(self) -> str:
        n = self.count
        parts = {
            SENT: ngettext("{n} sent", "{n} sent", n(SENT)),
            RETRY: ngettext("{n} to retry", "{n} to retry", n(RETRY)),
            FAILED: ngettext("{n} failed", "{n} failed", n(FAILED)),
            UNKNOWN: ngettext("{n} to check", "{n} to check", n(UNKNOWN)),
        }
        shown = [text.format(n=n(r)) for r, text in parts.items() if n(r)]
        return ", ".join(shown) if shown else _("Nothing was due.")


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th passing failure: 5, 10, 20… minutes, at most 6 h."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


@dataclass
class Senders:
    """How messages leave this computer: the user's SMTP server (settings and password
    store) and the webhooks' HTTP. Tests give a loopback server and a memory store."""

    smtp: mail.SmtpSettings | None = None
    passwords: SecretStore | None = None
    webhook_transport: httpx.BaseTransport | None = None
    webhook_deadline_s: float = 60.0

    @classmethod
    def for_home(cls, home: Home) -> Senders:
        from cmdesk.share import mail

        return cls(smtp=mail.load_settings(home))

    def _password(self, settings: mail.SmtpSettings) -> str:
        from cmdesk.share import mail
        from cmdesk.store.secrets import SecretsUnavailable

        if not settings.username:
            return ""
        try:
            if self.passwords is None:
                self.passwords = mail.password_store()
            return mail.password_for(settings, self.passwords)
        except SecretsUnavailable as exc:
            # Often a keyring still locked when cron runs: it may be open next time.
            raise NotSent(exc.message, transient=True) from exc

    def mail(self, recipients: str, document: Document) -> str:
        if self.smtp is None:
            raise NotSent(
                _("No mail server is set: set one with `cmdesk smtp set` or in Settings.")
            )
        from cmdesk.share import mail

        settings = self.smtp.validated()
        return mail.send_mail(
            settings, self._password(settings), split_addresses(recipients), document
        )

    def webhook(self, url: str, fmt: str, document: Document, about: dict[str, Any]) -> str:
        from cmdesk.share import webhooks

        return webhooks.post(
            url,
            fmt,
            document,
            about,
            deadline_s=self.webhook_deadline_s,
            transport=self.webhook_transport,
        )


def due_deliveries(ws: Workspace, now: datetime | None = None) -> list[Due]:
    """What came due and was not sent (or failed and may be tried again): what the app
    offers at start-up, and what `send-due` sends."""
    return ws.deliveries.due(now)


def check_schedule(schedule: Schedule, address: str) -> None:
    """What can be refused before anything is made: an unknown kind, an address that
    cannot work, files for a webhook that carries text only."""
    from cmdesk.share import webhooks

    kind = documents.kind(schedule.kind)
    if schedule.channel is Channel.EMAIL:
        if not address:
            raise InvalidData(_("This delivery has no e-mail address to send to."))
        split_addresses(address)
        return
    check_webhook_url(address)
    if kind.needs_files and not webhooks.carries_files(schedule.webhook_format):
        raise InvalidData(
            _(
                "{service} cannot carry files: send “{kind}” by e-mail, or to Discord or a "
                "JSON webhook."
            ).format(
                service=WEBHOOK_FORMATS.get(schedule.webhook_format, schedule.webhook_format),
                kind=_(kind.label),
            )
        )


def add_schedule(ws: Workspace, wanted: Schedule) -> Schedule:
    """A new schedule, refused whole (nothing stored) if it could never be sent."""
    with ws.atomic():
        schedule = ws.deliveries.add(wanted)
        check_schedule(schedule, ws.deliveries.recipients(schedule))
    return schedule


class _Run:
    def __init__(self, ws: Workspace, senders: Senders, now: datetime) -> None:
        self.ws = ws
        self.senders = senders
        self.now = now
        self.summary = Summary()

    def add(self, schedule: Schedule, period: Period, result: str, **more: Any) -> Outcome:
        assert schedule.id is not None
        outcome = Outcome(
            schedule_id=schedule.id,
            kind=schedule.kind,
            period=period.key,
            target=schedule.target.name,
            channel=schedule.channel.value,
            result=result,
            **more,
        )
        self.summary.outcomes.append(outcome)
        return outcome

    def send(self, schedule: Schedule, period: Period, due_at: datetime | None) -> Outcome:
        deliveries = self.ws.deliveries
        assert schedule.id is not None
        try:
            address = deliveries.recipients(schedule)
            check_schedule(schedule, address)
            document = documents.produce(self.ws, schedule.kind, period, schedule.target)
        except CmdeskError as exc:
            return self._claim_and_fail(schedule, period, due_at, "", exc.message)
        except Exception as exc:  # a producer's bug: kept in the log, the others still go
            log.exception("Making %s for %s failed", schedule.kind, period.key)
            message = _("The document could not be made: {error}").format(
                error=f"{type(exc).__name__}: {exc}"
            )
            return self._claim_and_fail(schedule, period, due_at, "", message)
        try:
            record = deliveries.claim(
                schedule,
                period,
                address=record_address(schedule.channel, address),
                due_at=due_at,
            )
        except ClaimRefused as exc:
            return self.add(schedule, period, SKIPPED, message=exc.message)
        try:
            detail = self._transmit(schedule, period, address, document)
        except NotSent as exc:
            retry_at = None
            if exc.transient and record.attempts < MAX_ATTEMPTS:
                retry_at = max(exc.retry_after or self.now, self.now + backoff(record.attempts))
            deliveries.fail(record.id, exc.message, retry_at)
            result = RETRY if retry_at else FAILED
            return self.add(schedule, period, result, message=exc.message,
                            record_id=record.id, retry_at=retry_at)  # fmt: skip
        except MaybeSent as exc:
            deliveries.outcome_unknown(record.id, exc.message)
            return self.add(schedule, period, UNKNOWN, message=exc.message, record_id=record.id)
        except Exception as exc:  # after the claim: it may have left
            log.exception("Sending %s for %s failed", schedule.kind, period.key)
            message = f"{type(exc).__name__}: {exc}"
            deliveries.outcome_unknown(record.id, message)
            return self.add(schedule, period, UNKNOWN, message=message, record_id=record.id)
        deliveries.confirm(record.id, detail)
        return self.add(schedule, period, SENT, message=detail, record_id=record.id)

    def _claim_and_fail(
        self, schedule: Schedule, period: Period, due_at: datetime | None, address: str,
        message: str,
    ) -> Outcome:  # fmt: skip
        """Nothing could be made or sent: the failure goes in the log for the user."""
        try:
            record = self.ws.deliveries.claim(schedule, period, address=address, due_at=due_at)
        except ClaimRefused as exc:
            return self.add(schedule, period, SKIPPED, message=exc.message)
        self.ws.deliveries.fail(record.id, message)
        return self.add(schedule, period, FAILED, message=message, record_id=record.id)

    def _transmit(
        self, schedule: Schedule, period: Period, address: str, document: Document
    ) -> str:
        if schedule.channel is Channel.EMAIL:
            return self.senders.mail(address, document)
        about = {
            "kind": schedule.kind,
            "client": self.ws.profile().name,
            "target": schedule.target.name,
            "period": {
                "key": period.key,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
            },
        }
        return self.senders.webhook(address, schedule.webhook_format, document, about)


def send_due(
    ws: Workspace,
    senders: Senders,
    now: datetime | None = None,
    cancel: Cancel = None,
    *,
    due_after: datetime | None = None,
) -> Summary:
    """Send every period that is due (oldest first). With `due_after`, only those that
    came due after it (the app sends by itself what comes due while it runs, and offers
    the rest)."""
    now = now or utc_now()
    run = _Run(ws, senders, now)
    for item in due_deliveries(ws, now):
        if cancel is not None and (cancel.is_set() if isinstance(cancel, threading.Event)
                                   else cancel()):  # fmt: skip
            break
        if due_after is not None and item.due_at <= due_after and item.record is None:
            continue
        run.send(item.schedule, item.period, item.due_at)
    return run.summary


def send_now(
    ws: Workspace,
    senders: Senders,
    schedule_id: int,
    period: Period | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Send one period of a schedule now ("send now", a retry): by default the latest
    complete one. A period already sent, being sent, skipped or to check is not sent."""
    now = now or utc_now()
    schedule = ws.deliveries.get(schedule_id)
    zone = ws.profile().timezone
    if period is None:
        period = schedule.timing.latest(now, zone)
    elif period.frequency is not schedule.timing.frequency:
        raise InvalidData(
            _("This delivery sends a period of one {length}: {period} is not one.").format(
                length=_(_LENGTHS[schedule.timing.frequency.value]), period=period.key
            )
        )
    record = next(
        (r for r in ws.deliveries.log(schedule_id=schedule_id, limit=None)
         if r.period == period.key),
        None,
    )  # fmt: skip
    run = _Run(ws, senders, now)
    if record is not None and record.state in SETTLED:
        raise ClaimRefused(
            _("{period} was already handled: {state}. It is not sent again.").format(
                period=period.key, state=record.state.label
            )
        )
    return run.send(schedule, period, schedule.timing.due_at(period, zone))


_LENGTHS = {"daily": N_("day"), "weekly": N_("week"), "monthly": N_("month")}
