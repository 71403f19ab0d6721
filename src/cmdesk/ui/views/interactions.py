"""Interactions: the triage inbox, its filters and counters, and the detail pane.

Everything the list shows comes from the workspace through the paged model; every
change (status, type, priority, team, tag, reply) is a write task whose Changes come
back through `on_changes`, like every other screen (house rule 4). Triage is by
keyboard: J/K move, A assign, T type, P priority, S status, E close, R reply, on the
current row or on every selected row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.interactions import CHANNEL_LABELS, STATUS_LABELS, TYPE_LABELS, Interaction
from cmdesk.i18n import _, ngettext
from cmdesk.store import inbox
from cmdesk.store.interactions import OPEN_STATUSES, InteractionFilter
from cmdesk.store.workspace import Workspace
from cmdesk.ui.models.interactions import PRIORITY_LABELS, InteractionListModel, first_line
from cmdesk.ui.tasks import TaskContext, TaskManager
from cmdesk.ui.widgets.canned_replies import attach_reply_picker
from cmdesk.ui.widgets.feedback import EmptyState, failure_reporter, run_write
from cmdesk.ui.widgets.fields import choice_box
from cmdesk.ui.widgets.interaction_pane import InteractionPane
from cmdesk.ui.widgets.lists import (
    list_table,
    search_bar,
    search_timer,
    select_listed,
    show_rows,
)
from cmdesk.ui.widgets.tone_panel import TonePanel

STATUS_ROLE = Qt.ItemDataRole.UserRole + 1
# The left column: the open ones first (what needs doing), those past their response-time
# target, everything, then each status.
VIEWS = ("open", "overdue", "all", *STATUS_LABELS)


class InteractionsView(QWidget):
    message = Signal(str)  # for the status bar
    contact_requested = Signal(int)  # show a contact in the Contacts section
    playbook_requested = Signal()  # open the client's playbook (from the tone panel)

    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(parent)
        self.setObjectName("view-interactions")
        self.tasks = tasks
        self.interactive = interactive  # False in smoke runs and tests: no modal warnings
        self.last_error = ""
        self.ws: Workspace | None = None
        self.model = InteractionListModel(self)
        self._build()
        self._shortcuts()

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        root, bar, self.search = search_bar(self, _("Search (Ctrl+F): words, names, handles"))
        self._search_timer = search_timer(self, self.search, self._apply_filter)
        self.type_filter = choice_box(TYPE_LABELS, (_("Any type"), ""))
        self.channel_filter = choice_box(CHANNEL_LABELS, (_("Any channel"), ""))
        self.team_filter = QComboBox()
        for box in (self.type_filter, self.channel_filter, self.team_filter):
            box.currentIndexChanged.connect(self._apply_filter)
            bar.addWidget(box)
        self.count_label = QLabel()
        bar.addWidget(self.count_label)
        self.capture_button = QToolButton()
        self.capture_button.setText(_("Log an interaction…"))
        self.capture_button.setToolTip(_("Paste a comment, review or message (Ctrl+N)"))
        self.capture_button.clicked.connect(lambda: self.capture())
        bar.addWidget(self.capture_button)
        self.import_button = QToolButton()
        self.import_button.setText(_("Import CSV…"))
        self.import_button.setToolTip(
            _("Import the comments, reviews or messages a platform exported (Ctrl+Shift+I)")
        )
        self.import_button.clicked.connect(lambda: self.import_csv())
        bar.addWidget(self.import_button)
        self.setAcceptDrops(True)  # a CSV export dropped on the inbox is imported
        self.csv_dialog: Any = None

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.states = QListWidget()
        self.states.setMinimumWidth(150)
        for key in VIEWS:
            item = QListWidgetItem()
            item.setData(STATUS_ROLE, key)
            self.states.addItem(item)
        self.states.setCurrentRow(0)
        self.states.currentRowChanged.connect(lambda _r: self._apply_filter())
        # Under the states, where the bar above has no room left in French.
        self.export_button = QPushButton(_("Export the list…"))
        self.export_button.setToolTip(
            _("The interactions listed, with these filters, as CSV, XLSX or JSON")
        )
        self.export_button.clicked.connect(lambda: self.export())
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 4)
        column.addWidget(self.states, 1)
        column.addWidget(self.export_button)
        splitter.addWidget(left)

        self.list_stack = QStackedWidget()
        self.table = list_table(self.model)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()

        def widest(labels: Any) -> int:
            return max(metrics.horizontalAdvance(_(label)) for label in labels) + 18

        header.resizeSection(0, 24)
        header.resizeSection(1, 130)
        header.resizeSection(3, min(widest(CHANNEL_LABELS.values()), 120))
        header.resizeSection(4, widest(TYPE_LABELS.values()))
        # The state is also in the left column and the detail pane: the message gets the room.
        header.resizeSection(5, min(widest(STATUS_LABELS.values()), 130))
        header.resizeSection(6, 110)
        header.resizeSection(7, metrics.horizontalAdvance("28 déc. 2026 22:58") + 8)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.list_stack.addWidget(self.table)
        self.empty = EmptyState(_("Log the first interaction (Ctrl+N)"), self.capture)
        self.empty_import = QPushButton(_("Import a CSV export…"))
        self.empty_import.clicked.connect(lambda: self.import_csv())
        empty_layout = self.empty.layout()
        assert isinstance(empty_layout, QBoxLayout)
        empty_layout.insertWidget(3, self.empty_import, 0, Qt.AlignmentFlag.AlignCenter)
        self.list_stack.addWidget(self.empty)
        # The list on top, wide enough for its columns; the detail below it, the message
        # and its fields beside the reply, as in a mail program.
        right = QSplitter(Qt.Orientation.Vertical)
        right.setChildrenCollapsible(False)
        right.addWidget(self.list_stack)
        splitter.addWidget(right)

        self.pane = InteractionPane()
        self.pane.field_changed.connect(self._field_changed)
        self.pane.reply_requested.connect(self.record_reply)
        self.pane.tag_requested.connect(self.add_tag)
        self.pane.contact_requested.connect(self.contact_requested)
        self.pane.interaction_requested.connect(self.show_interaction)
        self.pane.link_refused.connect(
            lambda url: self.message.emit(_("This link was not opened: {url}").format(url=url))
        )
        # Beside the reply: the playbook's tone of voice, and Ctrl+Space for a canned reply.
        self.tone = TonePanel()
        self.tone.setMaximumHeight(160)
        self.tone.edit_requested.connect(self.playbook_requested)
        self.pane.reply_aids_layout.addWidget(self.tone)
        self.pane.reply_aids.show()
        attach_reply_picker(self.pane.reply, self.tasks, self._reply_context)
        right.addWidget(self.pane)
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 3)
        right.setSizes([280, 420])
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 900])
        root.addWidget(splitter, 1)

    def _shortcuts(self) -> None:
        def key(sequence: str | QKeySequence.StandardKey, slot: Callable[[], Any]) -> None:
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        key(QKeySequence.StandardKey.Find, self._focus_search)
        key("J", lambda: self._move(1))
        key("K", lambda: self._move(-1))
        key("A", self.assign)
        key("T", self.set_type)
        key("P", self.set_priority)
        key("S", self.set_status)
        key("E", self.close_selected)
        key("R", self.pane.focus_reply)
        key("Escape", self._leave_field)

    # Ctrl+N is "new client" for the whole window; here it logs an interaction instead.
    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.New)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.New):
            self.capture()
            return
        super().keyPressEvent(event)

    # -- workspace ---------------------------------------------------------------------------

    def _reply_context(self) -> tuple[Workspace, Interaction, None] | None:
        """What a canned reply is filled in for: the interaction shown, if any."""
        if self.ws is None or self.pane.current is None:
            return None
        return self.ws, self.pane.current, None

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.tone.set_workspace(ws)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.set_workspace(None)
        if ws is not None:
            self.pane.tz = ws.profile().zone
        self._fill_teams()
        self._count()
        self.model.set_workspace(ws, self._filter(), "")
        self._after_reset()

    def on_changes(self, changes: Changes) -> None:
        if self.ws is None:
            return
        self.tone.on_changes(changes)
        if changes.teams or changes.workspace:
            self._fill_teams()
        if changes.interactions or changes.contacts or changes.teams or changes.workspace:
            current = self.pane.current
            row = self.table.currentIndex().row()
            self._count()
            self.model.reload()
            self._after_reset(current.id if current else None, row)

    def _fill_teams(self) -> None:
        teams = self.ws.teams.all() if self.ws is not None else []
        chosen = self.team_filter.currentData()
        self.team_filter.blockSignals(True)
        self.team_filter.clear()
        self.team_filter.addItem(_("Any team"), None)
        for team in teams:
            self.team_filter.addItem(team.name, team.id)
        self.team_filter.setCurrentIndex(max(self.team_filter.findData(chosen), 0))
        self.team_filter.setVisible(bool(teams))
        self.team_filter.blockSignals(False)
        self.pane.set_teams(teams)

    def _count(self) -> None:
        counts = self.ws.interactions.counts_by_status() if self.ws is not None else {}
        overdue = self.ws.interactions.count(InteractionFilter(overdue=True)) if self.ws else 0
        numbers = {
            "open": sum(counts.get(s, 0) for s in OPEN_STATUSES),
            "overdue": overdue,
            "all": sum(counts.values()),
            **counts,
        }
        labels = {"open": _("To handle"), "overdue": _("Overdue"), "all": _("All"), **STATUS_LABELS}
        for row, key in enumerate(VIEWS):
            item = self.states.item(row)
            label = _(labels[key]) if key in STATUS_LABELS else labels[key]
            item.setText(f"{label[:1].upper()}{label[1:]}  ({numbers.get(key, 0)})")
            font = item.font()
            font.setBold(key in ("open", "overdue", "new") and numbers.get(key, 0) > 0)
            item.setFont(font)
            if key == "overdue":
                item.setToolTip(
                    _("Not answered within the response-time target of their priority (Settings)")
                )
        # As wide as its longest label in this language ("En attente d'une équipe (12)").
        self.states.setMinimumWidth(self.states.sizeHintForColumn(0) + 16)

    # -- filters -----------------------------------------------------------------------------

    def _filter(self) -> InteractionFilter:
        item = self.states.currentItem()
        state = item.data(STATUS_ROLE) if item is not None else "open"
        team = self.team_filter.currentData()
        return InteractionFilter(
            status=state if state in STATUS_LABELS else "",
            open_only=state == "open",
            overdue=state == "overdue",
            type=self.type_filter.currentData() or "",
            channel=self.channel_filter.currentData() or "",
            team_id=int(team) if team is not None else None,
        )

    def _apply_filter(self) -> None:
        if self.ws is None:
            return
        self._search_timer.stop()
        self.model.set_filter(self._filter(), self.search.text().strip())
        self._after_reset()

    def _after_reset(self, keep: int | None = None, row: int = 0) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            self._show_empty()
            self.pane.show_interaction(None)
            self.count_label.setText("")
            return
        show_rows(self, rows, keep, row)

    def _show_empty(self) -> None:
        self.list_stack.setCurrentWidget(self.empty)
        anything = self.ws is not None and self.ws.interactions.count() > 0
        flt, text = self._filter(), self.search.text().strip()
        if not anything:
            message = _(
                "No interaction yet. Log the first one: paste a comment, a review or a "
                "message and its link, and cmdesk proposes the channel, the type and the "
                "sentiment. In Monitoring, a mention becomes an interaction with the I key. "
                "Comments, reviews or messages already exported from a platform as a CSV "
                "file: drop the file here, or import it (Ctrl+Shift+I)."
            )
        elif text:
            message = _("No interaction matches “{query}”.").format(query=text)
        elif flt == InteractionFilter(open_only=True):
            message = _("Nothing left to handle: every interaction is answered or closed.")
        elif flt == InteractionFilter(overdue=True):
            message = _("Nothing overdue: every interaction was answered within its target.")
        else:
            message = _("No interaction with these filters.")
        self.empty.show_text(message, button=not anything)
        self.empty_import.setVisible(not anything)

    # -- the current interaction --------------------------------------------------------------

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.interaction(current.row()) if current.isValid() else None
        self._show(item.id if item is not None else None)

    def _show(self, interaction_id: int | None) -> None:
        ws = self.ws
        if ws is None or interaction_id is None:
            self.pane.show_interaction(None)
            return
        item = ws.interactions.get(interaction_id)
        contact = ws.contacts.get(item.contact_id) if item.contact_id is not None else None
        history = (
            ws.interactions.page(InteractionFilter(contact_id=contact.id), limit=30)
            if contact is not None
            else []
        )
        self.pane.show_interaction(item, contact, history)
        if item.post_id is not None:
            post = ws.posts.get(item.post_id)
            about = _("about our post “{title}”").format(
                title=first_line(post.title or post.text, 60)
            )
            self.pane.meta.setText(f"{self.pane.meta.text()} · {about}")

    def link_post(self) -> None:
        """Say which of the client's posts the selected interactions are about (a comment
        under it, a reply to it): the recent ones are offered, newest first."""
        ids = self.selected_ids()
        if not ids or self.ws is None:
            return
        posts = self.ws.posts.page(limit=30)
        if not posts:
            self.message.emit(_("No post yet: posts are written in the Posts section."))
            return
        options: list[tuple[str, int | None]] = [
            (first_line(p.title or p.text, 70), p.id) for p in posts
        ]
        options.append((_("no post"), None))
        post_id = self.choose(_("About which post?"), options, self._current_value("post_id"))
        if post_id is not ...:
            self._write(_("Linking to the post"), lambda ws: ws.interactions.set_post(ids, post_id))

    def show_interaction(self, interaction_id: int) -> None:
        """Select an interaction in the list, widening the filters if they hide it."""
        if self.ws is None:
            return
        if self.model.row_of(interaction_id) is None:
            self._reset_filters()
        if select_listed(self, interaction_id):
            self.table.setFocus()

    def _reset_filters(self) -> None:
        for box in (self.type_filter, self.channel_filter, self.team_filter):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.states.blockSignals(True)
        self.states.setCurrentRow(VIEWS.index("all"))
        self.states.blockSignals(False)
        self._apply_filter()

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.pane.current is not None:
            return [self.pane.current.id]
        return [self.model.interaction_id(r) for r in rows]

    def _move(self, step: int) -> None:
        row = self.table.currentIndex().row() + step
        if row >= self.model.rowCount() and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())
        if 0 <= row < self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 2),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(self.model.index(row, 2))

    # -- actions -------------------------------------------------------------------------------

    def _write(
        self,
        label: str,
        fn: Callable[[Workspace], Changes],
        done: Callable[[Any], None] | None = None,
    ) -> None:
        run_write(self, label, fn, done)

    def choose(self, title: str, options: list[tuple[str, Any]], current: Any = None) -> Any:
        """A keyboard menu at the current row: its first letters or digits pick an option.
        Returns the chosen value, or ... (Ellipsis) when the menu was dismissed."""
        menu = QMenu(title, self)
        menu.setObjectName("triage-menu")
        heading = menu.addAction(title)
        heading.setEnabled(False)
        chosen: dict[QAction, Any] = {}
        for number, (label, value) in enumerate(options, start=1):
            prefix = f"&{number}  " if number < 10 else "    "
            action = menu.addAction(prefix + label.replace("&", "&&"))
            action.setCheckable(True)
            action.setChecked(value == current)
            chosen[action] = value
        rect = self.table.visualRect(self.table.currentIndex())
        where = rect.bottomLeft() if rect.isValid() else QPoint(20, 20)
        picked = menu.exec(self.table.viewport().mapToGlobal(where))
        return chosen.get(picked, ...) if picked is not None else ...

    def _current_value(self, attribute: str) -> Any:
        current = self.pane.current
        return getattr(current, attribute) if current is not None else None

    def assign(self) -> None:
        ids = self.selected_ids()
        if not ids or self.ws is None:
            return
        teams = self.ws.teams.all()
        if not teams:
            self.message.emit(_("No team yet: add the client's teams in Settings first."))
            return
        options = [(t.name, t.id) for t in teams] + [(_("no team"), None)]
        team_id = self.choose(_("Assign to a team"), options, self._current_value("team_id"))
        if team_id is not ...:
            self._assign(ids, team_id)

    def _assign(self, ids: list[int], team_id: int | None) -> None:
        rows = self.model.rows_of(ids)
        # Passed to a team, an open interaction now waits for that team's answer.
        waiting = [r.id for r in rows if r.status in ("new", "in_progress")] if team_id else []

        def work(ws: Workspace) -> Changes:
            with ws.atomic():
                changes = ws.interactions.assign(ids, team_id)
                if waiting:
                    changes |= ws.interactions.set_status(waiting, "waiting_team")
            return changes

        self._write(_("Assigning"), work)

    def set_type(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        options = [(_(label), value) for value, label in TYPE_LABELS.items()]
        value = self.choose(_("Type"), options, self._current_value("type"))
        if value is not ...:
            self._write(_("Saving"), lambda ws: ws.interactions.set_type(ids, value))

    def set_priority(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        options = [(_(label), value) for value, label in PRIORITY_LABELS.items()]
        value = self.choose(_("Priority"), options, self._current_value("priority"))
        if value is not ...:
            self._write(_("Saving"), lambda ws: ws.interactions.set_priority(ids, value))

    def set_status(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        options = [(_(label), value) for value, label in STATUS_LABELS.items()]
        value = self.choose(_("Status"), options, self._current_value("status"))
        if value is not ...:
            self._write(_("Saving"), lambda ws: ws.interactions.set_status(ids, value))

    def close_selected(self) -> None:
        """E: done. Closed when any of the selection is still open; reopened (in progress)
        when all of it was already closed."""
        ids = self.selected_ids()
        if not ids:
            return
        rows = self.model.rows_of(ids)
        status = "in_progress" if rows and all(r.status == "closed" for r in rows) else "closed"
        self._write(_("Saving"), lambda ws: ws.interactions.set_status(ids, status))
        self.message.emit(
            ngettext(
                "{count} interaction closed.", "{count} interactions closed.", len(ids)
            ).format(count=len(ids))
            if status == "closed"
            else ngettext(
                "{count} interaction reopened.", "{count} interactions reopened.", len(ids)
            ).format(count=len(ids))
        )

    def add_tag(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        name, ok = QInputDialog.getText(self, _("Add a tag"), _("Tag:"))
        if ok and name.strip():
            self._write(_("Saving"), lambda ws: ws.interactions.add_tag(ids, name))

    def _field_changed(self, field: str, value: Any) -> None:
        current = self.pane.current
        if current is None:
            return
        ids = [current.id]
        if field == "team":
            self._assign(ids, value)
        elif field == "status":
            self._write(_("Saving"), lambda ws: ws.interactions.set_status(ids, value))
        elif field == "type":
            self._write(_("Saving"), lambda ws: ws.interactions.set_type(ids, value))
        elif field == "priority":
            self._write(_("Saving"), lambda ws: ws.interactions.set_priority(ids, int(value)))

    def record_reply(self, interaction_id: int, text: str) -> None:
        if not text.strip():
            self.message.emit(_("Write the reply first."))
            self.pane.focus_reply()
            return
        self._write(
            _("Recording the reply"),
            lambda ws: ws.interactions.record_reply(interaction_id, text),
            lambda _c: self.message.emit(_("Reply recorded.")),
        )

    def _table_menu(self, position: QPoint) -> None:
        if not self.selected_ids():
            return
        menu = QMenu(self)
        for label, slot in (
            (_("Assign to a team… (A)"), self.assign),
            (_("Set the type… (T)"), self.set_type),
            (_("Set the priority… (P)"), self.set_priority),
            (_("Set the status… (S)"), self.set_status),
            (_("Close or reopen (E)"), self.close_selected),
            (_("Add a tag…"), self.add_tag),
            (_("About one of our posts…"), self.link_post),
            (_("Reply (R)"), self.pane.focus_reply),
        ):
            menu.addAction(label).triggered.connect(slot)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # -- capture and conversion ----------------------------------------------------------------

    def capture(self, text: str = "", link: str = "") -> None:
        ws = self.ws
        if ws is None:
            return
        from cmdesk.ui.dialogs.capture import CaptureDialog, log_interaction

        dialog = CaptureDialog(ws, self, text=text, link=link)
        if not dialog.exec():
            return
        capture = dialog.capture()

        def work(ctx: TaskContext) -> Logged:
            item = log_interaction(ws, capture)
            return Logged(interactions=True, contacts=True, item=item)

        self.tasks.run(
            _("Logging the interaction"),
            work,
            self._logged,
            self._failed(_("The interaction was not saved")),
            write=True,
            cancellable=False,
        )

    def convert_mention(self, mention_id: int) -> None:
        """Handle a monitored mention as an interaction (once: a second time shows the
        interaction already made from it)."""
        ws = self.ws
        if ws is None:
            return
        existing = inbox.for_mention(ws, mention_id)
        if existing is not None:
            self.show_interaction(existing)
            self.message.emit(_("This mention is already an interaction: here it is."))
            return
        self.tasks.run(
            _("Converting the mention"),
            lambda ctx: Logged(interactions=True, item=ws.interactions.from_mention(mention_id)),
            self._logged,
            self._failed(_("The mention could not be converted")),
            write=True,
            cancellable=False,
        )

    def import_csv(self, path: Path | None = None) -> None:
        """The CSV import dialog, on `path` when a file was dropped. Not modal to the
        application: the import runs in the background and the inbox shows it after."""
        ws = self.ws
        if ws is None:
            return
        from cmdesk.ui.dialogs.csv_import import CsvImportDialog

        if self.csv_dialog is not None and self.csv_dialog.isVisible():
            self.csv_dialog.raise_()
            if path is not None and not self.csv_dialog.busy:
                self.csv_dialog.open_file(path)
            return
        dialog = CsvImportDialog(ws, self.tasks, self, path=path)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda report: self.message.emit(report.summary()))
        self.csv_dialog = dialog
        dialog.destroyed.connect(lambda _o=None: setattr(self, "csv_dialog", None))
        dialog.open()

    def export(self, path: Path | None = None) -> None:
        """The interactions listed, with the filters and search on screen, to a file."""
        from cmdesk.store import exports
        from cmdesk.ui.dialogs.transfer import export_list, filters_of

        flt, text = self._filter(), self.search.text().strip()
        export_list(
            self, "interactions", lambda ws: exports.interactions(ws, flt, text),
            filters_of(flt, search=text), path,
        )  # fmt: skip

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from cmdesk.ui.dialogs.csv_import import CSV_SUFFIXES, dropped_file

        if self.ws is not None and dropped_file(event.mimeData(), CSV_SUFFIXES) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        from cmdesk.ui.dialogs.csv_import import CSV_SUFFIXES, dropped_file

        path = dropped_file(event.mimeData(), CSV_SUFFIXES)
        if path is not None:
            event.acceptProposedAction()
            self.import_csv(path)

    def _logged(self, logged: Logged) -> None:
        item = logged.item
        assert item is not None
        self.show_interaction(item.id)
        self.message.emit(_("Interaction {id} logged.").format(id=item.id))

    def _failed(self, title: str) -> Callable[[BaseException], None]:
        return failure_reporter(self, title)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _leave_field(self) -> None:
        self.table.setFocus()


@dataclass(frozen=True)
class Logged(Changes):
    """A write's Changes carrying the row it made: the task manager still announces the
    change (it looks for a Changes result), and the view selects the new row."""

    item: Interaction | None = None
