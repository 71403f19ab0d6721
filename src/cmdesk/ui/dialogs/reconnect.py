"""Reconnecting an account the network stopped accepting (token revoked, app password
deleted, password changed): a new token or application password, checked with the
network off the GUI thread and kept in the system keyring under the account's own entry
(publish.connectors.reconnect). The posts that failed for that reason can be sent again
at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.accounts import Account
from cmdesk.core.errors import CmdeskError
from cmdesk.core.networks import Network, network_name
from cmdesk.core.publication import VariantState
from cmdesk.i18n import _, ngettext
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.post_queue import problem_label
from cmdesk.ui.tasks import TaskContext, TaskManager


def where_to_get_it(network: Network) -> str:
    if network is Network.MASTODON:
        return _(
            "On your instance: Preferences → Development → New application (rights "
            "read:accounts read:statuses write:media write:statuses), then copy “Your access "
            "token”."
        )
    if network is Network.BLUESKY:
        return _(
            "In Bluesky: Settings → Privacy and security → App passwords → Add App Password, "
            "then copy the password shown (xxxx-xxxx-xxxx-xxxx)."
        )
    return _(
        "In the site's administration: Users → Profile → Application Passwords, type "
        "“cmdesk”, click Add New Application Password, then copy the password shown."
    )


def _label(network: Network) -> str:
    if network is Network.MASTODON:
        return _("New access token:")
    if network is Network.BLUESKY:
        return _("New app password:")
    return _("New application password:")


class ReconnectDialog(QDialog):
    message = Signal(str)
    reconnected = Signal(list)  # variant ids to send again

    def __init__(
        self,
        ws: Workspace,
        tasks: TaskManager,
        account: Account,
        secrets: Callable[[Workspace], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reconnect-account")
        self.setWindowTitle(_("Reconnect this account"))
        self.ws = ws
        self.tasks = tasks
        self.account = account
        self.secrets = secrets
        self.failed_ids = [
            v.id
            for v in self._failed_variants()
            if v.account_id == account.id and v.state is VariantState.FAILED
        ]

        layout = QVBoxLayout(self)
        heading = QLabel(
            _(
                "{network} no longer accepts cmdesk's access for {account}. Nothing is "
                "published through it until it is reconnected."
            ).format(network=network_name(account.network), account=account.display_name)
        )
        heading.setWordWrap(True)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        how = QLabel(where_to_get_it(account.network))
        how.setWordWrap(True)
        layout.addWidget(how)
        form = QFormLayout()
        form.addRow(_("Account:"), QLabel(account.username or account.server))
        self.secret = QLineEdit()
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.textChanged.connect(self._typed)
        form.addRow(_label(account.network), self.secret)
        layout.addLayout(form)
        self.again = QCheckBox(
            ngettext(
                "Send again the {n} post that failed because of this",
                "Send again the {n} posts that failed because of this",
                len(self.failed_ids),
            ).format(n=len(self.failed_ids))
        )
        self.again.setChecked(True)
        self.again.setVisible(bool(self.failed_ids))
        layout.addWidget(self.again)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        note = QLabel(_("It is kept in the system keyring only, never in the client's file."))
        note.setWordWrap(True)
        note.setEnabled(False)
        layout.addWidget(note)
        buttons = QDialogButtonBox()
        role = QDialogButtonBox.ButtonRole.AcceptRole
        self.ok: QPushButton = buttons.addButton(_("Reconnect"), role)
        self.ok.setEnabled(False)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.reconnect)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def _typed(self, text: str) -> None:
        self.ok.setEnabled(bool(text.strip()))

    def _failed_variants(self) -> list[Any]:
        """This account's versions that failed on a refused access (the runner's message)."""
        with self.ws.reading() as db:
            rows = db.execute(
                "SELECT id FROM post_variant WHERE account_id = ? AND state = 'failed'",
                (self.account.id,),
            ).fetchall()
        return [self.ws.posts.variant(r[0]) for r in rows]

    def reconnect(self) -> None:
        secret = self.secret.text().strip()
        if not secret:
            return
        ws, account, make_secrets = self.ws, self.account, self.secrets
        again = self.failed_ids if self.again.isChecked() else []
        self.ok.setEnabled(False)
        self.problem.setText(
            _("Checking with {network}…").format(network=network_name(account.network))
        )

        def work(ctx: TaskContext) -> list[int]:
            from cmdesk.publish.connectors import reconnect

            reconnect(account, secret, make_secrets(ws))
            assert account.id is not None
            ws.accounts.set_needs_reconnect(account.id, None)
            queued = []
            for variant_id in again:
                variant = ws.posts.variant(variant_id)
                try:
                    ws.posts.schedule(variant.post_id)
                except CmdeskError:
                    continue  # the post changed meanwhile: left for the user
                queued.append(variant_id)
            return queued

        def done(queued: list[int]) -> None:
            self.secret.clear()
            self.message.emit(
                _("{account} is connected again.").format(account=account.display_name)
            )
            self.reconnected.emit(queued)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.problem.setText(exc.message if isinstance(exc, CmdeskError) else str(exc))
            self.ok.setEnabled(True)

        # Network and keyring calls: the pool; the writes inside are short transactions.
        self.tasks.run(_("Reconnecting the account"), work, done, failed, cancellable=False)
