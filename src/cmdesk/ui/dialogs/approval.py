"""Client approval in the app: make an approval pack, record the client's answer.

Three windows, each usable alone (the posts view and the main window call the functions
at the bottom):
- PackDialog: which posts in review go to the client, HTML (to answer in) or PDF (to read
  or print), and where to save it;
- DecisionsDialog: the client's answer from a file or pasted from an e-mail, checked and
  shown post by post (what will change, what is flagged and why) before anything is
  recorded; importing the same answer again says that nothing changes;
- DecideDialog: a decision the client gave by phone or in a meeting.
The pack and the import each take well under a second for a month of posts, so they run
here rather than on the task pool; every write is one workspace transaction.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.approval import FILE_SUFFIX, ImportReport, Outcome, Verdict, parse_decisions
from cmdesk.core.changes import Changes
from cmdesk.core.errors import CmdeskError
from cmdesk.core.publication import channel_name
from cmdesk.i18n import LANGUAGES, _, format_when
from cmdesk.share.approval import export_pack, read_decisions_file
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskManager

_MARKS = {
    Outcome.APPLY: "✔",
    Outcome.ALREADY: "=",
    Outcome.CHANGED: "⚠",
    Outcome.MOVED: "⚠",
    Outcome.MISSING: "⚠",
}


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    return label


def _either(
    parent: QWidget, layout: QVBoxLayout, first: str, second: str
) -> tuple[QRadioButton, QRadioButton]:
    """Two choices side by side, the first one chosen."""
    row = QHBoxLayout()
    group = QButtonGroup(parent)
    buttons = QRadioButton(first), QRadioButton(second)
    for button in buttons:
        group.addButton(button)
        row.addWidget(button)
    buttons[0].setChecked(True)
    row.addStretch()
    layout.addLayout(row)
    return buttons


class PackDialog(QDialog):
    """The posts in review, all ticked; the format; Save."""

    def __init__(
        self, ws: Workspace, parent: QWidget | None = None, tasks: TaskManager | None = None
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.tasks = tasks
        self.saved: Path | None = None
        profile = ws.profile()
        self.setWindowTitle(_("Approval pack for {client}").format(client=profile.name))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "The client reads the posts below in one file, in {language}, and answers "
                "post by post. Send the HTML file to get an answer you can import; the PDF "
                "is for reading or printing."
            ).format(language=LANGUAGES.get(profile.language, profile.language))
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.posts = QListWidget()
        zone = profile.zone
        for post in ws.approval.waiting():
            when = format_when(post.scheduled_at, zone) if post.scheduled_at else _("no date")
            channels = ", ".join(channel_name(c) for c in post.channels) or "-"
            first = (post.title or post.text).replace("\n", " ")[:70]
            item = QListWidgetItem(f"{when} · {channels} · {first}")
            item.setData(Qt.ItemDataRole.UserRole, post.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.posts.addItem(item)
        layout.addWidget(self.posts)
        if not self.posts.count():
            layout.addWidget(QLabel(_("No post is in review: put posts “In review” first.")))
        self.html, self.pdf = _either(
            self, layout, _("HTML: the client answers in it"), _("PDF: to read or print")
        )
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton(
            _("Save the pack…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setEnabled(self.posts.count() > 0)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> list[int]:
        items = (self.posts.item(i) for i in range(self.posts.count()))
        return [
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def fmt(self) -> str:
        return "pdf" if self.pdf.isChecked() else "html"

    def save(self, path: Path | None = None) -> None:
        ids = self.chosen()
        if not ids:
            self.error.setText(_("Tick at least one post."))
            return
        fmt = self.fmt()
        if path is None:
            name = _("approval-pack-{client}.{ext}").format(client=self.ws.profile().slug, ext=fmt)
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                _("Save the approval pack"),
                str(Path.home() / name),
                f"{fmt.upper()} (*.{fmt})",
            )
            if not chosen:
                return
            path = Path(chosen)
        if self.tasks is None:
            try:
                export_pack(self.ws, path, fmt, ids)
            except CmdeskError as exc:
                self.error.setText(exc.message)
                return
            self._saved(path)
            return
        # A PDF of twenty posts with photos takes most of a second: off the GUI thread.
        ws, target = self.ws, path
        self.save_button.setEnabled(False)
        self.error.setText(_("Writing the pack…"))

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.error.setText(exc.message if isinstance(exc, CmdeskError) else str(exc))

        self.tasks.run(
            _("Writing the approval pack"),
            lambda ctx: export_pack(ws, target, fmt, ids),
            lambda _result: self._saved(target),
            failed,
            write=True,  # the activity log says which posts went into which pack
            cancellable=False,
        )

    def _saved(self, path: Path) -> None:
        self.saved = path
        self.accept()


class DecisionsDialog(QDialog):
    """The client's answer: read, checked, shown, then recorded on request."""

    changed = Signal(object)  # Changes, once decisions were recorded

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.report: ImportReport | None = None
        self.setWindowTitle(_("Import the client’s decisions"))
        self.setMinimumSize(620, 480)
        layout = QVBoxLayout(self)
        hint = QLabel(
            _(
                "Open the file the client sent ({suffix}), or paste the e-mail holding "
                "their answer: nothing is recorded before you confirm."
            ).format(suffix=FILE_SUFFIX)
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        row = QHBoxLayout()
        self.open_button = QPushButton(_("Open a file…"))
        self.open_button.clicked.connect(lambda: self.open_file())
        self.check_button = QPushButton(_("Check the pasted text"))
        self.check_button.clicked.connect(self.check_text)
        row.addWidget(self.open_button)
        row.addWidget(self.check_button)
        row.addStretch()
        layout.addLayout(row)
        self.paste = QPlainTextEdit()
        self.paste.setPlaceholderText(_("-----BEGIN CMDESK DECISIONS----- … pasted here"))
        self.paste.setMaximumHeight(110)
        layout.addWidget(self.paste)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.error = _error_label()
        layout.addWidget(self.error)
        self.outcomes = QListWidget()
        self.outcomes.setWordWrap(True)
        layout.addWidget(self.outcomes, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.apply_button = buttons.addButton(
            _("Record the decisions"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def open_file(self, path: Path | None = None) -> None:
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self, _("The client’s decisions"), str(Path.home()),
                _("Decisions ({pattern});;All files (*)").format(
                    pattern=f"*{FILE_SUFFIX} *.json *.txt"
                ),
            )  # fmt: skip
            if not chosen:
                return
            path = Path(chosen)
        self._check(lambda: read_decisions_file(path))

    def check_text(self) -> None:
        text = self.paste.toPlainText()
        self._check(lambda: parse_decisions(text))

    def _check(self, read) -> None:
        self.report = None
        self.outcomes.clear()
        self.summary.clear()
        self.apply_button.setEnabled(False)
        try:
            report = self.ws.approval.preview(read())
        except CmdeskError as exc:
            self.error.setText(exc.message)
            return
        self.error.clear()
        self._show(report)

    def _show(self, report: ImportReport) -> None:
        self.report = report
        self.summary.setText(report.summary())
        self.outcomes.clear()
        for o in report.outcomes:
            text = f"{_MARKS[o.outcome]}  {o.message}"
            if o.title:
                text += f"\n     {o.title}"
            if o.decision.comment:
                text += "\n     " + _("Comment: {text}").format(text=o.decision.comment)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, o.outcome.value)
            self.outcomes.addItem(item)
        self.apply_button.setEnabled(not report.applied and not report.nothing_to_do)

    def apply(self) -> None:
        if self.report is None:
            return
        try:
            report = self.ws.approval.apply(self.report.decisions)
        except CmdeskError as exc:
            self.error.setText(exc.message)
            return
        self._show(report)
        if not report.nothing_to_do:
            self.changed.emit(Changes(posts=True, activity=True))


class DecideDialog(QDialog):
    """A decision the client gave another way: who, what, how, and their words."""

    def __init__(self, ws: Workspace, post_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.post_id = post_id
        self.recorded = False
        post = ws.posts.get(post_id)
        self.setWindowTitle(_("Record the client’s decision"))
        layout = QVBoxLayout(self)
        title = QLabel((post.title or post.text).replace("\n", " ")[:120])
        title.setWordWrap(True)
        layout.addWidget(title)
        self.approve, self.changes = _either(self, layout, _("Approved"), _("Changes requested"))
        self.reviewer = QLineEdit()
        self.reviewer.setPlaceholderText(_("Who decided, at the client"))
        self.how = QLineEdit(_("by phone"))
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText(_("What the client said (recorded on the post)"))
        for widget in (self.reviewer, self.how, self.comment):
            layout.addWidget(widget)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(_("Record"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.record)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def record(self) -> None:
        verdict = Verdict.APPROVED if self.approve.isChecked() else Verdict.CHANGES
        try:
            self.ws.approval.record(
                self.post_id, verdict, self.reviewer.text(),
                comment=self.comment.toPlainText(), how=self.how.text(),
            )  # fmt: skip
        except CmdeskError as exc:
            self.error.setText(exc.message)
            return
        self.recorded = True
        self.accept()


# -- what the posts view and the main window call -------------------------------------------------


def export_approval_pack(
    parent: QWidget | None, ws: Workspace, tasks: TaskManager | None = None
) -> Path | None:
    """Ask which posts and which format, write the pack (on `tasks`' writer thread when
    given); the path written, or None."""
    dialog = PackDialog(ws, parent, tasks)
    dialog.exec()
    return dialog.saved


def import_decisions(parent: QWidget | None, ws: Workspace) -> Changes:
    """Read, show and record the client's answer; what changed (empty if nothing)."""
    dialog = DecisionsDialog(ws, parent)
    changes: list[Changes] = []
    dialog.changed.connect(changes.append)
    dialog.exec()
    return Changes(posts=True, activity=True) if changes else Changes()


def record_decision(parent: QWidget | None, ws: Workspace, post_id: int) -> Changes:
    """Record a decision the client gave by phone or in a meeting."""
    dialog = DecideDialog(ws, post_id, parent)
    dialog.exec()
    return Changes(posts=True) if dialog.recorded else Changes()
