"""The composer: a post written once, adapted per network, with live counters.

The main text goes to every channel that has no text of its own; each channel's tab
counts what that network will receive (the link added where it previews it) the way
the network counts, and says what it would refuse or spoil before it happens. Images
are checked when attached and written, with their alt text, when the post is saved.
Nothing reaches the workspace before Save, and everything is written in one
transaction (save_post); a refusal is shown in the dialog and the text stays there.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.errors import CmdeskError
from cmdesk.core.networks import FIRST_COMMENT_NETWORKS, NETWORK_NAMES, Network
from cmdesk.core.post_text import ArticleCount, Count
from cmdesk.core.posts import EDITABLE, PostState
from cmdesk.core.publication import Post, checked_link
from cmdesk.i18n import _
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.channel_editor import LEVEL_COLOURS, ChannelEditor, level_of
from cmdesk.ui.widgets.post_images import ImageDraft, ImagesEditor, dropped_images

S = PostState


@dataclass(frozen=True)
class ChannelDraft:
    channel: str
    text: str | None  # None: the main text
    extras: dict[str, Any] = field(default_factory=dict)
    variant_id: int | None = None


@dataclass(frozen=True)
class PostDraft:
    title: str
    text: str
    link: str
    first_comment: str
    channels: tuple[ChannelDraft, ...] = ()
    images: tuple[ImageDraft, ...] = ()
    state: PostState = S.DRAFT  # a new post's (idea or draft)
    post_id: int | None = None
    mention_id: int | None = None


@dataclass(frozen=True)
class Saved(Changes):
    """The save's Changes with the post it wrote: every screen refreshes, the list
    selects it."""

    post_id: int | None = None


def save_post(ws: Workspace, draft: PostDraft) -> Saved:
    """Write the composer's post, its channels and its images in one transaction."""
    with ws.atomic():
        if draft.post_id is None:
            post = ws.posts.create(
                draft.text,
                (),
                title=draft.title,
                link=draft.link,
                first_comment=draft.first_comment,
                state=draft.state,
                mention_id=draft.mention_id,
            )
        else:
            ws.posts.update(
                draft.post_id,
                title=draft.title,
                text=draft.text,
                link=draft.link,
                first_comment=draft.first_comment,
            )
            post = ws.posts.get(draft.post_id)
        _save_channels(ws, post, draft.channels)
        _save_images(ws, post.id, draft.images)
    return Saved(posts=True, post_id=post.id)


def _save_channels(ws: Workspace, post: Post, channels: Sequence[ChannelDraft]) -> None:
    stored = {v.id: v for v in post.variants}
    kept = {c.variant_id for c in channels if c.variant_id is not None}
    for variant_id in stored.keys() - kept:
        ws.posts.remove_variant(variant_id)
    for channel in channels:
        if channel.variant_id is None:
            ws.posts.add_variant(post.id, channel.channel, text=channel.text, extras=channel.extras)
            continue
        variant = stored[channel.variant_id]
        fields: dict[str, Any] = {}
        if variant.text != channel.text:
            fields["text"] = channel.text
        if variant.extras != channel.extras:
            fields["extras"] = channel.extras
        if fields:
            ws.posts.update_variant(variant.id, **fields)


def _save_images(ws: Workspace, post_id: int, images: Sequence[ImageDraft]) -> None:
    stored = {m.id: m for m in ws.posts.media(post_id)}
    kept = {i.media_id for i in images if i.media_id is not None}
    for media_id in stored.keys() - kept:
        ws.posts.remove_media(media_id)
    order: list[int] = []
    for image in images:
        if image.media_id is None:
            assert image.data is not None
            added = ws.posts.add_media(post_id, image.data, image.alt, filename=image.filename)
            order.append(added.id)
            continue
        if stored[image.media_id].alt != image.alt.strip():
            ws.posts.set_alt(image.media_id, image.alt)
        order.append(image.media_id)
    if order != [m.id for m in ws.posts.media(post_id)]:
        ws.posts.reorder_media(post_id, order)


