"""The client's internal teams, in Settings: where interactions are routed (customer
service, product, PR…), each with the e-mail or webhook that reaches it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.interactions import TEAM_KIND_LABELS, Team
from cmdesk.i18n import _
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.feedback import run_write
from cmdesk.ui.widgets.fields import choice_box


class TeamsEditor(QGroupBox):
    message = Signal(str)

    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(_("Internal teams"), parent)
        self.setObjectName("teams-editor")
        self.tasks = tasks
        self.interactive = interactive
        self.last_error = ""
        self.ws: Workspace | None = None
        self.teams: list[Team] = []
        layout = QVBoxLayout(self)
        hint = QLabel(
            _(
                "Where interactions are passed on: customer service, product, PR, "
                "management… With an e-mail address or a webhook, each team can be reached "
                "with the evidence."
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Name"), _("Kind"), _("E-mail"), _("Webhook")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(120)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("Team name"))
        self.kind = choice_box(TEAM_KIND_LABELS)
        self.email = QLineEdit()
        self.email.setPlaceholderText(_("e-mail (optional)"))
        self.webhook = QLineEdit()
        self.webhook.setPlaceholderText(_("webhook https://… (optional)"))
        self.add_button = QPushButton(_("Add the team"))
        self.add_button.clicked.connect(self.add)
        for field in (self.name, self.email, self.webhook):
            field.returnPressed.connect(self.add)
        for widget, stretch in (
            (self.name, 2),
            (self.kind, 0),
            (self.email, 2),
            (self.webhook, 2),
            (self.add_button, 0),
        ):
            row.addWidget(widget, stretch)
        layout.addLayout(row)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        self.remove_button = QPushButton(_("Remove the selected team…"))
        self.remove_button.clicked.connect(self.remove)
        remove_row.addWidget(self.remove_button)
        layout.addLayout(remove_row)

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self._fill()

    def on_changes(self, changes: Changes) -> None:
        if changes.teams or changes.workspace:
            self._fill()

    def _fill(self) -> None:
        self.teams = self.ws.teams.all() if self.ws is not None else []
        self.table.setRowCount(len(self.teams))
        for row, team in enumerate(self.teams):
            for column, text in enumerate(
                (team.name, _(TEAM_KIND_LABELS[team.kind]), team.email, team.webhook_url)
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, team.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.remove_button.setEnabled(bool(self.teams))

    def add(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.name.setFocus()
            return
        kind, email, webhook = self.kind.currentData(), self.email.text(), self.webhook.text()

        def work(ws: Workspace) -> Changes:
            ws.teams.add(name, kind=kind, email=email, webhook_url=webhook)
            return Changes(teams=True, activity=True)

        def added(_changes: Changes) -> None:
            for field in (self.name, self.email, self.webhook):
                field.clear()

        run_write(self, _("Adding the team"), work, added)

    def remove(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.teams):
            self.message.emit(_("Select a team in the list first."))
            return
        team = self.teams[row]
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Remove this team?"))
        box.setText(
            _("Remove “{name}”? The interactions assigned to it stay, with no team.").format(
                name=team.name
            )
        )
        remove = box.addButton(_("Remove the team"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        if box.clickedButton() is remove:
            run_write(
                self, _("Removing the team"), lambda ws: ws.teams.remove(team.id), lambda _c: None
            )
