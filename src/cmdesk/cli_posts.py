"""Publishing commands: accounts and posts (for scripts and quick drafting).

`accounts add`, `accounts test` and `publish-due` arrive with the network connectors;
these commands only write and read the workspace.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cmdesk import cli_approval
from cmdesk.cli_interactions import _shortened, _when
from cmdesk.cli_monitor import CLIENT, ClientPath, Output
from cmdesk.core.accounts import Account
from cmdesk.core.errors import InvalidData, UsageError
from cmdesk.core.images import check_size
from cmdesk.core.posts import PostState
from cmdesk.core.publication import (
    CHANNELS,
    HistoryEntry,
    MediaItem,
    Post,
    PostComment,
    Variant,
    action_label,
    channel_name,
    state_move,
)
from cmdesk.core.schedule import AmbiguousTime, WallKind, resolve, to_local
from cmdesk.i18n import _, format_when
from cmdesk.store.paths import Home

_open, _read = CLIENT.open, CLIENT.read


def account_json(account: Account) -> dict[str, object]:
    return {
        "id": account.id,
        "network": account.network.value,
        "name": account.display_name,
        "label": account.label,
        "server": account.server,
        "handle": account.username,
        "needs_reconnect": account.needs_reconnect,
    }


def _variant_json(variant: Variant, post: Post) -> dict[str, object]:
    return {
        "id": variant.id,
        "channel": variant.channel,
        "account_id": variant.account_id,
        "text": variant.text_or(post.text),
        "own_text": variant.text is not None,
        "extras": variant.extras,
        "state": variant.state.value,
        "due_at": _when(variant.due_at),
        "remote_id": variant.remote_id,
        "url": variant.url,
        "error": variant.error,
        "attempts": variant.attempts,
        "claimed_at": _when(variant.claimed_at),
        "published_at": _when(variant.published_at),
    }


def _post_json(post: Post) -> dict[str, object]:
    return {
        "id": post.id,
        "state": post.state.value,
        "title": post.title,
        "text": post.text,
        "link": post.link,
        "first_comment": post.first_comment,
        "scheduled_at": _when(post.scheduled_at),
        "zone": post.zone,
        "wall_time": _when(post.wall_time),
        "recurrence": (
            {"frequency": post.recurrence.frequency.value, "interval": post.recurrence.interval}
            if post.recurrence
            else None
        ),
        "evergreen": post.evergreen,
        "mention_id": post.mention_id,
        "created_at": post.created_at.isoformat(),
        "updated_at": post.updated_at.isoformat(),
        "variants": [_variant_json(v, post) for v in post.variants],
    }


def _plain(item: Any, *drop: str) -> dict[str, object]:
    """A record as JSON values (times in ISO 8601), without the fields in `drop`."""
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in asdict(item).items()
        if key not in drop
    }


def _time(post: Post) -> str:
    if post.scheduled_at is None or post.wall_time is None:
        return _("no date")
    zone = ZoneInfo(post.zone)
    shown = format_when(post.scheduled_at, zone, year=True)
    if resolve(post.wall_time, post.zone).kind is WallKind.OVERLAP:
        # The clocks show this time twice that night: say which one.
        offset = post.scheduled_at.astimezone(zone).strftime("%z")
        shown += f" (UTC{offset[:3]}:{offset[3:]})"
    return shown


def _line(post: Post) -> str:
    channels = ", ".join(channel_name(c) for c in post.channels) or "-"
    return (
        f"{post.id:>5}  {post.state.label:<18} {_time(post):<22} {channels}  "
        f"{_shortened(post.title or post.text, 60)}"
    )


# -- accounts -------------------------------------------------------------------------------


def cmd_accounts_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        accounts = ws.accounts.all()
    lines = [
        f"{a.id:>4}  {channel_name(a.network):<10} {a.display_name}  {a.server}" for a in accounts
    ]
    out.emit(
        [account_json(a) for a in accounts],
        "\n".join(lines) or _("No publishing account yet."),
    )
    return 0


# -- posts ----------------------------------------------------------------------------------


def _parse_at(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise UsageError(
            _("“{text}” is not a date and time: write e.g. 2026-03-31T09:00.").format(text=text)
        ) from None


def _read_images(paths: list[str], alts: list[str]) -> list[tuple[str, bytes, str]]:
    """(file name, bytes, alt text) of each --image, read before anything is written."""
    if len(paths) != len(alts):
        raise UsageError(
            _("Give each --image its description with --alt (for people who cannot see it).")
        )
    images = []
    for name, alt in zip(paths, alts, strict=True):
        path = Path(name).expanduser()
        if not path.is_file():
            raise InvalidData(_("There is no file {path}.").format(path=path))
        check_size(path.stat().st_size, path.name)  # before reading a huge file
        images.append((path.name, path.read_bytes(), alt))
    return images


def _ambiguous(exc: AmbiguousTime) -> InvalidData:
    zone = ZoneInfo(exc.wall.zone)
    choices = " / ".join(c.astimezone(zone).isoformat(timespec="minutes") for c in exc.wall.choices)
    return InvalidData(
        exc.message
        + " "
        + _("Give the time with its UTC offset to choose: {choices}").format(choices=choices)
    )


def cmd_posts_create(args: argparse.Namespace, home: Home, out: Output) -> int:
    images = _read_images(args.image or [], args.alt or [])
    at = _parse_at(args.at) if args.at else None
    if at is not None and not args.channel:
        raise UsageError(_("Give at least one --channel to schedule the post."))
    # The post, its images and its time are written together, or not at all.
    with _open(home, args) as ws:
        try:
            with ws.atomic():
                post = ws.posts.create(
                    args.text,
                    args.channel or (),
                    title=args.title or "",
                    link=args.link or "",
                    first_comment=args.first_comment or "",
                    state=PostState.IDEA if args.idea else PostState.DRAFT,
                )
                for name, content, alt in images:
                    ws.posts.add_media(post.id, content, alt, filename=name)
                if at is not None:
                    zone = ws.profile().timezone
                    if at.tzinfo is None:  # the client's clock: may be in a DST gap/overlap
                        post = ws.posts.schedule(post.id, at, zone=zone)
                    else:  # an instant: its offset says which of two times is meant
                        post = ws.posts.schedule(post.id, to_local(at, zone), zone=zone, choice=at)
        except AmbiguousTime as exc:
            raise _ambiguous(exc) from None
        post = ws.posts.get(post.id)
        media = ws.posts.media(post.id)
    data = _post_json(post)
    data["media"] = [_plain(m, "post_id", "data") for m in media]
    text = _("Post {id} created: {state}.").format(id=post.id, state=post.state.label)
    if post.scheduled_at is not None:
        text = _("Post {id} scheduled for {time} ({zone}).").format(
            id=post.id, time=_time(post), zone=post.zone
        )
    out.emit(data, text)
    return 0


def cmd_posts_list(args: argparse.Namespace, home: Home, out: Output) -> int:
    state = PostState(args.state) if args.state else None
    with _read(home, args) as ws:
        posts = ws.posts.page(state, limit=args.limit)
    out.emit([_post_json(p) for p in posts], "\n".join(map(_line, posts)) or _("No post."))
    return 0


def cmd_posts_show(args: argparse.Namespace, home: Home, out: Output) -> int:
    with _read(home, args) as ws:
        post = ws.posts.get(args.id)
        media = ws.posts.media(post.id)
        history = ws.posts.history(post.id)
        comments = ws.posts.comments(post.id)
        zone = ZoneInfo(ws.profile().timezone)
    data = _post_json(post)
    data.update(
        media=[_plain(m, "post_id", "data") for m in media],
        comments=[_plain(c, "post_id") for c in comments],
        history=[_plain(h, "post_id", "id") for h in history],
    )
    out.emit(data, "\n".join(_show_lines(post, media, history, comments, zone)))
    return 0


def _show_lines(
    post: Post,
    media: list[MediaItem],
    history: list[HistoryEntry],
    comments: list[PostComment],
    zone: ZoneInfo,
) -> list[str]:
    """The post for people; times in the client's zone."""
    lines = [_("Post {id} — {state}").format(id=post.id, state=post.state.label)]
    if post.title:
        lines.append(_("Title: {title}").format(title=post.title))
    lines.append(_("When: {time}").format(time=_time(post)))
    if post.link:
        lines.append(_("Link: {url}").format(url=post.link))
    lines += ["", post.text, ""]
    for v in post.variants:
        lines.append(f"  [{v.id}] {channel_name(v.channel)}: {v.state.label}")
        if v.text is not None:
            lines.append("      " + _shortened(v.text, 70))
        if v.url:
            lines.append(f"      {v.url}")
        if v.error:
            lines.append("      " + _("Error: {message}").format(message=v.error))
    for m in media:
        lines.append(
            _("Image {n}: {name} ({mime}) — {alt}").format(
                n=m.position + 1,
                name=m.filename or "-",
                mime=m.mime,
                alt=m.alt or _("no description"),
            )
        )
    if comments:
        lines += ["", _("Comments:")]
        for c in comments:
            kind = _("for the client") if c.for_client else _("internal")
            lines.append(f"  {c.at.astimezone(zone):%Y-%m-%d %H:%M} {c.author} ({kind}): {c.body}")
    lines += ["", _("History:")]
    for h in history:
        lines.append(
            f"  {h.at.astimezone(zone):%Y-%m-%d %H:%M} {h.actor or '-'}: "
            f"{action_label(h.action)}{state_move(h)}" + (f"  {h.detail}" if h.detail else "")
        )
    return lines


