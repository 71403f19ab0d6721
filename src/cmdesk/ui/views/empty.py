"""A section with nothing in it yet: what it will do and how to start."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from cmdesk.i18n import _
from cmdesk.ui.icons import icon
from cmdesk.ui.views.sections import Section
from cmdesk.ui.widgets.column import in_column


def bold(widget: QWidget) -> QFont:
    font = QFont(widget.font())
    font.setBold(True)
    return font


class EmptySectionView(QWidget):
    go_to_settings = Signal()

    def __init__(self, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.setObjectName(f"view-{section.key}")
        layout = in_column(self, 640)

        picture = QLabel()
        picture.setPixmap(icon(section.icon).pixmap(56, 56))
        layout.addWidget(picture)
        title = QLabel(_(section.title))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        summary = QLabel(_(section.summary))
        summary.setWordWrap(True)
        bigger = QFont(summary.font())
        bigger.setPointSizeF(bigger.pointSizeF() * 1.15)
        summary.setFont(bigger)
        layout.addWidget(summary)

        if section.will_do:
            heading = QLabel(_("What you will do here"))
            heading.setFont(bold(heading))
            layout.addSpacing(12)
            layout.addWidget(heading)
            items = "".join(f"<li>{_(item)}</li>" for item in section.will_do)
            bullets = QLabel(f"<ul style='margin-left:-20px'>{items}</ul>")
            bullets.setTextFormat(Qt.TextFormat.RichText)
            bullets.setWordWrap(True)
            layout.addWidget(bullets)
        if section.how_to_start:
            heading = QLabel(_("How to start"))
            heading.setFont(bold(heading))
            layout.addSpacing(12)
            layout.addWidget(heading)
            hint = QLabel(_(section.how_to_start))
            hint.setWordWrap(True)
            layout.addWidget(hint)
            button = QPushButton(_("Open the client's settings"))
            button.clicked.connect(self.go_to_settings)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        note = QLabel(_("This section is being built: it will appear in an update of cmdesk."))
        note.setWordWrap(True)
        note.setEnabled(False)
        layout.addWidget(note)
