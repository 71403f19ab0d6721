"""Switch client (Ctrl+K): recent clients first, type to filter, Enter to open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.client import slugify
from cmdesk.i18n import _
from cmdesk.store.home import ClientSummary, read_summary
from cmdesk.ui.icons import icon, swatch

PATH_ROLE = Qt.ItemDataRole.UserRole


class ClientSwitcher(QDialog):
    """Returns its choice in `action` ("open", "new", "file", "demo") and `chosen`."""

    def __init__(
        self,
        clients: list[ClientSummary],
        recent: list[Path],
        current: Path | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Switch client"))
        self.resize(520, 460)
        self.action = ""
        self.chosen: Path | None = None
        self._clients = clients
        self._recent = recent
        self._current = current

        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search clients by name…"))
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        layout.addWidget(self.list, 1)
        self.empty = QLabel(_("No client matches. Press Ctrl+N to create one."))
        self.empty.setEnabled(False)
        self.empty.hide()
        layout.addWidget(self.empty)
        self.show_archived = QCheckBox(_("Show archived clients"))
        layout.addWidget(self.show_archived)

        buttons = QHBoxLayout()
        self.new_button = QPushButton(icon("add"), _("New client…"))
        self.new_button.setShortcut("Ctrl+N")
        self.file_button = QPushButton(icon("folder"), _("Open a file…"))
        self.file_button.setShortcut("Ctrl+O")
        self.demo_button = QPushButton(_("Demo client"))
        self.open_button = QPushButton(_("Open"))
        self.open_button.setDefault(True)
        for b in (self.new_button, self.file_button, self.demo_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        layout.addLayout(buttons)

        self.search.textChanged.connect(self._fill)
        self.show_archived.toggled.connect(self._fill)
        self.list.itemActivated.connect(self._open_item)
        self.open_button.clicked.connect(self._open_current)
        self.new_button.clicked.connect(lambda: self._finish("new"))
        self.file_button.clicked.connect(lambda: self._finish("file"))
        self.demo_button.clicked.connect(lambda: self._finish("demo"))
        self._fill()
        self.search.setFocus()

    def _entries(self) -> list[tuple[ClientSummary, bool]]:
        by_path = {c.path.resolve(): c for c in self._clients}
        entries: list[tuple[ClientSummary, bool]] = []
        seen: set[Path] = set()
        for path in self._recent:
            key = path.resolve()
            summary = by_path.get(key) or (read_summary(path) if path.is_file() else None)
            if summary is not None and key not in seen:
                entries.append((summary, True))
                seen.add(key)
        entries += [(c, False) for c in self._clients if c.path.resolve() not in seen]
        return entries

    def _fill(self) -> None:
        needle = slugify(self.search.text()) if self.search.text().strip() else ""
        self.list.clear()
        for summary, recent in self._entries():
            if summary.archived and not self.show_archived.isChecked():
                continue
            if needle and needle not in slugify(summary.name) and needle not in summary.slug:
                continue
            label = summary.name
            extras = []
            if recent:
                extras.append(_("recent"))
            if summary.archived:
                extras.append(_("archived"))
            if summary.error:
                extras.append(_("damaged"))
            if self._current and summary.path.resolve() == self._current.resolve():
                extras.append(_("open"))
            if extras:
                label += "   (" + ", ".join(extras) + ")"
            item = QListWidgetItem(swatch(summary.colour), label)
            item.setData(PATH_ROLE, str(summary.path))
            item.setToolTip(str(summary.path))
            self.list.addItem(item)
        self.empty.setVisible(self.list.count() == 0)
        self.open_button.setEnabled(self.list.count() > 0)
        if self.list.count():
            self.list.setCurrentRow(0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Arrow keys move in the list while the search box keeps the focus.
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = (self.list.currentRow() + step) % self.list.count()
            self.list.setCurrentRow(row)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open_current()
            return
        super().keyPressEvent(event)

    def _open_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._open_item(item)

    def _open_item(self, item: QListWidgetItem) -> None:
        self.chosen = Path(item.data(PATH_ROLE))
        self._finish("open")

    def _finish(self, action: str) -> None:
        self.action = action
        self.accept()
