"""First run: pick the language, then create a first client or explore the demo."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.i18n import LANGUAGES, _
from cmdesk.ui.icons import app_icon


class FirstRunDialog(QDialog):
    """`choice` is "new", "demo" or "" (skip); `language_changed` fires on a switch so the
    caller can rebuild this dialog in the new language."""

    language_changed = Signal(str)

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = ""
        self.setWindowTitle(_("Welcome to cmdesk"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        top = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        top.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(_("Welcome to cmdesk"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        text = QVBoxLayout()
        text.addWidget(title)
        intro = QLabel(
            _(
                "cmdesk keeps each client's monitoring, posts, interactions and reports in one "
                "file on this computer. It works offline; nothing leaves your laptop unless you "
                "send it."
            )
        )
        intro.setWordWrap(True)
        text.addWidget(intro)
        top.addLayout(text, 1)
        layout.addLayout(top)

        lang_row = QHBoxLayout()
        lang_row.addWidget(QLabel(_("Language:")))
        self.languages = QButtonGroup(self)
        for code, name in LANGUAGES.items():
            radio = QRadioButton(name)
            radio.setProperty("code", code)
            radio.setChecked(code == language)
            self.languages.addButton(radio)
            lang_row.addWidget(radio)
        lang_row.addStretch(1)
        layout.addLayout(lang_row)
        self.languages.buttonToggled.connect(self._language_toggled)

        self.new_button = QPushButton(_("Create my first client"))
        self.new_button.setDefault(True)
        self.new_button.setMinimumHeight(40)
        self.demo_button = QPushButton(_("Explore the demo client (a bakery)"))
        self.demo_button.setMinimumHeight(40)
        self.skip_button = QPushButton(_("Later"))
        layout.addWidget(self.new_button)
        layout.addWidget(self.demo_button)
        layout.addWidget(self.skip_button, 0, Qt.AlignmentFlag.AlignRight)
        self.new_button.clicked.connect(lambda: self._finish("new"))
        self.demo_button.clicked.connect(lambda: self._finish("demo"))
        self.skip_button.clicked.connect(lambda: self._finish(""))

    def _language_toggled(self, button: QRadioButton, checked: bool) -> None:
        if checked:
            self.language_changed.emit(str(button.property("code")))

    def _finish(self, choice: str) -> None:
        self.choice = choice
        self.accept()
