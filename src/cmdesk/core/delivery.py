"""Delivery of what cmdesk produces: the documents, the periods they cover, the schedules
that send them, and the states of a send.

A schedule says *what* (a kind of document: an export, a digest, a report), *for whom*
(a team, or the client), *how* (e-mail or a webhook) and *when* (every day, week or
month at a wall-clock time in the client's zone). Each send covers one complete period
(the day, the Monday-to-Sunday week or the calendar month before the send), and the
period is part of the send log's key: the same period is never sent twice by a schedule.
Pure functions and dataclasses; no storage, no network.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from cmdesk.core.errors import InvalidData, NetworkError
from cmdesk.core.schedule import WEEKDAYS, Frequency, resolve, to_local
from cmdesk.i18n import N_, _

# How far back the periods a closed app missed are looked for: a laptop left closed for a
# holiday offers the last few reports, not a year of them.
MAX_MISSED = 12


# -- what is sent -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class Document:
    """One message: the subject, the body as text and as HTML, and files."""

    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Target:
    """Whom a document is for: a team of the client's (team_id), or the client itself."""

    team_id: int | None = None
    name: str = ""

    @property
    def is_client(self) -> bool:
        return self.team_id is None


# -- periods ----------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """A day, an ISO week (Monday to Sunday) or a calendar month, in the client's zone."""

    frequency: Frequency
    start: date

    @classmethod
    def containing(cls, day: date, frequency: Frequency) -> Period:
        if frequency is Frequency.WEEKLY:
            return cls(frequency, day - timedelta(days=day.weekday()))
        if frequency is Frequency.MONTHLY:
            return cls(frequency, day.replace(day=1))
        return cls(frequency, day)

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026-03" (a month), "2026-W11" (an ISO week) or "2026-03-09" (a day)."""
        value = text.strip()
        try:
            if m := _MONTH.match(value):
                return cls(Frequency.MONTHLY, date(int(m[1]), int(m[2]), 1))
            if m := _WEEK.match(value):
                return cls(Frequency.WEEKLY, date.fromisocalendar(int(m[1]), int(m[2]), 1))
            if m := _DAY.match(value):
                return cls(Frequency.DAILY, date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            pass
        raise InvalidData(
            _("“{text}” is not a period: write e.g. 2026-03, 2026-W11 or 2026-03-09.").format(
                text=text
            )
        )

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.frequency is Frequency.WEEKLY:
            return self.start + timedelta(weeks=1)
        if self.frequency is Frequency.MONTHLY:
            return _add_months(self.start, 1)
        return self.start + timedelta(days=1)

    @property
    def key(self) -> str:
        if self.frequency is Frequency.WEEKLY:
            year, week, _day = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.frequency is Frequency.MONTHLY:
            return self.start.strftime("%Y-%m")
        return self.start.isoformat()

    def previous(self) -> Period:
        if self.frequency is Frequency.MONTHLY:
            return Period(self.frequency, _add_months(self.start, -1))
        return Period(self.frequency, self.start - (self.end - self.start))

    def following(self) -> Period:
        return Period(self.frequency, self.end)

    def instants(self, zone: str) -> tuple[datetime, datetime]:
        """The period as [start, end) instants: from midnight to midnight in `zone`."""
        return _midnight(self.start, zone), _midnight(self.end, zone)

    def describe(self, locale: str = "en") -> str:
        """ "March 2026", "9–15 Mar 2026", "9 March 2026", in `locale`."""
        from babel.dates import format_date, format_interval

        if self.frequency is Frequency.MONTHLY:
            return format_date(self.start, "LLLL y", locale=locale)
        if self.frequency is Frequency.WEEKLY:
            last = self.end - timedelta(days=1)
            return str(format_interval(self.start, last, "yMMMd", locale=locale))
        return format_date(self.start, "long", locale=locale)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _midnight(day: date, zone: str) -> datetime:
    # A day that starts in a gap (some zones change at midnight) starts when the clocks jump.
    return resolve(datetime.combine(day, time()), zone).choices[0]


def _days_in(year: int, month: int) -> int:
    return (_add_months(date(year, month, 1), 1) - timedelta(days=1)).day


# -- when a schedule sends --------------------------------------------------------------------

_JOURS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
_DAY_NAMES = (
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
    N_("Saturday"), N_("Sunday"),
)  # fmt: skip


@dataclass(frozen=True)
class Timing:
    """Every day, every week on `day` (0 = Monday) or every month on `day` (1–31, the
    month's last day when it has fewer), at the wall-clock time `at` in the client's zone.
    Each send covers the last complete period before it."""

    frequency: Frequency
    day: int = 0
    at: time = time(8, 0)

    def __post_init__(self) -> None:
        if self.frequency is Frequency.WEEKLY and not 0 <= self.day <= 6:
            raise InvalidData(_("A weekday is a number from 0 (Monday) to 6 (Sunday)."))
        if self.frequency is Frequency.MONTHLY and not 1 <= self.day <= 31:
            raise InvalidData(_("A day of the month is a number from 1 to 31."))

    @classmethod
    def parse(cls, every: str, on: str = "", at: str = "08:00") -> Timing:
        """ "week" + "mon", "month" + "2", "day"; `at` as "08:00" or "8h30"."""
        words = {"day": Frequency.DAILY, "daily": Frequency.DAILY, "jour": Frequency.DAILY,
                 "week": Frequency.WEEKLY, "weekly": Frequency.WEEKLY,
                 "semaine": Frequency.WEEKLY, "month": Frequency.MONTHLY,
                 "monthly": Frequency.MONTHLY, "mois": Frequency.MONTHLY}  # fmt: skip
        frequency = words.get(every.strip().lower())
        if frequency is None:
            raise InvalidData(_("Send every day, week or month."))
        clock = parse_clock(at)
        if frequency is Frequency.WEEKLY:
            names = {d: i for days in (WEEKDAYS, _JOURS) for i, d in enumerate(days)}
            key = (on or "mon").strip().lower()[:3]
            if key not in names:
                raise InvalidData(
                    _("“{text}” is not a day of the week: write e.g. mon or lun.").format(text=on)
                )
            return cls(frequency, names[key], clock)
        if frequency is Frequency.MONTHLY:
            try:
                day = int((on or "1").strip().rstrip("."))
            except ValueError:
                raise InvalidData(
                    _("“{text}” is not a day of the month (1 to 31).").format(text=on)
                ) from None
            return cls(frequency, day, clock)
        return cls(frequency, 0, clock)

    def describe(self) -> str:
        clock = self.at.strftime("%H:%M")
        if self.frequency is Frequency.WEEKLY:
            return _("every {day} at {time}").format(day=_(_DAY_NAMES[self.day]), time=clock)
        if self.frequency is Frequency.MONTHLY:
            return _("on day {day} of every month at {time}").format(day=self.day, time=clock)
        return _("every day at {time}").format(time=clock)

    def due_wall(self, period: Period) -> datetime:
        """The wall-clock moment (naive, client's zone) the period is sent: the first
        scheduled time on or after the day that follows it."""
        first = period.end
        if self.frequency is Frequency.WEEKLY:
            day = first + timedelta(days=(self.day - first.weekday()) % 7)
        elif self.frequency is Frequency.MONTHLY:
            day = first.replace(day=min(self.day, _days_in(first.year, first.month)))
        else:
            day = first
        return datetime.combine(day, self.at)

    def due_at(self, period: Period, zone: str) -> datetime:
        """The instant the period is sent. The wall time holds across daylight-saving
        changes; one in the spring gap goes when the clocks jump, one in the autumn
        overlap at its first occurrence (as recurring posts do): never skipped, never
        twice."""
        return resolve(self.due_wall(period), zone).choices[0]

    def latest(self, now: datetime, zone: str) -> Period:
        """The most recent period whose sending time has come at `now`."""
        period = Period.containing(to_local(now, zone).date(), self.frequency)
        while self.due_at(period, zone) > now:
            period = period.previous()
        return period

    def due_between(self, after: datetime, now: datetime, zone: str) -> list[Period]:
        """The periods whose sending time is in (after, now], oldest first; at most the
        last MAX_MISSED of them."""
        found: list[Period] = []
        period = self.latest(now, zone)
        while self.due_at(period, zone) > after and len(found) < MAX_MISSED:
            found.append(period)
            period = period.previous()
        return found[::-1]

    def upcoming(self, now: datetime, zone: str) -> datetime:
        """The next sending time after `now`."""
        return self.due_at(self.latest(now, zone).following(), zone)


def parse_clock(text: str) -> time:
    try:
        hour, minute = (int(x) for x in text.strip().lower().replace("h", ":").split(":"))
        return time(hour, minute)
    except ValueError:
        raise InvalidData(
            _("“{text}” is not a time: write e.g. 08:00.").format(text=text)
        ) from None


# -- channels ---------------------------------------------------------------------------------


class Channel(Enum):
    EMAIL = "email"
    WEBHOOK = "webhook"


WEBHOOK_FORMATS: dict[str, str] = {
    "slack": "Slack",
    "mattermost": "Mattermost",
    "teams": "Microsoft Teams",
    "discord": "Discord",
    "json": "JSON",
}
# Services whose incoming webhooks carry files with the message.
FILE_WEBHOOKS = frozenset({"discord", "json"})


def guess_webhook_format(url: str) -> str:
    """The service a webhook address belongs to, from its host; "json" when unknown."""
    parts = urlsplit(url.strip())
    host, path = (parts.hostname or "").lower(), parts.path.lower()
    if host.endswith("slack.com"):
        return "slack"
    if host.endswith(("discord.com", "discordapp.com")) and "/api/webhooks/" in path:
        return "discord"
    if host.endswith(("webhook.office.com", "logic.azure.com", "powerplatform.com")):
        return "teams"
    if "/hooks/" in path:  # Mattermost's incoming webhooks: https://chat.example/hooks/xxx
        return "mattermost"
    return "json"


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_webhook_url(url: str) -> str:
    """A webhook address as typed, checked: http or https only, and https unless it is
    this computer (a test server). Its path holds the secret that lets anyone post to the
    channel, so it never travels in clear over a network."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
        _port = parts.port  # raises on a port out of range
    except ValueError:
        host = ""
    if not host or parts.scheme not in ("http", "https") or any(c in text for c in " \r\n"):
        raise InvalidData(
            _("“{url}” is not a webhook address (it must start with https://).").format(url=url)
        )
    if parts.scheme == "http" and not _is_loopback(host):
        raise InvalidData(
            _(
                "“{url}” is not secure (http): a webhook's address is a password and is only "
                "used over https."
            ).format(url=url)
        )
    return text


def split_addresses(text: str) -> tuple[str, ...]:
    """E-mail addresses separated by commas, semicolons or spaces, checked and deduplicated."""
    found: list[str] = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        local, at, domain = part.rpartition("@")
        if not at or not local or "." not in domain or any(c in part for c in "<>()\"'"):
            raise InvalidData(_("“{email}” is not an e-mail address.").format(email=part))
        if part.lower() not in (f.lower() for f in found):
            found.append(part)
    return tuple(found)


def webhook_host(url: str) -> str:
    """What the log shows of a webhook address: its host, never the secret path."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…" if parts.hostname else ""


# -- schedules and the send log ---------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    id: int | None
    kind: str  # the producer: "export", "digest", "report"…
    target: Target
    channel: Channel
    timing: Timing
    # E-mail: the recipients ("" = the team's address); webhook: the address ("" = the
    # team's) and its format.
    address: str = ""
    webhook_format: str = ""
    enabled: bool = True
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    options: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)


