"""The Reports section on a real workspace (a bakery's October, tests/report_data.py): the
dashboard shows the workspace's figures for the period chosen, its charts show their
numbers and save as images, the client report and the team digest are written (or
nothing is, when cancelled), and the window's exports follow the filters on screen."""

from __future__ import annotations

import csv
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

import report_data
from cmdesk.core.monitoring import FetchOutcome, IncomingEntry
from cmdesk.core.periods import parse as parse_period
from cmdesk.share import report
from cmdesk.share.dashboard import Words
from cmdesk.store import home as clients
from cmdesk.store import indicators
from cmdesk.store.mentions import MentionFilter
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.transfer import handover_folder
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.theme import dark_palette
from cmdesk.ui.views.interactions import VIEWS
from cmdesk.ui.views.reports import ReportsView


@pytest.fixture
def bakery(gui_home: Home) -> Path:
    path = gui_home.workspace_path("lea")
    report_data.create(path).close()
    return path


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where the files are written (the home folder is beside it)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def window(make_window, bakery: Path):
    window = make_window("fr")
    window.open_workspace(bakery)
    return window


def _reports(window) -> ReportsView:
    window.show_section("reports")
    view = window.stack.currentWidget()
    assert isinstance(view, ReportsView)
    return view


def _period(window, text: str):
    return parse_period(text, report_data.OCT, window.workspace.profile().zone)


def test_the_section_is_built_when_first_shown(make_window, bakery: Path) -> None:
    window = make_window("fr")
    window.open_workspace(bakery)
    assert type(window.views["reports"]) is QWidget  # a placeholder until then
    view = _reports(window)
    assert window.views["reports"] is view and view.ws is window.workspace


def test_cards_show_the_figures_of_the_period_chosen(window) -> None:
    view = _reports(window)
    w = Words("fr")
    for text, name, before in (
        ("2026-10", "Octobre 2026", "Septembre 2026"),
        ("2026-09", "Septembre 2026", "Août 2026"),
    ):
        view.picker.set_text(text)
        f = indicators.compute(window.workspace, _period(window, text))
        assert view.dashboard.figures == f
        cards = {k: c.value.text() for k, c in view.cards.items()}
        assert cards["mentions"] == w.n(f.mentions.now)
        assert cards["negative"] == w.percent(f.sentiment["negative"].now / f.mentions.now)
        assert cards["alerts"] == w.n(f.alerts.now)
        assert cards["messages"] == w.n(f.interactions.now)
        assert cards["first_answer"] == w.minutes(f.first_response.median)
        assert cards["posts"] == w.n(f.published.now)
        assert (view.title.text(), view.compared.text()) == (name, f"comparé à {before}")
    assert cards["mentions"] == "10" and cards["first_answer"] == "—"  # September
    view.picker.set_text("2026-10")
    assert view.cards["first_answer"].value.text() == "1,5 h"
    assert view.cards["first_answer"].detail.text() == "80\u00a0% dans l’objectif de 24 h"


def test_each_chart_shows_its_numbers_as_a_table(window) -> None:
    view = _reports(window)
    view.picker.set_text("2026-10")
    f = view.dashboard.figures
    panel = view.panels["per_day"]
    assert panel.stack.currentWidget() is panel.view
    panel.numbers_button.click()
    assert panel.stack.currentWidget() is panel.table
    assert panel.numbers_button.text() == "Voir le graphique"
    table = panel.table
    assert table.rowCount() == 31
    assert table.horizontalHeaderItem(0).text() == "Jour"
    assert [int(table.item(r, 1).text()) for r in range(31)] == list(f.mentions_per_day)
    assert [int(table.item(r, 2).text()) for r in range(31)] == list(f.negative_per_day)
    panel.numbers_button.click()
    assert panel.stack.currentWidget() is panel.view
    # Nobody is known by name this month: the segments say so instead of an empty chart.
    segments = view.panels["segments"]
    assert segments.stack.currentWidget() is segments.empty
    assert not segments.save_button.isEnabled()


