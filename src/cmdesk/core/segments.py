"""Participation segments after the 90/9/1 rule: who speaks to the brand, and how often.

In an online community about 90 % only read, 9 % contribute now and then and 1 % are
regulars. A workspace only sees those who wrote, so the segments split the people who
had at least one interaction from the community (inbound) in the period:

    regular       at least 5 interactions in the period (the "1 %")
    occasional    2 to 4 (the "9 %")
    one-time      exactly 1

An unhappy regular is a regular with at least 2 negative interactions in the period
(negative: its sentiment is negative, or it is a complaint or a crisis): the people to
call first. The thresholds are parameters (Thresholds) with these defaults; for periods
much longer than three months, raise `regular` accordingly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cmdesk.core.errors import InvalidData
from cmdesk.i18n import N_, _

SEGMENT_LABELS = {
    "regular": N_("regulars"),
    "occasional": N_("occasional contributors"),
    "one_time": N_("one-time voices"),
}
SEGMENTS = tuple(SEGMENT_LABELS)
NEGATIVE_TYPES = ("complaint", "crisis")


@dataclass(frozen=True)
class Thresholds:
    regular: int = 5  # interactions in the period, at least
    occasional: int = 2  # at least, and fewer than `regular`
    unhappy: int = 2  # negative interactions that make a regular unhappy

    def validated(self) -> Thresholds:
        if not 1 <= self.occasional < self.regular:
            raise InvalidData(
                _("The thresholds must satisfy 1 ≤ occasional < regular (got {occasional} "
                  "and {regular}).").format(occasional=self.occasional, regular=self.regular)
            )  # fmt: skip
        if self.unhappy < 1:
            raise InvalidData(_("The unhappy threshold must be at least 1."))
        return self


@dataclass(frozen=True)
class Participant:
    contact_id: int
    name: str
    interactions: int
    negative: int
    last_at: datetime
    segment: str
    unhappy: bool = False


@dataclass(frozen=True)
class Segmentation:
    since: datetime
    until: datetime
    thresholds: Thresholds
    participants: tuple[Participant, ...]  # most active first
    anonymous: int = 0  # inbound interactions in the period with no contact

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(SEGMENTS, 0)
        for p in self.participants:
            found[p.segment] += 1
        return found

    def shares(self) -> dict[str, float]:
        """Each segment's share of the people who spoke, to compare with 1/9/90."""
        total = len(self.participants)
        return {k: (v / total if total else 0.0) for k, v in self.counts().items()}

    @property
    def unhappy_regulars(self) -> tuple[Participant, ...]:
        return tuple(p for p in self.participants if p.unhappy)


def segment_of(count: int, thresholds: Thresholds) -> str:
    if count >= thresholds.regular:
        return "regular"
    if count >= thresholds.occasional:
        return "occasional"
    return "one_time"


_RELATIVE_RE = re.compile(r"^\s*(\d{1,4})\s*([dwmy])\s*$", re.IGNORECASE)
_RANGE_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def parse_period(text: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """(since, until) for "30d", "12w", "6m", "1y" (the days up to today included, from
    midnight in the client's time zone) or "2026-01-01..2026-03-31" (both days included);
    `until` is excluded: the next day's midnight."""
    relative = _RELATIVE_RE.match(text)
    if relative:
        count, unit = int(relative.group(1)), relative.group(2).lower()
        if count < 1:
            raise InvalidData(_("A period must be at least one day."))
        today = now.astimezone(zone).date()
        if unit in "dw":
            first = today - timedelta(days=count * (7 if unit == "w" else 1) - 1)
        else:
            first = _months_back(today, count * (12 if unit == "y" else 1)) + timedelta(days=1)
        # Whole days: up to the end of today (a message logged this second counts).
        tomorrow = datetime.combine(today + timedelta(days=1), time(), zone)
        return datetime.combine(first, time(), zone), tomorrow
    explicit = _RANGE_RE.match(text)
    if explicit:
        try:
            first, last = (date.fromisoformat(explicit.group(i)) for i in (1, 2))
        except ValueError:
            pass  # 2026-02-30: said below, like any other mistake
        else:
            if first <= last:
                since = datetime.combine(first, time(), zone)
                return since, datetime.combine(last + timedelta(days=1), time(), zone)
    raise InvalidData(
        _("“{period}” is not a period: write e.g. 30d, 12w, 6m, 1y or "
          "2026-01-01..2026-03-31.").format(period=text)
    )  # fmt: skip
