"""Deliveries, in Settings: the client's schedules (what goes to whom, how, when), the send
log with what became of each send, and the user's mail server.

While the app runs, a timer sends what comes due (cmdesk send-due skips a client the app
has open); what came due while it was closed is offered when the client is opened.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.clock import utc_now
from cmdesk.core.delivery import (
    WEBHOOK_FORMATS,
    Channel,
    Schedule,
    SendRecord,
    SendState,
    Target,
    Timing,
)
from cmdesk.core.errors import CmdeskError
from cmdesk.core.schedule import Frequency
from cmdesk.i18n import N_, _, format_when
from cmdesk.share.deliver import Senders, add_schedule, due_deliveries, send_due, send_now
from cmdesk.share.documents import kinds
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.feedback import failure_reporter, run_write

if TYPE_CHECKING:
    from cmdesk.share import mail


def _mail() -> Any:
    """The mail module, imported when the box first needs it: it brings the keyring and
    SMTP stacks, a tenth of a second the window need not wait for before it is painted."""
    from cmdesk.share import mail

    return mail


POLL_MS = 60_000
_EVERY = {"weekly": N_("every week"), "monthly": N_("every month"), "daily": N_("every day")}
_DAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
         N_("Saturday"), N_("Sunday"))  # fmt: skip
_SECURITY = {"tls": N_("TLS (port 465)"), "starttls": N_("STARTTLS (port 587)"),
             "none": N_("none (no login)")}  # fmt: skip


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    table.setMinimumHeight(110)
    return table


def _fill(table: QTableWidget, rows: list[tuple[Any, list[str]]]) -> None:
    table.setRowCount(len(rows))
    for row, (key, texts) in enumerate(rows):
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            table.setItem(row, column, item)
    table.resizeColumnsToContents()


class DeliveriesBox(QGroupBox):
    message = Signal(str)

    def __init__(
        self,
        tasks: TaskManager,
        home: Home,
        parent: QWidget | None = None,
        *,
        interactive: bool = True,
    ) -> None:
        super().__init__(_("Deliveries: reports and exports sent by e-mail or webhook"), parent)
        self.setObjectName("deliveries-box")
        self.tasks = tasks
        self.home = home
        self.interactive = interactive
        self.last_error = ""
        self.ws: Workspace | None = None
        self.opened_at: datetime | None = None
        self.schedules: list[Schedule] = []
        self.records: list[SendRecord] = []
        self.senders: Senders | None = None  # tests give their own
        layout = QVBoxLayout(self)
        hint = QLabel(
            _(
                "Send a document every day, week or month to a team or to the client. Each "
                "send covers the period before it, and the same period is never sent twice."
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = _table([_("What"), _("For"), _("How"), _("When"), _("Next")])
        layout.addWidget(self.table)
        layout.addLayout(self._add_row())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.send_button = QPushButton(_("Send now"))
        self.send_button.clicked.connect(self.send_selected)
        self.remove_button = QPushButton(_("Remove the selected delivery…"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(_("Send log")))
        self.log_table = _table([_("Date"), _("What"), _("Period"), _("For"), _("Result")])
        layout.addWidget(self.log_table)
        log_buttons = QHBoxLayout()
        log_buttons.addStretch(1)
        self.retry_button = QPushButton(_("Send again"))
        self.retry_button.clicked.connect(self.retry_selected)
        self.arrived_button = QPushButton(_("It arrived"))
        self.arrived_button.clicked.connect(lambda: self.resolve_selected(True))
        self.lost_button = QPushButton(_("It did not arrive"))
        self.lost_button.clicked.connect(lambda: self.resolve_selected(False))
        for button in (self.retry_button, self.arrived_button, self.lost_button):
            log_buttons.addWidget(button)
        layout.addLayout(log_buttons)
        layout.addWidget(self._smtp_box())
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.send_what_comes_due)

    # -- building ------------------------------------------------------------------------

    def _add_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.kind = QComboBox()
        for kind in kinds():
            self.kind.addItem(_(kind.label), kind.name)
        self.target = QComboBox()
        self.channel = QComboBox()
        self.channel.addItem(_("E-mail"), "email")
        for key, name in WEBHOOK_FORMATS.items():
            self.channel.addItem(_("Webhook: {service}").format(service=name), key)
        self.address = QLineEdit()
        self.address.setPlaceholderText(_("addresses or webhook (default: the team's)"))
        self.every = QComboBox()
        for key, label in _EVERY.items():
            self.every.addItem(_(label), key)
        self.weekday = QComboBox()
        for index, day in enumerate(_DAYS):
            self.weekday.addItem(_(day), index)
        self.monthday = QSpinBox()
        self.monthday.setRange(1, 31)
        self.monthday.setValue(2)
        self.at = QTimeEdit(QTime(8, 0))
        self.at.setDisplayFormat("HH:mm")
        self.every.currentIndexChanged.connect(self._every_changed)
        self.add_button = QPushButton(_("Add the delivery"))
        self.add_button.clicked.connect(self.add)
        for widget, stretch in (
            (self.kind, 0), (self.target, 0), (self.channel, 0), (self.address, 2),
            (self.every, 0), (self.weekday, 0), (self.monthday, 0), (self.at, 0),
            (self.add_button, 0),
        ):  # fmt: skip
            row.addWidget(widget, stretch)
        self._every_changed()
        return row

    def _every_changed(self) -> None:
        every = self.every.currentData()
        self.weekday.setVisible(every == "weekly")
        self.monthday.setVisible(every == "monthly")

    def _smtp_box(self) -> QGroupBox:
        box = QGroupBox(_("Your mail server (for every client)"))
        form = QFormLayout(box)
        self.smtp_host = QLineEdit()
        self.smtp_host.setPlaceholderText("smtp.example.fr")
        self.smtp_security = QComboBox()
        for key, label in _SECURITY.items():
            self.smtp_security.addItem(_(label), key)
        self.smtp_port = QSpinBox()
        self.smtp_port.setRange(1, 65535)
        self.smtp_port.setValue(465)
        self.smtp_security.currentIndexChanged.connect(
            lambda: self.smtp_port.setValue(_mail().DEFAULT_PORTS[self.smtp_security.currentData()])
        )
        self.smtp_user = QLineEdit()
        self.smtp_password = QLineEdit()
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.smtp_password.setPlaceholderText(_("kept in the system keyring"))
        self.smtp_from = QLineEdit()
        self.smtp_from_name = QLineEdit()
        self.smtp_reply_to = QLineEdit()
        self.smtp_cafile = QLineEdit()
        self.smtp_cafile.setPlaceholderText(_("only for a server with its own certificate"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._choose_cafile)
        cafile_row = QHBoxLayout()
        cafile_row.addWidget(self.smtp_cafile, 1)
        cafile_row.addWidget(browse)
        form.addRow(_("Server"), self.smtp_host)
        form.addRow(_("Security"), self.smtp_security)
        form.addRow(_("Port"), self.smtp_port)
        form.addRow(_("User name"), self.smtp_user)
        form.addRow(_("Password"), self.smtp_password)
        form.addRow(_("From (address)"), self.smtp_from)
        form.addRow(_("From (name)"), self.smtp_from_name)
        form.addRow(_("Reply to"), self.smtp_reply_to)
        form.addRow(_("Certificate to trust"), cafile_row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.smtp_save = QPushButton(_("Save the mail server"))
        self.smtp_save.clicked.connect(self.save_smtp)
        self.smtp_test = QPushButton(_("Test"))
        self.smtp_test.clicked.connect(self.test_smtp)
        buttons.addWidget(self.smtp_save)
        buttons.addWidget(self.smtp_test)
        form.addRow(buttons)
        # Filled in when the box is first shown: reading the settings brings the mail and
        # keyring stacks, which the window need not wait for before it is painted.
        self._smtp_loaded = False
        return box

    def _choose_cafile(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Certificate to trust"), "", _("Certificates (*.pem *.crt *.cer)")
        )
        if path:
            self.smtp_cafile.setText(path)

    # -- the workspace -------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.opened_at = utc_now() if ws is not None else None
        self._fill()
        if ws is not None and self.interactive:
            self.timer.start()
        else:
            self.timer.stop()

    def on_changes(self, changes: Changes) -> None:
        if changes.deliveries or changes.teams or changes.workspace or changes.profile:
            self._fill()

    def _fill(self) -> None:
        ws = self.ws
        self.target.clear()
        if ws is None:
            self.schedules, self.records = [], []
            _fill(self.table, [])
            _fill(self.log_table, [])
            return
        self.target.addItem(_("The client"), None)
        for team in ws.teams.all():
            self.target.addItem(team.name, team.id)
        self.schedules = ws.deliveries.schedules()
        self.records = ws.deliveries.log(limit=100)
        profile = ws.profile()
        now = utc_now()
        labels = {k.name: _(k.label) for k in kinds()}
        rows = []
        for s in self.schedules:
            how = _("e-mail") if s.channel is Channel.EMAIL else WEBHOOK_FORMATS.get(
                s.webhook_format, s.webhook_format)  # fmt: skip
            rows.append((s.id, [
                labels.get(s.kind, s.kind), s.target.name, how, s.timing.describe(),
                format_when(s.timing.upcoming(now, profile.timezone), profile.zone)
                if s.enabled else _("paused"),
            ]))  # fmt: skip
        _fill(self.table, rows)
        log_rows = []
        for r in self.records:
            result = r.state.label + (f" — {r.error}" if r.error else "")
            log_rows.append((r.id, [
                format_when(r.updated_at, profile.zone), labels.get(r.kind, r.kind), r.period,
                f"{r.target} ({r.address or r.channel.value})", result,
            ]))  # fmt: skip
        _fill(self.log_table, log_rows)
        for row, r in enumerate(self.records):
            if r.state in (SendState.FAILED, SendState.UNKNOWN):
                for column in range(self.log_table.columnCount()):
                    item = self.log_table.item(row, column)
                    if item is not None:
                        item.setForeground(Qt.GlobalColor.darkRed)
        self.send_button.setEnabled(bool(self.schedules))
        self.remove_button.setEnabled(bool(self.schedules))

    def _selected(self, table: QTableWidget, items: list[Any]) -> Any | None:
        row = table.currentRow()
        if not 0 <= row < len(items):
            self.message.emit(_("Select a line in the list first."))
            return None
        return items[row]

    def _senders(self) -> Senders:
        return self.senders if self.senders is not None else Senders.for_home(self.home)

    # -- actions -------------------------------------------------------------------------

    def add(self) -> None:
        every = Frequency(self.every.currentData())
        day = (self.weekday.currentData() if every is Frequency.WEEKLY
               else self.monthday.value() if every is Frequency.MONTHLY else 0)  # fmt: skip
        at = self.at.time()
        channel_key = self.channel.currentData()
        channel = Channel.EMAIL if channel_key == "email" else Channel.WEBHOOK
        wanted = Schedule(
            id=None,
            kind=self.kind.currentData(),
            target=Target(self.target.currentData()),
            channel=channel,
            timing=Timing(every, day, time(at.hour(), at.minute())),
            address=self.address.text().strip(),
            webhook_format="" if channel is Channel.EMAIL else channel_key,
        )

        def work(ws: Workspace) -> Changes:
            add_schedule(ws, wanted)
            return Changes(deliveries=True, activity=True)

        run_write(self, _("Adding the delivery"), work, lambda _c: self.address.clear())

    def remove_selected(self) -> None:
        schedule = self._selected(self.table, self.schedules)
        if schedule is None:
            return
        if self.interactive:
            answer = QMessageBox.question(
                self,
                _("Remove this delivery?"),
                _("Stop sending “{what}” to {target}? What was sent stays in the log.").format(
                    what=schedule.kind, target=schedule.target.name
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        run_write(self, _("Removing the delivery"),
                  lambda ws: ws.deliveries.remove(schedule.id))  # fmt: skip

    def _send(self, label: str, fn: Any) -> None:
        ws, senders = self.ws, self._senders()
        if ws is None:
            return

        def work(ctx: Any) -> Changes:
            fn(ws, senders)
            return Changes(deliveries=True)

        def done(changes: Changes) -> None:
            self.tasks.changes.emit(changes)
            self._fill()

        # Not on the writer thread: a slow mail server would hold every other write of
        # the app for up to its timeout. The claim and the confirmation are transactions
        # of their own (the workspace serialises them), and the claim's unique key keeps
        # two sends of the same period from both going out.
        self.tasks.run(label, work, done, failure_reporter(self, _("Not sent")),
                       cancellable=False)  # fmt: skip

    def send_selected(self) -> None:
        schedule = self._selected(self.table, self.schedules)
        if schedule is not None:
            self._send(_("Sending"), lambda ws, s: self._said(send_now(ws, s, schedule.id)))

    def retry_selected(self) -> None:
        record = self._selected(self.log_table, self.records)
        if record is None or record.schedule_id is None:
            return
        from cmdesk.core.delivery import Period

        period = Period.parse(record.period)
        self._send(
            _("Sending again"),
            lambda ws, s: self._said(send_now(ws, s, record.schedule_id, period)),
        )

    def _said(self, outcome: Any) -> None:
        text = f"{outcome.period} → {outcome.target}: {outcome.result}"
        if outcome.message and outcome.result != "sent":
            text += f" — {outcome.message}"
        self.message.emit(text)

    def resolve_selected(self, arrived: bool) -> None:
        record = self._selected(self.log_table, self.records)
        if record is not None:
            run_write(
                self,
                _("Saving the check"),
                lambda ws: ws.deliveries.resolve_unknown(record.id, arrived=arrived),
            )

    def send_what_comes_due(self) -> None:
        """The timer: what came due since the client was opened goes by itself (and the
        passing failures whose retry time has come)."""
        if self.ws is None or not self.ws.deliveries.due():
            return
        opened = self.opened_at
        self._send(_("Sending what is due"),
                   lambda ws, s: send_due(ws, s, due_after=opened))  # fmt: skip

    def offer_due(self) -> None:
        """At opening: what came due while cmdesk was closed, for the user to send or skip."""
        if self.ws is None or not self.interactive:
            return
        waiting = [d for d in due_deliveries(self.ws) if d.record is None]
        if not waiting:
            return
        from cmdesk.ui.dialogs.due_deliveries import DueDeliveriesDialog

        dialog = DueDeliveriesDialog(waiting, self)
        if not dialog.exec():
            return
        chosen = dialog.chosen()
        if dialog.action == "skip":
            run_write(self, _("Skipping"), lambda ws: self._skip(ws, chosen))
        else:

            def send(ws: Workspace, senders: Senders) -> None:
                for item in chosen:
                    assert item.schedule.id is not None
                    self._said(send_now(ws, senders, item.schedule.id, item.period))

            self._send(_("Sending what was due"), send)

    @staticmethod
    def _skip(ws: Workspace, chosen: list[Any]) -> Changes:
        for item in chosen:
            ws.deliveries.skip(item.schedule, item.period)
        return Changes(deliveries=True)

    # -- the mail server -----------------------------------------------------------------

    def showEvent(self, event: Any) -> None:
        if not self._smtp_loaded:
            self._smtp_loaded = True
            self._load_smtp()
        super().showEvent(event)

    def _load_smtp(self) -> None:
        try:
            settings = _mail().load_settings(self.home)
        except CmdeskError as exc:
            self.last_error = exc.message
            return
        if settings is None:
            return
        self.smtp_host.setText(settings.host)
        self.smtp_security.setCurrentIndex(max(self.smtp_security.findData(settings.security), 0))
        self.smtp_port.setValue(settings.port)
        self.smtp_user.setText(settings.username)
        self.smtp_from.setText(settings.from_address)
        self.smtp_from_name.setText(settings.from_name)
        self.smtp_reply_to.setText(settings.reply_to)
        self.smtp_cafile.setText(settings.cafile)

    def _smtp_settings(self) -> mail.SmtpSettings:
        return (
            _mail()
            .SmtpSettings(
                host=self.smtp_host.text(),
                port=self.smtp_port.value(),
                security=self.smtp_security.currentData(),
                username=self.smtp_user.text(),
                from_address=self.smtp_from.text(),
                from_name=self.smtp_from_name.text(),
                reply_to=self.smtp_reply_to.text(),
                cafile=self.smtp_cafile.text(),
            )
            .validated()
        )

    def save_smtp(self) -> None:
        report = failure_reporter(self, _("The mail server was not saved"))
        try:
            settings = self._smtp_settings()
            password = self.smtp_password.text()
            if settings.username and password:
                store = self._senders().passwords or _mail().password_store()
                store.set(settings.secret_name, password)
            _mail().save_settings(self.home, settings)
        except CmdeskError as exc:
            report(exc)
            return
        self.smtp_password.clear()
        self.message.emit(_("Mail server saved: {server}.").format(server=settings.describe()))

    def test_smtp(self) -> None:
        try:
            settings = self._smtp_settings()
        except CmdeskError as exc:
            failure_reporter(self, _("The mail server does not work"))(exc)
            return
        typed = self.smtp_password.text()
        senders = self._senders()

        def work(ctx: Any) -> str:
            password = typed
            if settings.username and not password:
                store = senders.passwords or _mail().password_store()
                password = _mail().password_for(settings, store)
            return _mail().check_connection(settings, password)

        def done(said: str) -> None:
            text = _("The mail server accepts cmdesk: {server} ({said}).").format(
                server=settings.describe(), said=said
            )
            self.message.emit(text)
            if self.interactive:
                QMessageBox.information(self, _("Mail server"), text)

        self.tasks.run(_("Testing the mail server"), work, done,
                       failure_reporter(self, _("The mail server does not work")))  # fmt: skip
