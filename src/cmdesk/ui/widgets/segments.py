"""Participation segments for a period (the 90/9/1 rule): regulars, occasional
contributors, one-time voices, and the unhappy regulars to call first.

Computed on the task pool (one grouped pass over the period's interactions); only the
latest computation is shown, and a hidden panel waits until it is shown to recompute.
"""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date
from babel.numbers import format_percent
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.clock import utc_now
from cmdesk.core.errors import InvalidData
from cmdesk.core.segments import (
    SEGMENT_LABELS,
    SEGMENTS,
    Participant,
    Segmentation,
    Thresholds,
    parse_period,
)
from cmdesk.i18n import N_, _, current_language, format_when, ngettext
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.panel import WorkspacePanel, hint_label, shortcut

CONTACT_ROLE = Qt.ItemDataRole.UserRole
PERIODS = (
    ("30d", N_("Last 30 days")),
    ("12w", N_("Last 12 weeks")),
    ("6m", N_("Last 6 months")),
    ("1y", N_("Last 12 months")),
    ("custom", N_("Between two dates")),
)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class SegmentsPanel(WorkspacePanel):
    contact_activated = Signal(int)  # a contact's id, to open it in the contacts view

    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(tasks, parent, interactive=interactive)
        self.setObjectName("segments")
        self.result: Segmentation | None = None
        self._generation = 0
        self._stale = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.compute)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._controls())
        self.state = hint_label()
        layout.addWidget(self.state)
        cards = QHBoxLayout()
        self.cards: dict[str, tuple[QLabel, QLabel]] = {}
        for key in SEGMENTS:
            cards.addWidget(self._card(key))
        layout.addLayout(cards)
        layout.addWidget(
            hint_label(
                _(
                    "In most online communities about 90 % just read, 9 % write now and then "
                    "and 1 % are regulars. Only those who wrote are counted here: regulars "
                    "are the few who do most of the talking."
                )
            )
        )
        tables = QHBoxLayout()
        self.unhappy = self._table()
        self.regulars = self._table()
        for title, table in (
            (_("Unhappy regulars: call them first"), self.unhappy),
            (_("Regulars"), self.regulars),
        ):
            column = QVBoxLayout()
            heading = QLabel(title)
            heading.setFont(self._bold(heading.font()))
            column.addWidget(heading)
            column.addWidget(table, 1)
            tables.addLayout(column, 1)
        layout.addLayout(tables, 1)
        shortcut(self, "F5", self.compute)
        self.reload()

    # -- building ------------------------------------------------------------------------------

    @staticmethod
    def _bold(font: QFont, scale: float = 1.0) -> QFont:
        font = QFont(font)
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * scale)
        return font

    def _controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.period = QComboBox()
        for key, label in PERIODS:
            self.period.addItem(_(label), key)
        self.period.currentIndexChanged.connect(self._period_changed)
        row.addWidget(self.period)
        today = _qdate(date.today())
        self.since = QDateEdit(today.addDays(-89))
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self.schedule)
            edit.hide()
        self.to_label = QLabel(_("to"))
        self.to_label.hide()
        row.addWidget(self.since)
        row.addWidget(self.to_label)
        row.addWidget(self.until)
        row.addSpacing(16)
        self.regular = self._spin(2, 1000, 5)
        self.occasional = self._spin(1, 999, 2)
        self.unhappy_at = self._spin(1, 1000, 2)
        for label, spin, tip in (
            (_("Regular from"), self.regular, _("interactions in the period, at least")),
            (_("occasional from"), self.occasional, _("interactions in the period, at least")),
            (_("unhappy from"), self.unhappy_at, _("negative interactions of a regular")),
        ):
            text = QLabel(label)
            text.setToolTip(tip)
            spin.setToolTip(tip)
            row.addWidget(text)
            row.addWidget(spin)
        row.addStretch(1)
        return row

    def _spin(self, low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.valueChanged.connect(self.schedule)
        return spin

    def _card(self, key: str) -> QFrame:
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        column = QVBoxLayout(card)
        count = QLabel("—")
        count.setFont(self._bold(count.font(), 1.8))
        column.addWidget(count)
        name = QLabel(_(SEGMENT_LABELS[key]))
        name.setFont(self._bold(name.font()))
        column.addWidget(name)
        share = QLabel()
        share.setWordWrap(True)
        column.addWidget(share)
        self.cards[key] = (count, share)
        return card

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, 4)
        table.setHorizontalHeaderLabels([_("Name"), _("Interactions"), _("Negative"), _("Last")])
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.itemActivated.connect(self._activated)
        return table

    # -- computing -----------------------------------------------------------------------------

    def wants(self, changes: Changes) -> bool:
        return changes.interactions or changes.contacts or changes.profile

    def reload(self) -> None:
        self._stale = True
        if self.ws is None:
            self.result = None
            self._show(None)
            self.state.setText(_("Open a client to see who speaks to it."))
        elif self.isVisible():
            self.compute()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.ws is not None:
            self.compute()

    def _period_changed(self) -> None:
        custom = self.period.currentData() == "custom"
        for widget in (self.since, self.to_label, self.until):
            widget.setVisible(custom)
        self.schedule()

    def schedule(self) -> None:
        self._timer.start()

    def period_text(self) -> str:
        key = self.period.currentData()
        if key != "custom":
            return str(key)
        since, until = (d.date().toString("yyyy-MM-dd") for d in (self.since, self.until))
        return f"{since}..{until}"

    def thresholds(self) -> Thresholds:
        return Thresholds(
            regular=self.regular.value(),
            occasional=self.occasional.value(),
            unhappy=self.unhappy_at.value(),
        )

    def compute(self) -> None:
        ws = self.ws
        if ws is None:
            return
        self._stale = False
        self._timer.stop()
        try:
            thresholds = self.thresholds().validated()
            since, until = parse_period(self.period_text(), utc_now(), ws.profile().zone)
        except InvalidData as exc:
            self.state.setText(exc.message)
            return
        self._generation += 1
        generation = self._generation
        self.state.setText(_("Counting…"))

        def done(found: Segmentation) -> None:
            if generation == self._generation:
                self._show(found)

        self.read(
            _("Counting the participation segments"),
            lambda w: w.segments.compute(since, until, thresholds),
            done,
            _("The segments could not be computed"),
        )

    # -- showing -------------------------------------------------------------------------------

    def _show(self, found: Segmentation | None) -> None:
        self.result = found
        counts = found.counts() if found else dict.fromkeys(SEGMENTS, 0)
        shares = found.shares() if found else dict.fromkeys(SEGMENTS, 0.0)
        for key, (count, share) in self.cards.items():
            count.setText(str(counts[key]) if found else "—")
            share.setText(
                _("{share} of those who wrote").format(
                    share=format_percent(shares[key], locale=current_language())
                )
                if found and found.participants
                else ""
            )
        participants = found.participants if found else ()
        self._fill(self.unhappy, [p for p in participants if p.unhappy])
        self._fill(self.regulars, [p for p in participants if p.segment == "regular"])
        if found is None:
            return
        last_day = (found.until - timedelta(days=1)).date()
        days = {
            "since": format_date(found.since.date(), "medium", locale=current_language()),
            "until": format_date(last_day, "medium", locale=current_language()),
        }
        if not participants:
            self.state.setText(
                _(
                    "Nobody wrote to the client between {since} and {until}. Segments fill in "
                    "as interactions are logged with their contact; try a longer period."
                ).format(**days)
            )
            return
        text = ngettext(
            "{count} person wrote between {since} and {until}.",
            "{count} people wrote between {since} and {until}.",
            len(participants),
        ).format(count=len(participants), **days)
        if found.anonymous:
            text += " " + ngettext(
                "{count} message without a known contact is not counted.",
                "{count} messages without a known contact are not counted.",
                found.anonymous,
            ).format(count=found.anonymous)
        self.state.setText(text)

    def _fill(self, table: QTableWidget, people: list[Participant]) -> None:
        zone = self.ws.profile().zone if self.ws is not None else None
        table.setRowCount(len(people))
        for row, person in enumerate(people):
            cells = (
                person.name,
                str(person.interactions),
                str(person.negative),
                format_when(person.last_at, zone),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(CONTACT_ROLE, person.contact_id)
                if col:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row, col, item)

    def _activated(self, item: QTableWidgetItem) -> None:
        self.contact_activated.emit(int(item.data(CONTACT_ROLE)))
