"""Screenshots of every section on the demo client, for the user guide and for review.

Run under a real X server: `make screenshots` (xvfb-run), so fonts, styles and sizes are
those of a desktop session; each PNG is the window's content as drawn there.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--languages", default="fr,en")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

    from cmdesk.app import GuiApp, install_translators
    from cmdesk.i18n import set_language
    from cmdesk.store.demo import build_demo
    from cmdesk.store.paths import Home
    from cmdesk.ui.views.sections import SECTIONS

    with tempfile.TemporaryDirectory() as tmp:
        home = Home(Path(tmp) / "home")
        gui = GuiApp(home, smoke=True)
        app = gui.qapp
        demo = build_demo(home)
        log_samples(demo)
        for language in args.languages.split(","):
            gui.prefs.language = language
            set_language(language)
            install_translators(app, language)
            window = gui.build_window()
            window.resize(1280, 800)
            window.show()

            def settle() -> None:
                for _ in range(5):
                    app.processEvents()
                loop_wait(app, 150)

            settle()
            grab(window, args.out / f"{language}-welcome.png", app)
            window.open_workspace(demo)
            for i, section in enumerate(SECTIONS, start=1):
                window.show_section(section.key)
                if section.key == "reports":  # the demo's days, whatever today's date
                    view = window.reports_view
                    view.picker.set_text("30d")
                    for _attempt in range(100):  # counted in the background
                        if view.dashboard is not None and not window.tasks.running:
                            break
                        loop_wait(app, 100)
                settle()
                grab(window, args.out / f"{language}-{i}-{section.key}.png", app)
            dialogs(window, home, language, args.out, app, settle)
            composer(window, language, args.out, app, settle)
            csv_import(window, Path(tmp), language, args.out, app, settle)
            window.close()
            window.deleteLater()
            settle()
        gui.tasks.wait()
    print(f"Screenshots written to {args.out}")
    return 0


def log_samples(path: Path) -> None:
    """A few interactions, contacts and teams in the demo, so the Interactions and
    Contacts screens show a day's work rather than their empty state."""
    from datetime import UTC, datetime, timedelta

    from cmdesk.store.workspace import Workspace

    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with Workspace.open(path) as ws:
        sav = ws.teams.add("Service client", kind="customer_service", email="sav@fournil.example")
        ws.teams.add("Boutique en ligne", kind="product", email="thomas@fournil.example")
        lea = ws.contacts.add("Léa Bonnet", handles=[("instagram", "@lea_b")], tags=["client"])
        marc = ws.contacts.add("Marc Jourdan", handles=[("x", "@marcj")], tags=["journaliste"])
        nina = ws.contacts.add(handles=[("facebook", "nina.croix")])
        samples = (
            (
                "Commande click & collect jamais prête à l'heure, très déçue.",
                "https://www.instagram.com/p/C1x/",
                lea.id,
                3,
            ),
            (
                "Est-ce que vous livrez les coffrets de Noël à Villeurbanne ?",
                "https://www.facebook.com/fournildelea/posts/88",
                nina.id,
                5,
            ),
            (
                "Bonjour, je prépare un article sur les boulangeries au levain de Lyon. "
                "Seriez-vous disponibles pour un entretien ?",
                "mailto:marc@presse.example",
                marc.id,
                9,
            ),
            (
                "Merci pour l'accueil ce matin, les croissants sont délicieux !",
                "https://www.google.com/maps/place/fournil",
                lea.id,
                26,
            ),
            (
                "Vous devriez ouvrir le dimanche après-midi.",
                "https://mastodon.social/@lyon/4",
                None,
                30,
            ),
            (
                "Le pain était brûlé dessous, dommage.",
                "https://fr.trustpilot.com/review/x",
                None,
                50,
            ),
        )
        made = [
            ws.interactions.add(text, link=link, contact_id=who,
                                occurred_at=now - timedelta(hours=hours))
            for text, link, who, hours in samples
        ]  # fmt: skip
        ws.interactions.assign([made[0].id], sav.id)
        ws.interactions.set_status([made[0].id], "waiting_team")
        ws.interactions.set_priority([made[0].id], 2)
        ws.interactions.record_reply(
            made[3].id, "Merci Léa ! À très vite au Fournil.", at=now - timedelta(hours=24)
        )
        ws.interactions.set_status([made[5].id], "in_progress")
        post_samples(ws, now)


