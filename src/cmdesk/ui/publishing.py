"""Publishing while the app is open: a timer polls the workspace's due posts and runs the
runner (publish.runner.publish_due) off the GUI thread, and what needs the user becomes a
status message, a desktop notification and, where a decision is needed, a window.

- Due times are stored instants, so a laptop waking from sleep catches up on the next
  tick (every minute), like the monitoring view's refresh timer.
- Posts that came due while the app was closed are not sent by the timer: they are
  listed when the workspace opens (LatePostsDialog) for the user to publish now,
  reschedule or skip. The timer sends only what came due after the opening (`cutoff`).
- A refused token becomes "Reconnect this account" (ReconnectDialog), an unknown fate a
  check against the account's latest posts (CheckUnknownDialog), a post for an assisted
  network the assisted publishing window. Nothing is ever sent again by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from cmdesk.core.changes import Changes
from cmdesk.core.clock import utc_now
from cmdesk.core.errors import CmdeskError
from cmdesk.core.networks import ASSISTED_NETWORKS, DIRECT_NETWORKS, network_name
from cmdesk.core.publication import Variant
from cmdesk.i18n import _, ngettext
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import TaskContext, TaskHandle, TaskManager

if TYPE_CHECKING:
    # The runner brings the network and keyring stacks (~250 ms of imports): loaded on
    # the first run, not at start-up.
    from cmdesk.publish.runner import ConnectorFactory, Summary

log = logging.getLogger(__name__)
# A post due this little before the workspace opened is sent as usual: the user opened
# the app in time for it. Anything older waits for the user's decision.
LATE_GRACE = timedelta(minutes=5)
POLL_MS = 60_000
FactoryMaker = Callable[[Workspace], "ConnectorFactory"]
SERVER_HORIZON = timedelta(hours=24)  # publish.runner's: what a run may hand to a server


def keyring_factory(session_only: Callable[[], bool]) -> FactoryMaker:
    """Connectors whose secrets come from the system keyring (or this session's memory
    when the user chose it because no safe keyring was found)."""

    def make(ws: Workspace) -> ConnectorFactory:
        from cmdesk.publish.connectors import factory
        from cmdesk.store.secrets import open_secrets

        return factory(open_secrets(ws.profile().uid, session_only()))

    return make


def keyring_secrets(session_only: Callable[[], bool]) -> Callable[[Workspace], Any]:
    def make(ws: Workspace) -> Any:
        from cmdesk.store.secrets import open_secrets

        return open_secrets(ws.profile().uid, session_only())

    return make


class PublishingRunner(QObject):
    message = Signal(str)  # for the status bar
    changed = Signal(object)  # Changes, for every screen
    notify = Signal(str, str)  # title, text: a desktop notification

    def __init__(
        self,
        tasks: TaskManager,
        parent: QWidget,
        *,
        interactive: bool = True,
        auto: bool = True,
        connectors: FactoryMaker | None = None,
        secrets: Callable[[Workspace], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = parent
        self.tasks = tasks
        self.interactive = interactive  # False in tests and smoke runs: no window opens
        self.auto = auto  # False: no timer (tests drive `poll` themselves)
        self.connectors = connectors or keyring_factory(lambda: False)
        self.secrets = secrets or keyring_secrets(lambda: False)
        self.ws: Workspace | None = None
        self.cutoff: datetime | None = None
        self.running: TaskHandle | None = None
        self.last: Summary | None = None
        self.reminded: set[int] = set()  # variants already announced this session
        self.prompted: set[int] = set()  # accounts already asked to reconnect
        self.open_dialogs: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.start_timer = QTimer(self)
        self.start_timer.setSingleShot(True)
        self.start_timer.setInterval(1500)  # once the window is painted
        self.start_timer.timeout.connect(self.start_up)

    # -- workspace -------------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None, now: datetime | None = None) -> None:
        if self.running is not None:
            self.running.cancel()
            self.running = None
        self.timer.stop()
        self.start_timer.stop()
        for dialog in self.open_dialogs:
            dialog.close()
        self.open_dialogs.clear()
        self.ws = ws
        self.reminded.clear()
        self.prompted.clear()
        self.cutoff = (now or utc_now()) - LATE_GRACE if ws is not None else None
        if ws is not None and self.auto:
            self.timer.start()
            self.start_timer.start()

    def stop(self, msecs: int = 60_000) -> None:
        """Before the workspace is closed: no new post is claimed, and a send in progress
        ends with its confirmation (closing under it would leave it "unknown")."""
        self.timer.stop()
        self.start_timer.stop()
        if self.running is not None:
            self.running.cancel()
            self.tasks.pool.waitForDone(msecs)
            self.running = None

    def on_changes(self, changes: Changes) -> None:
        """Nothing to redraw: the next tick reads the posts afresh."""

    # -- what is waiting for the user ---------------------------------------------------------

    def late(self) -> list[Variant]:
        """Versions that came due before the workspace was opened and still wait."""
        if self.ws is None or self.cutoff is None:
            return []
        return self.ws.posts.due(self.cutoff, 1000)

    def by_hand(self, now: datetime | None = None) -> list[Variant]:
        """Versions for assisted networks whose time has come (late ones included)."""
        if self.ws is None:
            return []
        channels = [n.value for n in ASSISTED_NETWORKS]
        return self.ws.posts.due(now or utc_now(), 200, channels=channels)

    def to_check(self) -> list[Variant]:
        return self.ws.posts.needing_check() if self.ws is not None else []

    def to_reconnect(self) -> list[Any]:
        if self.ws is None:
            return []
        return [a for a in self.ws.accounts.all() if a.needs_reconnect]

    # -- the timer ---------------------------------------------------------------------------

    def start_up(self) -> None:
        """After opening: the late posts first (the user decides), then a normal run;
        the posts to check and the accounts to reconnect are said."""
        ws = self.ws
        if ws is None:
            return
        late = self.late()
        if late:
            text = ngettext(
                "{n} post came due while cmdesk was closed: publish it now, reschedule or skip.",
                "{n} posts came due while cmdesk was closed: publish now, reschedule or skip.",
                len({v.post_id for v in late}),
            ).format(n=len({v.post_id for v in late}))
            self.message.emit(text)
            if self.interactive:
                self.show_late()
        waiting = self.to_check()
        if waiting:
            self.message.emit(
                ngettext(
                    "{n} post may or may not have gone out: check it (Publishing menu).",
                    "{n} posts may or may not have gone out: check them (Publishing menu).",
                    len(waiting),
                ).format(n=len(waiting))
            )
        for account in self.to_reconnect():
            self._ask_reconnect(account.id, account.display_name)
        self.poll()

    def _work_waiting(self, now: datetime) -> bool:
        """Cheap reads in the GUI thread: is there anything for a run to do?"""
        ws = self.ws
        assert ws is not None
        direct = [n.value for n in DIRECT_NETWORKS]
        assisted = [n.value for n in ASSISTED_NETWORKS]
        # Late posts wait for the user's decision: they alone never start a run.
        by_hand = ws.posts.due(now, 1000, after=self.cutoff, channels=assisted)
        # Ahead of their time, only posts a server can hold for later give a run work
        # (Bluesky's wait for their time: no run every minute for them).
        holders = [n for n in direct if n != "bluesky"]
        return bool(
            ws.posts.due(now, 1, after=self.cutoff, channels=direct)
            or ws.posts.due(now + SERVER_HORIZON, 1, after=now, channels=holders)
            or [v for v in by_hand if v.id not in self.reminded]
            or ws.posts.awaiting_address(now, 1)
        )

    def poll(self) -> None:
        if self.ws is None or self.running is not None:
            return
        now = utc_now()
        try:
            waiting = self._work_waiting(now)
        except CmdeskError as exc:  # a workspace closing under the timer
            log.warning("publishing poll: %s", exc.message)
            return
        if waiting:
            self._run(_("Publishing due posts"), None)

    def publish_now(self, variant_ids: list[int] | None = None) -> None:
        """The user's "publish now": these versions (late ones included), or everything
        due since the opening."""
        if self.ws is None:
            return
        if self.running is not None:
            self.message.emit(_("Publishing is already running; try again in a moment."))
            return
        self._run(_("Publishing now"), variant_ids)

    def _run(self, label: str, only: list[int] | None) -> None:
        ws = self.ws
        assert ws is not None
        make = self.connectors
        cutoff = self.cutoff

        def work(ctx: TaskContext) -> Summary:
            from cmdesk.publish.runner import publish_due

            return publish_due(ws, make(ws), cancel=ctx.cancel_event, not_before=cutoff, only=only)

        def done(summary: Summary) -> None:
            self.running = None
            if ws is self.ws:
                self._report(summary, quiet=only is None)

        def failed(exc: BaseException) -> None:
            self.running = None
            text = exc.message if isinstance(exc, CmdeskError) else str(exc)
            log.error("publishing run failed: %s", text)
            self.message.emit(_("Publishing stopped: {error}").format(error=text))

        # The pool, not the writer: the network calls between claim and confirm must not
        # hold up the app's other writes (each step is its own short transaction).
        self.running = self.tasks.run(label, work, done, failed, cancellable=True)
        if self.running.finished:  # ran inline (tests)
            self.running = None

    # -- what a run did -----------------------------------------------------------------------

    def _report(self, summary: Summary, *, quiet: bool) -> None:
        from cmdesk.publish.runner import (
            ADDRESS,
            FAILED,
            HANDED,
            PUBLISHED,
            RECONNECT,
            UNKNOWN,
        )

        self.last = summary
        moved = [o for o in summary.outcomes if o.result not in ("by_hand", "skipped")]
        if moved:
            self.changed.emit(Changes(posts=True, accounts=summary.count(RECONNECT) > 0))
        fresh_by_hand = [o for o in summary.by_hand if o.variant_id not in self.reminded]
        shown = summary.count(PUBLISHED) + summary.count(HANDED) + summary.count(ADDRESS)
        if moved or fresh_by_hand or not quiet:
            text = summary.describe()
            if shown or summary.problems or fresh_by_hand or not quiet:
                self.message.emit(text)
        for outcome in summary.outcomes:
            channel = network_name(outcome.channel)
            if outcome.result == FAILED:
                self.notify.emit(
                    _("A post was not published on {network}").format(network=channel),
                    outcome.message,
                )
            elif outcome.result == UNKNOWN:
                self.notify.emit(
                    _("Check whether a post went out on {network}").format(network=channel),
                    outcome.message,
                )
        for outcome in summary.outcomes:
            if outcome.result == RECONNECT and self.ws is not None:
                variant = self.ws.posts.variant(outcome.variant_id)
                if variant.account_id is not None:
                    account = self.ws.accounts.get(variant.account_id)
                    self._ask_reconnect(account.id, account.display_name)
        if fresh_by_hand:
            self.reminded.update(o.variant_id for o in fresh_by_hand)
            networks = sorted({network_name(o.channel) for o in fresh_by_hand})
            self.notify.emit(
                _("Time to publish by hand"),
                ngettext(
                    "{n} post is due on {networks}: its text is ready to paste.",
                    "{n} posts are due on {networks}: their text is ready to paste.",
                    len(fresh_by_hand),
                ).format(n=len(fresh_by_hand), networks=", ".join(networks)),
            )
            if self.interactive:
                self.show_by_hand([o.variant_id for o in fresh_by_hand])

    def _ask_reconnect(self, account_id: int | None, name: str) -> None:
        if account_id is None or account_id in self.prompted:
            return
        self.prompted.add(account_id)
        text = _("{account}: reconnect this account (Publishing → Reconnect an account).").format(
            account=name
        )
        self.message.emit(text)
        self.notify.emit(_("Reconnect this account"), text)
        if self.interactive:
            self.show_reconnect(account_id)

    # -- windows -------------------------------------------------------------------------------

    def _keep(self, dialog: QWidget) -> None:
        self.open_dialogs.append(dialog)
        dialog.destroyed.connect(
            lambda _obj=None, d=dialog: (
                self.open_dialogs.remove(d) if d in self.open_dialogs else None
            )
        )

    def show_late(self) -> Any:
        from cmdesk.ui.dialogs.late_posts import LatePostsDialog

        if self.ws is None:
            return None
        late = self.late()
        if not late:
            self.message.emit(_("No post is waiting from while cmdesk was closed."))
            return None
        dialog = LatePostsDialog(self.ws, late, self.window)
        dialog.decided.connect(self.apply_late)
        self._keep(dialog)
        if self.interactive:
            dialog.open()
        return dialog

    def apply_late(self, decisions: list[Any]) -> None:
        """Carry out the late posts dialog's decisions: moves on the writer thread, then
        one run for those to publish now."""
        ws = self.ws
        if ws is None:
            return
        now_ids = [i for d in decisions if d.action == "now" for i in d.variant_ids]

        def work(ctx: TaskContext) -> Changes:
            from cmdesk.ui.dialogs.late_posts import carry_out

            return carry_out(ws, decisions)

        def done(_changes: Changes) -> None:
            if now_ids:
                self.publish_now(now_ids)

        self.tasks.run(
            _("Rescheduling late posts"),
            work,
            done,
            lambda exc: self.message.emit(
                exc.message if isinstance(exc, CmdeskError) else str(exc)
            ),
            write=True,
            cancellable=False,
        )

    def show_by_hand(self, variant_ids: list[int] | None = None) -> Any:
        from cmdesk.ui.dialogs.assisted import AssistedDialog

        if self.ws is None:
            return None
        due = self.by_hand()
        if variant_ids:
            due = [v for v in due if v.id in variant_ids] or due
        if not due:
            self.message.emit(_("No post is waiting to be published by hand."))
            return None
        dialog = AssistedDialog(self.ws, self.tasks, due, self.window)
        dialog.message.connect(self.message)
        self._keep(dialog)
        if self.interactive:
            dialog.show()
            dialog.raise_()
        return dialog

    def show_unknown(self) -> Any:
        from cmdesk.ui.dialogs.unknown_post import CheckUnknownDialog

        if self.ws is None:
            return None
        waiting = self.to_check()
        if not waiting:
            self.message.emit(_("No post is waiting to be checked."))
            return None
        dialog = CheckUnknownDialog(self.ws, self.tasks, waiting, self.connectors, self.window)
        dialog.message.connect(self.message)
        self._keep(dialog)
        if self.interactive:
            dialog.show()
        return dialog

    def show_reconnect(self, account_id: int | None = None) -> Any:
        from cmdesk.ui.dialogs.reconnect import ReconnectDialog

        if self.ws is None:
            return None
        accounts = self.to_reconnect()
        if account_id is not None:
            accounts = [a for a in accounts if a.id == account_id] or accounts
        if not accounts:
            self.message.emit(_("Every publishing account is connected."))
            return None
        dialog = ReconnectDialog(self.ws, self.tasks, accounts[0], self.secrets, self.window)
        dialog.message.connect(self.message)
        dialog.reconnected.connect(self._reconnected)
        self._keep(dialog)
        if self.interactive:
            dialog.open()
        return dialog

    def _reconnected(self, variant_ids: list[int]) -> None:
        if self.ws is not None and self.ws.accounts.all():
            self.prompted.clear()
        if variant_ids:
            self.publish_now(variant_ids)

    # -- the menu -----------------------------------------------------------------------------

    def install_menu(self, menu: QMenu) -> None:
        """The publishing actions, added to the Posts menu."""
        for text, slot, shortcut in (
            (_("Publish what is due now"), lambda: self.publish_now(None), "Ctrl+Shift+U"),
            (_("Posts that came due while cmdesk was closed…"), self.show_late, ""),
            (_("Posts to publish by hand…"), lambda: self.show_by_hand(None), ""),
            (_("Posts to check on the network…"), self.show_unknown, ""),
            (_("Reconnect an account…"), lambda: self.show_reconnect(None), ""),
        ):
            action = QAction(text, self.window)
            if shortcut:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)
        self.menu = menu
