"""GUI composition root: QApplication, translations, theme, first run, main window.

`run_gui` is called by the CLI's `gui` command (the default), so the command line
and the GUI share one entry point and one set of options.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from cmdesk import __version__
from cmdesk.core.errors import CmdeskError
from cmdesk.i18n import _, current_language, detect_language, set_language
from cmdesk.logs import setup_logging
from cmdesk.store import home as clients
from cmdesk.store.demo import build_demo
from cmdesk.store.paths import Home, default_log_dir
from cmdesk.ui.dialogs.errors import ExceptionHook
from cmdesk.ui.icons import app_icon
from cmdesk.ui.main_window import MainWindow
from cmdesk.ui.settings import Preferences
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.theme import apply_theme

log = logging.getLogger(__name__)


def process_age() -> float:
    """Seconds since this process started, interpreter start-up included.

    On Linux, from /proc (10 ms resolution): psutil's create_time adds the boot time,
    which the kernel gives in whole seconds, so it can be up to a second off.
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            up = float(uptime.read().split()[0])
        return max(0.0, up - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        import psutil

        return max(0.0, time.time() - psutil.Process().create_time())


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Qt's own strings (standard buttons, file and colour dialogs) in the chosen language."""
    for old in getattr(app, "_cmdesk_translators", []):
        app.removeTranslator(old)
    installed: list[QTranslator] = []
    QLocale.setDefault(QLocale(language))
    if language != "en":
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name in ("qtbase", "qt"):
            translator = QTranslator(app)
            if translator.load(f"{name}_{language}", folder):
                app.installTranslator(translator)
                installed.append(translator)
                break
        else:
            log.warning("Qt's %s translations were not found in %s", language, folder)
    app._cmdesk_translators = installed  # type: ignore[attr-defined]
    return installed


class FirstPaint(QObject):
    """Reports the first paint of a widget: the moment the user sees the window."""

    def __init__(self, on_paint: Any) -> None:
        super().__init__()
        self.on_paint = on_paint
        self.seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            QTimer.singleShot(0, self.on_paint)
        return False


class FileOpenFilter(QObject):
    """macOS hands a .cmdesk file double-clicked in the Finder to the running app as a
    FileOpen event (on Linux and Windows, the file manager starts the app with it)."""

    def __init__(self, gui: GuiApp) -> None:
        super().__init__()
        self.gui = gui

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file()
            if path and self.gui.window is not None:
                self.gui.window.open_workspace(Path(path))
            return True
        return False


class GuiApp:
    """Holds what outlives one main window (a language switch rebuilds the window)."""

    def __init__(self, home: Home, *, smoke: bool) -> None:
        self.home = home.ensure()
        self.smoke = smoke
        self.log_path = setup_logging(default_log_dir(home))
        existing = QApplication.instance()
        self.qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
        self.qapp.setApplicationName("cmdesk")
        self.qapp.setApplicationDisplayName("cmdesk")
        # Matches cmdesk.desktop, so Wayland shells show the right icon and name.
        self.qapp.setDesktopFileName("cmdesk")
        self.qapp.setApplicationVersion(__version__)
        self.qapp.setOrganizationName("cmdesk")
        self.qapp.setWindowIcon(app_icon())
        self.prefs = Preferences.in_home(self.home.root)
        set_language(self.prefs.language or detect_language())
        install_translators(self.qapp, current_language())
        apply_theme(self.qapp, self.prefs.theme)
        self.hook = ExceptionHook(self.log_path)
        if not smoke:
            self.hook.install()
        self.tasks = TaskManager()
        self.secrets_state: dict[str, Any] = {}
        self.window: MainWindow | None = None
        self.file_open = FileOpenFilter(self)
        self.qapp.installEventFilter(self.file_open)

    def build_window(self) -> MainWindow:
        window = MainWindow(
            self.home,
            self.prefs,
            self.tasks,
            secrets_state=self.secrets_state or None,
            interactive=not self.smoke,
        )
        window.relaunch_requested.connect(self.relaunch)
        self.window = window
        return window

    def relaunch(self) -> None:
        """Rebuild the main window in the newly chosen language, keeping the open client."""
        old = self.window
        if old is None:
            return
        set_language(self.prefs.language)
        install_translators(self.qapp, current_language())
        section = old.current_section()
        ws = old.detach_workspace()
        geometry = old.saveGeometry()
        old.close()
        old.deleteLater()
        window = self.build_window()
        window.restoreGeometry(geometry)
        if ws is not None:
            window.set_workspace(ws)
            window.show_section(section or "settings")
        window.show()

    def first_run(self) -> str:
        """Language, then a first client or the demo; returns the choice."""
        # Shown once per machine: imported here to keep it off the start-up path.
        from cmdesk.ui.dialogs.first_run import FirstRunDialog

        while True:
            dialog = FirstRunDialog(current_language())
            switched: list[str] = []
            dialog.language_changed.connect(
                lambda code, d=dialog, s=switched: (s.append(code), d.done(0))
            )
            dialog.exec()
            if switched:
                self.prefs.language = switched[-1]
                set_language(switched[-1])
                install_translators(self.qapp, current_language())
                continue
            self.prefs.language = current_language()
            self.prefs.first_run_done = True
            return dialog.choice

    def check_keyring(self) -> None:
        def probe(ctx: Any) -> dict[str, Any]:
            from cmdesk.store import secrets  # keyring's import and D-Bus probe: off start-up

            return secrets.check()

        self.tasks.run(_("Checking the keyring"), probe, self._keyring_checked, cancellable=False)

    def _keyring_checked(self, state: dict[str, Any]) -> None:
        self.secrets_state = state
        if self.window is not None:
            self.window.set_secrets_state(state)
        if not state.get("ok") and not self.smoke:
            self.keyring_notice()

    def keyring_notice(self) -> None:
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("No safe place for passwords"))
        box.setText(str(self.secrets_state.get("message", "")))
        box.setInformativeText(
            _(
                "cmdesk never writes passwords to a file. Until a keyring is available, "
                "passwords you enter can be kept in memory for this session only: you will "
                "type them again next time."
            )
        )
        session = box.addButton(_("Use for this session only"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Continue without passwords"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is session:
            self.secrets_state = {**self.secrets_state, "session_only": True}
            if self.window is not None:
                self.window.set_secrets_state(self.secrets_state)

    def start(self, workspace: Path | None) -> int:
        started = process_age()
        choice = ""
        if workspace is None and not self.smoke and not self.prefs.first_run_done:
            if not clients.list_clients(self.home, include_archived=True):
                choice = self.first_run()
            else:
                self.prefs.first_run_done = True
        window = self.build_window()
        if workspace is None and not choice:
            workspace = next((p for p in self.prefs.recent if p.is_file()), None)
            known = clients.list_clients(self.home)
            if workspace is None and len(known) == 1:
                workspace = known[0].path
        if choice == "demo":
            workspace = build_demo(self.home)
        if workspace is not None:
            window.open_workspace(workspace)
        if self.smoke:
            return self._smoke(window, started)
        window.show()
        self.check_keyring()
        # Everything built so far (modules, Qt wrappers, the window) lives as long as the
        # app: out of the collector's sight, a full collection during a big refresh takes
        # a few milliseconds instead of stalling the window for 50-70 ms.
        QTimer.singleShot(0, gc.freeze)
        if choice == "new":
            QTimer.singleShot(0, window.new_client)
        return int(self.qapp.exec())

    def _smoke(self, window: MainWindow, started: float) -> int:
        result: dict[str, Any] = {}

        def painted() -> None:
            result["first_paint_s"] = round(process_age(), 3)
            result["window_s"] = round(process_age() - started, 3)
            import psutil

            result["rss_mb"] = round(psutil.Process().memory_info().rss / 2**20, 1)
            result["client"] = window.workspace.path.stem if window.workspace else None
            result["language"] = current_language()
            result["qt_translators"] = len(getattr(self.qapp, "_cmdesk_translators", []))
            window.close()
            self.qapp.quit()

        watcher = FirstPaint(painted)
        window.installEventFilter(watcher)
        window.show()
        QTimer.singleShot(20_000, self.qapp.quit)  # never hang a packaging check
        self.qapp.exec()
        window.removeEventFilter(watcher)
        if "first_paint_s" not in result:
            print(json.dumps({"error": "no paint within 20 s"}))
            return 1
        print(json.dumps(result))
        return 0


def run_gui(home: Home, workspace: Path | None = None, *, smoke: bool = False) -> int:
    if smoke and "QT_QPA_PLATFORM" not in os.environ and not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        gui = GuiApp(home, smoke=smoke)
        return gui.start(workspace)
    except CmdeskError as exc:
        print(f"cmdesk: {exc.message}", file=sys.stderr)
        return int(exc.exit_code)


def main() -> int:
    """The `cmdesk-gui` launcher (no console on Windows): the CLI's default command."""
    import multiprocessing

    from cmdesk.cli import main as cli_main

    multiprocessing.freeze_support()  # parsing workers in a frozen build (see __main__)
    return cli_main(["gui", *sys.argv[1:]])
