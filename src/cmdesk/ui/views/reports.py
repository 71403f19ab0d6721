"""The Reports section: the dashboard of a period against the period before, and the
documents made from it (the client report, the team digests).

The figures and the charts are computed on the task pool (a month of a million-mention
client takes a fraction of a second, a year longer), so choosing a period never freezes
the window; the last figures stay shown, dimmed, until the new ones arrive. Charts are
drawn in the window's theme, again when the theme changes, and saved as images in the
light one, for documents and slides.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.errors import CmdeskError
from cmdesk.core.periods import Period
from cmdesk.i18n import N_, _
from cmdesk.share.charts import DARK, LIGHT, Chart
from cmdesk.share.dashboard import CHART_KEYS, Card, Dashboard, Words, build, draw
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.transfer import ask_save_path
from cmdesk.ui.tasks import TaskManager
from cmdesk.ui.widgets.chart_panel import ChartPanel, write_image
from cmdesk.ui.widgets.lists import view_bar
from cmdesk.ui.widgets.panel import WorkspacePanel, hint_label
from cmdesk.ui.widgets.period_picker import PeriodPicker

CARD_WIDTH = 170  # the narrowest a figure card reads well
CHANGES_DELAY_MS = 1000  # changes come in bursts (a refresh, an import): count once
IMAGES = {"png": N_("PNG image (*.png)"), "svg": N_("SVG image (*.svg)")}
_TONE_COLOURS = {  # (light window, dark window)
    "good": ("#1e7d32", "#81c784"),
    "bad": ("#b3261e", "#ef9a9a"),
}


class FigureCard(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(CARD_WIDTH - 20)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.value = QLabel()
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.change = QLabel()
        self.change.setWordWrap(True)
        self.detail = hint_label()
        for widget in (self.label, self.value, self.change, self.detail):
            widget.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(widget)
        layout.addStretch(1)

    def show_card(self, card: Card, dark: bool) -> None:
        self.label.setText(card.label)
        self.value.setText(card.value)
        self.change.setText(card.change)
        self.change.setVisible(bool(card.change))
        colours = _TONE_COLOURS.get(card.tone)
        self.change.setStyleSheet(f"color: {colours[int(dark)]};" if colours else "")
        self.detail.setText(card.detail)
        self.detail.setVisible(bool(card.detail))


class ReportsView(WorkspacePanel):
    def __init__(
        self,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        interactive: bool = True,
        templates: Path | None = None,
    ) -> None:
        super().__init__(tasks, parent, interactive=interactive)
        self.setObjectName("view-reports")
        self.templates = templates  # the user's report template folder
        self.dashboard: Dashboard | None = None
        self.charts: dict[str, Chart] = {}
        self._asked = 0  # the latest computation asked for: older results are dropped
        self._stale = False  # changed while hidden: counted again when shown
        self._dark = False
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(CHANGES_DELAY_MS)
        self._later.timeout.connect(self.reload)
        self._build()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        root, bar = view_bar(self)
        bar.addWidget(QLabel(_("Period:")))
        self.picker = PeriodPicker()
        self.picker.changed.connect(self.reload)
        bar.addWidget(self.picker)
        self.compared = hint_label()
        self.compared.setWordWrap(False)
        bar.addWidget(self.compared)
        bar.addStretch(1)
        self.report_button = QPushButton(_("Client report…"))
        self.report_button.setToolTip(_("The report of this period as PDF or HTML, for the client"))
        self.report_button.clicked.connect(lambda: self.open_report())
        self.digest_button = QPushButton(_("Team digest…"))
        self.digest_button.setToolTip(_("What customers said that concerns a team"))
        self.digest_button.clicked.connect(lambda: self.open_digest())
        bar.addWidget(self.report_button)
        bar.addWidget(self.digest_button)

        self.page = QWidget()
        page = QVBoxLayout(self.page)
        page.setContentsMargins(12, 8, 12, 12)
        heading = QHBoxLayout()
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        heading.addWidget(self.title)
        self.state = hint_label()
        heading.addWidget(self.state, 1)
        page.addLayout(heading)
        self.cards_grid = QGridLayout()
        self.cards: dict[str, FigureCard] = {}
        page.addLayout(self.cards_grid)
        self.charts_grid = QGridLayout()
        self.charts_grid.setSpacing(10)
        self.panels: dict[str, ChartPanel] = {}
        for key in CHART_KEYS:
            panel = ChartPanel(key)
            panel.save_requested.connect(lambda k: self.save_chart(k))
            self.panels[key] = panel
        page.addSpacing(6)
        page.addLayout(self.charts_grid)
        page.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.page)
        root.addWidget(scroll, 1)
        self._columns = (0, 0)
        self._lay_out()

    def _lay_out(self) -> None:
        """As many cards in a row as fit, and two charts side by side when there is room."""
        width = max(self.width() - 40, CARD_WIDTH)
        columns = (max(2, min(6, width // CARD_WIDTH)), 2 if width >= 760 else 1)
        if columns == self._columns:
            return
        self._columns = columns
        for index, card in enumerate(self.cards.values()):
            self.cards_grid.addWidget(card, index // columns[0], index % columns[0])
            card.show()  # now, not at the next turn of the event loop
        for index, key in enumerate(CHART_KEYS):
            row, column = divmod(index, columns[1])
            self.charts_grid.addWidget(self.panels[key], row, column)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._lay_out()

    # -- the workspace -------------------------------------------------------------------------

    def wants(self, changes: Changes) -> bool:
        return any(
            (changes.mentions, changes.topics, changes.alerts, changes.interactions,
             changes.contacts, changes.posts, changes.escalation, changes.profile)
        )  # fmt: skip

    def on_changes(self, changes: Changes) -> None:
        if self.ws is None or not (changes.workspace or self.wants(changes)):
            return
        if self.isVisible():
            self._later.start()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        palette = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in palette and self._is_dark() != self._dark:
            self._redraw()

    def _is_dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Window).lightness() < 128

    def period(self) -> Period | None:
        if self.ws is None:
            return None
        try:
            return self.picker.period(self.ws.profile().zone)
        except CmdeskError as exc:
            self.state.setText(exc.message)
            return None

    def reload(self) -> None:
        self._later.stop()
        self._stale = False
        ws = self.ws
        enabled = ws is not None
        for button in (self.report_button, self.digest_button):
            button.setEnabled(enabled)
        period = self.period()
        if ws is None or period is None:
            return
        self._asked += 1
        asked, dark = self._asked, self._is_dark()
        w = Words()
        self.title.setText(w.period_name(period))
        self.compared.setText(
            _("compared with {period}").format(period=w.period_name(period.previous()))
        )
        self.state.setText(_("Counting…"))
        self.page.setEnabled(False)

        def work(w: Workspace) -> tuple[Dashboard, bool]:
            return build(w, period, DARK if dark else LIGHT), dark

        def done(result: tuple[Dashboard, bool]) -> None:
            if asked == self._asked and self.ws is ws:  # not another period or client
                self._show(*result)

        def failed(exc: BaseException) -> None:
            if asked == self._asked:
                self.page.setEnabled(True)
                self.state.setText(_("The figures could not be counted."))
                self.failed(_("The figures could not be counted"))(exc)

        # Not cancellable: it cannot stop half-way, and a new period simply supersedes it.
        self.tasks.run(
            _("Counting the figures"), lambda ctx: work(ws), done, failed, cancellable=False
        )

    def _show(self, dashboard: Dashboard, dark: bool) -> None:
        self.dashboard, self._dark = dashboard, dark
        self.page.setEnabled(True)
        self.state.setText("")
        for card in dashboard.cards:
            if card.key not in self.cards:
                self.cards[card.key] = FigureCard()
                self._columns = (0, 0)
            self.cards[card.key].show_card(card, dark)
        self._lay_out()
        self._show_charts(dashboard.charts)

    def _show_charts(self, charts: list[Chart]) -> None:
        assert self.dashboard is not None
        self.charts = {}
        for spec, chart in zip(self.dashboard.specs, charts, strict=True):
            self.charts[spec.key] = chart
            self.panels[spec.key].show_chart(chart, spec.empty)

    def _redraw(self) -> None:
        """The same charts in the theme the window has now (off the GUI thread)."""
        dashboard, dark = self.dashboard, self._is_dark()
        if dashboard is None or self.ws is None:
            return
        self._dark = dark
        for card in dashboard.cards:
            self.cards[card.key].show_card(card, dark)

        def done(charts: list[Chart]) -> None:
            if self.dashboard is dashboard:
                self._show_charts(charts)

        self.tasks.run(
            _("Drawing the charts"),
            lambda ctx: draw(dashboard.specs, DARK if dark else LIGHT),
            done,
            self.failed(_("The charts could not be drawn")),
            cancellable=False,
        )

    # -- saving a chart ------------------------------------------------------------------------

    def save_chart(self, key: str, path: Path | None = None) -> None:
        """Save a chart as SVG or PNG (by the file's suffix), drawn in the light theme:
        an image goes into documents and slides, which are white."""
        dashboard = self.dashboard
        if dashboard is None or self.ws is None:
            return
        spec = next(s for s in dashboard.specs if s.key == key)
        if path is None:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.PicturesLocation
            )
            name = f"{self.ws.profile().slug}-{key}-{dashboard.period.key()}.png"
            path = ask_save_path(self, _("Save the chart as an image"), Path(folder) / name, IMAGES)
            if path is None:
                return
        target = path

        def done(chart: Chart) -> None:
            try:
                write_image(chart, target)
            except OSError as exc:
                self.failed(_("The image was not saved"))(exc)
                return
            self.message.emit(_("Chart saved to {path}").format(path=target))

        self.tasks.run(
            _("Drawing the chart"),
            lambda ctx: spec.draw(LIGHT),
            done,
            self.failed(_("The image was not saved")),
            cancellable=False,
        )

    # -- documents -----------------------------------------------------------------------------

    def open_report(self) -> None:
        from cmdesk.ui.dialogs.report import ReportDialog

        if self.ws is not None:
            dialog = ReportDialog(
                self.ws, self.tasks, self, period=self.picker.text(), templates=self.templates,
                interactive=self.interactive,
            )  # fmt: skip
            dialog.message.connect(self.message)
            dialog.show()
            self.report_dialog = dialog

    def open_digest(self) -> None:
        from cmdesk.ui.dialogs.report import DigestDialog

        if self.ws is not None:
            dialog = DigestDialog(
                self.ws, self.tasks, self, period=self.picker.text(), interactive=self.interactive
            )
            dialog.message.connect(self.message)
            dialog.show()
            self.digest_dialog = dialog
