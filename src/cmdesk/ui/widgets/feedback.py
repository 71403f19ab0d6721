"""What the section views share to tell the user something: a failed task in plain
words, and the empty state of a list (what to do first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from cmdesk.core.errors import CmdeskError
from cmdesk.i18n import _


def failure_reporter(view: Any, title: str) -> Callable[[BaseException], None]:
    """A task's on_error for `view` (a widget with `message`, `last_error`, `interactive`):
    the status bar always, a warning box when someone is there to read it."""

    def show(exc: BaseException) -> None:
        text = exc.message if isinstance(exc, CmdeskError) else str(exc)
        view.last_error = text
        view.message.emit(f"{title}: {text}")
        if view.interactive:
            QMessageBox.warning(view, title, text)

    return show


def run_write(
    view: Any,
    label: str,
    fn: Callable[[Any], Any],
    done: Callable[[Any], None] | None = None,
    *,
    failure: str | None = None,
) -> None:
    """`fn(workspace)` on the writer thread for `view` (with `ws` and `tasks`); its
    Changes come back to every screen, a failure is said in plain words (under `failure`
    as its title, by default "The change was not saved")."""
    ws = view.ws
    if ws is None:
        return
    view.tasks.run(
        label,
        lambda ctx: fn(ws),
        done,
        failure_reporter(view, failure or _("The change was not saved")),
        write=True,
        cancellable=False,
    )


def confirm_deletion(parent: QWidget, title: str, text: str, button: str) -> bool:
    """Ask before deleting; Cancel is the default, so Enter never deletes by accident."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    delete = box.addButton(button, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is delete


class EmptyState(QWidget):
    """A centred explanation, and the button for the first thing to do."""

    def __init__(
        self, button: str, clicked: Callable[[], Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setMargin(24)
        layout.addWidget(self.text)
        self.button = QPushButton(button)
        self.button.clicked.connect(lambda: clicked())
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)

    def show_text(self, text: str, *, button: bool) -> None:
        self.text.setText(text)
        self.button.setVisible(button)
