"""A centred, readable column of content that scrolls when the window is short.

Word-wrapped labels only get their full height when their column has a definite
width; centring a box with an alignment flag gives it its (narrow) size hint
instead, and the text is clipped. Here the column fills the width and the side
margins grow instead, so wrapped text always lays out at its real width.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget


class _Column(QWidget):
    def __init__(self, max_width: int, margin: int) -> None:
        super().__init__()
        self.max_width = max_width
        self.margin = margin
        self.body = QVBoxLayout(self)
        self.body.setSpacing(12)

    def resizeEvent(self, event: QResizeEvent) -> None:
        side = max(self.margin, (event.size().width() - self.max_width) // 2)
        self.body.setContentsMargins(side, self.margin, side, self.margin)
        super().resizeEvent(event)


class CenteredColumn(QScrollArea):
    """Add widgets to `.layout_` (a QVBoxLayout); it is centred vertically too."""

    def __init__(self, max_width: int = 640, margin: int = 32, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column = _Column(max_width, margin)
        column.setAutoFillBackground(False)
        self.setWidget(column)
        self.viewport().setAutoFillBackground(False)
        column.body.addStretch(1)
        self.layout_ = QVBoxLayout()
        self.layout_.setSpacing(12)
        column.body.addLayout(self.layout_)
        column.body.addStretch(2)


def in_column(parent: QWidget, max_width: int = 640) -> QVBoxLayout:
    """Give `parent` a centred column; returns the layout to fill."""
    outer = QVBoxLayout(parent)
    outer.setContentsMargins(0, 0, 0, 0)
    column = CenteredColumn(max_width)
    outer.addWidget(column)
    return column.layout_
