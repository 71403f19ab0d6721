"""The client playbook: how to speak for the client and whom to call, for onboarding staff.

Written sections are Markdown; the escalation matrix, the response-time targets and the
teams' contacts come from the workspace itself when the playbook is exported, so the
document never disagrees with what the app does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cmdesk.core.interactions import Team
from cmdesk.i18n import N_

SECTION_LABELS = {
    "tone": N_("Tone of voice"),
    "do_dont": N_("Do and don't"),
    "faq": N_("Frequently asked questions"),
    "crisis": N_("Crisis procedure"),
    "contacts": N_("Who to call"),
}
SECTIONS = tuple(SECTION_LABELS)
MAX_SECTION = 200_000


@dataclass(frozen=True)
class MatrixRow:
    type: str  # an interaction type (core.interactions.TYPES)
    team: str
    topic: str = ""  # the topic's name when the line is narrowed to one
    tag: str = ""
    team_email: str = ""


@dataclass(frozen=True)
class PlaybookDocument:
    client: str
    generated_at: datetime  # in the client's time zone
    sections: dict[str, str]  # key -> Markdown, every key of SECTIONS
    matrix: tuple[MatrixRow, ...] = ()
    targets: tuple[tuple[int, int], ...] = ()  # (priority, minutes)
    teams: tuple[Team, ...] = ()
    language: str = "fr"
    colour: str = "#2f6f9f"
    logo: bytes | None = field(default=None, repr=False)
    logo_mime: str = ""
