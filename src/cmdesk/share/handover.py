"""Handing a client over to the client's own staff: a folder with a copy of the workspace
that carries no credential, the playbook as PDF, and a short guide for the recipient.

The consultant who set the job up keeps working from their own file; the copy is a new
workspace of the same client (a new identity, so both can live on one machine without
sharing backups), without the publishing accounts: their tokens live in the consultant's
keyring and must never travel, and the recipient connects the client's accounts with
their own access. The copy is vacuumed with secure_delete, so the removed rows cannot be
read back from its free pages. The guide is written in the client's language.
"""

from __future__ import annotations

import gettext
import html
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cmdesk.core.errors import InvalidData
from cmdesk.i18n import N_, _, translations
from cmdesk.share.playbook import export as export_playbook
from cmdesk.store.backup import online_copy, verify_backup
from cmdesk.store.workspace import Workspace

Progress = Callable[[int, int], None]
_PLAYBOOK_NAME = N_("playbook")  # file names, in the client's language
_GUIDE_NAME = N_("READ-ME")
_INTRO = N_("This folder holds everything to carry on the community management of this client.")
_FIRST_STEPS = N_("First steps")
_EVERY_DAY = N_("Every day")


@dataclass
class Handover:
    folder: Path
    workspace: Path
    playbook: Path
    guide: Path
    accounts_removed: list[str] = field(default_factory=list)  # "Mastodon: @x@server"

    def as_json(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "workspace": str(self.workspace),
            "playbook": str(self.playbook),
            "guide": str(self.guide),
            "accounts_removed": self.accounts_removed,
        }


def hand_over(ws: Workspace, folder: Path, *, progress: Progress | None = None) -> Handover:
    """Write the handover folder (new or empty); nothing is left half-made on failure."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise InvalidData(
            _("{path} is not empty: choose a new or empty folder.").format(path=folder)
        )
    profile = ws.profile()
    tr = translations(profile.language)
    t = tr.gettext
    building = folder.with_name(f".{folder.name}.handover")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    try:
        copy = building / f"{profile.slug}.cmdesk"
        online_copy(ws.path, copy, progress)
        removed = _strip_credentials(copy)
        verify_backup(copy)
        playbook = building / f"{t(_PLAYBOOK_NAME)}-{profile.slug}.pdf"
        export_playbook(ws.playbook.document(), playbook, "pdf")
        guide = building / f"{t(_GUIDE_NAME)}.html"
        guide.write_text(_guide(ws, tr, copy.name, playbook.name, removed), encoding="utf-8")
        if folder.exists():
            folder.rmdir()  # empty, checked above
        os.replace(building, folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return Handover(
        folder, folder / copy.name, folder / playbook.name, folder / guide.name, removed
    )


def _strip_credentials(path: Path) -> list[str]:
    """Remove the publishing accounts from the copy (posts keep their networks: the
    recipient's own accounts take their place), give it its own identity, and vacuum."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA foreign_keys = ON")  # variants' accounts become "none yet"
        db.execute("PRAGMA secure_delete = ON")
        removed = [
            f"{network}: {username}" + (f" ({server})" if server else "")
            for network, username, server in db.execute(
                "SELECT network, username, server FROM account ORDER BY id"
            )
        ]
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM account")
        db.execute("UPDATE client SET uid = ? WHERE id = 1", (uuid.uuid4().hex,))
        db.execute("COMMIT")
        db.execute("VACUUM")
    finally:
        db.close()
    return removed


_GUIDE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
  max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.55; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 1.8rem; } code { background: #f3f3f3; }
li { margin: .3rem 0; }
"""


def _guide(
    ws: Workspace, tr: gettext.NullTranslations, workspace: str, playbook: str, removed: list[str]
) -> str:
    """The recipient's first page: what the folder holds and the first steps."""
    t = tr.gettext
    profile = ws.profile()
    sources, topics = len(ws.sources.all()), len(ws.topics.all())
    ready = ", ".join(
        (
            tr.ngettext("{count} source", "{count} sources", sources).format(count=sources),
            tr.ngettext("{count} watch topic", "{count} watch topics", topics).format(count=topics),
        )
    )
    e = html.escape

    def item(text: str) -> str:
        return f"<li>{text}</li>"

    # Our own catalogue's text is escaped, then the file names go in as code.
    steps = [
        e(t(N_("Install cmdesk (free) on your computer."))),
        e(t(N_("Copy {file} where you keep your work, then double-click it: cmdesk opens "
               "it."))).format(file=f"<code>{e(workspace)}</code>"),
        e(t(N_("In Settings, check the time zone and the language of the client."))),
        e(t(N_("In Posts → Accounts, connect the client's accounts with your own access "
               "(for security, passwords and tokens are never handed over)."))),
        e(t(N_("Read the playbook ({file}): tone of voice, who answers what, crisis "
               "procedure."))).format(file=f"<code>{e(playbook)}</code>"),
    ]  # fmt: skip
    daily = [
        t(N_("Monitoring: read the new mentions and the alerts (already set up: {ready}).")
          ).format(ready=ready),
        t(N_("Interactions: answer what is overdue first, then the rest; route feedback to "
             "the teams concerned.")),
        t(N_("Posts: check the calendar and what waits for approval.")),
        t(N_("Backups are made automatically; keep a copy of the file elsewhere too.")),
    ]  # fmt: skip
    schedules = len(ws.deliveries.schedules())
    if schedules:
        # The schedules travel with the file; the mail server is the recipient's own.
        daily.append(
            tr.ngettext(
                "{count} scheduled sending (digests, reports) is kept: it starts once your "
                "mail server is set in Settings → Deliveries.",
                "{count} scheduled sendings (digests, reports) are kept: they start once your "
                "mail server is set in Settings → Deliveries.",
                schedules,
            ).format(count=schedules)
        )
    accounts = (
        "<h2>" + e(t(N_("Accounts to connect again"))) + "</h2><ul>"
        + "".join(item(e(a)) for a in removed) + "</ul>"
        if removed else ""
    )  # fmt: skip
    title = t(N_("Handover of {client}")).format(client=profile.name)
    return (
        f'<!DOCTYPE html><html lang="{e(profile.language)}"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>{_GUIDE_CSS}</style></head><body>"
        f"<h1>{e(title)}</h1>"
        f"<p>{e(t(_INTRO))}</p>"
        f"<h2>{e(t(_FIRST_STEPS))}</h2><ol>{''.join(item(s) for s in steps)}</ol>"
        f"{accounts}"
        f"<h2>{e(t(_EVERY_DAY))}</h2><ul>{''.join(item(e(s)) for s in daily)}</ul>"
        "</body></html>"
    )