def post_samples(ws, now) -> None:
    """Posts in every editing state, one scheduled, with comments and an image, so the
    Posts section shows a week's work."""
    from datetime import timedelta

    from cmdesk.core.posts import PostState as S

    galette = ws.posts.create(
        "La galette des rois est de retour ! Frangipane maison, fève en porcelaine "
        "de Limoges. Réservez la vôtre en boutique ou en ligne 👑",
        ["mastodon", "instagram", "facebook"],
        title="Galette des rois",
        link="https://fournil.fr/galette",
        actor="camille",
    )
    ws.posts.add_media(galette.id, sample_png(), "Une galette dorée sur un plateau en bois",
                       filename="galette.png", actor="camille")  # fmt: skip
    ws.posts.set_state(galette.id, S.IN_REVIEW, actor="camille")
    ws.posts.add_comment(galette.id, "Le prix de la part est-il à jour ?", author="camille")
    ws.posts.add_comment(galette.id, "Photo validée par Léa.", for_client=True, author="camille")
    levain = ws.posts.create(
        "Notre pain au levain, 48 h de fermentation : voici pourquoi ça change tout.",
        ["wordpress", "linkedin"],
        title="Pourquoi le levain prend son temps",
        actor="camille",
    )
    ws.posts.set_state(levain.id, S.IN_REVIEW, actor="camille")
    ws.posts.set_state(levain.id, S.CHANGES_REQUESTED, actor="lea", note="Citer le meunier.")
    horaires = ws.posts.create(
        "Horaires de fêtes : ouvert le 24 jusqu'à 18 h, fermé le 25.",
        ["mastodon", "bluesky", "x"],
        actor="camille",
    )
    ws.posts.set_state(horaires.id, S.APPROVED, actor="lea")
    day = (now + timedelta(days=3)).astimezone(ws.profile().zone).replace(tzinfo=None)
    ws.posts.schedule(horaires.id, day.replace(hour=9, minute=0), actor="camille")
    ws.posts.create("Atelier pain pour les enfants pendant les vacances ?", (),
                    state=S.IDEA, actor="camille")  # fmt: skip


def sample_png() -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#d9a441"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def composer(window, language: str, out: Path, app, settle) -> None:
    """The composer on a post in review: its counters, then one network's tab."""
    from cmdesk.core.networks import Network
    from cmdesk.ui.dialogs.composer import ComposerDialog

    ws = window.workspace
    post = next(p for p in ws.posts.page() if p.title == "Galette des rois")
    dialog = ComposerDialog(ws, window.tasks, window, post_id=post.id)
    dialog.channel_boxes[Network.X].setChecked(True)
    dialog.resize(900, 760)
    dialog.show()
    settle()
    grab(dialog, out / f"{language}-dialog-composer.png", app)
    dialog.tabs.setCurrentWidget(dialog.editors[Network.X])
    settle()
    grab(dialog, out / f"{language}-dialog-composer-x.png", app)
    dialog.dirty = False
    dialog.close()


def dialogs(window, home, language: str, out: Path, app, settle) -> None:
    """The dialogs a new user meets: first run, new client, client switcher."""
    from cmdesk.store import home as clients
    from cmdesk.ui.dialogs.add_source import AddSourceDialog
    from cmdesk.ui.dialogs.first_run import FirstRunDialog
    from cmdesk.ui.dialogs.new_client import NewClientDialog
    from cmdesk.ui.dialogs.switcher import ClientSwitcher
    from cmdesk.ui.dialogs.topic import TopicDialog

    clients.create_client(home, "Zoé Fleurs", sector="Retail").close()
    ws = window.workspace
    from cmdesk.ui.dialogs.capture import CaptureDialog
    from cmdesk.ui.dialogs.erase_contact import EraseDialog

    capture = CaptureDialog(
        ws,
        window,
        text="Commande jamais reçue, personne ne répond au téléphone. Très déçue !",
        link="https://www.instagram.com/p/Zx9/",
    )
    capture.contact_edit.setText("@lea_b")
    lea = next(c for c in ws.contacts.all() if c.name == "Léa Bonnet")
    erase = EraseDialog(lea, 2, home.backups_dir(ws.path), window)
    topic_dialog = TopicDialog(ws, None, window)
    topic_dialog.name.setText("Livraisons")
    topic_dialog.any_words.setText("livraison colis commande")
    topic_dialog.none_words.setText("rapide")
    topic_dialog.write_query()
    from cmdesk.ui.dialogs.report import DigestDialog, ReportDialog

    report = ReportDialog(ws, window.tasks, window, period="30d", interactive=False)
    report.notes["recommendations"].setPlainText(
        "Répondre aux avis Google le jour même, surtout le week-end.\n\n"
        "Mettre en avant le click & collect dans les stories."
    )
    report.notes["plan"].setPlainText("Préparer la saison des galettes : trois publications.")
    digest = DigestDialog(ws, window.tasks, window, period="30d", interactive=False)
    for name, dialog in (
        ("report", report),
        ("digest", digest),
        ("capture", capture),
        ("erase-contact", erase),
        ("topic", topic_dialog),
        ("add-source", AddSourceDialog(window.tasks, ws.sources.categories(), window)),
        ("first-run", FirstRunDialog(language)),
        ("new-client", NewClientDialog(window)),
        (
            "switcher",
            ClientSwitcher(clients.list_clients(home), [], window.workspace.path, window),
        ),
    ):
        dialog.show()
        settle()
        grab(dialog, out / f"{language}-dialog-{name}.png", app)
        dialog.close()


