"""When posts go out: local wall-clock times in the client's zone, posting slots, recurrence.

A post's time is kept three ways (UTC instant, IANA zone, wall-clock time) because a
community manager thinks "Tuesday 09:00 in Paris": a recurring post must stay at 09:00
across daylight-saving changes, and a wall time that does not exist (the spring gap) or
happens twice (the autumn overlap) must be noticed and decided by the user, never
silently moved. Pure functions over zoneinfo; no storage here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from cmdesk.core.errors import InvalidData
from cmdesk.i18n import _


class WallKind(Enum):
    NORMAL = "normal"  # exactly one instant
    GAP = "gap"  # skipped by a change to summer time: no instant shows this time
    OVERLAP = "overlap"  # repeated by a change to winter time: two instants show it


@dataclass(frozen=True)
class WallTime:
    """A local time in a zone, with what it means as instants."""

    wall: datetime  # naive: what the clock on the wall shows
    zone: str
    kind: WallKind
    # NORMAL: one instant. OVERLAP: the first then the second occurrence. GAP: the instant
    # at which the clocks jumped (the first existing time after the gap), then the instant
    # the same wall time would be with the gap's length added ("02:30" -> "03:30").
    choices: tuple[datetime, ...]

    @property
    def instant(self) -> datetime:
        """The one instant of a NORMAL time; ambiguous ones need the user's choice."""
        if self.kind is not WallKind.NORMAL:
            raise AmbiguousTime(self)
        return self.choices[0]


class AmbiguousTime(InvalidData):
    """A wall time that does not exist or happens twice: the user must choose."""

    def __init__(self, wall: WallTime) -> None:
        shown = wall.wall.strftime("%Y-%m-%d %H:%M")
        if wall.kind is WallKind.GAP:
            message = _(
                "{time} does not exist in {zone}: the clocks go forward at that moment. "
                "Choose another time."
            ).format(time=shown, zone=wall.zone)
        else:
            message = _(
                "{time} happens twice in {zone}: the clocks go back at that moment. "
                "Choose the first or the second."
            ).format(time=shown, zone=wall.zone)
        super().__init__(message)
        self.wall = wall


def resolve(wall: datetime, zone: str) -> WallTime:
    """What `wall` (naive, or its tzinfo ignored) means in `zone`."""
    local = wall.replace(tzinfo=None, microsecond=0)
    tz = ZoneInfo(zone)
    early = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    late = local.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if early == late:
        return WallTime(local, zone, WallKind.NORMAL, (early,))
    if early.astimezone(tz).replace(tzinfo=None) == local:
        return WallTime(local, zone, WallKind.OVERLAP, (early, late))
    # In a gap zoneinfo gives fold=0 the offset from before the change (an instant after
    # it) and fold=1 the one from after (an instant before it).
    jump = _transition_between(late, early, tz)
    return WallTime(local, zone, WallKind.GAP, (jump, early))


def _transition_between(start: datetime, end: datetime, tz: ZoneInfo) -> datetime:
    """The first instant in (start, end] whose offset differs from start's (bisection to
    the second: zoneinfo has no public list of transitions)."""
    offset = start.astimezone(tz).utcoffset()
    low, high = start, end
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


@dataclass(frozen=True)
class ClockChange:
    """The daylight-saving change behind a GAP or OVERLAP time, as people say it: "at
    02:00 the clocks go forward to 03:00" (before=02:00, after=03:00)."""

    at: datetime  # the UTC instant of the change
    before: datetime  # naive: what the clocks showed when they changed
    after: datetime  # naive: what they show right after


def clock_change(wall: WallTime) -> ClockChange:
    """The change that makes `wall` skipped or repeated (it must not be NORMAL)."""
    if wall.kind is WallKind.NORMAL:
        raise ValueError("an ordinary time has no clock change")
    tz = ZoneInfo(wall.zone)
    if wall.kind is WallKind.GAP:
        at = wall.choices[0]
    else:
        at = _transition_between(wall.choices[0], wall.choices[1], tz)
    before_offset = (at - timedelta(seconds=1)).astimezone(tz).utcoffset()
    after_offset = at.astimezone(tz).utcoffset()
    assert before_offset is not None and after_offset is not None
    return ClockChange(at, (at + before_offset).replace(tzinfo=None), to_local(at, wall.zone))


