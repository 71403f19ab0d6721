"""The pages of the CSV import dialog: the file, the columns and preview, the progress,
the broken rows, the summary.

The columns page owns the live preview: every change of a column, of the date order or
of the default channel parses the first rows again (a few milliseconds, on the GUI
thread, with no workspace). Reading the file and importing it are the dialog's, in
background tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.csv_dates import detect_order
from cmdesk.core.csv_import import (
    FIELD_LABELS,
    REQUIRED,
    CsvTable,
    ParsedRows,
    RowProblem,
    preview,
    propose_mapping,
)
from cmdesk.core.csv_read import number
from cmdesk.core.errors import CmdeskError
from cmdesk.i18n import _, ngettext
from cmdesk.ui.models.csv_preview import PreviewModel, ProblemsModel
from cmdesk.ui.widgets.csv_mapping import MappingForm, ReadingForm
from cmdesk.ui.widgets.lists import list_table

PREVIEW_ROWS = 20
_ERROR_STYLE = "color: #c0392b;"
_FITTED_ROWS = 200  # problem lines measured for wrapping; past this, one line each


def heading(text: str = "") -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def centred(page: QWidget) -> QVBoxLayout:
    """A column of two thirds of the page's width, for a few lines of text."""
    row = QHBoxLayout(page)
    inner = QWidget()
    row.addStretch(1)
    row.addWidget(inner, 4)
    row.addStretch(1)
    return QVBoxLayout(inner)


def problems_table(model: ProblemsModel) -> QTableView:
    table = list_table(model, several=False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)  # a reason is a sentence: whole, on two lines if need be
    header = table.horizontalHeader()
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    header.resizeSection(0, 70)
    header.resizeSection(1, 160)

    def fit() -> None:
        # Measuring every row costs time when all 50,000 rows of a file are broken.
        if model.rowCount() <= _FITTED_ROWS:
            table.resizeRowsToContents()

    model.modelReset.connect(fit)
    return table


class FilePage(QWidget):
    choose_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = centred(self)
        column.addStretch(1)
        column.addWidget(heading(_("Import interactions from a CSV file")))
        column.addWidget(
            wrapped(
                _(
                    "Export the comments, reviews or messages from the platform or from your "
                    "social media tool as a CSV file (or save your spreadsheet as CSV), then "
                    "drop the file here. Nothing is imported before you have checked the "
                    "columns and the first rows."
                )
            )
        )
        drop = QLabel(_("Drop the CSV file here"))
        drop.setObjectName("csv-drop-zone")
        drop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        drop.setMinimumHeight(160)
        drop.setStyleSheet(
            "QLabel#csv-drop-zone { border: 2px dashed palette(mid); border-radius: 8px; "
            "font-size: 15pt; }"
        )
        column.addWidget(drop)
        choose = QPushButton(_("Choose a file…"))
        choose.clicked.connect(self.choose_requested)
        column.addWidget(choose, 0, Qt.AlignmentFlag.AlignCenter)
        self.error = wrapped()
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.hide()
        column.addWidget(self.error)
        column.addStretch(2)

    def show_error(self, message: str) -> None:
        self.error.setText(_("This file cannot be imported: {reason}").format(reason=message))
        self.error.show()


