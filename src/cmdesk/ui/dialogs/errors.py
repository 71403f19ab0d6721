"""Unhandled exceptions: a dialog with copyable details and where the log is."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from cmdesk import __version__
from cmdesk.core.redaction import redact
from cmdesk.i18n import _

log = logging.getLogger("cmdesk.crash")


def show_error(
    parent: QWidget | None,
    title: str,
    message: str,
    details: str = "",
    log_path: Path | None = None,
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(message)
    if log_path is not None:
        box.setInformativeText(_("Details are also in the log: {path}").format(path=log_path))
    if details:
        box.setDetailedText(redact(details))
    copy = box.addButton(_("Copy details"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    copy.clicked.disconnect()  # keep the box open after copying
    copy.clicked.connect(
        lambda: QApplication.clipboard().setText(
            f"cmdesk {__version__}\n{message}\n\n{redact(details)}"
        )
    )
    box.open()
    return box


class ExceptionHook(QObject):
    """Installed as sys.excepthook (and threading.excepthook): logs, then shows a dialog on
    the GUI thread, whichever thread raised."""

    caught = Signal(str, str)

    def __init__(self, log_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.boxes: list[QMessageBox] = []
        self.caught.connect(self._show)

    def install(self) -> None:
        import threading

        sys.excepthook = self.handle
        threading.excepthook = lambda args: self.handle(
            args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback
        )

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("Unhandled exception:\n%s", details)
        self.caught.emit(f"{exc_type.__name__}: {exc}", details)

    def _show(self, summary: str, details: str) -> None:
        parent = QApplication.activeWindow()
        message = _(
            "Something went wrong and cmdesk could not finish what it was doing. Your saved "
            "work is safe. If this happens again, send the details below to support."
        )
        self.boxes.append(
            show_error(
                parent,
                _("Unexpected error"),
                message + "\n\n" + redact(summary),
                details,
                self.log_path,
            )
        )
