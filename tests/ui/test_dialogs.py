"""Dialogs that protect the user's data: delete confirmation, unexpected errors."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from cmdesk.core.redaction import remember_for_redaction
from cmdesk.logs import setup_logging
from cmdesk.store import backup as backups
from cmdesk.store.home import create_client
from cmdesk.ui.dialogs.errors import ExceptionHook
from cmdesk.ui.views.welcome import WelcomeView


def _answer(label: str | QMessageBox.StandardButton, seen: list[str]) -> None:
    """Click `label` in the modal box that is about to open, recording its text.

    A box that does not match is closed (and the mismatch recorded) so that a failing
    test fails instead of waiting forever on a modal dialog.
    """

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            seen.append(f"no message box but {box!r}")
            if box is not None:
                box.close()
            return
        seen.append(box.text())
        if isinstance(label, QMessageBox.StandardButton):
            button = box.button(label)
        else:
            button = next((b for b in box.buttons() if b.text().replace("&", "") == label), None)
        if button is None:
            seen.append(f"no button {label!r} in {[b.text() for b in box.buttons()]}")
            box.reject()
            return
        button.click()

    QTimer.singleShot(100, click)


def _client(home, name: str = "Zoé Fleurs") -> Path:
    with create_client(home, name) as ws:
        ws.set_setting("note", "à garder")
        return ws.path


def test_delete_asks_first_and_keeps_a_final_backup(make_window, gui_home) -> None:
    path = _client(gui_home)
    window = make_window("fr")
    window.interactive = True
    assert window.open_workspace(path)
    seen: list[str] = []

    _answer(QMessageBox.StandardButton.Cancel, seen)
    window.delete_client()
    assert len(seen) == 1 and "Zoé Fleurs" in seen[0]
    assert path.exists() and window.workspace is not None  # cancelled: nothing happened

    _answer("Supprimer le client", seen)
    window.delete_client()
    assert len(seen) == 2, seen
    assert not path.exists()
    assert window.workspace is None
    assert isinstance(window.stack.currentWidget(), WelcomeView)
    finals = [b for b in backups.list_backups(gui_home, path) if b.kind == "final"]
    assert len(finals) == 1
    assert str(finals[0].path) in window.statusBar().currentMessage()
    assert path not in window.prefs.recent


def test_delete_cancel_is_the_default_button(make_window, gui_home, qtbot) -> None:
    path = _client(gui_home)
    window = make_window("en")
    window.interactive = True
    window.open_workspace(path)
    defaults: list[str] = []

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            default = box.defaultButton()
            defaults.append(box.standardButton(default))
            qtbot.keyClick(box, Qt.Key.Key_Return)
        elif box is not None:
            box.close()

    QTimer.singleShot(100, press_enter)
    window.delete_client()
    assert defaults == [QMessageBox.StandardButton.Cancel]
    assert path.exists() and window.workspace is not None


def test_unexpected_error_in_a_thread_shows_redacted_details(qtbot, tmp_path: Path) -> None:
    log_path = setup_logging(tmp_path / "logs")
    hook = ExceptionHook(log_path)
    remember_for_redaction("tok-1234-secret")

    def crash() -> None:
        try:
            raise ValueError("server refused tok-1234-secret")
        except ValueError as exc:
            hook.handle(type(exc), exc, exc.__traceback__)

    worker = threading.Thread(target=crash)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(hook.boxes), timeout=3000)  # shown on the GUI thread

    box = hook.boxes[0]
    assert box.isVisible()
    assert "tok-1234-secret" not in box.text() + box.detailedText()
    assert "ValueError" in box.detailedText() and str(log_path) in box.informativeText()
    copy = next(b for b in box.buttons() if "Copy" in b.text() or "Copier" in b.text())
    copy.click()
    copied = QApplication.clipboard().text()
    assert "ValueError" in copied and "tok-1234-secret" not in copied
    assert box.isVisible()  # copying does not close the box
    for handler in logging.getLogger("cmdesk").handlers:
        handler.flush()
    logged = log_path.read_text(encoding="utf-8")
    assert "ValueError" in logged and "tok-1234-secret" not in logged
    box.close()
