"""Delivery schedules and the send log, reached as `workspace.deliveries`.

A send is claimed (a `sending` row, committed) before the network call and confirmed
(`sent`) after it, each its own transaction, like a post's publication
(store/post_publishing.py): whatever stops the process in between leaves a `sending`
row, which the next opening of the workspace turns into `unknown` for the user to
check. The log's key is (schedule, period), so a period is claimed once: a failure
(nothing delivered) is the only state that may be claimed again.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import NOTHING, Changes
from cmdesk.core.clock import iso_now, parse_iso, parse_iso_or_none, to_iso, utc_now
from cmdesk.core.delivery import (
    WEBHOOK_FORMATS,
    Channel,
    Due,
    Period,
    Schedule,
    SendRecord,
    SendState,
    Target,
    Timing,
    check_webhook_url,
    guess_webhook_format,
    iter_due,
    parse_clock,
    split_addresses,
    webhook_host,
)
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.schedule import Frequency
from cmdesk.i18n import _

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

log = logging.getLogger(__name__)
S = SendState

_SCHEDULE = (
    "s.id, s.kind, s.team_id, t.name, s.channel, s.address, s.webhook_format, s.frequency, "
    "s.day, s.at, s.options, s.enabled, s.created_at"
)
_FROM_SCHEDULE = "FROM delivery_schedule s LEFT JOIN team t ON t.id = s.team_id"
_RECORD = (
    "id, schedule_id, kind, period, period_start, period_end, target, channel, address, "
    "state, attempts, due_at, finished_at, retry_at, error, detail, updated_at"
)


class ClaimRefused(InvalidData):
    """This period is not waiting to be sent (it went out, it is being sent, the user
    skipped it or must check it): the runner leaves it."""


def _schedule(row: sqlite3.Row | tuple[Any, ...]) -> Schedule:
    return Schedule(
        id=row[0],
        kind=row[1],
        target=Target(row[2], row[3] or ""),
        channel=Channel(row[4]),
        address=row[5],
        webhook_format=row[6],
        timing=Timing(Frequency(row[7]), row[8], parse_clock(row[9])),
        options=json.loads(row[10] or "{}"),
        enabled=bool(row[11]),
        created_at=parse_iso(row[12]),
    )


def _record(row: sqlite3.Row | tuple[Any, ...]) -> SendRecord:
    return SendRecord(
        id=row[0],
        schedule_id=row[1],
        kind=row[2],
        period=row[3],
        period_start=date.fromisoformat(row[4]),
        period_end=date.fromisoformat(row[5]),
        target=row[6],
        channel=Channel(row[7]),
        address=row[8],
        state=SendState(row[9]),
        attempts=row[10],
        due_at=parse_iso_or_none(row[11]),
        finished_at=parse_iso_or_none(row[12]),
        retry_at=parse_iso_or_none(row[13]),
        error=row[14],
        detail=row[15],
        updated_at=parse_iso(row[16]),
    )


class Deliveries:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- schedules -------------------------------------------------------------------------

    def schedules(self, *, enabled_only: bool = False) -> list[Schedule]:
        where = "WHERE s.enabled = 1" if enabled_only else ""
        with self.ws.reading() as db:
            rows = db.execute(f"SELECT {_SCHEDULE} {_FROM_SCHEDULE} {where} ORDER BY s.id")
            found = [_schedule(r) for r in rows.fetchall()]
        client = self.ws.profile().name
        return [self._named(s, client) for s in found]

    def get(self, schedule_id: int) -> Schedule:
        with self.ws.reading() as db:
            row = db.execute(
                f"SELECT {_SCHEDULE} {_FROM_SCHEDULE} WHERE s.id = ?", (schedule_id,)
            ).fetchone()
        if row is None:
            raise NotFound(_("There is no delivery {id}.").format(id=schedule_id))
        return self._named(_schedule(row), self.ws.profile().name)

    @staticmethod
    def _named(schedule: Schedule, client: str) -> Schedule:
        if schedule.target.is_client:
            return replace(schedule, target=Target(None, client))
        return schedule

    def add(self, schedule: Schedule) -> Schedule:
        """A new schedule, checked: the team exists, and the address it needs is there
        (given, or the team's own e-mail or webhook)."""
        kind = schedule.kind.strip().lower()
        if not kind:
            raise InvalidData(_("Say what to send."))
        address, fmt = self._checked_address(schedule)
        stamp = iso_now()
        t = schedule.timing
        with self.ws.atomic() as db:
            cursor = db.execute(
                "INSERT INTO delivery_schedule(kind, team_id, channel, address, webhook_format, "
                "frequency, day, at, options, enabled, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    kind,
                    schedule.target.team_id,
                    schedule.channel.value,
                    address,
                    fmt,
                    t.frequency.value,
                    t.day,
                    t.at.strftime("%H:%M"),
                    json.dumps(dict(schedule.options), ensure_ascii=False),
                    int(schedule.enabled),
                    to_iso(schedule.created_at),
                    stamp,
                ),
            )
            new_id = int(cursor.lastrowid or 0)
            self.ws.record("delivery.added", f"{new_id} {kind}")
        return self.get(new_id)

    def _checked_address(self, schedule: Schedule) -> tuple[str, str]:
        team = None
        if schedule.target.team_id is not None:
            team = self.ws.teams.get(schedule.target.team_id)  # NotFound for a bad id
        given = schedule.address.strip()
        if schedule.channel is Channel.EMAIL:
            if given:
                return ", ".join(split_addresses(given)), ""
            if team is None:
                raise InvalidData(_("Give the client's e-mail addresses to send to."))
            if not team.email:
                raise InvalidData(
                    _("The team “{name}” has no e-mail address: add one, or give one.").format(
                        name=team.name
                    )
                )
            return "", ""
        url = given or (team.webhook_url if team is not None else "")
        if not url:
            raise InvalidData(
                _("Give the webhook's address.")
                if team is None
                else _("The team “{name}” has no webhook: add one, or give one.").format(
                    name=team.name
                )
            )
        check_webhook_url(url)
        fmt = schedule.webhook_format or guess_webhook_format(url)
        if fmt not in WEBHOOK_FORMATS:
            raise InvalidData(
                _("Unknown webhook format “{name}”: choose among {names}.").format(
                    name=fmt, names=", ".join(WEBHOOK_FORMATS)
                )
            )
        return (given and check_webhook_url(given)), fmt

    def remove(self, schedule_id: int) -> Changes:
        """The schedule goes; its log stays, as it was."""
        with self.ws.atomic() as db:
            current = self.get(schedule_id)
            db.execute("DELETE FROM delivery_schedule WHERE id = ?", (schedule_id,))
            self.ws.record("delivery.removed", f"{schedule_id} {current.kind}")
        return Changes(deliveries=True, activity=True)

    def set_enabled(self, schedule_id: int, enabled: bool) -> Changes:
        with self.ws.atomic() as db:
            self.get(schedule_id)
            db.execute(
                "UPDATE delivery_schedule SET enabled = ?, updated_at = ? WHERE id = ?",
                (int(enabled), iso_now(), schedule_id),
            )
        return Changes(deliveries=True)

    def recipients(self, schedule: Schedule) -> str:
        """The address a send goes to now: the schedule's own, else the team's."""
        if schedule.address:
            return schedule.address
        if schedule.target.team_id is None:
            return ""
        team = self.ws.teams.get(schedule.target.team_id)
        return team.email if schedule.channel is Channel.EMAIL else team.webhook_url

    # -- what is due -------------------------------------------------------------------------

    def due(self, now: datetime | None = None) -> list[Due]:
        """Periods whose time has come and that were not sent: never logged, or failed
        with a retry time now past. Oldest first."""
        now = now or utc_now()
        zone = self.ws.profile().timezone
        found: list[Due] = []
        for schedule in self.schedules(enabled_only=True):
            assert schedule.id is not None
            logged = {r.period: r for r in self.log(schedule_id=schedule.id, limit=None)}
            for period, at in iter_due(schedule, zone, now):
                record = logged.get(period.key)
                if record is None:
                    found.append(Due(schedule, period, at))
                elif (
                    record.state is S.FAILED
                    and record.retry_at is not None
                    and record.retry_at <= now
                ):
                    found.append(Due(schedule, period, at, record))
        return sorted(found, key=lambda d: (d.due_at, d.schedule.id or 0))

    # -- the log ---------------------------------------------------------------------------

    def log(self, *, schedule_id: int | None = None, limit: int | None = 200) -> list[SendRecord]:
        """The send log, latest first."""
        sql = f"SELECT {_RECORD} FROM delivery_log"
        params: list[Any] = []
        if schedule_id is not None:
            sql += " WHERE schedule_id = ?"
            params.append(schedule_id)
        sql += " ORDER BY updated_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self.ws.reading() as db:
            return [_record(r) for r in db.execute(sql, params).fetchall()]

    def get_record(self, record_id: int) -> SendRecord:
        with self.ws.reading() as db:
            row = db.execute(
                f"SELECT {_RECORD} FROM delivery_log WHERE id = ?", (record_id,)
            ).fetchone()
        if row is None:
            raise NotFound(_("There is no send {id} in the log.").format(id=record_id))
        return _record(row)

    def needing_attention(self) -> list[SendRecord]:
        """Failed sends and sends whose fate is unknown: the user retries or checks."""
        with self.ws.reading() as db:
            rows = db.execute(
                f"SELECT {_RECORD} FROM delivery_log WHERE state IN ('failed', 'unknown') "
                "ORDER BY updated_at DESC, id DESC"
            ).fetchall()
        return [_record(r) for r in rows]

    # -- claim, confirm, fail ------------------------------------------------------------------

    def _logged(self, db: sqlite3.Connection, schedule: Schedule, period: Period) -> Any:
        return db.execute(
            "SELECT id, state FROM delivery_log WHERE schedule_id = ? AND period = ?",
            (schedule.id, period.key),
        ).fetchone()

    @staticmethod
    def _insert(
        db: sqlite3.Connection, schedule: Schedule, period: Period, state: SendState,
        stamp: str, **more: Any,
    ) -> int:  # fmt: skip
        """A new line of the log for a period of a schedule, with the columns in `more`."""
        values: dict[str, Any] = {
            "schedule_id": schedule.id, "kind": schedule.kind, "period": period.key,
            "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
            "target": schedule.target.name, "channel": schedule.channel.value,
            "state": state.value, "created_at": stamp, "updated_at": stamp, **more,
        }  # fmt: skip
        cursor = db.execute(
            f"INSERT INTO delivery_log({', '.join(values)}) "
            f"VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()),
        )
        return int(cursor.lastrowid or 0)

    def claim(
        self,
        schedule: Schedule,
        period: Period,
        *,
        address: str,
        due_at: datetime | None = None,
    ) -> SendRecord:
        """Take a period of a schedule for sending: `sending`, committed before the
        network is called. A period already sent, being sent, skipped or unknown is
        refused (ClaimRefused); a failed one is taken again, one more attempt."""
        assert schedule.id is not None
        stamp = iso_now()
        with self.ws.atomic() as db:
            row = self._logged(db, schedule, period)
            if row is None:
                record_id = self._insert(
                    db, schedule, period, S.SENDING, stamp, address=address, attempts=1,
                    due_at=to_iso(due_at) if due_at else None, claimed_at=stamp,
                )  # fmt: skip
            elif row[1] == S.FAILED.value:
                record_id = row[0]
                db.execute(
                    "UPDATE delivery_log SET state = 'sending', attempts = attempts + 1, "
                    "address = ?, claimed_at = ?, retry_at = NULL, updated_at = ? WHERE id = ?",
                    (address, stamp, stamp, record_id),
                )
            else:
                raise ClaimRefused(
                    _("{period} was already handled: {state}. It is not sent again.").format(
                        period=period.key, state=SendState(row[1]).label
                    )
                )
        return self.get_record(record_id)

    def confirm(self, record_id: int, detail: str = "") -> Changes:
        """The server took the message (an SMTP 250, an HTTP 2xx)."""
        self._move(record_id, S.SENT, error="", detail=detail, finished=True)
        return Changes(deliveries=True)

    def fail(self, record_id: int, message: str, retry_at: datetime | None = None) -> Changes:
        """Nothing was delivered, for `message`. With `retry_at` (a passing trouble: the
        server was down, busy) it is sent again from then on by itself; without, it
        waits for the user."""
        self._move(record_id, S.FAILED, error=message, retry_at=retry_at, finished=True)
        return Changes(deliveries=True)

    def outcome_unknown(self, record_id: int, message: str) -> Changes:
        """The message left and no clear answer came back: it may have arrived. The user
        checks; it is never sent again by itself."""
        self._move(record_id, S.UNKNOWN, error=message, finished=True)
        return Changes(deliveries=True)

    def _move(
        self,
        record_id: int,
        wanted: SendState,
        *,
        error: str,
        detail: str | None = None,
        retry_at: datetime | None = None,
        finished: bool = False,
        source: SendState = S.SENDING,
    ) -> None:
        stamp = iso_now()
        with self.ws.atomic() as db:
            current = self.get_record(record_id)
            if current.state is not source:
                raise InvalidData(
                    _("This send is “{state}”, not “{expected}”: nothing was changed.").format(
                        state=current.state.label, expected=source.label
                    )
                )
            db.execute(
                "UPDATE delivery_log SET state = ?, error = ?, detail = ?, retry_at = ?, "
                "finished_at = ?, updated_at = ? WHERE id = ?",
                (
                    wanted.value,
                    error,
                    current.detail if detail is None else detail,
                    to_iso(retry_at) if retry_at else None,
                    stamp if finished else None,
                    stamp,
                    record_id,
                ),
            )

    def skip(self, schedule: Schedule, period: Period) -> Changes:
        """The user does not want this period sent (offered at start-up, or failed)."""
        assert schedule.id is not None
        stamp = iso_now()
        note = _("Skipped by the user.")
        with self.ws.atomic() as db:
            row = self._logged(db, schedule, period)
            if row is None:
                self._insert(db, schedule, period, S.SKIPPED, stamp, error=note,
                             finished_at=stamp)  # fmt: skip
            elif row[1] == S.FAILED.value:
                self._move(row[0], S.SKIPPED, error=note, finished=True, source=S.FAILED)
            else:
                raise ClaimRefused(
                    _("{period} was already handled: {state}.").format(
                        period=period.key, state=SendState(row[1]).label
                    )
                )
        return Changes(deliveries=True)

    def resolve_unknown(self, record_id: int, *, arrived: bool) -> Changes:
        """The user checked a send whose fate was unknown: it arrived (`sent`), or it did
        not (`failed`, to be sent again when they ask)."""
        if arrived:
            self._move(record_id, S.SENT, error="", detail=_("Checked: it arrived."),
                       source=S.UNKNOWN)  # fmt: skip
        else:
            self._move(record_id, S.FAILED, error=_("Checked: it did not arrive."),
                       source=S.UNKNOWN)  # fmt: skip
        return Changes(deliveries=True)

    def recover_after_crash(self) -> Changes:
        """Sends a stopped process left `sending` become `unknown`: the message may or may
        not have left. Called when a workspace is opened for writing, which no other live
        process can then hold."""
        with self.ws.reading() as db:
            found = db.execute("SELECT count(*) FROM delivery_log WHERE state = 'sending'")
            count = int(found.fetchone()[0])
        if not count:
            return NOTHING
        message = _(
            "cmdesk stopped while this was being sent: check with the recipients whether it "
            "arrived."
        )
        stamp = iso_now()
        with self.ws.atomic() as db:
            db.execute(
                "UPDATE delivery_log SET state = 'unknown', error = ?, updated_at = ? "
                "WHERE state = 'sending'",
                (message, stamp),
            )
        log.warning("%d send(s) left sending by a stopped process: unknown", count)
        return Changes(deliveries=True)


def record_address(channel: Channel, address: str) -> str:
    """What the log keeps of an address: e-mail recipients, or a webhook's host only (its
    path is the secret that lets anyone post)."""
    return address if channel is Channel.EMAIL else webhook_host(address)
