"""What the publishing windows that go through several posts share (publishing by hand,
checking unknown posts): a picker shown when there is more than one, the post at hand,
the line that says what is wrong, and moving on once one is settled."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QWidget

from cmdesk.core.networks import network_name
from cmdesk.core.publication import Variant
from cmdesk.i18n import format_when
from cmdesk.store.workspace import Workspace


def problem_label() -> QLabel:
    label = QLabel()
    label.setObjectName("problem")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b02a37;")
    return label


class PostQueueDialog(QDialog):
    def __init__(self, ws: Workspace, variants: list[Variant], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.variants = list(variants)
        self.zone = ZoneInfo(ws.profile().timezone)
        self.picker = QComboBox()
        self.picker.setObjectName("post-picker")
        self.picker.currentIndexChanged.connect(self._show)

    def fill_picker(self) -> None:
        self.picker.blockSignals(True)
        self.picker.clear()
        for variant in self.variants:
            post = self.ws.posts.get(variant.post_id)
            when = format_when(variant.due_at, self.zone) if variant.due_at else ""
            excerpt = " ".join(variant.text_or(post.text).split())[:60]
            label = " · ".join(p for p in (network_name(variant.channel), when, excerpt) if p)
            self.picker.addItem(label, variant.id)
        self.picker.blockSignals(False)
        self.picker.setVisible(len(self.variants) > 1)
        if self.variants:
            self._show(0)

    @property
    def current(self) -> Variant | None:
        row = self.picker.currentIndex()
        return self.variants[row] if 0 <= row < len(self.variants) else None

    def account_name(self, variant: Variant) -> str:
        if variant.account_id is None:
            return ""
        return self.ws.accounts.get(variant.account_id).display_name

    def settled(self, variant: Variant) -> None:
        """`variant` needs nothing more: the next one, or close when none is left."""
        self.variants = [v for v in self.variants if v.id != variant.id]
        if self.variants:
            self.fill_picker()
        else:
            self.accept()

    def _show(self, row: int) -> None:
        raise NotImplementedError
