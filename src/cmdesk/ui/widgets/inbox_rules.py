"""The inbox rules, in the order they run: turn on and off, reorder, edit, delete, apply.

Keys (while the list has the focus): Ctrl+N new, Enter or F2 edit, Space turn on/off,
Alt+Up / Alt+Down move, Delete delete (Ctrl+Z brings it back), Ctrl+R apply now.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.rules import Rule
from cmdesk.i18n import _, ngettext
from cmdesk.store.rules import RuleRun
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.inbox_rule import (
    InboxRuleDialog,
    RuleDraft,
    describe_actions,
    describe_conditions,
)
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.panel import WorkspacePanel, hint_label, joined, shortcut

RULE_ROLE = Qt.ItemDataRole.UserRole


def save_rule(ws: Workspace, rule_id: int | None, draft: RuleDraft) -> Changes:
    """Write a rule from the dialog: a new one goes last, an existing one is updated."""
    if rule_id is None:
        ws.rules.add(
            draft.name, draft.conditions, draft.actions, enabled=draft.enabled, stop=draft.stop
        )
        return Changes(rules=True, activity=True)
    return ws.rules.update(rule_id, **draft.fields())


def _restore(ws: Workspace, rule: Rule, index: int) -> Changes:
    """A deleted rule back, at its place in the order (a new id: rules are found by name)."""
    again = ws.rules.add(
        rule.name, rule.conditions, rule.actions, enabled=rule.enabled, stop=rule.stop
    )
    return ws.rules.move(again.id, index) | Changes(rules=True, activity=True)


class InboxRulesPanel(WorkspacePanel):
    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(tasks, parent, interactive=interactive)
        self.setObjectName("inbox-rules")
        self.rules: list[Rule] = []
        self.deleted: tuple[Rule, int] | None = None  # and its place, for Ctrl+Z
        self.last_run: RuleRun | None = None
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        intro = hint_label(
            _(
                "Rules sort each new interaction as it is logged, in this order; each one sees "
                "what the ones above changed. The escalation matrix then assigns a team if no "
                "rule did."
            )
        )
        layout.addWidget(intro)
        self.stack = QStackedWidget()
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.itemChanged.connect(self._item_changed)
        self.list.itemActivated.connect(lambda _item: self.edit_rule())
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.stack.addWidget(self.list)
        self.empty = self._empty_page()
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.undo_bar = self._undo_bar()
        layout.addWidget(self.undo_bar)
        layout.addLayout(self._buttons())
        shortcut(self, "Ctrl+N", self.new_rule)
        shortcut(self.list, "F2", self.edit_rule)
        shortcut(self.list, "Delete", self.delete_rule)
        shortcut(self.list, "Alt+Up", lambda: self.move_rule(-1))
        shortcut(self.list, "Alt+Down", lambda: self.move_rule(1))
        shortcut(self, "Ctrl+Z", self.undo_delete)
        shortcut(self, "Ctrl+R", self.apply_now)
        self.reload()

    # -- building ------------------------------------------------------------------------------

    def _empty_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        title = QLabel(_("No rule yet"))
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        column.addWidget(title)
        column.addWidget(
            hint_label(
                _(
                    "A rule does the sorting you would do by hand: for example, messages "
                    "containing “colis” or “livraison” become complaints for customer "
                    "service, and messages from journalists go to PR. Create one with "
                    "New rule (Ctrl+N) and test it on the interactions already logged "
                    "before saving it."
                ),
                dim=False,
            )
        )
        start = QPushButton(_("New rule…"))
        start.clicked.connect(self.new_rule)
        column.addWidget(start, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        return page

    def _undo_bar(self) -> QWidget:
        bar = QWidget()
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        self.undo_text = QLabel()
        self.undo_text.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.undo_text, 1)
        undo = QPushButton(_("Undo (Ctrl+Z)"))
        undo.clicked.connect(self.undo_delete)
        row.addWidget(undo)
        bar.hide()
        return bar

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.new_button = QPushButton(_("New rule…"))
        self.new_button.setToolTip(_("Ctrl+N"))
        self.new_button.clicked.connect(self.new_rule)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setToolTip(_("Enter or F2"))
        self.edit_button.clicked.connect(self.edit_rule)
        self.up_button = QPushButton(_("Move up"))
        self.up_button.setToolTip(_("Alt+Up"))
        self.up_button.clicked.connect(lambda: self.move_rule(-1))
        self.down_button = QPushButton(_("Move down"))
        self.down_button.setToolTip(_("Alt+Down"))
        self.down_button.clicked.connect(lambda: self.move_rule(1))
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.setToolTip(_("Delete key; Ctrl+Z brings it back"))
        self.delete_button.clicked.connect(self.delete_rule)
        self.apply_button = QPushButton(_("Apply now…"))
        self.apply_button.setToolTip(
            _("Run the rules that are on over the open interactions (Ctrl+R)")
        )
        self.apply_button.clicked.connect(self.apply_now)
        for button in (
            self.new_button,
            self.edit_button,
            self.up_button,
            self.down_button,
            self.delete_button,
        ):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.apply_button)
        return row

    # -- showing -------------------------------------------------------------------------------

    def wants(self, changes: Changes) -> bool:
        return changes.rules or changes.teams

    def reload(self) -> None:
        ws = self.ws
        current = self.current_rule()
        self.rules = ws.rules.all() if ws is not None else []
        teams = {t.id: t.name for t in ws.teams.all()} if ws is not None else {}
        self._filling = True
        self.list.clear()
        for position, rule in enumerate(self.rules, start=1):
            item = QListWidgetItem(self._text(position, rule, teams))
            item.setData(RULE_ROLE, rule.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked)
            item.setToolTip(_("Ticked: the rule is on. Space turns it on or off."))
            self.list.addItem(item)
        self._filling = False
        self.stack.setCurrentWidget(self.list if self.rules else self.empty)
        if self.rules:
            ids = [r.id for r in self.rules]
            self.list.setCurrentRow(ids.index(current.id) if current and current.id in ids else 0)
        self._update_buttons()

    @staticmethod
    def _text(position: int, rule: Rule, teams: dict[int, str]) -> str:
        name = f"{position}. {rule.name}"
        if not rule.enabled:
            name += "  " + _("(off)")
        then = describe_actions(rule.actions, teams)
        if rule.stop:
            then = joined([then, _("then stop")])
        return "\n".join(
            (
                name,
                _("When: {conditions}").format(conditions=describe_conditions(rule.conditions)),
                _("Then: {actions}").format(actions=then),
            )
        )

    def current_rule(self) -> Rule | None:
        item = self.list.currentItem()
        if item is None:
            return None
        rule_id = item.data(RULE_ROLE)
        return next((r for r in self.rules if r.id == rule_id), None)

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        has = self.ws is not None and row >= 0 and bool(self.rules)
        self.new_button.setEnabled(self.ws is not None)
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < len(self.rules) - 1)
        self.apply_button.setEnabled(any(r.enabled for r in self.rules))

    # -- actions -------------------------------------------------------------------------------

    def new_rule(self) -> None:
        self.open_dialog(None)

    def edit_rule(self) -> None:
        rule = self.current_rule()
        if rule is not None:
            self.open_dialog(rule)

    def open_dialog(self, rule: Rule | None) -> InboxRuleDialog | None:
        """The rule dialog; saved through the writer once accepted. Returned (not run)
        when the panel is not interactive, so tests can fill it in and `save` it."""
        ws = self.ws
        if ws is None:
            return None
        dialog = InboxRuleDialog(ws, self.tasks, rule, self)
        if not self.interactive:
            return dialog
        if dialog.exec():
            self.save(rule.id if rule else None, dialog.draft())
        return None

    def save(self, rule_id: int | None, draft: RuleDraft) -> None:
        self.write(
            _("Saving the rule"),
            lambda ws: save_rule(ws, rule_id, draft),
            _("The rule could not be saved"),
            lambda _c: self.message.emit(_("Rule “{name}” saved.").format(name=draft.name)),
        )

    def _item_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        rule_id = int(item.data(RULE_ROLE))
        enabled = item.checkState() == Qt.CheckState.Checked
        self.write(
            _("Saving the rule"),
            lambda ws: ws.rules.set_enabled(rule_id, enabled),
            _("The rule could not be saved"),
        )

    def move_rule(self, step: int) -> None:
        rule = self.current_rule()
        row = self.list.currentRow()
        if rule is None or not 0 <= row + step < len(self.rules):
            return
        self.write(
            _("Reordering the rules"),
            lambda ws: ws.rules.move(rule.id, row + step),
            _("The rules could not be reordered"),
            lambda _c: self.list.setFocus(),
        )

    def delete_rule(self) -> None:
        rule = self.current_rule()
        if rule is None:
            return
        index = self.list.currentRow()

        def deleted(_changes: Changes) -> None:
            self.deleted = (rule, index)
            self.undo_text.setText(_("Rule “{name}” deleted.").format(name=rule.name))
            self.undo_bar.show()
            self.list.setFocus()  # Ctrl+Z at once

        self.write(
            _("Deleting the rule"),
            lambda ws: ws.rules.remove(rule.id),
            _("The rule could not be deleted"),
            deleted,
        )

    def undo_delete(self) -> None:
        if self.deleted is None:
            return
        rule, index = self.deleted
        self.deleted = None
        self.undo_bar.hide()
        self.write(
            _("Bringing the rule back"),
            lambda ws: _restore(ws, rule, index),
            _("The rule could not be brought back"),
            lambda _c: self.message.emit(_("Rule “{name}” brought back.").format(name=rule.name)),
        )

    def apply_now(self) -> None:
        if self.ws is None or not any(r.enabled for r in self.rules):
            return
        if self.interactive:
            answer = QMessageBox.question(
                self,
                _("Apply the rules now"),
                _(
                    "Run the rules that are on over every open interaction (new, in progress, "
                    "waiting for a team)? What they change is written at once."
                ),
                QMessageBox.StandardButton.Apply | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Apply:
                return
        ws = self.ws

        def work(_ws: Workspace) -> Changes:
            self.last_run = ws.rules.apply()
            return Changes(interactions=True, activity=True) if self.last_run.changed else Changes()

        def done(_changes: Changes) -> None:
            found = self.last_run
            if found is not None:
                self.message.emit(
                    ngettext(
                        "Rules applied: {count} interaction changed.",
                        "Rules applied: {count} interactions changed.",
                        len(found.changed),
                    ).format(count=len(found.changed))
                )

        self.write(_("Applying the rules"), work, _("The rules could not be applied"), done)
