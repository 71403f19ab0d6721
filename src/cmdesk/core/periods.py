"""The periods reports and digests cover: a month ("2026-10"), an ISO week ("2026-W44"),
the last days, weeks or months ("30d", "12w", "6m") or two days ("2026-10-01..2026-10-31"),
always whole days in the client's time zone, and the period just before, of the same
kind, for the trend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cmdesk.core.errors import InvalidData
from cmdesk.core.segments import parse_period
from cmdesk.i18n import _

_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    since: datetime  # included, midnight in the client's zone
    until: datetime  # excluded
    kind: str  # "month", "week" or "days"

    @property
    def days(self) -> int:
        return (self.until.date() - self.since.date()).days

    @property
    def last_day(self) -> date:
        return self.until.date() - timedelta(days=1)

    def previous(self) -> Period:
        """The period just before: the previous calendar month for a month (30 or 31
        days, whatever this one has), else as many days just before."""
        zone = self.since.tzinfo
        assert isinstance(zone, ZoneInfo)
        if self.kind == "month":
            first = self.since.date()
            before = (first - timedelta(days=1)).replace(day=1)
            return Period(datetime.combine(before, time(), zone), self.since, "month")
        start = self.since.date() - timedelta(days=self.days)
        return Period(datetime.combine(start, time(), zone), self.since, self.kind)

    def key(self) -> str:
        """A stable name for the period (what a send log keys on)."""
        if self.kind == "month":
            return f"{self.since:%Y-%m}"
        if self.kind == "week":
            year, week, _day = self.since.date().isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.since.date()}..{self.last_day}"


def month(year: int, number: int, zone: ZoneInfo) -> Period:
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return Period(
        datetime.combine(first, time(), zone), datetime.combine(following, time(), zone), "month"
    )


def parse(text: str, now: datetime, zone: ZoneInfo) -> Period:
    """A period as the user writes it (see the module's docstring)."""
    found = _MONTH_RE.match(text)
    if found:
        year, number = int(found.group(1)), int(found.group(2))
        if 1 <= number <= 12:
            return month(year, number, zone)
    found = _WEEK_RE.match(text)
    if found:
        year, week = int(found.group(1)), int(found.group(2))
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise InvalidData(
                _("{year} has no week {week}.").format(year=year, week=week)
            ) from None
        since = datetime.combine(monday, time(), zone)
        return Period(since, datetime.combine(monday + timedelta(days=7), time(), zone), "week")
    try:
        since, until = parse_period(text, now, zone)
    except InvalidData:
        raise InvalidData(
            _(
                "“{period}” is not a period: write e.g. 2026-10 (a month), 2026-W44 (a week), "
                "30d, 12w, 6m or 2026-10-01..2026-10-31."
            ).format(period=text)
        ) from None
    return Period(since, until, "days")
