"""Headless command line: `cmdesk [--home DIR] [--client SLUG] [--json] COMMAND`.

Stable and scriptable (cron, Task Scheduler, CI). No Qt is imported here; only the
`gui` command loads the GUI, lazily. Exit codes:
0 ok, 2 usage, 3 workspace locked, 4 invalid data, 5 network, 6 keyring unavailable.
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cmdesk import __version__
from cmdesk.core.client import DEFAULT_TIMEZONE, parse_keywords
from cmdesk.core.clock import utc_now
from cmdesk.core.errors import CmdeskError, ExitCode, UsageError
from cmdesk.i18n import LANGUAGES, _, detect_language, format_ago, set_language
from cmdesk.logs import setup_logging
from cmdesk.store import backup as backups
from cmdesk.store import home as clients
from cmdesk.store.demo import build_demo
from cmdesk.store.errors import WorkspaceCorrupt, WorkspaceLocked
from cmdesk.store.location import location_warning
from cmdesk.store.lock import WorkspaceLock
from cmdesk.store.paths import WORKSPACE_SUFFIX, Home, default_log_dir, resolve_home
from cmdesk.store.workspace import check_header, connect, quick_check

log = logging.getLogger(__name__)


class Output:
    """Prints for people, or one JSON document for scripts."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def emit(self, data: Any, text: str) -> None:
        if self.as_json:
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            print(text)


def _client_path(home: Home, client: str | None) -> Path:
    """`--client` as a slug or a .cmdesk path; with one client only, that one."""
    if client:
        if client.endswith(WORKSPACE_SUFFIX) or "/" in client or "\\" in client:
            path = Path(client).expanduser()
            if not path.is_file():
                raise UsageError(_("There is no workspace at {path}.").format(path=path))
            return path.resolve()
        return clients.find_client(home, client)
    known = clients.list_clients(home, include_archived=True)
    if len(known) == 1:
        return known[0].path
    if not known:
        raise UsageError(_("There is no client yet: create one with `cmdesk clients create NAME`."))
    raise UsageError(
        _("Several clients exist; choose one with --client: {slugs}").format(
            slugs=", ".join(c.slug for c in known)
        )
    )


# -- commands ---------------------------------------------------------------------------------


def cmd_clients_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    found = clients.list_clients(home, include_archived=args.all)
    lines = [
        f"{c.slug:<28} {c.name}"
        + (f"  [{_('archived')}]" if c.archived else "")
        + (f"  [{_('damaged')}: {c.error}]" if c.error else "")
        for c in found
    ]
    out.emit(
        [clients.summary_json(c) for c in found],
        "\n".join(lines) if lines else _("No clients yet."),
    )
    return 0


def cmd_clients_create(args: argparse.Namespace, home: Home, out: Output) -> int:
    with clients.create_client(
        home,
        args.name,
        slug=args.slug,
        app="cmdesk clients create",
        language=args.language,
        timezone=args.timezone,
        sector=args.sector or "",
        keywords=parse_keywords(args.keywords or ""),
    ) as ws:
        profile = ws.profile()
    out.emit(
        {"slug": profile.slug, "name": profile.name, "path": str(ws.path)},
        _("Created client “{name}” ({slug}) in {path}").format(
            name=profile.name, slug=profile.slug, path=ws.path
        ),
    )
    return 0


def cmd_clients_rename(args: argparse.Namespace, home: Home, out: Output) -> int:
    path = clients.rename_client(home, args.slug, args.name, args.new_slug)
    out.emit(
        {"slug": path.stem, "name": args.name, "path": str(path)},
        _("Renamed to “{name}” ({slug}).").format(name=args.name, slug=path.stem),
    )
    return 0


def cmd_clients_archive(args: argparse.Namespace, home: Home, out: Output) -> int:
    archived = args.action == "archive"
    clients.set_archived(home, args.slug, archived)
    text = _("Client {slug} archived.") if archived else _("Client {slug} restored from archive.")
    out.emit({"slug": args.slug, "archived": archived}, text.format(slug=args.slug))
    return 0