def is_summer_time(instant: datetime, zone: str) -> bool:
    """Whether the zone keeps daylight-saving ("summer") time at that instant."""
    return bool(instant.astimezone(ZoneInfo(zone)).dst())


def to_local(instant: datetime, zone: str) -> datetime:
    """The wall-clock time an instant shows in `zone` (naive)."""
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_JOURS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")


@dataclass(frozen=True)
class Slot:
    """A posting slot: a weekday (0 = Monday) and a local time, e.g. Tuesday 09:00."""

    weekday: int
    at: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise InvalidData(_("A weekday is a number from 0 (Monday) to 6 (Sunday)."))

    @classmethod
    def parse(cls, text: str) -> Slot:
        """ "tue 09:00" (English or French day names, first three letters)."""
        names = {day: i for days in (WEEKDAYS, _JOURS) for i, day in enumerate(days)}
        parts = text.strip().lower().split()
        try:
            day, clock = parts
            hour, minute = (int(x) for x in clock.replace("h", ":").split(":"))
            return cls(names[day[:3]], time(hour, minute))
        except (ValueError, KeyError):
            raise InvalidData(
                _("“{text}” is not a posting slot: write e.g. “tue 09:00”.").format(text=text)
            ) from None


def slot_times(slots: Iterable[Slot], zone: str, after: datetime) -> Iterator[WallTime]:
    """The slots' wall times from `after` (an instant) on, in order, without end. A slot
    that falls in a gap is given (kind GAP) for the caller to skip or shift; one in an
    overlap counts once (its first occurrence leads)."""
    ordered = sorted(set(slots), key=lambda s: (s.weekday, s.at))
    if not ordered:
        return
    day = to_local(after, zone).date()
    while True:
        for slot in ordered:
            if slot.weekday != day.weekday():
                continue
            wall = resolve(datetime.combine(day, slot.at), zone)
            if wall.choices[0] > after:
                yield wall
        day += timedelta(days=1)


def next_free_slot(
    slots: Iterable[Slot], zone: str, after: datetime, taken: Iterable[datetime]
) -> WallTime:
    """The first slot after `after` that no scheduled post holds ("add to queue"). A slot
    in a spring gap does not exist that week and is skipped."""
    busy = {t.astimezone(UTC).replace(microsecond=0) for t in taken}
    slots = list(slots)
    if not slots:
        raise InvalidData(_("This channel has no posting slot yet: add one first."))
    for count, wall in enumerate(slot_times(slots, zone, after)):
        if count > 10_000:  # every slot of nearly two centuries is taken: not a queue
            break
        if wall.kind is WallKind.GAP:
            continue
        if not busy.intersection(wall.choices):
            return wall
    raise InvalidData(_("No free posting slot was found."))


class Frequency(Enum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Recurrence:
    """A post repeated at the same wall-clock time: every `interval` days, weeks or months
    from `first` (naive local), in `zone`."""

    first: datetime
    zone: str
    frequency: Frequency
    interval: int = 1

    def __post_init__(self) -> None:
        if self.interval < 1:
            raise InvalidData(_("A recurrence repeats at least every 1 period."))

    def walls(self) -> Iterator[datetime]:
        """Wall-clock occurrences, without end (a day of month missing in a month, such as
        the 31st, falls on that month's last day)."""
        n = 0
        while True:
            yield self._nth(n)
            n += 1

    def _nth(self, n: int) -> datetime:
        step = n * self.interval
        if self.frequency is Frequency.DAILY:
            return self.first + timedelta(days=step)
        if self.frequency is Frequency.WEEKLY:
            return self.first + timedelta(weeks=step)
        months = self.first.month - 1 + step
        year, month = self.first.year + months // 12, months % 12 + 1
        day = min(self.first.day, _days_in(year, month))
        return self.first.replace(year=year, month=month, day=day)

    def occurrences(self, after: datetime, count: int) -> list[datetime]:
        """The next `count` instants after `after`. The wall time is kept across
        daylight-saving changes; an occurrence in a spring gap goes out when the clocks
        jump (the first existing minute after it), one in an autumn overlap at its first
        occurrence: a repeated post is never skipped nor sent twice."""
        found: list[datetime] = []
        for wall in self.walls():
            resolved = resolve(wall, self.zone)
            instant = resolved.choices[0]
            if instant > after:
                found.append(instant)
                if len(found) == count:
                    return found
        return found  # pragma: no cover - walls() has no end


def _days_in(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day
