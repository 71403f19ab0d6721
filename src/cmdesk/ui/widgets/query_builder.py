"""Build a query by pointing: four boxes of words and where to look, written out as text.

Shared by the watch-topic dialog and the inbox-rule dialog, so both write the same
query language the same way (operators in the interface's language).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.query import (
    ENGLISH_KEYWORDS,
    FRENCH_KEYWORDS,
    And,
    Not,
    Or,
    Query,
    Term,
)
from cmdesk.core.query import to_text as query_text
from cmdesk.core.query import tokens as query_tokens
from cmdesk.i18n import N_, _, current_language

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


def written(query: Query) -> str:
    """The query as text, its operators in the interface's language (it parses the same
    in both)."""
    french = current_language() == "fr"
    return query_text(query, FRENCH_KEYWORDS if french else ENGLISH_KEYWORDS)


class QueryBuilder(QGroupBox):
    """The boxes and the "Write the query" button; `written_out` carries the text, or ""
    when every box that makes a query is empty."""

    written_out = Signal(str)

    def __init__(
        self,
        *,
        with_fields: bool = True,
        checked: bool = True,
        collapsible: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Build the query"), parent)
        self.setCheckable(True)
        self.setChecked(checked)
        self.outer = QVBoxLayout(self)
        outer = self.outer
        self.body = QWidget()
        outer.addWidget(self.body)
        grid = QFormLayout(self.body)
        grid.setContentsMargins(0, 0, 0, 0)
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
        if with_fields:
            grid.addRow(_("Where"), self.where)
        else:
            self.where.hide()
        self.write = QPushButton(_("Write the query"))
        self.write.clicked.connect(self.write_query)
        grid.addRow("", self.write)
        margins = outer.contentsMargins()
        self._margins = (margins.left(), margins.top(), margins.right(), margins.bottom())
        if collapsible:  # unchecked, it takes one line in a dialog that has many
            self._fold(checked)
            self.toggled.connect(self._fold)

    def _fold(self, shown: bool) -> None:
        self.body.setVisible(shown)
        self.setFlat(not shown)  # folded: the title alone, no empty frame under it
        self.outer.setContentsMargins(*(self._margins if shown else (0, 0, 0, 0)))

    def query(self) -> Query | None:
        return build_query(
            self.all_words.text(),
            self.phrase.text(),
            self.any_words.text(),
            self.none_words.text(),
            self.where.currentData() or "",
        )

    def write_query(self) -> None:
        built = self.query()
        self.written_out.emit("" if built is None else written(built))
