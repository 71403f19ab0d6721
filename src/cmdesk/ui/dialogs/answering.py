"""One window for how a client is answered: inbox rules, canned replies, escalation,
the playbook and the participation segments, each a tab.

Opened from the Interactions menu (and from the tone panel beside the reply editor); not
modal, so the inbox stays usable while a rule or a reply is written. Built on first use:
nothing here slows the start of the app.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget

from cmdesk.core.changes import Changes
from cmdesk.i18n import _
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.views.playbook import PlaybookView
from cmdesk.ui.widgets.canned_replies import CannedRepliesPanel
from cmdesk.ui.widgets.escalation import EscalationEditor
from cmdesk.ui.widgets.inbox_rules import InboxRulesPanel
from cmdesk.ui.widgets.segments import SegmentsPanel

TABS = ("rules", "replies", "escalation", "playbook", "segments")


class AnsweringDialog(QDialog):
    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Answering: rules, replies, escalation, playbook"))
        self.resize(1000, 700)
        self.rules = InboxRulesPanel(tasks, interactive=interactive)
        self.replies = CannedRepliesPanel(tasks, interactive=interactive)
        self.escalation = EscalationEditor(tasks, interactive=interactive)
        self.playbook = PlaybookView(tasks, interactive=interactive)
        self.segments = SegmentsPanel(tasks, interactive=interactive)
        self.tabs = QTabWidget()
        titles = (
            _("Inbox rules"),
            _("Canned replies"),
            _("Escalation"),
            _("Playbook"),
            _("Segments (90/9/1)"),
        )
        for i, (panel, title) in enumerate(zip(self.panels(), titles, strict=True), start=1):
            self.tabs.addTab(panel, title)
            QShortcut(QKeySequence(f"Alt+{i}"), self, lambda i=i: self.tabs.setCurrentIndex(i - 1))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def panels(self) -> tuple[Any, ...]:
        return (self.rules, self.replies, self.escalation, self.playbook, self.segments)

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(TABS.index(key))
        self.show()
        self.raise_()
        self.activateWindow()

    def set_workspace(self, ws: Workspace | None) -> None:
        if ws is None:
            self.hide()
        for panel in self.panels():
            panel.set_workspace(ws)

    def on_changes(self, changes: Changes) -> None:
        for panel in self.panels():
            panel.on_changes(changes)

    def flush(self) -> None:
        """Save the playbook text typed and not yet saved: before the client is closed."""
        self.playbook.flush()
