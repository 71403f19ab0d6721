"""The client's internal teams, where interactions are routed ("the ears of the company").

Reached as `workspace.teams`; every write goes through the Workspace's transaction.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, parse_iso_or_none
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.interactions import TEAM_KINDS, Team, check_known
from cmdesk.i18n import _

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

_COLUMNS = "id, name, kind, email, webhook_url, created_at"


def _row(row: sqlite3.Row | tuple[Any, ...]) -> Team:
    return Team(
        id=row[0],
        name=row[1],
        kind=row[2],
        email=row[3],
        webhook_url=row[4],
        created_at=parse_iso_or_none(row[5]),
    )


class Teams:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def all(self) -> list[Team]:
        with self.ws.reading() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM team ORDER BY name COLLATE NOCASE"
            ).fetchall()
        return [_row(r) for r in rows]

    def get(self, team_id: int) -> Team:
        with self.ws.reading() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM team WHERE id = ?", (team_id,)).fetchone()
        if row is None:
            raise NotFound(_("There is no team {id}.").format(id=team_id))
        return _row(row)

    def find(self, name: str) -> Team | None:
        with self.ws.reading() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM team WHERE name = ?", (" ".join(name.split()),)
            ).fetchone()
        return _row(row) if row else None

    def add(
        self, name: str, *, kind: str = "other", email: str = "", webhook_url: str = ""
    ) -> Team:
        name = " ".join(name.split())
        if not name:
            raise InvalidData(_("A team needs a name."))
        check_known(kind, TEAM_KINDS, _("team kind"))
        email = email.strip()
        if email and "@" not in email:
            raise InvalidData(_("“{email}” is not an e-mail address.").format(email=email))
        webhook_url = webhook_url.strip()
        if webhook_url and not webhook_url.lower().startswith(("https://", "http://")):
            raise InvalidData(
                _("“{url}” is not a web address (it must start with http:// or https://).").format(
                    url=webhook_url
                )
            )
        with self.ws.atomic() as db:
            if db.execute("SELECT 1 FROM team WHERE name = ?", (name,)).fetchone():
                raise InvalidData(_("A team named “{name}” already exists.").format(name=name))
            cursor = db.execute(
                "INSERT INTO team(name, kind, email, webhook_url, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (name, kind, email, webhook_url, iso_now()),
            )
            self.ws.record("team.added", name)
            team_id = int(cursor.lastrowid or 0)
        return self.get(team_id)

    def remove(self, team_id: int) -> Changes:
        """Interactions assigned to the team stay, unassigned (ON DELETE SET NULL)."""
        with self.ws.atomic() as db:
            current = self.get(team_id)
            db.execute("DELETE FROM team WHERE id = ?", (team_id,))
            self.ws.record("team.removed", current.name)
        return Changes(teams=True, interactions=True, activity=True)
