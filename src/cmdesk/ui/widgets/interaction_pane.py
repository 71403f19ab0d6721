"""The inbox's detail pane: the message, its qualification, its times, and the reply
editor with the contact's history beside it.

The pane only shows and asks: every change it offers is emitted as a request that the
inbox view turns into a write task (house rule 3).
"""

from __future__ import annotations

import html
from datetime import timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.classify import readable_reason
from cmdesk.core.interactions import (
    CHANNEL_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    Contact,
    Interaction,
    Team,
)
from cmdesk.core.monitoring import SENTIMENT_LABELS
from cmdesk.i18n import _, current_language, format_when
from cmdesk.ui.models.interactions import PRIORITY_LABELS, first_line
from cmdesk.ui.views.empty import bold
from cmdesk.ui.widgets.fields import choice_box, select_data
from cmdesk.ui.widgets.reader import open_link


def format_duration(delta: timedelta) -> str:
    from babel.dates import format_timedelta

    return format_timedelta(delta, threshold=1.5, locale=current_language())


def _plain_label(wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class InteractionPane(QWidget):
    # (field, value) for "status", "type", "priority", "team" (team id or None)
    field_changed = Signal(str, object)
    reply_requested = Signal(int, str)  # interaction id, reply text
    tag_requested = Signal()
    contact_requested = Signal(int)  # open the contact's page
    interaction_requested = Signal(int)  # open another interaction from the history
    link_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current: Interaction | None = None
        self.tz: ZoneInfo | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._message_part())
        splitter.addWidget(self._reply_part())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter)
        self.show_interaction(None)

    # -- building ----------------------------------------------------------------------------

    def _message_part(self) -> QWidget:
        part = QWidget()
        layout = QVBoxLayout(part)
        layout.setContentsMargins(12, 8, 12, 4)
        self.title = _plain_label()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.meta = _plain_label()
        layout.addWidget(self.meta)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMinimumHeight(70)
        layout.addWidget(self.text, 1)
        self.link = QLabel()
        self.link.setTextFormat(Qt.TextFormat.RichText)
        self.link.setWordWrap(True)
        # Links go through open_link (http, https and mailto only), never straight to Qt.
        self.link.setOpenExternalLinks(False)
        self.link.linkActivated.connect(self._open)
        layout.addWidget(self.link)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        self.status_box = choice_box(STATUS_LABELS)
        self.type_box = choice_box(TYPE_LABELS)
        self.priority_box = choice_box(PRIORITY_LABELS)
        self.team_box = QComboBox()
        # Two by two: four lists side by side clip their French labels in a half pane.
        for n, (label, box, field) in enumerate(
            (
                (_("Status (S)"), self.status_box, "status"),
                (_("Type (T)"), self.type_box, "type"),
                (_("Priority (P)"), self.priority_box, "priority"),
                (_("Team (A)"), self.team_box, "team"),
            )
        ):
            caption = QLabel(label)
            caption.setEnabled(False)
            grid.addWidget(caption, n // 2, (n % 2) * 2)
            grid.addWidget(box, n // 2, (n % 2) * 2 + 1)
            box.activated.connect(
                lambda _i, f=field, b=box: self.field_changed.emit(f, b.currentData())
            )
            box.setAccessibleName(label)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout.addLayout(grid)
        self.sentiment = _plain_label()
        layout.addWidget(self.sentiment)
        tags_row = QHBoxLayout()
        self.tags = _plain_label()
        tags_row.addWidget(self.tags, 1)
        self.tag_button = QToolButton()
        self.tag_button.setText(_("Tag…"))
        self.tag_button.clicked.connect(self.tag_requested)
        tags_row.addWidget(self.tag_button)
        self.contact_button = QToolButton()
        self.contact_button.setText(_("Contact's page"))
        self.contact_button.clicked.connect(self._open_contact)
        tags_row.addWidget(self.contact_button)
        layout.addLayout(tags_row)
        self.times = _plain_label()
        layout.addWidget(self.times)
        return part

    def _reply_part(self) -> QWidget:
        part = QSplitter(Qt.Orientation.Vertical)
        part.setChildrenCollapsible(False)
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(6, 8, 12, 4)
        heading = QLabel(_("Reply (R)"))
        heading.setFont(bold(heading))
        column.addWidget(heading)
        # Canned replies and the playbook's tone rules go here, above the editor, when
        # the client's playbook exists; hidden while there is nothing to show.
        self.reply_aids = QWidget()
        self.reply_aids_layout = QVBoxLayout(self.reply_aids)
        self.reply_aids_layout.setContentsMargins(0, 0, 0, 0)
        self.reply_aids.hide()
        column.addWidget(self.reply_aids)
        self.reply = QPlainTextEdit()
        self.reply.setPlaceholderText(
            _(
                "Write the answer you sent (or will send) here, then record it. "
                "Ctrl+Space inserts a canned reply."
            )
        )
        self.reply.setTabChangesFocus(True)
        column.addWidget(self.reply, 1)
        row = QHBoxLayout()
        self.reply_state = _plain_label(wrap=False)
        self.reply_state.setEnabled(False)
        row.addWidget(self.reply_state, 1)
        self.record_button = QPushButton(_("Record the reply (Ctrl+Enter)"))
        self.record_button.clicked.connect(self._record)
        row.addWidget(self.record_button)
        column.addLayout(row)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(sequence), self.reply)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self._record)
        part.addWidget(editor)

        history = QWidget()
        column = QVBoxLayout(history)
        column.setContentsMargins(6, 4, 12, 8)
        self.history_title = QLabel(_("History"))
        self.history_title.setFont(bold(self.history_title))
        column.addWidget(self.history_title)
        self.history = QListWidget()
        self.history.setWordWrap(True)
        self.history.setSpacing(4)
        self.history.itemActivated.connect(self._history_opened)
        column.addWidget(self.history, 1)
        part.addWidget(history)
        part.setStretchFactor(0, 3)
        part.setStretchFactor(1, 2)
        return part

    # -- showing -----------------------------------------------------------------------------

    def set_teams(self, teams: list[Team]) -> None:
        self.team_box.clear()
        self.team_box.addItem(_("no team"), None)
        for team in teams:
            self.team_box.addItem(team.name, team.id)

    def show_interaction(
        self,
        item: Interaction | None,
        contact: Contact | None = None,
        history: list[Interaction] | None = None,
    ) -> None:
        previous = self.current.id if self.current is not None else None
        self.current = item
        self.setEnabled(item is not None)
        if item is None:
            for label in (self.title, self.meta, self.link, self.sentiment, self.tags):
                label.setText("")
            self.times.setText("")
            self.text.setPlainText("")
            self.reply.setPlainText("")
            self.reply_state.setText("")
            self.history.clear()
            self.history_title.setText(_("History"))
            return
        self.title.setText(contact.display_name if contact else _("Anonymous"))
        direction = _("received") if item.direction == "in" else _("sent by us")
        visibility = _("public") if item.visibility == "public" else _("private")
        parts = [
            _(CHANNEL_LABELS[item.channel]),
            f"{direction} {format_when(item.occurred_at, self.tz, year=True)}",
            visibility,
        ]
        if item.language:
            parts.append(item.language.upper())
        self.meta.setText(" · ".join(parts))
        self.text.setPlainText(item.text)
        if item.link:
            href = html.escape(item.link, quote=True)
            self.link.setText(f'<a href="{href}">{html.escape(first_line(item.link, 90))}</a>')
            self.link.setToolTip(item.link)
        else:
            self.link.setText("")
        select_data(self.status_box, item.status)
        select_data(self.type_box, item.type)
        self.priority_box.setCurrentIndex(max(self.priority_box.findData(item.priority), 0))
        self.team_box.setCurrentIndex(max(self.team_box.findData(item.team_id), 0))
        sentiment = _(SENTIMENT_LABELS.get(item.sentiment, "")) if item.sentiment else ""
        if item.sentiment_by_user:
            why = _("set by hand")
        elif item.sentiment_reason:
            why = _("because of: {words}").format(
                words=readable_reason(item.sentiment_reason, item.text)
            )
        else:
            why = _("no telling words found")
        self.sentiment.setText(
            _("Sentiment: {sentiment} ({why})").format(sentiment=sentiment, why=why)
        )
        self.tags.setText(
            _("Tags: {tags}").format(tags=", ".join(item.tags)) if item.tags else _("No tag")
        )
        self.contact_button.setEnabled(item.contact_id is not None)
        self.times.setText(self._times(item))
        if item.id != previous or not self.reply.toPlainText().strip():
            self.reply.setPlainText(item.reply)
        self.reply_state.setText(
            _("Reply recorded.") if item.reply else _("No reply recorded yet.")
        )
        self._show_history(item, contact, history or [])

    def _times(self, item: Interaction) -> str:
        parts = []
        if item.first_response_at is not None and item.response_time is not None:
            parts.append(
                _("First response {when}, after {delay}").format(
                    when=format_when(item.first_response_at, self.tz),
                    delay=format_duration(item.response_time),
                )
            )
        else:
            parts.append(_("No response yet"))
        if item.resolved_at is not None and item.resolution_time is not None:
            parts.append(
                _("resolved {when}, after {delay}").format(
                    when=format_when(item.resolved_at, self.tz),
                    delay=format_duration(item.resolution_time),
                )
            )
        return " · ".join(parts)

    def _show_history(
        self, item: Interaction, contact: Contact | None, history: list[Interaction]
    ) -> None:
        self.history.clear()
        if contact is None:
            self.history_title.setText(_("History"))
            self.history.addItem(_("No contact: no history to show."))
            return
        self.history_title.setText(_("History with {name}").format(name=contact.display_name))
        others = [h for h in history if h.id != item.id]
        if not others:
            self.history.addItem(_("First interaction with this contact."))
        for other in others:
            line = " · ".join(
                (
                    format_when(other.occurred_at, self.tz),
                    _(TYPE_LABELS[other.type]),
                    _(STATUS_LABELS[other.status]),
                )
            )
            entry = QListWidgetItem(f"{line}\n{first_line(other.text, 120)}")
            entry.setData(Qt.ItemDataRole.UserRole, other.id)
            entry.setToolTip(first_line(other.text, 600))
            self.history.addItem(entry)

    # -- requests ----------------------------------------------------------------------------

    def focus_reply(self) -> None:
        if self.current is not None:
            self.reply.setFocus()

    def _record(self) -> None:
        if self.current is not None:
            self.reply_requested.emit(self.current.id, self.reply.toPlainText())

    def _history_opened(self, entry: QListWidgetItem) -> None:
        wanted = entry.data(Qt.ItemDataRole.UserRole)
        # After the click is handled: showing it refills this list, deleting the entry.
        if wanted is not None:
            QTimer.singleShot(0, lambda: self.interaction_requested.emit(int(wanted)))

    def _open(self, url: str) -> None:
        if not open_link(QUrl(url)):
            self.link_refused.emit(url)

    def _open_contact(self) -> None:
        if self.current is not None and self.current.contact_id is not None:
            self.contact_requested.emit(self.current.contact_id)
