"""The playbook editor (Markdown, live preview, saved through the store, exported to
HTML and PDF off the GUI thread) and the tone panel shown beside the reply editor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from answering import answering_workspace, empty_workspace, shown_panel
from PySide6.QtCore import Qt

from cmdesk.core.playbook import SECTIONS
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import SyncTaskManager, TaskManager
from cmdesk.ui.views.playbook import PlaybookView
from cmdesk.ui.widgets.tone_panel import TonePanel


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with answering_workspace(tmp_path) as workspace:
        yield workspace


@pytest.fixture
def view(qtbot, ws: Workspace) -> PlaybookView:
    made = shown_panel(qtbot, PlaybookView, ws)
    return made


def test_typing_shows_a_live_preview_and_ctrl_s_saves(qtbot, view: PlaybookView, ws) -> None:
    view.sections.setCurrentRow(SECTIONS.index("faq"))
    assert view.editor.toPlainText().startswith("### Livrez-vous ?")
    view.editor.setFocus()
    view.editor.selectAll()
    qtbot.keyClicks(view.editor, "### Horaires")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(view.editor, "Du **mardi** au dimanche.")
    qtbot.waitUntil(lambda: "mardi" in view.preview.toPlainText(), timeout=2000)
    assert "<b>" not in view.preview.toPlainText()  # rendered, not shown as code
    assert view.preview.document().toHtml().count("font-weight") >= 1
    assert view.state.text() == "Unsaved changes…" and "•" in view.sections.item(2).text()
    assert "mardi" not in ws.playbook.get("faq")
    qtbot.keyClick(view.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert ws.playbook.get("faq") == "### Horaires\nDu **mardi** au dimanche.\n"
    assert view.state.text() == "All changes saved." and "•" not in view.sections.item(2).text()


def test_pausing_saves_and_switching_section_saves_too(qtbot, view: PlaybookView, ws) -> None:
    view.sections.setCurrentRow(SECTIONS.index("crisis"))
    view.editor.setPlainText("1. Appeler Léa")
    qtbot.waitUntil(lambda: ws.playbook.get("crisis") == "1. Appeler Léa\n", timeout=4000)
    view.editor.setPlainText("1. Appeler Léa\n2. Ne rien supprimer")
    view.sections.setCurrentRow(SECTIONS.index("contacts"))  # before the pause
    assert ws.playbook.get("crisis") == "1. Appeler Léa\n2. Ne rien supprimer\n"
    view.editor.setPlainText("- Léa : 06")
    view.flush()  # what the window calls before closing the client
    assert ws.playbook.get("contacts") == "- Léa : 06\n"


def test_export_html_and_pdf_with_what_is_typed(qtbot, ws: Workspace, tmp_path: Path) -> None:
    tasks = TaskManager()  # the real pool: the export runs off the GUI thread
    view = PlaybookView(tasks, interactive=False)
    qtbot.addWidget(view)
    view.set_workspace(ws)
    view.sections.setCurrentRow(0)
    view.editor.setPlainText("Chaleureux, **toujours** poli. Signé Léa 🥐")
    messages: list[str] = []
    view.message.connect(messages.append)
    page = tmp_path / "out" / "guide.html"
    page.parent.mkdir()
    view.export("html", page)
    qtbot.waitUntil(lambda: view.exported == page, timeout=10_000)
    text = page.read_text(encoding="utf-8")
    assert "<strong>toujours</strong>" in text and "🥐" in text  # typed, not yet saved
    assert "Service client" in text and "1 h 30" not in text and "90 min" in text
    assert messages[-1] == f"Playbook exported to {page}"
    pdf = tmp_path / "out" / "guide.pdf"
    view.export("pdf", pdf)
    qtbot.waitUntil(lambda: view.exported == pdf, timeout=20_000)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not list(pdf.parent.glob("*.partial"))
    view.set_workspace(None)
    tasks.wait()


def test_the_proposed_file_name_is_in_the_interface_language(view: PlaybookView) -> None:
    from cmdesk.i18n import set_language

    assert view.default_path("pdf").name == "fournil-playbook.pdf"
    set_language("fr")
    try:
        assert view.default_path("html").name == "fournil-guide-de-marque.html"
    finally:
        set_language("en")


def test_a_failed_export_says_why(qtbot, view: PlaybookView, tmp_path: Path) -> None:
    view.export("html", tmp_path / "missing-folder" / "guide.html")
    assert "No such file" in view.last_error or "missing-folder" in view.last_error
    assert view.state.text() == "All changes saved."
    assert view.exported is None


def test_an_empty_playbook_explains_each_section(qtbot, tmp_path: Path) -> None:
    with empty_workspace(tmp_path) as ws:
        view = PlaybookView(SyncTaskManager(), interactive=False)
        qtbot.addWidget(view)
        view.set_workspace(ws)
        assert "left out of the exported playbook" in view.preview.toPlainText()
        assert "Formal or friendly" in view.editor.placeholderText()
        view.set_workspace(None)
        assert not view.editor.isEnabled() and not view.pdf_button.isEnabled()


def test_tone_panel_shows_tone_and_do_dont_and_follows_changes(qtbot, ws, tmp_path) -> None:
    panel = TonePanel()
    qtbot.addWidget(panel)
    panel.set_workspace(ws)
    shown = panel.reader.toPlainText()
    assert "Tone of voice" in shown and "Vouvoiement" in shown
    assert "Do and don't" in shown and "Promettre un délai" in shown
    assert "Crisis" not in shown  # only what helps while answering
    from cmdesk.core.changes import Changes

    ws.playbook.set("tone", "Toujours tutoyer.")
    panel.on_changes(Changes(playbook=True))
    assert "Toujours tutoyer." in panel.reader.toPlainText()
    with empty_workspace(tmp_path / "e") as empty:
        panel.set_workspace(empty)
        assert panel.empty.isVisibleTo(panel) and panel.edit.isVisibleTo(panel)
        asked: list[bool] = []
        panel.edit_requested.connect(lambda: asked.append(True))
        panel.edit.click()
        assert asked == [True]
