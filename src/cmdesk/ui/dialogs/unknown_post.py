"""Checking a post whose fate is unknown (the app stopped mid-send, or the network's answer
was lost): the post beside the account's latest posts, read from the network off the GUI
thread, and the user's decision. It went out (pick the matching post, or paste its
address) → published; it did not → failed, to reschedule. Never sent again by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import CmdeskError
from cmdesk.core.networks import network_name, post_url_problem
from cmdesk.core.publication import Variant
from cmdesk.i18n import _, format_when
from cmdesk.publish.base import AuthExpired, PublishError, RemotePost
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.post_queue import PostQueueDialog, problem_label
from cmdesk.ui.tasks import TaskContext, TaskHandle, TaskManager


def recent_problem(exc: BaseException, network: str) -> str:
    """Why the account's latest posts cannot be shown, in plain words."""
    if isinstance(exc, AuthExpired):
        return _(
            "{network} no longer accepts cmdesk's access, so its latest posts cannot be read: "
            "check on the network's site, or reconnect the account first."
        ).format(network=network)
    if isinstance(exc, PublishError):
        return _(
            "{network} could not be reached ({error}). Check on the network's site, or try "
            "again when the connection is back."
        ).format(network=network, error=exc.message)
    if isinstance(exc, CmdeskError):
        return exc.message
    return _("The latest posts could not be read ({error}).").format(error=type(exc).__name__)