class ComposerDialog(QDialog):
    saved = Signal(object)  # the post's id, once written

    def __init__(
        self,
        ws: Workspace,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        post_id: int | None = None,
        title: str = "",
        link: str = "",
        text: str = "",
        mention_id: int | None = None,
        source: str = "",
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.tasks = tasks
        self.post = ws.posts.get(post_id) if post_id is not None else None
        self.mention_id = mention_id if self.post is None else self.post.mention_id
        self.editors: dict[Network, ChannelEditor] = {}
        self.variant_ids: dict[Network, int] = {}
        self.kept: list[ChannelDraft] = []  # variants the tabs do not show, saved unchanged
        self.dirty = False
        self.saving = False
        self.read_only = self.post is not None and self.post.state not in EDITABLE
        self._loading = True
        self.setWindowTitle(_("New post") if self.post is None else _("Post"))
        self.setMinimumSize(760, 620)
        self.setAcceptDrops(True)
        self._build(source)
        self._load(title, link, text)
        self._loading = False
        self.recount()
        self.text.setFocus()

    # -- layout ------------------------------------------------------------------------------

    def _build(self, source: str) -> None:
        layout = QVBoxLayout(self)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setStyleSheet("background: #eef5fb; padding: 6px 10px;")
        layout.addWidget(self.banner)
        if self.read_only and self.post is not None:
            self.banner.setText(
                _("This post is “{state}”: it can be read here, not changed.").format(
                    state=self.post.state.label
                )
            )
        elif source:
            self.banner.setText(_("Drafted from the mention “{title}”.").format(title=source))
        self.banner.setVisible(bool(self.banner.text()))

        top = QFormLayout()
        self.title = QLineEdit()
        self.title.setPlaceholderText(_("Optional; the article’s title on WordPress"))
        top.addRow(_("Title"), self.title)
        channels = QHBoxLayout()
        self.channel_boxes: dict[Network, QCheckBox] = {}
        for network in Network:
            box = QCheckBox(NETWORK_NAMES[network])
            box.toggled.connect(lambda on, n=network: self._channel_toggled(n, on))
            self.channel_boxes[network] = box
            channels.addWidget(box)
        channels.addStretch(1)
        top.addRow(_("Channels"), channels)
        layout.addLayout(top)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._main_tab(), _("Post"))
        layout.addWidget(self.tabs, 1)

        self.error = QLabel()
        self.error.setObjectName("composer-error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox()
        self.idea_button: QPushButton | None = None
        if self.read_only:
            self.save_button = self.buttons.addButton(
                _("Close"), QDialogButtonBox.ButtonRole.RejectRole
            )
            self.save_button.clicked.connect(self.reject)
        else:
            if self.post is None:
                self.idea_button = self.buttons.addButton(
                    _("Save as an idea"), QDialogButtonBox.ButtonRole.ActionRole
                )
                self.idea_button.clicked.connect(lambda: self.save(S.IDEA))
                text = _("Save as a draft (Ctrl+S)")
            else:
                text = _("Save (Ctrl+S)")
            self.save_button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
            self.save_button.setDefault(True)
            self.save_button.clicked.connect(lambda: self.save())
            cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            cancel.clicked.connect(self.reject)
            QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save())
        layout.addWidget(self.buttons)

    def _main_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(
            _("What the post says. Each network gets this text unless its tab has its own.")
        )
        self.text.setMinimumHeight(130)
        form.addRow(_("Text"), self.text)
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://…")
        form.addRow(_("Link"), self.link)
        self.first_comment = QLineEdit()
        self.first_comment_hint = QLabel()
        self.first_comment_hint.setWordWrap(True)
        self.first_comment_hint.setEnabled(False)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(self.first_comment)
        column.addWidget(self.first_comment_hint)
        form.addRow(_("First comment"), column)
        self.images = ImagesEditor()
        form.addRow(_("Images"), self.images)
        self.summary = QLabel()
        self.summary.setObjectName("counters")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        form.addRow(_("Counters"), self.summary)
        self.text.textChanged.connect(self._main_changed)
        self.title.textChanged.connect(self._changed)
        self.link.textChanged.connect(self._changed)
        self.first_comment.textChanged.connect(self._changed)
        self.images.changed.connect(self._changed)
        return page

    def _load(self, title: str, link: str, text: str) -> None:
        post = self.post
        if post is not None:
            title, link, text = post.title, post.link, post.text
            self.first_comment.setText(post.first_comment)
            media = self.ws.posts.media(post.id, with_data=True)
            self.images.set_images(
                ImageDraft(m.filename, m.mime, m.size, m.alt, m.id, m.data) for m in media
            )
            for variant in post.variants:
                network = Network(variant.channel)
                if network in self.editors:
                    # A second account on one network: kept as it is (its tab is the first's).
                    self.kept.append(
                        ChannelDraft(variant.channel, variant.text, variant.extras, variant.id)
                    )
                    continue
                self.variant_ids[network] = variant.id
                self._add_editor(network, variant.text, variant.extras)
                self.channel_boxes[network].setChecked(True)
        self.title.setText(title)
        self.link.setText(link)
        self.text.setPlainText(text)
        if self.read_only:
            for widget in (self.title, self.link, self.first_comment, self.text):
                widget.setReadOnly(True)
            for box in self.channel_boxes.values():
                box.setEnabled(False)
            self.images.setEnabled(False)
            for editor in self.editors.values():
                editor.setEnabled(False)

    # -- channels ----------------------------------------------------------------------------

    def _add_editor(
        self, network: Network, text: str | None = None, extras: dict[str, Any] | None = None
    ) -> ChannelEditor:
        editor = ChannelEditor(network, text, extras)
        editor.set_main_text(self.text.toPlainText())
        editor.changed.connect(self._changed)
        self.editors[network] = editor
        return editor

    def _channel_toggled(self, network: Network, on: bool) -> None:
        editor = self.editors.get(network) or self._add_editor(network)
        index = self.tabs.indexOf(editor)
        if on and index < 0:
            # Tabs in the order of the channel boxes, after the main tab.
            position = 1 + sum(
                1
                for other in list(Network)[: list(Network).index(network)]
                if self.tabs.indexOf(self.editors.get(other, QWidget())) >= 0
            )
            self.tabs.insertTab(position, editor, NETWORK_NAMES[network])
        elif not on and index >= 0:
            self.tabs.removeTab(index)
        self._changed()

    def channels(self) -> list[Network]:
        return [n for n in Network if self.channel_boxes[n].isChecked()]

    # -- counting ----------------------------------------------------------------------------

    def _main_changed(self) -> None:
        for editor in self.editors.values():
            editor.set_main_text(self.text.toPlainText())
        self._changed()

    def _changed(self) -> None:
        if self._loading:
            return
        self.dirty = True
        self.error.hide()
        self.recount()

    def recount(self) -> dict[Network, Count | ArticleCount]:
        """Count every chosen channel as its network will (called on every change)."""
        facts = self.images.facts()
        counts: dict[Network, Count | ArticleCount] = {}
        lines = []
        bar = self.tabs.tabBar()
        for network in self.channels():
            editor = self.editors[network]
            count = editor.recount(self.title.text(), self.link.text().strip(), facts)
            counts[network] = count
            colour = LEVEL_COLOURS[level_of(count)]
            index = self.tabs.indexOf(editor)
            name = NETWORK_NAMES[network]
            shown = (
                name if isinstance(count, ArticleCount) else f"{name}  {count.used}/{count.limit}"
            )
            self.tabs.setTabText(index, shown)
            bar.setTabTextColor(index, QColor(colour))
            worst = next((n.message for n in count.notices if n.severity != "note"), "")
            lines.append(
                f"<span style='color:{colour}'><b>{shown}</b>"
                + (f" — {html.escape(worst, quote=False)}" if worst else " ✓")
                + "</span>"
            )
        self.summary.setText(
            "<br>".join(lines) if lines else _("Choose the channels above: each gets a counter.")
        )
        self._first_comment_hint()
        return counts

    def _first_comment_hint(self) -> None:
        where = [n for n in self.channels() if n in FIRST_COMMENT_NETWORKS]
        has_text = bool(self.first_comment.text().strip())
        self.first_comment.setEnabled(bool(where) or has_text)
        if where:
            self.first_comment_hint.setText(
                _("Posted right under the post on {networks}: a link, more hashtags.").format(
                    networks=", ".join(NETWORK_NAMES[n] for n in where)
                )
            )
        else:
            self.first_comment_hint.setText(
                _("Only Instagram, Facebook and LinkedIn have a first comment.")
            )

    # -- saving ------------------------------------------------------------------------------

    def draft(self, state: PostState = S.DRAFT) -> PostDraft:
        return PostDraft(
            title=self.title.text().strip(),
            text=self.text.toPlainText().strip(),
            link=self.link.text().strip(),
            first_comment=self.first_comment.text().strip(),
            channels=tuple(
                ChannelDraft(
                    n.value,
                    self.editors[n].text(),
                    self.editors[n].draft_extras(),
                    self.variant_ids.get(n),
                )
                for n in self.channels()
            )
            + tuple(self.kept),
            images=tuple(self.images.images),
            state=state,
            post_id=self.post.id if self.post is not None else None,
            mention_id=self.mention_id,
        )

    def save(self, state: PostState = S.DRAFT) -> None:
        """Write the post (Ctrl+S); the dialog closes once it is in the workspace, and
        stays open with the reason when it is refused."""
        if self.read_only or self.saving:
            return
        draft = self.draft(state)
        try:
            if not (draft.text or draft.title or draft.link):
                raise CmdeskError(_("Write a text, a title or a link first."))
            checked_link(draft.link)
        except CmdeskError as exc:
            self.show_error(exc.message)
            return
        ws = self.ws
        self.saving = True
        self.buttons.setEnabled(False)
        self.tasks.run(
            _("Saving the post"),
            lambda ctx: save_post(ws, draft),
            self._saved,
            self._refused,
            write=True,
            cancellable=False,
        )

    def _saved(self, saved: Saved) -> None:
        self.saving = False
        self.dirty = False
        self.buttons.setEnabled(True)
        self.saved.emit(saved.post_id)
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        self.saving = False
        self.buttons.setEnabled(True)
        self.show_error(
            _("The post was not saved: {reason}").format(
                reason=exc.message if isinstance(exc, CmdeskError) else str(exc)
            )
        )

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    # -- leaving -----------------------------------------------------------------------------

    def accept(self) -> None:
        self.save()  # Enter in a one-line field: the default button, i.e. save

    def reject(self) -> None:
        """Esc or Cancel: typed text is never thrown away without asking."""
        if self.saving:
            return
        if self.dirty and not self.confirm_discard():
            return
        super().reject()

    def confirm_discard(self) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Discard the changes?"))
        box.setText(_("This post has changes that are not saved."))
        discard = box.addButton(_("Discard the changes"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(_("Keep writing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is discard

    # -- images dropped anywhere on the dialog -------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.read_only and dropped_images(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_images(event.mimeData())
        if paths and not self.read_only:
            event.acceptProposedAction()
            self.tabs.setCurrentIndex(0)
            self.images.add_files(paths)

    def add_images(self, paths: Sequence[Path]) -> list[str]:
        return self.images.add_files(paths)