def register(
    commands: Any, command: Callable[..., argparse.ArgumentParser], client_path: ClientPath
) -> None:
    CLIENT.path = client_path
    accounts = commands.add_parser(
        "accounts",
        help=_("the client's publishing accounts"),
        description=_("The client's publishing accounts (their passwords stay in the keyring)."),
    )
    sub = accounts.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    command(sub, "list", _("the publishing accounts"), cmd_accounts_list)

    posts = commands.add_parser(
        "posts", help=_("write and list posts"), description=_("Write and list posts.")
    )
    sub = posts.add_subparsers(dest="posts_command", metavar="ACTION", required=True)
    p = command(sub, "create", _("write a post, and schedule it with --at"), cmd_posts_create)
    p.add_argument("--text", required=True, help=_("the post's main text"))
    p.add_argument(
        "--channel", action="append", choices=CHANNELS,
        help=_("a network it goes to (repeatable)"),
    )  # fmt: skip
    p.add_argument("--title", help=_("a title (the article's, for WordPress)"))
    p.add_argument("--link", metavar="URL", help=_("the link the post shares"))
    p.add_argument("--first-comment", help=_("a first comment, where the network has one"))
    p.add_argument(
        "--at", metavar="ISO_TIME",
        help=_("schedule it: the client's local time, e.g. 2026-03-31T09:00 (with an offset, "
               "e.g. +01:00, to choose between the two times a clock change repeats)"),
    )  # fmt: skip
    p.add_argument(
        "--image", action="append", metavar="FILE",
        help=_("an image to attach (repeatable; JPEG, PNG, GIF or WebP)"),
    )  # fmt: skip
    p.add_argument(
        "--alt", action="append", metavar="TEXT",
        help=_("the description of each --image, in the same order"),
    )  # fmt: skip
    p.add_argument("--idea", action="store_true", help=_("keep it as an idea, not a draft"))
    p = command(sub, "list", _("the posts, newest first"), cmd_posts_list)
    p.add_argument("--state", choices=[s.value for s in PostState], help=_("only this state"))
    p.add_argument("--limit", type=int, default=50, help=_("how many (default 50)"))
    p = command(
        sub, "show", _("one post, its channels, images, comments and history"), cmd_posts_show
    )
    p.add_argument("id", metavar="ID", type=int, help=_("the post's id"))
    cli_approval.register(sub, command)
