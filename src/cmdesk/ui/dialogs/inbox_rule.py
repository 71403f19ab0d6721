"""An inbox rule: its conditions and actions, pointed at, then tried on the stored
interactions before it is saved.

The dialog only edits: it returns a `RuleDraft` and its caller saves it (through the
writer thread, see widgets/inbox_rules.py). "Test" reads the interactions on the task
pool with `ws.rules.test`, which changes nothing, and lists what the rule would change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import InvalidData
from cmdesk.core.interactions import (
    CHANNEL_LABELS,
    CONTACT_TAGS,
    STATUS_LABELS,
    TYPE_LABELS,
)
from cmdesk.core.monitoring import SENTIMENT_LABELS, SENTIMENTS
from cmdesk.core.query import QuerySyntaxError, parse
from cmdesk.core.rules import Actions, Conditions, Outcome, Rule
from cmdesk.i18n import N_, _, ngettext
from cmdesk.share.playbook import PRIORITY_LABELS
from cmdesk.store.rules import RuleRun
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskHandle, TaskManager
from cmdesk.ui.widgets.panel import error_text, hint_label, joined, shortcut
from cmdesk.ui.widgets.query_builder import QueryBuilder

# How many of the interactions a test would change are listed (all are counted).
SHOWN_OUTCOMES = 200
DIRECTION_LABELS = {"": N_("either"), "in": N_("from the community"), "out": N_("ours")}
FIELD_NAMES = {
    "type": N_("type"),
    "priority": N_("priority"),
    "team_id": N_("team"),
    "tags": N_("tags"),
    "status": N_("status"),
}


def split_tags(text: str) -> tuple[str, ...]:
    """Tags typed in one box, separated by commas."""
    return tuple(t.strip() for t in text.split(",") if t.strip())


class ChoiceGrid(QWidget):
    """Tick boxes for an "any of these" condition; none ticked means no condition."""

    def __init__(
        self, labels: Mapping[str, str], columns: int = 4, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        self.boxes: dict[str, QCheckBox] = {}
        for i, (key, label) in enumerate(labels.items()):
            box = QCheckBox(_(label))
            box.setMinimumWidth(box.sizeHint().width())  # never clipped: the dialog widens
            self.boxes[key] = box
            grid.addWidget(box, i // columns, i % columns)

    def values(self) -> tuple[str, ...]:
        return tuple(k for k, box in self.boxes.items() if box.isChecked())

    def set_values(self, values: Iterable[str]) -> None:
        wanted = set(values)
        for key, box in self.boxes.items():
            box.setChecked(key in wanted)


@dataclass(frozen=True)
class RuleDraft:
    """A rule as the dialog describes it, before it is saved."""

    name: str
    conditions: Conditions
    actions: Actions
    enabled: bool = True
    stop: bool = False

    def checked(self) -> RuleDraft:
        """The same draft checked as the store will check it; InvalidData says why not."""
        name = " ".join(self.name.split())
        if not name:
            raise InvalidData(_("A rule needs a name."))
        return RuleDraft(
            name, self.conditions.validated(), self.actions.validated(), self.enabled, self.stop
        )

    def fields(self) -> dict[str, object]:
        """For `ws.rules.update(rule_id, **fields)`."""
        return {
            "name": self.name,
            "conditions": self.conditions,
            "actions": self.actions,
            "enabled": self.enabled,
            "stop": self.stop,
        }


def _labels(values: Iterable[str], labels: Mapping[str, str]) -> str:
    return ", ".join(_(labels[v]) if v in labels else v for v in values)


def describe_conditions(conditions: Conditions) -> str:
    parts = []
    if conditions.query:
        parts.append(_("text matches “{query}”").format(query=conditions.query))
    if conditions.channels:
        parts.append(_("channel: {list}").format(list=_labels(conditions.channels, CHANNEL_LABELS)))
    if conditions.types:
        parts.append(_("type: {list}").format(list=_labels(conditions.types, TYPE_LABELS)))
    if conditions.sentiments:
        sentiments = _labels(conditions.sentiments, SENTIMENT_LABELS)
        parts.append(_("sentiment: {list}").format(list=sentiments))
    if conditions.contact_tags:
        parts.append(_("contact tagged {list}").format(list=", ".join(conditions.contact_tags)))
    if conditions.direction:
        parts.append(_(DIRECTION_LABELS[conditions.direction]))
    return joined(parts)


def describe_actions(actions: Actions, teams: Mapping[int, str]) -> str:
    parts = []
    if actions.type:
        parts.append(_("set the type to {type}").format(type=_(TYPE_LABELS[actions.type])))
    if actions.priority is not None:
        priority = _(PRIORITY_LABELS[actions.priority])
        parts.append(_("set the priority to {priority}").format(priority=priority))
    if actions.team_id is not None:
        team = teams.get(actions.team_id, _("a removed team"))
        parts.append(_("assign to {team}").format(team=team))
    if actions.tags:
        parts.append(_("tag {tags}").format(tags=", ".join(actions.tags)))
    if actions.status:
        status = _(STATUS_LABELS[actions.status])
        parts.append(_("set the status to {status}").format(status=status))
    return joined(parts)


def _value(field: str, value: object, teams: Mapping[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if field == "type":
        return _(TYPE_LABELS.get(str(value), str(value)))
    if field == "status":
        return _(STATUS_LABELS.get(str(value), str(value)))
    if field == "priority" and isinstance(value, int):
        return _(PRIORITY_LABELS.get(value, str(value)))
    if field == "team_id" and isinstance(value, int):
        return teams.get(value, f"#{value}")
    return str(value)


def describe_outcome(outcome: Outcome, teams: Mapping[int, str]) -> str:
    """One line: the interaction, and each change the rules make to it."""
    before, after = outcome.before, outcome.after
    changes = []
    for field in outcome.changed:
        label = _(FIELD_NAMES[field])
        if field == "tags":
            known = {t.casefold() for t in before.tags}
            added = ", ".join(t for t in after.tags if t.casefold() not in known)
            changes.append(_("{field}: +{added}").format(field=label, added=added))
        else:
            old = _value(field, getattr(before, field), teams)
            new = _value(field, getattr(after, field), teams)
            changes.append(_("{field}: {old} → {new}").format(field=label, old=old, new=new))
    text = " ".join(before.text.split())
    if len(text) > 70:
        text = text[:69] + "…"
    quoted = _("“{text}”").format(text=text)
    return f"#{before.id} {quoted} — {joined(changes)}"


def run_summary(done: RuleRun) -> str:
    changed = len(done.changed)
    if not done.examined:
        return _("There is no interaction to test on yet: log a few, then test again.")
    return ngettext(
        "{changed} of the {examined} interactions examined would change ({matched} match "
        "the conditions).",
        "{changed} of the {examined} interactions examined would change ({matched} match "
        "the conditions).",
        changed,
    ).format(changed=changed, examined=done.examined, matched=done.matched)


def problem(exc: InvalidData) -> str:
    """An error in the form, a query's with where it is."""
    if isinstance(exc, QuerySyntaxError):
        return _("Not understood at character {position}: {message}").format(
            position=exc.position + 1, message=exc.message
        )
    return exc.message


