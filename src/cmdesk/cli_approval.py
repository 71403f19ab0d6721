"""Client approval from the command line: `posts approval-pack`, `posts decisions` and
`posts decide` (registered under `posts` by cli_posts)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from cmdesk.cli_monitor import CLIENT, Output
from cmdesk.core.approval import (
    MAX_ANSWER_BYTES,
    DecisionSet,
    ImportReport,
    Outcome,
    Verdict,
    parse_decisions,
)
from cmdesk.core.errors import UsageError
from cmdesk.i18n import LANGUAGES, _
from cmdesk.share.approval import FORMATS, export_pack, format_for, read_decisions_file
from cmdesk.store.paths import Home

_open = CLIENT.open


def cmd_approval_pack(args: argparse.Namespace, home: Home, out: Output) -> int:
    path = Path(args.out).expanduser()
    fmt = format_for(path, args.format)
    with _open(home, args) as ws:
        pack = export_pack(ws, path, fmt, args.ids)
    ids = [p.id for p in pack.posts]
    out.emit(
        {
            "path": str(path),
            "format": fmt,
            "pack": pack.pack_id,
            "client": pack.client_name,
            "language": pack.language,
            "posts": ids,
        },
        _("Approval pack of {count} posts for {client} ({language}) written to {path}").format(
            count=len(ids),
            client=pack.client_name,
            language=LANGUAGES.get(pack.language, pack.language),
            path=path,
        ),
    )
    return 0


def _answer(source: str) -> DecisionSet:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_ANSWER_BYTES + 1) if sys.stdin is not None else b""
        return parse_decisions(data)
    return read_decisions_file(Path(source).expanduser())


def _report_json(report: ImportReport) -> dict[str, Any]:
    ds = report.decisions
    return {
        "pack": ds.pack_id,
        "client": ds.client_name,
        "reviewer": ds.reviewer,
        "decided_at": ds.decided_at.isoformat(),
        "applied": report.applied,
        "recorded": report.count(Outcome.APPLY) if report.applied else 0,
        "to_record": 0 if report.applied else report.count(Outcome.APPLY),
        "already": report.count(Outcome.ALREADY),
        "flagged": sum(1 for o in report.outcomes if o.outcome.flagged),
        "decisions": [
            {
                "post": o.decision.post_id,
                "title": o.title,
                "verdict": o.decision.verdict.value,
                "comment": o.decision.comment,
                "outcome": o.outcome.value,
                "flagged": o.outcome.flagged,
                "message": o.message,
            }
            for o in report.outcomes
        ],
    }


def report_lines(report: ImportReport) -> list[str]:
    lines = [report.summary(), ""]
    for o in report.outcomes:
        mark = "!" if o.outcome.flagged else ("=" if o.outcome is Outcome.ALREADY else "+")
        title = f"  ({o.title})" if o.title else ""
        lines.append(f" {mark} {o.message}{title}")
        if o.decision.comment and o.outcome is Outcome.APPLY:
            lines.append(f"     {o.decision.comment}")
    return lines


def cmd_decisions(args: argparse.Namespace, home: Home, out: Output) -> int:
    answer = _answer(args.file)  # read and checked before the workspace is opened
    with _open(home, args) as ws:
        report = ws.approval.preview(answer) if args.dry_run else ws.approval.apply(answer)
    out.emit(_report_json(report), "\n".join(report_lines(report)))
    return 0


def cmd_decide(args: argparse.Namespace, home: Home, out: Output) -> int:
    verdict = Verdict.APPROVED if args.approve else Verdict.CHANGES
    at = None
    if args.at:
        try:
            at = datetime.fromisoformat(args.at).astimezone()
        except ValueError:
            raise UsageError(
                _("“{text}” is not a date and time: write e.g. 2026-03-31T09:00.").format(
                    text=args.at
                )
            ) from None
    with _open(home, args) as ws:
        ws.approval.record(
            args.id, verdict, args.by, comment=args.comment or "", at=at, how=args.how or ""
        )
        post = ws.posts.get(args.id)
    out.emit(
        {"post": post.id, "state": post.state.value, "reviewer": args.by.strip()},
        _("Post {id}: {verdict}, decided by {name}.").format(
            id=post.id, verdict=verdict.label, name=args.by.strip()
        ),
    )
    return 0


def register(sub: Any, command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command(
        sub, "approval-pack",
        _("write the posts in review as a pack for the client (HTML to answer in, or PDF)"),
        cmd_approval_pack,
    )  # fmt: skip
    p.add_argument("--out", required=True, metavar="FILE", help=_("the file to write"))
    p.add_argument(
        "--format", choices=FORMATS,
        help=_("html (one file the client answers in) or pdf; by default from FILE's name"),
    )  # fmt: skip
    p.add_argument(
        "--ids", nargs="+", type=int, metavar="ID",
        help=_("only these posts (each in review); by default every post in review"),
    )  # fmt: skip
    p = command(
        sub, "decisions",
        _("record the client's decisions sent back from an approval pack"),
        cmd_decisions,
    )  # fmt: skip
    p.add_argument(
        "file", metavar="FILE",
        help=_("the answer file, or a text holding the answer block; - reads stdin"),
    )  # fmt: skip
    p.add_argument(
        "--dry-run", action="store_true", help=_("show what would change, record nothing")
    )
    p = command(
        sub, "decide", _("record a decision the client gave another way (phone, meeting)"),
        cmd_decide,
    )  # fmt: skip
    p.add_argument("id", metavar="ID", type=int, help=_("the post's id"))
    choice = p.add_mutually_exclusive_group(required=True)
    choice.add_argument("--approve", action="store_true", help=_("the client approved it"))
    choice.add_argument("--changes", action="store_true", help=_("the client wants changes"))
    p.add_argument("--by", required=True, metavar="NAME", help=_("who decided, at the client"))
    p.add_argument("--comment", help=_("what the client said (recorded on the post)"))
    p.add_argument("--how", metavar="TEXT", help=_("how it was given, e.g. “by phone”"))
    p.add_argument("--at", metavar="ISO_TIME", help=_("when the client decided (by default: now)"))
