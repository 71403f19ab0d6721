"""The documents of a period: the client report (PDF or HTML, with the user's
recommendations and next period's plan, kept per period) and a team's feedback digest
(HTML, PDF, CSV or XLSX).

Both are made on the task pool with a busy bar and Cancel: a cancelled or failed
document leaves no file (it is written beside its destination and moved into place
only when complete), and the error is said in the dialog.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.errors import CmdeskError
from cmdesk.core.periods import Period
from cmdesk.i18n import N_, _
from cmdesk.share import digest, report
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.transfer import ask_save_path, documents, offer_to_open
from cmdesk.ui.tasks import Cancelled, TaskContext, TaskHandle, TaskManager
from cmdesk.ui.widgets.panel import error_text, hint_label
from cmdesk.ui.widgets.period_picker import PeriodPicker

FORMAT_LABELS = {
    "pdf": N_("PDF (to print or send)"),
    "html": N_("Web page (HTML)"),
    "csv": N_("CSV (the messages, for a spreadsheet)"),
    "xlsx": N_("Excel workbook (the messages)"),
}
FILE_FILTERS = {
    "pdf": N_("PDF documents (*.pdf)"),
    "html": N_("Web pages (*.html)"),
    "csv": N_("CSV files (*.csv)"),
    "xlsx": N_("Excel workbooks (*.xlsx)"),
}


def write_whole(target: Path, ctx: TaskContext, make: Callable[[Path], object]) -> Path:
    """`make(path)` writes a file; it is moved to `target` only if not cancelled meanwhile,
    so a cancel leaves nothing (and an older file of that name as it was)."""
    partial = target.with_name(f".{target.name}.making")
    try:
        make(partial)
        ctx.check()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


class DocumentDialog(QDialog):
    """What both documents' dialogs share: the period, the format, the busy bar, Cancel,
    and what to do with the file once written."""

    message = Signal(str)  # for the status bar
    formats: tuple[str, ...] = ()

    def __init__(
        self,
        ws: Workspace,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        period: str = "",
        templates: Path | None = None,
        interactive: bool = True,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.tasks = tasks
        self.templates = templates  # the user's own templates, for the documents that use them
        self.interactive = interactive
        self.handle: TaskHandle | None = None
        self.written: Path | None = None
        self.last_error = ""
        self.setMinimumWidth(560)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.picker = PeriodPicker()
        if period:
            self.picker.set_text(period)
        self.form.addRow(_("Period:"), self.picker)
        self.format = QComboBox()
        for fmt in self.formats:
            self.format.addItem(_(FORMAT_LABELS[fmt]), fmt)
        self.layout_.addLayout(self.form)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(12)
        self.busy.hide()
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.write_button = QPushButton()
        self.write_button.setDefault(True)
        self.write_button.clicked.connect(lambda: self.write())
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.buttons.addButton(self.write_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button.hide()  # shown while a document is being written
        self.buttons.rejected.connect(self.reject)
        tasks.task_ended.connect(self._task_ended)
        self.build()
        self.form.addRow(_("Format:"), self.format)
        self.layout_.addWidget(self.busy)
        self.layout_.addWidget(self.state)
        self.layout_.addWidget(self.buttons)

    def build(self) -> None:
        """The document's own title, words and fields."""

    # -- what each document says -----------------------------------------------------------

    def options(self) -> object:
        """What the worker needs from the dialog's fields, read on the GUI thread."""
        return None

    def make(self, ws: Workspace, period: Period, path: Path, fmt: str, options: object) -> None:
        raise NotImplementedError

    def file_name(self, period: Period, fmt: str) -> str:
        raise NotImplementedError

    def before_writing(self, then: Callable[[], None]) -> None:
        """What to save before the document is made (the report's notes)."""
        then()

    # -- writing ---------------------------------------------------------------------------

    def write(self, path: Path | None = None) -> None:
        if self.handle is not None:
            return
        fmt = str(self.format.currentData())
        try:
            period = self.picker.period(self.ws.profile().zone)
        except CmdeskError as exc:
            self._show_error(exc)
            return
        if path is None:
            proposed = documents() / self.file_name(period, fmt)
            path = ask_save_path(self, self.windowTitle(), proposed, {fmt: FILE_FILTERS[fmt]})
            if path is None:
                return
        target, ws, options, make = path, self.ws, self.options(), self.make

        def work(ctx: TaskContext) -> Path:
            ctx.check()
            return write_whole(target, ctx, lambda p: make(ws, period, p, fmt, options))

        def start() -> None:
            self.handle = self.tasks.run(self.windowTitle(), work, self._written, self._show_error)
            if self.handle.finished:  # run inline (tests): it has already ended
                self._ended()

        self.written = None
        self.state.setStyleSheet("")
        self.state.setText(_("Writing {file}…").format(file=target.name))
        self.busy.show()
        self.write_button.setEnabled(False)
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.before_writing(start)

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.cancel_button.setEnabled(False)
            self.state.setText(_("Stopping…"))

    def _task_ended(self, handle: TaskHandle) -> None:
        if handle is self.handle:
            self._ended()

    def _ended(self) -> None:
        handle, self.handle = self.handle, None
        self.busy.hide()
        self.cancel_button.hide()
        self.write_button.setEnabled(True)
        if handle is not None and handle.context.cancelled and self.written is None:
            self.state.setText(_("Stopped: nothing was written."))

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            return
        self.last_error = error_text(exc)
        self.state.setStyleSheet("color: #b3261e;")
        self.state.setText(_("Nothing was written: {error}").format(error=self.last_error))
        self.message.emit(self.state.text())
        self._ended_if_not_running()

    def _ended_if_not_running(self) -> None:
        if self.handle is None:
            self.busy.hide()
            self.cancel_button.hide()
            self.write_button.setEnabled(True)

    def _written(self, path: Path) -> None:
        self.written = path
        text = _("Written to {path}").format(path=path)
        self.state.setText(text)
        self.message.emit(text)
        if self.interactive:
            offer_to_open(self, self.windowTitle(), text, path, folder=False)

    def reject(self) -> None:
        self.cancel()
        super().reject()


