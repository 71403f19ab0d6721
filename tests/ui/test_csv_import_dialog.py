"""Importing a CSV export from the Interactions section, on real files and workspaces:
the proposed columns, a preview that follows every change, broken rows shown and
nothing imported unless the user leaves them out, cancel, duplicates on re-import."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import QApplication

from cmdesk.i18n import set_language
from cmdesk.store.home import create_client
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.csv_import import CsvImportDialog
from cmdesk.ui.models.csv_preview import PROBLEM_ROLE, PreviewModel
from cmdesk.ui.tasks import SyncTaskManager, TaskManager
from cmdesk.ui.views.interactions import InteractionsView
from csv_samples import DATA, write_export

FRENCH = DATA / "fr_excel_cp1252.csv"
BROKEN = DATA / "broken_rows.csv"
US = DATA / "us_month_first.csv"


@pytest.fixture
def ws(gui_home: Home) -> Iterator[Workspace]:
    workspace = create_client(gui_home, "Boulangerie Léa")
    yield workspace
    workspace.close()


@pytest.fixture
def view(qtbot, ws: Workspace) -> Iterator[InteractionsView]:
    set_language("fr")
    tasks = SyncTaskManager()
    found = InteractionsView(tasks, interactive=False)
    tasks.changes.connect(found.on_changes)  # as the main window does
    qtbot.addWidget(found)
    found.resize(1200, 700)
    found.set_workspace(ws)
    found.show()
    yield found
    if found.csv_dialog is not None:
        found.csv_dialog.close()
    found.set_workspace(None)
    set_language("fr")


def dialog_for(qtbot, view: InteractionsView, path: Path | None) -> CsvImportDialog:
    view.import_csv(path)
    dialog = view.csv_dialog
    assert isinstance(dialog, CsvImportDialog)
    return dialog


def column(model: PreviewModel, key: str) -> int:
    return model.columns.index(key)


def cell(model: PreviewModel, row: int, key: str, role: int = Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, column(model, key)), role)


def assert_settings_not_clipped(qtbot, dialog: CsvImportDialog) -> None:
    """Every list of the settings as wide as its entries need, in this language."""
    page = dialog.columns_page
    boxes = [page.reading.encoding, page.reading.delimiter, page.reading.channel]
    qtbot.waitUntil(lambda: all(b.width() >= b.sizeHint().width() for b in boxes))


def count(ws: Workspace) -> int:
    return ws.interactions.count()


def test_the_proposed_columns_and_how_the_file_was_read_are_shown(
    qtbot, qtmodeltester, view: InteractionsView, ws: Workspace
) -> None:
    dialog = dialog_for(qtbot, view, FRENCH)
    assert dialog.stack.currentWidget() is dialog.columns_page
    assert dialog.columns_page.file_label.text() == "fr_excel_cp1252.csv"
    # Excel's French CSV: Windows-1252 and ";", said in the lists and in plain words.
    assert (
        dialog.columns_page.reading.encoding.currentText()
        == "détecté : Windows-1252 (Europe occidentale)"
    )
    assert dialog.columns_page.reading.delimiter.currentText() == "détecté : point-virgule"
    assert "Windows-1252" in dialog.columns_page.notes.text()
    assert_settings_not_clipped(qtbot, dialog)
    assert dialog.columns_page.mapping.mapping() == {
        "text": "Message",
        "date": "Date",
        "time": "Heure",
        "channel": "Réseau",
        "link": "Lien",
        "author": "Auteur",
        "author_name": "Nom",
        "type": "Type",
        "sentiment": "Sentiment",
        "tags": "Étiquettes",
    }
    # The required fields are marked, the others are not.
    assert dialog.columns_page.mapping.labels["text"].text() == "Message *"
    assert dialog.columns_page.mapping.labels["date"].font().bold()
    assert not dialog.columns_page.mapping.labels["link"].text().endswith("*")
    # Every row as it will be stored: the day first (03/03 is 3 March), "Avis Google" a
    # review site, the sentiment read from the file or proposed (italics, with why).
    model = dialog.columns_page.preview_model
    assert model.rowCount() == 5
    assert [cell(model, r, "row") for r in range(5)] == ["2", "3", "4", "5", "6"]
    assert cell(model, 0, "date") == "3 mars 2026 08:12"
    assert cell(model, 1, "date") == "3 mars 2026 09:40"
    assert cell(model, 2, "channel") == "site d'avis"
    assert cell(model, 0, "sentiment") == "négative"
    assert cell(model, 0, "sentiment", Qt.ItemDataRole.FontRole) is None
    proposed = cell(model, 1, "sentiment", Qt.ItemDataRole.FontRole)
    assert isinstance(proposed, QFont) and proposed.italic()
    assert cell(model, 1, "sentiment", Qt.ItemDataRole.ToolTipRole).startswith(
        "Proposé d’après le texte"
    )
    assert "Le fichier a 5 lignes." in dialog.columns_page.status.text()
    assert dialog.columns_page.problems_model.rowCount() == 0
    assert dialog.import_button.isEnabled()
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(dialog.columns_page.problems_model, force_py=True)
    assert count(ws) == 0  # nothing written by looking


def test_changing_a_column_or_the_date_order_updates_the_preview(
    qtbot, view: InteractionsView
) -> None:
    dialog = dialog_for(qtbot, view, US)
    model = dialog.columns_page.preview_model
    # 3/14/2026 tells: month first, for every row of the file.
    assert dialog.columns_page.reading.date_order() == "mdy"
    assert dialog.columns_page.reading.order_hint.text() == "Déduit des dates du fichier."
    assert cell(model, 0, "date") == "4 mars 2026 09:15"
    # The user says day first: 3/4 becomes 3 April and 3/14 cannot be a date.
    dialog.columns_page.reading.order.setCurrentIndex(
        dialog.columns_page.reading.order.findData("dmy")
    )
    dialog.columns_page.reading.order.activated.emit(
        dialog.columns_page.reading.order.currentIndex()
    )
    assert dialog.columns_page.reading.order_hint.text() == "Votre choix."
    assert cell(model, 0, "date") == "3 avr. 2026 09:15"
    assert cell(model, 1, "row") == "⚠ 3"
    assert cell(model, 1, "date", Qt.ItemDataRole.BackgroundRole) is not None
    assert "3/14/2026" in cell(model, 1, "date", PROBLEM_ROLE)
    assert cell(model, 1, "text", PROBLEM_ROLE) == ""  # only the wrong cell is marked
    problems = dialog.columns_page.problems_model
    assert problems.rowCount() == 1
    assert [problems.data(problems.index(0, c)) for c in (0, 1)] == ["3", "Timestamp"]
    assert (
        dialog.columns_page.problems_title.text() == "1 de ces lignes ne peut pas être importée :"
    )

    # Another column for the message: the preview shows it at once.
    dialog.columns_page.mapping.choose("text", "From")
    assert cell(model, 0, "text") == "@jen"
    # No message column: nothing to preview, Import disabled, the reason said.
    dialog.columns_page.mapping.choose("text", "")
    assert model.rowCount() == 0
    assert not dialog.import_button.isEnabled()
    assert dialog.columns_page.status.text() == "Choisissez la colonne qui contient : message."
    dialog.columns_page.mapping.choose("text", "Text")
    assert dialog.import_button.isEnabled()
    assert "author" in model.columns
    dialog.columns_page.mapping.choose("author", "")
    assert "author" not in model.columns


def test_a_broken_file_shows_its_rows_and_imports_nothing(
    qtbot, view: InteractionsView, ws: Workspace
) -> None:
    dialog = dialog_for(qtbot, view, BROKEN)
    model = dialog.columns_page.preview_model
    marked = [cell(model, r, "row") for r in range(model.rowCount())]
    assert marked == ["2", "⚠ 3", "⚠ 4", "⚠ 5", "⚠ 6", "⚠ 7", "⚠ 8", "⚠ 9", "10"]
    # A row with too many cells is wrong as a whole: every cell says so.
    assert "cellules" in cell(model, 4, "text", PROBLEM_ROLE)
    assert cell(model, 4, "row", Qt.ItemDataRole.ToolTipRole)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentWidget() is dialog.broken_page
    assert dialog.broken_page.title.text() == "7 lignes sur 9 ne peuvent pas être importées."
    problems = dialog.broken_page.model
    rows = {problems.data(problems.index(r, 0)) for r in range(problems.rowCount())}
    assert rows == {"3", "4", "5", "6", "7", "8", "9"}
    reasons = [problems.data(problems.index(r, 2)) for r in range(problems.rowCount())]
    assert any("yesterday" in r for r in reasons)
    assert dialog.skip_button.isVisible()
    assert dialog.skip_button.text() == (
        "Importer les 2 lignes correctes, sans les lignes incorrectes"
    )
    assert count(ws) == 0
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert count(ws) == 0


def test_leaving_the_broken_rows_out_imports_the_rest(
    qtbot, view: InteractionsView, ws: Workspace
) -> None:
    messages: list[str] = []
    view.message.connect(messages.append)
    dialog = dialog_for(qtbot, view, BROKEN)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentWidget() is dialog.done_page
    assert count(ws) == 2
    summary = "2 interactions importées, 0 doublon ignoré, 2 nouveaux contacts."
    assert dialog.done_page.title.text() == summary
    assert "7 lignes incorrectes ont été laissées de côté" in dialog.done_page.text.text()
    assert messages == [summary]
    # The inbox shows them without any reload by hand.
    assert view.model.rowCount() == 2
    assert dialog.cancel_button.text() == "Fermer"


def test_cancel_during_the_import_leaves_the_client_as_it_was(
    qtbot, view: InteractionsView, ws: Workspace, tmp_path: Path
) -> None:
    path = write_export(tmp_path / "export.csv", 1500)
    dialog = dialog_for(qtbot, view, path)
    steps: list[str] = []

    def press_cancel(done: int, total: int, text: str) -> None:
        steps.append(text)
        # Half-way through the writing: the rows checked, some already inserted.
        if text == "Import en cours…" and done >= 500 and dialog.cancel_button.isEnabled():
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    dialog.progressed.connect(press_cancel)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Vérification des lignes…" in steps and "Import en cours…" in steps
    assert dialog.stack.currentWidget() is dialog.done_page
    assert dialog.done_page.title.text() == "Import annulé : rien n'a été importé."
    assert count(ws) == 0
    assert ws.contacts.all() == []
    assert dialog.isVisible()  # it says so before closing


def test_closing_the_window_while_rows_are_checked_cancels_first(
    qtbot, view: InteractionsView, ws: Workspace, tmp_path: Path
) -> None:
    dialog = dialog_for(qtbot, view, write_export(tmp_path / "export.csv", 1200))
    closed: list[int] = []
    dialog.finished.connect(closed.append)

    def press_escape(done: int, total: int, text: str) -> None:
        if done >= 500 and not closed:
            dialog.close()  # the window's close button
            # The task still runs: the dialog waits for it before closing.
            assert dialog.isVisible() and not dialog.cancel_button.isEnabled()

    dialog.progressed.connect(press_escape)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert closed == [0]  # rejected, once the check had stopped
    assert not dialog.busy
    assert count(ws) == 0


def test_importing_the_same_file_again_counts_duplicates(
    qtbot, view: InteractionsView, ws: Workspace
) -> None:
    first = dialog_for(qtbot, view, FRENCH)
    qtbot.mouseClick(first.import_button, Qt.MouseButton.LeftButton)
    assert first.done_page.title.text() == (
        "5 interactions importées, 0 doublon ignoré, 5 nouveaux contacts."
    )
    qtbot.mouseClick(first.cancel_button, Qt.MouseButton.LeftButton)
    again = dialog_for(qtbot, view, FRENCH)
    assert again is not first
    qtbot.mouseClick(again.import_button, Qt.MouseButton.LeftButton)
    assert again.done_page.title.text() == (
        "0 interaction importée, 5 doublons ignorés, 0 nouveau contact."
    )
    assert "lignes 2, 3, 4, 5, 6" in again.done_page.text.text()
    assert count(ws) == 5


def test_the_summary_in_english(qtbot, view: InteractionsView, ws: Workspace) -> None:
    set_language("en")
    dialog = dialog_for(qtbot, view, None)
    dialog.open_file(FRENCH)  # chosen once the dialog is on screen
    encoding = dialog.columns_page.reading.encoding.currentText()
    assert encoding == "as detected: Windows-1252 (Western European)"
    assert_settings_not_clipped(qtbot, dialog)
    dialog.open_file(DATA / "utf8_bom_platform.csv")
    assert dialog.columns_page.reading.encoding.currentText() == "as detected: UTF-8"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.done_page.title.text() == (
        "3 interactions imported, 0 duplicates skipped, 3 new contacts."
    )
    dialog.close()
    single = dialog_for(qtbot, view, US)
    single.columns_page.mapping.choose("author", "")
    qtbot.mouseClick(single.import_button, Qt.MouseButton.LeftButton)
    assert single.done_page.title.text() == (
        "2 interactions imported, 0 duplicates skipped, 0 new contacts."
    )


def test_a_wrong_encoding_or_a_workbook_is_said_and_nothing_is_shown(
    qtbot, view: InteractionsView, tmp_path: Path
) -> None:
    dialog = dialog_for(qtbot, view, FRENCH)
    # The user insists on UTF-8: the file is not, and the dialog says where.
    dialog.columns_page.reading.encoding.setCurrentIndex(
        dialog.columns_page.reading.encoding.findData("utf-8")
    )
    dialog.columns_page.reading.encoding.activated.emit(
        dialog.columns_page.reading.encoding.currentIndex()
    )
    assert "ligne 1" in dialog.columns_page.status.text()
    assert dialog.columns_page.preview_model.rowCount() == 0
    assert not dialog.import_button.isEnabled()
    # Back to what was detected: the columns chosen are kept.
    dialog.columns_page.mapping.choose("tags", "")
    dialog.columns_page.reading.encoding.setCurrentIndex(0)
    dialog.columns_page.reading.encoding.activated.emit(0)
    assert dialog.columns_page.preview_model.rowCount() == 5
    assert "tags" not in dialog.columns_page.mapping.mapping()
    assert dialog.import_button.isEnabled()

    workbook = tmp_path / "avis.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    other = dialog_for(qtbot, view, None)
    assert other is dialog  # one import dialog at a time, on the new file
    dialog.open_file(workbook)
    assert dialog.stack.currentWidget() is dialog.file_page
    assert "classeur" in dialog.file_page.error.text()


def test_a_file_dropped_on_the_inbox_opens_the_import(
    qtbot, view: InteractionsView, ws: Workspace
) -> None:
    # The empty inbox says how to import, with its own button.
    assert view.list_stack.currentWidget() is view.empty
    assert "CSV" in view.empty.text.text()
    assert view.empty_import.isVisibleTo(view)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(FRENCH))])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPoint(50, 50), actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(view, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), actions, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(view, drop)
    dialog = view.csv_dialog
    assert isinstance(dialog, CsvImportDialog)
    assert dialog.columns_page.file_label.text() == "fr_excel_cp1252.csv"
    # Only a CSV-like file is taken: a picture dropped by mistake is not.
    mime.setUrls([QUrl.fromLocalFile(str(FRENCH.with_suffix(".png")))])
    refused = QDragEnterEvent(QPoint(50, 50), actions, mime, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier)  # fmt: skip
    refused.ignore()
    QApplication.sendEvent(view, refused)
    assert not refused.isAccepted()


def test_the_import_from_the_menu_runs_in_the_background(
    qtbot, make_window, gui_home: Home
) -> None:
    window = make_window("en")
    window.tasks = TaskManager()  # real threads: the reader pool and the writer
    window.interactions_view.tasks = window.tasks
    window.tasks.changes.connect(window.workspace_changed)
    window.show()
    ws = create_client(gui_home, "Fournil")
    window.set_workspace(ws)
    action = window.import_csv_action
    assert action.shortcut().toString() == "Ctrl+Shift+I"
    assert action in window.menuBar().actions()[2].menu().actions()
    action.trigger()
    assert window.current_section() == "interactions"
    dialog = window.interactions_view.csv_dialog
    assert isinstance(dialog, CsvImportDialog)
    assert dialog.stack.currentWidget() is dialog.file_page
    dialog.open_file(FRENCH)
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is dialog.columns_page, timeout=5000)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is dialog.done_page, timeout=10000)
    assert dialog.done_page.title.text().startswith("5 interactions imported")
    qtbot.waitUntil(lambda: window.interactions_view.model.rowCount() == 5, timeout=5000)
    assert window.interactions_view.model.index(0, 0) != QModelIndex()
    window.tasks.wait()
