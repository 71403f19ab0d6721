"""What a mutation changed, so each screen refreshes only what it shows (house rule 4)."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    profile: bool = False
    settings: bool = False
    activity: bool = False
    clients: bool = False  # the list of clients in the home folder
    workspace: bool = False  # another workspace was opened, or this one was restored
    sources: bool = False  # monitored feeds: added, changed, refreshed
    mentions: bool = False  # new mentions or changed states (read, starred, tags...)
    topics: bool = False
    alerts: bool = False
    interactions: bool = False  # logged exchanges: added, qualified, answered, closed
    contacts: bool = False  # community members, their handles and tags
    teams: bool = False
    rules: bool = False  # automatic rules for interactions, their order and flags
    replies: bool = False  # canned replies and their usage counts
    escalation: bool = False  # the escalation matrix and the response-time targets
    playbook: bool = False
    posts: bool = False  # posts, their channels, images, comments, history, slots
    accounts: bool = False  # publishing accounts (never their secrets)
    deliveries: bool = False  # delivery schedules and the send log

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            **{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)}
        )

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


NOTHING = Changes()
EVERYTHING = Changes(**{f.name: True for f in fields(Changes)})
