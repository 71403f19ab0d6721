"""The editorial calendar: a month or a week of posts at their time in the client's zone,
coloured by channel, filtered by channel and state, moved by dragging, with the posts
that have no date yet in a list beside it.

Only the range on screen is read, off the GUI thread (store.post_calendar: two queries
whatever the number of posts); filters apply to what was read, without reading again.
A drop moves the post through `workspace.posts.reschedule`, in the client's zone: a time
the clocks skip or repeat that night asks which instant is meant (dialogs.schedule),
a move the post's state refuses says why, and its card stays where it was, since cards
are drawn from the workspace only. Ctrl+Z puts the last moved post back.

The view follows the workspace like every screen: `set_workspace(ws)`, and
`on_changes(changes)` connected to the main window's `workspace_changed`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import format_interval, format_skeleton
from PySide6.QtCore import QByteArray, QMimeData, Qt, Signal
from PySide6.QtGui import (
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.clock import utc_now
from cmdesk.core.errors import CmdeskError
from cmdesk.core.networks import network_name
from cmdesk.core.posts import PostState
from cmdesk.core.publication import CHANNELS, Post
from cmdesk.core.schedule import WallKind, resolve, to_local
from cmdesk.i18n import _, current_language, ngettext
from cmdesk.store.post_calendar import posts_between, undated_posts
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.schedule import (
    DEFAULT_TIME,
    ask_instant,
    long_date,
    post_headline,
    repeat_text,
)
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.calendar_grid import (
    POST_MIME,
    CalendarGrid,
    Entry,
    MonthGrid,
    WeekGrid,
    mime_post_id,
    short_time,
)
from cmdesk.ui.widgets.channel_colours import channel_order, legend_html, swatch
from cmdesk.ui.widgets.feedback import failure_reporter, run_write
from cmdesk.ui.widgets.lists import view_bar

S = PostState
POST_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Loaded:
    generation: int
    first: date
    posts: list[Post]
    undated: list[Post]


@dataclass(frozen=True)
class Move:
    """Where a post was before a move, to put it back (Ctrl+Z)."""

    post_id: int
    wall: datetime | None
    zone: str
    instant: datetime | None


def drop_wall(target: date | datetime, current: datetime | None) -> datetime:
    """The wall time a post dropped on `target` gets: a day (month) keeps the post's time
    of day, an hour (week) keeps its minutes; a post without a time takes 09:00 or the
    hour's start."""
    if isinstance(target, datetime):
        return target.replace(minute=current.minute if current is not None else 0)
    clock = current.time() if current is not None else DEFAULT_TIME
    return datetime.combine(target, clock)


