"""The inbox-rule builder and the ordered list of rules, on a real workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from answering import activate, answering_workspace, dump, empty_workspace, shown_panel
from PySide6.QtCore import Qt

from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.inbox_rule import InboxRuleDialog
from cmdesk.ui.tasks import SyncTaskManager, TaskManager
from cmdesk.ui.widgets.inbox_rules import InboxRulesPanel


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with answering_workspace(tmp_path) as workspace:
        yield workspace


@pytest.fixture
def panel(qtbot, ws: Workspace) -> InboxRulesPanel:
    view = shown_panel(qtbot, InboxRulesPanel, ws)
    return view


def test_testing_a_rule_before_saving_changes_nothing(qtbot, ws: Workspace) -> None:
    dialog = InboxRuleDialog(ws, SyncTaskManager())
    qtbot.addWidget(dialog)
    activate(qtbot, dialog)
    dialog.name.setText("Retards")
    dialog.builder.setChecked(True)
    dialog.builder.any_words.setText("colis livraison")
    dialog.builder.none_words.setText("merci")
    dialog.builder.write_query()
    assert dialog.query.text() == "(colis OR livraison) AND NOT merci"
    dialog.channels.boxes["facebook"].setChecked(True)
    dialog.channels.boxes["instagram"].setChecked(True)
    dialog.add_tags.setText("retard, suivi")
    dialog.set_priority.setCurrentIndex(dialog.set_priority.findData(2))
    before = dump(ws)

    dialog.add_tags.setFocus()
    qtbot.keyClick(dialog.add_tags, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    found = dialog.tested
    assert found is not None
    expected = ws.rules.test(dialog.rule_conditions(), dialog.rule_actions())
    assert found.changed_ids == expected.changed_ids and len(found.changed) == 2
    assert dialog.summary.text().startswith(f"2 of the {found.examined} interactions examined")
    lines = [dialog.outcomes.item(i).text() for i in range(dialog.outcomes.count())]
    assert len(lines) == 2
    assert all("tags: +retard, suivi" in line and "priority: normal → urgent" in line
               for line in lines)  # fmt: skip
    assert any("Livraison jamais arrivée" in line for line in lines)
    assert dump(ws) == before  # the test wrote nothing
    assert [r.name for r in ws.rules.all()] == [
        "Livraisons et commandes", "Journalistes vers la presse"
    ]  # fmt: skip

    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.result() == InboxRuleDialog.DialogCode.Accepted
    draft = dialog.draft()
    assert draft.conditions.channels == ("facebook", "instagram")
    assert draft.actions.tags == ("retard", "suivi")


def test_a_rule_without_condition_or_with_a_bad_query_is_not_saved(qtbot, ws: Workspace) -> None:
    dialog = InboxRuleDialog(ws, SyncTaskManager())
    qtbot.addWidget(dialog)
    dialog.name.setText("Tout")
    dialog.set_type.setCurrentIndex(dialog.set_type.findData("question"))
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    save.click()
    assert "at least one condition" in dialog.error.text()
    assert dialog.result() != InboxRuleDialog.DialogCode.Accepted
    dialog.query.setText("(colis")
    assert "character 1" in dialog.query_state.text()
    dialog.run_test()
    assert "character 1" in dialog.error.text() and dialog.tested is None
    dialog.query.setText("colis")
    dialog.set_type.setCurrentIndex(0)  # no action left
    save.click()
    assert "at least one action" in dialog.error.text()


def test_editing_keeps_the_rule_and_shows_its_values(qtbot, panel: InboxRulesPanel, ws) -> None:
    rule = ws.rules.all()[1]
    dialog = panel.open_dialog(rule)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.contact_tags.text() == "journalist" and dialog.stop.isChecked()
    assert dialog.set_team.currentText() == "Presse"
    dialog.name.setText("Journalistes")
    dialog.stop.setChecked(False)
    panel.save(rule.id, dialog.draft())
    saved = ws.rules.get(rule.id)
    assert (saved.name, saved.stop, saved.actions.team_id) == (
        "Journalistes", False, rule.actions.team_id,
    )  # fmt: skip
    assert panel.list.item(1).text().startswith("2. Journalistes")


def test_the_list_by_keyboard_reorder_turn_off_delete_and_undo(
    qtbot, panel: InboxRulesPanel, ws: Workspace
) -> None:
    names = [r.name for r in ws.rules.all()]
    panel.list.setFocus()
    panel.list.setCurrentRow(1)
    qtbot.keyClick(panel.list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [r.name for r in ws.rules.all()] == names[::-1]
    assert panel.list.currentRow() == 0 and panel.current_rule().name == names[1]

    qtbot.keyClick(panel.list, Qt.Key.Key_Space)  # turns the current rule off
    assert not ws.rules.all()[0].enabled
    assert "(off)" in panel.list.item(0).text()
    qtbot.keyClick(panel.list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [r.name for r in ws.rules.all()] == names
    assert not panel.up_button.isEnabled() or panel.list.currentRow() == 1

    panel.list.setCurrentRow(0)
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert [r.name for r in ws.rules.all()] == names[1:]
    assert panel.undo_bar.isVisible() and names[0] in panel.undo_text.text()
    qtbot.keyClick(panel.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    back = ws.rules.all()
    assert [r.name for r in back] == names  # in its place again
    assert back[0].conditions.query == "colis OR livraison OR commande"
    assert not panel.undo_bar.isVisible()


def test_apply_now_runs_the_rules_on_open_interactions(qtbot, panel, ws: Workspace) -> None:
    announced = ws.rules.test(ws.rules.all()[0].conditions, ws.rules.all()[0].actions).changed_ids
    assert announced
    messages: list[str] = []
    panel.message.connect(messages.append)
    qtbot.keyClick(panel.list, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert panel.last_run is not None and set(announced) <= set(panel.last_run.changed_ids)
    assert ws.interactions.get(announced[0]).type == "complaint"
    assert messages[-1].startswith("Rules applied:")


def test_no_rule_yet_explains_what_rules_do(qtbot, tmp_path: Path) -> None:
    with empty_workspace(tmp_path) as ws:
        view = InboxRulesPanel(SyncTaskManager(), interactive=False)
        qtbot.addWidget(view)
        view.set_workspace(ws)
        assert view.stack.currentWidget() is view.empty
        assert not view.apply_button.isEnabled() and not view.edit_button.isEnabled()
        view.set_workspace(None)
        assert not view.new_button.isEnabled()


def test_the_test_runs_off_the_gui_thread_and_only_the_latest_is_shown(qtbot, ws) -> None:
    tasks = TaskManager()
    dialog = InboxRuleDialog(ws, tasks)
    qtbot.addWidget(dialog)
    dialog.query.setText("colis")
    dialog.add_tags.setText("a")
    dialog.run_test()
    assert not dialog.test_button.isEnabled() and dialog.summary.text() == "Testing…"
    dialog.query.setText("merci")  # changed its mind: the first answer is not shown
    dialog.run_test()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=5000)
    assert dialog.tested is not None
    assert (
        dialog.tested.changed_ids
        == ws.rules.test(dialog.rule_conditions(), dialog.rule_actions()).changed_ids
    )
    assert all("merci" in o.before.text.lower() for o in dialog.tested.changed)
    tasks.wait()