class ReportDialog(DocumentDialog):
    formats = ("pdf", "html")

    def build(self) -> None:
        profile = self.ws.profile()
        self.setWindowTitle(_("Client report — {client}").format(client=profile.name))
        self.write_button.setText(_("Write the report…"))
        self.layout_.insertWidget(
            0,
            hint_label(
                _(
                    "The figures of the period against the period before, the charts, notable "
                    "mentions and messages and the posts published, in the client's language "
                    "({language}), with what you write below."
                ).format(language=profile.language.upper())
            ),
        )
        self.notes: dict[str, QPlainTextEdit] = {}
        for part, label, hint in (
            ("recommendations", _("Recommendations:"),
             _("What you advise the client, from what the period showed")),
            ("plan", _("Next period's plan:"), _("What you will do next period")),
        ):  # fmt: skip
            edit = QPlainTextEdit()
            edit.setPlaceholderText(hint)
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(90)
            self.notes[part] = edit
            self.form.addRow(label, edit)
        self.form.addRow("", hint_label(_("Kept with the period: write them once, any time.")))
        self._notes_period: Period | None = None
        self.loaded: dict[str, str] = {}
        self.picker.changed.connect(self._period_changed)
        self._period_changed()

    def _period(self) -> Period | None:
        try:
            return self.picker.period(self.ws.profile().zone)
        except Exception:
            return None

    def _period_changed(self) -> None:
        """The notes of the period chosen, after those of the previous one are kept."""
        self.save_notes()
        period = self._period()
        self._notes_period = period
        self.loaded = {}
        for part, edit in self.notes.items():
            text = (
                str(self.ws.get_setting(report.notes_key(period, part), "") or "")
                if period is not None
                else ""
            )
            self.loaded[part] = text
            edit.setPlainText(text)

    def save_notes(self, then: Callable[[], None] | None = None) -> None:
        period = self._notes_period
        typed = {part: edit.toPlainText().strip() for part, edit in self.notes.items()}
        changed = {
            part: text
            for part, text in typed.items()
            if period is not None and text != self.loaded.get(part, "").strip()
        }
        if not changed:
            if then is not None:
                then()
            return
        self.loaded.update(changed)
        ws = self.ws

        def work(ctx: TaskContext) -> Changes:
            assert period is not None
            with ws.atomic():
                for part, text in changed.items():
                    ws.set_setting(report.notes_key(period, part), text)
            return Changes(settings=True)

        self.tasks.run(
            _("Saving the report's notes"),
            work,
            (lambda _changes: then()) if then is not None else None,
            self._show_error,
            write=True,
            cancellable=False,
        )

    def before_writing(self, then: Callable[[], None]) -> None:
        self.save_notes(then)

    def options(self) -> object:
        return self.templates

    def make(self, ws: Workspace, period: Period, path: Path, fmt: str, options: object) -> None:
        templates = options if isinstance(options, Path) else None
        report.export(report.make(ws, period), path, fmt, template_dir=templates)

    def file_name(self, period: Period, fmt: str) -> str:
        return _("{client}-report-{period}.{extension}").format(
            client=self.ws.profile().slug, period=period.key(), extension=fmt
        )

    def done(self, result: int) -> None:
        self.save_notes()
        super().done(result)


class DigestDialog(DocumentDialog):
    formats = ("html", "pdf", "csv", "xlsx")

    def build(self) -> None:
        self.setWindowTitle(_("Team digest — {client}").format(client=self.ws.profile().name))
        self.write_button.setText(_("Write the digest…"))
        self.layout_.insertWidget(
            0,
            hint_label(
                _(
                    "What customers said that concerns a team, by type and subject against the "
                    "period before, with quotes and the issues raised again and again."
                )
            ),
        )
        self.team = QComboBox()
        self.team.addItem(_("Every team (all messages)"), None)
        for team in self.ws.teams.all():
            self.team.addItem(team.name, team.id)
        self.form.insertRow(0, _("Team:"), self.team)

    def options(self) -> object:
        return self.team.currentData()

    def make(self, ws: Workspace, period: Period, path: Path, fmt: str, options: object) -> None:
        team = next((t for t in ws.teams.all() if t.id == options), None)
        digest.export(digest.make(ws, period, team), path, fmt)

    def file_name(self, period: Period, fmt: str) -> str:
        team = self.team.currentText() if self.team.currentData() is not None else ""
        slug = "-".join(team.lower().split()) or _("all")
        return _("{client}-digest-{team}-{period}.{extension}").format(
            client=self.ws.profile().slug, team=slug, period=period.key(), extension=fmt
        )