class CheckUnknownDialog(PostQueueDialog):
    message = Signal(str)

    def __init__(
        self,
        ws: Workspace,
        tasks: TaskManager,
        variants: list[Variant],
        connectors: Callable[[Workspace], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ws, variants, parent)
        self.setObjectName("check-unknown")
        self.setWindowTitle(_("Did this post go out?"))
        self.tasks = tasks
        self.connectors = connectors
        self.loading: TaskHandle | None = None
        self.remote: list[RemotePost] = []

        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        intro = QLabel(
            _(
                "cmdesk sent this post but got no clear answer: it may or may not be online. "
                "Compare it with the account's latest posts, then say what happened. It is "
                "never sent again by itself."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        self.post_heading = QLabel()
        self.post_heading.setWordWrap(True)
        left_box.addWidget(self.post_heading)
        self.post_text = QPlainTextEdit()
        self.post_text.setReadOnly(True)
        left_box.addWidget(self.post_text, 1)
        self.post_error = QLabel()
        self.post_error.setWordWrap(True)
        self.post_error.setStyleSheet("font-style: italic;")
        left_box.addWidget(self.post_error)
        split.addWidget(left)

        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.remote_heading = QLabel(_("The account's latest posts"))
        top.addWidget(self.remote_heading, 1)
        self.reload_button = QPushButton(_("Read again"))
        self.reload_button.clicked.connect(self.load_recent)
        top.addWidget(self.reload_button)
        right_box.addLayout(top)
        self.status = QLabel()
        self.status.setObjectName("recent-status")
        self.status.setWordWrap(True)
        right_box.addWidget(self.status)
        self.recent = QListWidget()
        self.recent.setObjectName("recent-posts")
        self.recent.setWordWrap(True)
        self.recent.setSpacing(3)
        self.recent.setAlternatingRowColors(True)
        self.recent.currentRowChanged.connect(self._picked)
        right_box.addWidget(self.recent, 1)
        split.addWidget(right)
        split.setSizes([360, 460])
        layout.addWidget(split, 1)

        layout.addWidget(QLabel(_("Address of the post, if it went out:")))
        self.url = QLineEdit()
        self.url.setObjectName("post-url")
        self.url.setPlaceholderText(_("Pick a post above, or paste its address"))
        self.url.textChanged.connect(self._check_url)
        layout.addWidget(self.url)
        self.problem = problem_label()
        layout.addWidget(self.problem)

        buttons = QHBoxLayout()
        self.went_out = QPushButton(_("It went out"))
        self.went_out.setObjectName("went-out")
        self.went_out.clicked.connect(lambda: self.decide(True))
        self.did_not = QPushButton(_("It did not go out"))
        self.did_not.setObjectName("did-not")
        self.did_not.setToolTip(_("The post becomes failed: reschedule it or publish it again."))
        self.did_not.clicked.connect(lambda: self.decide(False))
        later = QPushButton(_("Later"))
        later.clicked.connect(self.close)
        buttons.addWidget(self.went_out)
        buttons.addWidget(self.did_not)
        buttons.addStretch(1)
        buttons.addWidget(later)
        layout.addLayout(buttons)

        self.fill_picker()
        self.resize(900, 560)

    # -- the post -------------------------------------------------------------------------------

    def _show(self, _row: int) -> None:
        variant = self.current
        if variant is None:
            return
        post = self.ws.posts.get(variant.post_id)
        account = self.account_name(variant)
        when = format_when(variant.claimed_at, self.zone) if variant.claimed_at else ""
        self.post_heading.setText(
            _("Sent on {time} through {account}").format(
                time=when, account=account or network_name(variant.channel)
            )
        )
        self.post_text.setPlainText(variant.text_or(post.text))
        self.post_error.setText(variant.error)
        self.url.clear()
        self.problem.clear()
        self.load_recent()

    # -- the account's latest posts -----------------------------------------------------------

    def load_recent(self) -> None:
        variant = self.current
        if variant is None:
            return
        if self.loading is not None:
            self.loading.cancel()
        self.recent.clear()
        self.remote = []
        network = network_name(variant.channel)
        if variant.account_id is None:
            self.status.setText(
                _("No account is chosen for this post: check on {network}'s site.").format(
                    network=network
                )
            )
            return
        self.status.setText(
            _("Reading the account's latest posts on {network}…").format(network=network)
        )
        ws, make, account_id = self.ws, self.connectors, variant.account_id
        wanted = variant.id

        def work(ctx: TaskContext) -> list[RemotePost]:
            connector = make(ws)(ws.accounts.get(account_id))
            try:
                return connector.recent(20)
            finally:
                connector.close()

        def done(found: list[RemotePost]) -> None:
            self.loading = None
            if self.current is None or self.current.id != wanted:
                return
            self.remote = found
            for post in found:
                self.recent.addItem(self._item(post))
            self.status.setText(
                _("Pick the post if you find it: its address is filled in.")
                if found
                else _("The account has no post yet on {network}.").format(network=network)
            )

        def failed(exc: BaseException) -> None:
            self.loading = None
            if self.current is not None and self.current.id == wanted:
                self.status.setText(recent_problem(exc, network))

        self.loading = self.tasks.run(_("Reading the latest posts"), work, done, failed)
        if self.loading.finished:
            self.loading = None

    def _item(self, post: RemotePost) -> QListWidgetItem:
        if post.scheduled_at is not None:
            when = _("scheduled for {time}").format(time=format_when(post.scheduled_at, self.zone))
        elif post.created_at is not None:
            when = format_when(post.created_at, self.zone)
        else:
            when = post.status
        text = " ".join(post.text.split())
        item = QListWidgetItem(f"{when}\n{text[:200]}")
        item.setToolTip(post.url or text)
        if not post.url:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        return item

    def _picked(self, row: int) -> None:
        if 0 <= row < len(self.remote) and self.remote[row].url:
            self.url.setText(self.remote[row].url)

    # -- the decision ----------------------------------------------------------------------------

    def _check_url(self, text: str) -> None:
        variant = self.current
        problem = post_url_problem(variant.channel, text) if variant and text.strip() else ""
        self.problem.setText(problem)

    def _remote_id(self, url: str) -> str:
        for post in self.remote:
            if post.url == url:
                return post.remote_id
        return ""

    def decide(self, went_out: bool) -> None:
        variant = self.current
        if variant is None:
            return
        url = self.url.text().strip()
        if went_out and url:
            problem = post_url_problem(variant.channel, url)
            if problem:
                self.problem.setText(problem)
                return
        ws = self.ws
        remote_id = self._remote_id(url)

        def done(_changes: object) -> None:
            self.message.emit(
                _("Recorded: the post went out.")
                if went_out
                else _("Recorded: the post did not go out. Reschedule it when you wish.")
            )
            self.settled(variant)

        def failed(exc: BaseException) -> None:
            self.problem.setText(exc.message if isinstance(exc, CmdeskError) else str(exc))

        self.tasks.run(
            _("Recording the check"),
            lambda ctx: ws.posts.resolve_unknown(
                variant.id, url if went_out else None, remote_id=remote_id
            ),
            done,
            failed,
            write=True,
            cancellable=False,
        )
