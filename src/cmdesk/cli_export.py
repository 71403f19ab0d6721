"""Export commands: mentions, interactions, posts and contacts as CSV, XLSX or JSON, a
whole workspace as JSON, and a new client from such a file."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Collection
from datetime import timedelta
from pathlib import Path
from typing import Any

from cmdesk.cli_monitor import CLIENT, ClientPath, Output, day_start
from cmdesk.core.clock import utc_now
from cmdesk.core.errors import UsageError
from cmdesk.core.interactions import CHANNELS, STATUSES, TYPES
from cmdesk.core.monitoring import SENTIMENTS
from cmdesk.core.objectives import FIGURES as FIGURE_NAMES
from cmdesk.core.objectives import METRICS as OBJECTIVE_METRICS
from cmdesk.core.objectives import Progress
from cmdesk.core.periods import parse as parse_period
from cmdesk.core.posts import PostState
from cmdesk.i18n import _, ngettext
from cmdesk.share.digest import FORMATS as DIGEST_FORMATS
from cmdesk.share.digest import export as export_digest
from cmdesk.share.digest import make as make_digest
from cmdesk.share.handover import hand_over
from cmdesk.share.report import FORMATS as REPORT_FORMATS
from cmdesk.share.report import export as export_report
from cmdesk.share.report import make as make_report
from cmdesk.share.report import notes_key as report_notes_key
from cmdesk.share.tables import FORMATS, write_table
from cmdesk.store import exports
from cmdesk.store.home import unique_slug
from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.mentions import MentionFilter
from cmdesk.store.paths import Home
from cmdesk.store.portable import export_workspace, import_workspace, read_export
from cmdesk.store.workspace import Workspace


def _format(args: argparse.Namespace, formats: Collection[str], hint: str) -> str:
    """--format, else the --out file's ending; `hint` says which are allowed."""
    fmt = args.format or Path(args.out).suffix.lower().lstrip(".")
    if fmt not in formats:
        raise UsageError(hint)
    return str(fmt)


def _rows(
    kind: str, args: argparse.Namespace, ws: Workspace
) -> tuple[exports.Rows, dict[str, Any]]:
    """The rows of `kind` with the filters given, and those filters (for the JSON head)."""
    if kind == "mentions":
        zone = ws.profile().zone
        since = day_start(args.since, zone) if args.since else None
        until = day_start(args.until, zone) + timedelta(days=1) if args.until else None
        flt = MentionFilter(
            query=args.query or "",
            state=args.state,
            sentiment=args.sentiment or "",
            tag=args.tag or "",
            since=since,
            until=until,
        )
        used = {
            "query": args.query, "state": args.state, "sentiment": args.sentiment,
            "tag": args.tag, "since": args.since, "until": args.until,
        }  # fmt: skip
        return exports.mentions(ws, flt), used
    if kind == "interactions":
        iflt = InteractionFilter(
            status=args.status or "", type=args.type or "", channel=args.channel or ""
        )
        used = {"status": args.status, "type": args.type, "channel": args.channel,
                "search": args.search}  # fmt: skip
        return exports.interactions(ws, iflt, args.search or ""), used
    if kind == "posts":
        state = PostState(args.state) if args.state else None
        return exports.posts(ws, state), {"state": args.state}
    return exports.contacts(ws), {}


def cmd_export(args: argparse.Namespace, home: Home, out: Output) -> int:
    fmt = _format(
        args,
        FORMATS,
        _("Give --format csv, xlsx or json (or an --out file ending in one of them)."),
    )
    target = Path(args.out).expanduser()
    with CLIENT.read(home, args) as ws:
        rows, used = _rows(args.kind, args, ws)
        about = {
            "client": ws.profile().name,
            "filters": {k: v for k, v in used.items() if v},
        }
        written = write_table(rows, target, fmt, about=about, delimiter=args.delimiter)
    out.emit(
        {"kind": args.kind, "format": fmt, "rows": written, "path": str(target)},
        ngettext("{count} row written to {path}.", "{count} rows written to {path}.", written)
        .format(count=written, path=target),
    )  # fmt: skip
    return 0


def cmd_export_workspace(args: argparse.Namespace, home: Home, out: Output) -> int:
    target = Path(args.out).expanduser()
    with CLIENT.read(home, args) as ws:
        summary = export_workspace(ws, target)
    out.emit(
        summary.as_json(),
        _("The whole workspace ({rows} rows) is in {path}. It holds no password.").format(
            rows=summary.rows, path=target
        ),
    )
    return 0


