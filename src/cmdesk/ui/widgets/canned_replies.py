"""Canned replies: pick one by keyboard while answering, and keep the client's set.

The picker searches as you type (accents and capitals ignored, the most used first),
arrows move, Enter inserts. It fills the reply in for the interaction's contact and
shows in colour what it could not fill ([[prénom]] for an anonymous contact) so it is
completed by hand before sending. The use is counted through the writer thread.

For a reply editor: `attach_reply_picker(editor, tasks, context)` binds Ctrl+Space (and
Ctrl+Shift+Space, for macOS where Ctrl+Space switches input sources) to
`insert_reply`, which inserts at the cursor and selects the first thing to complete.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.interactions import Interaction
from cmdesk.core.replies import CannedReply, Rendered, render
from cmdesk.i18n import LANGUAGES, N_, _, ngettext
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.fields import language_box, select_data
from cmdesk.ui.widgets.panel import WorkspacePanel, hint_label, joined, shortcut, top_aligned
from cmdesk.ui.widgets.reader import Reader

REPLY_SHORTCUTS = ("Ctrl+Space", "Ctrl+Shift+Space")
REPLY_ROLE = Qt.ItemDataRole.UserRole
# (French name, English name, what it becomes)
VARIABLE_HELP = (
    ("prénom", "first_name", N_("the contact's first name")),
    ("nom", "name", N_("the contact's full name")),
    ("pseudo", "handle", N_("their @handle on the network")),
    ("marque", "brand", N_("the client's name")),
    ("lien", "link", N_("the interaction's link")),
)
_MARKER_RE = re.compile(r"\[\[[^\[\]]{1,40}\]\]")
_MARK_STYLE = "background:#ffe08a; color:#5c3c00; font-weight:bold"
Editor = QPlainTextEdit | QTextEdit


def marked_html(text: str) -> str:
    """The reply as HTML, what is left to complete highlighted."""
    escaped = html.escape(text)
    marked = _MARKER_RE.sub(lambda m: f'<span style="{_MARK_STYLE}">{m.group(0)}</span>', escaped)
    return marked.replace("\n", "<br>")


def completion_note(rendered: Rendered) -> str:
    """What the user must complete by hand, in plain words ("" when nothing)."""
    parts = []
    if rendered.missing:
        names = ", ".join(f"[[{n}]]" for n in rendered.missing)
        parts.append(_("Not known for this person, complete by hand: {names}").format(names=names))
    if rendered.unknown:
        names = ", ".join("{" + n + "}" for n in rendered.unknown)
        parts.append(_("Not a variable (check its spelling): {names}").format(names=names))
    return "\n".join(parts)


def _reply_line(reply: CannedReply) -> str:
    if reply.uses:
        uses = ngettext("used {count} time", "used {count} times", reply.uses)
    else:
        uses = _("never used")
    return f"{reply.title}\n{reply.language.upper()} · {uses.format(count=reply.uses)}"


def _interaction_id(interaction: Interaction | int | None) -> int | None:
    return interaction.id if isinstance(interaction, Interaction) else interaction


class _ListKeys(QObject):
    """Arrows and page keys typed in the search box move the list's selection."""

    KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)

    def __init__(self, target: QListWidget) -> None:
        super().__init__(target)
        self.target = target

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress:
            return False
        if event.key() in self.KEYS:
            self.target.keyPressEvent(event)
            return True
        return False


def _language_filter(parent: QWidget | None = None) -> QComboBox:
    box = QComboBox(parent)
    box.addItem(_("All languages"), "")
    for code, name in LANGUAGES.items():
        box.addItem(name, code)
    return box


