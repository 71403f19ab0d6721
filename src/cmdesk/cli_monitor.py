"""Monitoring commands: feeds, refresh, search, mentions (for cron and scripts)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from cmdesk.core.errors import ExitCode, NotFound, UsageError
from cmdesk.core.monitoring import NewSource, Source
from cmdesk.i18n import _, format_ago, ngettext
from cmdesk.store.mentions import MentionFilter
from cmdesk.store.paths import Home
from cmdesk.store.workspace import Workspace


class Output(Protocol):
    as_json: bool

    def emit(self, data: Any, text: str) -> None: ...


ClientPath = Callable[[Home, str | None], Path]


class ClientFiles:
    """Opens the client a command names (--client, else the only or the last one): how
    its file is found is given by cli.py when it declares the commands."""

    def __init__(self) -> None:
        self.path: ClientPath | None = None

    def file(self, home: Home, args: argparse.Namespace) -> Path:
        assert self.path is not None, "the commands were not registered"
        return self.path(home, args.client)

    def open(self, home: Home, args: argparse.Namespace) -> Workspace:
        return Workspace.open(self.file(home, args), app="cmdesk command line")

    def read(self, home: Home, args: argparse.Namespace) -> Workspace:
        """For commands that only read: they work while the app has the client open."""
        return Workspace.open_readonly(self.file(home, args))


CLIENT = ClientFiles()
_open, _read = CLIENT.open, CLIENT.read


def _source_json(source: Source) -> dict[str, object]:
    return {
        "id": source.id,
        "url": source.url,
        "title": source.title,
        "category": source.category,
        "preset": source.preset,
        "enabled": source.enabled,
        "paused": source.paused,
        "refresh_minutes": source.refresh_minutes,
        "last_success": source.last_success_at.isoformat() if source.last_success_at else None,
        "last_error": source.last_error,
        "failures": source.failures,
        "next_refresh": source.next_refresh_at.isoformat() if source.next_refresh_at else None,
    }


def _state(source: Source) -> str:
    if not source.enabled:
        return _("off")
    if source.paused:
        return _("paused: {error}").format(error=source.last_error)
    if source.last_error and source.failures:
        return _("failing: {error}").format(error=source.last_error)
    if source.last_success_at:
        return _("ok, fetched {ago}").format(ago=format_ago(source.last_success_at))
    return _("not fetched yet")


def cmd_feeds_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        sources = ws.sources.all()
    lines = [f"{s.id:>4}  {s.display_name}  [{s.category or '-'}]  {_state(s)}" for s in sources]
    out.emit([_source_json(s) for s in sources], "\n".join(lines) or _("No source yet."))
    return 0


def cmd_feeds_add(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.monitor.discover import find_feed
    from cmdesk.monitor.fetch import Fetcher
    from cmdesk.monitor.presets import build

    wanted = build(args.preset, args.url) if args.preset else NewSource(args.url.strip())
    title = args.title or wanted.title
    url, site = wanted.url, ""
    if args.discover:
        with Fetcher(deadline_s=20) as fetcher:
            found = find_feed(wanted.url, fetcher)
        url, site, title = found.url, found.site_url, title or found.title
    with _open(home, args) as ws:
        report = ws.sources.add_many(
            [NewSource(url, title, args.category or wanted.category, site, wanted.preset)]
        )
        source = ws.sources.find(url)
    if not report.added:
        raise UsageError(_("This feed is already followed: {url}").format(url=url))
    assert source is not None
    out.emit(
        _source_json(source),
        _("Following {name} ({url}).").format(name=source.display_name, url=source.url),
    )
    return 0


def cmd_feeds_import(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.monitor.opml import read_opml

    feeds = read_opml(Path(args.file).expanduser().read_bytes())
    with _open(home, args) as ws:
        report = ws.sources.add_many(feeds)
    out.emit(
        {"added": list(report.added), "already_followed": list(report.already_followed)},
        report.summary(),
    )
    return 0


def cmd_feeds_export(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.monitor.opml import write_opml

    with _read(home, args) as ws:
        data = write_opml(ws.sources.all(), ws.profile().name)
        count = len(ws.sources.all())
    if args.file:
        Path(args.file).expanduser().write_bytes(data)
        out.emit(
            {"file": str(args.file), "sources": count},
            ngettext(
                "{count} source written to {path}", "{count} sources written to {path}", count
            ).format(count=count, path=args.file),
        )
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_refresh(args: argparse.Namespace, home: Home, out: Output) -> int:
    from cmdesk.monitor.refresh import Refresher

    with _open(home, args) as ws:
        if args.all:
            ws.sources.refresh_all_now()
        sources = ws.sources.due()
        summary = Refresher().refresh(ws, sources)
    text = _("{new} new mentions from {count} sources ({failed} failed).").format(
        new=summary.new_mentions, count=summary.feeds, failed=summary.failed
    )
    details = [f"  {name}: {error}" for name, error in summary.errors]
    out.emit(summary.as_json(), "\n".join([text, *details]))
    # Every source failing usually means no network: cron can tell.
    return int(ExitCode.NETWORK) if summary.feeds and summary.failed == summary.feeds else 0


def day_start(value: str, zone: ZoneInfo) -> datetime:
    """Midnight of a YYYY-MM-DD day in the client's time zone."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            _("Not a date: {value} (write it as YYYY-MM-DD).").format(value=value)
        ) from None
    return datetime.combine(day, time(), zone)