def _combo(labels: Mapping[Any, str], keep: str) -> QComboBox:
    box = QComboBox()
    box.addItem(keep, None)
    for key, label in labels.items():
        box.addItem(_(label), key)
    return box


class InboxRuleDialog(QDialog):
    def __init__(
        self,
        ws: Workspace,
        tasks: TaskManager,
        rule: Rule | None = None,
        parent: QWidget | None = None,
        *,
        template: Conditions | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.tasks = tasks
        self.rule = rule
        self.tested: RuleRun | None = None
        self.testing: TaskHandle | None = None
        self._generation = 0  # a test started before the last edit is not shown
        self.teams = {t.id: t.name for t in ws.teams.all()}
        self.setWindowTitle(_("Edit the rule") if rule else _("New inbox rule"))
        self.setMinimumWidth(900)
        layout = QVBoxLayout(self)
        name_row = QFormLayout()
        self.name = QLineEdit(rule.name if rule else "")
        self.name.setPlaceholderText(_("e.g. Delivery complaints to customer service"))
        name_row.addRow(_("Name"), self.name)
        layout.addLayout(name_row)
        columns = QHBoxLayout()
        columns.addWidget(self._conditions_box(), 3)
        columns.addWidget(self._actions_box(), 2)
        layout.addLayout(columns)
        layout.addLayout(self._test_row())
        self.summary = hint_label(
            _("Test the rule to see which interactions it would change. Nothing is changed.")
        )
        layout.addWidget(self.summary)
        self.outcomes = QListWidget()
        self.outcomes.setMaximumHeight(150)
        self.outcomes.hide()
        layout.addWidget(self.outcomes)
        layout.addStretch(1)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        shortcut(self, "Ctrl+T", self.run_test)
        self._load(rule, template)
        self._check_query()

    # -- building ------------------------------------------------------------------------------

    def _conditions_box(self) -> QGroupBox:
        box = QGroupBox(_("When an interaction… (all the conditions filled in)"))
        form = QFormLayout(box)
        self.query = QLineEdit()
        self.query.setPlaceholderText(_("e.g. colis OR livraison -merci"))
        self.query.textChanged.connect(self._check_query)
        form.addRow(_("Text"), self.query)
        self.query_state = hint_label(
            _(
                'Words, "exact phrases", OR, NOT (or -word), parentheses, word* for any '
                "ending. Accents and capitals do not matter."
            )
        )
        form.addRow("", self.query_state)
        self.builder = QueryBuilder(with_fields=False, checked=False, collapsible=True)
        self.builder.written_out.connect(self._written)
        form.addRow(self.builder)
        self.channels = ChoiceGrid(CHANNEL_LABELS, 3)
        form.addRow(_("Channel is"), self.channels)
        self.types = ChoiceGrid(TYPE_LABELS, 3)
        form.addRow(_("Type is"), self.types)
        self.sentiments = ChoiceGrid({s: SENTIMENT_LABELS[s] for s in SENTIMENTS}, 3)
        form.addRow(_("Sentiment is"), self.sentiments)
        self.contact_tags = QLineEdit()
        self.contact_tags.setPlaceholderText(
            _("comma-separated, e.g. {tags}").format(tags=", ".join(CONTACT_TAGS[:3]))
        )
        form.addRow(_("Contact tagged"), self.contact_tags)
        self.direction = QComboBox()
        for key, label in DIRECTION_LABELS.items():
            self.direction.addItem(_(label), key)
        form.addRow(_("Written"), self.direction)
        form.addRow(
            "", hint_label(_("A box left empty is no condition; ticked boxes: any of them."))
        )
        return box

    def _actions_box(self) -> QGroupBox:
        box = QGroupBox(_("Then"))
        form = QFormLayout(box)
        keep = _("(leave as it is)")
        self.set_type = _combo(TYPE_LABELS, keep)
        form.addRow(_("Set the type"), self.set_type)
        self.set_priority = _combo(PRIORITY_LABELS, keep)
        form.addRow(_("Set the priority"), self.set_priority)
        self.set_team = _combo(self.teams, keep)
        form.addRow(_("Assign to the team"), self.set_team)
        if not self.teams:
            self.set_team.setEnabled(False)
            form.addRow("", hint_label(_("No team yet: add the client's teams in Settings.")))
        self.add_tags = QLineEdit()
        self.add_tags.setPlaceholderText(_("comma-separated, e.g. delivery"))
        form.addRow(_("Add the tags"), self.add_tags)
        self.set_status = _combo(STATUS_LABELS, keep)
        form.addRow(_("Set the status"), self.set_status)
        form.addRow(
            "",
            hint_label(_("To mark an interaction as reviewed, set it to “in progress”.")),
        )
        self.stop = QCheckBox(_("Stop after this rule"))
        form.addRow(self.stop)
        form.addRow(hint_label(_("No later rule runs on an interaction this one matched.")))
        self.enabled = QCheckBox(_("Rule turned on"))
        self.enabled.setChecked(True)
        form.addRow(self.enabled)
        return box

    def _test_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.test_button = QPushButton(_("Test on existing interactions (Ctrl+T)"))
        self.test_button.clicked.connect(self.run_test)
        row.addWidget(self.test_button)
        self.include_closed = QCheckBox(_("Include answered and closed ones"))
        row.addWidget(self.include_closed)
        row.addStretch(1)
        return row

    def _load(self, rule: Rule | None, template: Conditions | None) -> None:
        conditions = rule.conditions if rule else (template or Conditions())
        self.query.setText(conditions.query)
        self.channels.set_values(conditions.channels)
        self.types.set_values(conditions.types)
        self.sentiments.set_values(conditions.sentiments)
        self.contact_tags.setText(", ".join(conditions.contact_tags))
        self.direction.setCurrentIndex(max(0, self.direction.findData(conditions.direction)))
        if rule is None:
            return
        actions = rule.actions
        for box, value in (
            (self.set_type, actions.type or None),
            (self.set_priority, actions.priority),
            (self.set_status, actions.status or None),
        ):
            box.setCurrentIndex(max(0, box.findData(value)))
        if actions.team_id is not None:
            index = self.set_team.findData(actions.team_id)
            if index < 0:  # the team was removed since: say so rather than drop it silently
                self.set_team.addItem(_("a removed team"), actions.team_id)
                index = self.set_team.count() - 1
            self.set_team.setCurrentIndex(index)
        self.add_tags.setText(", ".join(actions.tags))
        self.stop.setChecked(rule.stop)
        self.enabled.setChecked(rule.enabled)

    # -- reading the form --------------------------------------------------------------------

    def rule_conditions(self) -> Conditions:
        return Conditions(
            query=self.query.text().strip(),
            channels=self.channels.values(),
            types=self.types.values(),
            sentiments=self.sentiments.values(),
            contact_tags=split_tags(self.contact_tags.text()),
            direction=self.direction.currentData() or "",
        )

    def rule_actions(self) -> Actions:
        priority = self.set_priority.currentData()
        team = self.set_team.currentData()
        return Actions(
            type=self.set_type.currentData() or "",
            priority=None if priority is None else int(priority),
            team_id=None if team is None else int(team),
            tags=split_tags(self.add_tags.text()),
            status=self.set_status.currentData() or "",
        )

    def draft(self) -> RuleDraft:
        """The rule described, checked; InvalidData (with its message) when it cannot be saved."""
        return RuleDraft(
            self.name.text(),
            self.rule_conditions(),
            self.rule_actions(),
            enabled=self.enabled.isChecked(),
            stop=self.stop.isChecked(),
        ).checked()

    def _written(self, text: str) -> None:
        if not text:
            self.query_state.setText(_("Fill in at least one box above the last one."))
            return
        self.query.setText(text)

    def _check_query(self) -> None:
        text = self.query.text()
        if not text.strip():
            return
        try:
            parse(text)
        except QuerySyntaxError as exc:
            self.query_state.setEnabled(True)
            self.query_state.setText(problem(exc))
            return
        self.query_state.setEnabled(False)
        self.query_state.setText(_("Understood."))

    # -- testing and saving ----------------------------------------------------------------------

    def run_test(self) -> None:
        try:
            draft = RuleDraft(".", self.rule_conditions(), self.rule_actions()).checked()
        except InvalidData as exc:
            self.error.setText(problem(exc))
            return
        self.error.clear()
        self._generation += 1
        generation = self._generation
        include_closed = self.include_closed.isChecked()
        ws = self.ws
        self.test_button.setEnabled(False)
        self.summary.setText(_("Testing…"))

        def done(found: RuleRun) -> None:
            if generation == self._generation:
                self._show_test(found)

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            self.summary.setText(error_text(exc))

        self.testing = self.tasks.run(
            _("Testing the rule"),
            lambda ctx: ws.rules.test(
                draft.conditions, draft.actions, include_closed=include_closed
            ),
            done,
            failed,
        )

    def _show_test(self, found: RuleRun) -> None:
        self.tested = found
        self.test_button.setEnabled(True)
        self.summary.setEnabled(True)
        self.summary.setText(run_summary(found))
        self.outcomes.clear()
        for outcome in found.changed[:SHOWN_OUTCOMES]:
            self.outcomes.addItem(describe_outcome(outcome, self.teams))
        if len(found.changed) > SHOWN_OUTCOMES:
            self.outcomes.addItem(
                _("… and {count} more.").format(count=len(found.changed) - SHOWN_OUTCOMES)
            )
        self.outcomes.setVisible(bool(found.changed))

    def _accept(self) -> None:
        try:
            self.draft()
        except InvalidData as exc:
            self.error.setText(problem(exc))
            return
        self.accept()

    def done(self, result: int) -> None:
        if self.testing is not None and not self.testing.finished:
            self.testing.cancel()
        super().done(result)
