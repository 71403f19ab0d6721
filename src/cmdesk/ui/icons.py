"""Icons drawn from the SVGs in cmdesk/resources/icons, tinted to the palette's text colour
so they stay readable in light and dark themes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"


@cache
def _svg(name: str) -> str:
    return (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")


def render_svg(data: bytes, size: int) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(data))
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    if renderer.isValid():
        painter = QPainter(pixmap)
        view = renderer.viewBoxF()
        scale = min(size / max(view.width(), 1), size / max(view.height(), 1))
        w, h = view.width() * scale, view.height() * scale
        renderer.render(painter, QRectF((size - w) / 2, (size - h) / 2, w, h))
        painter.end()
    return pixmap


def icon(name: str, colour: QColor | None = None) -> QIcon:
    if colour is None:
        colour = QGuiApplication.palette().color(QPalette.ColorRole.WindowText)
    text = _svg(name).replace("#000000", colour.name())
    result = QIcon()
    for size in (16, 24, 32, 48):
        result.addPixmap(render_svg(text.encode(), size))
    return result


def app_icon() -> QIcon:
    result = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        result.addPixmap(render_svg(_svg("app").encode(), size))
    return result


def swatch(colour: str, size: int = 14) -> QIcon:
    """A square of the client's colour, to tell clients apart at a glance."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour) if QColor.isValidColorName(colour) else QColor("#888888"))
    return QIcon(pixmap)
