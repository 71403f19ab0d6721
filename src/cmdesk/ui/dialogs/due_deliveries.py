"""What came due while cmdesk was closed: the user sends it now, or skips it (never sent),
or decides later (offered again next time)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.delivery import Due
from cmdesk.i18n import _, format_when


class DueDeliveriesDialog(QDialog):
    def __init__(self, items: list[Due], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Deliveries due while cmdesk was closed"))
        self.items = items
        self.action = ""
        layout = QVBoxLayout(self)
        text = QLabel(
            _(
                "These were due while cmdesk was closed. Send them now, or skip them: a "
                "skipped period is never sent."
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.list = QListWidget()
        for item in items:
            row = QListWidgetItem(
                _("{what} for {target}, {period} (due {time})").format(
                    what=item.schedule.kind,
                    target=item.schedule.target.name,
                    period=item.period.key,
                    time=format_when(item.due_at),
                )
            )
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(row)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        self.send_button = QPushButton(_("Send the checked ones"))
        self.skip_button = QPushButton(_("Skip the checked ones"))
        later = QPushButton(_("Later"))
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.skip_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(later, QDialogButtonBox.ButtonRole.RejectRole)
        self.send_button.clicked.connect(lambda: self._done("send"))
        self.skip_button.clicked.connect(lambda: self._done("skip"))
        later.clicked.connect(self.reject)
        layout.addWidget(buttons)

    def _done(self, action: str) -> None:
        self.action = action
        self.accept()

    def chosen(self) -> list[Any]:
        return [
            item
            for row, item in enumerate(self.items)
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]
