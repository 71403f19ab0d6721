"""The client's objectives with their progress, and the monthly figures no API gives
(followers, reach…), typed in a table of months or imported from a network's export."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.clock import utc_now
from cmdesk.core.errors import CmdeskError
from cmdesk.core.interactions import TYPE_LABELS
from cmdesk.core.networks import network_name
from cmdesk.core.objectives import FIGURE_LABELS, METRIC_LABELS, Progress, checked
from cmdesk.core.periods import Period, month
from cmdesk.i18n import _, current_language
from cmdesk.share.document import babel_locale
from cmdesk.store.figures import FigureImport
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskContext, TaskManager

NETWORKS = ("instagram", "facebook", "linkedin", "x", "tiktok", "youtube", "mastodon", "bluesky")
_MET, _BEHIND = QColor("#1e7d32"), QColor("#b3261e")
_UNITS = {"answered_within": " %", "negative_share": " %", "first_answer_median": " min"}


def this_month(ws: Workspace) -> Period:
    today = utc_now().astimezone(ws.profile().zone).date()
    return month(today.year, today.month, ws.profile().zone)


def _state(p: Progress) -> tuple[str, QColor | None]:
    if p.value is None:
        return _("no data yet"), None
    if p.met:
        return _("met"), _MET
    if p.elapsed < 1:
        return (_("on track"), _MET) if p.on_track else (_("behind"), _BEHIND)
    return _("not met"), _BEHIND


class ObjectiveForm(QDialog):
    """A new objective: a name, what is measured, the target, and what the measure needs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New objective"))
        self.setMinimumWidth(460)
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. 9 complaints in 10 answered within 2 h"))
        form.addRow(_("Name"), self.name)
        self.measure = QComboBox()
        for key, label in METRIC_LABELS.items():
            self.measure.addItem(_(label), key)
        form.addRow(_("Measure"), self.measure)
        self.target = QDoubleSpinBox()
        self.target.setRange(0, 10_000_000)
        self.target.setDecimals(1)
        self.target.setValue(90)
        form.addRow(_("Target"), self.target)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 60 * 24 * 30)
        self.minutes.setValue(120)
        self.minutes.setSuffix(" min")
        form.addRow(_("Within"), self.minutes)
        self.kind = QComboBox()
        self.kind.addItem(_("every type"), "")
        for key, label in TYPE_LABELS.items():
            self.kind.addItem(_(label), key)
        form.addRow(_("Messages"), self.kind)
        self.network = QComboBox()
        self.network.setEditable(True)
        for key in NETWORKS:
            self.network.addItem(network_name(key), key)
        form.addRow(_("Network"), self.network)
        self.figure = QComboBox()
        for key, label in FIGURE_LABELS.items():
            self.figure.addItem(_(label), key)
        form.addRow(_("Figure"), self.figure)
        self.gain = QCheckBox(_("the month's gain, not its value"))
        form.addRow("", self.gain)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._form = form
        self.measure.currentIndexChanged.connect(self._show_fields)
        self._show_fields()

    def _show_fields(self) -> None:
        metric = self.measure.currentData()
        shown = {
            self.minutes: metric == "answered_within",
            self.kind: metric in ("answered_within", "first_answer_median"),
            self.network: metric in ("figure", "posts_published"),
            self.figure: metric == "figure",
            self.gain: metric == "figure",
        }
        for widget, visible in shown.items():
            self._form.setRowVisible(widget, visible)
        self.target.setSuffix(_UNITS.get(metric, ""))

    def values(self) -> tuple[str, str, float, dict[str, Any]]:
        metric = str(self.measure.currentData())
        params: dict[str, Any] = {}
        if metric == "answered_within":
            params["minutes"] = self.minutes.value()
        if metric in ("answered_within", "first_answer_median") and self.kind.currentData():
            params["type"] = self.kind.currentData()
        if metric in ("figure", "posts_published"):
            index = self.network.findText(self.network.currentText())
            network = self.network.itemData(index) if index >= 0 else self.network.currentText()
            params["network" if metric == "figure" else "channel"] = str(network).lower()
        if metric == "figure":
            params["figure"] = self.figure.currentData()
            params["gain"] = self.gain.isChecked()
        return self.name.text(), metric, self.target.value(), params

    def _accept(self) -> None:
        name, metric, target, params = self.values()
        if not name.strip():
            self.error.setText(_("An objective needs a name."))
            return
        try:
            checked(metric, target, params)
        except CmdeskError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


