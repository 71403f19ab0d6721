"""One chart of the dashboard: the SVG ReportLab drew, drawn by Qt's SVG renderer at the
size the window gives it (sharp at any scale), its numbers as a table on demand, and
"Save as image…".
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.i18n import _
from cmdesk.share.charts import Chart

PNG_SCALE = 2  # pixels per SVG point in a saved PNG: sharp on a slide or a printed page


class ChartView(QSvgWidget):
    """An SVG kept at its proportions, as wide as there is room."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ratio = 220 / 480
        self.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)

    def show_chart(self, chart: Chart) -> None:
        self.ratio = chart.height / chart.width
        self.load(QByteArray(chart.svg.encode("utf-8")))
        self.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return round(width * self.ratio)

    def sizeHint(self) -> QSize:
        return QSize(480, round(480 * self.ratio))

    def minimumSizeHint(self) -> QSize:
        return QSize(320, round(320 * self.ratio))


class ChartPanel(QFrame):
    """A chart with its two buttons; `save_requested` asks the view for a file to write."""

    save_requested = Signal(str)  # the chart's key

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.chart: Chart | None = None
        self.setObjectName(f"chart-{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 6)
        self.stack = QStackedWidget()
        self.view = ChartView()
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)
        for widget in (self.view, self.table, self.empty):
            self.stack.addWidget(widget)
        layout.addWidget(self.stack, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.numbers_button = QToolButton()
        self.numbers_button.setText(_("Show the numbers"))
        self.numbers_button.setCheckable(True)
        self.numbers_button.setAutoRaise(True)
        self.numbers_button.toggled.connect(self.show_numbers)
        self.save_button = QToolButton()
        self.save_button.setText(_("Save as image…"))
        self.save_button.setToolTip(_("As SVG (sharp at any size) or PNG"))
        self.save_button.setAutoRaise(True)
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.key))
        buttons.addWidget(self.numbers_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

    def show_chart(self, chart: Chart, empty: bool = False) -> None:
        self.chart = chart
        self.view.show_chart(chart)
        self.table.clear()
        self.table.setColumnCount(len(chart.headers))
        self.table.setRowCount(len(chart.rows))
        self.table.setHorizontalHeaderLabels(list(chart.headers))
        for r, row in enumerate(chart.rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.setToolTip(chart.title)
        self.empty.setText(chart.title + "\n\n" + _("Nothing in this period."))
        self.numbers_button.setEnabled(not empty)
        self.save_button.setEnabled(not empty)
        self._show_page(empty)

    def show_numbers(self, on: bool) -> None:
        self.numbers_button.setText(_("Show the chart") if on else _("Show the numbers"))
        self._show_page(not self.save_button.isEnabled())

    def _show_page(self, empty: bool) -> None:
        if empty:
            self.stack.setCurrentWidget(self.empty)
        else:
            on = self.numbers_button.isChecked()
            self.stack.setCurrentWidget(self.table if on else self.view)


def write_image(chart: Chart, path: Path) -> Path:
    """`chart` as an SVG file, or as a PNG on white (by the suffix of `path`)."""
    partial = path.with_name(f".{path.stem}.part{path.suffix}")  # the suffix tells the format
    if path.suffix.lower() == ".png":
        renderer = QSvgRenderer(QByteArray(chart.svg.encode("utf-8")))
        image = QImage(
            chart.width * PNG_SCALE, chart.height * PNG_SCALE, QImage.Format.Format_ARGB32
        )
        image.fill(QColor("white"))
        painter = QPainter(image)
        renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
        painter.end()
        if not image.save(str(partial)):
            raise OSError(_("The image could not be written to {path}.").format(path=path))
    else:
        partial.write_text(chart.svg, encoding="utf-8")
    partial.replace(path)
    return path
