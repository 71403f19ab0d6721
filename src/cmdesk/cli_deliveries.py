"""Delivery commands: the schedules of a client (`deliveries`), the user's mail server
(`smtp`), and `send-due`, which cron or the Task Scheduler runs like `publish-due`.

The SMTP password is read from a hidden prompt or from stdin's first line, never from
the arguments (other users see them in the process list, shells keep them).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cmdesk.cli_monitor import CLIENT, ClientPath, Output
from cmdesk.cli_publish import each_client, read_secret
from cmdesk.core.clock import utc_now
from cmdesk.core.delivery import (
    WEBHOOK_FORMATS,
    Channel,
    Period,
    Schedule,
    SendRecord,
    Target,
    Timing,
)
from cmdesk.core.errors import ExitCode, UsageError
from cmdesk.i18n import _, format_when
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace

_open, _read = CLIENT.open, CLIENT.read


def _schedule_json(ws: Workspace, s: Schedule, now: datetime) -> dict[str, object]:
    zone = ws.profile().timezone
    return {
        "id": s.id,
        "kind": s.kind,
        "target": s.target.name,
        "team_id": s.target.team_id,
        "channel": s.channel.value,
        "address": s.address if s.channel is Channel.EMAIL else ("…" if s.address else ""),
        "webhook_format": s.webhook_format,
        "every": s.timing.frequency.value,
        "day": s.timing.day,
        "at": s.timing.at.strftime("%H:%M"),
        "when": s.timing.describe(),
        "enabled": s.enabled,
        "next": s.timing.upcoming(now, zone).isoformat(),
    }


def _record_json(r: SendRecord) -> dict[str, object]:
    return {
        "id": r.id,
        "schedule_id": r.schedule_id,
        "kind": r.kind,
        "period": r.period,
        "target": r.target,
        "channel": r.channel.value,
        "address": r.address,
        "state": r.state.value,
        "attempts": r.attempts,
        "finished_at": r.finished_at.isoformat() if r.finished_at else None,
        "retry_at": r.retry_at.isoformat() if r.retry_at else None,
        "error": r.error,
        "detail": r.detail,
    }


def _record_line(r: SendRecord, ws: Workspace) -> str:
    when = format_when(r.updated_at, ws.profile().zone)
    text = f"{r.id:>4}  {when}  {r.kind} {r.period} → {r.target} ({r.channel.value})  "
    text += r.state.label
    if r.error:
        text += f" — {r.error}"
    return text


# -- schedules --------------------------------------------------------------------------------


def cmd_deliveries_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    now = utc_now()
    with _read(home, args) as ws:
        schedules = ws.deliveries.schedules()
        data = [_schedule_json(ws, s, now) for s in schedules]
        zone = ws.profile().zone
    lines = [
        f"{d['id']:>4}  {d['kind']} → {d['target']} ({d['channel']}), {d['when']}"
        + ("" if d["enabled"] else f"  [{_('paused')}]")
        + "  "
        + _("next: {time}").format(time=format_when(datetime.fromisoformat(str(d["next"])), zone))
        for d in data
    ]
    out.emit(data, "\n".join(lines) or _("No delivery yet."))
    return 0


def cmd_deliveries_add(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.cli_playbook import _team_id
    from cmdesk.share.deliver import add_schedule

    timing = Timing.parse(args.every, args.on or "", args.at)
    channel = Channel.WEBHOOK if args.webhook is not None else Channel.EMAIL
    if channel is Channel.WEBHOOK and args.to:
        raise UsageError(_("Give either --to (e-mail) or --webhook, not both."))
    with _open(home, args) as ws:
        team_id = _team_id(ws, args.team) if args.team else None
        wanted = Schedule(
            id=None,
            kind=args.kind,
            target=Target(team_id),
            channel=channel,
            timing=timing,
            address=(args.to or "") if channel is Channel.EMAIL else (args.webhook or ""),
            webhook_format=args.webhook_format or "",
        )
        schedule = add_schedule(ws, wanted)
        data = _schedule_json(ws, schedule, utc_now())
    out.emit(
        data,
        _("Delivery {id} added: {kind} for {target}, {when}.").format(
            id=schedule.id, kind=schedule.kind, target=schedule.target.name, when=data["when"]
        ),
    )
    return 0


def cmd_deliveries_remove(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _open(home, args) as ws:
        ws.deliveries.remove(args.id)
    out.emit(
        {"id": args.id, "removed": True},
        _("Delivery {id} removed; its log is kept.").format(id=args.id),
    )
    return 0


def cmd_deliveries_log(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        records = ws.deliveries.log(limit=args.limit)
        lines = [_record_line(r, ws) for r in records]
    out.emit([_record_json(r) for r in records], "\n".join(lines) or _("Nothing was sent yet."))
    return 0


def cmd_deliveries_send(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.share.deliver import FAILED, UNKNOWN, Senders, send_now

    period = Period.parse(args.period) if args.period else None
    with _open(home, args) as ws:
        outcome = send_now(ws, Senders.for_home(home), args.id, period)
    out.emit(
        _outcome_json(outcome),
        f"{outcome.kind} {outcome.period} → {outcome.target}: {outcome.result}"
        + (f" — {outcome.message}" if outcome.message else ""),
    )
    return int(ExitCode.NETWORK) if outcome.result in (FAILED, UNKNOWN) else 0


def cmd_deliveries_skip(args: argparse.Namespace, home: Home, out: Output) -> int:
    period = Period.parse(args.period)
    with _open(home, args) as ws:
        ws.deliveries.skip(ws.deliveries.get(args.id), period)
    out.emit(
        {"id": args.id, "period": period.key, "skipped": True},
        _("{period} of delivery {id} will not be sent.").format(period=period.key, id=args.id),
    )
    return 0


def cmd_deliveries_resolve(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _open(home, args) as ws:
        ws.deliveries.resolve_unknown(args.log_id, arrived=args.arrived)
        record = ws.deliveries.get_record(args.log_id)
    out.emit(_record_json(record), f"{record.id}: {record.state.label}")
    return 0


# -- send-due ---------------------------------------------------------------------------------


def _outcome_json(o: Any) -> dict[str, object]:
    return {
        "schedule_id": o.schedule_id,
        "kind": o.kind,
        "period": o.period,
        "target": o.target,
        "channel": o.channel,
        "result": o.result,
        "message": o.message,
        "log_id": o.record_id,
        "retry_at": o.retry_at.isoformat() if o.retry_at else None,
    }


def cmd_send_due(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.share.deliver import Senders, send_due

    senders = Senders.for_home(home)
    reports: list[dict[str, object]] = []
    lines: list[str] = []
    problems = False
    for path, ws in each_client(home, args, "cmdesk send-due", reports, lines):
        summary = send_due(ws, senders)
        problems = problems or summary.problems
        reports.append({"client": path.stem, "summary": summary.describe(),
                        "outcomes": [_outcome_json(o) for o in summary.outcomes]})  # fmt: skip
        lines.append(f"{path.stem}: {summary.describe()}")
        lines += [
            f"  {o.kind} {o.period} → {o.target} ({o.channel}): {o.result}"
            + (f" — {o.message}" if o.message else "")
            for o in summary.outcomes
        ]
    out.emit({"clients": reports}, "\n".join(lines) or _("No client."))
    return int(ExitCode.NETWORK) if problems else 0


# -- the mail server --------------------------------------------------------------------------


def cmd_smtp_set(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.share import mail

    security = args.security
    settings = mail.SmtpSettings(
        host=args.host,
        port=args.port or mail.DEFAULT_PORTS[security],
        security=security,
        username=args.user or "",
        from_address=args.sender or "",
        from_name=args.from_name or "",
        reply_to=args.reply_to or "",
        cafile=args.cafile or "",
    ).validated()
    store = None
    if settings.username:
        password = read_secret(_("Password of {user} on {host}: ").format(
            user=settings.username, host=settings.host))  # fmt: skip
        store = mail.password_store()
        store.set(settings.secret_name, password)
    path = mail.save_settings(home, settings)
    text = _("Mail server set: {server}.").format(server=settings.describe())
    if store is not None:
        text += "\n" + _("Its password is in {place}.").format(place=store.describe())
    out.emit({"settings": str(path), "server": settings.describe()}, text)
    return 0


def cmd_smtp_show(args: argparse.Namespace, home: Home, out: Output) -> int:
    from dataclasses import asdict

    from cmdesk.share import mail

    settings = mail.load_settings(home)
    if settings is None:
        out.emit({"settings": None}, _("No mail server is set: see `cmdesk smtp set --help`."))
        return 0
    out.emit({"settings": asdict(settings)}, settings.describe())
    return 0


def cmd_smtp_test(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.core.delivery import Document, split_addresses
    from cmdesk.share import mail

    settings = mail.load_settings(home)
    if settings is None:
        raise UsageError(_("No mail server is set: see `cmdesk smtp set --help`."))
    settings = settings.validated()
    password = mail.password_for(settings, mail.password_store()) if settings.username else ""
    if not args.to:
        said = mail.check_connection(settings, password)
        out.emit(
            {"ok": True, "server": settings.describe()},
            _("The mail server accepts cmdesk: {server} ({said}).").format(
                server=settings.describe(), said=said
            ),
        )
        return 0
    recipients = split_addresses(args.to)
    document = Document(
        subject=_("cmdesk: test message"),
        text=_("This message was sent by cmdesk to check the mail settings."),
        html="<p>" + _("This message was sent by cmdesk to check the mail settings.") + "</p>",
    )
    detail = mail.send_mail(settings, password, recipients, document)
    out.emit(
        {"ok": True, "sent_to": list(recipients), "detail": detail},
        _("Test message sent to {to} ({detail}).").format(to=", ".join(recipients), detail=detail),
    )
    return 0


def register(
    commands: Any, command: Callable[..., argparse.ArgumentParser], client_path: ClientPath
) -> None:
    from cmdesk.share.documents import kinds

    CLIENT.path = client_path
    command(
        commands,
        "send-due",
        _("send the reports, digests and exports whose time has come (for cron)"),
        cmd_send_due,
    )
    deliveries = commands.add_parser(
        "deliveries",
        help=_("scheduled e-mails and webhooks, and what was sent"),
        description=_("Schedule documents sent by e-mail or webhook, and read the send log."),
    )
    sub = deliveries.add_subparsers(dest="deliveries_command", metavar="ACTION", required=True)
    command(sub, "list", _("the client's deliveries and when they next go"), cmd_deliveries_list)
    p = command(sub, "add", _("send a document every day, week or month"), cmd_deliveries_add)
    p.add_argument(
        "kind", metavar="KIND", choices=[k.name for k in kinds()],
        help=", ".join(f"{k.name}: {_(k.label)}" for k in kinds()),
    )  # fmt: skip
    p.add_argument("--every", required=True, choices=("day", "week", "month"), help=_("how often"))
    p.add_argument("--on", help=_("the day: mon…sun for a week, 1…31 for a month"))
    p.add_argument("--at", default="08:00", help=_("the time, in the client's zone"))
    p.add_argument("--team", help=_("for this team (default: the client)"))
    p.add_argument("--to", help=_("e-mail addresses, separated by commas (default: the team's)"))
    p.add_argument(
        "--webhook", nargs="?", const="", metavar="URL",
        help=_("post to a webhook instead of e-mail (default: the team's)"),
    )  # fmt: skip
    p.add_argument(
        "--webhook-format", choices=sorted(WEBHOOK_FORMATS),
        help=_("the service (default: from the address)"),
    )  # fmt: skip
    p = command(sub, "remove", _("stop a delivery (its log is kept)"), cmd_deliveries_remove)
    p.add_argument("id", metavar="ID", type=int, help=_("the delivery's number"))
    p = command(sub, "log", _("what was sent, when, and what became of it"), cmd_deliveries_log)
    p.add_argument("--limit", type=int, default=50, help=_("how many lines (default 50)"))
    p = command(sub, "send", _("send a delivery now (or retry a failure)"), cmd_deliveries_send)
    p.add_argument("id", metavar="ID", type=int, help=_("the delivery's number"))
    p.add_argument(
        "--period", metavar="PERIOD",
        help=_("e.g. 2026-03, 2026-W11 or 2026-03-09 (default: the latest complete one)"),
    )  # fmt: skip
    p = command(sub, "skip", _("never send one period of a delivery"), cmd_deliveries_skip)
    p.add_argument("id", metavar="ID", type=int, help=_("the delivery's number"))
    p.add_argument("--period", required=True, metavar="PERIOD", help=_("the period to skip"))
    p = command(sub, "resolve", _("say whether a send to check arrived"), cmd_deliveries_resolve)
    p.add_argument("log_id", metavar="LOG_ID", type=int, help=_("the number in the log"))
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--arrived", action="store_true", help=_("it arrived"))
    group.add_argument(
        "--not-arrived", dest="arrived", action="store_false", help=_("it did not arrive")
    )

    smtp = commands.add_parser(
        "smtp",
        help=_("your mail server, for the deliveries"),
        description=_("Your mail server (one for every client); its password goes to the keyring."),
    )
    sub = smtp.add_subparsers(dest="smtp_command", metavar="ACTION", required=True)
    p = command(sub, "set", _("set the mail server (the password is asked)"), cmd_smtp_set)
    p.add_argument("--host", required=True, help=_("e.g. smtp.example.fr"))
    p.add_argument("--port", type=int, help=_("default: 465 for tls, 587 for starttls"))
    p.add_argument(
        "--security", choices=("tls", "starttls", "none"), default="tls",
        help=_("tls (port 465, the default), starttls (port 587), none (no login only)"),
    )  # fmt: skip
    p.add_argument("--user", help=_("the login (often your e-mail address)"))
    p.add_argument("--from", dest="sender", metavar="ADDRESS",
                   help=_("the sender's address (default: the login)"))  # fmt: skip
    p.add_argument("--from-name", help=_("the sender's name"))
    p.add_argument("--reply-to", metavar="ADDRESS", help=_("where answers go"))
    p.add_argument(
        "--cafile", metavar="FILE",
        help=_("a certificate to trust (a server with its own certificate)"),
    )  # fmt: skip
    command(sub, "show", _("the mail server set"), cmd_smtp_show)
    p = command(sub, "test", _("log in to the mail server, or send a test message"), cmd_smtp_test)
    p.add_argument("--to", metavar="ADDRESS", help=_("send a test message to this address"))
