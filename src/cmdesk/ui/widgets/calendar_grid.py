"""The calendar's month and week grids: posts drawn as small cards at their local time,
dragged to another day or hour, double-clicked to open.

Drawn by hand rather than built from one widget per post: a month of a busy client can
hold hundreds of posts, and a widget each would make every change of month slow. The
layout (which card goes where) is computed once per change of posts or size and kept;
painting and hit-testing read it. The grids know nothing of the workspace: they show
`Entry` values and say where a post was dropped (`dropped(post id, target)`, the target a
`date` for the month, a `datetime` at the hour for the week); the view decides.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel.dates import format_skeleton, format_time, get_day_names
from PySide6.QtCore import QByteArray, QEvent, QMimeData, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from cmdesk.core.posts import PostState
from cmdesk.core.schedule import WallKind, resolve
from cmdesk.i18n import _, current_language
from cmdesk.ui.widgets.channel_colours import card_colour, channel_colour

POST_MIME = "application/x-cmdesk-post"
# States of a post not yet given to the runner: drawn with a dashed outline (planned).
_PLANNED = frozenset(
    {PostState.IDEA, PostState.DRAFT, PostState.IN_REVIEW, PostState.CHANGES_REQUESTED}
    | {PostState.APPROVED}
)
_MARKS = {
    PostState.PUBLISHED: "✓ ",
    PostState.FAILED: "⚠ ",
    PostState.UNKNOWN: "? ",
    PostState.PUBLISHING: "… ",
}


@dataclass(frozen=True)
class Entry:
    """A post as the calendar shows it: at its wall-clock time in the client's zone."""

    post_id: int
    wall: datetime  # naive, in the client's zone
    title: str
    channels: tuple[str, ...]
    state: PostState
    tooltip: str


@dataclass(frozen=True)
class Card:
    rect: QRect
    entry: Entry


def post_mime(post_id: int) -> QMimeData:
    data = QMimeData()
    data.setData(POST_MIME, QByteArray(str(post_id).encode()))
    return data


def mime_post_id(data: QMimeData | None) -> int | None:
    if data is None or not data.hasFormat(POST_MIME):
        return None
    try:
        return int(bytes(data.data(POST_MIME).data()).decode())
    except ValueError:
        return None


def short_time(wall: datetime) -> str:
    return format_time(wall.time(), "short", locale=current_language())


