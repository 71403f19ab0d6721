"""The client playbook: its written sections in Markdown with a live preview, and its
export to HTML or PDF for the client's staff.

Typing is saved a moment after it pauses (and at once with Ctrl+S or when another
section is chosen), through the writer thread. The preview uses the export's renderer,
so what is seen is what the staff will read; nothing is loaded from the network. The
export reads the workspace and writes the file on the task pool; the escalation matrix,
the targets and the teams come from the workspace itself.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.playbook import SECTION_LABELS, SECTIONS
from cmdesk.i18n import N_, _
from cmdesk.share.playbook import export
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.panel import WorkspacePanel, hint_label, shortcut
from cmdesk.ui.widgets.reader import Reader
from cmdesk.ui.widgets.tone_panel import preview_html

AUTOSAVE_MS = 1500
PLACEHOLDERS = {
    "tone": N_(
        "How does the client speak? Formal or friendly, how to sign, words to use and to "
        "avoid, emoji or not…"
    ),
    "do_dont": N_("What to do, and what to avoid: two lists, or a table."),
    "faq": N_("### A question customers ask\nThe answer to give…"),
    "crisis": N_("1. Who to warn first, and how fast\n2. What to answer in public meanwhile…"),
    "contacts": N_("- Name, role: phone, e-mail"),
}
FORMAT_FILTERS = {"html": N_("Web pages (*.html)"), "pdf": N_("PDF documents (*.pdf)")}


class PlaybookView(WorkspacePanel):
    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(tasks, parent, interactive=interactive)
        self.setObjectName("view-playbook")
        self.saved: dict[str, str] = dict.fromkeys(SECTIONS, "")
        self.drafts: dict[str, str] = dict(self.saved)
        self.exported: Path | None = None
        self._loading = False
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(150)
        self._preview_timer.timeout.connect(self._preview)
        layout = QVBoxLayout(self)
        title = QLabel(_("Playbook"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        layout.addWidget(
            hint_label(
                _(
                    "How to speak for the client and whom to call: the document to hand to "
                    "the client's staff. The escalation matrix, the response-time targets and "
                    "the teams' contacts are added from the workspace when it is exported."
                )
            )
        )
        layout.addLayout(self._toolbar())
        layout.addWidget(self._body(), 1)
        shortcut(self, QKeySequence.StandardKey.Save, self.save)
        shortcut(self, "Ctrl+E", lambda: self.export("pdf"))
        shortcut(self, "Ctrl+Shift+E", lambda: self.export("html"))
        shortcut(self.sections, "Return", self.editor.setFocus)
        self.reload()

    # -- building ------------------------------------------------------------------------------

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.save_button = QPushButton(_("Save"))
        self.save_button.setToolTip(_("Ctrl+S (typing is also saved when it pauses)"))
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        self.state = QLabel()
        self.state.setEnabled(False)
        row.addWidget(self.state)
        row.addStretch(1)
        self.html_button = QPushButton(_("Export HTML…"))
        self.html_button.setToolTip(_("Ctrl+Shift+E: one web page, logo and styles inside"))
        self.html_button.clicked.connect(lambda: self.export("html"))
        self.pdf_button = QPushButton(_("Export PDF…"))
        self.pdf_button.setToolTip(_("Ctrl+E"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        row.addWidget(self.html_button)
        row.addWidget(self.pdf_button)
        return row

    def _body(self) -> QSplitter:
        split = QSplitter()
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        self.sections = QListWidget()
        self.sections.setStyleSheet("QListWidget::item { padding: 6px 8px; }")
        for key in SECTIONS:
            self.sections.addItem(_(SECTION_LABELS[key]))
        self.sections.currentRowChanged.connect(self._section_chosen)
        column.addWidget(self.sections, 1)
        split.addWidget(left)
        middle = QWidget()
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        self.editor = QPlainTextEdit()
        self.editor.textChanged.connect(self._edited)
        column.addWidget(self.editor, 1)
        column.addWidget(
            hint_label(
                _(
                    "Markdown: **bold**, *italic*, - a list, 1. numbered, ### a heading, "
                    "| a | table |."
                )
            )
        )
        split.addWidget(middle)
        self.preview = Reader()
        split.addWidget(self.preview)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 3)
        split.setSizes([200, 460, 460])
        return split

    # -- loading and showing -------------------------------------------------------------------

    def wants(self, changes: Changes) -> bool:
        return changes.playbook

    def set_workspace(self, ws: Workspace | None) -> None:
        self._autosave.stop()
        self.drafts = dict.fromkeys(SECTIONS, "")  # the previous client's typing is not kept
        self.saved = dict(self.drafts)
        super().set_workspace(ws)

    def reload(self) -> None:
        ws = self.ws
        stored = ws.playbook.sections() if ws is not None else dict.fromkeys(SECTIONS, "")
        # Keep what is being typed: a save coming back must not undo the keystrokes since.
        unsaved = {k: v for k, v in self.drafts.items() if v != self.saved[k]}
        self.saved = stored
        self.drafts = {**stored, **unsaved}
        for widget in (self.sections, self.editor, self.html_button, self.pdf_button):
            widget.setEnabled(ws is not None)
        if self.sections.currentRow() < 0:
            self.sections.setCurrentRow(0)
        else:
            self._show_section()
        self._mark()

    def current_key(self) -> str:
        return SECTIONS[max(0, self.sections.currentRow())]

    def _section_chosen(self, _row: int) -> None:
        if self.dirty():
            self.save()
        self._show_section()

    def _show_section(self) -> None:
        key = self.current_key()
        self._loading = True
        if self.editor.toPlainText() != self.drafts[key]:
            self.editor.setPlainText(self.drafts[key])
        self._loading = False
        self.editor.setPlaceholderText(_(PLACEHOLDERS[key]))
        self._preview()

    def _edited(self) -> None:
        if self._loading:
            return
        self.drafts[self.current_key()] = self.editor.toPlainText()
        self._mark()
        self._preview_timer.start()
        if self.ws is not None:
            self._autosave.start()

    def _preview(self) -> None:
        key = self.current_key()
        text = self.drafts[key]
        bar = self.preview.verticalScrollBar()
        position = bar.value()
        heading = f"<h2>{html.escape(_(SECTION_LABELS[key]))}</h2>"
        if text.strip():
            self.preview.setHtml(heading + preview_html(text, 2))
        else:
            empty = _("Not written yet: this section is left out of the exported playbook.")
            self.preview.setHtml(f"{heading}<p><i>{html.escape(empty)}</i></p>")
        bar.setValue(position)  # typing at the end of a long section keeps it in view

    def dirty(self) -> dict[str, str]:
        """The sections typed and not saved yet."""
        return {k: v for k, v in self.drafts.items() if v.strip() != self.saved[k].strip()}

    def _mark(self) -> None:
        dirty = self.dirty()
        for row, key in enumerate(SECTIONS):
            item = self.sections.item(row)
            label = _(SECTION_LABELS[key])
            item.setText(f"{label} •" if key in dirty else label)
            item.setForeground(
                self.palette().text() if self.drafts[key].strip() else self.palette().mid()
            )
        if self.ws is None:
            self.state.setText("")
        else:
            self.state.setText(_("Unsaved changes…") if dirty else _("All changes saved."))
        self.save_button.setEnabled(bool(dirty))

    # -- saving --------------------------------------------------------------------------------

    def save(self) -> None:
        self._autosave.stop()
        dirty = self.dirty()
        if self.ws is None or not dirty:
            return

        def work(ws: Workspace) -> Changes:
            changes = Changes()
            with ws.atomic():  # every section typed, or none
                for key, body in dirty.items():
                    changes |= ws.playbook.set(key, body)
            return changes

        self.write(_("Saving the playbook"), work, _("The playbook could not be saved"))

    def flush(self) -> None:
        """Save what is typed right now, on this thread: before the client is closed, when
        the writer thread would run too late."""
        self._autosave.stop()
        ws = self.ws
        if ws is None:
            return
        for key, body in self.dirty().items():
            ws.playbook.set(key, body)
            self.saved[key] = ws.playbook.get(key)
        self._mark()

    # -- exporting -----------------------------------------------------------------------------

    def export(self, fmt: str, path: Path | None = None) -> None:
        """Export to `path`, asked for with a file dialog when not given; what is typed is
        exported even before it is saved."""
        ws = self.ws
        if ws is None:
            return
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                _("Export the playbook"),
                str(self.default_path(fmt)),
                _(FORMAT_FILTERS[fmt]),
            )
            if not chosen:
                return
            path = Path(chosen)
            if path.suffix.lower() != f".{fmt}":
                path = path.with_name(f"{path.name}.{fmt}")
        drafts = dict(self.drafts)
        target = path

        def work(w: Workspace) -> Path:
            doc = w.playbook.document()
            return export(replace(doc, sections={**doc.sections, **drafts}), target, fmt)

        self.state.setText(_("Exporting…"))
        self.read(_("Exporting the playbook"), work, self._exported, _("Nothing was exported"))

    def failed(self, title: str) -> Callable[[BaseException], None]:
        show = super().failed(title)

        def shown(exc: BaseException) -> None:
            self._mark()  # no "Exporting…" left behind
            show(exc)

        return shown

    def default_path(self, fmt: str) -> Path:
        """Where the file dialog proposes to write the export: the documents folder."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        slug = self.ws.profile().slug if self.ws is not None else "cmdesk"
        # As a file name: no spaces, so it survives being mailed or uploaded.
        name = _("{client}-playbook.{extension}").format(client=slug, extension=fmt)
        return Path(folder) / name

    def _exported(self, path: Path) -> None:
        self.exported = path
        self._mark()
        self.message.emit(_("Playbook exported to {path}").format(path=path))
        if not self.interactive:
            return
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("Playbook exported"),
            _("The playbook was written to {path}").format(path=path),
            QMessageBox.StandardButton.Close,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        folder = box.addButton(_("Open the folder"), QMessageBox.ButtonRole.ActionRole)
        box.exec()
        if box.clickedButton() is folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
