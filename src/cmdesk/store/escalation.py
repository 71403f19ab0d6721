"""The escalation matrix and response-time targets, reached as `workspace.escalation`.

See core.escalation for what a route and a target mean. `overdue_sql` is the inbox's
"overdue" filter: one condition per priority on the (priority, occurred_at) index of
interactions still waiting for their first answer, so it stays fast at 100,000.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.clock import to_iso, utc_now
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.escalation import DEFAULT_TARGETS, WAITING_STATUSES, Route, choose_team
from cmdesk.core.interactions import PRIORITIES, TYPES, check_known
from cmdesk.core.query import Document, matches, parse
from cmdesk.core.rules import Subject
from cmdesk.i18n import _

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

MAX_TARGET_MINUTES = 60 * 24 * 30


def _route(row: Sequence[Any]) -> Route:
    return Route(id=row[0], type=row[1], topic_id=row[2], tag=row[3], team_id=row[4])


class Escalation:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- the matrix ------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        """The matrix, by type then most specific first."""
        with self.ws.reading() as db:
            rows = db.execute(
                "SELECT id, type, topic_id, tag, team_id FROM escalation ORDER BY id"
            ).fetchall()
        found = [_route(r) for r in rows]
        return sorted(found, key=lambda r: (TYPES.index(r.type), -r.specificity, r.id))

    def set_route(
        self, type: str, team_id: int, *, topic_id: int | None = None, tag: str = ""
    ) -> Route:
        """Send `type` (about `topic_id`, tagged `tag`, when given) to a team; replaces the
        team of the same line if there was one."""
        check_known(type, TYPES, _("type"))
        tag = " ".join(tag.split())
        with self.ws.atomic() as db:
            team = self.ws.teams.get(team_id)
            if topic_id is not None:
                self.ws.topics.get(topic_id)
            db.execute(
                "INSERT INTO escalation(type, topic_id, tag, team_id) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (type, ifnull(topic_id, 0), tag) DO UPDATE SET "
                "team_id = excluded.team_id",
                (type, topic_id, tag, team_id),
            )
            row = db.execute(
                "SELECT id, type, topic_id, tag, team_id FROM escalation "
                "WHERE type = ? AND ifnull(topic_id, 0) = ? AND tag = ?",
                (type, topic_id or 0, tag),
            ).fetchone()
            self.ws.record("escalation.route", f"{type} -> {team.name}")
        return _route(row)

    def remove_route(self, route_id: int) -> Changes:
        with self.ws.atomic() as db:
            if db.execute("DELETE FROM escalation WHERE id = ?", (route_id,)).rowcount == 0:
                raise NotFound(_("There is no line {id} in the escalation matrix.").format(
                    id=route_id))  # fmt: skip
        return Changes(escalation=True)

    def _topics_of(self, subject: Subject) -> set[int]:
        """Topics an interaction is about: its mention's topics, and the topics whose
        query its text matches (most interactions come without a mention)."""
        db = self.ws.db
        found = {
            r[0]
            for r in db.execute(
                "SELECT mt.topic_id FROM mention_topic mt JOIN interaction i "
                "ON i.mention_id = mt.mention_id WHERE i.id = ?",
                (subject.id,),
            )
        }
        doc: Document | None = None
        for topic_id, query in db.execute(
            "SELECT t.id, t.query FROM topic t WHERE t.id IN "
            "(SELECT topic_id FROM escalation WHERE topic_id IS NOT NULL) AND t.enabled"
        ):
            doc = doc or subject.document()
            if topic_id not in found and matches(parse(query), doc):
                found.add(topic_id)
        return found

    def team_for(self, subject: Subject) -> int | None:
        """The team the matrix sends this interaction to, or None."""
        routes = [r for r in self.routes() if r.type == subject.type]
        if not routes:
            return None
        topics = self._topics_of(subject) if any(r.topic_id for r in routes) else set()
        return choose_team(routes, subject.type, subject.tags, topics)

    def propose(self, interaction_id: int) -> int | None:
        """The team the matrix proposes for a stored interaction (for the triage view)."""
        from cmdesk.store.rules import subject_of

        with self.ws.reading() as db:
            return self.team_for(subject_of(db, interaction_id))

    def route(self, ids: Iterable[int]) -> Changes:
        """Assign the matrix's team to those of these interactions that have none (after
        their type was set by hand, for instance)."""
        from cmdesk.store.rules import subject_of

        changes = Changes()
        with self.ws.atomic() as db:
            for interaction_id in ids:
                subject = subject_of(db, interaction_id)
                team = None if subject.team_id is not None else self.team_for(subject)
                if team is not None:
                    changes |= self.ws.interactions.assign([interaction_id], team)
        return changes

    # -- response-time targets -------------------------------------------------------------

    def targets(self) -> dict[int, timedelta]:
        found = dict(DEFAULT_TARGETS)
        with self.ws.reading() as db:
            for priority, minutes in db.execute("SELECT priority, minutes FROM response_target"):
                found[priority] = timedelta(minutes=minutes)
        return found

    def set_target(self, priority: int, target: timedelta) -> Changes:
        check_known(priority, PRIORITIES, _("priority"))
        minutes = int(target.total_seconds() // 60)
        if not 1 <= minutes <= MAX_TARGET_MINUTES:
            raise InvalidData(
                _("A response-time target must be between 1 minute and 30 days.")
            )  # fmt: skip
        with self.ws.atomic() as db:
            db.execute(
                "INSERT INTO response_target(priority, minutes) VALUES (?, ?) "
                "ON CONFLICT (priority) DO UPDATE SET minutes = excluded.minutes",
                (priority, minutes),
            )
            self.ws.record("escalation.target", f"{priority}: {minutes} min")
        return Changes(escalation=True)

    def overdue_sql(self, now: datetime | None = None) -> tuple[str, list[Any]]:
        """A WHERE condition on `interaction` selecting the overdue ones at `now`: from the
        community, still waiting, no first answer, older than their priority's target.
        `first_response_at IS NULL` is written as in the partial index so SQLite uses it."""
        now = (now or utc_now()).astimezone(UTC)  # see core.escalation: never on the wall clock
        targets = self.targets()
        per_priority = " OR ".join("(priority = ? AND occurred_at < ?)" for _p in PRIORITIES)
        params: list[Any] = [*WAITING_STATUSES]
        for priority in PRIORITIES:
            params += [priority, to_iso(now - targets[priority])]
        # "+status": not through the (status, occurred_at) inbox index, which SQLite would
        # otherwise pick and walk every open interaction, answered or not.
        sql = (
            f"(first_response_at IS NULL AND +status IN ({','.join('?' * len(WAITING_STATUSES))}) "
            f"AND direction = 'in' AND ({per_priority}))"
        )
        return sql, params
