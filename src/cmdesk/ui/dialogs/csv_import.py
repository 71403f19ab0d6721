"""Import interactions from a CSV export, step by step, and all or nothing.

The steps: choose (or drop) the file; check how it was read and which column holds
which field, with the first rows shown as they will be imported; then every row is
checked off the GUI thread and, if any is broken, the user sees each problem and
chooses to import the good rows or nothing; the rows are written in one transaction
by the writer thread. Cancelling, at any moment, leaves the client as it was.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.csv_import import (
    CsvTable,
    ImportCancelled,
    ParsedRows,
    Progress,
    RowProblem,
    parse_rows,
    read_file,
)
from cmdesk.core.csv_read import number
from cmdesk.core.errors import CmdeskError
from cmdesk.i18n import _, ngettext
from cmdesk.store.interaction_import import (
    BrokenRows,
    ImportReport,
    duplicate_summary,
    import_rows,
)
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskContext, TaskManager
from cmdesk.ui.widgets.csv_pages import BrokenPage, ColumnsPage, DonePage, FilePage, ProgressPage

log = logging.getLogger(__name__)
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


def dropped_file(mime: QMimeData, suffixes: tuple[str, ...] = ()) -> Path | None:
    """The local file dragged in, if there is exactly one (and it ends with one of
    `suffixes`, when given)."""
    files = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []
    if len(files) != 1:
        return None
    path = Path(files[0])
    if suffixes and path.suffix.lower() not in suffixes:
        return None
    return path


@dataclass(frozen=True)
class Imported(Changes):
    """The import's Changes with its report: the task manager announces the change
    to every screen (it looks for a Changes result), the dialog shows the report."""

    report: ImportReport | None = None


class CsvImportDialog(QDialog):
    # From the worker threads: queued to the dialog, which lives in the GUI thread.
    progressed = Signal(int, int, str)
    imported = Signal(object)  # ImportReport, once written
    progress_page: ProgressPage
    import_button: QPushButton

    def __init__(
        self,
        ws: Workspace,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.tasks = tasks
        self.path: Path | None = None
        self.parsed: ParsedRows | None = None  # every row, once Import was pressed
        self.problems: list[RowProblem] = []  # those the broken rows' page shows
        self.report: ImportReport | None = None
        self.busy = False
        self.cancel_event = threading.Event()
        self._close_when_idle = False
        self.setWindowTitle(_("Import interactions from a CSV file"))
        self.setAcceptDrops(True)
        self.resize(1180, 720)
        self.progressed.connect(lambda d, t, s: self.progress_page.progress(d, t, s))
        layout = QVBoxLayout(self)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.file_page = FilePage()
        self.file_page.choose_requested.connect(self.choose_file)
        self.columns_page = ColumnsPage(ws.profile().zone)
        self.columns_page.choose_requested.connect(self.choose_file)
        self.columns_page.reread.connect(self._read)
        self.progress_page = ProgressPage()
        self.broken_page = BrokenPage()
        self.done_page = DonePage()
        for page in (
            self.file_page,
            self.columns_page,
            self.progress_page,
            self.broken_page,
            self.done_page,
        ):
            self.stack.addWidget(page)
        layout.addLayout(self._buttons())
        self.columns_page.ready.connect(self.import_button.setEnabled)
        self._show(self.file_page)
        if path is not None:
            self.open_file(path)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.back_button = QPushButton(_("Back to the columns"))
        self.back_button.clicked.connect(lambda: self._show(self.columns_page))
        row.addWidget(self.back_button)
        row.addStretch(1)
        self.skip_button = QPushButton()
        self.skip_button.clicked.connect(lambda: self._write(skip_broken=True))
        row.addWidget(self.skip_button)
        self.import_button = QPushButton(_("Import"))
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        row.addWidget(self.import_button)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self._cancel_clicked)
        row.addWidget(self.cancel_button)
        return row

    def _show(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        self.back_button.setVisible(page is self.broken_page)
        self.skip_button.setVisible(page is self.broken_page and self.good_rows() > 0)
        self.import_button.setVisible(page is self.columns_page)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(
            _("Close")
            if page is self.done_page
            else _("Cancel the import")
            if page is self.progress_page
            else _("Cancel")
        )
        default = {
            self.columns_page: self.import_button,
            self.broken_page: self.skip_button,
            self.done_page: self.cancel_button,
        }.get(page)
        for button in (self.import_button, self.skip_button, self.cancel_button):
            button.setDefault(button is default and button.isVisibleTo(self))

    # -- choosing and reading the file ----------------------------------------------------------

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Import a CSV file"),
            str(self.path.parent) if self.path else "",
            _("CSV files (*.csv *.tsv *.txt);;All files (*)"),
        )
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        self.path = Path(path)
        self.columns_page.forget()
        self._read()

    def _read(self) -> None:
        path = self.path
        if path is None:
            return
        reading = self.columns_page.reading
        encoding, delimiter = reading.encoding_value(), reading.delimiter_value()
        self.tasks.run(
            _("Reading the CSV file"),
            lambda ctx: read_file(path, encoding=encoding, delimiter=delimiter),
            self._table_read,
            self._read_failed,
            cancellable=False,
        )

    def _table_read(self, table: CsvTable) -> None:
        self.file_page.error.hide()
        self._show(self.columns_page)
        self.columns_page.show_table(table, self.path)

    def _read_failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, CmdeskError) else str(exc)
        if self.columns_page.mapped_header and self.stack.currentWidget() is self.columns_page:
            self.columns_page.show_read_error(message)  # the encoding or separator chosen
            return
        self.file_page.show_error(message)
        self._show(self.file_page)

    # -- checking every row, then writing -------------------------------------------------------

    def start_import(self) -> None:
        page = self.columns_page
        table = page.table
        if table is None or self.busy or not self.import_button.isEnabled():
            return
        mapping, zone = page.mapping.mapping(), page.zone
        order, channel = page.date_order(), page.reading.default_channel()
        self._begin(_("Checking every row of {file}").format(file=table.name))
        progress, cancel = self._relay(), self.cancel_event

        def work(ctx: TaskContext) -> ParsedRows:
            return parse_rows(
                table,
                mapping,
                zone,
                date_order=order,
                default_channel=channel,
                progress=progress(ctx),
                cancel=cancel,
            )

        self.tasks.run(_("Checking the CSV file"), work, self._checked, self._failed)

    def _checked(self, parsed: ParsedRows) -> None:
        self.parsed = parsed
        self._end()
        if self._close_when_idle:
            return
        if parsed.problems:
            self._show_broken(parsed.problems)
        else:
            self._write(skip_broken=False)

    def _write(self, *, skip_broken: bool) -> None:
        parsed, ws = self.parsed, self.ws
        if parsed is None or self.busy:
            return
        rows = len(parsed.candidates)
        self._begin(
            ngettext(
                "Importing {n} row from {file}", "Importing {n} rows from {file}", rows
            ).format(n=number(rows), file=parsed.table.name)
        )
        progress, cancel = self._relay(), self.cancel_event

        def work(ctx: TaskContext) -> Imported:
            report = import_rows(
                ws, parsed, skip_broken=skip_broken, progress=progress(ctx), cancel=cancel
            )
            changes = report.changes
            return Imported(
                interactions=changes.interactions,
                contacts=changes.contacts,
                activity=changes.activity,
                report=report,
            )

        self.tasks.run(_("Importing interactions"), work, self._imported, self._failed, write=True)

    def _relay(self) -> Callable[[TaskContext], Progress]:
        """The engine's progress callback, made in the task: to the status area and to
        this dialog; a cancel from the status area stops the import like ours."""
        cancel, emit = self.cancel_event, self.progressed.emit

        def make(ctx: TaskContext) -> Progress:
            def progress(done: int, total: int, text: str) -> None:
                ctx.progress(done, total, text)
                if ctx.cancelled:
                    cancel.set()
                emit(done, total, text)

            return progress

        return make

    def _begin(self, title: str) -> None:
        self.busy = True
        self.cancel_event.clear()
        self.progress_page.begin(title)
        self._show(self.progress_page)

    def _end(self) -> None:
        self.busy = False
        if self._close_when_idle:
            super().reject()

    def _imported(self, result: Imported) -> None:
        report = result.report
        assert report is not None
        self.report = report
        details = []
        if report.duplicates:
            details.append(
                _(
                    "Duplicates are rows already logged (the same link, or the same "
                    "author, text and minute) or repeated in the file: rows {rows}."
                ).format(rows=duplicate_summary(report.duplicate_rows))
            )
        if report.skipped_broken:
            details.append(
                ngettext(
                    "{n} broken row was left out, as you chose.",
                    "{n} broken rows were left out, as you chose.",
                    report.skipped_broken,
                ).format(n=number(report.skipped_broken))
            )
        if report.imported:
            details.append(_("The imported interactions are in the Interactions list."))
        self.done_page.say(report.summary(), "\n\n".join(details))
        self._show(self.done_page)
        self._end()
        self.imported.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self._end()
        if isinstance(exc, BrokenRows):  # an author matching several contacts
            self._show_broken(exc.problems)
            return
        if isinstance(exc, ImportCancelled):
            self.done_page.say(exc.message)
        else:
            if not isinstance(exc, CmdeskError):
                log.error("CSV import failed", exc_info=exc)
            reason = exc.message if isinstance(exc, CmdeskError) else str(exc)
            self.done_page.say(_("Nothing was imported."), reason)
        self._show(self.done_page)

    def _show_broken(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        good = self.good_rows()
        total = self.parsed.total_rows if self.parsed is not None else 0
        self.broken_page.show_problems(problems, total, good)
        self.skip_button.setText(
            ngettext(
                "Import {n} good row, skip the broken ones",
                "Import the {n} good rows, skip the broken ones",
                good,
            ).format(n=number(good))
        )
        self._show(self.broken_page)

    def good_rows(self) -> int:
        if self.parsed is None:
            return 0
        return self.parsed.total_rows - len({p.row for p in self.problems})

    # -- cancelling, closing, dropping -------------------------------------------------------------

    def cancel_import(self) -> None:
        """Stop the rows being checked or written: nothing is written, and the dialog
        says so when the task has let go."""
        if self.busy:
            self.cancel_event.set()
            self.cancel_button.setEnabled(False)
            self.progress_page.text.setText(_("Cancelling…"))

    def _cancel_clicked(self) -> None:
        if self.busy:
            self.cancel_import()
        else:
            self.reject()

    def reject(self) -> None:
        """Escape or the window's close button: while a task runs, cancel it and close
        once it has let go (a task must not outlive the dialog it reports to)."""
        if self.busy:
            self._close_when_idle = True
            self.cancel_import()
            return
        super().reject()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.busy and dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_file(event.mimeData())
        if path is not None and not self.busy:
            event.acceptProposedAction()
            self.open_file(path)
