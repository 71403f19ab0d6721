"""Fast capture: paste a message and its link, check what cmdesk proposes, press Enter.

The channel is guessed from the link, the language, type and sentiment from the text
(core.interactions.propose), each with its reason; the contact is matched by handle,
name or e-mail as it is typed, or created on saving. A field the user changed is never
overwritten by a later guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.classify import readable_reason
from cmdesk.core.errors import InvalidData
from cmdesk.core.interactions import (
    CHANNEL_LABELS,
    TYPE_LABELS,
    Contact,
    Interaction,
    Proposal,
    propose,
)
from cmdesk.core.monitoring import SENTIMENT_LABELS
from cmdesk.i18n import LANGUAGES, N_, _
from cmdesk.store.workspace import Workspace
from cmdesk.ui.models.interactions import PRIORITY_LABELS
from cmdesk.ui.widgets.fields import choice_box, select_data

_URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
DIRECTION_LABELS = {"in": N_("received"), "out": N_("sent by us")}
VISIBILITY_LABELS = {"public": N_("public"), "private": N_("private")}


@dataclass(frozen=True)
class NewContact:
    """A contact to create with the interaction: a handle on the channel, an e-mail or
    a name, as typed."""

    typed: str
    network: str

    def fields(self) -> dict[str, Any]:
        typed = self.typed.strip()
        if typed.startswith("@"):
            return {"handles": [(self.network, typed)]}
        if "@" in typed and " " not in typed:
            return {"email": typed}
        return {"name": typed}


@dataclass(frozen=True)
class Capture:
    text: str
    link: str
    channel: str
    type: str
    sentiment: str  # "" to keep the estimate (and its reason)
    priority: int
    direction: str
    visibility: str
    contact_id: int | None = None
    new_contact: NewContact | None = None


def log_interaction(ws: Workspace, capture: Capture) -> Interaction:
    """Write the capture: the new contact and the interaction together, or neither."""
    with ws.atomic():
        contact_id = capture.contact_id
        if capture.new_contact is not None:
            contact_id = ws.contacts.add(**capture.new_contact.fields()).id
        return ws.interactions.add(
            capture.text,
            link=capture.link,
            channel=capture.channel,
            type=capture.type,
            sentiment=capture.sentiment,
            priority=capture.priority,
            direction=capture.direction,
            visibility=capture.visibility,
            contact_id=contact_id,
        )


def _reason_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setEnabled(False)  # greyed: an explanation, not a value
    return label


class CaptureDialog(QDialog):
    def __init__(
        self, ws: Workspace, parent: QWidget | None = None, *, text: str = "", link: str = ""
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle(_("Log an interaction"))
        self.setMinimumWidth(620)
        self.touched: set[str] = set()  # fields the user chose: no longer proposed
        self.contact: Contact | None = None
        self.contact_error = ""
        self.proposal: Proposal = propose("", "")
        layout = QVBoxLayout(self)
        hint = QLabel(
            _(
                "Paste the message and its link: cmdesk proposes the rest. Check it, change "
                "what is wrong, then press Ctrl+Enter (or Enter outside the message) to save."
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(_("The comment, review or message, as it was written"))
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(110)
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://…")
        self.contact_edit = QLineEdit()
        self.contact_edit.setPlaceholderText(_("@handle, name or e-mail (optional)"))
        self.contact_note = _reason_label()
        self.channel = choice_box(CHANNEL_LABELS)
        self.channel_reason = _reason_label()
        self.type = choice_box(TYPE_LABELS)
        self.type_reason = _reason_label()
        self.sentiment = choice_box(SENTIMENT_LABELS)
        self.sentiment_reason = _reason_label()
        self.language = QLabel()
        self.priority = choice_box(PRIORITY_LABELS)
        self.direction = choice_box(DIRECTION_LABELS)
        self.visibility = choice_box(VISIBILITY_LABELS)
        form.addRow(_("Message"), self.text)
        form.addRow(_("Link"), self.link)
        form.addRow(_("From"), self._stacked(self.contact_edit, self.contact_note))
        form.addRow(_("Channel"), self._stacked(self.channel, self.channel_reason))
        form.addRow(_("Type"), self._stacked(self.type, self.type_reason))
        form.addRow(_("Sentiment"), self._stacked(self.sentiment, self.sentiment_reason))
        form.addRow(_("Language"), self.language)
        more = QHBoxLayout()
        for label, box in (
            (_("Priority"), self.priority),
            (_("Direction"), self.direction),
            (_("Visibility"), self.visibility),
        ):
            more.addWidget(QLabel(label))
            more.addWidget(box)
        more.addStretch(1)
        form.addRow(more)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Save (Ctrl+Enter)"))
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, self.accept)

        for name, box in (
            ("channel", self.channel),
            ("type", self.type),
            ("sentiment", self.sentiment),
        ):
            box.activated.connect(lambda _i, n=name: self._touch(n))
        self.text.textChanged.connect(self._text_changed)
        self.link.textChanged.connect(self._propose)
        self.contact_edit.textChanged.connect(self._match_contact)
        self.channel.currentIndexChanged.connect(self._match_contact)
        self.text.setPlainText(text)
        self.link.setText(link)
        self._propose()
        self._match_contact()
        self.text.setFocus()

    @staticmethod
    def _stacked(field: QWidget, note: QLabel) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        column.addWidget(note)
        return box

    # -- proposals ---------------------------------------------------------------------------

    def _touch(self, name: str) -> None:
        self.touched.add(name)
        self._propose()

    def _text_changed(self) -> None:
        # A link pasted inside the message fills the link field (the message keeps it).
        if not self.link.text().strip():
            found = _URL_RE.search(self.text.toPlainText())
            if found:
                self.link.setText(found.group(0).rstrip(".,;:!?)"))
        self._propose()

    def _propose(self) -> None:
        text, link = self.text.toPlainText(), self.link.text().strip()
        found = propose(text, link)
        self.proposal = found
        if "channel" not in self.touched:
            select_data(self.channel, found.channel)
        if "type" not in self.touched:
            select_data(self.type, found.type)
        if "sentiment" not in self.touched:
            select_data(self.sentiment, found.sentiment or "neutral")
        self.channel_reason.setText(
            _("your choice")
            if "channel" in self.touched
            else _("guessed from the link")
            if link and found.channel != "other"
            else _("not recognised from the link: choose it")
            if link
            else _("no link: choose it")
        )
        self.type_reason.setText(self._why("type", found.type_reason, text))
        self.sentiment_reason.setText(self._why("sentiment", found.sentiment_reason, text))
        language = LANGUAGES.get(found.language, found.language.upper())
        self.language.setText(
            _("{language} (detected)").format(language=language) if language else _("unknown")
        )

    def _why(self, field: str, reason: str, text: str) -> str:
        if field in self.touched:
            return _("your choice")
        if not text.strip():
            return ""
        if reason == "?":
            return _("because of: a question mark")
        if reason:
            return _("because of: {words}").format(words=readable_reason(reason, text))
        return _("no telling words found")

    def _match_contact(self) -> None:
        typed = self.contact_edit.text().strip()
        self.contact, self.contact_error = None, ""
        if not typed:
            self.contact_note.setText(_("No contact: the interaction stays anonymous."))
        else:
            try:
                self.contact = self.ws.contacts.find(typed, network=self.channel.currentData())
            except InvalidData as exc:
                self.contact_error = exc.message
            if self.contact is not None:
                handles = ", ".join("@" + h for _n, h in self.contact.handles[:3])
                self.contact_note.setText(
                    _("Known contact: {name}").format(name=self.contact.display_name)
                    + (f" ({handles})" if handles and self.contact.name else "")
                )
            elif self.contact_error:
                self.contact_note.setText(self.contact_error)
            else:
                self.contact_note.setText(_("New contact, created on saving."))
        self.contact_note.setEnabled(not self.contact_error)
        self.contact_note.setStyleSheet("color: #c0392b;" if self.contact_error else "")
        self.save_button.setEnabled(not self.contact_error)

    # -- result ------------------------------------------------------------------------------

    def capture(self) -> Capture:
        typed = self.contact_edit.text().strip()
        channel = self.channel.currentData()
        return Capture(
            text=self.text.toPlainText(),
            link=self.link.text().strip(),
            channel=channel,
            type=self.type.currentData(),
            sentiment=self.sentiment.currentData() if "sentiment" in self.touched else "",
            priority=int(self.priority.currentData()),
            direction=self.direction.currentData(),
            visibility=self.visibility.currentData(),
            contact_id=self.contact.id if self.contact is not None else None,
            new_contact=NewContact(typed, channel) if typed and self.contact is None else None,
        )

    def accept(self) -> None:
        if not self.text.toPlainText().strip() and not self.link.text().strip():
            self.contact_note.setText(_("Paste the message or its link first."))
            self.text.setFocus()
            return
        if self.contact_error:
            self.contact_edit.setFocus()
            return
        super().accept()
