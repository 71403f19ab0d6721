"""The demo client: a French artisan bakery with an online shop, built locally.

Each section adds its own demo data here as it is built, so the demo always
exercises the whole app. Nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path

from cmdesk.store import backup as backups
from cmdesk.store.demo_monitoring import populate_monitoring
from cmdesk.store.home import create_client, find_client
from cmdesk.store.lock import WorkspaceLock
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace

DEMO_SLUG = "demo-fournil-de-lea"
DEMO_NAME = "Le Fournil de Léa"

_LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
<rect width="128" height="128" rx="24" fill="#b5651d"/>
<ellipse cx="64" cy="70" rx="44" ry="26" fill="#f3d19c"/>
<path d="M38 62 q8 -10 16 0 M58 58 q8 -10 16 0 M78 62 q8 -10 16 0" stroke="#b5651d"
 stroke-width="5" fill="none" stroke-linecap="round"/>
<text x="64" y="116" font-family="sans-serif" font-size="16" font-weight="bold"
 fill="#fff" text-anchor="middle">Fournil</text>
</svg>
"""

_NOTES = """Boulangerie artisanale à Lyon (Croix-Rousse), deux boutiques et une boutique en ligne
(click & collect, coffrets de Noël livrés en France).
Contact client : Léa Martin (gérante), Thomas (responsable boutique en ligne).
Objectifs 2026 : faire connaître le click & collect, répondre aux avis Google sous 24 h,
préparer la saison des galettes (janvier).
"""

_PLAYBOOK_TONE = (
    "Chaleureux, simple, tutoiement sur Instagram, vouvoiement ailleurs. "
    "On signe « Léa et l'équipe du Fournil ». Jamais de promesse de délai de livraison."
)


def build_demo(home: Home, *, reset: bool = False) -> Path:
    """Create the demo client (or rebuild it with `reset`, after a backup); returns its path."""
    home.ensure()
    path = home.workspace_path(DEMO_SLUG)
    if path.exists():
        if not reset:
            return find_client(home, DEMO_SLUG)
        # Held while the file goes, so a demo open in the app is never pulled from under it.
        with WorkspaceLock(path, app="cmdesk demo"):
            backups.backup(home, path, "final")
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
    with create_client(
        home,
        DEMO_NAME,
        slug=DEMO_SLUG,
        app="cmdesk demo",
        language="fr",
        timezone="Europe/Paris",
        sector="Food and hospitality",
        keywords=(
            "Fournil de Léa",
            "Fournil Croix-Rousse",
            "Léa Martin",
            "galette des rois",
            "pain au levain",
            "click & collect",
        ),
        colour="#b5651d",
        notes=_NOTES,
        logo=_LOGO.encode(),
        logo_mime="image/svg+xml",
    ) as ws:
        populate(ws)
    return path


def populate(ws: Workspace) -> None:
    with ws.atomic():
        ws.set_setting("demo", True)
        ws.set_setting("playbook.tone", _PLAYBOOK_TONE)
        ws.set_setting("response_target_hours", {"high": 2, "normal": 24, "low": 72})
        ws.record("demo.created", "Le Fournil de Léa", actor="cmdesk")
    populate_monitoring(ws)
