"""One network's tab in the composer: its own text (or the main one), its counter that
counts the way that network counts (core.post_text), and the warnings that network
would give too late (over the limit, an image it refuses, no alt text...).

A WordPress article has its own fields instead: title, body, excerpt, categories, tags.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.networks import NETWORK_NAMES, Network
from cmdesk.core.post_text import (
    ArticleCount,
    Count,
    ImageFacts,
    MastodonLimits,
    Notice,
    count_article,
    count_post,
    text_as_sent,
)
from cmdesk.i18n import _

Level = Literal["ok", "near", "over"]
LEVEL_COLOURS = {"ok": "#27ae60", "near": "#b35900", "over": "#c0392b"}
NOTICE_COLOURS = {"error": "#c0392b", "warning": "#b35900", "note": "#5f6b73"}
NOTICE_MARKS = {"error": "⛔", "warning": "⚠", "note": "ℹ"}


def level_of(count: Count | ArticleCount) -> Level:
    """Red when the network would refuse it, orange when it gets close to the limit or
    would go out worse, green otherwise: the warning comes before it bites."""
    if not count.ok:
        return "over"
    if any(n.severity == "warning" for n in count.notices):
        return "near"
    if isinstance(count, Count) and count.remaining < max(10, count.limit // 10):
        return "near"
    return "ok"


def counter_text(count: Count | ArticleCount) -> str:
    if isinstance(count, ArticleCount):
        return _(
            "Title: {title} characters · article: {body} words · excerpt: {excerpt} words"
        ).format(title=count.title_characters, body=count.body_words, excerpt=count.excerpt_words)
    return f"{count.used} / {count.limit}"


def notices_html(notices: Sequence[Notice]) -> str:
    return "<br>".join(
        f"<span style='color:{NOTICE_COLOURS[n.severity]}'>"
        f"{NOTICE_MARKS[n.severity]} {html.escape(n.message, quote=False)}</span>"
        for n in notices
    )


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


class ChannelEditor(QWidget):
    changed = Signal()

    def __init__(
        self,
        network: Network,
        text: str | None = None,
        extras: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.network = network
        self.extras = dict(extras or {})
        self.limits: MastodonLimits | None = None  # the account's instance, when known
        self.count: Count | ArticleCount | None = None
        self._main = ""
        name = NETWORK_NAMES[network]
        layout = QVBoxLayout(self)
        self.own = QCheckBox(_("A different text for {network}").format(network=name))
        self.own.setToolTip(
            _("Otherwise {network} gets the main text of the post.").format(network=name)
        )
        layout.addWidget(self.own)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)
        self.spoiler = QLineEdit()
        self.article_title = QLineEdit()
        self.excerpt = QPlainTextEdit()
        self.categories = QLineEdit()
        self.tags = QLineEdit()
        if network is Network.WORDPRESS:
            self.article_title.setPlaceholderText(_("The post’s title when left empty"))
            self.article_title.setText(str(self.extras.get("title") or ""))
            self.form.addRow(_("Article title"), self.article_title)
            self.form.addRow(_("Article"), self.editor)
            self.excerpt.setTabChangesFocus(True)
            self.excerpt.setMaximumHeight(70)
            self.excerpt.setPlainText(str(self.extras.get("excerpt") or ""))
            self.form.addRow(_("Excerpt"), self.excerpt)
            for box, key in ((self.categories, "categories"), (self.tags, "tags")):
                box.setPlaceholderText(_("Names separated by commas"))
                value = self.extras.get(key) or []
                box.setText(", ".join(value) if isinstance(value, list) else str(value))
            self.form.addRow(_("Categories"), self.categories)
            self.form.addRow(_("Tags"), self.tags)
        else:
            self.form.addRow(self.editor)
            if network is Network.MASTODON:
                self.spoiler.setPlaceholderText(_("Optional: shown before the text is opened"))
                self.spoiler.setText(str(self.extras.get("spoiler_text") or ""))
                self.form.addRow(_("Content warning"), self.spoiler)
        layout.addLayout(self.form, 1)
        self.counter = QLabel()
        self.counter.setObjectName("counter")
        font = self.counter.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.counter.setFont(font)
        layout.addWidget(self.counter)
        self.notices = QLabel()
        self.notices.setTextFormat(Qt.TextFormat.RichText)
        self.notices.setWordWrap(True)
        layout.addWidget(self.notices)

        self.own.setChecked(text is not None)
        self.editor.setPlainText(text or "")
        self._own_toggled(self.own.isChecked())
        self.own.toggled.connect(self._own_toggled)
        for box in (self.spoiler, self.article_title, self.categories, self.tags):
            box.textChanged.connect(self.changed)
        for edit in (self.editor, self.excerpt):
            edit.textChanged.connect(self._edited)

    def _own_toggled(self, own: bool) -> None:
        self.editor.setReadOnly(not own)
        self.editor.setEnabled(own)
        if not own:
            self.editor.setPlainText(self._main)
        else:
            self.editor.setFocus()
        self.changed.emit()

    def _edited(self) -> None:
        if self.own.isChecked() or self.sender() is self.excerpt:
            self.changed.emit()

    def set_main_text(self, text: str) -> None:
        """The post's main text changed: shown here while this network has no own text."""
        self._main = text
        if not self.own.isChecked() and self.editor.toPlainText() != text:
            self.editor.blockSignals(True)
            self.editor.setPlainText(text)
            self.editor.blockSignals(False)

    def text(self) -> str | None:
        """The variant's own text; None when it takes the main text."""
        return self.editor.toPlainText() if self.own.isChecked() else None

    def draft_extras(self) -> dict[str, Any]:
        extras = dict(self.extras)
        if self.network is Network.WORDPRESS:
            extras.update(
                title=self.article_title.text().strip(),
                excerpt=self.excerpt.toPlainText().strip(),
                categories=_names(self.categories.text()),
                tags=_names(self.tags.text()),
            )
            for key in ("title", "excerpt", "categories", "tags"):
                if not extras[key]:
                    del extras[key]
        if self.network is Network.MASTODON:
            extras["spoiler_text"] = self.spoiler.text().strip()
            if not extras["spoiler_text"]:
                del extras["spoiler_text"]
        return extras

    # -- counting ------------------------------------------------------------------------

    def recount(self, title: str, link: str, images: Sequence[ImageFacts]) -> Count | ArticleCount:
        """Count what this network will receive, and show it."""
        body = text_as_sent(self.network, self.editor.toPlainText(), link)
        if self.network is Network.WORDPRESS:
            count: Count | ArticleCount = count_article(
                self.article_title.text() or title,
                body,
                self.excerpt.toPlainText(),
                images=images,
            )
        else:
            count = count_post(
                self.network,
                body,
                images=images,
                spoiler_text=self.spoiler.text(),
                mastodon=self.limits,
            )
        self.count = count
        level = level_of(count)
        self.counter.setText(counter_text(count))
        self.counter.setStyleSheet(f"color: {LEVEL_COLOURS[level]};")
        self.counter.setToolTip(self._how(count))
        shown = notices_html(count.notices)
        if body != self.editor.toPlainText() and self.network is not Network.WORDPRESS:
            added = _("The link is added at the end of the text, and counted.")
            shown = (
                f"<span style='color:{NOTICE_COLOURS['note']}'>+ {html.escape(added)}</span>"
                + ("<br>" + shown if shown else "")
            )
        self.notices.setText(shown)
        self.notices.setVisible(bool(shown))
        return count

    def _how(self, count: Count | ArticleCount) -> str:
        if isinstance(count, ArticleCount):
            return _("WordPress has no length limit.")
        if count.unit == "weighted":
            return _("Counted like X: every link 23, emoji and most Asian characters 2.")
        if self.network is Network.MASTODON:
            return _("Counted like Mastodon: every link 23, @name@instance as @name.")
        if count.unit == "graphemes":
            return _("Counted in characters as you see them (an emoji counts 1).")
        return _("Counted like the network’s own editor (most emoji count 2).")
