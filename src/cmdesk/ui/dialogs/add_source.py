"""Add a source: a feed or website address, or a preset built from a keyword or handle.

The feed is looked up in the background (the address may be a web page that declares
its feed); it is added only once cmdesk has read it, so a typo never becomes a source
that fails forever.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import CmdeskError
from cmdesk.core.monitoring import NewSource
from cmdesk.i18n import _
from cmdesk.monitor.discover import Found, find_feed
from cmdesk.monitor.fetch import Fetcher
from cmdesk.monitor.presets import PRESETS, build
from cmdesk.ui.tasks import TaskContext, TaskManager

ADDRESS = ""  # the "type" of a plain address


class AddSourceDialog(QDialog):
    def __init__(
        self,
        tasks: TaskManager,
        categories: list[str],
        parent: QWidget | None = None,
        *,
        proxy: str = "",
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.proxy = proxy
        self.found: Found | None = None
        self.preset = ""
        self.setWindowTitle(_("Add a source"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItem(_("Feed or website address"), ADDRESS)
        for preset in PRESETS:
            self.kind.addItem(_(preset.label), preset.key)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        form.addRow(_("Type"), self.kind)
        self.value = QLineEdit()
        self.value.returnPressed.connect(self.look_up)
        self.value.textChanged.connect(self._reset)
        form.addRow(_("Address"), self.value)
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(["", *categories])
        form.addRow(_("Category"), self.category)
        layout.addLayout(form)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.find_button = QPushButton(_("Find the feed"))
        self.find_button.clicked.connect(self.look_up)
        buttons.addButton(self.find_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.add_button = buttons.addButton(_("Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._kind_changed()

    def _kind_changed(self) -> None:
        key = self.kind.currentData()
        hint = _("https://… (a feed, or a site's page)")
        for preset in PRESETS:
            if preset.key == key:
                hint = _(preset.hint)
        self.value.setPlaceholderText(hint)
        self._reset()

    def _reset(self) -> None:
        self.found = None
        self.add_button.setEnabled(False)
        self.status_label.setText("")

    def look_up(self) -> None:
        key = self.kind.currentData() or ADDRESS
        try:
            wanted = build(key, self.value.text()) if key else NewSource(self.value.text().strip())
        except CmdeskError as exc:
            self.status_label.setText(exc.message)
            return
        if not wanted.url.lower().startswith(("http://", "https://")):
            self.status_label.setText(_("Type an address starting with http:// or https://."))
            return
        self.preset = wanted.preset
        self.find_button.setEnabled(False)
        self.status_label.setText(_("Looking for the feed…"))

        proxy = self.proxy or None

        def work(ctx: TaskContext) -> Found:
            with Fetcher(deadline_s=20, proxy=proxy) as fetcher:
                return find_feed(wanted.url, fetcher, ctx.cancel_event)

        self.tasks.run(_("Looking for the feed"), work, self._found, self._not_found)

    def _found(self, found: Found) -> None:
        self.find_button.setEnabled(True)
        self.found = found
        self.add_button.setEnabled(True)
        self.add_button.setDefault(True)
        self.status_label.setText(
            _("Found “{title}”: {count} entries at {url}").format(
                title=found.title or found.url, count=found.entries, url=found.url
            )
        )

    def _not_found(self, exc: BaseException) -> None:
        self.find_button.setEnabled(True)
        self.status_label.setText(exc.message if isinstance(exc, CmdeskError) else str(exc))

    def source(self) -> NewSource | None:
        if self.found is None:
            return None
        return NewSource(
            url=self.found.url,
            title=self.found.title,
            category=self.category.currentText().strip(),
            site_url=self.found.site_url,
            preset=self.preset,
        )