def test_a_chart_is_saved_as_svg_and_png(window, out: Path) -> None:
    view = _reports(window)
    view.picker.set_text("2026-10")
    view.save_chart("tone", out / "tonalite.svg")
    root = ET.parse(out / "tonalite.svg").getroot()
    texts = [e.text for e in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Tonalité des mentions" in texts and "positive" in texts
    view.save_chart("per_day", out / "jours.png")
    image = QImage(str(out / "jours.png"))
    assert (image.width(), image.height()) == (960, 440)
    colours = {image.pixel(x, y) for x in range(0, 960, 7) for y in range(0, 440, 7)}
    assert len(colours) > 3  # white, the text, the two lines: drawn, not blank
    assert window.statusBar().currentMessage().startswith("Graphique enregistré dans")


def test_charts_follow_the_window_into_the_dark(window) -> None:
    view = _reports(window)
    view.picker.set_text("2026-10")
    light = "rgb(90%,90%,90%)"  # the dark theme's text colour
    assert light not in view.charts["per_day"].svg
    view.setPalette(dark_palette())
    assert light in view.charts["per_day"].svg
    assert view.cards["posts"].change.styleSheet() == "color: #81c784;"


def test_figures_are_counted_off_the_gui_thread(qtbot, gui_home: Home, bakery: Path) -> None:
    tasks = TaskManager()
    view = ReportsView(tasks, interactive=False)
    qtbot.addWidget(view)
    with Workspace.open(bakery) as ws:
        view.picker.set_text("2026-10")
        view.set_workspace(ws)
        # Asked, not yet counted: the window is free meanwhile.
        assert view.state.text() and not view.page.isEnabled()
        qtbot.waitUntil(lambda: view.dashboard is not None, timeout=10_000)
        assert view.page.isEnabled() and view.cards["mentions"].value.text() == "40"
        view.set_workspace(None)
        tasks.wait()


def test_the_client_report_is_written_with_the_notes_of_its_period(window, out: Path) -> None:
    view = _reports(window)
    view.picker.set_text("2026-10")
    view.open_report()
    dialog = view.report_dialog
    assert dialog.picker.text() == "2026-10"
    dialog.notes["recommendations"].setPlainText("Répondre plus vite le week-end.")
    dialog.notes["plan"].setPlainText("Préparer la saison des galettes.")
    dialog.write(out / "rapport.pdf")
    assert dialog.written == out / "rapport.pdf"
    assert dialog.state.text() == f"Écrit dans {out / 'rapport.pdf'}"
    text = subprocess.run(
        ["pdftotext", str(out / "rapport.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Répondre plus vite le week-end." in text and "Octobre 2026" in text
    ws = window.workspace
    october = _period(window, "2026-10")
    assert ws.get_setting(report.notes_key(october, "plan")) == "Préparer la saison des galettes."
    # Another month has its own notes; October's come back with it.
    dialog.picker.set_text("2026-09")
    assert dialog.notes["recommendations"].toPlainText() == ""
    dialog.notes["recommendations"].setPlainText("Septembre : rien à signaler.")
    dialog.picker.set_text("2026-10")
    assert dialog.notes["recommendations"].toPlainText() == "Répondre plus vite le week-end."
    dialog.reject()
    september = _period(window, "2026-09")
    assert ws.get_setting(report.notes_key(september, "recommendations")) == (
        "Septembre : rien à signaler."
    )
    assert sorted(p.name for p in out.iterdir()) == ["rapport.pdf"]


def test_a_cancelled_report_leaves_no_file(window, out: Path, monkeypatch) -> None:
    view = _reports(window)
    view.open_report()
    dialog = view.report_dialog
    started = []
    window.tasks.task_started.connect(started.append)
    real = report.export

    def export_then_cancel(*args, **kwargs):  # the user presses Cancel meanwhile
        written = real(*args, **kwargs)
        started[-1].cancel()
        return written

    monkeypatch.setattr(report, "export", export_then_cancel)
    dialog.picker.set_text("2026-10")
    dialog.format.setCurrentIndex(dialog.format.findData("html"))
    dialog.write(out / "rapport.html")
    assert list(out.iterdir()) == []
    assert dialog.written is None and dialog.state.text() == "Arrêté : rien n’a été écrit."
    assert dialog.write_button.isEnabled() and not dialog.busy.isVisibleTo(dialog)


def test_a_failing_report_says_why(window, out: Path) -> None:
    view = _reports(window)
    view.open_report()
    dialog = view.report_dialog
    dialog.write(out / "nowhere" / "rapport.pdf")
    assert dialog.written is None
    assert dialog.state.text().startswith("Rien n’a été écrit :")
    assert dialog.write_button.isEnabled()


def test_the_team_digest_is_written_for_the_team_chosen(window, out: Path) -> None:
    ws = window.workspace
    team = ws.teams.add("Service client", kind="customer_service")
    complaint = next(i for i in ws.interactions.page() if i.type == "complaint")
    ws.interactions.assign([complaint.id], team.id)
    view = _reports(window)
    view.picker.set_text("2026-10")
    view.open_digest()
    dialog = view.digest_dialog
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.team.setCurrentIndex(dialog.team.findData(team.id))
    dialog.write(out / "sav.csv")
    with open(out / "sav.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert len(rows) == 2 and "jamais arrivée" in rows[1][6]
    dialog.team.setCurrentIndex(0)  # every team
    dialog.write(out / "tous.csv")
    with open(out / "tous.csv", encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle, delimiter=";"))) == 1 + 5


def test_the_inbox_exports_what_its_filters_show(window, out: Path) -> None:
    window.show_section("interactions")
    inbox = window.interactions_view
    inbox.states.setCurrentRow(VIEWS.index("all"))
    inbox.type_filter.setCurrentIndex(inbox.type_filter.findData("question"))
    inbox.export(out / "questions.csv")
    with open(out / "questions.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert len(rows) == 1 + 4 and all(r[4] == "question" for r in rows[1:])
    inbox.type_filter.setCurrentIndex(0)
    inbox.search.setText("jamais")
    inbox._apply_filter()
    inbox.export(out / "jamais.json")
    exported = json.loads((out / "jamais.json").read_text(encoding="utf-8"))
    assert exported["filters"] == {"search": "jamais"}
    assert [r["text"] for r in exported["rows"]] == ["<b>Commande</b> jamais arrivée"]
    assert window.statusBar().currentMessage() == f"1 ligne écrite dans {out / 'jamais.json'}."


def test_monitoring_exports_its_filters_and_a_cancel_leaves_no_file(window, out: Path) -> None:
    ws = window.workspace
    source = ws.sources.add("https://autre.example/feed")
    entries = tuple(
        IncomingEntry(guid=f"x{n}", url=f"https://autre.example/{n}", title=f"Billet {n}",
                      published=report_data.OCT, text="Neutre", sentiment="neutral")
        for n in range(1200)
    )  # fmt: skip
    ws.mentions.record_refresh(FetchOutcome(source_id=source.id, ok=True, entries=entries),
                               report_data.OCT)  # fmt: skip
    view = window.monitoring_view
    view.sentiment_filter.setCurrentIndex(view.sentiment_filter.findData("negative"))
    view.export(out / "negatives.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(out / "negatives.xlsx").active
    negatives = ws.mentions.count(MentionFilter(sentiment="negative"))
    assert sheet.max_row == 1 + negatives == 1 + 13
    view.sentiment_filter.setCurrentIndex(0)
    window.tasks.task_started.connect(lambda handle: handle.cancel())  # Cancel at once
    view.export(out / "toutes.csv")
    assert sorted(p.name for p in out.iterdir()) == ["negatives.xlsx"]


def test_a_workspace_exported_comes_back_as_a_new_client(window, gui_home: Home, out: Path) -> None:
    window.client_files().export_workspace(out / "lea.json")
    said = window.statusBar().currentMessage()
    assert said.startswith("Tout l’espace de travail (") and "aucun mot de passe" in said
    window.client_files().import_workspace(out / "lea.json")
    made = window.client_files().imported
    assert made is not None and made != window.workspace.path and made.exists()
    names = {c.slug: c.name for c in clients.list_clients(gui_home)}
    assert names[made.stem] == "Fournil de Léa" and len(names) == 2
    assert "Nouveau client" in window.statusBar().currentMessage()
    with Workspace.open(made) as copy:
        october = _period(window, "2026-10")
        assert indicators.compute(copy, october) == indicators.compute(window.workspace, october)


def test_handing_over_makes_the_folder_and_says_what_is_in_it(window, out: Path) -> None:
    (out / "Bureau").mkdir()
    (out / "Bureau" / "notes.txt").write_text("déjà là")
    folder = handover_folder(out / "Bureau", "lea")
    assert folder == out / "Bureau" / "lea-passation"
    window.client_files().hand_over(folder)
    made = sorted(p.suffix for p in folder.iterdir())
    assert made == [".cmdesk", ".html", ".pdf"]
    assert window.client_files().handed_over == folder
    assert window.statusBar().currentMessage() == f"Dossier de passation prêt : {folder}"