class ColumnsPage(QWidget):
    """How the file was read, which column holds which field, and the first rows as
    they will be imported; `ready` says whether Import can be pressed."""

    reread = Signal()  # the user chose another encoding or separator
    choose_requested = Signal()
    ready = Signal(bool)

    def __init__(self, zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.table: CsvTable | None = None
        self.shown: ParsedRows | None = None
        self.mapped_header: tuple[str, ...] = ()  # the columns the mapping lists hold
        self._orders: dict[str, tuple[str, bool]] = {}  # date column -> detected order
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.file_label = heading()
        top.addWidget(self.file_label, 1)
        other = QPushButton(_("Choose another file…"))
        other.clicked.connect(self.choose_requested)
        top.addWidget(other, 0, Qt.AlignmentFlag.AlignTop)
        root.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._settings())
        splitter.addWidget(self._preview())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        root.addWidget(splitter, 1)
        self.status = wrapped()
        root.addWidget(self.status)

    def _settings(self) -> QScrollArea:
        panel = self.settings_panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 6, 0)
        reading_box = QGroupBox(_("Reading the file"))
        self.reading = ReadingForm()
        self.reading.reread.connect(self.reread)
        self.reading.changed.connect(self.refresh)
        QVBoxLayout(reading_box).addWidget(self.reading)
        column.addWidget(reading_box)
        mapping_box = QGroupBox(_("Columns"))
        inside = QVBoxLayout(mapping_box)
        inside.addWidget(wrapped(_("Which column of the file holds each field. * required.")))
        self.mapping = MappingForm()
        self.mapping.changed.connect(self.refresh)
        inside.addWidget(self.mapping)
        column.addWidget(mapping_box)
        column.addStretch(1)
        self.settings_scroll = QScrollArea()
        self.settings_scroll.setWidgetResizable(True)
        self.settings_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.settings_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.settings_scroll.setWidget(panel)
        return self.settings_scroll

    def _preview(self) -> QWidget:
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(6, 0, 0, 0)
        self.notes = wrapped()
        column.addWidget(self.notes)
        self.preview_title = wrapped()
        font = QFont(self.preview_title.font())
        font.setBold(True)
        self.preview_title.setFont(font)
        column.addWidget(self.preview_title)
        self.preview_model = PreviewModel(self)
        self.preview_table = list_table(self.preview_model, several=False)
        self.preview_table.setObjectName("csv-preview")
        self.preview_table.setShowGrid(True)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        column.addWidget(self.preview_table, 3)
        self.problems_title = wrapped()
        column.addWidget(self.problems_title)
        self.problems_model = ProblemsModel(self)
        self.problems_table = problems_table(self.problems_model)
        column.addWidget(self.problems_table, 1)
        return right

    # -- the file ------------------------------------------------------------------------------

    def show_table(self, table: CsvTable, path: Path | None) -> None:
        # Read again with another encoding, the same columns keep the user's choices.
        same = self.mapped_header == table.header
        mapping = self.mapping.mapping() if same else propose_mapping(table)
        self.table = table
        self.mapped_header = table.header
        self._orders = {}
        self.file_label.setText(table.name)
        self.file_label.setToolTip(str(path or ""))
        self.reading.show_table(table)
        self.mapping.set_table(table, mapping)
        self.refresh()
        # Once the lists have taken their new entries' size (next pass of the loop).
        QTimer.singleShot(0, self, self._fit_settings)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self._fit_settings)  # the style's margins, once shown

    def _fit_settings(self) -> None:
        # As wide as the longest entry in this language: never clipped.
        bar = self.settings_scroll.verticalScrollBar().sizeHint().width()
        self.settings_scroll.setMinimumWidth(self.settings_panel.sizeHint().width() + bar + 4)

    def show_read_error(self, message: str) -> None:
        """An encoding or separator the file is not in: say it, and show no row as if
        it were good."""
        self.table = None
        self._clear()
        self._say(_("The file cannot be read this way: {reason}").format(reason=message), True)

    def forget(self) -> None:
        """Another file: its own proposal, its own detection."""
        self.mapped_header = ()
        self.reading.reset()

    # -- the preview ---------------------------------------------------------------------------

    def date_order(self) -> str:
        """The order the file's dates suggest (read once per date column), unless the
        user chose one."""
        table, column = self.table, self.mapping.mapping().get("date")
        if table is not None and column:
            if column not in self._orders:
                at = table.header.index(column)
                self._orders[column] = detect_order(
                    cells[at] for _row, cells in table.rows if at < len(cells)
                )
            self.reading.show_detected_order(*self._orders[column])
        return self.reading.date_order()

    def refresh(self) -> None:
        table = self.table
        if table is None:
            return
        self.shown = None
        missing = self.mapping.missing()
        if missing:
            self._clear()
            names = ", ".join(_(FIELD_LABELS[name]) for name in REQUIRED if name in missing)
            self._say(_("Choose which column holds: {fields}.").format(fields=names), True)
            return
        try:
            shown = preview(
                table,
                self.mapping.mapping(),
                self.zone,
                rows=PREVIEW_ROWS,
                date_order=self.date_order(),
                default_channel=self.reading.default_channel(),
            )
        except CmdeskError as exc:
            self._clear()
            self._say(exc.message, True)
            return
        self.shown = shown
        self.notes.setText("\n".join(shown.notes))
        self._show_rows(shown)
        if not shown.total_rows:
            self._say(_("The file has column names but no rows."), True)
            return
        self._say(
            ngettext("The file has {n} row.", "The file has {n} rows.", shown.total_rows).format(
                n=number(shown.total_rows)
            )
            + " "
            + _(
                "Every row is checked when you press Import: if one is broken, you see why, "
                "and nothing is imported unless you choose to leave it out."
            )
        )
        self.ready.emit(True)

    def _show_rows(self, shown: ParsedRows) -> None:
        self.preview_title.setText(_("The first rows as they will be imported"))
        self.preview_model.show(shown, self.zone, PREVIEW_ROWS)
        self.preview_table.resizeColumnsToContents()
        header = self.preview_table.horizontalHeader()
        for index, key in enumerate(self.preview_model.columns):
            if key in ("text", "link"):
                header.resizeSection(index, min(header.sectionSize(index), 360))
        self.problems_model.show(shown.problems)
        broken = len(shown.broken_rows)
        self.problems_title.setText(
            ngettext(
                "{n} of these rows cannot be imported:",
                "{n} of these rows cannot be imported:",
                broken,
            ).format(n=broken)
            if broken
            else _("No problem in these rows.")
        )
        self.problems_table.setVisible(bool(broken))

    def _clear(self) -> None:
        self.preview_model.show(None, self.zone, 0)
        self.problems_model.show([])
        self.preview_title.setText("")
        self.problems_title.setText("")
        self.notes.setText("")

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(_ERROR_STYLE if error else "")
        if error:
            self.ready.emit(False)


