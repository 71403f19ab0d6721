"""Commands for answering well: inbox rules, canned replies, the escalation matrix,
participation segments and the client playbook.

`inbox-rules` is not `rules`: `rules` names the watch topics of monitoring.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from cmdesk.cli_monitor import CLIENT, ClientPath, Output
from cmdesk.core.clock import utc_now
from cmdesk.core.errors import NotFound, UsageError
from cmdesk.core.escalation import format_target
from cmdesk.core.interactions import CHANNELS, DIRECTIONS, STATUSES, TYPE_LABELS, TYPES
from cmdesk.core.monitoring import SENTIMENTS
from cmdesk.core.playbook import SECTIONS
from cmdesk.core.replies import CannedReply
from cmdesk.core.rules import Actions, Conditions, Rule, actions_json, conditions_json
from cmdesk.core.segments import SEGMENT_LABELS, Thresholds, parse_period
from cmdesk.i18n import LANGUAGES, _, ngettext
from cmdesk.share.playbook import FORMATS, PRIORITY_LABELS, export
from cmdesk.store.paths import Home
from cmdesk.store.rules import RuleRun
from cmdesk.store.workspace import Workspace

_open, _read = CLIENT.open, CLIENT.read


def _team_id(ws: Workspace, text: str) -> int:
    """A team given by its id or its name."""
    if text.strip().isdigit():
        return ws.teams.get(int(text)).id
    team = ws.teams.find(text)
    if team is None:
        raise NotFound(_("There is no team named “{name}”.").format(name=text))
    return team.id


# -- inbox rules -------------------------------------------------------------------------------


def _rule_json(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id,
        "name": rule.name,
        "position": rule.position,
        "enabled": rule.enabled,
        "stop": rule.stop,
        "conditions": json.loads(conditions_json(rule.conditions)),
        "actions": json.loads(actions_json(rule.actions)),
    }


def _rule_line(rule: Rule) -> str:
    state = _("on") if rule.enabled else _("off")
    when = json.dumps(json.loads(conditions_json(rule.conditions)), ensure_ascii=False)
    then = json.dumps(json.loads(actions_json(rule.actions)), ensure_ascii=False)
    stop = "  " + _("(stop)") if rule.stop else ""
    return f"{rule.id:>4}  [{state}] {rule.name}  {when} → {then}{stop}"


def _definition(ws: Workspace, args: argparse.Namespace) -> tuple[Conditions, Actions]:
    conditions = Conditions(
        query=args.query or "",
        channels=tuple(args.channel or ()),
        types=tuple(args.if_type or ()),
        sentiments=tuple(args.sentiment or ()),
        contact_tags=tuple(args.contact_tag or ()),
        direction=args.direction or "",
    )
    actions = Actions(
        type=args.set_type or "",
        priority=args.set_priority,
        team_id=_team_id(ws, args.assign) if args.assign else None,
        tags=tuple(args.add_tag or ()),
        status=args.set_status or "",
    )
    return conditions, actions


def _run_json(done: RuleRun, applied: bool) -> dict[str, object]:
    return {
        "examined": done.examined,
        "matched": done.matched,
        "changed": len(done.changed),
        "applied": applied,
        "interactions": [
            {"id": o.after.id, "changes": list(o.changed), "rules": list(o.fired)}
            for o in done.changed
        ],
    }


def _run_text(done: RuleRun, applied: bool) -> str:
    text = (
        ngettext("{count} interaction changed.", "{count} interactions changed.", len(done.changed))
        if applied
        else ngettext(
            "{count} interaction would change.", "{count} interactions would change.",
            len(done.changed),
        )
    ).format(count=len(done.changed))  # fmt: skip
    lines = [
        text,
        _("Examined: {examined}, matched: {matched}.").format(
            examined=done.examined, matched=done.matched
        ),
    ]
    lines += [f"{o.after.id:>6}  {', '.join(o.changed)}" for o in done.changed[:50]]
    if len(done.changed) > 50:
        lines.append(_("… and {count} more (--json lists them all).").format(
            count=len(done.changed) - 50))  # fmt: skip
    return "\n".join(lines)


def cmd_rules_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        rules = ws.rules.all()
    out.emit([_rule_json(r) for r in rules], "\n".join(map(_rule_line, rules)) or _("No rule yet."))
    return 0


def cmd_rules_add(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _open(home, args) as ws:
        conditions, actions = _definition(ws, args)
        rule = ws.rules.add(
            args.name, conditions, actions, enabled=not args.disabled, stop=args.stop
        )
    out.emit(_rule_json(rule), _("Rule {id} added: {name}").format(id=rule.id, name=rule.name))
    return 0


def cmd_rules_test(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        if args.id is not None:
            rule = ws.rules.get(args.id)
            conditions, actions = rule.conditions, rule.actions
        else:
            conditions, actions = _definition(ws, args)
        done = ws.rules.test(conditions, actions, include_closed=args.include_closed)
    out.emit(_run_json(done, applied=False), _run_text(done, applied=False))
    return 0


def cmd_rules_apply(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _open(home, args) as ws:
        done = ws.rules.apply(args.ids or None, include_closed=args.include_closed)
    out.emit(_run_json(done, applied=True), _run_text(done, applied=True))
    return 0


def cmd_rules_change(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _open(home, args) as ws:
        if args.change == "remove":
            ws.rules.remove(args.id)
        elif args.change == "move":
            ws.rules.move(args.id, args.position - 1)
        else:
            ws.rules.set_enabled(args.id, args.change == "enable")
        rules = ws.rules.all()
    out.emit([_rule_json(r) for r in rules], "\n".join(map(_rule_line, rules)) or _("No rule yet."))
    return 0


# -- canned replies ----------------------------------------------------------------------------


def _reply_json(reply: CannedReply) -> dict[str, object]:
    return {
        "id": reply.id,
        "title": reply.title,
        "language": reply.language,
        "body": reply.body,
        "uses": reply.uses,
        "last_used_at": reply.last_used_at.isoformat() if reply.last_used_at else None,
    }


def cmd_replies_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        found = ws.replies.search(args.search or "", language=args.language or "")
    lines = [f"{r.id:>4}  [{r.language}] {r.title}  ({r.uses})" for r in found]
    out.emit([_reply_json(r) for r in found], "\n".join(lines) or _("No canned reply."))
    return 0


def cmd_replies_add(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _open(home, args) as ws:
        reply = ws.replies.add(args.title, args.text, language=args.language)
    out.emit(_reply_json(reply), _("Canned reply {id} added.").format(id=reply.id))
    return 0


def cmd_replies_use(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _open(home, args) as ws:
        rendered = ws.replies.use(args.id, interaction_id=args.interaction)
    data = {
        "text": rendered.text,
        "missing": list(rendered.missing),
        "unknown": list(rendered.unknown),
    }
    lines = [rendered.text]
    if not rendered.complete:
        lines.append(
            _("To complete by hand: {names}").format(
                names=", ".join((*rendered.missing, *rendered.unknown))
            )
        )
    out.emit(data, "\n".join(lines))
    return 0


# -- escalation matrix and targets -------------------------------------------------------------


def cmd_teams_matrix(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        doc = ws.playbook.document()
    routes = [{"type": r.type, "topic": r.topic, "tag": r.tag, "team": r.team} for r in doc.matrix]
    targets = {str(p): m for p, m in doc.targets}
    lines = [_("Escalation matrix:")]
    lines += [
        f"  {_(TYPE_LABELS[r.type])}"
        + (f" [{r.topic}]" if r.topic else "")
        + (f" #{r.tag}" if r.tag else "")
        + f" → {r.team}"
        for r in doc.matrix
    ] or ["  " + _("No escalation rule yet.")]
    lines.append(_("Response-time targets (elapsed time, around the clock):"))
    lines += [
        "  "
        + _("{label}: {value}").format(
            label=_(PRIORITY_LABELS[p]), value=format_target(timedelta(minutes=m))
        )
        for p, m in doc.targets
    ]
    out.emit({"routes": routes, "target_minutes": targets}, "\n".join(lines))
    return 0


def cmd_teams_route(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _open(home, args) as ws:
        topic_id = None
        if args.topic:
            topic = next((t for t in ws.topics.all() if t.name.casefold() == args.topic.casefold()),
                         None)  # fmt: skip
            if topic is None:
                raise NotFound(_("There is no topic named “{name}”.").format(name=args.topic))
            topic_id = topic.id
        route = ws.escalation.set_route(
            args.type, _team_id(ws, args.team), topic_id=topic_id, tag=args.tag or ""
        )
        team = ws.teams.get(route.team_id)
    out.emit(
        {"id": route.id, "type": route.type, "topic_id": route.topic_id, "tag": route.tag,
         "team_id": route.team_id},
        _("{type} now goes to {team}.").format(type=_(TYPE_LABELS[route.type]), team=team.name),
    )  # fmt: skip
    return 0


_DURATION_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(min|m|h|d)?\s*$", re.IGNORECASE)


def _duration(text: str) -> timedelta:
    found = _DURATION_RE.match(text)
    if not found:
        raise UsageError(_("“{text}” is not a duration: write e.g. 1h, 90min or 2d.").format(
            text=text))  # fmt: skip
    value = float(found.group(1).replace(",", "."))
    unit = (found.group(2) or "h").lower()
    minutes = {"min": 1, "m": 1, "h": 60, "d": 1440}[unit]
    return timedelta(minutes=value * minutes)


def cmd_teams_target(args: argparse.Namespace, home: Home, out: Output) -> int:
    target = _duration(args.duration)
    with _open(home, args) as ws:
        ws.escalation.set_target(args.priority, target)
    out.emit(
        {"priority": args.priority, "minutes": int(target.total_seconds() // 60)},
        _("First answer within {target} for priority {priority}.").format(
            target=format_target(target), priority=_(PRIORITY_LABELS[args.priority])
        ),
    )
    return 0


# -- segments ----------------------------------------------------------------------------------


def cmd_contacts_segments(args: argparse.Namespace, home: Home, out: Output) -> int:
    thresholds = Thresholds(regular=args.regular, occasional=args.occasional, unhappy=args.unhappy)
    with _read(home, args) as ws:
        since, until = parse_period(args.period, utc_now(), ws.profile().zone)
        found = ws.segments.compute(since, until, thresholds)
    counts, shares = found.counts(), found.shares()
    data = {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "thresholds": {"regular": thresholds.regular, "occasional": thresholds.occasional,
                       "unhappy": thresholds.unhappy},
        "counts": counts,
        "shares": {k: round(v, 4) for k, v in shares.items()},
        "anonymous_interactions": found.anonymous,
        "participants": [
            {"contact_id": p.contact_id, "name": p.name, "segment": p.segment,
             "interactions": p.interactions, "negative": p.negative, "unhappy": p.unhappy,
             "last_at": p.last_at.isoformat()}
            for p in found.participants
        ],
    }  # fmt: skip
    lines = [
        _("From {since} to {until}:").format(
            # `until` is the (excluded) midnight after the last day.
            since=f"{since:%Y-%m-%d}",
            until=f"{until - timedelta(days=1):%Y-%m-%d}",
        )
    ]
    lines += [
        "  "
        + _("{label}: {value}").format(label=_(label), value=f"{counts[key]} ({shares[key]:.0%})")
        for key, label in SEGMENT_LABELS.items()
    ]
    unhappy = found.unhappy_regulars
    if unhappy:
        lines.append(_("Unhappy regulars:"))
        lines += [
            "  " + _("{name}: {negative} negative of {count}").format(
                name=p.name, negative=p.negative, count=p.interactions)
            for p in unhappy
        ]  # fmt: skip
    out.emit(data, "\n".join(lines))
    return 0


# -- playbook ----------------------------------------------------------------------------------


def cmd_playbook_export(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        doc = ws.playbook.document()
    path = export(doc, Path(args.out).expanduser(), args.format)
    empty = [key for key in SECTIONS if not doc.sections[key].strip()]
    text = _("Playbook written to {path}").format(path=path)
    if empty:
        text += "\n" + _("Sections not written yet (left out): {keys}").format(
            keys=", ".join(empty)
        )
    out.emit({"path": str(path), "format": args.format, "empty_sections": empty}, text)
    return 0


def cmd_playbook_show(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        sections = ws.playbook.sections()
    keys = [args.section] if args.section else list(SECTIONS)
    out.emit(
        {k: sections[k] for k in keys},
        "\n\n".join(f"== {k} ==\n{sections[k].strip()}" for k in keys),
    )
    return 0


def cmd_playbook_set(args: argparse.Namespace, home: Home, out: Output) -> int:
    if (args.file is None) == (args.text is None):
        raise UsageError(_("Give the section's Markdown with --file or --text (one of them)."))
    body = Path(args.file).read_text(encoding="utf-8") if args.file else args.text
    with _open(home, args) as ws:
        ws.playbook.set(args.section, body)
    out.emit({"section": args.section, "characters": len(body)},
             _("Section “{key}” saved.").format(key=args.section))  # fmt: skip
    return 0


# -- parser ------------------------------------------------------------------------------------


def _definition_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--query", help=_("words in the text, in the watch-rule language"))
    p.add_argument("--channel", action="append", choices=CHANNELS, help=_("on this channel"))
    p.add_argument("--if-type", action="append", choices=TYPES, help=_("of this type"))
    p.add_argument("--sentiment", action="append", choices=SENTIMENTS, help=_("of this sentiment"))
    p.add_argument("--contact-tag", action="append", metavar="TAG",
                   help=_("from a contact with this tag"))  # fmt: skip
    p.add_argument("--direction", choices=DIRECTIONS, help=_("in (received) or out (sent)"))
    p.add_argument("--set-type", choices=TYPES, help=_("then set this type"))
    p.add_argument("--set-priority", type=int, choices=(0, 1, 2), help=_("then set this priority"))
    p.add_argument("--assign", metavar="TEAM", help=_("then assign this team (name or id)"))
    p.add_argument("--add-tag", action="append", metavar="TAG", help=_("then add this tag"))
    p.add_argument("--set-status", choices=STATUSES, help=_("then set this status"))


def _subcommands(commands: Any, name: str) -> Any:
    """The ACTION sub-commands of an existing command (contacts, teams), to add to them."""
    parser = commands.choices[name]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def register(
    commands: Any, command: Callable[..., argparse.ArgumentParser], client_path: ClientPath
) -> None:
    CLIENT.path = client_path
    rules = commands.add_parser(
        "inbox-rules",
        help=_("automatic rules for new interactions"),
        description=_("Manage the automatic rules applied to interactions."),
    )
    sub = rules.add_subparsers(dest="inbox_rules_command", metavar="ACTION", required=True)
    command(sub, "list", _("the rules, in the order they run"), cmd_rules_list)
    p = command(sub, "add", _("add a rule (it runs after the existing ones)"), cmd_rules_add)
    p.add_argument("name", metavar="NAME", help=_("the rule's name"))
    _definition_options(p)
    p.add_argument(
        "--stop", action="store_true", help=_("no later rule runs when this one matches")
    )
    p.add_argument("--disabled", action="store_true", help=_("save it switched off"))
    p = command(sub, "test", _("what a rule would change, without changing it"), cmd_rules_test)
    p.add_argument(
        "id", metavar="ID", type=int, nargs="?", help=_("a saved rule (else the options)")
    )
    _definition_options(p)
    p.add_argument("--include-closed", action="store_true", help=_("answered and closed ones too"))
    p = command(sub, "apply", _("run the rules on the stored interactions"), cmd_rules_apply)
    p.add_argument("ids", metavar="ID", type=int, nargs="*", help=_("only these rules"))
    p.add_argument("--include-closed", action="store_true", help=_("answered and closed ones too"))
    for change, text in (
        ("enable", _("switch a rule on")),
        ("disable", _("switch a rule off")),
        ("remove", _("delete a rule")),
        ("move", _("change a rule's place in the order")),
    ):
        p = command(sub, change, text, cmd_rules_change)
        p.add_argument("id", metavar="ID", type=int, help=_("the rule's id"))
        if change == "move":
            p.add_argument("position", metavar="POSITION", type=int, help=_("1 = runs first"))
        p.set_defaults(change=change)

    replies = commands.add_parser(
        "replies", help=_("canned replies"), description=_("Manage canned replies.")
    )
    sub = replies.add_subparsers(dest="replies_command", metavar="ACTION", required=True)
    p = command(sub, "list", _("the canned replies, most used first"), cmd_replies_list)
    p.add_argument("--search", metavar="TEXT", help=_("words in the title or text"))
    p.add_argument("--language", choices=sorted(LANGUAGES), help=_("only this language"))
    p = command(sub, "add", _("add a canned reply"), cmd_replies_add)
    p.add_argument("title", metavar="TITLE", help=_("what it is for"))
    p.add_argument(
        "--text", required=True, help=_("the reply; variables: {prénom} {marque} {lien}")
    )
    p.add_argument("--language", default="fr", choices=sorted(LANGUAGES), help=_("its language"))
    p = command(sub, "use", _("fill in a reply for an interaction and count the use"),
                cmd_replies_use)  # fmt: skip
    p.add_argument("id", metavar="ID", type=int, help=_("the reply's id"))
    p.add_argument("--interaction", metavar="ID", type=int, help=_("the interaction answered"))

    playbook = commands.add_parser(
        "playbook", help=_("the client playbook"), description=_("Edit and export the playbook.")
    )
    sub = playbook.add_subparsers(dest="playbook_command", metavar="ACTION", required=True)
    p = command(sub, "export", _("write the playbook as HTML or PDF"), cmd_playbook_export)
    p.add_argument("--format", choices=FORMATS, required=True, help=_("html or pdf"))
    p.add_argument("--out", metavar="FILE", required=True, help=_("the file to write"))
    p = command(sub, "show", _("the playbook's sections (Markdown)"), cmd_playbook_show)
    p.add_argument("section", metavar="SECTION", nargs="?", choices=SECTIONS,
                   help=_("only this section"))  # fmt: skip
    p = command(sub, "set", _("replace a section's Markdown"), cmd_playbook_set)
    p.add_argument("section", metavar="SECTION", choices=SECTIONS, help=", ".join(SECTIONS))
    p.add_argument("--file", metavar="FILE", help=_("a Markdown file"))
    p.add_argument("--text", help=_("the Markdown itself"))

    sub = _subcommands(commands, "teams")
    command(sub, "matrix", _("the escalation matrix and response-time targets"), cmd_teams_matrix)
    p = command(sub, "route", _("send a type of interaction to a team"), cmd_teams_route)
    p.add_argument("type", metavar="TYPE", choices=TYPES, help=", ".join(TYPES))
    p.add_argument("team", metavar="TEAM", help=_("the team's name or id"))
    p.add_argument("--topic", metavar="NAME", help=_("only interactions about this watch topic"))
    p.add_argument("--tag", help=_("only interactions with this tag"))
    p = command(sub, "target", _("set a response-time target"), cmd_teams_target)
    p.add_argument("priority", metavar="PRIORITY", type=int, choices=(0, 1, 2),
                   help=_("0 normal, 1 important, 2 urgent"))  # fmt: skip
    p.add_argument("duration", metavar="DURATION", help=_("e.g. 1h, 90min, 2d"))

    sub = _subcommands(commands, "contacts")
    p = command(sub, "segments", _("regulars, occasional and one-time voices (90/9/1)"),
                cmd_contacts_segments)  # fmt: skip
    p.add_argument("--period", default="90d",
                   help=_("30d, 12w, 6m, 1y or 2026-01-01..2026-03-31 (default 90d)"))  # fmt: skip
    p.add_argument("--regular", type=int, default=5, help=_("interactions to be a regular (5)"))
    p.add_argument("--occasional", type=int, default=2,
                   help=_("interactions to be occasional (2)"))  # fmt: skip
    p.add_argument("--unhappy", type=int, default=2,
                   help=_("negative interactions of an unhappy regular (2)"))  # fmt: skip
