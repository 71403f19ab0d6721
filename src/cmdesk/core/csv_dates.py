"""Dates and times as spreadsheet exports write them, read strictly.

Platforms and spreadsheets write the same moment a dozen ways: ISO 8601, French
"31/12/2026 14h30", American "12/31/2026 2:30 PM", "12 mars 2026", RFC 2822 e-mail
dates, Unix seconds. Each is recognised by its shape; anything else is refused with
its reason, never guessed (a lenient parser that fills a missing year with this one
files a complaint under the wrong month). A moment without a zone is taken in the
client's time zone, or in UTC when the column's name says so ("Date (UTC)").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

from cmdesk.i18n import _

DAY_FIRST = "dmy"
MONTH_FIRST = "mdy"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST)

# Month names folded (lower case, no accents, no final dot), French and English, full
# and the abbreviations exports use ("févr.", "Sept").
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("janvier", "janv", "jan", "january"),
            ("fevrier", "fevr", "fev", "feb", "february"),
            ("mars", "mar", "march"),
            ("avril", "avr", "apr", "april"),
            ("mai", "may"),
            ("juin", "jun", "june"),
            ("juillet", "juil", "jul", "july"),
            ("aout", "aug", "august"),
            ("septembre", "sept", "sep", "september"),
            ("octobre", "oct", "october"),
            ("novembre", "nov", "november"),
            ("decembre", "dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAY = (
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)"
    r"\.?,?\s+"
)
# A time: 14:30, 14:30:05, 14h30, 14h, 2:30 pm, with an optional "à"/"at"/"T" before it.
_TIME = (
    r"(?:(?:t|a|at|,)\s*)?(?P<hour>\d{1,2})\s*(?::|h)\s*(?P<minute>\d{2})?"
    r"(?:\s*:\s*(?P<second>\d{2})(?:[.,]\d+)?)?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
)
_ZONE = r"(?P<zone>z|utc|gmt|(?:utc|gmt)?\s*[+-]\d{1,2}(?::?\d{2})?)"
_TAIL = rf"(?:[\s,]*{_TIME})?\s*{_ZONE}?"
_ISO_RE = re.compile(rf"^(?P<y>\d{{4}})[-/](?P<a>\d{{1,2}})[-/](?P<b>\d{{1,2}}){_TAIL}$")
_NUMERIC_RE = re.compile(
    rf"^(?P<a>\d{{1,2}})[/.-](?P<b>\d{{1,2}})[/.-](?P<y>\d{{4}}|\d{{2}}){_TAIL}$"
)
_DAY_MONTH_RE = re.compile(
    rf"^(?:{_WEEKDAY})?(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<m>[a-z]+)\.?,?\s+"
    rf"(?P<y>\d{{4}}){_TAIL}$"
)
_MONTH_DAY_RE = re.compile(
    rf"^(?:{_WEEKDAY})?(?P<m>[a-z]+)\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
    rf"(?P<y>\d{{4}}){_TAIL}$"
)
_TIME_ONLY_RE = re.compile(rf"^{_TIME}\s*{_ZONE}?$")
_EPOCH_RE = re.compile(r"^\d{9,10}(?:\.\d+)?$|^\d{12,13}$")
_NUMERIC_PARTS_RE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def zone_in_header(column: str) -> tzinfo | None:
    """UTC when a column's name says its times are UTC/GMT ("Timestamp (UTC)")."""
    words = re.findall(r"[a-z]+", _fold(column))
    return UTC if "utc" in words or "gmt" in words else None


def detect_order(values: Iterable[str]) -> tuple[str, bool]:
    """(order, certain) for a column of dates: a first number above 12 means day/month,
    a second one above 12 month/day. When every numeric date could be either (03/04),
    day first (the French habit) and `certain` is False, so the user is told."""
    day_first = month_first = either = 0
    for value in values:
        found = _NUMERIC_PARTS_RE.match(value)
        if found:
            a, b = int(found[1]), int(found[2])
            day_first += a > 12
            month_first += b > 12
            either += a <= 12 and b <= 12
    if month_first > day_first:
        return MONTH_FIRST, True
    return DAY_FIRST, day_first > 0 or either == 0


