"""A watch topic: its query, typed or built by pointing, tested on the stored mentions."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.monitoring import Topic
from cmdesk.core.query import (
    ENGLISH_KEYWORDS,
    FRENCH_KEYWORDS,
    And,
    Not,
    Or,
    Query,
    QuerySyntaxError,
    Term,
    parse,
)
from cmdesk.core.query import to_text as query_text
from cmdesk.core.query import tokens as query_tokens
from cmdesk.i18n import N_, _, current_language
from cmdesk.store.workspace import Workspace

PRIORITY_LABELS = (N_("Normal"), N_("Important"), N_("Urgent: alert me"))
FIELD_LABELS = {
    "": N_("anywhere"),
    "title": N_("in the title"),
    "text": N_("in the text"),
    "author": N_("in the author"),
    "source": N_("in the source's name"),
}


def build_query(
    all_words: str, phrase: str, any_words: str, none_words: str, field: str = ""
) -> Query | None:
    """The query the builder's boxes describe, or None when they are all empty."""
    where = field or None
    parts: list[Query] = [Term((w,), where) for w in query_tokens(all_words)]
    if query_tokens(phrase):
        parts.append(Term(tuple(query_tokens(phrase)), where))
    alternatives = [Term((w,), where) for w in query_tokens(any_words)]
    if len(alternatives) == 1:
        parts.append(alternatives[0])
    elif alternatives:
        parts.append(Or(tuple(alternatives)))
    if not parts:
        return None
    parts += [Not(Term((w,), where)) for w in query_tokens(none_words)]
    return parts[0] if len(parts) == 1 else And(tuple(parts))


class TopicDialog(QDialog):
    def __init__(
        self, ws: Workspace, topic: Topic | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        # Counting runs once typing pauses: it reads the whole search index.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(lambda: self.run_test() if self.isVisible() else None)
        self.setWindowTitle(_("Edit the topic") if topic else _("New watch topic"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(topic.name if topic else "")
        self.name.setPlaceholderText(_("e.g. Deliveries"))
        form.addRow(_("Name"), self.name)
        self.query = QLineEdit(topic.query if topic else "")
        self.query.setPlaceholderText(_('e.g. livraison AND (retard OR "pas reçu") -promo'))
        self.query.textChanged.connect(lambda: self._timer.start())
        form.addRow(_("Query"), self.query)
        self.priority = QComboBox()
        for label in PRIORITY_LABELS:
            self.priority.addItem(_(label))
        self.priority.setCurrentIndex(topic.priority if topic else 0)
        form.addRow(_("Priority"), self.priority)
        layout.addLayout(form)
        self.test = QLabel()
        self.test.setWordWrap(True)
        self.test.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.test)
        help_text = QLabel(
            _(
                'Words, "exact phrases", OR, NOT (or -word), parentheses, word* for any '
                "ending, title: author: source: text: for one field. Accents and capitals "
                "do not matter."
            )
        )
        help_text.setWordWrap(True)
        help_text.setEnabled(False)
        layout.addWidget(help_text)

        builder = QGroupBox(_("Build the query"))
        builder.setCheckable(True)
        builder.setChecked(not topic)
        grid = QFormLayout(builder)
        self.all_words = QLineEdit()
        self.phrase = QLineEdit()
        self.any_words = QLineEdit()
        self.none_words = QLineEdit()
        self.where = QComboBox()
        for key, label in FIELD_LABELS.items():
            self.where.addItem(_(label), key)
        grid.addRow(_("All these words"), self.all_words)
        grid.addRow(_("This exact phrase"), self.phrase)
        grid.addRow(_("Any of these words"), self.any_words)
        grid.addRow(_("None of these words"), self.none_words)
        grid.addRow(_("Where"), self.where)
        write = QPushButton(_("Write the query"))
        write.clicked.connect(self.write_query)
        grid.addRow("", write)
        layout.addWidget(builder)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.run_test()

    def write_query(self) -> None:
        built = build_query(
            self.all_words.text(),
            self.phrase.text(),
            self.any_words.text(),
            self.none_words.text(),
            self.where.currentData() or "",
        )
        if built is None:
            self.test.setText(_("Fill in at least one box above the last one."))
            return
        # The operators in the interface's language; the query reads the same in both.
        french = current_language() == "fr"
        self.query.setText(query_text(built, FRENCH_KEYWORDS if french else ENGLISH_KEYWORDS))
        self.run_test()

    def run_test(self) -> bool:
        text = self.query.text()
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if not text.strip():
            self.test.setText(_("Type a query, or build one below."))
            save.setEnabled(False)
            return False
        try:
            parse(text)
            count = self.ws.topics.count_matching(text)
        except QuerySyntaxError as error:
            self.test.setText(
                _("Not understood at character {position}: {message}").format(
                    position=error.position + 1, message=error.message
                )
            )
            save.setEnabled(False)
            return False
        self.test.setText(_("{count} stored mentions match this query.").format(count=count))
        save.setEnabled(True)
        return True

    def values(self) -> dict[str, object]:
        return {
            "name": self.name.text(),
            "query": self.query.text(),
            "priority": self.priority.currentIndex(),
        }

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.test.setText(_("A topic needs a name."))
            return
        if self.run_test():
            self.accept()
