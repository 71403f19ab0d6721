"""Choosing when a post goes out: the "Schedule…" dialog, and the question asked when the
chosen time does not exist or happens twice because the clocks change that night.

Times are chosen as the clock shows them in the client's zone. A time in the spring gap
or the autumn overlap is never moved silently: `ask_instant` explains what happens that
night in plain words and lets the user pick one of the instants the store accepts.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.clock import utc_now
from cmdesk.core.errors import CmdeskError
from cmdesk.core.networks import network_name
from cmdesk.core.posts import TRANSITIONS, PostState
from cmdesk.core.publication import Post
from cmdesk.core.schedule import (
    Frequency,
    WallKind,
    WallTime,
    clock_change,
    is_summer_time,
    resolve,
    to_local,
)
from cmdesk.i18n import _, current_language, ngettext
from cmdesk.store.workspace import Workspace
from cmdesk.ui.models.interactions import first_line
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.calendar_grid import short_time
from cmdesk.ui.widgets.channel_colours import swatch

S = PostState
DEFAULT_TIME = time(9, 0)  # a post given a day without an hour goes out in the morning
_REPEATS = {
    None: lambda: _("Once"),
    Frequency.DAILY: lambda: _("Every day"),
    Frequency.WEEKLY: lambda: _("Every week"),
    Frequency.MONTHLY: lambda: _("Every month"),
}


def long_date(day: date) -> str:
    return format_skeleton("yMMMMEEEEd", day, locale=current_language())


def repeat_text(frequency: Frequency, interval: int) -> str:
    """ "every week", "every 2 weeks", in the user's language."""
    if interval == 1:
        return {
            Frequency.DAILY: _("every day"),
            Frequency.WEEKLY: _("every week"),
            Frequency.MONTHLY: _("every month"),
        }[frequency]
    unit = {
        Frequency.DAILY: ngettext("every {n} day", "every {n} days", interval),
        Frequency.WEEKLY: ngettext("every {n} week", "every {n} weeks", interval),
        Frequency.MONTHLY: ngettext("every {n} month", "every {n} months", interval),
    }[frequency]
    return unit.format(n=interval)


def post_headline(post: Post, width: int = 80) -> str:
    """The post's title, or the first line of its text, to name it in a list or a message."""
    return first_line(post.title or post.text, width) or _("(no text)")


def can_schedule(post: Post) -> bool:
    """Whether the post may be given to the runner now; the others only get a date on the
    calendar (an idea, or a post still in review)."""
    return post.state is S.SCHEDULED or S.SCHEDULED in TRANSITIONS[post.state]


# -- the daylight-saving question ----------------------------------------------------------