def month_start(day: date) -> date:
    """The Monday on or before the 1st of `day`'s month: the first day a month shows."""
    first = day.replace(day=1)
    return first - timedelta(days=first.weekday())


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class UndatedList(QListWidget):
    """The posts without a date: dragged onto the calendar to give them one; a dated post
    dropped here loses its date (when its state allows)."""

    dropped = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setWordWrap(True)

    def startDrag(self, supportedActions) -> None:
        # A copy, not a move: the list must not drop the row itself when the calendar
        # takes it; it is rebuilt from the workspace once the post has its date.
        item = self.currentItem()
        if item is None or item.data(POST_ROLE) is None:
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData([item]))
        drag.exec(Qt.DropAction.CopyAction)

    def mimeTypes(self) -> list[str]:
        return [POST_MIME]

    def mimeData(self, items) -> QMimeData:
        data = QMimeData()
        if items:
            data.setData(POST_MIME, QByteArray(str(items[0].data(POST_ROLE)).encode()))
        return data

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.source() is not self and mime_post_id(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.source() is not self and mime_post_id(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        post_id = mime_post_id(event.mimeData())
        if post_id is not None and event.source() is not self:
            event.acceptProposedAction()
            self.dropped.emit(post_id)


class CalendarView(QWidget):
    open_post = Signal(int)  # a post double-clicked, in the calendar or the list
    message = Signal(str)  # for the status bar

    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(parent)
        self.setObjectName("view-calendar")
        self.tasks = tasks
        self.interactive = interactive
        self.last_error = ""
        self.ws: Workspace | None = None
        self.zone = "UTC"
        self.mode = "month"
        self.anchor = to_local(utc_now(), self.zone).date()
        self.posts: dict[int, Post] = {}
        self.dated: list[Post] = []
        self.undated: list[Post] = []
        self.undo_stack: list[Move] = []
        self.generation = 0
        self.loaded_first: date | None = None
        # The question for a time the clocks skip or repeat (tests drive the real dialog).
        self.ask_instant: Callable[[QWidget, datetime, str], datetime | None] = ask_instant
        self._build()
        self._shortcuts()

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        root, bar = view_bar(self)
        self.previous_button = self._tool("‹", _("Previous (Page Up)"), lambda: self.go(-1))
        self.today_button = self._tool(_("Today"), _("Today (T)"), self.go_today)
        self.next_button = self._tool("›", _("Next (Page Down)"), lambda: self.go(1))
        for button in (self.previous_button, self.today_button, self.next_button):
            bar.addWidget(button)
        self.title = QLabel()
        self.title.setObjectName("calendar-title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        bar.addSpacing(8)
        bar.addWidget(self.title, 1)
        self.month_button = self._tool(_("Month"), _("Month view (M)"), self.show_month)
        self.week_button = self._tool(_("Week"), _("Week view (W)"), self.show_week)
        modes = QButtonGroup(self)
        for button in (self.month_button, self.week_button):
            button.setCheckable(True)
            modes.addButton(button)
            bar.addWidget(button)
        self.month_button.setChecked(True)
        self.channel_filter = QComboBox()
        self.channel_filter.addItem(_("All channels"), "")
        for channel in CHANNELS:
            self.channel_filter.addItem(swatch(channel), network_name(channel), channel)
        self.state_filter = QComboBox()
        self.state_filter.addItem(_("All states"), "")
        for state in PostState:
            self.state_filter.addItem(state.label, state.value)
        for box in (self.channel_filter, self.state_filter):
            # As wide as a usual label, not as the longest ("Unknown: check on the network").
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(14)
            box.currentIndexChanged.connect(lambda _i: self._show())
            bar.addSpacing(6)
            bar.addWidget(box)
        self.count_label = QLabel()
        bar.addSpacing(6)
        bar.addWidget(self.count_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.stack = QStackedWidget()
        self.month = MonthGrid()
        self.week = WeekGrid()
        self.week_scroll = QScrollArea()
        self.week_scroll.setWidgetResizable(True)
        self.week_scroll.setWidget(self.week)
        self.stack.addWidget(self.month)
        self.stack.addWidget(self.week_scroll)
        for grid in (self.month, self.week):
            grid.open_post.connect(self.open_post)
            grid.dropped.connect(self._dropped)
        self.month.day_requested.connect(self._show_week_of)
        splitter.addWidget(self.stack)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 8, 8)
        heading = QLabel(_("Without a date"))
        heading.setObjectName("undated-heading")
        bold = heading.font()
        bold.setBold(True)
        heading.setFont(bold)
        side_layout.addWidget(heading)
        hint = QLabel(_("Drag a post onto the calendar to give it a date."))
        hint.setWordWrap(True)
        side_layout.addWidget(hint)
        self.undated_list = UndatedList()
        self.undated_list.itemDoubleClicked.connect(
            lambda item: self.open_post.emit(int(item.data(POST_ROLE)))
        )
        self.undated_list.dropped.connect(self.take_date_off)
        side_layout.addWidget(self.undated_list, 1)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        side_layout.addWidget(self.legend)
        side.setMinimumWidth(200)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([900, 240])
        root.addWidget(splitter, 1)
        self._show_title()

    def _tool(self, text: str, tip: str, slot: Callable[[], Any]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda: slot())
        return button

    def _shortcuts(self) -> None:
        def key(sequence: str | QKeySequence.StandardKey, slot: Callable[[], Any]) -> None:
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        key("PgUp", lambda: self.go(-1))
        key("PgDown", lambda: self.go(1))
        key("T", self.go_today)
        key("M", self.show_month)
        key("W", self.show_week)
        key(QKeySequence.StandardKey.Undo, self.undo)

    # -- workspace ---------------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.undo_stack.clear()
        self.posts, self.dated, self.undated = {}, [], []
        self.zone = ws.profile().timezone if ws is not None else "UTC"
        self.anchor = to_local(utc_now(), self.zone).date()
        self.refresh()

    def on_changes(self, changes: Changes) -> None:
        if changes.profile or changes.workspace:  # the client's zone may have changed
            self.zone = self.ws.profile().timezone if self.ws is not None else "UTC"
        if changes.posts or changes.profile or changes.workspace:
            self.refresh()

    def first_day(self) -> date:
        return month_start(self.anchor) if self.mode == "month" else week_start(self.anchor)

    def visible_range(self) -> tuple[datetime, datetime]:
        """The instants the grid on screen covers: from midnight of its first day to
        midnight after its last, in the client's zone (as UTC)."""
        first = self.first_day()
        days = self.month.days() if self.mode == "month" else 7
        return tuple(  # type: ignore[return-value]
            resolve(datetime.combine(day, datetime.min.time()), self.zone).choices[0]
            for day in (first, first + timedelta(days=days))
        )

    def refresh(self) -> None:
        """Read the range on screen and the posts without a date, in the background; an
        answer that comes after another range was asked for is dropped."""
        self._show_title()
        self.generation += 1
        ws, generation, first = self.ws, self.generation, self.first_day()
        if ws is None:
            self._loaded(Loaded(generation, first, [], []))
            return
        start, end = self.visible_range()
        self.tasks.run(
            _("Reading the calendar"),
            lambda ctx: Loaded(generation, first, posts_between(ws, start, end), undated_posts(ws)),
            self._loaded,
            failure_reporter(self, _("The calendar could not be read")),
        )

    def _loaded(self, loaded: Loaded) -> None:
        if loaded.generation != self.generation:
            return
        self.loaded_first = loaded.first
        self.dated, self.undated = loaded.posts, loaded.undated
        self.posts = {p.id: p for p in (*loaded.posts, *loaded.undated)}
        present = sorted({c for p in self.posts.values() for c in p.channels}, key=channel_order)
        self.legend.setText(legend_html(present))
        self._show()

    # -- showing -----------------------------------------------------------------------------

    def _passes(self, post: Post) -> bool:
        channel, state = self.channel_filter.currentData(), self.state_filter.currentData()
        return (not channel or channel in post.channels) and (
            not state or post.state.value == state
        )

    def entry(self, post: Post) -> Entry:
        assert post.scheduled_at is not None
        wall = to_local(post.scheduled_at, self.zone)
        return Entry(post.id, wall, post_headline(post, 120), post.channels, post.state,
                     self._tooltip(post, wall))  # fmt: skip

    def _tooltip(self, post: Post, wall: datetime | None) -> str:
        lines = [post_headline(post, 120)]
        facts = [post.state.label]
        if post.channels:
            facts.insert(0, ", ".join(network_name(c) for c in post.channels))
        if wall is not None:
            facts.insert(0, f"{long_date(wall.date())} {short_time(wall)}")
        lines.append(" · ".join(facts))
        if post.wall_time is not None and post.zone and post.zone != self.zone:
            lines.append(
                _("Chosen as {time} in {zone}").format(
                    time=short_time(post.wall_time), zone=post.zone
                )
            )
        if post.recurrence is not None:
            how = repeat_text(post.recurrence.frequency, post.recurrence.interval)
            lines.append(_("Repeated: {how}").format(how=how))
        if post.evergreen:
            lines.append(_("Evergreen: comes back at the next free posting slot"))
        return "\n".join(lines)

    def _show(self) -> None:
        grid = self.grid()
        first = self.first_day()
        today = to_local(utc_now(), self.zone).date()
        if isinstance(grid, MonthGrid):
            grid.month = self.anchor.replace(day=1)
        shown = [self.entry(p) for p in self.dated if self._passes(p)]
        grid.set_entries(first, shown, today, self.zone)
        self.count_label.setText(
            ngettext("{count} post", "{count} posts", len(shown)).format(count=len(shown))
        )
        self.undated_list.clear()
        for post in self.undated:
            if not self._passes(post):
                continue
            item = QListWidgetItem(post_headline(post, 90))
            item.setData(POST_ROLE, post.id)
            item.setToolTip(self._tooltip(post, None))
            item.setIcon(swatch(post.channels[0] if post.channels else ""))
            self.undated_list.addItem(item)
        if self.undated_list.count() == 0:
            empty = QListWidgetItem(_("Every post has a date."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.undated_list.addItem(empty)

    def _show_title(self) -> None:
        language = current_language()
        if self.mode == "month":
            text = format_skeleton("yMMMM", self.anchor, locale=language)
        else:
            first = week_start(self.anchor)
            text = format_interval(first, first + timedelta(days=6), "yMMMd", locale=language)
        self.title.setText(text[:1].upper() + text[1:])

    def grid(self) -> CalendarGrid:
        return self.month if self.mode == "month" else self.week

    # -- navigation --------------------------------------------------------------------------

    def show_month(self) -> None:
        self._set_mode("month")

    def show_week(self) -> None:
        self._set_mode("week")

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        (self.month_button if mode == "month" else self.week_button).setChecked(True)
        self.stack.setCurrentIndex(0 if mode == "month" else 1)
        if mode == "week":
            # The working day in view first: most posts go out between 7:00 and 21:00.
            bar = self.week_scroll.verticalScrollBar()
            bar.setValue(round(bar.maximum() * 7 / 24))
        self.refresh()

    def _show_week_of(self, day: date) -> None:
        self.anchor = day
        self.show_week()

    def go(self, step: int) -> None:
        if self.mode == "week":
            self.anchor += timedelta(weeks=step)
        else:
            months = self.anchor.year * 12 + self.anchor.month - 1 + step
            self.anchor = date(months // 12, months % 12 + 1, 1)
        self.refresh()

    def go_today(self) -> None:
        self.anchor = to_local(utc_now(), self.zone).date()
        self.refresh()

    def go_to(self, day: date) -> None:
        self.anchor = day
        self.refresh()

    # -- moving posts ------------------------------------------------------------------------

    def _post(self, post_id: int) -> Post | None:
        """A post the view shows, or one dropped from elsewhere (another list of posts)."""
        if post_id not in self.posts and self.ws is not None:
            try:
                self.posts[post_id] = self.ws.posts.get(post_id)
            except CmdeskError:
                return None
        return self.posts.get(post_id)

    def _dropped(self, post_id: int, target: date | datetime) -> None:
        post = self._post(post_id)
        current = to_local(post.scheduled_at, self.zone) if post and post.scheduled_at else None
        self.move_post(post_id, drop_wall(target, current))

    def move_post(self, post_id: int, wall: datetime) -> None:
        """Move a post to `wall` in the client's zone (what a drop does)."""
        post = self._post(post_id)
        if post is None or self.ws is None:
            return
        current = to_local(post.scheduled_at, self.zone) if post.scheduled_at else None
        if current == wall:
            return
        resolved = resolve(wall, self.zone)
        if resolved.kind is WallKind.NORMAL:
            instant: datetime | None = resolved.instant
        else:
            instant = self.ask_instant(self, wall, self.zone)
            if instant is None:
                self.message.emit(_("Not moved."))
                return
        assert instant is not None
        if post.state is S.SCHEDULED and instant <= utc_now():
            self._refuse(
                _("The post was not moved"),
                _(
                    "This time has passed: a scheduled post moved there would go out at once. "
                    "Choose a later time."
                ),
            )
            return
        before = Move(post.id, post.wall_time, post.zone, post.scheduled_at)
        zone = self.zone

        def work(ws: Workspace) -> Changes:
            ws.posts.reschedule(post_id, wall, zone=zone, choice=instant)
            return Changes(posts=True)

        def moved(_changes: Changes) -> None:
            self.undo_stack.append(before)
            when = f"{long_date(wall.date())} {short_time(to_local(instant, zone))}"
            self.message.emit(
                _("“{title}” moved to {when} (Ctrl+Z to undo).").format(
                    title=post_headline(post, 50), when=when
                )
            )

        self._write(_("Moving the post"), work, moved)

    def take_date_off(self, post_id: int) -> None:
        """A dated post dropped on the list of posts without a date."""
        post = self._post(post_id)
        if post is None or post.scheduled_at is None or self.ws is None:
            return
        before = Move(post.id, post.wall_time, post.zone, post.scheduled_at)

        def work(ws: Workspace) -> Changes:
            ws.posts.reschedule(post_id, None)
            return Changes(posts=True)

        def done(_changes: Changes) -> None:
            self.undo_stack.append(before)
            self.message.emit(
                _("“{title}” has no date now (Ctrl+Z to undo).").format(
                    title=post_headline(post, 50)
                )
            )

        self._write(_("Moving the post"), work, done)

    def undo(self) -> None:
        """Put the last moved post back where it was."""
        if not self.undo_stack or self.ws is None:
            self.message.emit(_("Nothing to undo."))
            return
        move = self.undo_stack.pop()

        def work(ws: Workspace) -> Changes:
            if move.wall is None:
                ws.posts.reschedule(move.post_id, None)
            else:
                ws.posts.reschedule(move.post_id, move.wall, zone=move.zone, choice=move.instant)
            return Changes(posts=True)

        self._write(_("Moving the post back"), work, lambda _c: self.message.emit(_("Undone.")))

    def _write(
        self, label: str, fn: Callable[[Workspace], Changes], done: Callable[[Any], None]
    ) -> None:
        run_write(self, label, fn, done, failure=_("The post was not moved"))

    def _refuse(self, title: str, text: str) -> None:
        failure_reporter(self, title)(Exception(text))
