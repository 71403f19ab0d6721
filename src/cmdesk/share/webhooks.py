"""Webhooks: a document posted to a team's channel on Slack, Mattermost, Microsoft Teams or
Discord, or as plain JSON to any service that takes it.

Each service gets the payload its documentation gives for incoming webhooks:
- Slack: `text` (the notification) and `blocks` (a header, then mrkdwn sections of at
  most 3,000 characters); `<`, `>` and `&` escaped, so a customer's quote cannot ping
  @channel.
- Mattermost: Slack-compatible `text` (Markdown), at most 16,383 characters.
- Microsoft Teams (Workflows, the successor of the retired connectors): a `message`
  whose attachment is an Adaptive Card, kept under the 28 KB a card may weigh.
- Discord: `content` (at most 2,000 characters) and embeds for a longer text, files as
  multipart `files[n]`, and no mention parsed (`allowed_mentions`).
- JSON: the whole document, files in base64, with the period and the target.

The HTTP is cmdesk.publish.http's: a deadline for the whole answer, a size cap, no
redirect, 429/503 Retry-After read. Its errors are sorted by what they mean for the
message: a refused connection or a 429 sent nothing (NotSent, tried again later), a
4xx refused it (NotSent, for the user), a silence or a 5xx leaves it unknown (MaybeSent).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import httpx

from cmdesk.core.delivery import (
    FILE_WEBHOOKS,
    WEBHOOK_FORMATS,
    Document,
    MaybeSent,
    NotSent,
    check_webhook_url,
)
from cmdesk.i18n import _
from cmdesk.publish.base import OutcomeUnknown, Rejected, Transient
from cmdesk.publish.http import Api, Response

MAX_REQUEST = 8 * 2**20  # Discord takes 10 MiB of files; JSON receivers rarely more
SLACK_SECTION = 3000
SLACK_BLOCKS = 50
MATTERMOST_TEXT = 16383
DISCORD_CONTENT = 2000
DISCORD_EMBED = 4096
DISCORD_EMBEDS_TOTAL = 6000
TEAMS_TEXT = 20000  # of the card's 28 KB, room left for the JSON around it


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _chunks(text: str, size: int) -> list[str]:
    """`text` in pieces of at most `size` characters, cut at line ends where possible."""
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if len(rest) <= size:
            pieces.append(rest)
            break
        cut = rest.rfind("\n", 0, size)
        cut = cut if cut > size // 2 else size
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    return pieces


def _files_note(document: Document) -> str:
    if not document.attachments:
        return ""
    names = ", ".join(a.filename for a in document.attachments)
    return "\n\n" + _("Files (sent by e-mail only): {names}").format(names=names)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(document: Document) -> dict[str, Any]:
    body = _slack_escape(document.text + _files_note(document))
    sections = _chunks(body, SLACK_SECTION)[: SLACK_BLOCKS - 1]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(document.subject, 150)}}
    ]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections]
    return {"text": _slack_escape(document.subject), "blocks": blocks}


def mattermost(document: Document) -> dict[str, Any]:
    text = f"#### {document.subject}\n\n{document.text}{_files_note(document)}"
    return {"text": _cut(text, MATTERMOST_TEXT)}


def teams(document: Document) -> dict[str, Any]:
    body = _cut(document.text + _files_note(document), TEAMS_TEXT)
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": document.subject, "weight": "Bolder",
             "size": "Medium", "wrap": True},
            *({"type": "TextBlock", "text": piece, "wrap": True}
              for piece in _chunks(body, 2000)),
        ],
    }  # fmt: skip
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def discord(document: Document) -> dict[str, Any]:
    whole = f"**{document.subject}**\n\n{document.text}".strip()
    payload: dict[str, Any] = {"allowed_mentions": {"parse": []}}
    if len(whole) <= DISCORD_CONTENT:
        payload["content"] = whole
        return payload
    payload["content"] = _cut(f"**{document.subject}**", DISCORD_CONTENT)
    text = _cut(document.text, DISCORD_EMBEDS_TOTAL - 256)
    title = _cut(document.subject, 256)
    pieces = _chunks(text, DISCORD_EMBED)[:10]
    payload["embeds"] = [
        {"title": title, "description": piece} if i == 0 else {"description": piece}
        for i, piece in enumerate(pieces)
    ]
    return payload


def plain_json(document: Document, about: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **about,
        "subject": document.subject,
        "text": document.text,
        "html": document.html,
        "attachments": [
            {
                "filename": a.filename,
                "mime": a.mime,
                "size": len(a.data),
                "data": base64.b64encode(a.data).decode("ascii"),
            }
            for a in document.attachments
        ],
    }


def payload(fmt: str, document: Document, about: Mapping[str, Any]) -> dict[str, Any]:
    if fmt == "slack":
        return slack(document)
    if fmt == "mattermost":
        return mattermost(document)
    if fmt == "teams":
        return teams(document)
    if fmt == "discord":
        return discord(document)
    return plain_json(document, about)


# -- posting ----------------------------------------------------------------------------------


def _message(response: Response) -> str:
    """What the service says, in its own words: Slack and Mattermost answer plain text
    ("invalid_payload", "no_service"), Discord and Teams JSON."""
    data = response.json()
    if isinstance(data, dict):
        for key in ("message", "error", "text"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:300]
        inner = data.get("error")
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])[:300]
    text = response.body[:300].decode("utf-8", "replace").strip()
    return text if text and not text.startswith("<") else ""


def post(
    url: str,
    fmt: str,
    document: Document,
    about: Mapping[str, Any] | None = None,
    *,
    deadline_s: float = 60.0,
    read_s: float = 30.0,
    transport: httpx.BaseTransport | None = None,
) -> str:
    """Post `document` to the webhook; returns the log's detail (the HTTP status). NotSent
    when nothing was delivered, MaybeSent when it is unknown."""
    url = check_webhook_url(url)
    name = WEBHOOK_FORMATS.get(fmt, fmt)
    body = payload(fmt, document, about or {})
    files = None
    form = None
    size = len(json.dumps(body))
    if fmt == "discord" and document.attachments:
        files = {
            f"files[{i}]": (a.filename, a.data, a.mime) for i, a in enumerate(document.attachments)
        }
        form = {"payload_json": json.dumps(body)}
        size += sum(len(a.data) for a in document.attachments)
    if size > MAX_REQUEST:
        raise NotSent(
            _("The message is too large for a webhook ({size} MB): send it by e-mail.").format(
                size=round(size / 2**20, 1)
            )
        )
    api = Api(
        url,
        network_name=name,
        read_message=_message,
        read_s=read_s,
        deadline_s=deadline_s,
        transport=transport,
    )
    try:
        answer = api.request(
            "POST",
            url,
            json_body=None if form is not None else body,
            data=form,
            files=files,
            ok=(200, 201, 202, 204),
        )
    except Transient as exc:
        raise NotSent(exc.message, transient=True, retry_after=exc.retry_after) from exc
    except Rejected as exc:
        raise NotSent(exc.message) from exc
    except OutcomeUnknown as exc:
        raise MaybeSent(exc.message) from exc
    finally:
        api.close()
    return f"HTTP {answer.status}"


def carries_files(fmt: str) -> bool:
    return fmt in FILE_WEBHOOKS
