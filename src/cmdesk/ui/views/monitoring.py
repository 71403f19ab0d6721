"""Veille: sources and topics on the left, the mention list, and the reading pane.

Everything the list shows comes from the workspace through the paged model; every
change (read, star, archive, tag, sentiment) is a write task whose Changes come back
through `workspace_changed`, like every other screen (house rule 4).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import Changes
from cmdesk.core.classify import readable_reason
from cmdesk.core.clock import utc_now
from cmdesk.core.monitoring import (
    SENTIMENT_LABELS,
    SENTIMENTS,
    ImportReport,
    Mention,
    NewSource,
    Source,
    Topic,
)
from cmdesk.i18n import N_, _, format_ago, format_when, ngettext
from cmdesk.store.mentions import MentionFilter
from cmdesk.store.workspace import Workspace
from cmdesk.ui.models.mentions import MentionListModel
from cmdesk.ui.tasks import TaskContext, TaskHandle, TaskManager
from cmdesk.ui.widgets.feedback import failure_reporter
from cmdesk.ui.widgets.reader import Reader

if TYPE_CHECKING:
    from cmdesk.monitor.refresh import RefreshSummary

FILTER_ROLE = Qt.ItemDataRole.UserRole + 1
CATEGORY_ROLE = Qt.ItemDataRole.UserRole + 2  # on category folders of the source tree
# The period filter: days back from now (0: any time).
PERIODS = (
    (0, N_("Any time")),
    (1, N_("Last 24 hours")),
    (7, N_("Last 7 days")),
    (30, N_("Last 30 days")),
    (90, N_("Last 90 days")),
    (365, N_("Last 12 months")),
)
STATES = (
    ("inbox", N_("Inbox")),
    ("unread", N_("Unread")),
    ("starred", N_("Starred")),
    ("archived", N_("Archived")),
)

# After the window is shown and well before the catch-up refresh (1.5 s).
PREPARE_PARSING_MS = 400


def source_state(source: Source) -> str:
    """A source's health in plain words, for its tooltip and the sources list."""
    if not source.enabled:
        return _("Turned off.")
    if source.paused:
        return _("Paused after repeated failures: {error} Turn it back on to try again.").format(
            error=source.last_error
        )
    parts = []
    if source.last_success_at:
        parts.append(_("Last fetched {ago}.").format(ago=format_ago(source.last_success_at)))
    else:
        parts.append(_("Not fetched yet."))
    if source.last_error and source.failures:
        parts.append(_("Last attempt failed: {error}").format(error=source.last_error))
    if source.next_refresh_at:
        parts.append(_("Next check {when}.").format(when=format_ago(source.next_refresh_at)))
    return " ".join(parts)


