"""The escalation matrix (which team handles which type of interaction) and the
response-time targets per priority.

A line sends a type, optionally only about a watch topic or only with a tag, to a team;
the most specific line that fits wins (store.escalation). Saving a line with the type,
topic and tag of an existing one changes that line's team.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.escalation import Route
from cmdesk.core.interactions import PRIORITIES, TYPE_LABELS
from cmdesk.i18n import N_, _
from cmdesk.share.playbook import PRIORITY_LABELS
from cmdesk.store.escalation import MAX_TARGET_MINUTES
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.panel import WorkspacePanel, hint_label, shortcut, top_aligned

ROUTE_ROLE = Qt.ItemDataRole.UserRole
# (minutes in one, label)
UNITS = ((1, N_("minutes")), (60, N_("hours")), (1440, N_("days")))


def split_target(target: timedelta) -> tuple[int, int]:
    """(amount, minutes per unit) in the largest unit that says it exactly."""
    minutes = int(target.total_seconds() // 60)
    for per, _label in reversed(UNITS):
        if minutes % per == 0:
            return minutes // per, per
    return minutes, 1


class EscalationEditor(WorkspacePanel):
    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(tasks, parent, interactive=interactive)
        self.setObjectName("escalation")
        self.routes: list[Route] = []
        self.teams: dict[int, str] = {}
        self.topics: dict[int, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._matrix_box(), 1)
        layout.addWidget(self._targets_box())
        shortcut(self.table, "Delete", self.remove_route)
        shortcut(self.targets_box, QKeySequence.StandardKey.Save, self.save_targets)
        self.reload()

    # -- building ------------------------------------------------------------------------------

    def _matrix_box(self) -> QGroupBox:
        box = QGroupBox(_("Escalation matrix"))
        column = QVBoxLayout(box)
        column.addWidget(
            hint_label(
                _(
                    "Which team handles which type of interaction. A line can be narrowed to "
                    "a watch topic or a tag; the most specific line that fits wins. Teams are "
                    "assigned as interactions are logged, when no inbox rule did."
                )
            )
        )
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [_("Type"), _("Only about the topic"), _("Only with the tag"), _("Team")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.empty = hint_label(dim=False)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(top_aligned(self.empty))
        column.addWidget(self.stack, 1)
        form = QGridLayout()
        self.type_box = QComboBox()
        for key, label in TYPE_LABELS.items():
            self.type_box.addItem(_(label), key)
        self.topic_box = QComboBox()
        self.tag = QLineEdit()
        self.tag.setPlaceholderText(_("any tag"))
        self.team_box = QComboBox()
        for col, (label, widget) in enumerate(
            (
                (_("Type"), self.type_box),
                (_("About the topic"), self.topic_box),
                (_("With the tag"), self.tag),
                (_("Goes to the team"), self.team_box),
            )
        ):
            form.addWidget(QLabel(label), 0, col)
            form.addWidget(widget, 1, col)
        column.addLayout(form)
        row = QHBoxLayout()
        self.save_button = QPushButton(_("Save the line"))
        self.save_button.setToolTip(
            _("A line with the same type, topic and tag gets the new team.")
        )
        self.save_button.clicked.connect(self.save_route)
        self.remove_button = QPushButton(_("Remove the line"))
        self.remove_button.setToolTip(_("Delete key"))
        self.remove_button.clicked.connect(self.remove_route)
        row.addWidget(self.save_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        column.addLayout(row)
        return box

    def _targets_box(self) -> QGroupBox:
        box = QGroupBox(_("Response-time targets"))
        self.targets_box = box
        column = QVBoxLayout(box)
        column.addWidget(
            hint_label(
                _(
                    "The first answer is due within this time, counted around the clock: "
                    "nights, weekends and public holidays included. Late interactions show as "
                    "overdue in the inbox."
                )
            )
        )
        form = QFormLayout()
        self.amounts: dict[int, QSpinBox] = {}
        self.units: dict[int, QComboBox] = {}
        for priority in sorted(PRIORITIES, reverse=True):
            amount = QSpinBox()
            amount.setRange(1, MAX_TARGET_MINUTES)
            unit = QComboBox()
            for per, label in UNITS:
                unit.addItem(_(label), per)
            row = QHBoxLayout()
            row.addWidget(amount)
            row.addWidget(unit)
            row.addStretch(1)
            self.amounts[priority], self.units[priority] = amount, unit
            form.addRow(_(PRIORITY_LABELS[priority]).capitalize(), row)
        column.addLayout(form)
        save = QPushButton(_("Save the targets"))
        save.setToolTip(_("Ctrl+S"))
        save.clicked.connect(self.save_targets)
        self.save_targets_button = save
        column.addWidget(save, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    # -- showing -------------------------------------------------------------------------------

    def wants(self, changes: Changes) -> bool:
        return changes.escalation or changes.teams or changes.topics

    def reload(self) -> None:
        ws = self.ws
        self.routes = ws.escalation.routes() if ws is not None else []
        self.teams = {t.id: t.name for t in ws.teams.all()} if ws is not None else {}
        self.topics = {t.id: t.name for t in ws.topics.all()} if ws is not None else {}
        self._fill_choices()
        self.table.setRowCount(len(self.routes))
        for row, route in enumerate(self.routes):
            cells = (
                _(TYPE_LABELS[route.type]),
                self.topics.get(route.topic_id, "") if route.topic_id is not None else "—",
                route.tag or "—",
                self.teams.get(route.team_id, "?"),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ROUTE_ROLE, route.id)
                self.table.setItem(row, col, item)
        if not self.teams:
            self.empty.setText(
                _(
                    "No team yet. Add the client's teams first (customer service, product, "
                    "PR…), then send each type of interaction to one of them here."
                )
            )
        else:
            self.empty.setText(
                _(
                    "No line yet: choose a type and a team below, then Save the line. For "
                    "example, complaints to customer service and suggestions to product."
                )
            )
        self.stack.setCurrentIndex(0 if self.routes else 1)
        for widget in (self.type_box, self.topic_box, self.tag, self.team_box, self.save_button):
            widget.setEnabled(bool(self.teams))
        self.remove_button.setEnabled(bool(self.routes))
        self._load_targets()

    def _fill_choices(self) -> None:
        for box, choices, first in (
            (self.topic_box, self.topics, _("any topic")),
            (self.team_box, self.teams, None),
        ):
            keep = box.currentData()
            box.clear()
            if first is not None:
                box.addItem(first, None)
            for key, name in choices.items():
                box.addItem(name, key)
            box.setCurrentIndex(max(0, box.findData(keep)))

    def _load_targets(self) -> None:
        targets = self.ws.escalation.targets() if self.ws is not None else {}
        for priority, amount in self.amounts.items():
            if priority in targets:
                value, per = split_target(targets[priority])
                amount.setValue(value)
                self.units[priority].setCurrentIndex(self.units[priority].findData(per))
            amount.setEnabled(self.ws is not None)
            self.units[priority].setEnabled(self.ws is not None)

    def selected_route(self) -> Route | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        route_id = item.data(ROUTE_ROLE) if item is not None else None
        return next((r for r in self.routes if r.id == route_id), None)

    def _selected(self) -> None:
        route = self.selected_route()
        if route is None:
            return
        self.type_box.setCurrentIndex(self.type_box.findData(route.type))
        self.topic_box.setCurrentIndex(max(0, self.topic_box.findData(route.topic_id)))
        self.tag.setText(route.tag)
        self.team_box.setCurrentIndex(max(0, self.team_box.findData(route.team_id)))

    # -- writing -------------------------------------------------------------------------------

    def save_route(self) -> None:
        kind = self.type_box.currentData()
        team = self.team_box.currentData()
        topic = self.topic_box.currentData()
        tag = self.tag.text()
        if team is None:
            return

        def work(ws: Workspace) -> Changes:
            ws.escalation.set_route(kind, int(team), topic_id=topic, tag=tag)
            return Changes(escalation=True)

        self.write(
            _("Saving the escalation matrix"),
            work,
            _("The line could not be saved"),
            lambda _c: self.message.emit(_("Escalation matrix saved.")),
        )

    def remove_route(self) -> None:
        route = self.selected_route()
        if route is None:
            return
        self.write(
            _("Saving the escalation matrix"),
            lambda ws: ws.escalation.remove_route(route.id),
            _("The line could not be removed"),
        )

    def targets(self) -> dict[int, timedelta]:
        return {
            p: timedelta(minutes=box.value() * int(self.units[p].currentData()))
            for p, box in self.amounts.items()
        }

    def save_targets(self) -> None:
        wanted = self.targets()

        def work(ws: Workspace) -> Changes:
            changes = Changes()
            with ws.atomic():  # all three or none: a refused one leaves the others as they were
                for priority, target in wanted.items():
                    changes |= ws.escalation.set_target(priority, target)
            return changes

        self.write(
            _("Saving the response-time targets"),
            work,
            _("The targets could not be saved"),
            lambda _c: self.message.emit(_("Response-time targets saved.")),
        )
