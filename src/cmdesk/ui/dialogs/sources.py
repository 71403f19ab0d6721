"""Manage sources: each one's state in plain words, its settings, on/off, remove."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.errors import CmdeskError
from cmdesk.core.monitoring import MIN_REFRESH_MINUTES, Source
from cmdesk.i18n import _
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.views.monitoring import source_state

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class SourcesDialog(QDialog):
    """Edits apply on Save for the selected source; removal asks first."""

    def __init__(self, ws: Workspace, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.tasks = tasks
        self.changed = False
        self.setWindowTitle(_("Sources"))
        self.resize(820, 520)
        root = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.currentItemChanged.connect(lambda *_a: self._load())
        root.addWidget(self.list, 2)

        form_box = QWidget()
        column = QVBoxLayout(form_box)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        column.addWidget(self.state)
        form = QFormLayout()
        self.title = QLineEdit()
        self.url = QLineEdit()
        self.category = QComboBox()
        self.category.setEditable(True)
        self.interval = QSpinBox()
        self.interval.setRange(MIN_REFRESH_MINUTES, 24 * 60)
        self.interval.setSuffix(_(" min"))
        self.user_agent = QLineEdit()
        self.user_agent.setPlaceholderText(_("cmdesk's own (leave empty)"))
        self.enabled = QCheckBox(_("Refresh this source"))
        form.addRow(_("Name"), self.title)
        form.addRow(_("Feed address"), self.url)
        form.addRow(_("Category"), self.category)
        form.addRow(_("Refresh every"), self.interval)
        form.addRow(_("User agent"), self.user_agent)
        form.addRow("", self.enabled)
        column.addLayout(form)
        actions = QHBoxLayout()
        self.remove_button = QPushButton(_("Stop following…"))
        self.remove_button.clicked.connect(self._remove)
        actions.addWidget(self.remove_button)
        actions.addStretch(1)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        actions.addWidget(self.save_button)
        column.addLayout(actions)
        column.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        column.addWidget(close)
        root.addWidget(form_box, 3)
        self._fill()

    def _fill(self, keep: int | None = None) -> None:
        self.list.clear()
        self.category.clear()
        self.category.addItems(["", *self.ws.sources.categories()])
        for source in self.ws.sources.all():
            mark = "⚠ " if source.paused or source.failures else ""
            off = "" if source.enabled else _(" (off)")
            item = QListWidgetItem(f"{mark}{source.display_name}{off}")
            item.setData(ID_ROLE, source.id)
            item.setToolTip(source.url)
            self.list.addItem(item)
            if source.id == keep:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._load()

    def current(self) -> Source | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return self.ws.sources.get(int(item.data(ID_ROLE)))

    def _load(self) -> None:
        source = self.current()
        for widget in (
            self.title,
            self.url,
            self.category,
            self.interval,
            self.user_agent,
            self.enabled,
            self.save_button,
            self.remove_button,
        ):
            widget.setEnabled(source is not None)
        if source is None:
            self.state.setText(_("No source yet."))
            return
        self.state.setText(source_state(source))
        self.title.setText(source.title)
        self.url.setText(source.url)
        self.category.setCurrentText(source.category)
        self.interval.setValue(source.refresh_minutes)
        self.user_agent.setText(source.user_agent)
        self.enabled.setChecked(source.enabled and not source.paused)

    def _save(self) -> None:
        source = self.current()
        if source is None:
            return
        fields: dict[str, object] = {
            "title": self.title.text(),
            "url": self.url.text(),
            "category": self.category.currentText(),
            "refresh_minutes": self.interval.value(),
            "user_agent": self.user_agent.text(),
        }
        wanted = self.enabled.isChecked()
        if wanted != (source.enabled and not source.paused):
            fields["enabled"] = wanted
        ws = self.ws
        self._write(lambda: ws.sources.update(source.id, **fields), keep=source.id)

    def _remove(self) -> None:
        source = self.current()
        if source is None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Stop following this source?"))
        box.setText(
            _(
                "“{name}” will no longer be refreshed. The mentions it brought stay in the "
                "workspace."
            ).format(name=source.display_name)
        )
        stop = box.addButton(_("Stop following"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        box.exec()
        if box.clickedButton() is stop:
            ws = self.ws
            self._write(lambda: ws.sources.remove(source.id), keep=None)

    def _write(self, fn: Callable[[], Changes], keep: int | None) -> None:
        def done(_changes: Changes) -> None:
            self.changed = True
            self._fill(keep=keep)

        def failed(exc: BaseException) -> None:
            message = exc.message if isinstance(exc, CmdeskError) else str(exc)
            QMessageBox.warning(self, _("Cannot save the source"), message)

        self.tasks.run(_("Saving"), lambda ctx: fn(), done, failed, write=True, cancellable=False)