class _Message(QWidget):
    """A heading and a few lines of text in a centred column; `more` adds below them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = centred(self)
        column.addStretch(1)
        self.title = heading()
        column.addWidget(self.title)
        self.text = wrapped()
        column.addWidget(self.text)
        self.more(column)
        column.addStretch(2)

    def more(self, column: QVBoxLayout) -> None:
        pass


class ProgressPage(_Message):
    def more(self, column: QVBoxLayout) -> None:
        self.bar = QProgressBar()
        column.addWidget(self.bar)
        column.addWidget(
            wrapped(
                _(
                    "Nothing is written before every row has been checked; cancelling "
                    "leaves the client exactly as it was."
                )
            )
        )

    def begin(self, title: str) -> None:
        self.title.setText(title)
        self.text.setText("")
        self.bar.setRange(0, 0)  # busy until the first report

    def progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        self.text.setText(
            ngettext("{step} {done} of {total} row", "{step} {done} of {total} rows", total).format(
                step=text, done=number(done), total=number(total)
            )
        )


class BrokenPage(QWidget):
    """Every problem of the file, and why nothing was imported."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        self.title = heading()
        column.addWidget(self.title)
        self.text = wrapped()
        column.addWidget(self.text)
        self.model = ProblemsModel(self)
        self.table = problems_table(self.model)
        column.addWidget(self.table, 1)

    def show_problems(self, problems: Sequence[RowProblem], total: int, good: int) -> None:
        broken = len({p.row for p in problems})
        self.title.setText(
            ngettext(
                "{n} row of {total} cannot be imported.",
                "{n} rows of {total} cannot be imported.",
                broken,
            ).format(n=number(broken), total=number(total))
        )
        self.text.setText(
            _(
                "Nothing has been imported. Correct the file and import it again, or import "
                "the other rows now and leave these out. Rows are numbered as a spreadsheet "
                "shows them (the column names are row 1)."
            )
            if good
            else _("Nothing has been imported: no row of the file can be imported as it is.")
        )
        self.model.show(problems)


class DonePage(_Message):
    def more(self, column: QVBoxLayout) -> None:
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def say(self, title: str, text: str = "") -> None:
        self.title.setText(title)
        self.text.setText(text)
