"""Conversation commands: interactions, contacts and teams (for scripts and quick capture)."""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from cmdesk.cli_monitor import CLIENT, ClientPath, Output
from cmdesk.core.classify import readable_reason
from cmdesk.core.csv_dates import DATE_ORDERS
from cmdesk.core.csv_fields import FIELDS
from cmdesk.core.csv_import import (
    Candidate,
    CsvTable,
    ParsedRows,
    parse_rows,
    propose_mapping,
    quoted,
    read_file,
)
from cmdesk.core.errors import UsageError
from cmdesk.core.interactions import (
    CHANNEL_LABELS,
    CHANNELS,
    STATUS_LABELS,
    STATUSES,
    TEAM_KINDS,
    TYPE_LABELS,
    TYPES,
    Contact,
    Interaction,
    Team,
    guess_channel,
)
from cmdesk.core.monitoring import SENTIMENT_LABELS
from cmdesk.i18n import _, ngettext
from cmdesk.store.interaction_import import (
    BrokenRows,
    ImportReport,
    duplicate_summary,
    import_rows,
)
from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.paths import Home

_open, _read = CLIENT.open, CLIENT.read


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _interaction_json(item: Interaction) -> dict[str, object]:
    response, resolution = item.response_time, item.resolution_time
    return {
        "id": item.id,
        "channel": item.channel,
        "occurred_at": item.occurred_at.isoformat(),
        "direction": item.direction,
        "visibility": item.visibility,
        "contact_id": item.contact_id,
        "text": item.text,
        "link": item.link,
        "type": item.type,
        "sentiment": item.sentiment,
        "sentiment_reason": item.sentiment_reason,
        "language": item.language,
        "priority": item.priority,
        "status": item.status,
        "team_id": item.team_id,
        "mention_id": item.mention_id,
        "post_id": item.post_id,
        "reply": item.reply,
        "tags": list(item.tags),
        "first_response_at": _when(item.first_response_at),
        "resolved_at": _when(item.resolved_at),
        "response_seconds": int(response.total_seconds()) if response else None,
        "resolution_seconds": int(resolution.total_seconds()) if resolution else None,
    }


def _contact_json(contact: Contact) -> dict[str, object]:
    return {
        "id": contact.id,
        "name": contact.name,
        "email": contact.email,
        "handles": [{"network": n, "handle": h} for n, h in contact.handles],
        "tags": list(contact.tags),
    }


def _team_json(team: Team) -> dict[str, object]:
    return {
        "id": team.id,
        "name": team.name,
        "kind": team.kind,
        "email": team.email,
        "webhook_url": team.webhook_url,
    }