def cmd_import_workspace(args: argparse.Namespace, home: Home, out: Output) -> int:
    source = Path(args.file).expanduser()
    if not source.is_file():
        raise UsageError(_("There is no file {path}.").format(path=source))
    name = args.name
    if not name:
        header = next(read_export(source))
        name = str(header[1].get("client") or source.stem)
    home.ensure()
    slug = unique_slug(home, name)
    target = home.workspace_path(slug)
    summary = import_workspace(source, target, name=name, slug=slug)
    out.emit(
        {**summary.as_json(), "client": name, "slug": slug},
        _(
            "New client “{name}” ({slug}) made from {file}: {rows} rows. Publishing accounts "
            "must be connected again (passwords are never exported)."
        ).format(name=name, slug=slug, file=source.name, rows=summary.rows),
    )
    return 0


def cmd_handover(args: argparse.Namespace, home: Home, out: Output) -> int:
    folder = Path(args.out).expanduser()
    with CLIENT.read(home, args) as ws:
        done = hand_over(ws, folder)
    text = _(
        "Handover folder ready: {folder}\n  {workspace}\n  {playbook}\n  {guide}"
    ).format(folder=folder, workspace=done.workspace.name, playbook=done.playbook.name,
             guide=done.guide.name)  # fmt: skip
    if done.accounts_removed:
        text += "\n" + _(
            "Accounts left out (to connect again by the recipient): {accounts}"
        ).format(accounts=", ".join(done.accounts_removed))
    out.emit(done.as_json(), text)
    return 0


def cmd_digest(args: argparse.Namespace, home: Home, out: Output) -> int:
    target = Path(args.out).expanduser()
    fmt = _format(
        args,
        DIGEST_FORMATS,
        _("Give --format html, pdf, csv or xlsx (or an --out file ending so)."),
    )
    with CLIENT.read(home, args) as ws:
        period = parse_period(args.period, utc_now(), ws.profile().zone)
        team = None
        if args.team:
            wanted = args.team.casefold()
            found = [t for t in ws.teams.all() if wanted in (t.name.casefold(), str(t.id))]
            if not found:
                names = ", ".join(t.name for t in ws.teams.all()) or _("none yet")
                raise UsageError(
                    _("There is no team “{team}” (teams: {names}).").format(
                        team=args.team, names=names
                    )
                )
            team = found[0]
        doc = make_digest(ws, period, team)
        export_digest(doc, target, fmt)
    d = doc.digest
    out.emit(
        {
            "team": doc.team, "period": period.key(), "format": fmt, "path": str(target),
            "messages": d.total, "previous": d.previous_total, "negative": d.negative,
            "recurring": [{"words": i.words, "messages": i.count, "previous": i.previous}
                          for i in d.recurring],
        },
        _("Digest of {period} written to {path}: {messages} messages, {recurring} recurring "
          "issues.").format(period=period.key(), path=target, messages=d.total,
                            recurring=len(d.recurring)),
    )  # fmt: skip
    return 0


def cmd_report(args: argparse.Namespace, home: Home, out: Output) -> int:
    target = Path(args.out).expanduser()
    fmt = _format(
        args, REPORT_FORMATS, _("Give --format html or pdf (or an --out file ending so).")
    )
    notes = {
        part: Path(path).expanduser().read_text(encoding="utf-8")
        for part, path in (("recommendations", args.recommendations), ("plan", args.plan))
        if path
    }
    opener = CLIENT.open if notes else CLIENT.read  # saving the notes is a write
    with opener(home, args) as ws:
        period = parse_period(args.period, utc_now(), ws.profile().zone)
        for part, text in notes.items():
            ws.set_setting(report_notes_key(period, part), text.strip())
        doc = make_report(ws, period)
        export_report(doc, target, fmt, template_dir=home.root / "templates")
    f = doc.figures
    out.emit(
        {
            "period": period.key(), "format": fmt, "path": str(target),
            "mentions": f.mentions.now, "negative": f.sentiment["negative"].now,
            "alerts": f.alerts.now, "interactions": f.interactions.now,
            "first_response_median_minutes": f.first_response.median,
            "first_response_p90_minutes": f.first_response.p90,
            "posts_published": f.published.now,
        },
        _("Report of {period} written to {path}.").format(period=period.key(), path=target),
    )  # fmt: skip
    return 0


def _objective_json(p: Progress) -> dict[str, object]:
    o = p.objective
    return {
        "id": o.id, "name": o.name, "metric": o.metric, "target": o.target,
        "params": o.params, "value": p.value, "met": p.met, "on_track": p.on_track,
    }  # fmt: skip


def cmd_objectives_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    with CLIENT.read(home, args) as ws:
        zone = ws.profile().zone
        this_month = f"{utc_now().astimezone(zone):%Y-%m}"
        period = parse_period(args.period or this_month, utc_now(), zone)
        progress = ws.objectives.progress(period)
    lines = []
    for p in progress:
        state = (
            _("no data yet") if p.value is None
            else _("met") if p.met
            else _("on track") if p.on_track
            else _("not met")
        )  # fmt: skip
        value = "—" if p.value is None else f"{p.value:g}"
        lines.append(f"{p.objective.id:>3}  {p.objective.name}: {value} / "
                     f"{p.objective.target:g}  ({state})")  # fmt: skip
    out.emit(
        {"period": period.key(), "objectives": [_objective_json(p) for p in progress]},
        "\n".join(lines) or _("No objective yet: add one with `cmdesk objectives add`."),
    )
    return 0