# A French Excel export of a page's comments, with one date that is not one.
SAMPLE_CSV = """Date;Heure;Réseau;Auteur;Message;Lien
03/03/2026;08:12;Facebook;@ines_m;"Colis jamais reçu, service client injoignable depuis 5 jours !";https://www.facebook.com/fournil/posts/101
03/03/2026;09h40;Instagram;zoe.bzh;"Le flan pâtissier de samedi était une merveille, merci à toute l'équipe";https://www.instagram.com/p/Cx12AbC/
04/03/2026;14:05;Avis Google;Noël Dupré;"Accueil glacial, j'ai attendu 20 minutes pour une baguette.";https://maps.google.com/?cid=123
hier;17:30;Facebook;@marc_lyon;Vous ouvrez le lundi de Pâques ?;https://www.facebook.com/fournil/posts/102
06/03/2026;11:00;Twitter;@lea_b;"Vous devriez ouvrir le dimanche après-midi";https://x.com/lea_b/status/1765
"""


def csv_import(window, tmp: Path, language: str, out: Path, app, settle) -> None:
    """Each step of the CSV import: the file, the columns and preview, the progress,
    the broken rows and the choice, the summary."""
    from cmdesk.core.csv_read import number
    from cmdesk.i18n import _, ngettext
    from cmdesk.ui.dialogs.csv_import import CsvImportDialog

    sample = tmp / "commentaires-facebook.csv"
    sample.write_bytes(SAMPLE_CSV.replace("\n", "\r\n").encode("cp1252"))

    def until(done) -> None:
        for _attempt in range(200):
            if done():
                return
            loop_wait(app, 50)
        raise RuntimeError("the CSV import did not reach the expected step")

    from cmdesk.store import home as clients

    # Into a client of its own, so the demo's screens stay the same in both languages.
    ws = clients.create_client(window.home, f"Import {language}")
    dialog = CsvImportDialog(ws, window.tasks, window)
    dialog.show()
    settle()
    grab(dialog, out / f"{language}-csv-1-file.png", app)
    dialog.open_file(sample)
    until(lambda: dialog.stack.currentWidget() is dialog.columns_page)
    settle()
    grab(dialog, out / f"{language}-csv-2-columns.png", app)
    # The progress as it looks half-way (a real import of five rows is too quick to catch).
    dialog.progress_page.begin(
        ngettext("Importing {n} row from {file}", "Importing {n} rows from {file}", 4000).format(
            n=number(4000), file=sample.name
        )
    )
    dialog.progress_page.progress(1500, 4000, _("Importing…"))
    dialog._show(dialog.progress_page)
    settle()
    grab(dialog, out / f"{language}-csv-3-progress.png", app)
    dialog._show(dialog.columns_page)
    dialog.start_import()
    until(lambda: dialog.stack.currentWidget() is dialog.broken_page)
    settle()
    grab(dialog, out / f"{language}-csv-4-broken.png", app)
    dialog.skip_button.click()
    until(lambda: dialog.stack.currentWidget() is dialog.done_page)
    settle()
    grab(dialog, out / f"{language}-csv-5-done.png", app)
    dialog.close()
    ws.close()


def loop_wait(app, msecs: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(msecs, loop.quit)
    loop.exec()


def grab(window, path: Path, app) -> None:
    window.raise_()
    window.activateWindow()
    loop_wait(app, 200)
    pixmap = window.grab()
    pixmap.save(str(path))
    print(f"  {path}")


if __name__ == "__main__":
    sys.exit(main())
