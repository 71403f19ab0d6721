"""Create a client: the few fields that matter on day one, sane defaults for the rest."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.client import DEFAULT_TIMEZONE, ClientProfile, parse_keywords, slugify
from cmdesk.core.errors import CmdeskError
from cmdesk.i18n import _, current_language
from cmdesk.ui.widgets.fields import (
    language_box,
    sector_box,
    sector_value,
    select_data,
    timezone_box,
)


class NewClientDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New client"))
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Each client gets its own workspace file. You can change all of this later "
                "in Settings."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. Boulangerie Martin"))
        self.slug = QLineEdit()
        self.slug.setPlaceholderText(_("made from the name"))
        self.slug.setToolTip(_("Identifier used for the file name and on the command line."))
        self.language = language_box()
        select_data(self.language, current_language())
        self.timezone = timezone_box()
        self.timezone.setCurrentText(DEFAULT_TIMEZONE)
        self.sector = sector_box()
        self.keywords = QLineEdit()
        self.keywords.setPlaceholderText(_("brand, products, people; separated by commas"))
        form.addRow(_("Name"), self.name)
        form.addRow(_("Identifier"), self.slug)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Time zone"), self.timezone)
        form.addRow(_("Sector"), self.sector)
        form.addRow(_("Brand keywords"), self.keywords)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._name_changed)
        self._slug_edited = False
        self.slug.textEdited.connect(lambda _text: setattr(self, "_slug_edited", True))

    def _name_changed(self, text: str) -> None:
        if not self._slug_edited:
            self.slug.setText(slugify(text) if text.strip() else "")

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text().strip(),
            "slug": self.slug.text().strip() or None,
            "language": self.language.currentData(),
            "timezone": self.timezone.currentText().strip(),
            "sector": sector_value(self.sector),
            "keywords": parse_keywords(self.keywords.text()),
        }

    def accept(self) -> None:
        values = self.values()
        try:
            ClientProfile(
                **{**values, "slug": values["slug"] or slugify(values["name"])}
            ).validated()
        except CmdeskError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        super().accept()
