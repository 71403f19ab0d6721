"""The status area: one line per background task with its progress and a cancel button."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from cmdesk.i18n import _
from cmdesk.ui.icons import icon
from cmdesk.ui.tasks import TaskHandle, TaskManager


class TaskRow(QWidget):
    def __init__(self, handle: TaskHandle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.handle = handle
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(handle.label)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setMaximumHeight(14)
        self.bar.setRange(0, 0)  # busy until the task reports a total
        self.bar.setTextVisible(False)
        self.cancel = QToolButton()
        self.cancel.setIcon(icon("cancel"))
        self.cancel.setToolTip(_("Cancel “{task}”").format(task=handle.label))
        self.cancel.setAutoRaise(True)
        self.cancel.setVisible(handle.cancellable)
        self.cancel.clicked.connect(self._cancel)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        handle.progressed.connect(self._progress)

    def _progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        if text:
            self.label.setText(f"{self.handle.label} — {text}")

    def _cancel(self) -> None:
        self.handle.cancel()
        self.cancel.setEnabled(False)
        self.label.setText(_("{task} (cancelling…)").format(task=self.handle.label))


class TaskStatus(QWidget):
    def __init__(self, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[int, TaskRow] = {}
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        tasks.task_started.connect(self._started)
        tasks.task_ended.connect(self._ended)

    def _started(self, handle: TaskHandle) -> None:
        row = TaskRow(handle, self)
        self.rows[handle.id] = row
        self.layout_.addWidget(row)

    def _ended(self, handle: TaskHandle) -> None:
        row = self.rows.pop(handle.id, None)
        if row is not None:
            row.deleteLater()
