"""Automatic rules for interactions, like the inbox assistants of the SaaS help desks.

A rule is a set of conditions (all must hold) and actions. Rules run in their order;
each one sees what the rules before it changed (a rule that sets the type "complaint"
lets a later "complaint → customer service" rule fire), and a rule marked `stop` ends
the run for the interaction it matched. Pure functions: the store reads the
interactions, runs them here and writes back only what changed.

Conditions, each optional (an empty rule would match everything and is refused):
    query         the watch-rule language of core.query, on the interaction's text
    channels      any of these channels
    types         any of these types (as set by capture or by an earlier rule)
    sentiments    any of these sentiments
    contact_tags  the contact has any of these tags
    direction     "in" (from the community) or "out" (ours)
Actions: set the type, set the priority, assign a team, add tags, set the status
("mark reviewed" is a status: in progress, or closed for spam).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cmdesk.core.errors import InvalidData
from cmdesk.core.interactions import (
    CHANNELS,
    DIRECTIONS,
    PRIORITIES,
    STATUSES,
    TYPES,
    check_known,
)
from cmdesk.core.monitoring import SENTIMENTS
from cmdesk.core.query import Document, Query, matches, parse
from cmdesk.i18n import _


def _tidy_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags with their spaces tidied, empty ones and case-insensitive repeats dropped."""
    seen: dict[str, str] = {}
    for tag in tags:
        tag = " ".join(str(tag).split())
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(seen.values())


@dataclass(frozen=True)
class Conditions:
    query: str = ""
    channels: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    contact_tags: tuple[str, ...] = ()
    direction: str = ""

    def validated(self) -> Conditions:
        """The same conditions, checked (an unknown channel, a query that does not parse
        and an empty set are refused with a message saying why)."""
        query = self.query.strip()
        if query:
            parse(query)  # QuerySyntaxError says what and where
        for value in self.channels:
            check_known(value, CHANNELS, _("channel"))
        for value in self.types:
            check_known(value, TYPES, _("type"))
        for value in self.sentiments:
            check_known(value, SENTIMENTS, _("sentiment"))
        if self.direction:
            check_known(self.direction, DIRECTIONS, _("direction"))
        checked = Conditions(
            query=query,
            channels=tuple(dict.fromkeys(self.channels)),
            types=tuple(dict.fromkeys(self.types)),
            sentiments=tuple(dict.fromkeys(self.sentiments)),
            contact_tags=_tidy_tags(self.contact_tags),
            direction=self.direction,
        )
        if checked == Conditions():
            raise InvalidData(
                _("A rule needs at least one condition; without one it would change every "
                  "interaction.")
            )  # fmt: skip
        return checked


@dataclass(frozen=True)
class Actions:
    type: str = ""
    priority: int | None = None
    team_id: int | None = None
    tags: tuple[str, ...] = ()
    status: str = ""

    def validated(self) -> Actions:
        if self.type:
            check_known(self.type, TYPES, _("type"))
        if self.priority is not None:
            check_known(self.priority, PRIORITIES, _("priority"))
        if self.status:
            check_known(self.status, STATUSES, _("status"))
        checked = replace(self, tags=_tidy_tags(self.tags))
        if checked == Actions():
            raise InvalidData(_("A rule needs at least one action."))
        return checked


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    conditions: Conditions
    actions: Actions
    enabled: bool = True
    stop: bool = False  # matched: no later rule runs on this interaction
    position: int = 0


@dataclass(frozen=True)
class Subject:
    """What rules read and change of one interaction."""

    id: int
    text: str = ""
    channel: str = "other"
    type: str = "other"
    sentiment: str = ""
    direction: str = "in"
    priority: int = 0
    status: str = "new"
    team_id: int | None = None
    tags: tuple[str, ...] = ()
    contact_tags: tuple[str, ...] = ()
    _doc: list[Document] = field(default_factory=list, compare=False, repr=False)

    def document(self) -> Document:
        """The text tokenised once, however many rules ask."""
        if not self._doc:
            self._doc.append(Document({"text": self.text}))
        return self._doc[0]


