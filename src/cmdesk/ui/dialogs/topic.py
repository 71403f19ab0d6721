"""A watch topic: its query, typed or built by pointing, tested on the stored mentions."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.monitoring import Topic
from cmdesk.core.query import QuerySyntaxError, parse
from cmdesk.i18n import N_, _, ngettext
from cmdesk.store.workspace import Workspace
from cmdesk.ui.widgets.query_builder import FIELD_LABELS, QueryBuilder, build_query

__all__ = ["FIELD_LABELS", "PRIORITY_LABELS", "TopicDialog", "build_query"]
PRIORITY_LABELS = (N_("Normal"), N_("Important"), N_("Urgent: alert me"))


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

        self.builder = QueryBuilder(checked=not topic)
        self.builder.written_out.connect(self._written)
        # The boxes by name, for the tests and the screenshots.
        self.all_words, self.phrase = self.builder.all_words, self.builder.phrase
        self.any_words, self.none_words = self.builder.any_words, self.builder.none_words
        self.where = self.builder.where
        layout.addWidget(self.builder)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.run_test()

    def write_query(self) -> None:
        self.builder.write_query()

    def _written(self, text: str) -> None:
        if not text:
            self.test.setText(_("Fill in at least one box above the last one."))
            return
        self.query.setText(text)
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
        self.test.setText(
            ngettext(
                "{count} stored mention matches this query.",
                "{count} stored mentions match this query.",
                count,
            ).format(count=count)
        )
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
