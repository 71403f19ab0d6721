"""Publishing commands that talk to the networks: connecting, testing and removing an
account, and `publish-due`, which cron or the Task Scheduler runs every few minutes.

Secrets are read from a hidden prompt (getpass) or, when stdin is not a terminal, from
its first line: never from the arguments, which other users of the machine can see in
the process list and which shells keep in their history.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cmdesk.cli_monitor import CLIENT, ClientPath, Output
from cmdesk.cli_playbook import _subcommands
from cmdesk.cli_posts import account_json
from cmdesk.core.accounts import Account
from cmdesk.core.clock import to_iso, utc_now
from cmdesk.core.errors import ExitCode, NotFound, UsageError
from cmdesk.core.networks import DIRECT_NETWORKS, Network, network_name
from cmdesk.i18n import _
from cmdesk.store import home as clients
from cmdesk.store.errors import WorkspaceLocked
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace

_open = CLIENT.open


def _secrets(ws: Workspace) -> Any:
    from cmdesk.store.secrets import open_secrets  # keyring: only for these commands

    return open_secrets(ws.profile().uid)


def _account(ws: Workspace, name: str) -> Account:
    account = ws.accounts.find(name)
    if account is None:
        raise NotFound(
            _("There is no account “{name}”: see `cmdesk accounts list`.").format(name=name)
        )
    return account


def read_secret(prompt: str) -> str:
    """A password or token: typed without echo, or the first line of stdin in scripts."""
    if sys.stdin is not None and sys.stdin.isatty():
        value = getpass.getpass(prompt)
    else:
        value = (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")
    if not value.strip():
        raise UsageError(_("No password or token was given (type it, or pipe it on stdin)."))
    return value.strip()


def _prompt(network: Network) -> str:
    if network is Network.MASTODON:
        return _("Mastodon access token: ")
    if network is Network.BLUESKY:
        return _("Bluesky app password (xxxx-xxxx-xxxx-xxxx): ")
    return _("WordPress application password: ")


def cmd_accounts_add(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.publish.connectors import connect

    network = Network(args.network)
    if network is not Network.BLUESKY and not args.server:
        raise UsageError(_("Give the address of the server or site with --server."))
    if network is not Network.MASTODON and not args.handle:
        raise UsageError(_("Give the account's handle or login with --handle."))
    secret = read_secret(_prompt(network))
    with _open(home, args) as ws:
        secrets = _secrets(ws)
        account = connect(
            network, args.server or "", args.handle or "", secret, secrets, label=args.label or ""
        )
        try:
            account = ws.accounts.keep(account)
        except Exception:
            secrets.delete(account.secret_name)  # nothing left in the keyring for nothing
            raise
    out.emit(
        account_json(account),
        _("Account {name} connected; its password is in {place}.").format(
            name=account.display_name, place=secrets.describe()
        ),
    )
    return 0


def cmd_accounts_test(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.publish.base import AuthExpired
    from cmdesk.publish.connectors import connector_for

    with _open(home, args) as ws:
        account = _account(ws, args.name)
        assert account.id is not None
        connector = connector_for(account, _secrets(ws))
        try:
            identity = connector.test_connection()
        except AuthExpired:
            ws.accounts.set_needs_reconnect(account.id, to_iso(utc_now()))
            raise
        finally:
            connector.close()
        ws.accounts.set_needs_reconnect(account.id, None)
    out.emit(
        {**account_json(account), "needs_reconnect": False, "remote_username": identity.username},
        _("The connection works: {network} knows this account as {who}.").format(
            network=network_name(account.network), who=identity.username or identity.remote_id
        ),
    )
    return 0


def cmd_accounts_remove(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _open(home, args) as ws:
        account = _account(ws, args.name)
        assert account.id is not None
        ws.accounts.remove(account.id, _secrets(ws))
    out.emit(
        {"id": account.id, "removed": True},
        _("Account {name} removed, with its password.").format(name=account.display_name),
    )
    return 0


# -- publish-due ---------------------------------------------------------------------------


def _targets(home: Home, args: argparse.Namespace) -> list[Any]:
    if args.client:
        return [CLIENT.file(home, args)]
    return [c.path for c in clients.list_clients(home) if not c.error]


def each_client(
    home: Home, args: argparse.Namespace, app: str, reports: list[Any], lines: list[str]
) -> Iterator[tuple[Path, Workspace]]:
    """Every client (or --client), opened for writing, for the `…-due` commands. A client
    the app has open is skipped and said so: the app's own timer does the work there."""
    for path in _targets(home, args):
        try:
            ws = Workspace.open(path, app=app)
        except WorkspaceLocked as exc:
            if args.client:
                raise
            reports.append({"client": path.stem, "skipped": exc.message})
            lines.append(f"{path.stem}: {exc.message}")
            continue
        with ws:
            yield path, ws


def cmd_publish_due(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.publish.connectors import factory
    from cmdesk.publish.runner import publish_due

    reports: list[dict[str, object]] = []
    lines: list[str] = []
    problems = False
    for path, ws in each_client(home, args, "cmdesk publish-due", reports, lines):
        summary = publish_due(ws, factory(_secrets(ws)))
        problems = problems or summary.problems
        reports.append({"client": path.stem, "summary": summary.describe(), "outcomes": [
            _outcome_json(o) for o in summary.outcomes
        ]})  # fmt: skip
        lines.append(f"{path.stem}: {summary.describe()}")
        for o in summary.outcomes:
            if o.result != "skipped":
                detail = o.url or o.message
                lines.append(
                    f"  post {o.post_id} {network_name(o.channel)}: {o.result}"
                    + (f" — {detail}" if detail else "")
                )
    out.emit({"clients": reports}, "\n".join(lines) or _("No client."))
    return int(ExitCode.NETWORK) if problems else 0


def _outcome_json(outcome: Any) -> dict[str, object]:
    return {
        "variant_id": outcome.variant_id,
        "post_id": outcome.post_id,
        "channel": outcome.channel,
        "result": outcome.result,
        "message": outcome.message,
        "url": outcome.url,
        "remote_id": outcome.remote_id,
        "retry_at": outcome.retry_at.isoformat() if outcome.retry_at else None,
    }


def register(
    commands: Any, command: Callable[..., argparse.ArgumentParser], client_path: ClientPath
) -> None:
    CLIENT.path = client_path
    sub = _subcommands(commands, "accounts")
    p = command(
        sub,
        "add",
        _("connect an account (the password is asked, or read from stdin)"),
        cmd_accounts_add,
    )
    p.add_argument(
        "network", choices=sorted(n.value for n in DIRECT_NETWORKS), help=_("the network")
    )
    p.add_argument(
        "--server",
        metavar="URL",
        help=_("the Mastodon instance, Bluesky server (default bsky.social) or WordPress site"),
    )
    p.add_argument("--handle", help=_("the Bluesky handle or WordPress login"))
    p.add_argument("--label", help=_("your own name for the account"))
    p = command(
        sub, "test", _("check that the network still accepts the account"), cmd_accounts_test
    )
    p.add_argument("name", metavar="NAME", help=_("the account's name, handle or id"))
    p = command(sub, "remove", _("remove an account and its password"), cmd_accounts_remove)
    p.add_argument("name", metavar="NAME", help=_("the account's name, handle or id"))
    command(
        commands,
        "publish-due",
        _("publish the posts whose time has come (for cron or the Task Scheduler)"),
        cmd_publish_due,
    )
