"""Automatic rules for interactions, reached as `workspace.rules`.

Rules run on every new interaction inside the transaction that adds it (then the
escalation matrix assigns a team if none was), and on demand on the stored ones.
`test` runs a rule, saved or not, on the stored interactions and says which ones it
would change, without changing anything.

Cost: the text condition is matched in Python (core.query), after the cheap
conditions have narrowed the rows in SQL; reading the interactions in batches of
2,000 keeps memory flat at 100,000 of them.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.rules import (
    Actions,
    Conditions,
    Outcome,
    Rule,
    Subject,
    actions_from_json,
    actions_json,
    conditions_from_json,
    conditions_json,
    run,
)
from cmdesk.i18n import _
from cmdesk.store.interactions import OPEN_STATUSES

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

_COLUMNS = "id, name, position, enabled, stop, conditions, actions"
_BATCH = 2000
_SEPARATOR = "\x1f"  # between tags in group_concat: a tag never contains it
_SUBJECT_SQL = (
    "SELECT i.id, i.text, i.channel, i.type, i.sentiment, i.direction, i.priority, i.status, "
    "i.team_id, (SELECT group_concat(tag, char(31)) FROM interaction_tag "
    "  WHERE interaction_id = i.id), "
    "(SELECT group_concat(tag, char(31)) FROM contact_tag WHERE contact_id = i.contact_id) "
    "FROM interaction i"
)


def _rule(row: Sequence[Any]) -> Rule:
    return Rule(
        id=row[0],
        name=row[1],
        position=row[2],
        enabled=bool(row[3]),
        stop=bool(row[4]),
        conditions=conditions_from_json(row[5]),
        actions=actions_from_json(row[6]),
    )


def _subject(row: Sequence[Any]) -> Subject:
    return Subject(
        id=row[0],
        text=row[1],
        channel=row[2],
        type=row[3],
        sentiment=row[4],
        direction=row[5],
        priority=row[6],
        status=row[7],
        team_id=row[8],
        tags=tuple(sorted(row[9].split(_SEPARATOR))) if row[9] else (),
        contact_tags=tuple(row[10].split(_SEPARATOR)) if row[10] else (),
    )


def subject_of(db: sqlite3.Connection, interaction_id: int) -> Subject:
    row = db.execute(f"{_SUBJECT_SQL} WHERE i.id = ?", (interaction_id,)).fetchone()
    if row is None:
        raise NotFound(_("There is no interaction {id}.").format(id=interaction_id))
    return _subject(row)


@dataclass(frozen=True)
class RuleRun:
    """What rules did (or would do) to the stored interactions."""

    examined: int  # interactions read
    matched: int  # interactions at least one rule matched
    changed: tuple[Outcome, ...]  # those whose type, priority, team, tags or status change

    @property
    def changed_ids(self) -> tuple[int, ...]:
        return tuple(o.after.id for o in self.changed)


class Rules:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- the rules -------------------------------------------------------------------------

    def all(self) -> list[Rule]:
        """Every rule, in the order they run."""
        with self.ws.reading() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM rule ORDER BY position, id").fetchall()
        return [_rule(r) for r in rows]

    def get(self, rule_id: int) -> Rule:
        with self.ws.reading() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM rule WHERE id = ?", (rule_id,)).fetchone()
        if row is None:
            raise NotFound(_("There is no rule {id}.").format(id=rule_id))
        return _rule(row)

    def _checked(self, name: str, conditions: Conditions, actions: Actions) -> tuple[str, ...]:
        name = " ".join(name.split())
        if not name:
            raise InvalidData(_("A rule needs a name."))
        conditions, actions = conditions.validated(), actions.validated()
        if actions.team_id is not None:
            self.ws.teams.get(actions.team_id)
        return name, conditions_json(conditions), actions_json(actions)

    def add(
        self,
        name: str,
        conditions: Conditions,
        actions: Actions,
        *,
        enabled: bool = True,
        stop: bool = False,
    ) -> Rule:
        """A new rule, run after the existing ones (move it to change that)."""
        name, when, then = self._checked(name, conditions, actions)
        now = iso_now()
        with self.ws.atomic() as db:
            last = db.execute("SELECT coalesce(max(position), -1) FROM rule").fetchone()[0]
            cursor = db.execute(
                "INSERT INTO rule(name, position, enabled, stop, conditions, actions, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (name, last + 1, int(enabled), int(stop), when, then, now, now),
            )
            self.ws.record("rule.added", name)
        return self.get(int(cursor.lastrowid or 0))

    def update(self, rule_id: int, **fields: Any) -> Changes:
        """Change a rule's name, conditions, actions, enabled or stop flag."""
        unknown = set(fields) - {"name", "conditions", "actions", "enabled", "stop"}
        if unknown:
            raise InvalidData(_("Unknown rule fields: {names}").format(names=sorted(unknown)))
        current = self.get(rule_id)
        updated = replace(current, **fields)
        name, when, then = self._checked(updated.name, updated.conditions, updated.actions)
        with self.ws.atomic() as db:
            db.execute(
                "UPDATE rule SET name = ?, enabled = ?, stop = ?, conditions = ?, actions = ?, "
                "updated_at = ? WHERE id = ?",
                (name, int(updated.enabled), int(updated.stop), when, then, iso_now(), rule_id),
            )
            self.ws.record("rule.updated", name)
        return Changes(rules=True, activity=True)

    def set_enabled(self, rule_id: int, enabled: bool) -> Changes:
        return self.update(rule_id, enabled=enabled)

    def remove(self, rule_id: int) -> Changes:
        with self.ws.atomic() as db:
            current = self.get(rule_id)
            db.execute("DELETE FROM rule WHERE id = ?", (rule_id,))
            self.ws.record("rule.removed", current.name)
        return Changes(rules=True, activity=True)

    def move(self, rule_id: int, index: int) -> Changes:
        """Put a rule at `index` in the running order (0 = first; past the end = last)."""
        with self.ws.atomic() as db:
            order = [r.id for r in self.all()]
            if rule_id not in order:
                raise NotFound(_("There is no rule {id}.").format(id=rule_id))
            order.remove(rule_id)
            order.insert(max(0, min(index, len(order))), rule_id)
            db.executemany(
                "UPDATE rule SET position = ? WHERE id = ?",
                [(position, i) for position, i in enumerate(order)],
            )
        return Changes(rules=True)

    # -- running them ----------------------------------------------------------------------

    def _subjects(
        self, db: sqlite3.Connection, where: str, params: Sequence[Any]
    ) -> Iterator[list[Subject]]:
        after = 0
        while True:
            rows = db.execute(
                f"{_SUBJECT_SQL} WHERE i.id > ? AND ({where}) ORDER BY i.id LIMIT {_BATCH}",
                (after, *params),
            ).fetchall()
            if not rows:
                return
            yield [_subject(r) for r in rows]
            after = rows[-1][0]

    def _scope(
        self, include_closed: bool, prefilter: Conditions | None = None
    ) -> tuple[str, list[Any]]:
        """SQL narrowing the interactions to examine: open ones unless asked, and, for a
        single rule, its conditions that SQL can check."""
        clauses: list[str] = []
        params: list[Any] = []
        if not include_closed:
            clauses.append(f"i.status IN ({','.join('?' * len(OPEN_STATUSES))})")
            params.extend(OPEN_STATUSES)
        if prefilter is not None:
            for column, values in (
                ("channel", prefilter.channels),
                ("type", prefilter.types),
                ("sentiment", prefilter.sentiments),
                ("direction", (prefilter.direction,) if prefilter.direction else ()),
            ):
                if values:
                    clauses.append(f"i.{column} IN ({','.join('?' * len(values))})")
                    params.extend(values)
        return " AND ".join(clauses) or "1", params

    def _runnable(self, rules: list[Rule]) -> list[Rule]:
        """The rules with their "assign a team" left out where the team was removed since:
        a stale rule must not stop interactions from being logged."""
        with self.ws.reading() as db:
            teams = {r[0] for r in db.execute("SELECT id FROM team")}
        return [
            r
            if r.actions.team_id is None or r.actions.team_id in teams
            else replace(r, actions=replace(r.actions, team_id=None))
            for r in rules
        ]

    def _run(self, rules: Sequence[Rule], where: str, params: Sequence[Any]) -> RuleRun:
        examined = matched = 0
        changed: list[Outcome] = []
        with self.ws.reading() as db:
            for batch in self._subjects(db, where, params):
                examined += len(batch)
                for subject in batch:
                    outcome = run(rules, subject)
                    matched += bool(outcome.fired)
                    if outcome.changed:
                        changed.append(outcome)
        return RuleRun(examined, matched, tuple(changed))

    def test(
        self,
        conditions: Conditions,
        actions: Actions,
        *,
        include_closed: bool = False,
    ) -> RuleRun:
        """What a rule (saved or not) would change in the stored interactions, alone and
        without changing anything."""
        conditions, actions = conditions.validated(), actions.validated()
        rule = Rule(id=0, name="", conditions=conditions, actions=actions)
        where, params = self._scope(include_closed, conditions)
        return self._run([rule], where, params)

    def apply(
        self, rule_ids: Iterable[int] | None = None, *, include_closed: bool = False
    ) -> RuleRun:
        """Run rules (by default every enabled one, in order) on the stored interactions,
        open ones unless `include_closed`, and write what they change in one transaction."""
        with self.ws.atomic():
            rules = self.all()
            if rule_ids is not None:
                wanted = set(rule_ids)
                missing = wanted - {r.id for r in rules}
                if missing:
                    raise NotFound(_("There is no rule {id}.").format(id=min(missing)))
                rules = [replace(r, enabled=True) for r in rules if r.id in wanted]
            where, params = self._scope(include_closed)
            done = self._run(self._runnable(rules), where, params)
            self._write(done.changed)
            if done.changed:
                self.ws.record("rules.applied", str(len(done.changed)))
        return done

    def on_added(self, interaction_id: int) -> None:
        """Run the enabled rules on a new interaction, then let the escalation matrix
        assign its team if no rule did; called inside the transaction that adds it."""
        self._on_new("i.id = ?", [interaction_id])

    def on_imported(self, first_id: int) -> int:
        """What on_added does, for the interactions an import wrote (ids from `first_id`
        on), inside the import's transaction; how many were changed."""
        return self._on_new("i.id >= ?", [first_id])

    def _on_new(self, where: str, params: Sequence[Any]) -> int:
        rules = self._runnable([r for r in self.all() if r.enabled])
        outcomes: list[Outcome] = []
        for batch in self._subjects(self.ws.db, where, params):
            for subject in batch:
                outcome = run(rules, subject)
                after = outcome.after
                if after.team_id is None:
                    team = self.ws.escalation.team_for(after)
                    if team is not None:
                        after = replace(after, team_id=team)
                outcomes.append(Outcome(outcome.before, after, outcome.fired))
        self._write(outcomes)
        return sum(1 for o in outcomes if o.changed)

    def _write(self, outcomes: Iterable[Outcome]) -> None:
        """Write what changed, grouped by value: one statement per new type, team, etc."""
        groups: dict[tuple[str, Any], list[int]] = defaultdict(list)
        for outcome in outcomes:
            before, after = outcome.before, outcome.after
            for name in outcome.changed:
                if name == "tags":
                    known = {t.casefold() for t in before.tags}
                    for tag in after.tags:
                        if tag.casefold() not in known:
                            groups["tags", tag].append(after.id)
                else:
                    groups[name, getattr(after, name)].append(after.id)
        interactions = self.ws.interactions
        for (name, value), ids in groups.items():
            if name == "type":
                interactions.set_type(ids, value)
            elif name == "priority":
                interactions.set_priority(ids, value)
            elif name == "team_id":
                interactions.assign(ids, value)
            elif name == "tags":
                interactions.add_tag(ids, value)
            else:
                interactions.set_status(ids, value)