def cmd_search(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        zone = ws.profile().zone
        since = day_start(args.since, zone) if args.since else None
        # --until names the last day wanted: everything before the next day's start.
        until = day_start(args.until, zone) + timedelta(days=1) if args.until else None
        flt = MentionFilter(query=args.query, state="all", since=since, until=until)
        hits = ws.mentions.search(flt, limit=args.limit)
    out.emit(
        [
            {
                "id": h.id,
                "title": h.title,
                "url": h.url,
                "published": h.published_at.isoformat(),
                "source": h.source,
                "snippet": h.snippet,
            }
            for h in hits
        ],
        "\n".join(f"{h.id}  {h.published_at:%Y-%m-%d}  {h.title}\n    {h.snippet}" for h in hits)
        or _("No mention matches “{query}”.").format(query=args.query),
    )
    return 0


def cmd_mentions_show(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        try:
            mention = ws.mentions.get(args.id)
        except NotFound:
            raise UsageError(_("There is no mention {id}.").format(id=args.id)) from None
    data = {
        "id": mention.id,
        "title": mention.title,
        "url": mention.url,
        "author": mention.author,
        "published": mention.published_at.isoformat(),
        "source": mention.source,
        "language": mention.language,
        "sentiment": mention.sentiment,
        "sentiment_reason": mention.sentiment_reason,
        "read": mention.read,
        "starred": mention.starred,
        "archived": mention.archived,
        "tags": list(mention.tags),
        "text": mention.text,
        "html": mention.html,
    }
    text = "\n".join(
        [
            mention.title,
            f"{mention.source} · {mention.published_at:%Y-%m-%d %H:%M} UTC · {mention.url}",
            f"{_('Sentiment:')} {mention.sentiment} ({mention.sentiment_reason})",
            "",
            mention.text,
        ]
    )
    out.emit(data, text)
    return 0


def cmd_rules_add(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _open(home, args) as ws:
        topic = ws.topics.add(args.name, args.query, priority=args.priority)
        tagged = ws.mentions.count(MentionFilter(topic_id=topic.id, state="all"))
    out.emit(
        {
            "id": topic.id,
            "name": topic.name,
            "query": topic.query,
            "priority": topic.priority,
            "mentions": tagged,
        },
        ngettext(
            "Topic “{name}” added: {count} mention matches it already.",
            "Topic “{name}” added: {count} mentions match it already.",
            tagged,
        ).format(name=topic.name, count=tagged),
    )
    return 0


def cmd_rules_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        topics = ws.topics.all()
        counts = {
            t.id: ws.mentions.count(MentionFilter(topic_id=t.id, state="all")) for t in topics
        }
    out.emit(
        [
            {
                "id": t.id,
                "name": t.name,
                "query": t.query,
                "priority": t.priority,
                "enabled": t.enabled,
                "mentions": counts[t.id],
            }
            for t in topics
        ],
        "\n".join(
            f"{t.id:>4}  {t.name}  [{t.query}]  {counts[t.id]}" + ("" if t.enabled else " (off)")
            for t in topics
        )
        or _("No topic yet."),
    )
    return 0


def cmd_rules_test(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        count = ws.topics.count_matching(args.query)
    out.emit(
        {"query": args.query, "mentions": count},
        ngettext("{count} stored mention matches.", "{count} stored mentions match.", count).format(
            count=count
        ),
    )
    return 0


def cmd_alerts_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        alerts = ws.topics.alerts(include_acknowledged=args.all)
    out.emit(
        [
            {
                "id": a.id,
                "kind": a.kind,
                "topic_id": a.topic_id,
                "title": a.title,
                "detail": a.detail,
                "raised": a.raised_at.isoformat(),
                "mentions": list(a.evidence),
                "acknowledged": a.acknowledged_at.isoformat() if a.acknowledged_at else None,
            }
            for a in alerts
        ],
        "\n".join(f"{a.raised_at:%Y-%m-%d %H:%M}  {a.title}" for a in alerts) or _("No alert."),
    )
    return 0


def register(
    commands: Any, command: Callable[..., argparse.ArgumentParser], client_path: ClientPath
) -> None:
    CLIENT.path = client_path
    feeds = commands.add_parser(
        "feeds", help=_("the sources a client follows"), description=_("Manage the sources.")
    )
    sub = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    command(sub, "list", _("list the sources and their state"), cmd_feeds_list)
    p = command(sub, "add", _("follow a feed (or a site, with --discover)"), cmd_feeds_add)
    p.add_argument("url", metavar="URL", help=_("the feed's address (or a keyword with --preset)"))
    p.add_argument("--discover", action="store_true", help=_("find the feed a web page declares"))
    p.add_argument("--category", help=_("the source's category"))
    p.add_argument("--title", help=_("the source's name"))
    p.add_argument("--preset", help=_("build the address: google-alerts, reddit, youtube, ..."))
    p = command(sub, "import-opml", _("follow the feeds of an OPML file"), cmd_feeds_import)
    p.add_argument("file", metavar="FILE", help=_("the OPML file"))
    p = command(sub, "export-opml", _("write the sources as OPML"), cmd_feeds_export)
    p.add_argument("file", metavar="FILE", nargs="?", help=_("where to write (default: stdout)"))
    p = command(commands, "refresh", _("fetch the sources that are due"), cmd_refresh)
    p.add_argument("--all", action="store_true", help=_("fetch every source now"))
    p = command(commands, "search", _("search the mentions"), cmd_search)
    p.add_argument("query", metavar="QUERY", help=_("words to find (accents optional)"))
    p.add_argument("--limit", type=int, default=20, help=_("how many hits (default 20)"))
    p.add_argument("--since", metavar="DATE", help=_("published on or after this day (YYYY-MM-DD)"))
    p.add_argument(
        "--until", metavar="DATE", help=_("published on or before this day (YYYY-MM-DD)")
    )
    mentions = commands.add_parser(
        "mentions", help=_("read the mentions"), description=_("Read the mentions.")
    )
    sub = mentions.add_subparsers(dest="mentions_command", metavar="ACTION", required=True)
    p = command(sub, "show", _("one mention, with its stored HTML"), cmd_mentions_show)
    p.add_argument("id", metavar="ID", type=int, help=_("the mention's id"))
    rules = commands.add_parser(
        "rules", help=_("watch topics (named queries)"), description=_("Manage watch topics.")
    )
    sub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    p = command(sub, "add", _("add a topic; it tags the matching mentions"), cmd_rules_add)
    p.add_argument("name", metavar="NAME", help=_("the topic's name"))
    p.add_argument("query", metavar="QUERY", help=_('e.g. livraison AND (retard OR "pas reçu")'))
    p.add_argument(
        "--priority", type=int, default=0, choices=(0, 1, 2),
        help=_("0 normal, 1 important, 2 urgent (urgent matches raise an alert)"),
    )  # fmt: skip
    command(sub, "list", _("list the topics"), cmd_rules_list)
    p = command(sub, "test", _("count the stored mentions a query matches"), cmd_rules_test)
    p.add_argument("query", metavar="QUERY", help=_("the query to try"))
    alerts = commands.add_parser(
        "alerts", help=_("urgent mentions and crisis spikes"), description=_("Read the alerts.")
    )
    sub = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    p = command(sub, "list", _("alerts not acknowledged yet"), cmd_alerts_list)
    p.add_argument("--all", action="store_true", help=_("include acknowledged alerts"))
