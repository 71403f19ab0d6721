"""The playbook's tone of voice and do-and-don't, read-only, beside the reply editor.

Rendered by the same Markdown renderer as the exported playbook (share.playbook), in a
Reader that loads nothing from the network or the disk.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from cmdesk.core.changes import Changes
from cmdesk.core.playbook import SECTION_LABELS
from cmdesk.i18n import _
from cmdesk.share.playbook import markdown_html
from cmdesk.store.workspace import Workspace
from cmdesk.ui.widgets.panel import hint_label, top_aligned
from cmdesk.ui.widgets.reader import Reader

SHOWN = ("tone", "do_dont")
# Qt's rich text draws no table borders unless the table asks for them.
_TABLE = '<table border="1" cellspacing="0" cellpadding="4" width="100%">'


def preview_html(markdown: str, shift: int = 0) -> str:
    """Markdown as the exported playbook renders it, with tables drawn for Qt."""
    return markdown_html(markdown, shift).replace("<table>", _TABLE)


class TonePanel(QWidget):
    edit_requested = Signal()  # "Write the playbook": open the playbook editor

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tone-panel")
        self.ws: Workspace | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(_("How to answer"))
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.reader = Reader()
        self.reader.setMinimumWidth(220)
        self.empty = hint_label(
            _(
                "No tone of voice written yet. Describe how the client speaks (formal or "
                "friendly, how to sign, what never to promise) in the playbook, and it will "
                "show here while you answer."
            ),
            dim=False,
        )
        self.edit = QPushButton(_("Write the playbook…"))
        self.edit.clicked.connect(self.edit_requested)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.reader)
        self.stack.addWidget(top_aligned(self.empty, self.edit))
        layout.addWidget(self.stack, 1)
        self.reload()

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.reload()

    def on_changes(self, changes: Changes) -> None:
        if changes.playbook or changes.workspace:
            self.reload()

    def reload(self) -> None:
        sections = self.ws.playbook.sections() if self.ws is not None else {}
        parts = [
            f"<h3>{html.escape(_(SECTION_LABELS[key]))}</h3>{preview_html(sections[key], 2)}"
            for key in SHOWN
            if sections.get(key, "").strip()
        ]
        self.reader.setHtml("".join(parts))
        self.stack.setCurrentIndex(0 if parts else 1)
