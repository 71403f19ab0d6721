"""The client playbook's written sections, reached as `workspace.playbook`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, utc_now
from cmdesk.core.errors import InvalidData
from cmdesk.core.interactions import check_known
from cmdesk.core.playbook import MAX_SECTION, SECTIONS, MatrixRow, PlaybookDocument
from cmdesk.i18n import _

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace


class Playbook:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def sections(self) -> dict[str, str]:
        """Every section's Markdown, "" for those not written yet."""
        found = dict.fromkeys(SECTIONS, "")
        with self.ws.reading() as db:
            for key, body in db.execute("SELECT key, body FROM playbook_section"):
                if key in found:
                    found[key] = body
        return found

    def get(self, key: str) -> str:
        check_known(key, SECTIONS, _("playbook section"))
        return self.sections()[key]

    def set(self, key: str, body: str) -> Changes:
        check_known(key, SECTIONS, _("playbook section"))
        if len(body) > MAX_SECTION:
            raise InvalidData(
                _("A playbook section is limited to {count} characters.").format(count=MAX_SECTION)
            )
        with self.ws.atomic() as db:
            db.execute(
                "INSERT INTO playbook_section(key, body, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET body = excluded.body, "
                "updated_at = excluded.updated_at",
                (key, body.strip() + "\n" if body.strip() else "", iso_now()),
            )
            self.ws.record("playbook.updated", key)
        return Changes(playbook=True, activity=True)

    def document(self) -> PlaybookDocument:
        """Everything the exported playbook shows, read in one go."""
        profile = self.ws.profile()
        teams = {t.id: t for t in self.ws.teams.all()}
        topics = {t.id: t.name for t in self.ws.topics.all()}
        matrix = tuple(
            MatrixRow(
                type=r.type,
                team=teams[r.team_id].name,
                topic=topics.get(r.topic_id, "") if r.topic_id is not None else "",
                tag=r.tag,
                team_email=teams[r.team_id].email,
            )
            for r in self.ws.escalation.routes()
        )
        targets = tuple(
            (p, int(t.total_seconds() // 60))
            for p, t in sorted(self.ws.escalation.targets().items(), reverse=True)
        )
        return PlaybookDocument(
            client=profile.name,
            generated_at=utc_now().astimezone(profile.zone),
            sections=self.sections(),
            matrix=matrix,
            targets=targets,
            teams=tuple(teams.values()),
            language=profile.language,
            colour=profile.colour,
            logo=profile.logo,
            logo_mime=profile.logo_mime,
        )
