"""The main window: client switcher, sections, status area.

It owns the open Workspace for the GUI; every write goes through the task
manager's writer thread and comes back as one `workspace_changed(Changes)`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.dates import format_datetime
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import EVERYTHING, Changes
from cmdesk.core.errors import CmdeskError
from cmdesk.i18n import N_, _, current_language
from cmdesk.store import backup as backups
from cmdesk.store import home as clients
from cmdesk.store.errors import WorkspaceCorrupt
from cmdesk.store.location import location_warning
from cmdesk.store.paths import WORKSPACE_SUFFIX, Home
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.errors import show_error
from cmdesk.ui.dialogs.new_client import NewClientDialog
from cmdesk.ui.dialogs.switcher import ClientSwitcher
from cmdesk.ui.icons import app_icon, icon, swatch
from cmdesk.ui.publishing import PublishingRunner, keyring_factory, keyring_secrets
from cmdesk.ui.settings import Preferences
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.views.deliveries import DeliveriesBox
from cmdesk.ui.views.empty import EmptySectionView
from cmdesk.ui.views.monitoring import MonitoringView
from cmdesk.ui.views.posting_slots import add_slots_box
from cmdesk.ui.views.sections import SECTION_KEYS, SECTIONS
from cmdesk.ui.views.settings_view import SettingsView, WorkspaceInfo, logo_pixmap
from cmdesk.ui.views.teams import TeamsEditor
from cmdesk.ui.views.welcome import WelcomeView
from cmdesk.ui.widgets.feedback import confirm_deletion
from cmdesk.ui.widgets.task_status import TaskStatus

if TYPE_CHECKING:
    # Built on first use, imported then: the window is painted sooner.
    from cmdesk.ui.dialogs.answering import AnsweringDialog
    from cmdesk.ui.dialogs.transfer import ClientFiles
    from cmdesk.ui.views.contacts import ContactsView
    from cmdesk.ui.views.interactions import InteractionsView
    from cmdesk.ui.views.posts import PostsView
    from cmdesk.ui.views.reports import ReportsView

log = logging.getLogger(__name__)
# Sections whose view is built the first time they are shown.
_LAZY = ("interactions", "contacts", "posts", "reports")
APP_NAME = "cmdesk GUI"
BACKUP_KINDS = {
    "auto": N_("automatic"),
    "manual": N_("manual"),
    "final": N_("final, before deletion"),
    "pre-restore": N_("before a restore"),
}


class MainWindow(QMainWindow):
    workspace_changed = Signal(object)  # Changes
    relaunch_requested = Signal()  # the interface language changed: rebuild the window

    def __init__(
        self,
        home: Home,
        prefs: Preferences,
        tasks: TaskManager,
        *,
        secrets_state: dict[str, Any] | None = None,
        interactive: bool = True,
    ) -> None:
        super().__init__()
        self.home = home
        self.prefs = prefs
        self.tasks = tasks
        self.interactive = interactive  # False in smoke runs: never wait on a dialog
        self.workspace: Workspace | None = None
        self.previous: Path | None = None
        # Filled in by a background check after the first paint (keyring probing is slow).
        self.secrets_state = secrets_state or {"ok": None, "message": _("Checking…")}
        self.setWindowTitle("cmdesk")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(QSize(900, 600))
        self._build()
        self._actions()
        tasks.changes.connect(self.workspace_changed)
        tasks.error.connect(self._task_error)
        self.workspace_changed.connect(self._refresh)
        if prefs.geometry is not None:
            self.restoreGeometry(prefs.geometry)
        else:
            self.resize(1200, 780)
        self._show_no_client()

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        root = QVBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)

        top = QFrame()
        top.setObjectName("topbar")
        top.setFrameShape(QFrame.Shape.StyledPanel)
        bar = QHBoxLayout(top)
        bar.setContentsMargins(12, 6, 12, 6)
        self.client_button = QToolButton()
        self.client_button.setObjectName("client-switcher")
        self.client_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.client_button.setAutoRaise(True)
        self.client_button.setIconSize(QSize(28, 28))
        self.client_button.setToolTip(_("Switch client (Ctrl+K)"))
        self.client_button.clicked.connect(self.switch_client)
        font = self.client_button.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.client_button.setFont(font)
        bar.addWidget(self.client_button)
        bar.addStretch(1)
        self.client_info = QLabel()
        self.client_info.setEnabled(False)
        bar.addWidget(self.client_info)
        root.addWidget(top)

        self.banner = QLabel()
        self.banner.setObjectName("location-banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #fff3cd; color: #664d03; padding: 8px 12px; "
            "border-bottom: 1px solid #ffe69c;"
        )
        self.banner.hide()
        root.addWidget(self.banner)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("sections")
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.nav.setStyleSheet("QListWidget#sections::item { padding: 8px 10px; }")
        for i, section in enumerate(SECTIONS, start=1):
            item = QListWidgetItem(icon(section.icon), _(section.title))
            item.setToolTip(f"{_(section.title)}  (Ctrl+{i})")
            self.nav.addItem(item)
        self.nav.setFixedWidth(max(190, self.nav.sizeHintForColumn(0) + 36))
        body.addWidget(self.nav)
        self.stack = QStackedWidget()
        body.addWidget(self.stack, 1)
        root.addLayout(body, 1)
        self.setCentralWidget(central)

        self.views: dict[str, QWidget] = {}
        for section in SECTIONS:
            if section.key == "settings":
                view: QWidget = self._settings_view()
            elif section.key == "monitoring":
                self.monitoring_view = MonitoringView(
                    self.tasks, interactive=self.interactive, auto_refresh=self.interactive
                )
                self.monitoring_view.message.connect(self._status_message)
                self.monitoring_view.alerts_raised.connect(self._notify_alerts)
                self.monitoring_view.proxy = self.prefs.proxy
                self.monitoring_view.convert_requested.connect(self.convert_mention)
                self.monitoring_view.draft_requested.connect(self.draft_post_from_mention)
                view = self.monitoring_view
            elif section.key in _LAZY:
                # Built when first shown: the window paints sooner, and most sessions
                # start in the monitoring section.
                view = QWidget()
            else:
                empty = EmptySectionView(section)
                empty.go_to_settings.connect(lambda: self.show_section("settings"))
                view = empty
            self.views[section.key] = view
            self.stack.addWidget(view)
        self._build_publishing()
        self.teams_editor = TeamsEditor(self.tasks, interactive=self.interactive)
        self.teams_editor.message.connect(self._status_message)
        self.settings_view.add_box(self.teams_editor)
        self.slots_editor = add_slots_box(self)
        self.deliveries_box = DeliveriesBox(self.tasks, self.home, interactive=self.interactive)
        self.deliveries_box.message.connect(self._status_message)
        self.settings_view.add_box(self.deliveries_box)
        self.welcome: WelcomeView | None = None
        self.answering: AnsweringDialog | None = None
        self._client_files: ClientFiles | None = None
        self.nav.currentRowChanged.connect(self._section_changed)

        self.status = TaskStatus(self.tasks)
        self.statusBar().addPermanentWidget(self.status)

    def _build_publishing(self) -> None:
        """The due-post timer and its windows (ui/publishing.py): sends posts while the
        app is open, lists the late ones at opening, asks to reconnect or to check."""
        session_only = lambda: bool(self.secrets_state.get("session_only"))  # noqa: E731
        self.publishing = PublishingRunner(
            self.tasks,
            self,
            interactive=self.interactive,
            auto=self.interactive,
            connectors=keyring_factory(session_only),
            secrets=keyring_secrets(session_only),
        )
        self.publishing.message.connect(self._status_message)
        self.publishing.changed.connect(self.workspace_changed)
        self.publishing.notify.connect(self.notify)

    def _settings_view(self) -> SettingsView:
        view = SettingsView()
        view.set_theme(self.prefs.theme)
        view.save_requested.connect(self.save_profile)
        view.backup_requested.connect(self.backup_now)
        view.restore_requested.connect(self.restore_backup)
        view.archive_requested.connect(self.set_archived)
        view.delete_requested.connect(self.delete_client)
        view.language_requested.connect(self._language_requested)
        view.theme_requested.connect(self._theme_requested)
        view.proxy_requested.connect(self._proxy_requested)
        view.proxy.setText(self.prefs.proxy)
        self.settings_view = view
        return view

    @property
    def interactions_view(self) -> InteractionsView:
        from cmdesk.ui.views.interactions import InteractionsView

        view = self.views.get("interactions")
        if isinstance(view, InteractionsView):
            return view
        built = InteractionsView(self.tasks, interactive=self.interactive)
        built.message.connect(self._status_message)
        built.contact_requested.connect(self.show_contact)
        built.playbook_requested.connect(lambda: self.show_answering("playbook"))
        self._install("interactions", built)
        return built

    @property
    def contacts_view(self) -> ContactsView:
        from cmdesk.ui.views.contacts import ContactsView

        view = self.views.get("contacts")
        if isinstance(view, ContactsView):
            return view
        built = ContactsView(
            self.tasks, interactive=self.interactive, backups_dir=self.home.backups_dir
        )
        built.message.connect(self._status_message)
        built.interaction_requested.connect(self.show_interaction)
        built.capture_requested.connect(self.capture)
        self._install("contacts", built)
        return built

    @property
    def posts_view(self) -> PostsView:
        from cmdesk.ui.views.posts import PostsView

        view = self.views.get("posts")
        if isinstance(view, PostsView):
            return view
        built = PostsView(self.tasks, interactive=self.interactive)
        built.message.connect(self._status_message)
        from cmdesk.ui.views.calendar import CalendarView

        calendar = CalendarView(self.tasks, built, interactive=self.interactive)
        calendar.message.connect(self._status_message)
        calendar.open_post.connect(built.list.open_post)
        built.add_tab(calendar, _("Calendar"))
        self.calendar_view = calendar
        self._install("posts", built)
        return built

    @property
    def reports_view(self) -> ReportsView:
        from cmdesk.ui.views.reports import ReportsView

        view = self.views.get("reports")
        if isinstance(view, ReportsView):
            return view
        built = ReportsView(
            self.tasks, interactive=self.interactive, templates=self.home.root / "templates"
        )
        built.message.connect(self._status_message)
        self._install("reports", built)
        return built

    def _install(self, key: str, view: QWidget) -> None:
        """Put a section's view built on first use in place of its placeholder."""
        placeholder = self.views[key]
        index = self.stack.indexOf(placeholder)
        current = self.stack.currentWidget() is placeholder
        self.stack.insertWidget(index, view)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.views[key] = view
        if self.workspace is not None:
            view.set_workspace(self.workspace)  # type: ignore[attr-defined]
        if current:
            self.stack.setCurrentWidget(view)

    def _actions(self) -> None:
        menu = self.menuBar().addMenu(_("&Client"))

        def action(text: str, shortcut: Any, slot: Any, menu_: Any = menu) -> QAction:
            a = QAction(text, self)
            if shortcut:
                a.setShortcut(shortcut)
            a.triggered.connect(slot)
            menu_.addAction(a)
            return a

        action(_("Switch client…"), "Ctrl+K", self.switch_client)
        action(_("Previous client"), "Ctrl+Shift+K", self.switch_to_previous)
        action(_("New client…"), QKeySequence.StandardKey.New, self.new_client)
        action(_("Open a workspace file…"), QKeySequence.StandardKey.Open, self.open_file)
        action(_("Open the demo client"), None, self.open_demo)
        menu.addSeparator()
        self.backup_action = action(_("Back up now"), "Ctrl+Shift+S", self.backup_now)
        self.restore_action = action(_("Restore a backup…"), None, self.restore_backup)
        menu.addSeparator()
        # Whole-workspace files: ui/dialogs/transfer.py.
        files = self.client_files
        needs_client = [
            action(_("Export the whole workspace…"), None, lambda: files().export_workspace()),
            action(_("Hand over this client…"), None, lambda: files().hand_over()),
        ]
        action(_("Import a workspace…"), None, lambda: files().import_workspace())

        def enable() -> None:
            for a in needs_client:
                a.setEnabled(self.workspace is not None)

        menu.aboutToShow.connect(enable)
        menu.addSeparator()
        action(_("Quit"), "Ctrl+Q", self.close)
        view_menu = self.menuBar().addMenu(_("&View"))
        for i, section in enumerate(SECTIONS, start=1):
            action(
                _(section.title),
                f"Ctrl+{i}",
                lambda _c=False, key=section.key: self.show_section(key),
                view_menu,
            )
        work_menu = self.menuBar().addMenu(_("&Interactions"))
        self.capture_action = action(
            _("Log an interaction…"), "Ctrl+Shift+N", lambda: self.capture(), work_menu
        )
        work_menu.addSeparator()
        action(
            _("Rules, canned replies and escalation…"),
            "Ctrl+Shift+R",
            lambda: self.show_answering("rules"),
            work_menu,
        )
        action(_("Client playbook…"), None, lambda: self.show_answering("playbook"), work_menu)
        action(
            _("Participation segments…"), None, lambda: self.show_answering("segments"), work_menu
        )
        self.import_csv_action = action(
            _("Import a CSV file…"), "Ctrl+Shift+I", self.import_csv, work_menu
        )
        posts_menu = self.menuBar().addMenu(_("&Posts"))
        self.new_post_action = action(_("New post…"), "Ctrl+Shift+P", self.new_post, posts_menu)
        action(_("Approval pack for the client…"), None, self.approval_pack, posts_menu)
        action(_("Import the client's decisions…"), None, self.client_decisions, posts_menu)
        posts_menu.addSeparator()
        self.publishing.install_menu(posts_menu)
        reports_menu = self.menuBar().addMenu(_("&Reports"))
        action(_("Objectives…"), None, self.show_objectives, reports_menu)
        action(_("Monthly figures…"), None, self.show_figures, reports_menu)
        help_menu = self.menuBar().addMenu(_("&Help"))
        action(_("Open the log folder"), None, self._open_logs, help_menu)
        action(_("About cmdesk"), None, self._about, help_menu)

    # -- sections ----------------------------------------------------------------------------

    def show_section(self, key: str) -> None:
        if self.workspace is None:
            return
        self.nav.setCurrentRow(SECTION_KEYS.index(key))

    def current_section(self) -> str:
        widget = self.stack.currentWidget()
        for key, view in self.views.items():
            if view is widget:
                return key
        return ""

    def capture(self) -> None:
        """Log an interaction from anywhere (Ctrl+Shift+N); the inbox shows it after."""
        if self.workspace is None:
            return
        self.show_section("interactions")
        self.interactions_view.capture()

    def import_csv(self) -> None:
        """Import interactions from a platform's CSV export (Ctrl+Shift+I)."""
        if self.workspace is None:
            return
        self.show_section("interactions")
        self.interactions_view.import_csv()

    def show_answering(self, tab: str) -> None:
        """The answering window (rules, replies, escalation, playbook, segments), built on
        first use and kept; not modal."""
        if self.workspace is None:
            return
        if self.answering is None:
            from cmdesk.ui.dialogs.answering import AnsweringDialog  # built on first use

            self.answering = AnsweringDialog(self.tasks, self, interactive=self.interactive)
            for panel in self.answering.panels():
                panel.message.connect(self._status_message)
            self.answering.segments.contact_activated.connect(self.show_contact)
            self.answering.set_workspace(self.workspace)
        self.answering.show_tab(tab)

    def show_objectives(self) -> None:
        if self.workspace is None:
            return
        from cmdesk.ui.dialogs.objectives import ObjectivesDialog

        dialog = ObjectivesDialog(self.workspace, self.tasks, self)
        dialog.changed.connect(self.tasks.changes.emit)
        dialog.exec() if self.interactive else dialog.show()

    def show_figures(self) -> None:
        if self.workspace is None:
            return
        from cmdesk.ui.dialogs.objectives import FiguresDialog

        dialog = FiguresDialog(self.workspace, self.tasks, self)
        dialog.changed.connect(self.tasks.changes.emit)
        dialog.exec() if self.interactive else dialog.show()

    def _flush_answering(self) -> None:
        """Typed playbook text is saved before its workspace is closed."""
        if self.answering is not None and self.workspace is not None:
            self.answering.flush()

    def convert_mention(self, mention_id: int) -> None:
        self.show_section("interactions")
        self.interactions_view.convert_mention(mention_id)

    # -- posts ---------------------------------------------------------------------------------

    def new_post(self) -> None:
        """Write a post from anywhere (Ctrl+Shift+P); the Posts list shows it after."""
        if self.workspace is None:
            return
        self.show_section("posts")
        self.posts_view.new_post()

    def approval_pack(self) -> None:
        """The posts in review as a pack for the client (HTML or PDF)."""
        if self.workspace is None:
            return
        from cmdesk.ui.dialogs.approval import export_approval_pack

        path = export_approval_pack(self, self.workspace, self.tasks)
        if path is not None:
            self._status_message(_("Approval pack written to {path}.").format(path=path))

    def client_decisions(self) -> None:
        """The client's answer to a pack: previewed, then recorded."""
        if self.workspace is None:
            return
        from cmdesk.ui.dialogs.approval import import_decisions

        changes = import_decisions(self, self.workspace)
        if changes:
            self.tasks.changes.emit(changes)

    def draft_post_from_mention(self, mention_id: int) -> None:
        self.show_section("posts")
        self.posts_view.draft_from_mention(mention_id)

    def show_interaction(self, interaction_id: int) -> None:
        self.show_section("interactions")
        self.interactions_view.show_interaction(interaction_id)

    def show_contact(self, contact_id: int) -> None:
        self.show_section("contacts")
        self.contacts_view.select_contact(contact_id)

    def _status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _section_changed(self, row: int) -> None:
        if 0 <= row < len(SECTIONS) and self.workspace is not None:
            key = SECTIONS[row].key
            if key == "interactions":
                self.interactions_view  # noqa: B018 (built on first use)
            elif key == "contacts":
                self.contacts_view  # noqa: B018
            elif key == "posts":
                self.posts_view  # noqa: B018
            elif key == "reports":
                self.reports_view  # noqa: B018
            self.stack.setCurrentWidget(self.views[key])

    # -- opening workspaces ------------------------------------------------------------------

    def open_workspace(self, path: Path) -> bool:
        """Open `path` as the current client; on failure explain and keep the current one."""
        path = Path(path).resolve()
        if self.workspace is not None and self.workspace.path == path:
            return True
        try:
            ws = Workspace.open(path, app=APP_NAME)
        except WorkspaceCorrupt as exc:
            return self._offer_restore(path, exc)
        except CmdeskError as exc:
            if not path.exists():
                self.prefs.forget_recent(path)
            self._message(_("Cannot open this workspace"), exc.message)
            return False
        except OSError as exc:
            self._message(_("Cannot open this workspace"), str(exc))
            return False
        self.set_workspace(ws)
        return True

    def set_workspace(self, ws: Workspace) -> None:
        old = self.workspace
        if old is not None:
            self._flush_answering()
            self.publishing.stop()
            self.previous = old.path
            old.close()
        self.workspace = ws
        self.prefs.add_recent(ws.path)
        if ws.lock.recovered is not None:
            self.statusBar().showMessage(
                _(
                    "This workspace was not closed properly last time ({holder}); it was checked "
                    "and reopened."
                ).format(holder=ws.lock.recovered.describe()),
                15000,
            )
        if self.welcome is not None:
            self.stack.removeWidget(self.welcome)
            self.welcome.deleteLater()
            self.welcome = None
        self.nav.setEnabled(True)
        for part in self._parts():
            part.set_workspace(ws)
        self.workspace_changed.emit(EVERYTHING)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        else:
            self._section_changed(self.nav.currentRow())
        self._after_open(ws)

    def _after_open(self, ws: Workspace) -> None:
        self.deliveries_box.offer_due()  # what came due while the app was closed
        home, path = self.home, ws.path
        # Both can take a while on a big client; closing the app stops them (the partial
        # backup is removed) instead of keeping the user waiting.
        self.tasks.run(
            _("Daily backup"),
            lambda ctx: backups.auto_backup_if_due(
                home, path, progress=lambda _done, _total: ctx.check()
            ),
            lambda info: self._refresh(Changes(workspace=True)) if info else None,
            cancellable=False,
        )
        if ws.needs_background_check:
            self.tasks.run(
                _("Checking the workspace"),
                lambda ctx: ws.verify(stop=lambda: ctx.cancelled),
                cancellable=False,
            )

    def detach_workspace(self) -> Workspace | None:
        ws, self.workspace = self.workspace, None
        return ws

    def close_workspace(self) -> None:
        if self.workspace is not None:
            self._flush_answering()
            self.publishing.stop()
            self.tasks.writer.waitForDone()
            self.previous = self.workspace.path
            self.workspace.close()
            self.workspace = None
        for part in self._parts():
            part.set_workspace(None)
        self._show_no_client()

    def _show_no_client(self) -> None:
        self.nav.setEnabled(False)
        self.nav.clearSelection()
        if self.welcome is None:
            self.welcome = WelcomeView(bool(clients.list_clients(self.home)))
            self.welcome.new_requested.connect(self.new_client)
            self.welcome.demo_requested.connect(self.open_demo)
            self.welcome.file_requested.connect(self.open_file)
            self.welcome.switch_requested.connect(self.switch_client)
            self.stack.addWidget(self.welcome)
        self.stack.setCurrentWidget(self.welcome)
        self.client_button.setText(_("Choose a client"))
        self.client_button.setIcon(icon("folder"))
        self.client_info.setText("")
        self.banner.hide()
        self.setWindowTitle("cmdesk")
        self.backup_action.setEnabled(False)
        self.restore_action.setEnabled(False)

    def _offer_restore(self, path: Path, exc: WorkspaceCorrupt) -> bool:
        good = backups.latest_good_backup(self.home, path)
        if good is None:
            self._message(
                _("This workspace is damaged"),
                exc.message + "\n\n" + _("No good backup of it was found."),
            )
            return False
        if not self.interactive:
            return False
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("This workspace is damaged"))
        box.setText(exc.message)
        box.setInformativeText(
            _(
                "The latest good backup is from {when}. Restore it? The damaged file is kept "
                "beside it, renamed, so nothing is lost."
            ).format(when=format_datetime(good.taken_at, "medium", locale=current_language()))
        )
        restore = box.addButton(_("Restore the backup"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not restore:
            return False
        try:
            backups.restore(self.home, good.path, path, app=APP_NAME)
        except CmdeskError as err:
            self._message(_("The backup could not be restored"), err.message)
            return False
        return self.open_workspace(path)

    # -- client switching ---------------------------------------------------------------------

    def switch_client(self) -> None:
        dialog = ClientSwitcher(
            clients.list_clients(self.home, include_archived=True),
            self.prefs.recent,
            self.workspace.path if self.workspace else None,
            self,
        )
        if not dialog.exec():
            return
        if dialog.action == "open" and dialog.chosen is not None:
            self.open_workspace(dialog.chosen)
        elif dialog.action == "new":
            self.new_client()
        elif dialog.action == "file":
            self.open_file()
        elif dialog.action == "demo":
            self.open_demo()

    def switch_to_previous(self) -> None:
        if self.previous is not None and self.previous.exists():
            self.open_workspace(self.previous)

    def new_client(self) -> None:
        dialog = NewClientDialog(self)
        if not dialog.exec():
            return
        values = dialog.values()
        try:
            ws = clients.create_client(self.home, app=APP_NAME, **values)
        except CmdeskError as exc:
            self._message(_("Cannot create the client"), exc.message)
            return
        self.set_workspace(ws)
        self.show_section("settings")

    def open_demo(self) -> None:
        try:
            from cmdesk.store.demo import build_demo  # its data: not before the first paint

            path = build_demo(self.home)
        except CmdeskError as exc:
            self._message(_("Cannot create the demo client"), exc.message)
            return
        self.open_workspace(path)

    def open_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Open a workspace file"),
            str(self.home.clients_dir),
            _("cmdesk workspaces (*{suffix})").format(suffix=WORKSPACE_SUFFIX),
        )
        if name:
            self.open_workspace(Path(name))

    # -- settings actions ---------------------------------------------------------------------

    def save_profile(self, values: dict[str, Any]) -> None:
        ws = self.workspace
        if ws is None:
            return
        self.tasks.run(
            _("Saving the profile"),
            lambda ctx: ws.update_profile(**values),
            lambda _changes: self.statusBar().showMessage(_("Profile saved."), 4000),
            lambda exc: self.settings_view.show_error(
                exc.message if isinstance(exc, CmdeskError) else str(exc)
            ),
            write=True,
            cancellable=False,
        )

    def set_archived(self, archived: bool) -> None:
        ws = self.workspace
        if ws is not None:
            self.tasks.run(
                _("Archiving") if archived else _("Unarchiving"),
                lambda ctx: ws.set_archived(archived),
                write=True,
                cancellable=False,
            )

    def backup_now(self) -> None:
        if self.workspace is None:
            return
        home, path = self.home, self.workspace.path

        def done(info: backups.BackupInfo) -> None:
            self.statusBar().showMessage(
                _("Backup written and verified: {path}").format(path=info.path), 8000
            )
            self._refresh(Changes(workspace=True))

        self.tasks.run(
            _("Backing up"),
            lambda ctx: backups.backup(home, path, "manual", progress=ctx.progress),
            done,
            cancellable=False,
        )

    def _reopen(self, path: Path) -> None:
        self.open_workspace(path)

    def restore_backup(self) -> None:
        if self.workspace is None:
            return
        path = self.workspace.path
        found = backups.list_backups(self.home, path)
        other = _("Another file…")
        labels = [
            f"{format_datetime(b.taken_at, 'medium', locale=current_language())} — "
            f"{_(BACKUP_KINDS[b.kind])} — {b.size // 1024} KB"
            for b in found
        ]
        choice, ok = QInputDialog.getItem(
            self,
            _("Restore a backup"),
            _(
                "Choose the backup to restore. The current state is backed up first, so you "
                "can come back to it."
            ),
            [*labels, other],
            0,
            False,
        )
        if not ok:
            return
        if choice == other:
            name, _f = QFileDialog.getOpenFileName(
                self, _("Restore a backup"), str(self.home.backups_root), f"*{WORKSPACE_SUFFIX}"
            )
            if not name:
                return
            source = Path(name)
        else:
            source = found[labels.index(choice)].path
        self.close_workspace()
        home = self.home

        def failed(exc: BaseException) -> None:
            self._message(
                _("The backup could not be restored"),
                exc.message if isinstance(exc, CmdeskError) else str(exc),
            )
            self.open_workspace(path)

        self.tasks.run(
            _("Restoring"),
            lambda ctx: backups.restore(home, source, path, app=APP_NAME),
            lambda _kept: self._reopen(path),
            failed,
            cancellable=False,
        )

    def delete_client(self) -> None:
        ws = self.workspace
        if ws is None:
            return
        profile = ws.profile()
        if not confirm_deletion(
            self,
            _("Delete this client?"),
            _(
                "“{name}” and everything in its workspace will be deleted from this computer. "
                "A final backup is kept in {folder}."
            ).format(name=profile.name, folder=self.home.backups_dir(ws.path)),
            _("Delete the client"),
        ):
            return
        path, home = ws.path, self.home
        self.close_workspace()

        def deleted(final: Path) -> None:
            self.prefs.forget_recent(path)
            self.previous = None
            self.statusBar().showMessage(
                _("Client deleted. Final backup: {path}").format(path=final), 15000
            )

        def failed(exc: BaseException) -> None:
            message = exc.message if isinstance(exc, CmdeskError) else str(exc)
            self._message(_("Cannot delete the client"), message)
            self.open_workspace(path)

        # The final backup copies the whole file: off the GUI thread.
        self.tasks.run(
            _("Deleting the client"),
            lambda ctx: clients.delete_client(home, path.stem),
            deleted,
            failed,
            cancellable=False,
        )

    def _language_requested(self, language: str) -> None:
        self.prefs.language = language
        self.relaunch_requested.emit()

    def _proxy_requested(self, text: str) -> None:
        from cmdesk.monitor.fetch import check_proxy

        try:
            proxy = check_proxy(text)
        except CmdeskError as exc:
            self._message(_("This proxy cannot be used"), exc.message)
            self.settings_view.proxy.setText(self.prefs.proxy)
            return
        if proxy != self.prefs.proxy:
            self.prefs.proxy = proxy
            self.monitoring_view.proxy = proxy
            self.statusBar().showMessage(
                _("Feeds are now fetched through {proxy}.").format(proxy=proxy)
                if proxy
                else _("Feeds are now fetched with the system's proxy settings."),
                8000,
            )

    def _theme_requested(self, theme: str) -> None:
        from PySide6.QtWidgets import QApplication

        from cmdesk.ui.theme import apply_theme

        self.prefs.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)

    def client_files(self) -> ClientFiles:
        """Whole-workspace files (export, import, handover): ui/dialogs/transfer.py."""
        if self._client_files is None:
            from cmdesk.ui.dialogs.transfer import ClientFiles

            self._client_files = ClientFiles(self)
        return self._client_files

    def _parts(self) -> tuple[Any, ...]:
        """The screens that show the workspace: each loads it and follows its changes."""
        # The sections built on first use: a placeholder until then (a plain QWidget).
        built = (v for key, v in self.views.items() if key in _LAZY and type(v) is not QWidget)
        extra = (self.answering,) if self.answering is not None else ()
        return (
            self.monitoring_view,
            *built,
            self.teams_editor,
            self.deliveries_box,
            *extra,
            self.publishing,
        )

    # -- refreshing --------------------------------------------------------------------------

    def workspace_info(self) -> WorkspaceInfo:
        assert self.workspace is not None
        path = self.workspace.path
        found = backups.list_backups(self.home, path)
        if self.secrets_state.get("session_only"):
            text, ok = _("Kept for this session only (no safe keyring available)."), False
        elif self.secrets_state.get("ok"):
            text, ok = (
                _("Stored in the system keyring ({backend}).").format(
                    backend=self.secrets_state.get("backend", "")
                ),
                True,
            )
        else:
            text = str(self.secrets_state.get("message", ""))
            ok = self.secrets_state.get("ok") is None  # still checking: no alarm yet
        return WorkspaceInfo(
            path=path,
            location_warning=location_warning(path),
            latest_backup=found[0] if found else None,
            backup_count=len(found),
            secrets=text,
            secrets_ok=ok,
        )

    def set_secrets_state(self, state: dict[str, Any]) -> None:
        self.secrets_state = state
        if self.workspace is not None:
            self.settings_view.load_info(self.workspace_info())

    def _refresh(self, changes: Changes) -> None:
        ws = self.workspace
        if ws is None:
            return
        if changes != EVERYTHING:  # a newly opened workspace was already loaded
            for part in self._parts():
                part.on_changes(changes)
        if changes.profile or changes.workspace:
            profile = ws.profile()
            self.setWindowTitle(f"{profile.name} — cmdesk")
            self.client_button.setText(profile.name + "  ▾")
            logo = logo_pixmap(profile.logo, profile.logo_mime, 28)
            self.client_button.setIcon(logo if not logo.isNull() else swatch(profile.colour, 20))
            info_parts = [profile.timezone, profile.language.upper()]
            if profile.archived:
                info_parts.insert(0, _("archived"))
            self.client_info.setText("  ·  ".join(info_parts))
            info = self.workspace_info()
            self.banner.setText("⚠ " + info.location_warning if info.location_warning else "")
            self.banner.setVisible(bool(info.location_warning))
            self.settings_view.load(profile, info)
            self.backup_action.setEnabled(True)
            self.restore_action.setEnabled(True)
            in_home = ws.path.parent.resolve() == self.home.clients_dir.resolve()
            self.settings_view.delete_button.setEnabled(in_home)
            if not in_home:
                self.settings_view.delete_button.setToolTip(
                    _("Only clients in the cmdesk folder can be deleted from here.")
                )

    # -- misc ---------------------------------------------------------------------------------

    def _notify_alerts(self, alerts: list[Any]) -> None:
        """A desktop notification for urgent mentions and spikes (system tray), or the
        status bar where the desktop has no tray."""
        from PySide6.QtWidgets import QSystemTrayIcon

        first = alerts[0]
        more = len(alerts) - 1
        title = (
            _("cmdesk alert") if not more else _("{count} cmdesk alerts").format(count=len(alerts))
        )
        if self.interactive and QSystemTrayIcon.isSystemTrayAvailable():
            self._tray_target = "monitoring"
            self._tray().showMessage(title, first.title, QSystemTrayIcon.MessageIcon.Warning, 15000)
        self.statusBar().showMessage(f"⚠ {first.title}", 30000)

    def notify(self, title: str, text: str) -> None:
        """A desktop notification from publishing (a failure, a post to publish by hand,
        an account to reconnect), or the status bar where the desktop has no tray."""
        from PySide6.QtWidgets import QSystemTrayIcon

        if self.interactive and QSystemTrayIcon.isSystemTrayAvailable():
            self._tray_target = ""
            self._tray().showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 15000)
        self.statusBar().showMessage(f"⚠ {title}: {text}", 30000)

    def _tray(self) -> Any:
        from PySide6.QtWidgets import QSystemTrayIcon

        if not hasattr(self, "tray"):
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.messageClicked.connect(self._show_alerts_section)
        self.tray.show()
        return self.tray

    def _show_alerts_section(self) -> None:
        if getattr(self, "_tray_target", "monitoring") == "monitoring":
            self.show_section("monitoring")
        self.raise_()
        self.activateWindow()

    def _message(self, title: str, text: str) -> None:
        log.warning("%s: %s", title, text)
        if self.interactive:
            QMessageBox.warning(self, title, text)
        else:
            self.statusBar().showMessage(text)

    def _task_error(self, exc: BaseException, tb: str, label: str) -> None:
        log.error("Task %r failed:\n%s", label, tb)
        message = exc.message if isinstance(exc, CmdeskError) else f"{type(exc).__name__}: {exc}"
        if self.interactive:
            show_error(self, _("{task} failed").format(task=label), message, tb)
        else:
            self.statusBar().showMessage(message)

    def _open_logs(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from cmdesk.store.paths import default_log_dir

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(default_log_dir(self.home))))

    def _about(self) -> None:
        from cmdesk import __version__

        QMessageBox.about(
            self,
            _("About cmdesk"),
            _(
                "cmdesk {version}\n\nMonitoring, posts, interactions and reports for community "
                "managers — offline, one file per client.\n\nClients folder: {folder}"
            ).format(version=__version__, folder=self.home.clients_dir),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.prefs.geometry = self.saveGeometry()
        self.prefs.sync()
        self.tasks.cancel_all()
        self.tasks.wait()
        if self.workspace is not None:
            self._flush_answering()
            self.workspace.close()
            self.workspace = None
        super().closeEvent(event)