def cmd_objectives_add(args: argparse.Namespace, home: Home, out: Output) -> int:
    params: dict[str, object] = {}
    for item in args.param or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(_("Write parameters as name=value, e.g. minutes=120."))
        params[key.strip()] = int(value) if value.strip().isdigit() else value.strip()
    with CLIENT.open(home, args) as ws:
        objective = ws.objectives.add(args.name, args.metric, args.target, params)
    out.emit(
        {"id": objective.id, "name": objective.name, "metric": objective.metric,
         "target": objective.target, "params": objective.params},
        _("Objective {id} added: {name}.").format(id=objective.id, name=objective.name),
    )  # fmt: skip
    return 0


def cmd_objectives_remove(args: argparse.Namespace, home: Home, out: Output) -> int:
    with CLIENT.open(home, args) as ws:
        ws.objectives.remove(args.id)
    out.emit({"removed": args.id}, _("Objective {id} removed.").format(id=args.id))
    return 0


def cmd_figures_set(args: argparse.Namespace, home: Home, out: Output) -> int:
    with CLIENT.open(home, args) as ws:
        ws.figures.set(args.network, args.figure, args.month, args.value)
    out.emit(
        {"network": args.network, "figure": args.figure, "month": args.month,
         "value": args.value},
        _("{figure} of {network} for {month}: {value:g}.").format(
            figure=args.figure, network=args.network, month=args.month, value=args.value),
    )  # fmt: skip
    return 0


def cmd_figures_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    with CLIENT.read(home, args) as ws:
        rows = ws.figures.all()
    out.emit(
        [{"network": n, "figure": f, "month": m, "value": v, "source": s}
         for n, f, m, v, s in rows],
        "\n".join(f"{m}  {n:<10} {f:<16} {v:>12g}  {s}" for n, f, m, v, s in rows)
        or _("No figure yet: type them with `cmdesk figures set` or import a network's "
             "export with `cmdesk figures import`."),
    )  # fmt: skip
    return 0


def cmd_figures_import(args: argparse.Namespace, home: Home, out: Output) -> int:
    path = Path(args.file).expanduser()
    with CLIENT.open(home, args) as ws:
        found = ws.figures.import_export(path, args.network)
    months = ", ".join(sorted(found.months)) or _("none")
    out.emit(
        found.as_json(),
        _("Read from {file}: {columns}. Months stored: {months}.").format(
            file=path.name,
            columns=", ".join(f"{c} → {f}" for c, f in found.columns.items()),
            months=months,
        ),
    )
    return 0


