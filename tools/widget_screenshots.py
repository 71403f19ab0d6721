"""Screenshots of the answering widgets, each alone, on a client with sample data.

These widgets (inbox rules, canned replies, escalation, tone, playbook, segments) are
embedded in several views; drawn alone here, so each can be checked for clipped text in
both languages. Run under a real X server, like tools/screenshots.py:
`xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tools/widget_screenshots.py`.
`--extra` adds the empty states and the reply dialog (for review, not for the guide).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--languages", default="fr,en")
    parser.add_argument("--extra", action="store_true")
    parser.add_argument(
        "--publishing", action="store_true", help="the publishing windows instead (for review)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

    from PySide6.QtWidgets import QApplication

    from cmdesk.app import install_translators
    from cmdesk.core.client import ClientProfile
    from cmdesk.i18n import set_language
    from cmdesk.store.demo_answering import populate_answering
    from cmdesk.store.workspace import Workspace

    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        profile = ClientProfile(name="Le Fournil de Léa", slug="fournil", timezone="Europe/Paris")
        ws = Workspace.create(Path(tmp) / "fournil.cmdesk", profile)
        empty = Workspace.create(Path(tmp) / "vide.cmdesk", ClientProfile(name="Vide", slug="v"))
        populate_answering(ws)
        for language in args.languages.split(","):
            set_language(language)
            install_translators(app, language)
            found = publishing_shots(ws) if args.publishing else shots(ws, empty, args.extra)
            for name, make, size in found:
                widget = make()
                widget.resize(*size)
                widget.show()
                settle(app)
                kind = "publishing" if args.publishing else "answering"
                prefix = "" if name.startswith("reports-") else f"{kind}-"
                path = args.out / f"{language}-{prefix}{name}.png"
                widget.grab().save(str(path))
                print(f"  {path}")
                widget.close()
                widget.deleteLater()
                settle(app)
        ws.close()
        empty.close()
    return 0


def shots(ws: Any, empty: Any, extra: bool) -> list[tuple[str, Callable[[], Any], tuple[int, int]]]:
    from cmdesk.core.clock import utc_now
    from cmdesk.ui.dialogs.inbox_rule import InboxRuleDialog
    from cmdesk.ui.dialogs.objectives import FiguresDialog, ObjectivesDialog
    from cmdesk.ui.tasks import SyncTaskManager
    from cmdesk.ui.views.playbook import PlaybookView
    from cmdesk.ui.widgets.canned_replies import CannedRepliesPanel, ReplyDialog, ReplyPicker
    from cmdesk.ui.widgets.escalation import EscalationEditor
    from cmdesk.ui.widgets.inbox_rules import InboxRulesPanel
    from cmdesk.ui.widgets.segments import SegmentsPanel
    from cmdesk.ui.widgets.tone_panel import TonePanel

    tasks = SyncTaskManager()

    def panel(cls: Any, workspace: Any = ws) -> Callable[[], Any]:
        def make() -> Any:
            widget = cls(tasks, interactive=False)
            widget.set_workspace(workspace)
            return widget

        return make

    def rule_dialog() -> Any:
        dialog = InboxRuleDialog(ws, tasks, ws.rules.all()[0])
        dialog.run_test()
        return dialog

    def picker() -> Any:
        anonymous = ws.interactions.add("Quels sont vos horaires ?", channel="x")
        dialog = ReplyPicker(ws, tasks, interaction_id=anonymous.id)
        dialog.search.setText("horaires")
        return dialog

    def tone(workspace: Any = ws) -> Callable[[], Any]:
        def make() -> Any:
            widget = TonePanel()
            widget.set_workspace(workspace)
            return widget

        return make

    def playbook() -> Any:
        view = panel(PlaybookView)()
        view.sections.setCurrentRow(1)
        return view

    def objectives() -> Any:
        if not ws.objectives.all():
            within = {"type": "complaint", "minutes": 120}
            ws.objectives.add("Réclamations en 2 h", "answered_within", 90, within)
            ws.objectives.add("Première réponse en 1 h", "first_answer_median", 60)
            ws.objectives.add("12 publications", "posts_published", 12)
            gain = {"network": "instagram", "figure": "followers", "gain": True}
            ws.objectives.add("+200 abonnés Instagram", "figure", 200, gain)
        return ObjectivesDialog(ws, tasks)

    def figures() -> Any:
        if not ws.figures.all():
            year = utc_now().year
            months = ((1480, 5200), (1530, 6100), (1610, 4800), (1700, 7300))
            for month, (followers, reach) in enumerate(months, 1):
                ws.figures.set("instagram", "followers", f"{year}-{month:02d}", followers)
                ws.figures.set("instagram", "reach", f"{year}-{month:02d}", reach)
                ws.figures.set("facebook", "followers", f"{year}-{month:02d}", followers // 3)
        return FiguresDialog(ws, tasks)

    found = [
        ("reports-objectives", objectives, (820, 360)),
        ("reports-figures", figures, (1000, 360)),
        ("rules", panel(InboxRulesPanel), (900, 420)),
        ("rule-dialog", rule_dialog, (920, 760)),
        ("reply-picker", picker, (820, 440)),
        ("replies", panel(CannedRepliesPanel), (640, 460)),
        ("escalation", panel(EscalationEditor), (820, 620)),
        ("tone", tone(), (340, 520)),
        ("playbook", playbook, (1200, 640)),
        ("segments", panel(SegmentsPanel), (1000, 520)),
    ]
    if extra:
        found += [
            ("empty-rules", panel(InboxRulesPanel, empty), (900, 300)),
            ("empty-replies", panel(CannedRepliesPanel, empty), (640, 300)),
            ("empty-escalation", panel(EscalationEditor, empty), (820, 520)),
            ("empty-tone", tone(empty), (340, 300)),
            ("empty-playbook", panel(PlaybookView, empty), (1200, 500)),
            ("empty-segments", panel(SegmentsPanel, empty), (1000, 420)),
            ("reply-dialog", lambda: ReplyDialog(ws, ws.replies.search()[0]), (720, 560)),
        ]
    return found


def publishing_shots(ws: Any) -> list[tuple[str, Callable[[], Any], tuple[int, int]]]:
    """The publishing windows on sample posts: late posts, assisted publishing, an unknown
    post beside the account's latest posts (canned: no network here), reconnecting."""
    from datetime import timedelta

    from cmdesk.core.clock import utc_now
    from cmdesk.core.schedule import to_local
    from cmdesk.publish.base import RemotePost
    from cmdesk.ui.dialogs.assisted import AssistedDialog
    from cmdesk.ui.dialogs.late_posts import LatePostsDialog
    from cmdesk.ui.dialogs.reconnect import ReconnectDialog
    from cmdesk.ui.dialogs.unknown_post import CheckUnknownDialog
    from cmdesk.ui.tasks import SyncTaskManager

    tasks = SyncTaskManager()
    now = utc_now().replace(microsecond=0)
    if not ws.posts.page():
        toot = ws.accounts.add("mastodon", "https://piaille.fr", "fournil@piaille.fr",
                               label="Fournil (Mastodon)")  # fmt: skip
        ws.accounts.set_needs_reconnect(toot.id, now.isoformat())
        texts = [
            ("Fermé lundi 1er mai : rendez-vous mardi dès 7 h pour la fournée !", "mastodon", 3),
            ("Nouvelle miche au levain, pétrie à la main #pain #levain", "instagram", 2),
            ("Notre galette des rois est de retour tout le mois de janvier.", "bluesky", 1),
        ]
        for text, channel, days in texts:
            post = ws.posts.create(text, [channel])
            if channel == "instagram":
                ws.posts.add_media(post.id, _sample_png(), "Une miche dorée", filename="miche.png")
            ws.posts.schedule(post.id, to_local(now - timedelta(days=days), "Europe/Paris"))
        lost = ws.posts.create("La recette de la fougasse aux olives, pas à pas.", ["mastodon"])
        ws.posts.schedule(lost.id, to_local(now - timedelta(hours=1), "Europe/Paris"))
        variant = ws.posts.get(lost.id).variants[0]
        ws.posts.claim(variant.id)
        ws.posts.outcome_unknown(variant.id, "Pas de réponse de piaille.fr dans les 30 secondes.")

    class Canned:
        def __init__(self, account: Any) -> None:
            self.account = account

        def recent(self, limit: int = 20) -> list[Any]:
            return [
                RemotePost("3", "https://piaille.fr/@fournil/3",
                           "La recette de la fougasse aux olives, pas à pas.",
                           created_at=now - timedelta(minutes=58)),
                RemotePost("2", "https://piaille.fr/@fournil/2",
                           "Merci pour vos messages après la fête du pain !",
                           created_at=now - timedelta(days=2)),
                RemotePost("1", "https://piaille.fr/@fournil/1",
                           "Les croissants sortent du four à 7 h.",
                           created_at=now - timedelta(days=4)),
            ]  # fmt: skip

        def close(self) -> None:
            pass

    late = ws.posts.due(now - timedelta(minutes=5), 100)
    by_hand = [v for v in late if v.channel == "instagram"]
    account = next(a for a in ws.accounts.all() if a.needs_reconnect)
    return [
        ("late-posts", lambda: LatePostsDialog(ws, late), (980, 360)),
        ("assisted", lambda: AssistedDialog(ws, tasks, by_hand), (720, 600)),
        (
            "check-unknown",
            lambda: CheckUnknownDialog(ws, tasks, ws.posts.needing_check(), lambda w: Canned, None),
            (920, 560),
        ),
        ("reconnect", lambda: ReconnectDialog(ws, tasks, account, lambda w: None), (560, 330)),
    ]


def _sample_png() -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#c8893b"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def settle(app: Any) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    for _ in range(5):
        app.processEvents()
    loop = QEventLoop()
    QTimer.singleShot(200, loop.quit)
    loop.exec()


if __name__ == "__main__":
    sys.exit(main())
