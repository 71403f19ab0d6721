"""One colour per network, for the calendar's posts, its legend and its filters.

Chosen for being told apart (hues far from each other, not the brands' own: Bluesky,
LinkedIn and Facebook are all blue) and mid-toned, so a bar of the colour shows on a
light and on a dark window alike. A post's card is tinted by blending the colour into
the window's own base colour, and its text keeps the palette's text colour: readable in
both themes without a second set of colours.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap

from cmdesk.core.networks import network_name
from cmdesk.core.publication import CHANNELS

CHANNEL_COLOURS: dict[str, str] = {
    "mastodon": "#7b61ff",  # violet
    "bluesky": "#1e90ff",  # azure
    "wordpress": "#2e9e6b",  # green
    "x": "#8a96a3",  # grey
    "linkedin": "#c9892b",  # ochre
    "instagram": "#e1306c",  # pink
    "facebook": "#3b5ba8",  # navy
    "tiktok": "#1fb5b0",  # teal
}
_OTHER = "#9e9e9e"  # a post without a channel yet, or a network added later


def channel_order(channel: str) -> int:
    """Where a channel comes in lists and legends (a network unknown here, last)."""
    return CHANNELS.index(channel) if channel in CHANNELS else len(CHANNELS)


def channel_colour(channel: str) -> QColor:
    return QColor(CHANNEL_COLOURS.get(channel, _OTHER))


def blend(colour: QColor, base: QColor, amount: float) -> QColor:
    """`amount` of `colour` over `base` (0: base, 1: colour)."""
    return QColor(
        round(base.red() + (colour.red() - base.red()) * amount),
        round(base.green() + (colour.green() - base.green()) * amount),
        round(base.blue() + (colour.blue() - base.blue()) * amount),
    )


def card_colour(channel: str, palette: QPalette) -> QColor:
    """A post card's background: the channel's colour lightly over the window's base (a
    little more on a dark base, where a light tint would not show)."""
    base = palette.color(QPalette.ColorRole.Base)
    return blend(channel_colour(channel), base, 0.32 if base.lightness() < 128 else 0.2)


def swatch(channel: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(channel_colour(channel))
    return QIcon(pixmap)


def legend_html(channels: list[str]) -> str:
    """The channels' colours as a line of rich text for a QLabel."""
    return " &nbsp; ".join(
        f'<span style="color:{CHANNEL_COLOURS.get(c, _OTHER)}">■</span>&nbsp;{network_name(c)}'
        for c in channels
    )