class SendState(Enum):
    SENDING = "sending"  # claimed, committed before the network call
    SENT = "sent"
    FAILED = "failed"  # nothing was delivered; kept to be sent again
    UNKNOWN = "unknown"  # cut off after the message left: the user checks
    SKIPPED = "skipped"  # the user chose not to send this period

    @property
    def label(self) -> str:
        return _(_STATE_LABELS[self])


_STATE_LABELS = {
    SendState.SENDING: N_("sending"),
    SendState.SENT: N_("sent"),
    SendState.FAILED: N_("failed"),
    SendState.UNKNOWN: N_("unknown — to check"),
    SendState.SKIPPED: N_("skipped"),
}
# A period with one of these in the log is settled: it is not due any more.
SETTLED = frozenset({SendState.SENDING, SendState.SENT, SendState.UNKNOWN, SendState.SKIPPED})


@dataclass(frozen=True)
class SendRecord:
    """One line of the send log: one period of one schedule, and what became of it."""

    id: int
    schedule_id: int | None
    kind: str
    period: str
    period_start: date
    period_end: date
    target: str
    channel: Channel
    address: str
    state: SendState
    attempts: int
    due_at: datetime | None
    finished_at: datetime | None
    retry_at: datetime | None
    error: str
    detail: str
    updated_at: datetime


@dataclass(frozen=True)
class Due:
    """A period of a schedule whose time has come and that was not sent yet; `record`
    is its failed attempt, if any."""

    schedule: Schedule
    period: Period
    due_at: datetime
    record: SendRecord | None = None


def iter_due(
    schedule: Schedule, zone: str, now: datetime, after: datetime | None = None
) -> Iterator[tuple[Period, datetime]]:
    """(period, due instant) of a schedule from its creation (or `after`) up to `now`."""
    start = after or schedule.created_at
    for period in schedule.timing.due_between(start, now, zone):
        yield period, schedule.timing.due_at(period, zone)


# -- how a send fails -------------------------------------------------------------------------


class NotSent(NetworkError):
    """Nothing was delivered. `transient`: the trouble may pass (a server down or busy),
    so the same message may go again, after `retry_after` when the server said when."""

    def __init__(
        self, message: str, *, transient: bool = False, retry_after: datetime | None = None
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


class MaybeSent(NetworkError):
    """The message left and no clear answer came back: it may have arrived. Never sent
    again without the user."""