def _zone(text: str | None, default: tzinfo) -> tzinfo:
    if not text:
        return default
    text = text.replace(" ", "")
    if text in ("z", "utc", "gmt"):
        return UTC
    found = re.match(r"^(?:utc|gmt)?([+-])(\d{1,2}):?(\d{2})?$", text)
    if not found:
        return default
    minutes = int(found[2]) * 60 + int(found[3] or 0)
    if minutes > 14 * 60:
        raise ValueError(_("the time zone offset {zone} does not exist").format(zone=text))
    return timezone(timedelta(minutes=minutes if found[1] == "+" else -minutes))


def _clock(found: re.Match[str]) -> tuple[int, int, int]:
    if found["hour"] is None:
        return 0, 0, 0
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    second = int(found["second"] or 0)
    if found["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError(_("{hour} is not an hour on a 12-hour clock").format(hour=hour))
        hour = hour % 12 + (12 if found["ampm"].startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(_("{time} is not a time of day").format(time=found.group(0).strip()))
    return hour, minute, second


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # 26 -> 2026, 98 -> 1998
        year += 2000 if year < 70 else 1900
    return year


def _build(year: int, month: int, day: int, clock: tuple[int, int, int], zone: tzinfo) -> datetime:
    try:
        moment = datetime(year, month, day, *clock)
    except ValueError:
        raise ValueError(
            _("{day:02d}/{month:02d}/{year} is not a day of the calendar").format(
                day=day, month=month, year=year
            )
        ) from None
    # A naive moment is a wall-clock time where the client is (zoneinfo picks the
    # first of a repeated autumn hour, as people read it).
    return moment.replace(tzinfo=zone)


def parse_time(text: str) -> tuple[int, int, int] | None:
    """(hour, minute, second) of a time written alone ("14:30", "14h30", "2:30 PM")."""
    found = _TIME_ONLY_RE.match(_fold(text))
    return _clock(found) if found and found["hour"] is not None else None


def parse_moment(text: str, zone: tzinfo, order: str = DAY_FIRST) -> datetime:
    """The moment written in `text`, as an aware datetime. Raises ValueError with a
    plain-language reason."""
    folded = _fold(text)
    if not folded:
        raise ValueError(_("the date is empty"))
    if _EPOCH_RE.match(folded):
        seconds = float(folded) / (1000 if len(folded) >= 12 else 1)
        return datetime.fromtimestamp(seconds, UTC)
    moment = _parse_shapes(folded, zone, order)
    if moment is None:
        try:
            # "Thu, 12 Mar 2026 10:15:00 +0000": e-mail and RSS exports.
            moment = parsedate_to_datetime(text.strip())
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
    if moment is None:
        raise ValueError(
            _("“{value}” is not a date cmdesk can read (for example 31/12/2026 14:30)").format(
                value=text.strip()[:40]
            )
        )
    return moment


def _parse_shapes(folded: str, zone: tzinfo, order: str) -> datetime | None:
    found = _ISO_RE.match(folded)
    if found:
        year, month, day = int(found["y"]), int(found["a"]), int(found["b"])
    elif found := _NUMERIC_RE.match(folded):
        a, b = int(found["a"]), int(found["b"])
        day, month = (a, b) if order == DAY_FIRST else (b, a)
        year = _year(found["y"])
        if month > 12:
            raise ValueError(
                _("“{value}” has no month {month} (dates are read as {order})").format(
                    value=folded, month=month, order=order_label(order)
                )
            )
    elif found := _DAY_MONTH_RE.match(folded) or _MONTH_DAY_RE.match(folded):
        month_number = _MONTHS.get(found["m"])
        if month_number is None:
            return None
        year, month, day = int(found["y"]), month_number, int(found["d"])
    else:
        return None
    return _build(year, month, day, _clock(found), _zone(found["zone"], zone))


def order_label(order: str) -> str:
    return _("day/month/year") if order == DAY_FIRST else _("month/day/year")
