"""The reading pane: stored, sanitised HTML, and nothing loaded from anywhere.

QTextBrowser loads local files for <img src> and relative links even when asked not
to (DESIGN.md), so every resource request is answered with nothing here, links are
not followed inside the pane, and only http, https and mailto links open, in the
user's browser.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

SAFE_SCHEMES = ("http", "https", "mailto")


def _placeholder() -> QImage:
    # Returning None lets Qt fall back to reading the file itself: give it a blank pixel.
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(0)
    return image


class Reader(QTextBrowser):
    link_refused = Signal(str)  # a link that was not opened, and why it was shown
    resource_requests = 0  # counted for tests: must stay at zero effect

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open)
        self.opened: list[str] = []  # links handed to the browser (for tests and logs)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        # Images, style sheets, anything: never fetched, never read from disk.
        Reader.resource_requests += 1
        if kind == QTextDocument.ResourceType.ImageResource.value:
            return _placeholder()
        return ""

    def _open(self, url: QUrl) -> None:
        if url.scheme().lower() in SAFE_SCHEMES:
            self.opened.append(url.toString())
            QDesktopServices.openUrl(url)
        else:
            self.link_refused.emit(url.toString())
