"""The reading pane: stored, sanitised HTML, and nothing loaded from anywhere.

QTextBrowser loads local files for <img src> and relative links even when its own
loadResource() returns None (DESIGN.md). Here the *document* answers every resource
request (images, style sheets, anything) with a blank, so nothing is read from the
network or the disk; links are not followed inside the pane, and only http, https and
mailto links open, in the user's browser.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

SAFE_SCHEMES = ("http", "https", "mailto")
_IMAGE = QTextDocument.ResourceType.ImageResource.value


def open_link(url: QUrl) -> bool:
    """Open a web or mail link in the user's programs; anything else (file:, javascript:,
    smb:) is refused and False returned, for the caller to say so."""
    if url.scheme().lower() in SAFE_SCHEMES:
        QDesktopServices.openUrl(url)
        return True
    return False


def _placeholder() -> QImage:
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(0)
    return image


class SafeDocument(QTextDocument):
    requests = 0  # resources asked for (and refused), for tests

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.blank = _placeholder()

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        SafeDocument.requests += 1
        value: Any = self.blank if kind == _IMAGE else ""
        # Remembered, so the same name is not asked for again at every paint.
        self.addResource(kind, name, value)
        return value


class Reader(QTextBrowser):
    link_refused = Signal(str)  # a link that was not opened, shown in the status bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocument(SafeDocument(self))
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open)

    def setHtml(self, text: str) -> None:
        # A new document each time: no resource remembered from the previous mention.
        self.setDocument(SafeDocument(self))
        super().setHtml(text)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        url = name if isinstance(name, QUrl) else QUrl(name)
        return self.document().loadResource(kind, url)

    def _open(self, url: QUrl) -> None:
        if not open_link(url):
            self.link_refused.emit(url.toString())
