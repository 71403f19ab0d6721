"""Assisted publishing, for the networks that open their API only to approved apps
(Instagram, Facebook, LinkedIn pages, TikTok, X): at the due time the text is on the
clipboard, the images are ready to drag into the network's page, a button opens that
network's compose page in the browser, and "Mark as published" records the post's
address (checked: a web address on that network) with its history.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDrag,
    QGuiApplication,
    QMouseEvent,
    QPixmap,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import CmdeskError
from cmdesk.core.networks import COMPOSE_PAGES, Network, network_name, post_url_problem
from cmdesk.core.publication import MediaItem, Variant
from cmdesk.i18n import _
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.post_queue import PostQueueDialog, problem_label
from cmdesk.ui.tasks import TaskManager

THUMBNAIL = 120


def safe_web_url(url: str) -> QUrl | None:
    """Only http and https addresses are handed to the browser."""
    qurl = QUrl(url)
    if qurl.isValid() and qurl.scheme() in ("http", "https") and qurl.host():
        return qurl
    return None


class DragImage(QLabel):
    """An image of the post, dragged out as a file (and as an image) onto the network's
    upload area or a folder."""

    def __init__(self, path: Path, alt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setObjectName("drag-image")
        pixmap = QPixmap(str(path))
        self.pixmap_full = pixmap
        if not pixmap.isNull():
            self.setPixmap(
                pixmap.scaled(
                    THUMBNAIL,
                    THUMBNAIL,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.setText(path.name)
        self.setFixedSize(THUMBNAIL + 8, THUMBNAIL + 8)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFrameShape(QLabel.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        tip = _("Drag this image onto the network's page.")
        self.setToolTip(tip + ("\n" + _("Description: {alt}").format(alt=alt) if alt else ""))
        self._pressed: QPoint | None = None

    def mime_data(self) -> QMimeData:
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(self.path))])
        if not self.pixmap_full.isNull():
            data.setImageData(self.pixmap_full.toImage())
        return data

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        start = self._pressed
        if start is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        moved = (event.position().toPoint() - start).manhattanLength()
        if moved < QGuiApplication.styleHints().startDragDistance():
            return
        self._pressed = None
        drag = QDrag(self)
        drag.setMimeData(self.mime_data())
        if self.pixmap() is not None and not self.pixmap().isNull():
            drag.setPixmap(self.pixmap())
        drag.exec(Qt.DropAction.CopyAction)


class AssistedDialog(PostQueueDialog):
    message = Signal(str)

    def __init__(
        self,
        ws: Workspace,
        tasks: TaskManager,
        variants: list[Variant],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ws, variants, parent)
        self.setObjectName("assisted-publishing")
        self.setWindowTitle(_("Publish by hand"))
        self.tasks = tasks
        self.folder = Path(tempfile.mkdtemp(prefix="cmdesk-images-"))
        self.images: list[DragImage] = []

        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)

        self.steps = QLabel()
        self.steps.setWordWrap(True)
        layout.addWidget(self.steps)

        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        row = QHBoxLayout()
        self.copy_button = QPushButton(_("Copy the text again"))
        self.copy_button.clicked.connect(self.copy_text)
        row.addWidget(self.copy_button)
        self.open_button = QPushButton()
        self.open_button.setObjectName("open-compose")
        self.open_button.clicked.connect(self.open_compose)
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout.addLayout(row)

        self.images_note = QLabel()
        self.images_note.setWordWrap(True)
        layout.addWidget(self.images_note)
        self.images_row: QWidget | None = None
        self.images_at = layout.count()
        self.root = layout

        layout.addWidget(QLabel(_("Once it is online, paste the address of the post:")))
        done = QHBoxLayout()
        self.url = QLineEdit()
        self.url.setObjectName("post-url")
        self.url.textChanged.connect(self._check_url)
        self.url.returnPressed.connect(self.mark_published)
        done.addWidget(self.url, 1)
        self.mark_button = QPushButton(_("Mark as published"))
        self.mark_button.setObjectName("mark-published")
        self.mark_button.setEnabled(False)
        self.mark_button.clicked.connect(self.mark_published)
        done.addWidget(self.mark_button)
        layout.addLayout(done)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        close = QHBoxLayout()
        close.addStretch(1)
        later = QPushButton(_("Later"))
        later.clicked.connect(self.close)
        close.addWidget(later)
        layout.addLayout(close)

        self.fill_picker()
        self.resize(720, 600)

    # -- the post shown -------------------------------------------------------------------------

    def _show(self, row: int) -> None:
        variant = self.current
        if variant is None:
            return
        post = self.ws.posts.get(variant.post_id)
        network = network_name(variant.channel)
        account = self.account_name(variant)
        self.heading.setText(
            _("Time to publish on {network}").format(network=network)
            + (f" — {account}" if account else "")
        )
        text = variant.text_or(post.text)
        if post.link and post.link not in text:
            text = f"{text}\n\n{post.link}" if text else post.link
        self.text.setPlainText(text)
        self.steps.setText(
            _(
                "1. The text is on the clipboard. 2. Open {network} and paste it in a new "
                "post. 3. Drag the images below onto the page. 4. Publish, then paste the "
                "post's address here."
            ).format(network=network)
        )
        page = self._compose_page(variant.channel)
        self.open_button.setText(_("Open {network}").format(network=network))
        self.open_button.setEnabled(page is not None)
        self._show_images(self.ws.posts.media(post.id, with_data=True))
        self.url.clear()
        self.problem.clear()
        self.copy_text()

    @staticmethod
    def _compose_page(channel: str) -> QUrl | None:
        try:
            address = COMPOSE_PAGES.get(Network(channel), "")
        except ValueError:
            return None
        return safe_web_url(address) if address else None

    def _show_images(self, media: list[MediaItem]) -> None:
        if self.images_row is not None:
            self.root.removeWidget(self.images_row)
            self.images_row.deleteLater()
        self.images_row = QWidget()
        row = QHBoxLayout(self.images_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.images = []
        for n, item in enumerate(media, start=1):
            suffix = "." + (item.mime.split("/")[-1] or "img").replace("jpeg", "jpg")
            name = Path(item.filename).name if item.filename else f"image-{n}{suffix}"
            path = self.folder / f"{n:02d}-{name}"
            path.write_bytes(item.data or b"")
            image = DragImage(path, item.alt)
            self.images.append(image)
            row.addWidget(image)
        row.addStretch(1)
        self.root.insertWidget(self.images_at, self.images_row)
        self.images_row.setVisible(bool(media))
        self.images_note.setText(
            _("Drag each image onto the network's page (or into a folder):")
            if media
            else _("This post has no image.")
        )

    # -- actions --------------------------------------------------------------------------------

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        self.message.emit(_("The post's text is on the clipboard."))

    def open_compose(self) -> None:
        variant = self.current
        page = self._compose_page(variant.channel) if variant is not None else None
        if page is not None:
            QDesktopServices.openUrl(page)

    def _check_url(self, text: str) -> None:
        variant = self.current
        problem = post_url_problem(variant.channel, text) if variant and text.strip() else ""
        self.problem.setText(problem)
        self.mark_button.setEnabled(bool(text.strip()) and not problem)

    def mark_published(self) -> None:
        variant = self.current
        url = self.url.text().strip()
        if variant is None or not self.mark_button.isEnabled():
            return
        ws = self.ws
        self.mark_button.setEnabled(False)

        def done(_changes: object) -> None:
            self.message.emit(
                _("Marked as published on {network}.").format(network=network_name(variant.channel))
            )
            self.settled(variant)

        def failed(exc: BaseException) -> None:
            self.problem.setText(exc.message if isinstance(exc, CmdeskError) else str(exc))
            self.mark_button.setEnabled(True)

        self.tasks.run(
            _("Marking a post as published"),
            lambda ctx: ws.posts.mark_published(variant.id, url),
            done,
            failed,
            write=True,
            cancellable=False,
        )

    def done(self, result: int) -> None:  # closing by any way removes the image copies
        shutil.rmtree(self.folder, ignore_errors=True)
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        super().closeEvent(event)
