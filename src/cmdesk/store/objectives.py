"""Objectives kept in the workspace, and their progress over a period."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, to_iso, utc_now
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.indicators import median
from cmdesk.core.objectives import Objective, Progress, checked
from cmdesk.core.periods import Period
from cmdesk.i18n import _
from cmdesk.store.mentions import key_for

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace


def _objective(row: Sequence[Any]) -> Objective:
    return Objective(row[0], row[1], row[2], row[3], json.loads(row[4] or "{}"))


class Objectives:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def all(self) -> list[Objective]:
        with self.ws.reading() as db:
            rows = db.execute(
                "SELECT id, name, metric, target, params FROM objective ORDER BY position, id"
            ).fetchall()
        return [_objective(r) for r in rows]

    def get(self, objective_id: int) -> Objective:
        with self.ws.reading() as db:
            row = db.execute(
                "SELECT id, name, metric, target, params FROM objective WHERE id = ?",
                (objective_id,),
            ).fetchone()
        if row is None:
            raise NotFound(_("There is no objective {id}.").format(id=objective_id))
        return _objective(row)

    def add(
        self, name: str, metric: str, target: float, params: dict[str, Any] | None = None
    ) -> Objective:
        name = " ".join(name.split())
        if not name:
            raise InvalidData(_("An objective needs a name."))
        clean = checked(metric, float(target), params or {})
        stamp = iso_now()
        with self.ws.atomic() as db:
            (position,) = db.execute(
                "SELECT ifnull(max(position), -1) + 1 FROM objective"
            ).fetchone()
            cursor = db.execute(
                "INSERT INTO objective(name, metric, target, params, position, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, metric, float(target), json.dumps(clean), position, stamp, stamp),
            )
            self.ws._log("objective.added", name)
        return self.get(int(cursor.lastrowid or 0))

    def remove(self, objective_id: int) -> Changes:
        name = self.get(objective_id).name
        with self.ws.atomic() as db:
            db.execute("DELETE FROM objective WHERE id = ?", (objective_id,))
            self.ws._log("objective.removed", name)
        return Changes(settings=True)

    # -- measuring ---------------------------------------------------------------------

    def progress(self, period: Period, now: datetime | None = None) -> list[Progress]:
        now = now or utc_now()
        span = (period.until - period.since).total_seconds()
        gone = (min(now, period.until) - period.since).total_seconds()
        elapsed = 1.0 if now >= period.until else max(0.0, gone / span)
        return [Progress(o, self.measure(o, period), elapsed) for o in self.all()]

    def measure(self, objective: Objective, period: Period) -> float | None:
        p = objective.params
        span = (to_iso(period.since), to_iso(period.until))
        received = "direction = 'in' AND occurred_at >= ? AND occurred_at < ?"
        with self.ws.reading() as db:
            if objective.metric in ("answered_within", "first_answer_median"):
                kind = " AND type = ?" if p.get("type") else ""
                params = (*span, p["type"]) if p.get("type") else span
                rows = db.execute(
                    "SELECT (julianday(first_response_at) - julianday(occurred_at)) * 1440 "
                    f"FROM interaction WHERE {received}{kind}",
                    params,
                ).fetchall()
                waits = [r[0] for r in rows]
                if not waits:
                    return None
                if objective.metric == "first_answer_median":
                    return median([w for w in waits if w is not None])
                within = sum(1 for w in waits if w is not None and w <= p["minutes"])
                return round(within * 100 / len(waits), 1)
            low, high = key_for(period.since), key_for(period.until)
            if objective.metric == "mentions":
                return float(db.execute(
                    "SELECT count(*) FROM mention WHERE id >= ? AND id < ?", (low, high)
                ).fetchone()[0])  # fmt: skip
            if objective.metric == "negative_share":
                total, negative = db.execute(
                    "SELECT count(*), sum(sentiment = 'negative') FROM mention "
                    "WHERE id >= ? AND id < ?",
                    (low, high),
                ).fetchone()
                return None if not total else round((negative or 0) * 100 / total, 1)
            if objective.metric == "posts_published":
                channel = " AND channel = ?" if p.get("channel") else ""
                return float(db.execute(
                    "SELECT count(*) FROM post_variant WHERE state = 'published' "
                    f"AND published_at >= ? AND published_at < ?{channel}",
                    (*span, p["channel"]) if p.get("channel") else span,
                ).fetchone()[0])  # fmt: skip
        # A monthly figure: the period's month (the month it ends in for another period).
        month = period.last_day.strftime("%Y-%m")
        value = self.ws.figures.get(p["network"], p["figure"], month)
        if value is None or not p.get("gain"):
            return value
        before = self.ws.figures.get(p["network"], p["figure"], _previous_month(month))
        return None if before is None else value - before


def _previous_month(month: str) -> str:
    year, number = (int(x) for x in month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"