def cmd_clients_delete(args: argparse.Namespace, home: Home, out: Output) -> int:
    if not args.yes:
        raise UsageError(
            _("Deleting a client needs --yes. A final backup is kept in {folder}.").format(
                folder=home.backups_root
            )
        )
    final = clients.delete_client(home, args.slug)
    out.emit(
        {"slug": args.slug, "deleted": True, "final_backup": str(final)},
        _("Client {slug} deleted. Its final backup: {path}").format(slug=args.slug, path=final),
    )
    return 0


def cmd_demo(args: argparse.Namespace, home: Home, out: Output) -> int:
    path = build_demo(home, reset=args.reset)
    out.emit(
        {"slug": path.stem, "path": str(path)},
        _("Demo client ready: {path}").format(path=path),
    )
    return 0


def cmd_check(args: argparse.Namespace, home: Home, out: Output) -> int:
    path = _client_path(home, args.client)
    report: dict[str, Any] = {"path": str(path), "integrity": "ok", "detail": ""}
    try:
        check_header(path)
        db = connect(path, readonly=True)
        try:
            quick_check(db, path, full=True)
        finally:
            db.close()
    except WorkspaceCorrupt as exc:
        report.update(integrity="damaged", detail=exc.detail)
    lock = WorkspaceLock(path, app="cmdesk check")
    holder_text = _("nothing (not locked)")
    try:
        lock.acquire()
        lock.release()
        report["locked_by"] = None
    except WorkspaceLocked as exc:
        report["locked_by"] = asdict(exc.holder) if exc.holder else {"pid": None}
        holder_text = exc.holder.describe() if exc.holder else _("another program")
    age = backups.latest_backup_age(home, path)
    report["backup_age_hours"] = None if age is None else round(age.total_seconds() / 3600, 1)
    report["location_warning"] = location_warning(path)
    if report["integrity"] != "ok":
        good = backups.latest_good_backup(home, path)
        report["latest_good_backup"] = str(good.path) if good else None
    lines = [
        _("Workspace: {path}").format(path=path),
        _("Integrity: ok")
        if report["integrity"] == "ok"
        else _("Integrity: DAMAGED ({detail})").format(detail=report["detail"]),
        _("Open in: {holder}").format(holder=holder_text),
        _("Last backup: none")
        if age is None
        else _("Last backup: {ago}").format(ago=format_ago(utc_now() - age)),
    ]
    if report["location_warning"]:
        lines.append(_("Warning: {text}").format(text=report["location_warning"]))
    if report["integrity"] != "ok":
        lines.append(
            _("Restore the latest good backup with: cmdesk restore {file}").format(
                file=report["latest_good_backup"]
            )
            if report.get("latest_good_backup")
            else _("No good backup was found.")
        )
    out.emit(report, "\n".join(lines))
    return 0 if report["integrity"] == "ok" else int(ExitCode.INVALID_DATA)


def cmd_backup(args: argparse.Namespace, home: Home, out: Output) -> int:
    path = _client_path(home, args.client)
    info = backups.backup(home, path, "manual")
    out.emit(
        {"path": str(info.path), "size": info.size, "kind": info.kind},
        _("Backup written and verified: {path}").format(path=info.path),
    )
    return 0


def cmd_restore(args: argparse.Namespace, home: Home, out: Output) -> int:
    source = Path(args.file).expanduser().resolve()
    backups.verify_backup(source)
    if args.client and (args.client.endswith(WORKSPACE_SUFFIX) or "/" in args.client):
        target = Path(args.client).expanduser().resolve()
    else:
        # Without --client, the backup goes back to the client it was taken from.
        target = home.workspace_path(args.client or _slug_in(source))
    kept = backups.restore(home, source, target, app="cmdesk restore")
    out.emit(
        {"restored": str(target), "from": str(source), "previous": str(kept) if kept else None},
        _("Restored {target} from {source}.").format(target=target, source=source)
        + ("\n" + _("The previous version was kept: {path}").format(path=kept) if kept else ""),
    )
    return 0


