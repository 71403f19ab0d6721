"""Contacts: the community members, their handles, tags and notes, the timeline of what
they said, and their personal-data rights (export, erase) and duplicates (merge).

Writes are tasks on the writer thread whose Changes come back through `on_changes`
(house rule 4); the export runs on the pool, it only reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.interactions import (
    CHANNEL_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    Contact,
)
from cmdesk.i18n import N_, _, format_when, ngettext
from cmdesk.store import inbox
from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.erase_contact import EraseDialog
from cmdesk.ui.models.contacts import ContactListModel, handles_text
from cmdesk.ui.models.interactions import first_line
from cmdesk.ui.tasks import TaskContext, TaskManager
from cmdesk.ui.views.empty import bold
from cmdesk.ui.widgets.feedback import EmptyState, failure_reporter, run_write
from cmdesk.ui.widgets.fields import choice_box
from cmdesk.ui.widgets.lists import list_table, search_bar

TIMELINE_LIMIT = 200
# The tags the issue names for community members (core.interactions.CONTACT_TAGS), offered
# in the user's language: tags are free text, stored as chosen.
TAG_SUGGESTIONS = (
    N_("customer"),
    N_("influencer"),
    N_("journalist"),
    N_("employee"),
    N_("ambassador"),
    N_("detractor"),
)


class ContactsView(QWidget):
    message = Signal(str)
    interaction_requested = Signal(int)  # show an interaction in the inbox
    capture_requested = Signal()

    def __init__(
        self,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        interactive: bool = True,
        backups_dir: Callable[[Path], Path] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("view-contacts")
        self.tasks = tasks
        self.interactive = interactive
        self.backups_dir = backups_dir  # where this workspace's backups are, for the erase box
        self.last_error = ""
        self.ws: Workspace | None = None
        self.current: Contact | None = None
        self.model = ContactListModel(self)
        self._build()
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        root, bar, self.search = search_bar(
            self, _("Search contacts (Ctrl+F): name, handle, e-mail, tag")
        )
        self.search.textChanged.connect(self._apply_filter)
        self.tag_filter = QComboBox()
        self.tag_filter.currentIndexChanged.connect(self._apply_filter)
        bar.addWidget(self.tag_filter)
        self.count_label = QLabel()
        bar.addWidget(self.count_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list_stack = QStackedWidget()
        self.table = list_table(self.model, several=False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 150)
        header.resizeSection(2, 120)
        header.resizeSection(3, self.table.fontMetrics().horizontalAdvance(_("Interactions")) + 16)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.list_stack.addWidget(self.table)
        self.empty = EmptyState(_("Log an interaction…"), self.capture_requested.emit)
        self.list_stack.addWidget(self.empty)
        splitter.addWidget(self.list_stack)
        splitter.addWidget(self._detail())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([460, 640])
        root.addWidget(splitter, 1)

    def _detail(self) -> QWidget:
        pane = QWidget()
        self.pane = pane
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(12, 8, 12, 8)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = bold(self.title)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.meta = QLabel()
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setWordWrap(True)
        layout.addWidget(self.meta)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit()
        self.email = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(54)
        self.notes.setTabChangesFocus(True)
        self.consent = QPlainTextEdit()
        self.consent.setFixedHeight(40)
        self.consent.setTabChangesFocus(True)
        self.consent.setPlaceholderText(_("What they agreed to, when (e.g. quoted in a post)"))
        form.addRow(_("Name"), self.name)
        form.addRow(_("E-mail"), self.email)
        form.addRow(_("Notes"), self.notes)
        form.addRow(_("Consent"), self.consent)
        handles_row = QHBoxLayout()
        self.handles = QLabel()
        self.handles.setTextFormat(Qt.TextFormat.PlainText)
        self.handles.setWordWrap(True)
        handles_row.addWidget(self.handles, 1)
        self.handle_network = choice_box(CHANNEL_LABELS)
        self.handle_edit = QLineEdit()
        self.handle_edit.setPlaceholderText(_("@handle"))
        self.handle_edit.returnPressed.connect(self.add_handle)
        handles_row.addWidget(self.handle_network)
        handles_row.addWidget(self.handle_edit)
        form.addRow(_("Handles"), handles_row)
        tags_row = QHBoxLayout()
        self.tags = QLabel()
        self.tags.setTextFormat(Qt.TextFormat.PlainText)
        self.tags.setWordWrap(True)
        tags_row.addWidget(self.tags, 1)
        self.tag_edit = QComboBox()
        self.tag_edit.setEditable(True)
        self.tag_edit.setMinimumWidth(180)
        tag_line = self.tag_edit.lineEdit()
        assert tag_line is not None
        tag_line.setPlaceholderText(_("add a tag"))
        tag_line.returnPressed.connect(self.add_tag)
        tags_row.addWidget(self.tag_edit)
        self.remove_tag_button = QPushButton(_("Remove a tag…"))
        self.remove_tag_button.clicked.connect(self.remove_tag)
        tags_row.addWidget(self.remove_tag_button)
        form.addRow(_("Tags"), tags_row)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Save (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, pane, self.save).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.merge_button = QPushButton(_("Merge a duplicate…"))
        self.merge_button.setToolTip(_("Fold another contact, the same person, into this one"))
        self.merge_button.clicked.connect(lambda: self.merge())
        self.export_button = QPushButton(_("Export the data…"))
        self.export_button.setToolTip(_("Everything stored about this person, as a JSON file"))
        self.export_button.clicked.connect(lambda: self.export())
        self.erase_button = QPushButton(_("Erase…"))
        self.erase_button.setToolTip(_("Erase this person's personal data on their request"))
        self.erase_button.clicked.connect(self.erase)
        for button in (self.save_button, self.merge_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.erase_button)
        layout.addLayout(buttons)
        heading = QLabel(_("Timeline"))
        heading.setFont(bold(heading))
        layout.addWidget(heading)
        self.timeline = QListWidget()
        self.timeline.setWordWrap(True)
        self.timeline.setSpacing(4)
        self.timeline.itemActivated.connect(self._timeline_opened)
        layout.addWidget(self.timeline, 1)
        return pane

    # -- workspace ---------------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.set_workspace(ws)
        self._fill_tags()
        self._after_reset()

    def on_changes(self, changes: Changes) -> None:
        if self.ws is None:
            return
        if changes.contacts or changes.interactions or changes.workspace:
            keep = self.current.id if self.current else None
            self.model.reload()
            self._fill_tags()
            self._after_reset(keep)

    def _fill_tags(self) -> None:
        chosen = self.tag_filter.currentData()
        suggested = (_(t) for t in TAG_SUGGESTIONS)
        tags = sorted({*self.model.tags(), *suggested}, key=str.casefold)
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem(_("Any tag"), "")
        for tag in tags:
            self.tag_filter.addItem(tag, tag)
        self.tag_filter.setCurrentIndex(max(self.tag_filter.findData(chosen), 0))
        self.tag_filter.blockSignals(False)
        self.tag_edit.clear()
        self.tag_edit.addItems(tags)
        self.tag_edit.setCurrentText("")

    def _apply_filter(self) -> None:
        keep = self.current.id if self.current else None
        self.model.set_filter(self.search.text(), self.tag_filter.currentData() or "")
        self._after_reset(keep)

    def _after_reset(self, keep: int | None = None) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            self.list_stack.setCurrentWidget(self.empty)
            none_yet = self.model.total == 0
            self.empty.show_text(
                _(
                    "No contact yet. Contacts are created as you log interactions: type the "
                    "person's @handle, name or e-mail in “From”. The same handle later finds "
                    "the same person."
                )
                if none_yet
                else _("No contact matches these filters."),
                button=none_yet,
            )
            self.count_label.setText("")
            self.show_contact(None)
            return
        self.list_stack.setCurrentWidget(self.table)
        self.count_label.setText(
            ngettext("{count} contact", "{count} contacts", rows).format(count=rows)
        )
        row = self.model.row_of(keep) if keep is not None else None
        self.table.selectRow(row if row is not None else 0)
        if row is not None:
            self.show_contact(self.model.contact(row))

    def select_contact(self, contact_id: int) -> None:
        if self.model.row_of(contact_id) is None:
            self.search.clear()
            self.tag_filter.setCurrentIndex(0)
        row = self.model.row_of(contact_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    # -- the current contact -----------------------------------------------------------------

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_contact(self.model.contact(current.row()) if current.isValid() else None)

    def show_contact(self, contact: Contact | None) -> None:
        self.current = contact
        self.pane.setEnabled(contact is not None)
        self.timeline.clear()
        if contact is None or self.ws is None:
            self.title.setText("")
            self.meta.setText("")
            for field in (self.name, self.email):
                field.setText("")
            for box in (self.notes, self.consent):
                box.setPlainText("")
            self.handles.setText("")
            self.tags.setText("")
            return
        tz = self.model.ws.profile().zone if self.model.ws else None
        self.title.setText(contact.display_name)
        count = self.model.counts.get(contact.id, 0)
        parts = [ngettext("{count} interaction", "{count} interactions", count).format(count=count)]
        if contact.created_at is not None:
            parts.append(_("known since {when}").format(when=format_when(contact.created_at, tz)))
        self.meta.setText(" · ".join(parts))
        self.name.setText(contact.name)
        self.email.setText(contact.email)
        self.notes.setPlainText(contact.notes)
        self.consent.setPlainText(contact.consent_notes)
        self.handles.setText(handles_text(contact) or _("none"))
        self.tags.setText(", ".join(contact.tags) or _("none"))
        self.remove_tag_button.setEnabled(bool(contact.tags))
        self._fill_timeline(contact, tz)

    def _fill_timeline(self, contact: Contact, tz: Any) -> None:
        assert self.ws is not None
        items = self.ws.interactions.page(
            InteractionFilter(contact_id=contact.id), limit=TIMELINE_LIMIT
        )
        mentions = inbox.mention_titles(self.ws, [i.mention_id for i in items if i.mention_id])
        if not items:
            self.timeline.addItem(_("Nothing logged with this contact yet."))
        for item in items:
            line = " · ".join(
                (
                    format_when(item.occurred_at, tz),
                    _(CHANNEL_LABELS[item.channel]),
                    _(TYPE_LABELS[item.type]),
                    _(STATUS_LABELS[item.status]),
                )
            )
            text = f"{line}\n{first_line(item.text or item.link, 140)}"
            if item.mention_id in mentions:
                title, source = mentions[item.mention_id]
                text += "\n" + _("From the mention “{title}” ({source})").format(
                    title=first_line(title, 80), source=source
                )
            if item.reply:
                text += "\n" + _("Our reply: {reply}").format(reply=first_line(item.reply, 100))
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            self.timeline.addItem(entry)

    def _timeline_opened(self, entry: QListWidgetItem) -> None:
        interaction_id = entry.data(Qt.ItemDataRole.UserRole)
        if interaction_id is not None:
            self.interaction_requested.emit(int(interaction_id))

    # -- changes -----------------------------------------------------------------------------

    def _write(self, label: str, fn: Callable[[Workspace], Changes]) -> None:
        run_write(self, label, fn)

    def save(self) -> None:
        contact = self.current
        if contact is None:
            return
        values = {
            "name": self.name.text(),
            "email": self.email.text().strip(),
            "notes": self.notes.toPlainText(),
            "consent_notes": self.consent.toPlainText(),
        }
        self._write(_("Saving the contact"), lambda ws: ws.contacts.update(contact.id, **values))

    def add_handle(self) -> None:
        contact, handle = self.current, self.handle_edit.text().strip()
        if contact is None or not handle:
            return
        network = self.handle_network.currentData()
        self.handle_edit.clear()
        self._write(
            _("Saving the contact"), lambda ws: ws.contacts.add_handle(contact.id, network, handle)
        )

    def add_tag(self) -> None:
        contact, tag = self.current, self.tag_edit.currentText().strip()
        if contact is None or not tag:
            return
        self.tag_edit.setCurrentText("")
        self._write(_("Saving the contact"), lambda ws: ws.contacts.add_tag(contact.id, tag))

    def remove_tag(self) -> None:
        contact = self.current
        if contact is None or not contact.tags:
            return
        tag, ok = QInputDialog.getItem(
            self, _("Remove a tag"), _("Tag:"), list(contact.tags), 0, False
        )
        if ok and tag:
            self._write(_("Saving the contact"), lambda ws: ws.contacts.remove_tag(contact.id, tag))

    def merge(self, other_id: int | None = None) -> None:
        """Fold a duplicate into the current contact, after saying what happens."""
        keep = self.current
        if keep is None or self.ws is None:
            return
        others = [c for c in self.model._all if c.id != keep.id]
        if not others:
            self.message.emit(_("There is no other contact to merge."))
            return
        if other_id is None:
            labels = [f"{c.display_name} — {handles_text(c) or c.email} (#{c.id})" for c in others]
            choice, ok = QInputDialog.getItem(
                self,
                _("Merge a duplicate"),
                _("The same person as “{name}”:").format(name=keep.display_name),
                labels,
                0,
                True,
            )
            if not ok or choice not in labels:
                return
            other_id = others[labels.index(choice)].id
        other = next(c for c in others if c.id == other_id)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Merge these contacts?"))
        box.setText(
            _("Merge “{other}” into “{keep}”?").format(
                other=other.display_name, keep=keep.display_name
            )
        )
        box.setInformativeText(
            _(
                "Handles, tags and interactions of “{other}” move to “{keep}”; empty fields "
                "are filled in and notes are put together. “{other}” is then deleted: this "
                "cannot be undone, except by restoring a backup."
            ).format(other=other.display_name, keep=keep.display_name)
        )
        merge = box.addButton(_("Merge"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        if box.clickedButton() is not merge:
            return
        self._write(_("Merging contacts"), lambda ws: ws.contacts.merge(keep.id, other.id))

    def export(self, path: str | None = None) -> None:
        contact, ws = self.current, self.ws
        if contact is None or ws is None:
            return
        if path is None:
            suggested = f"contact-{contact.id}.json"
            path, _filter = QFileDialog.getSaveFileName(
                self, _("Export the contact's data"), suggested, _("JSON files (*.json)")
            )
            if not path:
                return
        chosen = Path(path)

        def work(ctx: TaskContext) -> Path:
            data = ws.contacts.export(contact.id)
            chosen.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
            return chosen

        self.tasks.run(
            _("Exporting the contact's data"),
            work,
            lambda written: self.message.emit(
                _("Contact data written to {path}").format(path=written)
            ),
            self._failed(_("The contact's data could not be exported")),
            cancellable=False,
        )

    def erase(self) -> None:
        contact, ws = self.current, self.ws
        if contact is None or ws is None:
            return
        folder = self.backups_dir(ws.path) if self.backups_dir else ws.path.parent
        dialog = EraseDialog(contact, self.model.counts.get(contact.id, 0), folder, self)
        if not dialog.exec():
            return
        note = dialog.note.text()
        self.tasks.run(
            _("Erasing the contact"),
            lambda ctx: ws.contacts.erase(contact.id, note),
            lambda _c: self.message.emit(
                _("Personal data erased; the record of the erasure is kept.")
            ),
            self._failed(_("The contact was not erased")),
            write=True,
            cancellable=False,
        )

    def _failed(self, title: str) -> Callable[[BaseException], None]:
        return failure_reporter(self, title)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
