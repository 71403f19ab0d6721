"""Screenshots of the editorial calendar, the "Schedule…" dialog, the daylight-saving
question and the posting slots editor, on a client with sample posts in March 2026 (the
month the clocks go forward in Paris). Run under a real X server, like the others:
`xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tools/calendar_screenshots.py`.
`--dark` draws them in the dark theme too (for review).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from widget_screenshots import settle

MONTH = date(2026, 3, 1)
SAMPLES = [
    # day, hour, minute, channels, state, text
    (2, 9, 0, ["mastodon", "bluesky"], "published", "Nouvelle miche au levain, pétrie à la main"),
    (3, 12, 30, ["instagram"], "published", "Les croissants sortent du four à 7 h"),
    (5, 9, 0, ["mastodon"], "published", "Recette : la fougasse aux olives, pas à pas"),
    (6, 18, 0, ["facebook"], "failed", "Concours : gagnez un atelier pain"),
    (10, 9, 0, ["mastodon", "bluesky"], "scheduled", "Portrait : Léa, apprentie boulangère"),
    (10, 12, 0, ["linkedin"], "scheduled", "Nous recrutons un ou une apprentie"),
    (10, 17, 30, ["instagram"], "scheduled", "Les coulisses du fournil à 4 h du matin"),
    (12, 9, 0, ["wordpress"], "scheduled", "Blog : pourquoi le levain se digère mieux"),
    (12, 11, 0, ["x"], "scheduled", "Fermé lundi 16 mars pour inventaire"),
    (12, 16, 0, ["mastodon"], "scheduled", "Le pain de la semaine : seigle et noix"),
    (12, 18, 0, ["bluesky"], "scheduled", "Merci pour vos messages !"),
    (12, 19, 0, ["facebook"], "scheduled", "Rappel : commandes de Pâques ouvertes"),
    (17, 9, 0, ["mastodon", "bluesky", "instagram"], "approved", "Printemps : la tarte rhubarbe"),
    (19, 9, 0, ["mastodon"], "draft", "Sondage : quel pain pour le week-end ?"),
    (20, 8, 0, ["instagram"], "scheduled", "Vidéo : le façonnage"),
    (24, 9, 0, ["mastodon"], "scheduled", "Nos horaires d'été à partir du 30 mars"),
    (26, 9, 0, ["mastodon", "bluesky"], "scheduled", "Atelier enfants samedi"),
    (26, 13, 0, ["wordpress"], "draft", "Blog : choisir sa farine"),
    (28, 10, 0, ["instagram"], "scheduled", "La vitrine de Pâques"),
    (29, 9, 30, ["facebook"], "idea", "Changement d'heure : on ouvre à l'heure d'été"),
    (31, 9, 0, ["linkedin"], "in_review", "Bilan du premier trimestre"),
]
IDEAS = [
    ("Idée : une série « un métier, une photo »", ["instagram"]),
    ("Interview du meunier qui nous livre", []),
    ("Calendrier de l'Avent des viennoiseries", ["mastodon", "bluesky"]),
]


def populate(ws: Any) -> None:
    from cmdesk.core.posts import PostState
    from cmdesk.core.schedule import Slot

    for day, hour, minute, channels, state, text in SAMPLES:
        post = ws.posts.create(
            text, channels, state=PostState.IDEA if state == "idea" else PostState.DRAFT
        )
        wall = datetime(MONTH.year, MONTH.month, day, hour, minute)
        if state in ("scheduled", "published", "failed"):
            ws.posts.schedule(post.id, wall)
        else:
            ws.posts.reschedule(post.id, wall)
            if state == "approved":
                ws.posts.set_state(post.id, PostState.APPROVED)
            elif state == "in_review":
                ws.posts.set_state(post.id, PostState.IN_REVIEW)
        for variant in ws.posts.get(post.id).variants:
            if state == "published":
                ws.posts.claim(variant.id, now=wall.astimezone() + timedelta(days=400))
                ws.posts.confirm(variant.id, f"{post.id}", f"https://example.org/{post.id}")
            elif state == "failed":
                ws.posts.claim(variant.id, now=wall.astimezone() + timedelta(days=400))
                ws.posts.fail(variant.id, "Refusé par le réseau")
    for text, channels in IDEAS:
        ws.posts.create(text, channels, state=PostState.IDEA)
    for channel, slot in [
        ("mastodon", "tue 09:00"),
        ("mastodon", "thu 09:00"),
        ("bluesky", "mon 18:00"),
        ("instagram", "fri 17:30"),
    ]:
        ws.posts.add_slot(channel, Slot.parse(slot))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--languages", default="fr,en")
    parser.add_argument("--dark", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

    from PySide6.QtWidgets import QApplication

    from cmdesk.app import install_translators
    from cmdesk.core.client import ClientProfile
    from cmdesk.i18n import set_language
    from cmdesk.store.workspace import Workspace
    from cmdesk.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv)
    themes = ["light", "dark"] if args.dark else ["light"]
    with tempfile.TemporaryDirectory() as tmp:
        profile = ClientProfile(name="Le Fournil de Léa", slug="fournil", timezone="Europe/Paris")
        ws = Workspace.create(Path(tmp) / "fournil.cmdesk", profile)
        populate(ws)
        for theme in themes:
            apply_theme(app, theme)
            if theme == "dark":  # Xvfb has no platform theme to follow the scheme
                app.setPalette(dark_palette())
            suffix = "" if theme == "light" else "-dark"
            for language in args.languages.split(","):
                set_language(language)
                install_translators(app, language)
                for name, make, size in shots(ws):
                    widget = make()
                    widget.resize(*size)
                    widget.show()
                    settle(app)
                    path = args.out / f"{language}-calendar-{name}{suffix}.png"
                    widget.grab().save(str(path))
                    print(f"  {path}")
                    widget.close()
                    widget.deleteLater()
                    settle(app)
        ws.close()
    return 0


def dark_palette() -> Any:
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    role = QPalette.ColorRole
    for name, colour in {
        role.Window: "#2b2b2b",
        role.WindowText: "#e6e6e6",
        role.Base: "#1f1f1f",
        role.AlternateBase: "#292929",
        role.Text: "#e6e6e6",
        role.Button: "#353535",
        role.ButtonText: "#e6e6e6",
        role.Highlight: "#3d7dd8",
        role.HighlightedText: "#ffffff",
        role.PlaceholderText: "#8c8c8c",
        role.Mid: "#4a4a4a",
        role.Link: "#6fb1ff",
        role.ToolTipBase: "#353535",
        role.ToolTipText: "#e6e6e6",
    }.items():
        palette.setColor(name, QColor(colour))
    return palette


def shots(ws: Any) -> list[tuple[str, Callable[[], Any], tuple[int, int]]]:
    from cmdesk.core.schedule import resolve
    from cmdesk.ui.dialogs.schedule import DstChoiceDialog, ScheduleDialog
    from cmdesk.ui.tasks import SyncTaskManager
    from cmdesk.ui.views.calendar import CalendarView
    from cmdesk.ui.views.posting_slots import PostingSlotsEditor

    tasks = SyncTaskManager()

    def calendar(week: bool) -> Callable[[], Any]:
        def make() -> Any:
            view = CalendarView(tasks, interactive=False)
            view.set_workspace(ws)
            view.go_to(date(2026, 3, 23) if week else MONTH)
            if week:
                view.show_week()
            return view

        return make

    def slots() -> Any:
        editor = PostingSlotsEditor(tasks, interactive=False)
        editor.set_workspace(ws)
        return editor

    def schedule() -> Any:
        draft = next(p for p in ws.posts.page() if p.state.value == "approved")
        return ScheduleDialog(ws, tasks, draft, interactive=False)

    return [
        ("month", calendar(False), (1280, 760)),
        ("week", calendar(True), (1280, 760)),
        ("schedule", schedule, (620, 230)),
        ("gap", lambda: DstChoiceDialog(resolve(datetime(2026, 3, 29, 2, 30), "Europe/Paris")),
         (560, 200)),
        ("overlap", lambda: DstChoiceDialog(resolve(datetime(2026, 10, 25, 2, 30), "Europe/Paris")),
         (560, 200)),
        ("slots", slots, (760, 360)),
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