def _shortened(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _line(item: Interaction) -> str:
    return (
        f"{item.id:>5}  {item.occurred_at:%Y-%m-%d %H:%M}  {_(CHANNEL_LABELS[item.channel])}"
        f" · {_(TYPE_LABELS[item.type])} · {_(STATUS_LABELS[item.status])}"
        f"  {_shortened(item.text, 70)}"
    )


def cmd_interactions_add(args: argparse.Namespace, home: Home, out: Output) -> int:
    if not args.channel and not args.link:
        raise UsageError(_("Give --channel, or a --link to guess it from."))
    # The contact and the interaction are written together, or neither.
    with _open(home, args) as ws, ws.atomic():
        contact, created = None, False
        if args.contact:
            channel = args.channel or ""
            contact = ws.contacts.find(args.contact, network=channel)
            if contact is None:
                # Unknown: a new contact, "@name" as a handle on this channel.
                handle = args.contact.strip()
                network = channel or guess_channel(args.link or "")
                if handle.startswith("@"):
                    contact = ws.contacts.add(handles=[(network, handle)])
                else:
                    contact = ws.contacts.add(handle)
                created = True
        item = ws.interactions.add(
            args.text,
            channel=args.channel or "",
            link=args.link or "",
            contact_id=contact.id if contact else None,
            type=args.type or "",
            priority=args.priority,
        )
        if args.post is not None:
            ws.interactions.set_post([item.id], args.post)
            item = ws.interactions.get(item.id)
    data = _interaction_json(item)
    data["contact_created"] = created
    lines = [
        _("Interaction {id} logged: {channel}, {type}, {sentiment}.").format(
            id=item.id,
            channel=_(CHANNEL_LABELS[item.channel]),
            type=_(TYPE_LABELS[item.type]),
            sentiment=_(SENTIMENT_LABELS[item.sentiment]),
        )
    ]
    if item.sentiment_reason:
        reason = readable_reason(item.sentiment_reason, item.text)
        lines.append(_("Why: {reason}").format(reason=reason))
    if contact is not None:
        text = _("New contact {id}: {name}") if created else _("Contact {id}: {name}")
        lines.append(text.format(id=contact.id, name=contact.display_name))
    out.emit(data, "\n".join(lines))
    return 0


def cmd_interactions_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    flt = InteractionFilter(
        status=args.status or "", type=args.type or "", channel=args.channel or ""
    )
    with _read(home, args) as ws:
        items = ws.interactions.page(flt, limit=args.limit)
    out.emit(
        [_interaction_json(i) for i in items],
        "\n".join(_line(i) for i in items) or _("No interaction."),
    )
    return 0


def cmd_contacts_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        contacts = ws.contacts.all()
    lines = [
        f"{c.id:>5}  {c.display_name}  "
        + " ".join(f"{n}:@{h}" for n, h in c.handles)
        + (f"  [{', '.join(c.tags)}]" if c.tags else "")
        for c in contacts
    ]
    out.emit([_contact_json(c) for c in contacts], "\n".join(lines) or _("No contact yet."))
    return 0


def cmd_contacts_export(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        data = ws.contacts.export(args.id)
    # An export is a document whoever reads it: JSON either way.
    out.emit(data, json.dumps(data, ensure_ascii=False, indent=2))
    return 0


def cmd_contacts_erase(args: argparse.Namespace, home: Home, out: Output) -> int:
    if not args.yes:
        raise UsageError(
            _(
                "Erasing a contact's personal data cannot be undone: add --yes. "
                "Export it first with `cmdesk contacts export {id}` if it was asked for."
            ).format(id=args.id)
        )
    with _open(home, args) as ws:
        ws.contacts.erase(args.id, note=args.note or "")
    out.emit(
        {"id": args.id, "erased": True},
        _(
            "Contact {id} erased: name, e-mail, notes, handles and tags removed; its "
            "interactions are kept without it. The erasure is recorded."
        ).format(id=args.id),
    )
    return 0


def cmd_teams_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        teams = ws.teams.all()
    out.emit(
        [_team_json(t) for t in teams],
        "\n".join(f"{t.id:>4}  {t.name}  [{t.kind}]  {t.email}".rstrip() for t in teams)
        or _("No team yet."),
    )
    return 0


def cmd_teams_add(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _open(home, args) as ws:
        team = ws.teams.add(
            args.name, kind=args.kind, email=args.email or "", webhook_url=args.webhook or ""
        )
    out.emit(_team_json(team), _("Team “{name}” added.").format(name=team.name))
    return 0


# -- import-csv ------------------------------------------------------------------------------


def _mapping(table: CsvTable, pairs: list[str]) -> dict[str, str]:
    """The proposed mapping with the user's --map field=Column choices over it."""
    mapping = propose_mapping(table)
    for pair in pairs:
        name, sep, column = pair.partition("=")
        name = name.strip()
        if not sep or name not in FIELDS:
            raise UsageError(
                _("--map takes field=Column, with a field among: {fields}").format(
                    fields=", ".join(FIELDS)
                )
            )
        mapping[name] = column.strip()  # "field=" leaves the field out
    return mapping


def _stderr_progress(done: int, total: int, text: str) -> None:
    # Scripts read stdout; progress goes to stderr, about every tenth of a large file.
    step = max(total // 10, 1)
    if total >= 1000 and (done % step < 500 or done == total):
        print(f"{text} {done}/{total}", file=sys.stderr, flush=True)


def _import_json(parsed: ParsedRows, report: ImportReport | None) -> dict[str, Any]:
    table = parsed.table
    data: dict[str, Any] = {
        "file": table.name,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "columns": list(table.header),
        "mapping": parsed.mapping,
        "date_order": parsed.date_order,
        "notes": parsed.notes,
    }
    if report is not None:
        data.update(report.as_json())
    return data


def cmd_interactions_import(args: argparse.Namespace, home: Home, out: Output) -> int:
    delimiter = {"tab": "\t", "\\t": "\t"}.get(args.delimiter or "", args.delimiter)
    if delimiter is not None and len(delimiter) != 1:
        raise UsageError(_("The delimiter must be one character, e.g. ; or ,"))
    if args.encoding:
        try:
            codecs.lookup(args.encoding)
        except LookupError:
            raise UsageError(_("Unknown encoding: {name}").format(name=args.encoding)) from None
    path = Path(args.file).expanduser()
    if not path.is_file():
        raise UsageError(_("There is no file at {path}.").format(path=path))
    table = read_file(path, encoding=args.encoding, delimiter=delimiter)
    mapping = _mapping(table, args.map or [])
    with _read(home, args) if args.dry_run else _open(home, args) as ws:
        parsed = parse_rows(
            table,
            mapping,
            ws.profile().zone,
            date_order=args.date_order,
            default_channel=args.channel or "",
            progress=_stderr_progress,
        )
        try:
            report = import_rows(
                ws,
                parsed,
                skip_broken=args.skip_broken,
                dry_run=args.dry_run,
                progress=_stderr_progress,
            )
        except BrokenRows as exc:
            data = _import_json(parsed, None)
            data["problems"] = [asdict(p) for p in exc.problems]
            data.update(error=exc.message, exit_code=int(exc.exit_code))
            if out.as_json:
                out.emit(data, "")
            for line in [*parsed.notes, *(p.describe() for p in exc.problems)]:
                print(line, file=sys.stderr)
            print("cmdesk: " + exc.message.splitlines()[0], file=sys.stderr)
            return int(exc.exit_code)
    out.emit(_import_json(parsed, report), "\n".join(_import_lines(parsed, report)))
    return 0


def _import_lines(parsed: ParsedRows, report: ImportReport) -> list[str]:
    lines = list(parsed.notes)
    lines.append(
        _("Columns: {pairs}").format(
            pairs=", ".join(f"{name} ← {quoted(column)}" for name, column in parsed.mapping.items())
        )
    )
    lines.append(report.summary())
    if report.dry_run:  # a look at the first rows as they will be logged
        lines += [_line_of_candidate(c) for c in parsed.candidates[:5]]
    if report.duplicates:
        lines.append(
            _("Duplicates: rows {rows}.").format(rows=duplicate_summary(report.duplicate_rows))
        )
    if report.problems:
        lines.append(
            ngettext(
                "{n} broken row left out:", "{n} broken rows left out:", report.skipped_broken
            ).format(n=report.skipped_broken)
        )
        lines += ["  " + p.describe() for p in report.problems]
    return lines


def _line_of_candidate(item: Candidate) -> str:
    return (
        f"  {item.row:>5}  {item.occurred_at:%Y-%m-%d %H:%M}  {_(CHANNEL_LABELS[item.channel])}"
        f" · {_(TYPE_LABELS[item.type])}  {item.author}  {_shortened(item.text, 60)}"
    )


def register(
    commands: Any, command: Callable[..., argparse.ArgumentParser], client_path: ClientPath
) -> None:
    CLIENT.path = client_path
    interactions = commands.add_parser(
        "interactions",
        help=_("log and list exchanges with the community"),
        description=_("Log and list interactions."),
    )
    sub = interactions.add_subparsers(dest="interactions_command", metavar="ACTION", required=True)
    p = command(
        sub, "add", _("log an interaction; what is not given is proposed"), cmd_interactions_add
    )
    p.add_argument("--text", required=True, help=_("what the person wrote or said"))
    p.add_argument("--channel", choices=CHANNELS, help=_("where (guessed from --link if left out)"))
    p.add_argument("--link", metavar="URL", help=_("the message's address"))
    p.add_argument(
        "--contact", metavar="NAME_OR_HANDLE",
        help=_("who: a name or @handle (a new contact if unknown)"),
    )  # fmt: skip
    p.add_argument("--type", choices=TYPES, help=_("the kind of message (proposed if left out)"))
    p.add_argument(
        "--priority", type=int, default=0, choices=(0, 1, 2),
        help=_("0 normal, 1 important, 2 urgent"),
    )  # fmt: skip
    p.add_argument(
        "--post", type=int, metavar="ID", help=_("the client's post it is about (posts list)")
    )
    p = command(sub, "list", _("the interactions, newest first"), cmd_interactions_list)
    p.add_argument("--status", choices=STATUSES, help=_("only this status"))
    p.add_argument("--type", choices=TYPES, help=_("only this type"))
    p.add_argument("--channel", choices=CHANNELS, help=_("only this channel"))
    p.add_argument("--limit", type=int, default=50, help=_("how many (default 50)"))
    p = command(
        sub, "import-csv", _("import interactions from a CSV export, all or nothing"),
        cmd_interactions_import,
    )  # fmt: skip
    p.add_argument("file", metavar="FILE", help=_("the CSV file"))
    p.add_argument(
        "--map", action="append", metavar="FIELD=COLUMN",
        help=_("which column holds a field, e.g. text=Message (repeatable; proposed from "
               "the header otherwise; FIELD= leaves a field out). Fields: {fields}").format(
            fields=", ".join(FIELDS)
        ),
    )  # fmt: skip
    p.add_argument(
        "--skip-broken", action="store_true",
        help=_("import the good rows and list the broken ones (default: import nothing)"),
    )  # fmt: skip
    p.add_argument("--dry-run", action="store_true", help=_("check everything and write nothing"))
    p.add_argument("--encoding", help=_("the file's encoding, e.g. cp1252 (detected otherwise)"))
    p.add_argument(
        "--delimiter", metavar="CHAR",
        help=_("the column separator: , ; | or tab (detected otherwise)"),
    )  # fmt: skip
    p.add_argument(
        "--channel", choices=CHANNELS,
        help=_("the channel of rows whose channel neither a column nor the link tells"),
    )  # fmt: skip
    p.add_argument(
        "--date-order", choices=DATE_ORDERS,
        help=_("how to read 03/04/2026: dmy (3 April) or mdy (March 4); detected otherwise"),
    )  # fmt: skip
    contacts = commands.add_parser(
        "contacts", help=_("community members and their data"), description=_("Manage contacts.")
    )
    sub = contacts.add_subparsers(dest="contacts_command", metavar="ACTION", required=True)
    command(sub, "list", _("list the contacts"), cmd_contacts_list)
    p = command(sub, "export", _("everything stored about a contact, as JSON"), cmd_contacts_export)
    p.add_argument("id", metavar="ID", type=int, help=_("the contact's id"))
    p = command(
        sub, "erase", _("erase a contact's personal data (interactions are kept)"),
        cmd_contacts_erase,
    )  # fmt: skip
    p.add_argument("id", metavar="ID", type=int, help=_("the contact's id"))
    p.add_argument("--yes", action="store_true", help=_("confirm the erasure"))
    p.add_argument("--note", help=_("why or at whose request, kept with the record"))
    teams = commands.add_parser(
        "teams", help=_("the client's internal teams"), description=_("Manage internal teams.")
    )
    sub = teams.add_subparsers(dest="teams_command", metavar="ACTION", required=True)
    command(sub, "list", _("list the teams"), cmd_teams_list)
    p = command(sub, "add", _("add a team"), cmd_teams_add)
    p.add_argument("name", metavar="NAME", help=_("the team's name"))
    p.add_argument("--kind", choices=TEAM_KINDS, default="other", help=_("what the team does"))
    p.add_argument("--email", help=_("the team's contact e-mail"))
    p.add_argument("--webhook", metavar="URL", help=_("a webhook that receives escalations"))