class CalendarGrid(QWidget):
    open_post = Signal(int)
    dropped = Signal(int, object)  # post id, date (month) or datetime at the hour (week)
    day_requested = Signal(object)  # date: "+3 more" clicked in the month

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.first = date.today()
        self.today = date.today()
        self.zone = "UTC"
        self.entries: list[Entry] = []
        self.selected: int | None = None
        self.cards: list[Card] = []
        self.more: list[tuple[QRect, date, int]] = []  # the "+N" links
        self._press: tuple[QPoint, Entry] | None = None
        self._hover: date | datetime | None = None

    # -- what is shown -----------------------------------------------------------------------

    def set_entries(self, first: date, entries: list[Entry], today: date, zone: str) -> None:
        """Show `entries` (sorted by time) from `first`, the grid's first day."""
        self.first, self.entries, self.today, self.zone = first, entries, today, zone
        self._range_changed()
        self._relayout()

    def _range_changed(self) -> None:
        """For a grid that prepares something per range (the week's clock changes)."""

    def days(self) -> int:
        raise NotImplementedError

    def _layout(self) -> None:
        raise NotImplementedError

    def target_at(self, pos: QPoint) -> date | datetime | None:
        raise NotImplementedError

    def target_rect(self, target: date | datetime) -> QRect:
        raise NotImplementedError

    def _relayout(self) -> None:
        self.cards, self.more = [], []
        self._layout()
        self.update()

    def card_at(self, pos: QPoint) -> Card | None:
        return next((c for c in reversed(self.cards) if c.rect.contains(pos)), None)

    def card_of(self, post_id: int) -> Card | None:
        return next((c for c in self.cards if c.entry.post_id == post_id), None)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._relayout()

    # -- mouse: select, open, drag -----------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        card = self.card_at(pos)
        self._press = (pos, card.entry) if card is not None else None
        self.selected = card.entry.post_id if card is not None else None
        if card is None and event.button() == Qt.MouseButton.LeftButton:
            link = next((m for m in self.more if m[0].contains(pos)), None)
            if link is not None:
                self.day_requested.emit(link[1])
        self.update()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        start, entry = self._press
        if (event.position().toPoint() - start).manhattanLength() < (
            QApplication.startDragDistance()
        ):
            return
        self._press = None
        card = self.card_of(entry.post_id)
        drag = QDrag(self)
        drag.setMimeData(post_mime(entry.post_id))
        if card is not None:
            drag.setPixmap(self._card_pixmap(card))
            drag.setHotSpot(start - card.rect.topLeft())
        drag.exec(Qt.DropAction.MoveAction)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        card = self.card_at(event.position().toPoint())
        if card is not None:
            self.open_post.emit(card.entry.post_id)

    def keyPressEvent(self, event) -> None:
        if self.selected is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_post.emit(self.selected)
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if mime_post_id(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        target = self.target_at(event.position().toPoint())
        if target is None or mime_post_id(event.mimeData()) is None:
            event.ignore()
        else:
            event.acceptProposedAction()
        if target != self._hover:
            self._hover = target
            self.update()

    def dragLeaveEvent(self, event) -> None:
        self._hover = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:
        self._hover = None
        self.update()
        post_id = mime_post_id(event.mimeData())
        if post_id is not None and self.drop_at(post_id, event.position().toPoint()):
            event.acceptProposedAction()

    def drop_at(self, post_id: int, pos: QPoint) -> bool:
        """A post let go at `pos`: says where (the view moves it, or refuses and the card
        stays where it was, since cards are drawn from the workspace's posts only)."""
        target = self.target_at(pos)
        if target is None:
            return False
        self.dropped.emit(post_id, target)
        return True

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def tooltip_at(self, pos: QPoint) -> str:
        card = self.card_at(pos)
        return card.entry.tooltip if card is not None else ""

    # -- painting ----------------------------------------------------------------------------

    def card_height(self) -> int:
        return self.fontMetrics().height() + 4

    def _paint_card(self, painter: QPainter, card: Card, text: str) -> None:
        entry, rect = card.entry, card.rect
        palette = self.palette()
        channels = entry.channels or ("",)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(card_colour(channels[0], palette))
        painter.drawRoundedRect(QRectF(rect), 3, 3)
        text_colour = palette.color(QPalette.ColorRole.Text)
        if entry.state in _PLANNED:  # not yet given to the runner: a dashed outline
            painter.setPen(QPen(faded(text_colour), 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        # One stripe per channel on the left edge: a post going to three networks shows three.
        stripe = 4 if len(channels) > 1 else 5
        for i, channel in enumerate(channels[:4]):
            painter.fillRect(
                QRect(rect.left() + i * stripe, rect.top(), stripe, rect.height()),
                channel_colour(channel),
            )
        if entry.post_id == self.selected:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(rect).adjusted(1, 1, -1, -1), 3, 3)
        painter.setPen(text_colour)
        inner = rect.adjusted(stripe * len(channels[:4]) + 3, 0, -3, 0)
        shown = self.fontMetrics().elidedText(
            _MARKS.get(entry.state, "") + text, Qt.TextElideMode.ElideRight, inner.width()
        )
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(inner, int(flags), shown)

    def _card_pixmap(self, card: Card) -> QPixmap:
        pixmap = QPixmap(card.rect.size())
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        moved = Card(QRect(QPoint(0, 0), card.rect.size()), card.entry)
        self._paint_card(painter, moved, self.card_text(card.entry))
        painter.end()
        return pixmap

    def card_text(self, entry: Entry) -> str:
        return f"{short_time(entry.wall)}  {entry.title}"

    def _paint_drop_target(self, painter: QPainter) -> None:
        if self._hover is None:
            return
        colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        colour.setAlpha(60)
        painter.fillRect(self.target_rect(self._hover), colour)


def faded(colour: QColor) -> QColor:
    faded = QColor(colour)
    faded.setAlpha(150)
    return faded


class MonthGrid(CalendarGrid):
    """Six weeks from the Monday on or before the 1st: the month and its edges."""

    WEEKS = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.month = date.today().replace(day=1)
        self.setMinimumSize(560, 420)

    def days(self) -> int:
        return 7 * self.WEEKS

    def header_height(self) -> int:
        return self.fontMetrics().height() + 8

    def cell_rect(self, index: int) -> QRect:
        top = self.header_height()
        width, height = (self.width() - 1) / 7, (self.height() - top - 1) / self.WEEKS
        row, column = divmod(index, 7)
        left, upper = round(column * width), round(top + row * height)
        return QRect(
            left, upper, round((column + 1) * width) - left, round(top + (row + 1) * height) - upper
        )

    def target_at(self, pos: QPoint) -> date | None:
        for index in range(self.days()):
            if self.cell_rect(index).contains(pos):
                return self.first + timedelta(days=index)
        return None

    def target_rect(self, target: date | datetime) -> QRect:
        day = target.date() if isinstance(target, datetime) else target
        return self.cell_rect((day - self.first).days)

    def _layout(self) -> None:
        by_day: dict[date, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            by_day[entry.wall.date()].append(entry)
        line = self.card_height() + 2
        for index in range(self.days()):
            day = self.first + timedelta(days=index)
            found = by_day.get(day, [])
            if not found:
                continue
            cell = self.cell_rect(index)
            top = cell.top() + self.fontMetrics().height() + 4
            room = max(1, (cell.bottom() - top) // line)
            shown = found if len(found) <= room else found[: room - 1]
            for n, entry in enumerate(shown):
                rect = QRect(cell.left() + 3, top + n * line, cell.width() - 6, line - 2)
                self.cards.append(Card(rect, entry))
            if len(shown) < len(found):
                rect = QRect(cell.left() + 3, top + len(shown) * line, cell.width() - 6, line - 2)
                self.more.append((rect, day, len(found) - len(shown)))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        names = get_day_names("abbreviated", locale=current_language())
        header = self.header_height()
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        for column in range(7):
            cell = self.cell_rect(column)
            painter.drawText(
                QRect(cell.left(), 0, cell.width(), header),
                int(Qt.AlignmentFlag.AlignCenter),
                names[column],
            )
        grid = palette.color(QPalette.ColorRole.Mid)
        for index in range(self.days()):
            day = self.first + timedelta(days=index)
            cell = self.cell_rect(index)
            if day.month != self.month.month:
                painter.fillRect(cell, palette.color(QPalette.ColorRole.AlternateBase))
            if day == self.today:
                today = QColor(palette.color(QPalette.ColorRole.Highlight))
                today.setAlpha(35)
                painter.fillRect(cell, today)
            painter.setPen(grid)
            painter.drawRect(cell)
            font = painter.font()
            font.setBold(day == self.today)
            painter.setFont(font)
            other = day.month != self.month.month
            painter.setPen(
                palette.color(
                    QPalette.ColorRole.PlaceholderText if other else QPalette.ColorRole.Text
                )
            )
            label = (
                str(day.day)
                if day.day != 1
                else format_skeleton("dMMM", day, locale=current_language())
            )
            painter.drawText(
                cell.adjusted(5, 2, -5, 0),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                label,
            )
            font.setBold(False)
            painter.setFont(font)
        self._paint_drop_target(painter)
        for card in self.cards:
            self._paint_card(painter, card, self.card_text(card.entry))
        painter.setPen(palette.color(QPalette.ColorRole.Link))
        for rect, _day, count in self.more:
            painter.drawText(
                rect.adjusted(4, 0, 0, 0),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                _("+{count} more").format(count=count),
            )
        painter.end()


class WeekGrid(CalendarGrid):
    """Seven days from a Monday, hour by hour; the hours a clock change skips or repeats
    that day are marked (a drop there asks which time is meant)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.changes: dict[tuple[date, int], WallKind] = {}
        self.setMinimumWidth(560)

    def days(self) -> int:
        return 7

    def minimumSizeHint(self) -> QSize:
        return QSize(560, self.header_height() + 24 * (self.fontMetrics().height() + 8))

    def sizeHint(self) -> QSize:
        return QSize(900, self.header_height() + 24 * (self.fontMetrics().height() + 14))

    def _range_changed(self) -> None:
        self.changes = {}
        for index in range(7):
            day = self.first + timedelta(days=index)
            for hour in range(24):
                for minute in (0, 30):
                    kind = resolve(datetime.combine(day, time(hour, minute)), self.zone).kind
                    if kind is not WallKind.NORMAL:
                        self.changes[(day, hour)] = kind

    def header_height(self) -> int:
        return self.fontMetrics().height() + 10

    def gutter(self) -> int:
        return self.fontMetrics().horizontalAdvance(short_time(datetime(2000, 1, 1, 23))) + 14

    def hour_height(self) -> float:
        return (self.height() - self.header_height() - 1) / 24

    def column_rect(self, index: int) -> QRect:
        left = self.gutter()
        width = (self.width() - left - 1) / 7
        x = round(left + index * width)
        return QRect(x, 0, round(left + (index + 1) * width) - x, self.height() - 1)

    def slot_rect(self, index: int, hour: int) -> QRect:
        column = self.column_rect(index)
        top = self.header_height() + hour * self.hour_height()
        upper = round(top)
        return QRect(column.left(), upper, column.width(), round(top + self.hour_height()) - upper)

    def target_at(self, pos: QPoint) -> datetime | None:
        if pos.y() < self.header_height() or pos.x() < self.gutter():
            return None
        for index in range(7):
            for hour in range(24):
                if self.slot_rect(index, hour).contains(pos):
                    return datetime.combine(self.first + timedelta(days=index), time(hour))
        return None

    def target_rect(self, target: date | datetime) -> QRect:
        assert isinstance(target, datetime)
        return self.slot_rect((target.date() - self.first).days, target.hour)

    def _layout(self) -> None:
        by_slot: dict[tuple[date, int], list[Entry]] = defaultdict(list)
        for entry in self.entries:
            by_slot[(entry.wall.date(), entry.wall.hour)].append(entry)
        for (day, hour), found in by_slot.items():
            index = (day - self.first).days
            if not 0 <= index < 7:
                continue
            slot = self.slot_rect(index, hour).adjusted(2, 1, -2, -1)
            # Side by side; past three, two and a "+N" that opens nothing but says so.
            shown = found if len(found) <= 3 else found[:2]
            parts = len(shown) + (1 if len(shown) < len(found) else 0)
            width = slot.width() / parts
            for n, entry in enumerate(shown):
                left = round(slot.left() + n * width)
                rect = QRect(left, slot.top(), round(slot.left() + (n + 1) * width) - left - 1,
                             slot.height())  # fmt: skip
                self.cards.append(Card(rect, entry))
            if len(shown) < len(found):
                left = round(slot.left() + len(shown) * width)
                rect = QRect(left, slot.top(), slot.right() - left, slot.height())
                self.more.append((rect, day, len(found) - len(shown)))

    def tooltip_at(self, pos: QPoint) -> str:
        text = super().tooltip_at(pos)
        if text:
            return text
        more = next((m for m in self.more if m[0].contains(pos)), None)
        if more is not None:
            hidden = [
                e for e in self.entries
                if e.wall.date() == more[1] and e.wall.hour == self._hour_of(more[0])
            ]  # fmt: skip
            return "\n".join(self.card_text(e) for e in hidden[2:])
        target = self.target_at(pos)
        if target is None:
            return ""
        kind = self.changes.get((target.date(), target.hour))
        if kind is WallKind.GAP:
            return _("The clocks go forward during this hour: part of it does not exist that day.")
        if kind is WallKind.OVERLAP:
            return _("The clocks go back during this hour: it happens twice that day.")
        return ""

    def _hour_of(self, rect: QRect) -> int:
        return int((rect.center().y() - self.header_height()) // self.hour_height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        header, gutter = self.header_height(), self.gutter()
        grid = palette.color(QPalette.ColorRole.Mid)
        faint = palette.color(QPalette.ColorRole.PlaceholderText)
        language = current_language()
        for index in range(7):
            day = self.first + timedelta(days=index)
            column = self.column_rect(index)
            if day == self.today:
                today = QColor(palette.color(QPalette.ColorRole.Highlight))
                today.setAlpha(35)
                painter.fillRect(column, today)
            font = painter.font()
            font.setBold(day == self.today)
            painter.setFont(font)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(
                QRect(column.left(), 0, column.width(), header),
                int(Qt.AlignmentFlag.AlignCenter),
                format_skeleton("EEEd", day, locale=language),
            )
            font.setBold(False)
            painter.setFont(font)
            for hour in range(24):
                kind = self.changes.get((day, hour))
                if kind is not None:
                    # Hatched: skipped (spring); dotted: happens twice (autumn).
                    pattern = (
                        Qt.BrushStyle.BDiagPattern
                        if kind is WallKind.GAP
                        else Qt.BrushStyle.Dense6Pattern
                    )
                    painter.fillRect(self.slot_rect(index, hour), QBrush(faint, pattern))
        painter.setPen(grid)
        for hour in range(24):
            y = round(header + hour * self.hour_height())
            painter.drawLine(gutter, y, self.width() - 1, y)
            painter.setPen(faint)
            painter.drawText(
                QRect(0, y, gutter - 6, round(self.hour_height())),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                short_time(datetime(2000, 1, 1, hour)),
            )
            painter.setPen(grid)
        for index in range(8):
            x = self.column_rect(index).left() if index < 7 else self.width() - 1
            painter.drawLine(x, 0, x, self.height() - 1)
        painter.drawLine(gutter, self.height() - 1, self.width() - 1, self.height() - 1)
        self._paint_drop_target(painter)
        for card in self.cards:
            self._paint_card(painter, card, self.card_text(card.entry))
        painter.setPen(palette.color(QPalette.ColorRole.Link))
        for rect, _day, count in self.more:
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), f"+{count}")
        painter.end()
