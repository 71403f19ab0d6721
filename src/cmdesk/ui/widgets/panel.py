"""What every workspace-bound panel shares: its workspace, its background work, its messages.

A panel is embedded by a view: the view calls `set_workspace` when a client is opened or
closed and `on_changes` with every `workspace_changed(Changes)`; the panel reloads only
when the changes concern it (`wants`). Writes run on the task manager's writer thread
and reads that may take a while on its pool (house rule 3); the panel refreshes itself
from the Changes a write returns, so it also works alone (tests, a dialog).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout, QWidget

from cmdesk.core.changes import Changes
from cmdesk.core.errors import CmdeskError
from cmdesk.i18n import _
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskHandle, TaskManager


def error_text(exc: BaseException) -> str:
    return exc.message if isinstance(exc, CmdeskError) else str(exc)


def shortcut(
    widget: QWidget,
    sequence: str | QKeySequence | QKeySequence.StandardKey,
    slot: Callable[[], Any],
) -> QShortcut:
    """A key that works while the focus is anywhere inside `widget`."""
    key = QShortcut(QKeySequence(sequence), widget)
    key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    key.activated.connect(slot)
    return key


def joined(parts: list[str]) -> str:
    """Parts of a sentence joined the way the language punctuates ("a; b" / "a ; b")."""
    return _("; ").join(parts)


def hint_label(text: str = "", *, dim: bool = True) -> QLabel:
    """A wrapped line of plain-text guidance (never interpreted as HTML)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if dim:
        label.setEnabled(False)
    return label


def top_aligned(*widgets: QWidget) -> QWidget:
    """A page holding `widgets` at its top: an empty state that does not spread out."""
    page = QWidget()
    column = QVBoxLayout(page)
    column.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        if isinstance(widget, QLabel):  # aligned, a wrapped label would be cut short
            column.addWidget(widget)
        else:
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
    column.addStretch(1)
    return page


class WorkspacePanel(QWidget):
    message = Signal(str)  # for the status bar

    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.interactive = interactive  # False in tests and smoke runs: no modal box
        self.ws: Workspace | None = None
        self.last_error = ""

    # -- the workspace ------------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.reload()

    def on_changes(self, changes: Changes) -> None:
        if self.ws is not None and (changes.workspace or self.wants(changes)):
            self.reload()

    def wants(self, changes: Changes) -> bool:
        """Whether these changes concern what the panel shows."""
        return False

    def reload(self) -> None:
        """Show the workspace's current state (or the empty state without one)."""

    # -- background work ----------------------------------------------------------------------

    def write(
        self,
        label: str,
        fn: Callable[[Workspace], Changes],
        failure: str,
        done: Callable[[Changes], None] | None = None,
    ) -> TaskHandle | None:
        """Run a workspace write on the writer thread, then refresh from its Changes."""
        ws = self.ws
        if ws is None:
            return None

        def finished(changes: Changes) -> None:
            self.on_changes(changes)
            if done is not None:
                done(changes)

        return self.tasks.run(
            label,
            lambda ctx: fn(ws),
            finished,
            self.failed(failure),
            write=True,
            cancellable=False,
        )

    def read(
        self,
        label: str,
        fn: Callable[[Workspace], Any],
        done: Callable[[Any], None],
        failure: str,
    ) -> TaskHandle | None:
        """Run a longer read on the pool; `done` gets its result on the GUI thread, unless
        the client was changed meanwhile."""
        ws = self.ws
        if ws is None:
            return None

        def finished(result: Any) -> None:
            if self.ws is ws:
                done(result)

        return self.tasks.run(label, lambda ctx: fn(ws), finished, self.failed(failure))

    def failed(self, title: str) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            text = error_text(exc)
            self.last_error = text
            self.message.emit(f"{title}: {text}")
            if self.interactive:
                QMessageBox.warning(self, title, text)

        return show
