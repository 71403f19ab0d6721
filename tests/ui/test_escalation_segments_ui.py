"""The escalation matrix and targets editor, and the participation segments panel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from answering import activate, answering_workspace, dump, empty_workspace, shown_panel
from PySide6.QtCore import Qt

from cmdesk.core.clock import utc_now
from cmdesk.core.segments import parse_period
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import SyncTaskManager
from cmdesk.ui.widgets.escalation import EscalationEditor, split_target
from cmdesk.ui.widgets.segments import SegmentsPanel


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with answering_workspace(tmp_path) as workspace:
        yield workspace


@pytest.fixture
def editor(qtbot, ws: Workspace) -> EscalationEditor:
    made = shown_panel(qtbot, EscalationEditor, ws)
    return made


def _cells(editor: EscalationEditor) -> list[tuple[str, ...]]:
    table = editor.table
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
    ]


def test_matrix_lines_are_added_changed_and_removed(qtbot, editor, ws: Workspace) -> None:
    assert ("complaint", "—", "qualité", "Atelier (produits)") in _cells(editor)
    editor.type_box.setCurrentIndex(editor.type_box.findData("question"))
    editor.team_box.setCurrentIndex(editor.team_box.findText("Service client"))
    editor.save_button.click()
    question = [r for r in ws.escalation.routes() if r.type == "question"]
    assert [(r.tag, r.topic_id) for r in question] == [("", None)]
    assert ("question", "—", "—", "Service client") in _cells(editor)

    # Choosing a line fills the form; saving it with another team changes that line.
    row = next(i for i, c in enumerate(_cells(editor)) if c[0] == "question")
    editor.table.selectRow(row)
    assert editor.type_box.currentData() == "question"
    editor.team_box.setCurrentIndex(editor.team_box.findText("Marketing"))
    editor.save_button.click()
    assert [ws.teams.get(r.team_id).name for r in ws.escalation.routes()
            if r.type == "question"] == ["Marketing"]  # fmt: skip

    count = len(ws.escalation.routes())
    row = next(i for i, c in enumerate(_cells(editor)) if c[0] == "question")
    editor.table.selectRow(row)
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_Delete)
    assert len(ws.escalation.routes()) == count - 1
    assert all(c[0] != "question" for c in _cells(editor))


def test_targets_are_shown_in_their_unit_and_saved_with_ctrl_s(qtbot, editor, ws) -> None:
    assert (editor.amounts[2].value(), editor.units[2].currentData()) == (90, 1)
    assert (editor.amounts[0].value(), editor.units[0].currentData()) == (1, 1440)
    editor.amounts[2].setValue(2)
    editor.units[2].setCurrentIndex(editor.units[2].findData(60))
    editor.amounts[1].setFocus()
    qtbot.keyClick(editor.amounts[1], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert ws.escalation.targets()[2] == timedelta(hours=2)
    assert ws.escalation.targets()[0] == timedelta(hours=24)

    before = dump(ws)
    editor.amounts[0].setValue(40)
    editor.units[0].setCurrentIndex(editor.units[0].findData(1440))
    editor.save_targets()  # 40 days: refused, with the reason, and nothing written
    assert "between 1 minute and 30 days" in editor.last_error
    assert dump(ws) == before
    assert split_target(timedelta(minutes=125)) == (125, 1)


def test_without_teams_the_matrix_says_to_add_them_first(qtbot, tmp_path: Path) -> None:
    with empty_workspace(tmp_path) as ws:
        editor = EscalationEditor(SyncTaskManager(), interactive=False)
        qtbot.addWidget(editor)
        editor.set_workspace(ws)
        assert "No team yet" in editor.empty.text()
        assert not editor.save_button.isEnabled() and not editor.table.isVisibleTo(editor)
        assert editor.amounts[1].value() == 4  # the default targets


def test_segments_are_computed_and_unhappy_regulars_listed(qtbot, ws: Workspace) -> None:
    panel = SegmentsPanel(SyncTaskManager(), interactive=False)
    qtbot.addWidget(panel)
    panel.set_workspace(ws)
    assert panel.result is None  # hidden: nothing computed yet
    activate(qtbot, panel)
    found = panel.result
    assert found is not None
    since, until = parse_period("30d", utc_now(), ws.profile().zone)
    expected = ws.segments.compute(since, until)
    assert found.counts() == expected.counts() == {"regular": 2, "occasional": 3, "one_time": 9}
    assert panel.cards["regular"][0].text() == "2"
    assert panel.cards["regular"][1].text() == "14% of those who wrote"
    assert panel.state.text().startswith("14 people wrote between")
    assert [panel.unhappy.item(r, 0).text() for r in range(panel.unhappy.rowCount())] == [
        "Sophie Renard"
    ]
    assert panel.regulars.rowCount() == 2
    opened: list[int] = []
    panel.contact_activated.connect(opened.append)
    panel.unhappy.itemActivated.emit(panel.unhappy.item(0, 0))
    assert opened == [p.contact_id for p in expected.unhappy_regulars]

    panel.regular.setValue(6)  # Marc's five messages no longer make him a regular
    qtbot.waitUntil(lambda: panel.result is not None and panel.result.thresholds.regular == 6)
    assert panel.result.counts()["regular"] == 1
    panel.occasional.setValue(6)
    panel.compute()
    assert "occasional < regular" in panel.state.text()


def test_a_chosen_period_and_an_empty_one(qtbot, ws: Workspace) -> None:
    panel = shown_panel(qtbot, SegmentsPanel, ws)
    panel.period.setCurrentIndex(panel.period.findData("custom"))
    assert panel.since.isVisible() and panel.until.isVisible()
    panel.since.setDate(panel.since.date().addYears(-3))
    panel.until.setDate(panel.since.date().addDays(10))
    panel.compute()
    assert panel.result is not None and not panel.result.participants
    assert panel.state.text().startswith("Nobody wrote to the client between")
    assert panel.cards["regular"][0].text() == "0"
    panel.until.setDate(panel.since.date().addDays(-1))
    panel.compute()
    assert "is not a period" in panel.state.text()
