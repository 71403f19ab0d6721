"""A post's images in the composer: added from a file or dropped, each with its alt text.

An image is checked when it is added (size before reading, then its bytes:
core.images), so a file too large or not an image is refused on the spot with the
reason, and never reaches the workspace. The images are written when the post is saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import InvalidData
from cmdesk.core.images import MAX_ALT_CHARS, MAX_IMAGE_BYTES, check_size, checked_image, size_text
from cmdesk.core.post_text import ImageFacts
from cmdesk.i18n import _

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


@dataclass
class ImageDraft:
    """An image as the composer holds it: one already stored (media_id) or a new one
    (its bytes), and the alt text as typed."""

    filename: str
    mime: str
    size: int
    alt: str = ""
    media_id: int | None = None
    data: bytes | None = None

    def facts(self) -> ImageFacts:
        return ImageFacts(alt=self.alt, size=self.size, mime=self.mime)


def read_image(path: Path) -> ImageDraft:
    """The image in `path`, checked; InvalidData in plain words when it cannot be attached."""
    if not path.is_file():
        raise InvalidData(_("There is no file {path}.").format(path=path))
    check_size(path.stat().st_size, path.name)  # before reading a camera original
    data = path.read_bytes()
    mime = checked_image(data, path.name)
    return ImageDraft(filename=path.name, mime=mime, size=len(data), data=data)


def shown_size(size: int) -> str:
    """ "2,4 MB" for a photo, "85 KB" for a small picture (not "0,0 MB")."""
    if size >= 1024 * 1024:
        return size_text(size)
    return _("{n} KB").format(n=max(1, round(size / 1024)))


def dropped_images(mime: QMimeData) -> list[Path]:
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]


class ImagesEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: list[ImageDraft] = []
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setIconSize(QSize(56, 56))
        self.list.setMaximumHeight(100)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.currentRowChanged.connect(self._selected)
        row.addWidget(self.list, 2)
        side = QVBoxLayout()
        self.alt = QPlainTextEdit()
        self.alt.setTabChangesFocus(True)
        self.alt.setPlaceholderText(_("Describe the image for people who cannot see it (alt text)"))
        self.alt.setMaximumHeight(80)
        self.alt.textChanged.connect(self._alt_typed)
        side.addWidget(self.alt)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("Add images…"))
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(_("Remove the image"))
        self.remove_button.clicked.connect(self.remove_current)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        side.addLayout(buttons)
        row.addLayout(side, 3)
        layout.addLayout(row)
        self.hint = QLabel(
            _("Drop images here, or add them: JPEG, PNG, GIF or WebP up to {size}.").format(
                size=size_text(MAX_IMAGE_BYTES)
            )
        )
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)
        layout.addWidget(self.hint)
        self.error = QLabel()
        self.error.setObjectName("image-error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.error.hide()
        layout.addWidget(self.error)
        self._selected(-1)

    def set_images(self, images: Iterable[ImageDraft]) -> None:
        self.images = list(images)
        self._fill()

    def _fill(self, row: int = -1) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for image in self.images:
            item = QListWidgetItem(self._icon(image), self._item_text(image))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.list.setVisible(bool(self.images))
        if self.images:
            self.list.setCurrentRow(row if 0 <= row < len(self.images) else 0)
        self._selected(self.list.currentRow())

    @staticmethod
    def _icon(image: ImageDraft) -> QIcon:
        pixmap = QPixmap()
        if image.data is not None:
            pixmap.loadFromData(image.data)
        return QIcon(pixmap) if not pixmap.isNull() else QIcon()

    @staticmethod
    def _item_text(image: ImageDraft) -> str:
        described = image.alt.strip() or "⚠ " + _("no description")
        return f"{image.filename or image.mime} · {shown_size(image.size)}\n{described}"

    def _selected(self, row: int) -> None:
        has = 0 <= row < len(self.images)
        self.alt.setEnabled(has)
        self.remove_button.setEnabled(has)
        self.alt.blockSignals(True)
        self.alt.setPlainText(self.images[row].alt if has else "")
        self.alt.blockSignals(False)

    def _alt_typed(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.images):
            return
        alt = self.alt.toPlainText()
        if len(alt) > MAX_ALT_CHARS:
            self.show_error(
                _("An image description has at most {limit} characters ({count} given).").format(
                    limit=MAX_ALT_CHARS, count=len(alt)
                )
            )
        else:
            self.error.hide()
        self.images[row].alt = alt
        item = self.list.item(row)
        if item is not None:
            item.setText(self._item_text(self.images[row]))
        self.changed.emit()

    # -- adding and removing -------------------------------------------------------------

    def choose_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            _("Add images"),
            "",
            _("Images ({patterns})").format(patterns=" ".join(f"*{s}" for s in IMAGE_SUFFIXES)),
        )
        self.add_files([Path(n) for n in names])

    def add_files(self, paths: Iterable[Path]) -> list[str]:
        """Attach each image that can be; the reasons the others cannot are shown (and
        returned). Nothing is written until the post is saved."""
        errors: list[str] = []
        added = 0
        for path in paths:
            try:
                self.images.append(read_image(path))
                added += 1
            except InvalidData as exc:
                errors.append(exc.message)
            except OSError as exc:
                errors.append(
                    _("{name} could not be read: {reason}").format(
                        name=path.name, reason=exc.strerror or exc
                    )
                )
        if added:
            self._fill(len(self.images) - 1)
            self.alt.setFocus()  # the description is the next thing to write
            self.changed.emit()
        if errors:
            self.show_error("\n".join(errors))
        else:
            self.error.hide()
        return errors

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.images):
            del self.images[row]
            self._fill(min(row, len(self.images) - 1))
            self.changed.emit()

    def facts(self) -> list[ImageFacts]:
        return [image.facts() for image in self.images]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_images(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_images(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)
