"""Shown when no client is open: the ways to start."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from cmdesk.i18n import _
from cmdesk.ui.icons import app_icon, icon
from cmdesk.ui.views.settings_view import heading_font
from cmdesk.ui.widgets.column import in_column


class WelcomeView(QWidget):
    new_requested = Signal()
    demo_requested = Signal()
    file_requested = Signal()
    switch_requested = Signal()

    def __init__(self, has_clients: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("view-welcome")
        layout = in_column(self, 560)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(72, 72))
        layout.addWidget(logo)
        title = QLabel(_("No client is open"))
        title.setFont(heading_font(title))
        layout.addWidget(title)
        text = QLabel(
            _(
                "Each client has its own workspace file. Open one of your clients, create a "
                "new one, or explore the demo client to see how cmdesk works."
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        if has_clients:
            b = QPushButton(_("Open a client…  (Ctrl+K)"))
            b.setMinimumHeight(34)
            b.clicked.connect(self.switch_requested)
            layout.addWidget(b)
        for label, signal, icon_name in (
            (_("Create a client…  (Ctrl+N)"), self.new_requested, "add"),
            (_("Explore the demo client"), self.demo_requested, ""),
            (_("Open a workspace file…  (Ctrl+O)"), self.file_requested, "folder"),
        ):
            b = QPushButton(icon(icon_name), label) if icon_name else QPushButton(label)
            b.setMinimumHeight(34)
            b.clicked.connect(signal)
            layout.addWidget(b)