# Fields that actions change, in the order they are reported.
CHANGEABLE = ("type", "priority", "team_id", "tags", "status")


@dataclass(frozen=True)
class Outcome:
    before: Subject
    after: Subject
    fired: tuple[int, ...]  # ids of the rules that matched, in order

    @property
    def changed(self) -> tuple[str, ...]:
        return tuple(f for f in CHANGEABLE if getattr(self.before, f) != getattr(self.after, f))


@functools.lru_cache(maxsize=256)
def _parsed(query: str) -> Query:
    return parse(query)


def _any_of(wanted: Sequence[str], present: Iterable[str]) -> bool:
    folded = {p.casefold() for p in present}
    return any(w.casefold() in folded for w in wanted)


def rule_matches(conditions: Conditions, subject: Subject) -> bool:
    """Do all the conditions hold? Cheap ones first: the text is matched last."""
    if conditions.direction and subject.direction != conditions.direction:
        return False
    if conditions.channels and subject.channel not in conditions.channels:
        return False
    if conditions.types and subject.type not in conditions.types:
        return False
    if conditions.sentiments and subject.sentiment not in conditions.sentiments:
        return False
    if conditions.contact_tags and not _any_of(conditions.contact_tags, subject.contact_tags):
        return False
    return not conditions.query or matches(_parsed(conditions.query), subject.document())


def act(actions: Actions, subject: Subject) -> Subject:
    changes: dict[str, Any] = {}
    if actions.type:
        changes["type"] = actions.type
    if actions.priority is not None:
        changes["priority"] = actions.priority
    if actions.team_id is not None:
        changes["team_id"] = actions.team_id
    if actions.tags:
        changes["tags"] = _tidy_tags((*subject.tags, *actions.tags))
    if actions.status:
        changes["status"] = actions.status
    return replace(subject, **changes) if changes else subject


def run(rules: Iterable[Rule], subject: Subject) -> Outcome:
    """Apply the enabled rules in order to one interaction."""
    current, fired = subject, []
    for rule in rules:
        if not rule.enabled or not rule_matches(rule.conditions, current):
            continue
        fired.append(rule.id)
        current = act(rule.actions, current)
        if rule.stop:
            break
    return Outcome(subject, current, tuple(fired))


# -- stored form -------------------------------------------------------------------------------


def conditions_json(conditions: Conditions) -> str:
    data = {
        "query": conditions.query,
        "channels": list(conditions.channels),
        "types": list(conditions.types),
        "sentiments": list(conditions.sentiments),
        "contact_tags": list(conditions.contact_tags),
        "direction": conditions.direction,
    }
    return json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False)


def actions_json(actions: Actions) -> str:
    data: dict[str, Any] = {
        "type": actions.type,
        "priority": actions.priority,
        "team_id": actions.team_id,
        "tags": list(actions.tags),
        "status": actions.status,
    }
    return json.dumps(
        {k: v for k, v in data.items() if v not in ("", None, [])}, ensure_ascii=False
    )


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key) or ()
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else (str(value),)


def conditions_from_json(text: str) -> Conditions:
    data = json.loads(text or "{}")
    return Conditions(
        query=str(data.get("query", "")),
        channels=_strings(data, "channels"),
        types=_strings(data, "types"),
        sentiments=_strings(data, "sentiments"),
        contact_tags=_strings(data, "contact_tags"),
        direction=str(data.get("direction", "")),
    )


def actions_from_json(text: str) -> Actions:
    data = json.loads(text or "{}")
    priority, team = data.get("priority"), data.get("team_id")
    return Actions(
        type=str(data.get("type", "")),
        priority=None if priority is None else int(priority),
        team_id=None if team is None else int(team),
        tags=_strings(data, "tags"),
        status=str(data.get("status", "")),
    )
