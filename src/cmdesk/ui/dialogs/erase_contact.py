"""Erasing a contact's personal data: what goes, what stays, and why it was done."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from cmdesk.core.interactions import Contact
from cmdesk.i18n import _, ngettext


class EraseDialog(QDialog):
    """Says exactly what an erasure removes and what stays, and asks for the reason."""

    def __init__(
        self, contact: Contact, interactions: int, backups: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Erase this contact's personal data?"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        text = QLabel(
            "<p><b>"
            + _("“{name}” will be erased.").format(name=contact.display_name)
            + "</b></p><p>"
            + _(
                "Deleted now: the name, e-mail, notes, consent notes, handles and tags of "
                "this contact."
            )
            + "</p><p>"
            + ngettext(
                "Kept: its {count} interaction, anonymised (its text stays, linked to "
                "nobody), and a record that the erasure was done (date and your note, no "
                "personal data).",
                "Kept: its {count} interactions, anonymised (their text stays, linked to "
                "nobody), and a record that the erasure was done (date and your note, no "
                "personal data).",
                interactions,
            ).format(count=interactions)
            + "</p><p>"
            + _(
                "Backups made before now still hold this data, in {folder}. Automatic "
                "backups are replaced within a week; manual ones stay until you delete them."
            ).format(folder=backups)
            + "</p>"
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("Why, for the record: e.g. request by e-mail of 3 March"))
        layout.addWidget(self.note)
        buttons = QDialogButtonBox()
        self.erase_button = buttons.addButton(
            _("Erase the personal data"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)  # Enter must never erase by accident
        self.erase_button.setAutoDefault(False)
        self.erase_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