class ObjectivesDialog(QDialog):
    """The objectives and how far along they are this month."""

    changed = Signal(object)  # Changes

    def __init__(self, ws: Workspace, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.tasks = ws, tasks
        self.period = this_month(ws)
        self.setWindowTitle(_("Objectives"))
        self.resize(760, 380)
        layout = QVBoxLayout(self)
        self.heading = QLabel(
            _(
                "This month, so far: a count is compared with the target "
                "prorated to the days gone by."
            )
        )
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [_("Objective"), _("Target"), _("Result"), _("Progress"), _("State")]
        )
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        layout.addWidget(self.table, 1)
        self.empty = QLabel(
            _(
                "No objective yet. Add what you promised the client, e.g. "
                "“9 complaints in 10 answered within 2 h” or “+200 followers a "
                "month”, and follow it here and in the monthly report."
            )
        )
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("Add an objective…"))
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.clicked.connect(self.remove)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.progress: list[Progress] = []
        self.reload()

    def reload(self) -> None:
        ws, period = self.ws, self.period
        self.tasks.run(
            _("Measuring the objectives"),
            lambda ctx: ws.objectives.progress(period),
            self._show,
            cancellable=False,
        )

    def _show(self, progress: list[Progress]) -> None:
        self.progress = progress
        self.table.setRowCount(len(progress))
        for row, p in enumerate(progress):
            state, colour = _state(p)
            unit = _UNITS.get(p.objective.metric, "")
            cells = [
                p.objective.name,
                f"{p.objective.target:g}{unit}",
                "—" if p.value is None else f"{round(p.value, 1):g}{unit}",
                "",
                state,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 4 and colour is not None:
                    item.setForeground(colour)
                if column in (1, 2):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(round(p.ratio * 100))
            self.table.setCellWidget(row, 3, bar)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setVisible(bool(progress))
        self.empty.setVisible(not progress)
        self.remove_button.setEnabled(bool(progress))

    def add(self) -> None:
        form = ObjectiveForm(self)
        if form.exec() != QDialog.DialogCode.Accepted:
            return
        name, metric, target, params = form.values()
        ws = self.ws

        def work(ctx: TaskContext) -> Changes:
            ws.objectives.add(name, metric, target, params)
            return Changes(settings=True)

        self.tasks.run(
            _("Adding the objective"),
            work,
            self._written,
            self._failed,
            write=True,
            cancellable=False,
        )

    def remove(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.progress):
            return
        objective = self.progress[row].objective
        ws = self.ws
        self.tasks.run(
            _("Removing the objective"),
            lambda ctx: ws.objectives.remove(objective.id),
            self._written,
            self._failed,
            write=True,
            cancellable=False,
        )

    def _written(self, changes: Changes) -> None:
        self.changed.emit(changes)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, CmdeskError) else str(exc)
        QMessageBox.warning(self, _("Objectives"), message)