def register(
    commands: Any, command: Callable[..., argparse.ArgumentParser], client_path: ClientPath
) -> None:
    CLIENT.path = client_path
    export = commands.add_parser(
        "export",
        help=_("export mentions, interactions, posts, contacts or the whole workspace"),
        description=_(
            "Export a client's mentions, interactions, posts or contacts (CSV, XLSX, JSON), "
            "or the whole workspace as JSON."
        ),
    )
    sub = export.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    helps = {
        "mentions": _("the mentions (monitoring)"),
        "interactions": _("the interactions (inbox)"),
        "posts": _("the posts"),
        "contacts": _("the contacts (except those erased on request)"),
    }
    for kind, text in helps.items():
        p = command(sub, kind, text, cmd_export)
        p.set_defaults(kind=kind)
        p.add_argument("--out", required=True, metavar="FILE", help=_("the file to write"))
        p.add_argument("--format", choices=FORMATS, help=_("default: from the file's suffix"))
        p.add_argument(
            "--delimiter", choices=[",", ";", "\t"],
            help=_("CSV separator (default: ';' in French, ',' otherwise)"),
        )  # fmt: skip
        if kind == "mentions":
            p.add_argument("--query", help=_("only the mentions these words find"))
            p.add_argument(
                "--state", default="all",
                choices=["all", "inbox", "unread", "starred", "archived"],
                help=_("which mentions (default: all)"),
            )  # fmt: skip
            p.add_argument("--sentiment", choices=SENTIMENTS, help=_("only this sentiment"))
            p.add_argument("--tag", help=_("only the mentions with this tag"))
            p.add_argument("--since", metavar="YYYY-MM-DD", help=_("from this day on"))
            p.add_argument("--until", metavar="YYYY-MM-DD", help=_("up to this day, included"))
        elif kind == "interactions":
            p.add_argument("--status", choices=STATUSES, help=_("only this status"))
            p.add_argument("--type", choices=TYPES, help=_("only this type"))
            p.add_argument("--channel", choices=CHANNELS, help=_("only this channel"))
            p.add_argument("--search", help=_("only the interactions these words find"))
        elif kind == "posts":
            p.add_argument(
                "--state", choices=[s.value for s in PostState], help=_("only this state")
            )
    p = command(
        sub, "workspace", _("everything of the client as one JSON file"), cmd_export_workspace
    )
    p.add_argument("--out", required=True, metavar="FILE", help=_("the JSON file to write"))
    p = command(
        commands,
        "import-workspace",
        _("make a new client from a workspace exported as JSON"),
        cmd_import_workspace,
    )
    p.add_argument("file", metavar="FILE", help=_("the JSON file `export workspace` wrote"))
    p.add_argument("--name", help=_("the new client's name (default: the exported one)"))
    p = command(
        commands,
        "report",
        _("the client report of a period (PDF or HTML, in the client's language)"),
        cmd_report,
    )
    p.add_argument(
        "--period", required=True,
        help=_("2026-10 (a month), 2026-W44 (a week), 30d, or 2026-10-01..2026-10-31"),
    )  # fmt: skip
    p.add_argument("--out", required=True, metavar="FILE", help=_("the file to write"))
    p.add_argument("--format", choices=REPORT_FORMATS, help=_("default: from the file's suffix"))
    p.add_argument(
        "--recommendations", metavar="FILE",
        help=_("your recommendations (a text file), kept with the period"),
    )  # fmt: skip
    p.add_argument(
        "--plan", metavar="FILE", help=_("next period's plan (a text file), kept with the period")
    )
    p = command(
        commands,
        "digest",
        _("a team's customer feedback over a period (HTML, PDF, CSV, XLSX)"),
        cmd_digest,
    )
    p.add_argument("--team", help=_("the team's name or number (default: every message)"))
    p.add_argument(
        "--period", required=True,
        help=_("2026-10 (a month), 2026-W44 (a week), 30d, or 2026-10-01..2026-10-31"),
    )  # fmt: skip
    p.add_argument("--out", required=True, metavar="FILE", help=_("the file to write"))
    p.add_argument("--format", choices=DIGEST_FORMATS, help=_("default: from the file's suffix"))
    objectives = commands.add_parser(
        "objectives", help=_("the client's objectives and their progress"),
        description=_("Objectives promised to the client, measured from the workspace."),
    )  # fmt: skip
    sub = objectives.add_subparsers(dest="objectives_command", metavar="ACTION", required=True)
    p = command(sub, "list", _("the objectives and how far along they are"),
                cmd_objectives_list)  # fmt: skip
    p.add_argument("--period", help=_("the period measured (default: this month)"))
    p = command(sub, "add", _("add an objective"), cmd_objectives_add)
    p.add_argument("name", metavar="NAME", help=_("what it is called in reports"))
    p.add_argument("metric", choices=OBJECTIVE_METRICS, help=_("what is measured"))
    p.add_argument("target", type=float, help=_("the target (a percent, minutes or a count)"))
    p.add_argument(
        "--param", action="append", metavar="NAME=VALUE",
        help=_("e.g. minutes=120, type=complaint, channel=mastodon, network=instagram, "
               "figure=followers, gain=1"),
    )  # fmt: skip
    p = command(sub, "remove", _("remove an objective"), cmd_objectives_remove)
    p.add_argument("id", type=int, metavar="ID", help=_("the objective's number"))

    figures = commands.add_parser(
        "figures", help=_("monthly figures no API gives (followers, reach…)"),
        description=_("Monthly figures per network: typed in, or imported from the "
                      "networks' CSV exports."),
    )  # fmt: skip
    sub = figures.add_subparsers(dest="figures_command", metavar="ACTION", required=True)
    command(sub, "list", _("the figures stored"), cmd_figures_list)
    p = command(sub, "set", _("type a figure in"), cmd_figures_set)
    p.add_argument("network", metavar="NETWORK", help=_("e.g. instagram"))
    p.add_argument("figure", choices=FIGURE_NAMES, help=_("which figure"))
    p.add_argument("month", metavar="YYYY-MM", help=_("the month"))
    p.add_argument("value", type=float, help=_("its value"))
    p = command(sub, "import", _("read a network's CSV export, month by month"),
                cmd_figures_import)  # fmt: skip
    p.add_argument("file", metavar="FILE", help=_("the CSV file the network exported"))
    p.add_argument("--network", required=True, help=_("the network it comes from"))
    p = command(
        commands,
        "handover",
        _("hand the client over: a copy without credentials, the playbook, a guide"),
        cmd_handover,
    )
    p.add_argument("--out", required=True, metavar="DIR", help=_("a new or empty folder"))
