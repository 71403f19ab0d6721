"""Objectives and monthly figures in the window: added, measured, typed, imported."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from cmdesk.core.clock import utc_now
from cmdesk.store.home import create_client
from cmdesk.ui.dialogs.objectives import FiguresDialog, ObjectiveForm, ObjectivesDialog
from cmdesk.ui.tasks import SyncTaskManager


@pytest.fixture
def ws(gui_home):
    workspace = create_client(gui_home, "Fournil", timezone="Europe/Paris")
    yield workspace
    workspace.close()


def test_add_an_objective_and_see_its_progress(qtbot, ws) -> None:
    now = utc_now()
    made = ws.interactions.add("Colis abîmé", channel="email", type="complaint",
                               occurred_at=now - timedelta(hours=3))  # fmt: skip
    ws.interactions.record_reply(made.id, "Désolés", at=now - timedelta(hours=2, minutes=30))
    dialog = ObjectivesDialog(ws, SyncTaskManager())
    qtbot.addWidget(dialog)
    assert dialog.empty.isVisibleTo(dialog) and not dialog.table.isVisibleTo(dialog)

    def fill_form() -> None:
        form = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ObjectiveForm))
        form.name.setText("Réclamations en 2 h")
        form.measure.setCurrentIndex(form.measure.findData("answered_within"))
        form.kind.setCurrentIndex(form.kind.findData("complaint"))
        form.minutes.setValue(120)
        form.target.setValue(90)
        assert form.minutes.isVisibleTo(form) and not form.figure.isVisibleTo(form)
        form._accept()

    QTimer.singleShot(0, fill_form)
    dialog.add()
    assert [o.name for o in ws.objectives.all()] == ["Réclamations en 2 h"]
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 2).text() == "100 %"  # answered after 30 minutes
    assert dialog.table.item(0, 4).text() in ("met", "atteint")
    assert dialog.table.cellWidget(0, 3).value() == 100
    dialog.table.selectRow(0)
    dialog.remove()
    assert ws.objectives.all() == [] and dialog.empty.isVisibleTo(dialog)


def test_the_form_explains_a_missing_name(qtbot) -> None:
    form = ObjectiveForm()
    qtbot.addWidget(form)
    form._accept()
    assert form.result() != QDialog.DialogCode.Accepted
    assert form.error.text() in ("An objective needs a name.", "Un objectif a besoin d’un nom.")


def test_type_figures_in_the_month_table(qtbot, ws) -> None:
    dialog = FiguresDialog(ws, SyncTaskManager())
    qtbot.addWidget(dialog)
    dialog.network.setCurrentIndex(dialog.network.findData("instagram"))
    dialog.figure.setCurrentIndex(dialog.figure.findData("followers"))
    dialog.add_row()
    assert dialog.rows == [("instagram", "followers")]
    dialog.table.item(0, 2).setText("1 520")  # March, typed with a space
    month = f"{dialog.year}-03"
    assert ws.figures.get("instagram", "followers", month) == 1520
    dialog.table.item(0, 2).setText("")
    assert ws.figures.get("instagram", "followers", month) is None


def test_import_a_network_export_after_a_preview(qtbot, ws, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "stats.csv"
    path.write_text("Date;Abonnés;Portée\n01/10/2026;100;5\n31/10/2026;110;7\n", encoding="utf-8")
    shown: list[str] = []

    def answer(parent, title, text, *args):
        shown.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    dialog = FiguresDialog(ws, SyncTaskManager())
    qtbot.addWidget(dialog)
    dialog.import_file(path, "facebook")
    assert "2026-10" in shown[0] and "110" in shown[0]
    assert ws.figures.get("facebook", "followers", "2026-10") == 110
    assert ws.figures.get("facebook", "reach", "2026-10") == 12


def test_the_reports_menu_opens_both(make_window, gui_home) -> None:
    window = make_window("en")
    create_client(gui_home, "Fournil").close()
    assert window.open_workspace(gui_home.workspace_path("fournil"))
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Reports")
    titles = [a.text() for a in menu.actions()]
    assert titles == ["Objectives…", "Monthly figures…"]
    menu.actions()[0].trigger()
    menu.actions()[1].trigger()
    opened = {type(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    assert {ObjectivesDialog, FiguresDialog} <= opened
    for w in QApplication.topLevelWidgets():
        if isinstance(w, ObjectivesDialog | FiguresDialog):
            w.close()
