"""Choosing the period of a dashboard, a report or a digest: this month, last month, a
month, a week, the last 30 days or two dates. What is chosen is written the way the
command line takes it ("2026-10", "2026-W44", "30d", "2026-10-01..2026-10-31") and read by
core.periods, so the window and `cmdesk report --period` cover the same days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from cmdesk.core.clock import utc_now
from cmdesk.core.periods import Period, parse
from cmdesk.i18n import N_, _

CHOICES = (
    ("this_month", N_("This month")),
    ("last_month", N_("Last month")),
    ("month", N_("A month…")),
    ("week", N_("A week…")),
    ("30d", N_("Last 30 days")),
    ("days", N_("Custom dates…")),
)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class PeriodPicker(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.kind = QComboBox()
        for key, label in CHOICES:
            self.kind.addItem(_(label), key)
        self.kind.setToolTip(_("The period shown, compared with the period just before"))
        layout.addWidget(self.kind)
        today = _qdate(date.today())
        self.month = QDateEdit(today)
        self.month.setDisplayFormat("MMMM yyyy")
        self.month.setToolTip(_("The month (arrows or mouse wheel to change it)"))
        self.week = QDateEdit(today)
        self.week.setCalendarPopup(True)
        self.week.setToolTip(_("Any day of the week"))
        self.week_label = QLabel()
        self.first = QDateEdit(today.addDays(-29))
        self.first.setCalendarPopup(True)
        self.until = QLabel(_("to"))
        self.last = QDateEdit(today)
        self.last.setCalendarPopup(True)
        for widget in (self.month, self.week, self.week_label, self.first, self.until, self.last):
            layout.addWidget(widget)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for edit in (self.month, self.week, self.first, self.last):
            edit.dateChanged.connect(self._date_changed)
        self._kind_changed()

    # -- what is chosen ---------------------------------------------------------------------

    def text(self, today: date | None = None) -> str:
        """The period as `cmdesk report --period` takes it."""
        today = today or date.today()
        kind = self.kind.currentData()
        if kind == "this_month":
            return f"{today:%Y-%m}"
        if kind == "last_month":
            return f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"
        if kind == "month":
            return f"{_date(self.month.date()):%Y-%m}"
        if kind == "week":
            year, week, _day = _date(self.week.date()).isocalendar()
            return f"{year}-W{week:02d}"
        if kind == "30d":
            return "30d"
        first, last = sorted((_date(self.first.date()), _date(self.last.date())))
        return f"{first}..{last}"

    def period(self, zone: ZoneInfo, now: datetime | None = None) -> Period:
        now = now or utc_now()
        return parse(self.text(now.astimezone(zone).date()), now, zone)

    # -- choosing from code (tests, a dialog opened on the dashboard's period) --------------

    def set_text(self, text: str) -> None:
        """Show a period written as `text` (what `text()` returned)."""
        self.blockSignals(True)
        if text == "30d":
            self._choose("30d")
        elif "..W" not in text and "-W" in text:
            year, week = text.split("-W")
            self.week.setDate(_qdate(date.fromisocalendar(int(year), int(week), 1)))
            self._choose("week")
        elif ".." in text:
            first, last = (date.fromisoformat(p) for p in text.split(".."))
            self.first.setDate(_qdate(first))
            self.last.setDate(_qdate(last))
            self._choose("days")
        else:
            year, month = text.split("-")
            self.month.setDate(QDate(int(year), int(month), 1))
            self._choose("month")
        self.blockSignals(False)
        self.changed.emit()

    def _choose(self, key: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(key))
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.month.setVisible(kind == "month")
        self.week.setVisible(kind == "week")
        self.week_label.setVisible(kind == "week")
        for widget in (self.first, self.until, self.last):
            widget.setVisible(kind == "days")
        self._date_changed()

    def _date_changed(self) -> None:
        week = _date(self.week.date()).isocalendar()[1]
        self.week_label.setText(_("week {number}").format(number=week))
        self.changed.emit()
