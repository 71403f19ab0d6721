"""Posting slots per channel, in Settings: the times "Add to the queue" fills (e.g. Tuesday
and Thursday 09:00 on Mastodon), wall-clock times in the client's zone."""

from __future__ import annotations

from datetime import time
from typing import Any

from babel.dates import get_day_names
from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.errors import CmdeskError
from cmdesk.core.networks import network_name
from cmdesk.core.publication import CHANNELS
from cmdesk.core.schedule import Slot
from cmdesk.i18n import _, current_language
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.schedule import long_date
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.calendar_grid import short_time
from cmdesk.ui.widgets.channel_colours import channel_order, swatch
from cmdesk.ui.widgets.feedback import run_write


def day_name(weekday: int) -> str:
    name = get_day_names("wide", locale=current_language())[weekday]
    return name[:1].upper() + name[1:]


class PostingSlotsEditor(QGroupBox):
    message = Signal(str)

    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(_("Posting slots"), parent)
        self.setObjectName("posting-slots")
        self.tasks = tasks
        self.interactive = interactive
        self.last_error = ""
        self.ws: Workspace | None = None
        self.slots: list[tuple[str, Slot]] = []
        layout = QVBoxLayout(self)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [_("Network"), _("Day"), _("Time"), _("Next free slot")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(140)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)  # not in the other settings
        delete.activated.connect(self.remove)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.channel = QComboBox()
        for channel in CHANNELS:
            self.channel.addItem(swatch(channel), network_name(channel), channel)
        self.day = QComboBox()
        for weekday in range(7):
            self.day.addItem(day_name(weekday), weekday)
        self.time = QTimeEdit(QTime(9, 0))
        self.time.setDisplayFormat("HH:mm")
        self.add_button = QPushButton(_("Add the slot"))
        self.add_button.clicked.connect(self.add)
        for widget in (self.channel, self.day, self.time, self.add_button):
            row.addWidget(widget)
        row.addStretch(1)
        self.remove_button = QPushButton(_("Remove the selected slots"))
        self.remove_button.clicked.connect(self.remove)
        row.addWidget(self.remove_button)
        layout.addLayout(row)

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self._fill()

    def on_changes(self, changes: Changes) -> None:
        if changes.posts or changes.profile or changes.workspace:
            self._fill()

    def _fill(self) -> None:
        ws = self.ws
        zone = ws.profile().timezone if ws is not None else ""
        self.hint.setText(
            _(
                "“Add to the queue” gives a post the next of its channel's slots that no "
                "scheduled post holds. Times are in the client's time zone ({zone}) and stay "
                "the same on the clock when it changes to summer or winter time."
            ).format(zone=zone)
        )
        self.slots = ws.posts.slots() if ws is not None else []
        self.slots.sort(key=lambda cs: (channel_order(cs[0]), cs[1].weekday, cs[1].at))
        nexts: dict[str, str] = {}
        self.table.setRowCount(len(self.slots))
        for row, (channel, slot) in enumerate(self.slots):
            if channel not in nexts and ws is not None:
                nexts[channel] = self._next(ws, channel)
            texts = (
                network_name(channel),
                day_name(slot.weekday),
                slot.at.strftime("%H:%M"),
                nexts.get(channel, "") if row == 0 or self.slots[row - 1][0] != channel else "",
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setIcon(swatch(channel))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.remove_button.setEnabled(bool(self.slots))

    def _next(self, ws: Workspace, channel: str) -> str:
        try:
            wall = ws.posts.next_slot(channel)
        except CmdeskError as exc:
            return exc.message
        return f"{long_date(wall.wall.date())} {short_time(wall.wall)}"

    def add(self) -> None:
        channel = self.channel.currentData()
        clock = self.time.time()
        slot = Slot(int(self.day.currentData()), time(clock.hour(), clock.minute()))
        if (channel, slot) in self.slots:
            self.message.emit(_("This slot is already there."))
            return
        run_write(self, _("Adding the posting slot"), lambda ws: ws.posts.add_slot(channel, slot))

    def remove(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        chosen = [self.slots[r] for r in rows if r < len(self.slots)]
        if not chosen:
            self.message.emit(_("Select a slot in the list first."))
            return

        def work(ws: Workspace) -> Changes:
            with ws.atomic():
                for channel, slot in chosen:
                    ws.posts.remove_slot(channel, slot)
            return Changes(posts=True)

        run_write(self, _("Removing the posting slots"), work)


def add_slots_box(window: Any) -> PostingSlotsEditor:
    """Put the editor in the main window's Settings, following its workspace and changes
    (the window's `workspace_changed` carries both: a newly opened client is EVERYTHING)."""
    editor = PostingSlotsEditor(window.tasks, interactive=window.interactive)
    editor.message.connect(lambda text: window.statusBar().showMessage(text, 8000))

    def changed(changes: Changes) -> None:
        if changes.workspace or editor.ws is not window.workspace:
            editor.set_workspace(window.workspace)
        else:
            editor.on_changes(changes)

    window.workspace_changed.connect(changed)
    window.settings_view.add_box(editor)
    return editor