class MonitoringView(QWidget):
    message = Signal(str)  # for the status bar
    alerts_raised = Signal(list)  # new Alert objects, for a desktop notification
    convert_requested = Signal(object)  # a mention id (64 bits: not a Qt int)
    draft_requested = Signal(object)  # a mention id: write a post about it

    def __init__(
        self,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        interactive: bool = True,
        auto_refresh: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("view-monitoring")
        self.tasks = tasks
        self.interactive = interactive  # False in smoke runs and tests: no modal dialogs
        self.auto_refresh = auto_refresh  # False in smoke runs and tests: no network
        self.last_error = ""
        self.refreshing: TaskHandle | None = None
        self.proxy = ""  # a manual proxy from the preferences; "" for the system's
        # Checks every minute which sources are due. The due times are wall-clock times
        # stored with each source, so a laptop waking from sleep catches up at once.
        self.timer = QTimer(self)
        self.timer.setInterval(60_000)
        self.timer.timeout.connect(self.refresh_due)
        self.catch_up = QTimer(self)
        self.catch_up.setSingleShot(True)
        self.catch_up.setInterval(1500)
        self.catch_up.timeout.connect(self.refresh_due)
        self.ws: Workspace | None = None
        self.model = MentionListModel(self)
        self._current: Mention | None = None
        self._build()
        self._shortcuts()

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)

        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 6)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search mentions (Ctrl+F): words, accents optional"))
        self.search.textChanged.connect(self._search_changed)
        bar.addWidget(self.search, 1)
        self.sentiment_filter = QComboBox()
        self.sentiment_filter.addItem(_("Any sentiment"), "")
        for value in SENTIMENTS:
            self.sentiment_filter.addItem(_(SENTIMENT_LABELS[value]), value)
        self.sentiment_filter.currentIndexChanged.connect(self._apply_filter)
        bar.addWidget(self.sentiment_filter)
        self.period_filter = QComboBox()
        for days, label in PERIODS:
            self.period_filter.addItem(_(label), days)
        self.period_filter.setToolTip(_("Only mentions published in this period"))
        self.period_filter.currentIndexChanged.connect(self._apply_filter)
        bar.addWidget(self.period_filter)
        self.count_label = QLabel()
        bar.addWidget(self.count_label)
        self.refresh_button = QToolButton()
        self.refresh_button.setText(_("Refresh"))
        self.refresh_button.setToolTip(_("Refresh all sources now (F5)"))
        self.refresh_button.clicked.connect(lambda: self.refresh_now())
        bar.addWidget(self.refresh_button)
        self.add_button = QToolButton()
        self.add_button.setText(_("Add a source…"))
        self.add_button.setToolTip(_("Follow a feed, a website or a keyword (Ctrl+Shift+A)"))
        self.add_button.clicked.connect(self.add_source)
        bar.addWidget(self.add_button)
        self.sources_button = QToolButton()
        self.sources_button.setText(_("Sources"))
        self.sources_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.sources_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.sources_button)
        menu.addAction(_("Manage the sources…"), self.manage_sources)
        menu.addSeparator()
        menu.addAction(_("Import an OPML file…"), self.import_opml)
        menu.addAction(_("Export the sources as OPML…"), self.export_opml)
        self.sources_button.setMenu(menu)
        bar.addWidget(self.sources_button)
        self.topics_button = QToolButton()
        self.topics_button.setText(_("Topics"))
        self.topics_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        topics_menu = QMenu(self.topics_button)
        topics_menu.addAction(_("New watch topic…"), self.new_topic)
        topics_menu.addAction(_("Edit the selected topic…"), self.edit_topic)
        topics_menu.addAction(_("Remove the selected topic"), self.remove_topic)
        self.topics_button.setMenu(topics_menu)
        bar.addWidget(self.topics_button)
        self.export_button = QToolButton()
        self.export_button.setText(_("Export…"))
        self.export_button.setToolTip(
            _("The mentions listed, with these filters, as CSV, XLSX or JSON")
        )
        self.export_button.clicked.connect(lambda: self.export())
        bar.addWidget(self.export_button)
        root.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setMinimumWidth(180)
        self.tree.currentItemChanged.connect(lambda *_a: self._apply_filter())
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        splitter.addWidget(self.tree)

        self.list_stack = QStackedWidget()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Widths from the text they will hold, in this language (a million rows are too
        # many to measure).
        metrics = self.table.fontMetrics()
        bold = QFont(self.table.font())
        bold.setBold(True)
        sample = format_when(datetime(2026, 12, 28, 22, 58, tzinfo=UTC), UTC, year=False)
        widest_sentiment = max((_(label) for label in SENTIMENT_LABELS.values()), key=len)
        header.resizeSection(0, 24)
        header.resizeSection(2, 130)
        header.resizeSection(3, QFontMetrics(bold).horizontalAdvance(sample) + 16)
        header.resizeSection(4, metrics.horizontalAdvance(widest_sentiment) + 16)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _i: self.open_in_browser())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.list_stack.addWidget(self.table)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(32)
        self.list_stack.addWidget(self.empty)
        self.alerts_panel = QWidget()
        alerts_layout = QVBoxLayout(self.alerts_panel)
        self.alerts_list = QListWidget()
        self.alerts_list.setWordWrap(True)
        self.alerts_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.alerts_list.itemActivated.connect(self._alert_opened)
        alerts_layout.addWidget(self.alerts_list, 1)
        alert_buttons = QHBoxLayout()
        self.acknowledge_button = QPushButton(_("Mark as seen"))
        self.acknowledge_button.clicked.connect(self.acknowledge_alerts)
        alert_buttons.addStretch(1)
        alert_buttons.addWidget(self.acknowledge_button)
        alerts_layout.addLayout(alert_buttons)
        self.list_stack.addWidget(self.alerts_panel)
        splitter.addWidget(self.list_stack)

        pane = QWidget()
        pane_layout = QVBoxLayout(pane)
        pane_layout.setContentsMargins(12, 8, 12, 8)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        pane_layout.addWidget(self.title)
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        pane_layout.addWidget(self.meta)
        row = QHBoxLayout()
        self.sentiment_box = QComboBox()
        for value in SENTIMENTS:
            self.sentiment_box.addItem(_(SENTIMENT_LABELS[value]), value)
        self.sentiment_box.setToolTip(_("Correct the sentiment: your choice is kept"))
        self.sentiment_box.activated.connect(self._sentiment_chosen)
        row.addWidget(QLabel(_("Sentiment:")))
        row.addWidget(self.sentiment_box)
        self.reason = QLabel()
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        self.reason.setWordWrap(True)
        row.addWidget(self.reason, 1)
        pane_layout.addLayout(row)
        self.tags_label = QLabel()
        self.tags_label.setTextFormat(Qt.TextFormat.PlainText)
        pane_layout.addWidget(self.tags_label)
        # A tool bar, not a row of buttons: when the pane is narrow the last ones move
        # to its » menu instead of widening the pane, which left the mention list too
        # narrow to read titles on a 1280-pixel screen.
        actions = QToolBar()
        actions.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for text, tip, slot in (
            (_("Open"), _("Open in the browser (O)"), self.open_in_browser),
            (_("Star"), _("Star or unstar (S)"), self.toggle_star),
            (_("Read/unread"), _("Mark read or unread (M)"), self.toggle_read),
            (_("Tag…"), _("Add a tag (T)"), self.add_tag),
            (_("Archive"), _("Archive or bring back (E)"), self.toggle_archive),
            (_("Handle"), _("Handle as an interaction (I)"), self.convert_to_interaction),
        ):
            action = actions.addAction(text)
            action.setToolTip(tip)
            action.triggered.connect(slot)
        pane_layout.addWidget(actions)
        self.reader = Reader()
        self.reader.link_refused.connect(
            lambda url: self.message.emit(_("This link was not opened: {url}").format(url=url))
        )
        pane_layout.addWidget(self.reader, 1)
        self.pane = pane
        splitter.addWidget(pane)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([190, 640, 400])
        root.addWidget(splitter, 1)
        self._show_mention(None)

    def _shortcuts(self) -> None:
        def key(
            sequence: str | QKeySequence | QKeySequence.StandardKey, slot: Callable[[], Any]
        ) -> None:
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        key(QKeySequence.StandardKey.Find, self._focus_search)
        key("J", lambda: self._move(1))
        key("K", lambda: self._move(-1))
        key("M", self.toggle_read)
        key("S", self.toggle_star)
        key("E", self.toggle_archive)
        key("T", self.add_tag)
        key("O", self.open_in_browser)
        key("I", self.convert_to_interaction)
        key("D", self.draft_post)
        key("Escape", self._leave_search)
        key("F5", lambda: self.refresh_now())
        key("Ctrl+Shift+A", self.add_source)

    # -- workspace -------------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None) -> None:
        if self.refreshing is not None:
            self.refreshing.cancel()
        self.ws = ws
        self.timer.stop()
        self.catch_up.stop()
        if ws is not None and self.auto_refresh:
            self.timer.start()
            # Sources that came due while the laptop was closed, once the window is up.
            self.catch_up.start()
            QTimer.singleShot(PREPARE_PARSING_MS, self._prepare_parsing)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._fill_tree()
        self.model.set_workspace(ws, self._filter())
        self._after_reset()

    def on_changes(self, changes: Changes) -> None:
        if self.ws is None:
            return
        if changes.sources or changes.topics or changes.alerts or changes.workspace:
            self._fill_tree()
            selected = self._tree_filter()
            if selected is not None and selected[0] == "alerts":
                self._show_alerts()
                return
        if changes.mentions or changes.workspace:
            keep = self._current.id if self._current else None
            self.model.reload()
            self._after_reset(keep)

    # -- filters -----------------------------------------------------------------------------

    def _fill_tree(self) -> None:
        selected = self._tree_filter()
        self.tree.blockSignals(True)
        self.tree.clear()
        ws = self.ws
        for state, label in STATES:
            item = QTreeWidgetItem([_(label)])
            item.setData(0, FILTER_ROLE, ("state", state))
            self.tree.addTopLevelItem(item)
        if ws is not None:
            waiting = len(ws.topics.alerts())
            alerts = QTreeWidgetItem(
                [_("Alerts ({count})").format(count=waiting) if waiting else _("Alerts")]
            )
            alerts.setData(0, FILTER_ROLE, ("alerts", 0))
            if waiting:
                font = alerts.font(0)
                font.setBold(True)
                alerts.setFont(0, font)
            self.tree.addTopLevelItem(alerts)
            topics = ws.topics.all()
            if topics:
                top = QTreeWidgetItem([_("Topics")])
                top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                self.tree.addTopLevelItem(top)
                for topic in topics:
                    # Plain text marks: emoji fonts are missing on many Linux desktops.
                    urgent = _(" (urgent)") if topic.priority >= 2 else ""
                    off = _(" (off)") if not topic.enabled else ""
                    item = QTreeWidgetItem([f"{topic.name}{urgent}{off}"])
                    item.setData(0, FILTER_ROLE, ("topic", topic.id))
                    item.setToolTip(0, topic.query)
                    top.addChild(item)
                top.setExpanded(True)
            sources = ws.sources.all()
            if sources:
                top = QTreeWidgetItem([_("Sources")])
                top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                top.setData(0, CATEGORY_ROLE, "*")  # every source
                self.tree.addTopLevelItem(top)
                folders: dict[str, QTreeWidgetItem] = {}
                for source in sources:
                    parent = top
                    if source.category:
                        if source.category not in folders:
                            folder = QTreeWidgetItem([source.category])
                            folder.setFlags(folder.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                            folder.setData(0, CATEGORY_ROLE, source.category)
                            top.addChild(folder)
                            folders[source.category] = folder
                        parent = folders[source.category]
                    prefix = "⚠ " if (source.paused or source.failures) else ""
                    item = QTreeWidgetItem([prefix + source.display_name])
                    item.setData(0, FILTER_ROLE, ("source", source.id))
                    item.setToolTip(0, f"{source.url}\n{source_state(source)}")
                    parent.addChild(item)
                top.setExpanded(True)
                for folder in folders.values():
                    folder.setExpanded(True)
        self.tree.blockSignals(False)
        self._select_tree(selected)

    def _items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        pending = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while pending:
            item = pending.pop(0)
            if item is None:
                continue
            found.append(item)
            pending += [item.child(i) for i in range(item.childCount())]
        return found

    def _select_tree(self, wanted: tuple[str, Any] | None) -> None:
        wanted = wanted or ("state", "inbox")
        items = self._items()
        chosen = next((i for i in items if i.data(0, FILTER_ROLE) == wanted), items[0])
        self.tree.blockSignals(True)
        self.tree.setCurrentItem(chosen)
        self.tree.blockSignals(False)

    def _tree_filter(self) -> tuple[str, Any] | None:
        item = self.tree.currentItem()
        data = item.data(0, FILTER_ROLE) if item is not None else None
        return (str(data[0]), data[1]) if data else None

    def _filter(self) -> MentionFilter:
        kind, value = self._tree_filter() or ("state", "inbox")
        days = int(self.period_filter.currentData() or 0)
        return MentionFilter(
            query=self.search.text().strip(),
            state=value if kind == "state" else "inbox",
            source_id=int(value) if kind == "source" else None,
            topic_id=int(value) if kind == "topic" else None,
            sentiment=self.sentiment_filter.currentData() or "",
            since=utc_now() - timedelta(days=days) if days else None,
        )

    def _apply_filter(self) -> None:
        if self.ws is None:
            return
        selected = self._tree_filter()
        if selected is not None and selected[0] == "alerts":
            self._show_alerts()
            return
        self.model.set_filter(self._filter())
        self._after_reset()

    def _search_changed(self) -> None:
        # Typing stays fluid: the query runs once the keyboard pauses.
        if not hasattr(self, "_search_timer"):
            self._search_timer = QTimer(self)
            self._search_timer.setSingleShot(True)
            self._search_timer.setInterval(120)
            self._search_timer.timeout.connect(self._apply_filter)
        self._search_timer.start()

    def _after_reset(self, keep: int | None = None) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            self.empty.setText(self._empty_text())
            self.list_stack.setCurrentWidget(self.empty)
            self._show_mention(None)
            self.count_label.setText("")
            return
        self.list_stack.setCurrentWidget(self.table)
        more = "+" if self.model.canFetchMore(QModelIndex()) else ""
        self.count_label.setText(
            ngettext("{count} mention", "{count} mentions", rows).format(count=f"{rows}{more}")
        )
        row = self.model.row_of(keep) if keep is not None else None
        self.table.selectRow(row if row is not None else 0)

    def _empty_text(self) -> str:
        if self.ws is None:
            return ""
        if not self.ws.sources.all():
            return _(
                "No source yet. Add the feeds that speak about the client: a blog, a news "
                "site, a Google Alerts or Reddit feed, or import an OPML file from your feed "
                "reader."
            )
        if self.search.text().strip():
            return _("No mention matches “{query}”.").format(query=self.search.text().strip())
        return _("Nothing here. New mentions appear as the sources are refreshed.")

    # -- the current mention ---------------------------------------------------------------

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        mention = self.model.mention(current.row()) if current.isValid() else None
        if mention is not None and self.ws is not None:
            mention = self.ws.mentions.get(mention.id)
        self._show_mention(mention)
        if mention is not None and not mention.read:
            self._write(lambda ws: ws.mentions.set_read([mention.id]), [mention.id])

    def _show_mention(self, mention: Mention | None) -> None:
        self._current = mention
        self.pane.setEnabled(mention is not None)
        if mention is None:
            self.title.setText("")
            self.meta.setText("")
            self.reason.setText("")
            self.tags_label.setText("")
            self.reader.setHtml("")
            return
        tz = self.ws.profile().zone if self.ws else None
        when = format_when(mention.published_at, tz, year=True)
        parts = [mention.source, when]
        if mention.author:
            parts.insert(1, mention.author)
        if mention.language:
            parts.append(mention.language.upper())
        self.title.setText(mention.title or _("(untitled)"))
        self.meta.setText(" · ".join(p for p in parts if p))
        index = self.sentiment_box.findData(mention.sentiment or "neutral")
        self.sentiment_box.setCurrentIndex(max(index, 0))
        if mention.sentiment_by_user:
            self.reason.setText(_("set by hand"))
        elif mention.sentiment_reason:
            words = readable_reason(mention.sentiment_reason, f"{mention.title} {mention.text}")
            self.reason.setText(_("because of: {words}").format(words=words))
        else:
            self.reason.setText(_("no telling words found"))
        self.tags_label.setText(
            _("Tags: {tags}").format(tags=", ".join(mention.tags)) if mention.tags else ""
        )
        href = html.escape(mention.url, quote=True)
        link = f'<p><a href="{href}">{html.escape(mention.url)}</a></p>' if mention.url else ""
        self.reader.setHtml((mention.html or f"<p>{html.escape(mention.text)}</p>") + link)

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self._current is not None:
            return [self._current.id]
        return [self.model.mention_id(r) for r in rows]

    # -- actions -------------------------------------------------------------------------------

    def _write(self, fn: Callable[[Workspace], Changes], ids: list[int]) -> None:
        ws = self.ws
        if ws is None or not ids:
            return
        self.tasks.run(
            _("Saving"),
            lambda ctx: fn(ws),
            lambda _changes: self._refresh_rows(ids),
            write=True,
            cancellable=False,
        )

    def _refresh_rows(self, ids: list[int]) -> None:
        self.model.refresh_ids(ids)
        if self._current is not None and self._current.id in ids and self.ws is not None:
            self._show_mention(self.ws.mentions.get(self._current.id))

    def _bulk(self, attribute: str, setter: str) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        rows = self.model.by_ids_cached(ids)
        # One state for the whole selection: if any lacks it, all get it.
        value = not all(getattr(m, attribute) for m in rows)
        self._write(lambda ws: getattr(ws.mentions, setter)(ids, value), ids)

    def toggle_read(self) -> None:
        self._bulk("read", "set_read")

    def toggle_star(self) -> None:
        self._bulk("starred", "set_starred")

    def toggle_archive(self) -> None:
        ids = self.selected_ids()
        if not ids or self.ws is None:
            return
        rows = self.model.by_ids_cached(ids)
        value = not all(m.archived for m in rows)
        ws = self.ws
        self.tasks.run(
            _("Saving"),
            lambda ctx: ws.mentions.set_archived(ids, value),
            lambda _c: self._after_archive(ids),
            write=True,
            cancellable=False,
        )

    def _after_archive(self, ids: list[int]) -> None:
        # Archived mentions leave the inbox: reload, keeping the place in the list.
        row = self.table.currentIndex().row()
        self.model.reload()
        self._after_reset()
        if self.model.rowCount():
            self.table.selectRow(min(max(row, 0), self.model.rowCount() - 1))
        self.message.emit(
            ngettext(
                "{count} mention archived or brought back.",
                "{count} mentions archived or brought back.",
                len(ids),
            ).format(count=len(ids))
        )

    def add_tag(self) -> None:
        ids = self.selected_ids()
        if not ids or self.ws is None:
            return
        name, ok = QInputDialog.getItem(
            self, _("Add a tag"), _("Tag:"), self.ws.mentions.tags(), 0, True
        )
        if ok and name.strip():
            self._write(lambda ws: ws.mentions.add_tag(ids, name), ids)

    def open_in_browser(self) -> None:
        if self._current is not None and self._current.url:
            from PySide6.QtCore import QUrl

            self.reader.anchorClicked.emit(QUrl(self._current.url))

    def convert_to_interaction(self) -> None:
        if self._current is not None:
            self.convert_requested.emit(self._current.id)

    def draft_post(self) -> None:
        if self._current is not None:
            self.draft_requested.emit(self._current.id)

    def _table_menu(self, position: QPoint) -> None:
        if self._current is None:
            return
        menu = QMenu(self)
        for label, slot in (
            (_("Handle as an interaction (I)"), self.convert_to_interaction),
            (_("Draft a post from this mention (D)"), self.draft_post),
            (_("Open in the browser (O)"), self.open_in_browser),
            (_("Star or unstar (S)"), self.toggle_star),
            (_("Add a tag (T)"), self.add_tag),
            (_("Archive or bring back (E)"), self.toggle_archive),
        ):
            menu.addAction(label).triggered.connect(slot)
        menu.exec(self.table.viewport().mapToGlobal(position))

    def _sentiment_chosen(self, _index: int) -> None:
        mention = self._current
        value = self.sentiment_box.currentData()
        if mention is not None and value and value != mention.sentiment:
            self._write(lambda ws: ws.mentions.set_sentiment(mention.id, value), [mention.id])

    def _move(self, step: int) -> None:
        row = self.table.currentIndex().row() + step
        if 0 <= row < self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 1),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    # -- refreshing --------------------------------------------------------------------------

    def _prepare_parsing(self) -> None:
        """The parsing processes' server, started before the catch-up refresh so that it
        is ready for it, when the workspace shown has sources to refresh."""
        if self.ws is not None and any(s.enabled for s in self.ws.sources.all()):
            # Imported here: the network and parsing stack stays out of the start-up.
            from cmdesk.monitor import workers

            workers.prepare()

    def refresh_due(self) -> None:
        if self.ws is not None and self.refreshing is None:
            due = self.ws.sources.due()
            if due:
                self._refresh(due, quiet=True)

    def refresh_now(self, source_ids: list[int] | None = None) -> None:
        """The refresh button: every source (or these), paused ones included."""
        ws = self.ws
        if ws is None:
            return
        if self.refreshing is not None:
            self.message.emit(_("A refresh is already running."))
            return
        ws.sources.refresh_all_now(source_ids)
        wanted = [s for s in ws.sources.all() if s.enabled]
        if source_ids is not None:
            wanted = [s for s in wanted if s.id in source_ids]
        if not wanted:
            self.message.emit(_("There is no source to refresh: add one first."))
            return
        self._refresh(wanted, quiet=False)

    def _refresh(self, sources: list[Source], *, quiet: bool) -> None:
        ws = self.ws
        assert ws is not None
        known = {a.id for a in ws.topics.alerts(include_acknowledged=True)}

        proxy = self.proxy or None
        # The network and parsing stack (http.client, feedparser) loads on the first refresh,
        # not at start-up: ~200 ms of imports kept off the first paint.
        from cmdesk.monitor.fetch import Fetcher
        from cmdesk.monitor.refresh import Refresher

        def work(ctx: TaskContext) -> RefreshSummary:
            with Fetcher(proxy=proxy) as fetcher:
                return Refresher(fetcher).refresh(
                    ws, sources, progress=ctx.progress, cancel=ctx.cancel_event
                )

        def done(summary: RefreshSummary) -> None:
            self.refreshing = None
            fresh = [a for a in ws.topics.alerts() if a.id not in known]
            self.on_changes(
                Changes(sources=True, mentions=summary.new_mentions > 0, alerts=bool(fresh))
            )
            if fresh:
                self.alerts_raised.emit(fresh)
            if summary.cancelled:
                text = _("Refresh cancelled.")
            else:
                text = _("{new} new mentions from {count} sources ({failed} failed).").format(
                    new=summary.new_mentions, count=summary.feeds, failed=summary.failed
                )
            if summary.new_mentions or not quiet or summary.failed:
                self.message.emit(text)

        def failed(exc: BaseException) -> None:
            self.refreshing = None
            self._failed(_("The refresh failed"))(exc)

        self.refreshing = self.tasks.run(
            ngettext(
                "Refreshing {count} source", "Refreshing {count} sources", len(sources)
            ).format(count=len(sources)),
            work,
            done,
            failed,
        )
        if self.refreshing.finished:  # ran inline (tests)
            self.refreshing = None

    def add_source(self) -> None:
        ws = self.ws
        if ws is None:
            return
        from cmdesk.ui.dialogs.add_source import AddSourceDialog

        dialog = AddSourceDialog(self.tasks, ws.sources.categories(), self, proxy=self.proxy)
        if not dialog.exec():
            return
        wanted = dialog.source()
        if wanted is not None:
            self.add_found_source(wanted)

    def add_found_source(self, wanted: NewSource) -> None:
        ws = self.ws
        if ws is None:
            return

        def added(report: ImportReport) -> None:
            self.on_changes(Changes(sources=True))
            if report.added:
                source = ws.sources.find(report.added[0])
                if source is not None:
                    self.refresh_now([source.id])
            else:
                self.message.emit(_("This feed is already followed."))

        self.tasks.run(
            _("Adding a source"),
            lambda ctx: ws.sources.add_many([wanted]),
            added,
            self._failed(_("The source could not be added")),
            write=True,
            cancellable=False,
        )

    def tree_actions(self, item: QTreeWidgetItem | None) -> list[tuple[str, Callable[[], None]]]:
        """What the right-click menu offers on an item of the tree (in this order)."""
        ws = self.ws
        if ws is None:
            return []
        what = item.data(0, FILTER_ROLE) if item is not None else None
        category = item.data(0, CATEGORY_ROLE) if item is not None else None
        actions: list[tuple[str, Callable[[], None]]] = []
        if what and what[0] == "source":
            source_id = int(what[1])
            actions.append((_("Refresh this source now"), lambda: self.refresh_now([source_id])))
            actions.append((_("Manage sources…"), self.manage_sources))
        elif category == "*":
            actions.append((_("Refresh all sources now"), lambda: self.refresh_now()))
            actions.append((_("Add a source…"), self.add_source))
        elif category:
            ids = [s.id for s in ws.sources.all() if s.category == category]
            actions.append((_("Refresh this category now"), lambda: self.refresh_now(ids)))
        elif what and what[0] == "topic":
            assert item is not None

            def edit() -> None:
                self.tree.setCurrentItem(item)
                self.edit_topic()

            def remove() -> None:
                self.tree.setCurrentItem(item)
                self.remove_topic()

            actions.append((_("Edit the topic…"), edit))
            actions.append((_("Remove the topic"), remove))
        return actions

    def _tree_menu(self, position: QPoint) -> None:
        actions = self.tree_actions(self.tree.itemAt(position))
        if not actions:
            return
        menu = QMenu(self)
        for label, run in actions:
            menu.addAction(label).triggered.connect(run)
        menu.exec(self.tree.viewport().mapToGlobal(position))

    # -- topics and alerts ---------------------------------------------------------------------

    def new_topic(self) -> None:
        self._topic_dialog(None)

    def edit_topic(self) -> None:
        selected = self._tree_filter()
        if self.ws is None or selected is None or selected[0] != "topic":
            self.message.emit(_("Select a topic in the list on the left first."))
            return
        self._topic_dialog(self.ws.topics.get(int(selected[1])))

    def _topic_dialog(self, topic: Topic | None) -> None:
        ws = self.ws
        if ws is None:
            return
        from cmdesk.ui.dialogs.topic import TopicDialog

        dialog = TopicDialog(ws, topic, self)
        if not dialog.exec():
            return
        self.save_topic(topic.id if topic else None, dialog.values())

    def save_topic(self, topic_id: int | None, values: dict[str, Any]) -> None:
        ws = self.ws
        if ws is None:
            return

        def work(ctx: TaskContext) -> Changes:
            if topic_id is None:
                ws.topics.add(str(values["name"]), str(values["query"]), int(values["priority"]))
                return Changes(topics=True, mentions=True)
            return ws.topics.update(topic_id, **values)

        self.tasks.run(
            _("Saving the topic"),
            work,
            lambda changes: self.on_changes(changes),
            self._failed(_("The topic could not be saved")),
            write=True,
            cancellable=False,
        )

    def remove_topic(self) -> None:
        selected = self._tree_filter()
        ws = self.ws
        if ws is None or selected is None or selected[0] != "topic":
            self.message.emit(_("Select a topic in the list on the left first."))
            return
        topic_id = int(selected[1])
        self.tasks.run(
            _("Removing the topic"),
            lambda ctx: ws.topics.remove(topic_id),
            lambda changes: self.on_changes(changes),
            self._failed(_("The topic could not be removed")),
            write=True,
            cancellable=False,
        )

    def _show_alerts(self) -> None:
        self.alerts_list.clear()
        ws = self.ws
        alerts = ws.topics.alerts() if ws is not None else []
        for alert in alerts:
            when = format_when(alert.raised_at, self.model.tz)
            text = f"{when} — {alert.title}" + (f"\n{alert.detail}" if alert.detail else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (alert.id, alert.topic_id))
            self.alerts_list.addItem(item)
        if not alerts:
            self.empty.setText(
                _(
                    "No alert. Urgent topics and sudden spikes (many more mentions, or many "
                    "more negative ones, than the topic's usual level) show up here."
                )
            )
            self.list_stack.setCurrentWidget(self.empty)
        else:
            self.list_stack.setCurrentWidget(self.alerts_panel)
            self.alerts_list.setCurrentRow(0)
        self._show_mention(None)
        self.count_label.setText("")

    def _alert_opened(self, item: QListWidgetItem) -> None:
        _alert_id, topic_id = item.data(Qt.ItemDataRole.UserRole)
        if topic_id is not None:
            self._select_tree(("topic", topic_id))
            self._apply_filter()

    def acknowledge_alerts(self) -> None:
        ws = self.ws
        if ws is None:
            return
        items = self.alerts_list.selectedItems() or [
            self.alerts_list.item(i) for i in range(self.alerts_list.count())
        ]
        ids = [item.data(Qt.ItemDataRole.UserRole)[0] for item in items if item is not None]
        self.tasks.run(
            _("Saving"),
            lambda ctx: ws.topics.acknowledge(ids),
            lambda changes: self.on_changes(changes),
            write=True,
            cancellable=False,
        )

    # -- sources -------------------------------------------------------------------------------

    def manage_sources(self) -> None:
        if self.ws is None:
            return
        from cmdesk.ui.dialogs.sources import SourcesDialog

        dialog = SourcesDialog(self.ws, self.tasks, self)
        dialog.exec()
        if dialog.changed:
            self.on_changes(Changes(sources=True, mentions=True))

    def import_opml(self, path: str | None = None) -> None:
        if self.ws is None:
            return
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Import an OPML file"), "", _("Subscription lists (*.opml *.xml)")
            )
            if not path:
                return
        ws, chosen = self.ws, Path(path)
        from cmdesk.monitor.opml import read_opml

        def work(ctx: TaskContext) -> ImportReport:
            return ws.sources.add_many(read_opml(chosen.read_bytes()))

        def done(report: ImportReport) -> None:
            self.on_changes(Changes(sources=True))
            self.message.emit(report.summary())

        self.tasks.run(
            _("Importing sources"),
            work,
            done,
            self._failed(_("Nothing was imported")),
            write=True,
            cancellable=False,
        )

    def export_opml(self, path: str | None = None) -> None:
        if self.ws is None:
            return
        if path is None:
            name = f"{self.ws.profile().slug}-sources.opml"
            path, _filter = QFileDialog.getSaveFileName(
                self, _("Export the sources"), name, _("Subscription lists (*.opml)")
            )
            if not path:
                return
        ws, chosen = self.ws, Path(path)
        from cmdesk.monitor.opml import write_opml

        def work(ctx: TaskContext) -> int:
            sources = ws.sources.all()
            chosen.write_bytes(write_opml(sources, ws.profile().name))
            return len(sources)

        self.tasks.run(
            _("Exporting sources"),
            work,
            lambda count: self.message.emit(
                ngettext(
                    "{count} source written to {path}", "{count} sources written to {path}", count
                ).format(count=count, path=chosen)
            ),
            self._failed(_("The sources could not be exported")),
            cancellable=False,
        )

    def export(self, path: Path | None = None) -> None:
        """The mentions listed, with the filters on screen, to a file."""
        from cmdesk.store import exports
        from cmdesk.ui.dialogs.transfer import export_list, filters_of

        flt = self._filter()
        export_list(self, "mentions", lambda ws: exports.mentions(ws, flt), filters_of(flt), path)

    def _failed(self, title: str) -> Callable[[BaseException], None]:
        return failure_reporter(self, title)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _leave_search(self) -> None:
        if self.search.hasFocus():
            self.table.setFocus()
