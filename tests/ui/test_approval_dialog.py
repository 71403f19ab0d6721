"""The approval windows on their own: choosing the posts of a pack, importing the client's
answer with its preview, and a decision given by phone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

import approval_samples
from approval_samples import Sample, client_answers
from cmdesk.core.posts import PostState
from cmdesk.i18n import set_language
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.approval import DecideDialog, DecisionsDialog, PackDialog

ws, sample = approval_samples.ws, approval_samples.sample  # fixtures: the client, its posts


def test_pack_dialog_writes_the_ticked_posts(
    qtbot, ws: Workspace, sample: Sample, tmp_path: Path
) -> None:
    dialog = PackDialog(ws)
    qtbot.addWidget(dialog)
    assert dialog.chosen() == [sample.galette, sample.sales, sample.idea]
    dialog.posts.item(2).setCheckState(Qt.CheckState.Unchecked)
    dialog.pdf.setChecked(True)
    dialog.save(tmp_path / "pack.pdf")
    assert dialog.saved == tmp_path / "pack.pdf" and dialog.result() == 1
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")
    for row in range(3):
        dialog.posts.item(row).setCheckState(Qt.CheckState.Unchecked)
    dialog.save(tmp_path / "none.html")
    assert (
        dialog.error.text() == "Tick at least one post." and not (tmp_path / "none.html").exists()
    )


def test_decisions_dialog_previews_records_once_and_refuses_junk(
    qtbot, ws: Workspace, sample: Sample, tmp_path: Path
) -> None:
    set_language("fr")  # the user's French interface; the pack is in the client's language
    dialog = PackDialog(ws)
    qtbot.addWidget(dialog)
    dialog.save(tmp_path / "pack.html")
    page = (tmp_path / "pack.html").read_text(encoding="utf-8")
    result = client_answers(page, "Léa", {
        sample.galette: ("approved", ""), sample.sales: ("changes", "Sans le lien"),
    })  # fmt: skip

    importer = DecisionsDialog(ws)
    qtbot.addWidget(importer)
    importer.paste.setPlainText("n’importe quoi")
    importer.check_text()
    assert importer.error.text().startswith("Ce n’est pas un fichier de décisions")
    assert not importer.apply_button.isEnabled()

    importer.paste.setPlainText("Bonjour,\n" + result["text"])
    importer.check_text()
    assert importer.error.text() == ""
    assert "2 à enregistrer" in importer.summary.text()
    assert importer.outcomes.count() == 2 and importer.apply_button.isEnabled()
    assert ws.posts.get(sample.galette).state is PostState.IN_REVIEW  # previewed only
    with qtbot.waitSignal(importer.changed):
        importer.apply_button.click()
    assert ws.posts.get(sample.galette).state is PostState.APPROVED
    assert ws.posts.get(sample.sales).state is PostState.CHANGES_REQUESTED
    assert "2 enregistrées" in importer.summary.text() and not importer.apply_button.isEnabled()

    answer = tmp_path / "decisions.cmdesk-decisions"
    answer.write_text(result["file"], encoding="utf-8")
    importer.open_file(answer)
    assert "rien ne change" in importer.summary.text() and not importer.apply_button.isEnabled()


def test_decide_dialog_needs_a_name(qtbot, ws: Workspace, sample: Sample) -> None:
    dialog = DecideDialog(ws, sample.sales)
    qtbot.addWidget(dialog)
    dialog.changes.setChecked(True)
    dialog.record()
    assert "Say who decided" in dialog.error.text() and not dialog.recorded
    dialog.reviewer.setText("Léa")
    dialog.comment.setPlainText("Plutôt mardi")
    dialog.record()
    assert dialog.recorded
    assert ws.posts.get(sample.sales).state is PostState.CHANGES_REQUESTED
    assert ws.posts.history(sample.sales)[-1].detail.startswith("by phone, recorded by")


def test_pack_dialog_writes_through_the_task_pool_when_it_has_one(
    qtbot, ws: Workspace, sample: Sample, tmp_path: Path
) -> None:
    """In the app the pack is written off the GUI thread (a PDF with photos takes most of
    a second); a failure is said in the dialog, which stays open."""
    from cmdesk.ui.tasks import SyncTaskManager

    tasks = SyncTaskManager()
    started: list[str] = []
    tasks.task_started.connect(lambda handle: started.append(handle.label))
    dialog = PackDialog(ws, None, tasks)
    qtbot.addWidget(dialog)
    dialog.pdf.setChecked(True)
    dialog.save(tmp_path / "missing-folder" / "pack.pdf")
    assert started == ["Writing the approval pack"] and dialog.saved is None
    assert dialog.error.text() and dialog.save_button.isEnabled()
    dialog.save(tmp_path / "pack.pdf")
    assert dialog.saved == tmp_path / "pack.pdf" and dialog.result() == 1
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")