class _ReplyFinder:
    """The search box, the language filter and the list of the replies they find."""

    def __init__(self, placeholder: str, changed: Callable[[], None]) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(changed)
        self.language = _language_filter()
        self.language.currentIndexChanged.connect(changed)
        self.row = QHBoxLayout()
        self.row.addWidget(self.search, 1)
        self.row.addWidget(self.language)
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)

    def current(self) -> CannedReply | None:
        item = self.list.currentItem()
        return item.data(REPLY_ROLE) if item is not None else None

    def filtered(self) -> bool:
        return bool(self.search.text().strip() or self.language.currentData())

    def fill(self, ws: Workspace | None, keep: int | None) -> list[CannedReply]:
        """The replies found, listed, the one `keep` names still chosen if found."""
        found = (
            ws.replies.search(self.search.text(), language=self.language.currentData())
            if ws is not None
            else []
        )
        self.list.clear()
        for reply in found:
            item = QListWidgetItem(_reply_line(reply))
            item.setData(REPLY_ROLE, reply)
            self.list.addItem(item)
        ids = [r.id for r in found]
        self.list.setCurrentRow(ids.index(keep) if keep in ids else 0 if ids else -1)
        return found


# -- picking a reply -----------------------------------------------------------------------------


class ReplyPicker(QDialog):
    """Type to filter, arrows to move, Enter to take the reply (filled in)."""

    def __init__(
        self,
        ws: Workspace,
        tasks: TaskManager | None = None,
        *,
        interaction_id: int | None = None,
        contact_id: int | None = None,
        language: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.tasks = tasks
        self.interaction_id = interaction_id
        self.contact_id = contact_id
        self.rendered: Rendered | None = None
        self.chosen: CannedReply | None = None
        self.setWindowTitle(_("Insert a canned reply"))
        self.resize(820, 440)
        layout = QVBoxLayout(self)
        finder = _ReplyFinder(_("Type to search the titles and texts…"), self.refresh)
        self.finder = finder
        self.search, self.language, self.list = finder.search, finder.language, finder.list
        layout.addLayout(finder.row)
        split = QSplitter()
        self.list.currentItemChanged.connect(lambda *_a: self._preview())
        self.list.itemActivated.connect(lambda _item: self._take())
        split.addWidget(self.list)
        right = QWidget()
        pane = QVBoxLayout(right)
        pane.setContentsMargins(0, 0, 0, 0)
        self.preview = Reader()
        pane.addWidget(self.preview, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setStyleSheet("color: #8a5300;")
        pane.addWidget(self.note)
        split.addWidget(right)
        split.setSizes([300, 500])
        layout.addWidget(split, 1)
        self.empty = hint_label()
        layout.addWidget(self.empty)
        bottom = QHBoxLayout()
        bottom.addWidget(hint_label(_("↑ ↓ to choose, Enter to insert, Esc to close.")), 1)
        if tasks is not None:
            manage = QPushButton(_("Edit the replies…"))
            manage.clicked.connect(self._manage)
            bottom.addWidget(manage)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.insert_button = self.buttons.addButton(
            _("Insert"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self._take)
        self.buttons.rejected.connect(self.reject)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.search.installEventFilter(_ListKeys(self.list))
        # The language of the message, when the client has replies in it; else all.
        if language and ws.replies.search(language=language, limit=1):
            select_data(self.language, language)
        self.refresh()
        self.search.setFocus()

    def refresh(self) -> None:
        keep = self.chosen.id if self.chosen else None
        found = self.finder.fill(self.ws, keep)
        if not found:
            self.empty.setText(self._empty_text())
        self.empty.setVisible(not found)
        self.insert_button.setEnabled(bool(found))
        self._preview()

    def _empty_text(self) -> str:
        if self.finder.filtered():
            return _("No canned reply matches. Clear the search or choose all languages.")
        return _(
            "No canned reply yet. Canned replies are the client's ready answers, with "
            "variables such as {prénom} filled in for each person: add them with "
            "“Edit the replies…”."
        )

    def _preview(self) -> None:
        item = self.list.currentItem()
        reply: CannedReply | None = item.data(REPLY_ROLE) if item is not None else None
        self.chosen = reply
        if reply is None:
            self.rendered = None
            self.preview.setHtml("")
            self.note.clear()
            return
        self.rendered = self.ws.replies.render(
            reply.id, interaction_id=self.interaction_id, contact_id=self.contact_id
        )
        self.preview.setHtml(marked_html(self.rendered.text))
        self.note.setText(completion_note(self.rendered))

    def _take(self) -> None:
        if self.chosen is not None and self.rendered is not None:
            self.accept()

    def _manage(self) -> None:
        if self.tasks is None:
            return
        CannedRepliesDialog(self.ws, self.tasks, self).exec()
        self.refresh()


def count_use(
    ws: Workspace,
    tasks: TaskManager,
    reply_id: int,
    *,
    interaction_id: int | None = None,
    contact_id: int | None = None,
) -> None:
    """Count one use of a reply (it comes first in the picker next time)."""

    def work(_ctx: object) -> Changes:
        ws.replies.use(reply_id, interaction_id=interaction_id, contact_id=contact_id)
        return Changes(replies=True)

    tasks.run(_("Counting the reply's use"), work, write=True, cancellable=False)


def pick_reply(
    parent: QWidget | None,
    ws: Workspace,
    tasks: TaskManager,
    interaction: Interaction | int | None = None,
    *,
    contact_id: int | None = None,
    language: str = "",
) -> str | None:
    """Let the user pick a canned reply; its text filled in for this interaction (and its
    contact), or None when cancelled. Its use is counted."""
    interaction_id = _interaction_id(interaction)
    if not language and isinstance(interaction, Interaction):
        language = interaction.language
    picker = ReplyPicker(
        ws,
        tasks,
        interaction_id=interaction_id,
        contact_id=contact_id,
        language=language,
        parent=parent,
    )
    if not picker.exec() or picker.chosen is None or picker.rendered is None:
        return None
    count_use(ws, tasks, picker.chosen.id, interaction_id=interaction_id, contact_id=contact_id)
    return picker.rendered.text


def insert_text(editor: Editor, text: str) -> None:
    """Insert at the cursor, then select the first [[…]] left to complete, if any."""
    cursor = editor.textCursor()
    start = cursor.selectionStart()
    cursor.insertText(text)
    found = _MARKER_RE.search(text)
    if found is not None:
        cursor.setPosition(start + found.start())
        cursor.setPosition(start + found.end(), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    editor.setFocus()


def insert_reply(
    editor: Editor,
    ws: Workspace,
    tasks: TaskManager,
    interaction: Interaction | int | None = None,
    *,
    contact_id: int | None = None,
) -> bool:
    text = pick_reply(editor, ws, tasks, interaction, contact_id=contact_id)
    if text is None:
        return False
    insert_text(editor, text)
    return True


ReplyContext = tuple[Workspace, Interaction | int | None, int | None]


def attach_reply_picker(
    editor: Editor, tasks: TaskManager, context: Callable[[], ReplyContext | None]
) -> list[QShortcut]:
    """Ctrl+Space (and Ctrl+Shift+Space) in `editor` picks a reply and inserts it.
    `context` returns (workspace, interaction, contact id), or None when there is nothing
    to answer."""

    def pick() -> None:
        found = context()
        if found is not None:
            ws, interaction, contact_id = found
            insert_reply(editor, ws, tasks, interaction, contact_id=contact_id)

    keys = []
    for sequence in REPLY_SHORTCUTS:
        key = QShortcut(QKeySequence(sequence), editor)
        key.setContext(Qt.ShortcutContext.WidgetShortcut)
        key.activated.connect(pick)
        keys.append(key)
    editor.setToolTip(_("Ctrl+Space: insert a canned reply"))
    return keys


# -- keeping the client's replies ----------------------------------------------------------------


def sample_values(ws: Workspace) -> dict[str, str]:
    """Values shown in the editor's preview, so a reply can be read as it will be sent."""
    return {
        "first_name": "Camille",
        "name": "Camille Martin",
        "handle": "@camille",
        "brand": ws.profile().name,
        "link": "https://example.com/post/123",
    }


class ReplyDialog(QDialog):
    """One reply: title, language, text, with the variables to insert and a preview."""

    def __init__(
        self, ws: Workspace, reply: CannedReply | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.samples = sample_values(ws)
        self.setWindowTitle(_("Edit the canned reply") if reply else _("New canned reply"))
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit(reply.title if reply else "")
        self.title.setPlaceholderText(_("e.g. Apology for a late order"))
        form.addRow(_("Title"), self.title)
        self.language = language_box()
        select_data(self.language, reply.language if reply else ws.profile().language)
        form.addRow(_("Language"), self.language)
        layout.addLayout(form)
        self.body = QPlainTextEdit(reply.body if reply else "")
        self.body.setPlaceholderText(_("Hello {prénom}, thank you for your message…"))
        self.body.textChanged.connect(self._preview)
        layout.addWidget(self.body, 2)
        layout.addWidget(QLabel(_("Variables (click to insert at the cursor):")))
        buttons = QHBoxLayout()
        self.variable_buttons: list[QPushButton] = []
        for french, english, meaning in VARIABLE_HELP:
            button = QPushButton()
            button.setToolTip(_(meaning))
            button.clicked.connect(lambda _c=False, f=french, e=english: self._insert(f, e))
            buttons.addWidget(button)
            self.variable_buttons.append(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.help = hint_label()
        layout.addWidget(self.help)
        layout.addWidget(QLabel(_("Preview with sample values:")))
        self.preview = Reader()
        layout.addWidget(self.preview, 1)
        self.note = hint_label(dim=False)
        self.note.setStyleSheet("color: #8a5300;")
        layout.addWidget(self.note)
        self.error = hint_label(dim=False)
        self.error.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.error)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self._accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.language.currentIndexChanged.connect(self._name_variables)
        self._name_variables()
        self._preview()

    def _names(self) -> list[str]:
        french = self.language.currentData() == "fr"
        return [f if french else e for f, e, _m in VARIABLE_HELP]

    def _name_variables(self) -> None:
        """Variables named in the reply's language (both work in either)."""
        names = self._names()
        for button, name in zip(self.variable_buttons, names, strict=True):
            button.setText("{" + name + "}")
        self.help.setText(
            joined(
                [
                    _("{variable}: {meaning}").format(variable="{" + name + "}", meaning=_(m))
                    for name, (_f, _e, m) in zip(names, VARIABLE_HELP, strict=True)
                ]
            )
        )

    def _insert(self, french: str, english: str) -> None:
        name = french if self.language.currentData() == "fr" else english
        self.body.insertPlainText("{" + name + "}")
        self.body.setFocus()

    def _preview(self) -> None:
        rendered = render(self.body.toPlainText(), self.samples)
        self.preview.setHtml(marked_html(rendered.text))
        self.note.setText(completion_note(Rendered(rendered.text, (), rendered.unknown)))

    def values(self) -> tuple[str, str, str]:
        """(title, body, language)."""
        return self.title.text(), self.body.toPlainText(), self.language.currentData()

    def _accept(self) -> None:
        title, body, _language = self.values()
        if not title.strip():
            self.error.setText(_("A canned reply needs a title."))
        elif not body.strip():
            self.error.setText(_("A canned reply needs a text."))
        else:
            self.accept()


class CannedRepliesPanel(WorkspacePanel):
    """The client's canned replies: search, add, edit, delete (Ctrl+Z brings one back)."""

    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, interactive: bool = True
    ) -> None:
        super().__init__(tasks, parent, interactive=interactive)
        self.setObjectName("canned-replies")
        self.deleted: CannedReply | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(
            hint_label(
                _(
                    "Ready answers in the client's voice, per language. While answering an "
                    "interaction, Ctrl+Space inserts one, filled in for the person."
                )
            )
        )
        self.finder = _ReplyFinder(_("Search the replies…"), self.reload)
        self.search, self.language = self.finder.search, self.finder.language
        self.list = self.finder.list
        layout.addLayout(self.finder.row)
        self.list.itemActivated.connect(lambda _item: self.edit_reply())
        self.empty = hint_label(dim=False)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(top_aligned(self.empty))
        layout.addWidget(self.stack, 1)
        self.undo_text = QLabel()
        row = QHBoxLayout()
        self.new_button = QPushButton(_("New reply…"))
        self.new_button.setToolTip(_("Ctrl+N"))
        self.new_button.clicked.connect(self.new_reply)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setToolTip(_("Enter or F2"))
        self.edit_button.clicked.connect(self.edit_reply)
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.setToolTip(_("Delete key; Ctrl+Z brings it back"))
        self.delete_button.clicked.connect(self.delete_reply)
        self.undo_button = QPushButton(_("Undo (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo_delete)
        self.undo_button.hide()
        for button in (self.new_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.undo_text)
        row.addWidget(self.undo_button)
        layout.addLayout(row)
        shortcut(self, "Ctrl+N", self.new_reply)
        shortcut(self.list, "F2", self.edit_reply)
        shortcut(self.list, "Delete", self.delete_reply)
        shortcut(self, "Ctrl+Z", self.undo_delete)
        shortcut(self, QKeySequence.StandardKey.Find, self.search.setFocus)
        self.reload()

    def wants(self, changes: Changes) -> bool:
        return changes.replies or changes.profile

    def reload(self) -> None:
        ws = self.ws
        current = self.current_reply()
        found = self.finder.fill(ws, current.id if current else None)
        filtered = self.finder.filtered()
        self.empty.setText(
            _("No canned reply matches.")
            if filtered
            else _(
                "No canned reply yet. Write the answers you give again and again (opening "
                "hours, an apology for a late order, thanks for a review) with New reply "
                "(Ctrl+N); variables such as {prénom} or {marque} are filled in for each "
                "person."
            )
        )
        self.stack.setCurrentIndex(0 if found else 1)
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(bool(found))
        self.new_button.setEnabled(ws is not None)

    def current_reply(self) -> CannedReply | None:
        return self.finder.current()

    def new_reply(self) -> ReplyDialog | None:
        return self.open_dialog(None)

    def edit_reply(self) -> ReplyDialog | None:
        reply = self.current_reply()
        return self.open_dialog(reply) if reply is not None else None

    def open_dialog(self, reply: CannedReply | None) -> ReplyDialog | None:
        """The reply dialog, saved once accepted; returned unrun when not interactive
        (tests fill it in and call `save`)."""
        if self.ws is None:
            return None
        dialog = ReplyDialog(self.ws, reply, self)
        if not self.interactive:
            return dialog
        if dialog.exec():
            self.save(reply.id if reply else None, *dialog.values())
        return None

    def save(self, reply_id: int | None, title: str, body: str, language: str) -> None:
        def work(ws: Workspace) -> Changes:
            if reply_id is None:
                ws.replies.add(title, body, language=language)
                return Changes(replies=True)
            return ws.replies.update(reply_id, title=title, body=body, language=language)

        self.write(
            _("Saving the reply"),
            work,
            _("The reply could not be saved"),
            lambda _c: self.message.emit(_("Reply “{title}” saved.").format(title=title)),
        )

    def delete_reply(self) -> None:
        reply = self.current_reply()
        if reply is None:
            return

        def deleted(_changes: Changes) -> None:
            self.deleted = reply
            self.undo_text.setText(_("Reply “{title}” deleted.").format(title=reply.title))
            self.undo_text.show()
            self.undo_button.show()
            if not self.list.count():  # the focus stays in reach of Ctrl+Z
                self.undo_button.setFocus()

        self.write(
            _("Deleting the reply"),
            lambda ws: ws.replies.remove(reply.id),
            _("The reply could not be deleted"),
            deleted,
        )

    def undo_delete(self) -> None:
        reply = self.deleted
        if reply is None:
            return
        self.deleted = None
        self.undo_text.hide()
        self.undo_button.hide()
        self.save(None, reply.title, reply.body, reply.language)


class CannedRepliesDialog(QDialog):
    """The replies panel in a window of its own (from the picker, or the inbox)."""

    def __init__(self, ws: Workspace, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Canned replies"))
        self.resize(640, 480)
        layout = QVBoxLayout(self)
        self.panel = CannedRepliesPanel(tasks, self)
        self.panel.set_workspace(ws)
        layout.addWidget(self.panel, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