class DstChoiceDialog(QDialog):
    """Which instant a skipped or repeated wall time means (`chosen()`)."""

    def __init__(self, wall: WallTime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dst-choice")
        self.wall = wall
        change = clock_change(wall)
        shown = short_time(wall.wall)
        values = {
            "day": long_date(wall.wall.date()),
            "zone": wall.zone,
            "time": shown,
            "before": short_time(change.before),
            "after": short_time(change.after),
        }
        if wall.kind is WallKind.GAP:
            self.setWindowTitle(_("This time does not exist"))
            text = _(
                "On {day}, in {zone}, the clocks go forward from {before} to {after}: "
                "{time} does not exist that day. When should the post go out?"
            ).format(**values)
            later = short_time(to_local(wall.choices[1], wall.zone))
            labels = [
                _("At {time}, as soon as the clocks have gone forward").format(
                    time=short_time(to_local(wall.choices[0], wall.zone))
                ),
                _("At {later} ({time} by the clocks before the change)").format(
                    later=later, time=shown
                ),
            ]
        else:
            self.setWindowTitle(_("This time happens twice"))
            text = _(
                "On {day}, in {zone}, the clocks go back from {before} to {after}: "
                "{time} happens twice that day. Which one do you mean?"
            ).format(**values)
            seasons = [self._season(instant) for instant in wall.choices]
            labels = [
                _("{time} the first time ({season})").format(time=shown, season=seasons[0]),
                _("{time} the second time ({season})").format(time=shown, season=seasons[1]),
            ]
        layout = QVBoxLayout(self)
        explanation = QLabel(text)
        explanation.setWordWrap(True)
        explanation.setMinimumWidth(420)
        layout.addWidget(explanation)
        self.group = QButtonGroup(self)
        self.options: list[QRadioButton] = []
        for number, label in enumerate(labels):
            button = QRadioButton(label)
            self.group.addButton(button, number)
            self.options.append(button)
            layout.addWidget(button)
        self.options[0].setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Use this time"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _season(self, instant: datetime) -> str:
        first, second = (is_summer_time(c, self.wall.zone) for c in self.wall.choices)
        if first == second:  # a change of the zone's standard time: say the offset
            offset = instant.astimezone(ZoneInfo(self.wall.zone)).strftime("%z")
            return f"UTC{offset[:3]}:{offset[3:]}"
        return _("summer time") if is_summer_time(instant, self.wall.zone) else _("winter time")

    def chosen(self) -> datetime:
        return self.wall.choices[max(self.group.checkedId(), 0)]


def ask_instant(parent: QWidget | None, wall: datetime, zone: str) -> datetime | None:
    """The instant `wall` means in `zone`; when the clocks change at that time, the one
    the user chose (None: they cancelled)."""
    resolved = resolve(wall, zone)
    if resolved.kind is WallKind.NORMAL:
        return resolved.instant
    dialog = DstChoiceDialog(resolved, parent)
    return dialog.chosen() if dialog.exec() else None


# -- the "Schedule…" dialog ----------------------------------------------------------------


@dataclass(frozen=True)
class Scheduled(Changes):
    """The write's Changes, carrying the post as it is now."""

    post: Post | None = None


class ScheduleDialog(QDialog):
    """When the post goes out: a date and time in the client's zone, or the next free
    posting slot of one of its channels; once or repeated; evergreen or not."""

    message = Signal(str)
    scheduled = Signal(object)  # Post

    def __init__(
        self,
        ws: Workspace,
        tasks: TaskManager,
        post: Post,
        parent: QWidget | None = None,
        *,
        interactive: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("schedule-dialog")
        self.setWindowTitle(_("Schedule the post"))
        self.ws, self.tasks, self.post = ws, tasks, post
        self.interactive = interactive
        self.last_error = ""
        self.zone = ws.profile().timezone
        self.ask_instant = ask_instant  # the question for times the clocks skip or repeat
        self._build()
        self._fill()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{html.escape(post_headline(self.post))}</b>")
        title.setWordWrap(True)
        layout.addWidget(title)
        grid = QGridLayout()
        self.at_time = QRadioButton(_("On a date and time"))
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy" if current_language() == "fr" else "yyyy-MM-dd")
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        when = QHBoxLayout()
        when.addWidget(self.date)
        when.addWidget(self.time)
        when.addWidget(QLabel(_("({zone} time)").format(zone=self.zone)))
        when.addStretch(1)
        grid.addWidget(self.at_time, 0, 0)
        grid.addLayout(when, 0, 1)
        self.in_queue = QRadioButton(_("Add to the queue"))
        self.channel = QComboBox()
        self.slot_label = QLabel()
        self.slot_label.setWordWrap(True)
        queue = QHBoxLayout()
        queue.addWidget(self.channel)
        queue.addWidget(self.slot_label, 1)
        grid.addWidget(self.in_queue, 1, 0)
        grid.addLayout(queue, 1, 1)
        grid.addWidget(QLabel(_("Repeat")), 2, 0)
        self.repeat = QComboBox()
        for frequency, label in _REPEATS.items():
            self.repeat.addItem(label(), frequency)
        self.interval = QSpinBox()
        self.interval.setRange(1, 99)
        self.interval.setToolTip(_("How many days, weeks or months between two repeats"))
        self.repeat_label = QLabel()
        repeat = QHBoxLayout()
        repeat.addWidget(self.repeat)
        repeat.addWidget(self.interval)
        repeat.addWidget(self.repeat_label, 1)
        grid.addLayout(repeat, 2, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.evergreen = QCheckBox(
            _("Evergreen: after it goes out, it comes back at the next free posting slot")
        )
        layout.addWidget(self.evergreen)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c0392b;")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.at_time)
        self.modes.addButton(self.in_queue)
        self.modes.buttonToggled.connect(lambda _b, _c: self._mode_changed())
        self.channel.currentIndexChanged.connect(lambda _i: self._show_slot())
        self.repeat.currentIndexChanged.connect(lambda _i: self._repeat_changed())
        self.interval.valueChanged.connect(lambda _v: self._repeat_changed())

    def _fill(self) -> None:
        post = self.post
        if post.scheduled_at is not None:
            wall = to_local(post.scheduled_at, self.zone)
        else:
            wall = datetime.combine(to_local(utc_now(), self.zone).date() + timedelta(days=1),
                                    DEFAULT_TIME)  # fmt: skip
        self.date.setDate(QDate(wall.year, wall.month, wall.day))
        self.time.setTime(QTime(wall.hour, wall.minute))
        for channel in dict.fromkeys(post.channels):
            self.channel.addItem(swatch(channel), network_name(channel), channel)
        self.at_time.setChecked(True)
        self.in_queue.setEnabled(bool(post.channels))
        if not post.channels:
            self.in_queue.setToolTip(_("Choose the post's channels first."))
        frequency = post.recurrence.frequency if post.recurrence else None
        self.repeat.setCurrentIndex(max(self.repeat.findData(frequency), 0))
        self.interval.setValue(post.recurrence.interval if post.recurrence else 1)
        self.evergreen.setChecked(post.evergreen)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if can_schedule(post):
            ok.setText(_("Schedule"))
        else:
            ok.setText(_("Put on the calendar"))
            self.note.setText(
                _(
                    "This post is “{state}”: it gets a date on the calendar, and will be "
                    "published only once it is approved and scheduled."
                ).format(state=post.state.label)
            )
        self._mode_changed()
        self._repeat_changed()

    def _mode_changed(self) -> None:
        queue = self.in_queue.isChecked()
        for widget in (self.date, self.time):
            widget.setEnabled(not queue)
        self.channel.setEnabled(queue)
        self._show_slot()

    def _repeat_changed(self) -> None:
        frequency = self.repeat.currentData()
        self.interval.setEnabled(frequency is not None)
        shown = repeat_text(frequency, self.interval.value()) if frequency else ""
        self.repeat_label.setText(f"→ {shown}" if shown else "")

    def _show_slot(self) -> None:
        channel = self.channel.currentData()
        if not self.in_queue.isChecked() or channel is None:
            self.slot_label.setText("")
            return
        try:
            wall = self.ws.posts.next_slot(channel, post_id=self.post.id)
        except CmdeskError as exc:
            self.slot_label.setText(exc.message + " " + _("Posting slots are set in Settings."))
            return
        self.slot_label.setText(
            _("Next free slot: {when}").format(
                when=f"{long_date(wall.wall.date())} {short_time(wall.wall)}"
            )
        )

    def wall(self) -> datetime:
        day, clock = self.date.date(), self.time.time()
        return datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute())

    def save(self) -> None:
        """Check the choice, ask about a clock change, then write it in the background;
        the dialog closes once it is saved, and says why when it is not."""
        self.error.setText("")
        post, zone = self.post, self.zone
        schedule = can_schedule(post)
        queue_channel = self.channel.currentData() if self.in_queue.isChecked() else None
        wall, choice = self.wall(), None
        if queue_channel is None:
            choice = self.ask_instant(self, wall, zone)
            if choice is None:
                return
            if schedule and choice <= utc_now():
                self._refuse(_("This time has passed: the post would go out at once. "
                               "Choose a later time."))  # fmt: skip
                return
        frequency = self.repeat.currentData()
        interval, evergreen = self.interval.value(), self.evergreen.isChecked()

        def work(ws: Workspace) -> Scheduled:
            with ws.atomic():
                if queue_channel is not None and schedule:
                    ws.posts.add_to_queue(post.id, queue_channel)
                elif queue_channel is not None:
                    slot = ws.posts.next_slot(queue_channel, post_id=post.id)
                    ws.posts.reschedule(post.id, slot.wall, zone=slot.zone, choice=slot.choices[0])
                elif schedule:
                    ws.posts.schedule(post.id, wall, zone=zone, choice=choice)
                else:
                    ws.posts.reschedule(post.id, wall, zone=zone, choice=choice)
                current = ws.posts.get(post.id)
                recurrence = current.recurrence
                if (
                    (recurrence.frequency if recurrence else None) != frequency
                    or (recurrence.interval if recurrence else 1) != interval
                    or current.evergreen != evergreen
                ):
                    ws.posts.set_recurrence(
                        post.id, frequency, interval=interval, evergreen=evergreen
                    )
                return Scheduled(posts=True, post=ws.posts.get(post.id))

        self.buttons.setEnabled(False)
        self.tasks.run(
            _("Scheduling the post"),
            lambda ctx: work(self.ws),
            self._saved,
            self._failed,
            write=True,
            cancellable=False,
        )

    def _saved(self, result: Scheduled) -> None:
        self.buttons.setEnabled(True)
        self.scheduled.emit(result.post)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self._refuse(exc.message if isinstance(exc, CmdeskError) else str(exc))

    def _refuse(self, text: str) -> None:
        self.last_error = text
        self.error.setText(text)
        self.message.emit(text)
