"""The posts that came due while cmdesk was closed, listed when the workspace opens: for
each, publish now, reschedule (at a chosen time or the channel's next posting slot),
skip, or decide later; and the same for all at once.

A "Happy Monday" post found on Wednesday should not go out by itself, so nothing late is
sent until the user says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.changes import NOTHING, Changes
from cmdesk.core.clock import utc_now
from cmdesk.core.errors import CmdeskError
from cmdesk.core.networks import network_name
from cmdesk.core.publication import Post, Variant, chosen_instant
from cmdesk.i18n import N_, _, format_when, ngettext
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.post_queue import problem_label

ACTIONS = {
    "later": N_("Decide later"),
    "now": N_("Publish now"),
    "slot": N_("Next posting slot"),
    "time": N_("At a chosen time"),
    "skip": N_("Skip"),
}


@dataclass(frozen=True)
class Decision:
    post_id: int
    variant_ids: tuple[int, ...]
    action: str  # a key of ACTIONS
    wall: datetime | None = None  # "time": the clock in the post's zone
    zone: str = ""


def carry_out(ws: Workspace, decisions: list[Decision]) -> Changes:
    """The moves the decisions ask for (on the writer thread); "now" is sent afterwards
    by the runner. Each post is its own transaction: one that cannot move (it changed
    meanwhile) does not stop the others, and the first reason is raised at the end."""
    changes = NOTHING
    problems: list[str] = []
    for decision in decisions:
        try:
            if decision.action == "skip":
                for variant_id in decision.variant_ids:
                    changes |= ws.posts.skip(variant_id)
            elif decision.action == "slot":
                ws.posts.add_to_queue(decision.post_id)
                changes |= Changes(posts=True)
            elif decision.action == "time" and decision.wall is not None:
                ws.posts.reschedule(decision.post_id, decision.wall, zone=decision.zone or None)
                changes |= Changes(posts=True)
        except CmdeskError as exc:
            problems.append(exc.message)
    if problems:
        raise CmdeskError("\n".join(problems))
    return changes


def _excerpt(post: Post, limit: int = 90) -> str:
    text = " ".join((post.title or post.text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class LatePostsDialog(QDialog):
    decided = Signal(list)  # list[Decision]

    def __init__(self, ws: Workspace, late: list[Variant], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("late-posts")
        self.setWindowTitle(_("Posts that came due while cmdesk was closed"))
        self.ws = ws
        zone_name = ws.profile().timezone
        self.rows: list[tuple[Post, tuple[int, ...]]] = []
        by_post: dict[int, list[int]] = {}
        for variant in late:
            by_post.setdefault(variant.post_id, []).append(variant.id)
        for post_id, variant_ids in by_post.items():
            self.rows.append((ws.posts.get(post_id), tuple(variant_ids)))
        self.zone = zone_name

        layout = QVBoxLayout(self)
        intro = QLabel(
            ngettext(
                "This post was due while cmdesk was closed. It was not sent: say what to do.",
                "These {n} posts were due while cmdesk was closed. None was sent: say what "
                "to do with each.",
                len(self.rows),
            ).format(n=len(self.rows))
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.table = QTableWidget(len(self.rows), 5)
        self.table.setHorizontalHeaderLabels(
            [_("Was due"), _("Networks"), _("Post"), _("What to do"), _("New time")]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.choices: list[QComboBox] = []
        self.times: list[QDateTimeEdit] = []
        for row, (post, ids) in enumerate(self.rows):
            zone = ZoneInfo(post.zone or zone_name)
            due = post.scheduled_at
            when = QTableWidgetItem(format_when(due, zone) if due else "—")
            self.table.setItem(row, 0, when)
            channels = [network_name(v.channel) for v in post.variants if v.id in ids]
            self.table.setItem(row, 1, QTableWidgetItem(", ".join(channels)))
            text = QTableWidgetItem(_excerpt(post))
            text.setToolTip(post.text)
            self.table.setItem(row, 2, text)
            choice = QComboBox()
            for key, label in ACTIONS.items():
                choice.addItem(_(label), key)
            choice.currentIndexChanged.connect(lambda _i, r=row: self._choice_changed(r))
            self.table.setCellWidget(row, 3, choice)
            self.choices.append(choice)
            edit = QDateTimeEdit()
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy HH:mm")
            suggested = self._suggested(post, zone)
            edit.setDateTime(
                QDateTime(
                    suggested.year,
                    suggested.month,
                    suggested.day,
                    suggested.hour,
                    suggested.minute,
                    0,
                )
            )
            edit.setEnabled(False)
            self.table.setCellWidget(row, 4, edit)
            self.times.append(edit)
        layout.addWidget(self.table, 1)

        every = QHBoxLayout()
        every.addWidget(QLabel(_("For all:")))
        for key in ("now", "slot", "skip", "later"):
            button = QPushButton(_(ACTIONS[key]))
            button.setObjectName(f"all-{key}")
            button.clicked.connect(lambda _c=False, k=key: self.choose_all(k))
            every.addWidget(button)
        every.addStretch(1)
        layout.addLayout(every)

        self.problem = problem_label()
        self.problem.hide()
        layout.addWidget(self.problem)

        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton(_("Apply"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Decide later"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(960, 420)

    @staticmethod
    def _suggested(post: Post, zone: ZoneInfo) -> datetime:
        """Today or tomorrow at the post's own wall-clock time, whichever is ahead."""
        now = utc_now().astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
        wall = post.wall_time or now
        candidate = now.replace(hour=wall.hour, minute=wall.minute)
        return candidate if candidate > now else candidate + timedelta(days=1)

    def _choice_changed(self, row: int) -> None:
        self.times[row].setEnabled(self.choices[row].currentData() == "time")

    def choose_all(self, key: str) -> None:
        for choice in self.choices:
            choice.setCurrentIndex(choice.findData(key))

    def decisions(self) -> list[Decision]:
        """What the user chose, rows left at "decide later" excluded. A chosen time that
        does not exist or happens twice in the zone raises (AmbiguousTime)."""
        found = []
        for row, (post, ids) in enumerate(self.rows):
            action = str(self.choices[row].currentData())
            if action == "later":
                continue
            wall = None
            zone = post.zone or self.zone
            if action == "time":
                value = self.times[row].dateTime()
                wall = datetime(
                    value.date().year(),
                    value.date().month(),
                    value.date().day(),
                    value.time().hour(),
                    value.time().minute(),
                )
                chosen_instant(wall, zone)  # refuses a time in a gap or an overlap
            found.append(Decision(post.id, ids, action, wall, zone))
        return found

    def apply(self) -> None:
        try:
            decisions = self.decisions()
        except CmdeskError as exc:
            self.problem.setText(exc.message)
            self.problem.show()
            return
        self.decided.emit(decisions)
        self.accept()