def _slug_in(source: Path) -> str:
    db = connect(source, readonly=True)
    try:
        return str(db.execute("SELECT slug FROM client WHERE id = 1").fetchone()[0])
    finally:
        db.close()


def cmd_secrets_check(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.store import secrets  # keyring costs ~70 ms to import: only when asked

    result = secrets.check()
    out.emit(result, str(result["message"]))
    return 0 if result["ok"] else int(ExitCode.SECRETS)


def cmd_gui(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.app import run_gui  # Qt is loaded only for this command

    path = Path(args.file).expanduser().resolve() if args.file else None
    if path is None and args.client:
        path = _client_path(home, args.client)
    return run_gui(home, workspace=path, smoke=args.smoke)


# -- parser -----------------------------------------------------------------------------------


def _globals(parser: argparse.ArgumentParser, default: Any) -> None:
    """Global options, accepted before or after the command."""
    d = (lambda v: v) if default is None else (lambda v: argparse.SUPPRESS)
    parser.add_argument(
        "--home",
        metavar="DIR",
        default=d(None),
        help=_("folder holding the clients (default: $CMDESK_HOME or the user data folder)"),
    )
    parser.add_argument(
        "--client",
        metavar="SLUG",
        default=d(None),
        help=_("client to work on: its identifier or a .cmdesk file"),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=d(False),
        help=_("print machine-readable JSON"),
    )


# Global options followed by a value: what is after them is not the command.
_VALUE_OPTIONS = frozenset({"--home", "--client"})


def _starts_the_app(argv: Sequence[str]) -> bool:
    """Whether these arguments start the GUI (`gui`, or no command at all): then only
    that command is declared, sparing the start-up the other commands' modules."""
    if any(a in ("-h", "--help", "--version") for a in argv):
        return False
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return arg == "gui"
    return True


def build_parser(*, everything: bool = True) -> argparse.ArgumentParser:
    """The command line; `everything=False` declares only the `gui` command (and the
    global options), for a quicker start of the app."""
    parser = argparse.ArgumentParser(
        prog="cmdesk",
        description=_(
            "cmdesk: monitoring, publishing, interactions and reports for community "
            "managers, one workspace file per client."
        ),
        epilog=_(
            "Exit codes: 0 ok, 2 usage, 3 workspace locked, 4 invalid data, 5 network, "
            "6 keyring unavailable."
        ),
    )
    parser.add_argument("--version", action="version", version=f"cmdesk {__version__}")
    _globals(parser, None)
    common = argparse.ArgumentParser(add_help=False)
    _globals(common, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        sub: Any, name: str, help_text: str, func: Callable[..., int]
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(
            name, help=help_text, description=help_text, parents=[common]
        )
        p.set_defaults(func=func)
        return p

    if everything:
        _declare_commands(commands, command)
    p = command(commands, "gui", _("start the application (the default command)"), cmd_gui)
    p.add_argument("file", metavar="FILE", nargs="?", help=_("a .cmdesk file to open"))
    p.add_argument(
        "--smoke",
        action="store_true",
        help=_("open the main window, print start-up time and memory as JSON, and exit"),
    )
    return parser


def _declare_commands(commands: Any, command: Callable[..., argparse.ArgumentParser]) -> None:
    from cmdesk import (
        cli_deliveries,
        cli_export,
        cli_interactions,
        cli_monitor,
        cli_playbook,
        cli_posts,
        cli_publish,
    )

    clients_p = commands.add_parser(
        "clients", help=_("list and manage clients"), description=_("List and manage clients.")
    )
    clients_sub = clients_p.add_subparsers(dest="clients_command", metavar="ACTION", required=True)
    p = command(clients_sub, "list", _("list the clients"), cmd_clients_list)
    p.add_argument("--all", action="store_true", help=_("include archived clients"))
    p = command(clients_sub, "create", _("create a client workspace"), cmd_clients_create)
    p.add_argument("name", metavar="NAME", help=_("the client's name"))
    p.add_argument("--slug", help=_("identifier and file name (default: from the name)"))
    p.add_argument(
        "--timezone", default=DEFAULT_TIMEZONE, help=_("IANA time zone, e.g. Europe/Paris")
    )
    p.add_argument(
        "--language", default="fr", choices=sorted(LANGUAGES), help=_("the client's language")
    )
    p.add_argument("--sector", help=_("business sector"))
    p.add_argument("--keywords", help=_("brand keywords, separated by commas"))
    p = command(clients_sub, "rename", _("rename a client"), cmd_clients_rename)
    p.add_argument("slug", metavar="SLUG", help=_("the client's identifier"))
    p.add_argument("name", metavar="NAME", help=_("the new name"))
    p.add_argument("--new-slug", help=_("also change the identifier and file name"))
    for action, text in (
        ("archive", _("archive a client (hidden from the list, kept intact)")),
        ("unarchive", _("bring an archived client back")),
    ):
        p = command(clients_sub, action, text, cmd_clients_archive)
        p.add_argument("slug", metavar="SLUG", help=_("the client's identifier"))
        p.set_defaults(action=action)
    p = command(
        clients_sub, "delete", _("delete a client after a final backup"), cmd_clients_delete
    )
    p.add_argument("slug", metavar="SLUG", help=_("the client's identifier"))
    p.add_argument("--yes", action="store_true", help=_("confirm the deletion"))

    p = command(commands, "demo", _("create the demo client (a French bakery)"), cmd_demo)
    p.add_argument("--reset", action="store_true", help=_("rebuild it (the old one is backed up)"))
    command(
        commands, "check", _("check a workspace: integrity, lock holder, backup age"), cmd_check
    )
    command(commands, "backup", _("back up a workspace now (verified copy)"), cmd_backup)
    p = command(commands, "restore", _("restore a workspace from a backup file"), cmd_restore)
    p.add_argument("file", metavar="FILE", help=_("the backup file to restore"))
    secrets_p = commands.add_parser(
        "secrets", help=_("check the system keyring"), description=_("Check the system keyring.")
    )
    secrets_sub = secrets_p.add_subparsers(dest="secrets_command", metavar="ACTION", required=True)
    command(secrets_sub, "check", _("check that passwords can be stored safely"), cmd_secrets_check)
    cli_monitor.register(commands, command, _client_path)
    cli_interactions.register(commands, command, _client_path)
    cli_playbook.register(commands, command, _client_path)  # adds to `teams` and `contacts` too
    cli_posts.register(commands, command, _client_path)
    cli_publish.register(commands, command, _client_path)  # adds to `accounts` too
    cli_export.register(commands, command, _client_path)
    cli_deliveries.register(commands, command, _client_path)  # send-due, deliveries, smtp


def main(argv: Sequence[str] | None = None) -> int:
    set_language(detect_language())
    argv = list(sys.argv[1:] if argv is None else argv)
    # Opened from the file manager: `cmdesk path/to/client.cmdesk`.
    if len(argv) == 1 and argv[0].endswith(WORKSPACE_SUFFIX):
        argv = ["gui", argv[0]]
    parser = build_parser(everything=not _starts_the_app(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*argv, "gui"])
    out = Output(args.json)
    try:
        home = resolve_home(args.home)
        setup_logging(default_log_dir(home))
        return int(args.func(args, home, out))
    except CmdeskError as exc:
        return _fail(out, exc.message, int(exc.exit_code))
    except OSError as exc:
        log.exception("I/O error")
        return _fail(out, _("File error: {error}").format(error=exc), int(ExitCode.INVALID_DATA))
    except sqlite3.DatabaseError as exc:
        # A damaged file SQLite refuses mid-command (e.g. backing it up): invalid data, not
        # a traceback and exit 1.
        log.exception("Database error")
        return _fail(out, _("File error: {error}").format(error=exc), int(ExitCode.INVALID_DATA))


def _fail(out: Output, message: str, code: int) -> int:
    if out.as_json:
        print(json.dumps({"error": message, "exit_code": code}, ensure_ascii=False))
    print(f"cmdesk: {message}", file=sys.stderr)
    return code
