"""Topics (named watch rules) and the alerts they raise, reached as `workspace.topics`.

A topic tags the mentions its query matches, now and as they arrive, and can raise their
priority; urgent matches and crisis spikes become alerts, kept in the workspace until the
user acknowledges them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.clock import parse_iso, utc_now
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.monitoring import Alert, Topic
from cmdesk.core.query import Document, Query, matches, parse, to_sql
from cmdesk.core.spikes import DEFAULT_BASELINE_WINDOWS, DEFAULT_WINDOW, detect, windows
from cmdesk.i18n import N_, _
from cmdesk.store.mentions import key_for

if TYPE_CHECKING:
    import sqlite3

    from cmdesk.store.workspace import Workspace

PRIORITIES = (0, 1, 2)  # normal, important, urgent (urgent matches raise an alert)
URGENT = 2


def _topic(row: Any) -> Topic:
    return Topic(id=row[0], name=row[1], query=row[2], priority=row[3], enabled=bool(row[4]))


def message(msgid: str, **args: object) -> str:
    """An alert's text as stored: the English message and its values, translated when it
    is shown, so an alert reads in the language of whoever reads it."""
    return json.dumps({"msgid": msgid, "args": args}, ensure_ascii=False)


def shown(stored: str) -> str:
    """The stored text of an alert in the current language (plain text is kept as is)."""
    if not stored.startswith("{"):
        return stored
    try:
        data = json.loads(stored)
        msgid, args = data["msgid"], data["args"]
        return str(_(msgid).format(**args))
    except (ValueError, KeyError, TypeError, IndexError):
        return stored


def _alert(row: Any) -> Alert:
    return Alert(
        id=row[0],
        kind=row[1],
        topic_id=row[2],
        title=shown(row[3]),
        detail=shown(row[4]),
        evidence=tuple(json.loads(row[5] or "[]")),
        raised_at=parse_iso(row[6]),
        acknowledged_at=parse_iso(row[7]) if row[7] else None,
    )


def _checked(name: str, priority: int) -> str:
    """A topic's name with its spaces tidied, once name and priority are valid."""
    name = " ".join(name.split())
    if not name:
        raise InvalidData(_("A topic needs a name."))
    if priority not in PRIORITIES:
        raise InvalidData(_("The priority must be 0, 1 or 2."))
    return name


