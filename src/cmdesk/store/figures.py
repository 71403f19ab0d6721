"""Monthly figures no API gives (followers, reach, engagement…), per network: typed in a
monthly table, or imported from the CSV exports the networks provide (Meta Business
Suite, LinkedIn page analytics, X analytics…).

A network's export has a row per day (or per post) and a column per figure, named in
the account's language. The import recognises the columns by their names in French and
English, and makes one value per month: the last one for a level (followers), the sum
for a count (reach, impressions, engagement, clicks, posts), the mean for a rate.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now
from cmdesk.core.csv_dates import DAY_FIRST, detect_order, parse_moment
from cmdesk.core.csv_read import read_file
from cmdesk.core.errors import InvalidData
from cmdesk.core.objectives import FIGURE_LABELS, FIGURES
from cmdesk.i18n import _

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# Folded column names -> figure; the first that a column contains wins, so "engagement
# rate" is tried before "engagement".
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("taux d'engagement", "engagement_rate"),
    ("engagement rate", "engagement_rate"),
    ("followers", "followers"),
    ("abonnes", "followers"),
    ("fans", "followers"),
    ("portee", "reach"),
    ("reach", "reach"),
    ("impressions", "impressions"),
    ("engagements", "engagement"),
    ("engagement", "engagement"),
    ("interactions", "engagement"),
    ("clics", "clicks"),
    ("clicks", "clicks"),
    ("publications", "posts"),
    ("posts", "posts"),
)
_DATE_COLUMNS = ("date", "jour", "day", "mois", "month")
_LEVELS = frozenset({"followers"})
_RATES = frozenset({"engagement_rate"})


def _fold(text: str) -> str:
    text = text.replace("’", "'").casefold()
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _number(text: str) -> float | None:
    """ "1 234", "1,234", "1.234,5", "12,5 %" as a number; None for an empty cell."""
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    cleaned = cleaned.rstrip("%")
    if not cleaned or cleaned in ("-", "—"):
        return None
    if "," in cleaned and "." in cleaned:  # the last one is the decimal mark
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        head, _sep, tail = cleaned.rpartition(",")
        # "1,234" is a thousand in an English export; "12,5" a decimal in a French one.
        cleaned = (
            cleaned.replace(",", "")
            if len(tail) == 3 and head.isdigit()
            else cleaned.replace(",", ".")
        )
    try:
        return float(cleaned)
    except ValueError:
        return None


@dataclass
class FigureImport:
    network: str
    columns: dict[str, str] = field(default_factory=dict)  # column -> figure
    months: dict[str, dict[str, float]] = field(default_factory=dict)  # month -> figure -> value
    skipped_rows: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "network": self.network,
            "columns": self.columns,
            "months": self.months,
            "skipped_rows": self.skipped_rows,
        }


class MonthlyFigures:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def get(self, network: str, figure: str, month: str) -> float | None:
        with self.ws.reading() as db:
            row = db.execute(
                "SELECT value FROM monthly_figure WHERE network = ? AND metric = ? AND month = ?",
                (network, figure, month),
            ).fetchone()
        return None if row is None else float(row[0])

    def all(self) -> list[tuple[str, str, str, float, str]]:
        """(network, figure, month, value, source), by network, figure and month."""
        with self.ws.reading() as db:
            return [
                (r[0], r[1], r[2], float(r[3]), r[4])
                for r in db.execute(
                    "SELECT network, metric, month, value, source FROM monthly_figure "
                    "ORDER BY network, metric, month"
                )
            ]

    def set(
        self, network: str, figure: str, month: str, value: float | None, source: str = "typed"
    ) -> Changes:
        """Type a figure in (None removes it)."""
        network = network.strip().lower()
        if not network:
            raise InvalidData(_("Say which network the figure is of."))
        if figure not in FIGURE_LABELS:
            raise InvalidData(_("Unknown figure: {figure} (known: {known})").format(
                figure=figure, known=", ".join(FIGURES)))  # fmt: skip
        if not _MONTH_RE.match(month):
            raise InvalidData(_("“{month}” is not a month: write it as 2026-10.").format(
                month=month))  # fmt: skip
        with self.ws.atomic() as db:
            if value is None:
                db.execute(
                    "DELETE FROM monthly_figure WHERE network = ? AND metric = ? AND month = ?",
                    (network, figure, month),
                )
            else:
                db.execute(
                    "INSERT INTO monthly_figure(network, metric, month, value, source, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(network, metric, month) "
                    "DO UPDATE SET value = excluded.value, source = excluded.source, "
                    "updated_at = excluded.updated_at",
                    (network, figure, month, float(value), source, iso_now()),
                )
        return Changes(settings=True)

    def read_export(self, path: Path, network: str) -> FigureImport:
        """What a network's CSV export holds, month by month (nothing is stored)."""
        table = read_file(path)
        folded = [_fold(name) for name in table.header]
        exact = [i for i, name in enumerate(folded) if name.strip() in _DATE_COLUMNS]
        loose = [i for i, name in enumerate(folded) if "date" in name]
        if not exact and not loose:
            raise InvalidData(_("{file} has no date column (“Date”).").format(file=path.name))
        date_at = (exact or loose)[0]
        found = FigureImport(network.strip().lower())
        taken: set[str] = set()
        wanted: list[tuple[int, str]] = []
        for index, name in enumerate(folded):
            if index == date_at:
                continue
            figure = next((f for key, f in _COLUMNS if key in name), None)
            if figure is not None and figure not in taken:
                taken.add(figure)
                wanted.append((index, figure))
                found.columns[table.header[index]] = figure
        if not wanted:
            raise InvalidData(
                _("{file} has no column cmdesk knows (followers, reach, impressions, "
                  "engagement, clicks…).").format(file=path.name)
            )  # fmt: skip
        zone = self.ws.profile().zone
        order, _sure = detect_order(row[date_at] for _n, row in table.rows if len(row) > date_at)
        values: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
        for _line, row in table.rows:
            try:
                moment = parse_moment(row[date_at], zone, order or DAY_FIRST)
            except (ValueError, InvalidData, IndexError):
                found.skipped_rows += 1
                continue
            day = moment.date().isoformat()
            for index, figure in wanted:
                value = _number(row[index]) if index < len(row) else None
                if value is not None:
                    values[(day[:7], figure)].append((day, value))
        for (month, figure), days in sorted(values.items()):
            days.sort()
            if figure in _LEVELS:
                value = days[-1][1]
            elif figure in _RATES:
                value = round(sum(v for _d, v in days) / len(days), 2)
            else:
                value = sum(v for _d, v in days)
            found.months.setdefault(month, {})[figure] = value
        return found

    def import_export(self, path: Path, network: str) -> FigureImport:
        """Store what read_export found, in one transaction (a month's figure replaced)."""
        found = self.read_export(path, network)
        source = f"csv:{Path(path).name}"
        with self.ws.atomic():
            for month, figures in found.months.items():
                for figure, value in figures.items():
                    self.set(found.network, figure, month, value, source)
        return found