class FiguresDialog(QDialog):
    """A year of monthly figures per network, typed in or imported."""

    changed = Signal(object)

    def __init__(self, ws: Workspace, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.tasks = ws, tasks
        self.year = utc_now().astimezone(ws.profile().zone).year
        self.setWindowTitle(_("Monthly figures"))
        self.resize(980, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Figures the networks do not give to other applications: type them "
                "in at the start of each month, or import the statistics your network "
                "exports as CSV. Empty a cell to remove a figure."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        top = QHBoxLayout()
        self.year_box = QSpinBox()
        self.year_box.setRange(2000, 2100)
        self.year_box.setValue(self.year)
        self.year_box.valueChanged.connect(self._year_changed)
        top.addWidget(QLabel(_("Year")))
        top.addWidget(self.year_box)
        top.addStretch(1)
        self.network = QComboBox()
        self.network.setEditable(True)
        for key in NETWORKS:
            self.network.addItem(network_name(key), key)
        self.figure = QComboBox()
        for key, label in FIGURE_LABELS.items():
            self.figure.addItem(_(label), key)
        add_row = QPushButton(_("Add a row"))
        add_row.clicked.connect(self.add_row)
        top.addWidget(self.network)
        top.addWidget(self.figure)
        top.addWidget(add_row)
        layout.addLayout(top)
        self.table = QTableWidget(0, 12)
        locale = babel_locale(current_language())
        self.table.setHorizontalHeaderLabels(
            [format_date(date(2000, m, 1), "MMM", locale=locale) for m in range(1, 13)]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._edited)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.import_button = QPushButton(_("Import a network's export…"))
        self.import_button.clicked.connect(lambda: self.import_file())
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        bottom.addWidget(self.import_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.rows: list[tuple[str, str]] = []  # (network, figure) of each table row
        self._filling = False
        self.reload()

    def _year_changed(self, year: int) -> None:
        self.year = year
        self.reload()

    def reload(self) -> None:
        ws = self.ws
        self.tasks.run(
            _("Reading the figures"), lambda ctx: ws.figures.all(), self._show, cancellable=False
        )

    def _show(self, figures: list[tuple[str, str, str, float, str]]) -> None:
        keys = sorted({(n, f) for n, f, _m, _v, _s in figures} | set(self.rows))
        self.rows = keys
        self._filling = True
        self.table.setRowCount(len(keys))
        self.table.setVerticalHeaderLabels(
            [f"{network_name(n)} — {_(FIGURE_LABELS.get(f, f))}" for n, f in keys]
        )
        values = {(n, f, m): v for n, f, m, v, _s in figures}
        for row, (network, figure) in enumerate(keys):
            for column in range(12):
                value = values.get((network, figure, f"{self.year}-{column + 1:02d}"))
                item = QTableWidgetItem("" if value is None else f"{value:g}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self._filling = False

    def add_row(self) -> None:
        index = self.network.findText(self.network.currentText())
        network = self.network.itemData(index) if index >= 0 else self.network.currentText()
        key = (str(network).strip().lower(), str(self.figure.currentData()))
        if key[0] and key not in self.rows:
            self.rows.append(key)
            self.reload()

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        network, figure = self.rows[item.row()]
        month_key = f"{self.year}-{item.column() + 1:02d}"
        text = item.text().strip().replace(" ", "").replace("\u202f", "").replace(",", ".")
        try:
            value = float(text) if text else None
        except ValueError:
            QMessageBox.warning(
                self, _("Monthly figures"), _("“{text}” is not a number.").format(text=item.text())
            )
            self.reload()
            return
        ws = self.ws
        self.tasks.run(
            _("Saving the figure"),
            lambda ctx: ws.figures.set(network, figure, month_key, value),
            self.changed.emit,
            self._failed,
            write=True,
            cancellable=False,
        )

    def import_file(self, path: Path | None = None, network: str | None = None) -> None:
        if path is None:
            name, _filter = QFileDialog.getOpenFileName(
                self, _("A network's statistics, exported as CSV"), "", "CSV (*.csv *.txt)"
            )
            if not name:
                return
            path = Path(name)
        if network is None:
            index = self.network.findText(self.network.currentText())
            network = str(
                self.network.itemData(index) if index >= 0 else self.network.currentText()
            )
        ws, chosen = self.ws, network

        def read(ctx: TaskContext) -> FigureImport:
            return ws.figures.read_export(path, chosen)

        self.tasks.run(
            _("Reading the export"),
            read,
            lambda found: self._confirm(path, found),
            self._failed,
            cancellable=False,
        )

    def _confirm(self, path: Path, found: FigureImport) -> None:
        lines = [
            f"{month_key}: " + ", ".join(f"{_(FIGURE_LABELS[f])} {v:g}" for f, v in values.items())
            for month_key, values in sorted(found.months.items())
        ]
        text = _("Read for {network}: {columns}.").format(
            network=network_name(found.network),
            columns=", ".join(f"{c} → {_(FIGURE_LABELS[f])}" for c, f in found.columns.items()),
        )
        if found.skipped_rows:
            text += " " + _("{count} rows without a date were left out.").format(
                count=found.skipped_rows
            )
        asked = QMessageBox.question(
            self, _("Import these figures?"), text + "\n\n" + "\n".join(lines[:24])
        )
        if asked != QMessageBox.StandardButton.Yes:
            return
        ws = self.ws

        def work(ctx: TaskContext) -> Changes:
            ws.figures.import_export(path, found.network)
            return Changes(settings=True)

        self.tasks.run(
            _("Importing the figures"),
            work,
            self._imported,
            self._failed,
            write=True,
            cancellable=False,
        )

    def _imported(self, changes: Changes) -> None:
        self.changed.emit(changes)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, CmdeskError) else str(exc)
        QMessageBox.warning(self, _("Monthly figures"), message)