class Topics:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._compiled: dict[int, tuple[str, Query]] = {}
        self.raised = 0  # alerts raised by this object, for the Changes of a refresh

    # -- topics ------------------------------------------------------------------------------

    def all(self) -> list[Topic]:
        with self.ws.reading() as db:
            rows = db.execute(
                "SELECT id, name, query, priority, enabled FROM topic ORDER BY name COLLATE NOCASE"
            ).fetchall()
        return [_topic(r) for r in rows]

    def get(self, topic_id: int) -> Topic:
        with self.ws.reading() as db:
            row = db.execute(
                "SELECT id, name, query, priority, enabled FROM topic WHERE id = ?", (topic_id,)
            ).fetchone()
        if row is None:
            raise NotFound(_("This topic no longer exists."))
        return _topic(row)

    def count_matching(self, query: str) -> int:
        """How many stored mentions a query matches: shown before a topic is saved."""
        where, params = to_sql(parse(query))
        with self.ws.reading() as db:
            return int(
                db.execute(f"SELECT count(*) FROM mention_fts WHERE {where}", params).fetchone()[0]
            )

    def add(self, name: str, query: str, priority: int = 0) -> Topic:
        name = _checked(name, priority)
        tree = parse(query)
        with self.ws.atomic() as db:
            if db.execute("SELECT 1 FROM topic WHERE name = ?", (name,)).fetchone():
                raise InvalidData(_("A topic called “{name}” already exists.").format(name=name))
            cursor = db.execute(
                "INSERT INTO topic(name, query, priority, created_at) VALUES (?, ?, ?, ?)",
                (name, query.strip(), priority, utc_now().isoformat(timespec="seconds")),
            )
            topic_id = int(cursor.lastrowid or 0)
            self._tag_stored(db, topic_id, tree, priority)
            self.ws.record("topic.added", name)
        return self.get(topic_id)

    def update(self, topic_id: int, **fields: Any) -> Changes:
        current = self.get(topic_id)
        query = str(fields.get("query", current.query)).strip()
        priority = int(fields.get("priority", current.priority))
        name = _checked(str(fields.get("name", current.name)), priority)
        enabled = bool(fields.get("enabled", current.enabled))
        tree = parse(query)
        with self.ws.atomic() as db:
            db.execute(
                "UPDATE topic SET name = ?, query = ?, priority = ?, enabled = ? WHERE id = ?",
                (name, query, priority, int(enabled), topic_id),
            )
            db.execute("DELETE FROM mention_topic WHERE topic_id = ?", (topic_id,))
            if enabled:
                self._tag_stored(db, topic_id, tree, priority)
            self.ws.record("topic.updated", name)
        return Changes(topics=True, mentions=True)

    def remove(self, topic_id: int) -> Changes:
        current = self.get(topic_id)
        with self.ws.atomic() as db:
            db.execute("DELETE FROM topic WHERE id = ?", (topic_id,))
            self.ws.record("topic.removed", current.name)
        return Changes(topics=True, mentions=True)

    def _tag_stored(
        self, db: sqlite3.Connection, topic_id: int, tree: Query, priority: int
    ) -> None:
        where, params = to_sql(tree)
        db.execute(
            f"INSERT OR IGNORE INTO mention_topic(topic_id, mention_id) "
            f"SELECT ?, rowid FROM mention_fts WHERE {where}",
            (topic_id, *params),
        )
        if priority:
            db.execute(
                "UPDATE mention SET priority = max(priority, ?) WHERE id IN "
                "(SELECT mention_id FROM mention_topic WHERE topic_id = ?)",
                (priority, topic_id),
            )

    # -- new mentions ------------------------------------------------------------------------

    def tag_new(self, mention_ids: Iterable[int], now: datetime | None = None) -> list[int]:
        """Match new mentions against the enabled topics (inside the refresh transaction);
        returns the topics that gained mentions. Urgent matches raise alerts."""
        db = self.ws.db
        topics = [t for t in self.all() if t.enabled]
        if not topics:
            return []
        compiled = [(t, self._query(t)) for t in topics]
        touched: set[int] = set()
        for mention_id in mention_ids:
            row = db.execute(
                "SELECT title, text, author, source FROM mention WHERE id = ?", (mention_id,)
            ).fetchone()
            if row is None:
                continue
            doc = Document(dict(zip(("title", "text", "author", "source"), row, strict=True)))
            for topic, tree in compiled:
                if not matches(tree, doc):
                    continue
                touched.add(topic.id)
                db.execute(
                    "INSERT OR IGNORE INTO mention_topic(topic_id, mention_id) VALUES (?, ?)",
                    (topic.id, mention_id),
                )
                if topic.priority:
                    db.execute(
                        "UPDATE mention SET priority = max(priority, ?) WHERE id = ?",
                        (topic.priority, mention_id),
                    )
                if topic.priority >= URGENT:
                    self._raise(
                        "match",
                        topic.id,
                        message(
                            N_("Urgent mention for “{topic}”: {title}"),
                            topic=topic.name,
                            title=row[0][:200],
                        ),
                        "",
                        [mention_id],
                        now,
                    )
        return sorted(touched)

    def _query(self, topic: Topic) -> Query:
        cached = self._compiled.get(topic.id)
        if cached is None or cached[0] != topic.query:
            cached = (topic.query, parse(topic.query))
            self._compiled[topic.id] = cached
        return cached[1]

    # -- spikes ------------------------------------------------------------------------------

    def check_spikes(self, topic_ids: Iterable[int], now: datetime | None = None) -> int:
        """Compare each topic's last 24 hours with its own last 7 days; returns the number
        of alerts raised. One spike alert per topic and window, however many refreshes."""
        now = now or utc_now()
        db = self.ws.db
        raised = 0
        since = now - DEFAULT_WINDOW * (DEFAULT_BASELINE_WINDOWS + 1)
        for topic_id in topic_ids:
            topic = self.get(topic_id)
            rows = db.execute(
                "SELECT m.id, m.published_at, m.sentiment FROM mention_topic mt "
                "JOIN mention m ON m.id = mt.mention_id "
                "WHERE mt.topic_id = ? AND mt.mention_id >= ?",
                (topic_id, key_for(since)),
            ).fetchall()
            times = [(parse_iso(r[1]), r[2] == "negative") for r in rows]
            current, baseline = windows(times, now)
            for spike in detect(current, baseline, now):
                recent = db.execute(
                    "SELECT 1 FROM alert WHERE topic_id = ? AND kind = ? AND raised_at >= ?",
                    (topic_id, f"spike-{spike.kind}", (now - DEFAULT_WINDOW).isoformat()),
                ).fetchone()
                if recent:
                    continue
                evidence = [r[0] for r in rows if parse_iso(r[1]) > spike.window_start][-20:]
                if spike.kind == "volume":
                    title = message(
                        N_("Spike on “{topic}”: {count} mentions in 24 hours"),
                        topic=topic.name,
                        count=int(spike.observed),
                    )
                    detail = message(
                        N_("Usually {mean} a day (± {sd}); alert above {threshold}."),
                        mean=round(spike.baseline_mean, 1),
                        sd=round(spike.baseline_sd, 1),
                        threshold=round(spike.threshold, 1),
                    )
                else:
                    title = message(
                        N_("Negative wave on “{topic}”: {share} negative in 24 hours"),
                        topic=topic.name,
                        share=f"{spike.observed:.0%}",
                    )
                    detail = message(
                        N_("Usually {share} negative; alert above {threshold}."),
                        share=f"{spike.baseline_mean:.0%}",
                        threshold=f"{spike.threshold:.0%}",
                    )
                self._raise(f"spike-{spike.kind}", topic_id, title, detail, evidence, now)
                raised += 1
        return raised

    # -- alerts ------------------------------------------------------------------------------

    def _raise(
        self,
        kind: str,
        topic_id: int | None,
        title: str,
        detail: str,
        evidence: list[int],
        now: datetime | None,
    ) -> None:
        self.raised += 1
        self.ws.db.execute(
            "INSERT INTO alert(kind, topic_id, title, detail, evidence, raised_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                kind,
                topic_id,
                title,
                detail,
                json.dumps(evidence),
                (now or utc_now()).isoformat(timespec="seconds"),
            ),
        )

    def alerts(self, *, include_acknowledged: bool = False, limit: int = 200) -> list[Alert]:
        where = "" if include_acknowledged else "WHERE acknowledged_at IS NULL"
        with self.ws.reading() as db:
            rows = db.execute(
                "SELECT id, kind, topic_id, title, detail, evidence, raised_at, acknowledged_at "
                f"FROM alert {where} ORDER BY raised_at DESC, id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [_alert(r) for r in rows]

    def acknowledge(self, alert_ids: Iterable[int]) -> Changes:
        now = utc_now().isoformat(timespec="seconds")
        with self.ws.atomic() as db:
            db.executemany(
                "UPDATE alert SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL",
                [(now, i) for i in alert_ids],
            )
        return Changes(alerts=True)
