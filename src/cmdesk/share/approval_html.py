"""The approval pack as one self-contained HTML file the client answers in.

The file loads nothing: styles and script are inside it, images are data: URIs, and a
Content-Security-Policy allows only those (by hash for the style and the script), so it
works from an e-mail attachment or a USB key and stays inert if anything slipped
through. Every text of the workspace is escaped (a post may quote hostile text); the
pack's data for the script sits in a JSON block that is never run. The script
(resources/approval/pack.js) builds the answer file and the text to paste.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from pathlib import Path
from typing import Any

from cmdesk.core.approval import FILE_SUFFIX, ApprovalPack, PackPost
from cmdesk.i18n import N_
from cmdesk.share import approval_text as w
from cmdesk.share.approval_text import PackText, channel_name, extras_lines, text_for

RESOURCES = Path(__file__).resolve().parent.parent / "resources" / "approval"
_FILE_NAME = N_("decisions")


def e(text: str) -> str:
    return html.escape(text, quote=True)


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{e(mime)};base64,{base64.b64encode(data).decode('ascii')}"


def _json_island(value: Any) -> str:
    """JSON that cannot end its <script> element nor open a comment."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _csp_hash(source: str) -> str:
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


def _channels(post: PackPost, t: PackText) -> str:
    parts = []
    for channel in post.channels:
        body = (
            f'<div class="text">{e(channel.text)}</div>'
            if channel.own_text
            else f'<div class="same">{e(t.t(w.SAME_TEXT))}</div>'
        )
        extras = extras_lines(channel, t)
        if extras:
            rows = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in extras)
            body += f'<dl class="extras">{rows}</dl>'
        parts.append(
            f'<div class="channel"><div class="name">{e(channel_name(channel))}</div>{body}</div>'
        )
    if not parts:
        return ""
    return f"<h3>{e(t.t(w.CHANNELS))}</h3>" + "".join(parts)


def _images(post: PackPost, t: PackText) -> str:
    if not post.images:
        return ""
    figures = []
    for image in post.images:
        caption = t.t(w.ALT).format(alt=image.alt) if image.alt else t.t(w.NO_ALT)
        figures.append(
            f'<figure><img src="{_data_uri(image.mime, image.data)}" alt="{e(image.alt)}">'
            f"<figcaption>{e(caption)}</figcaption></figure>"
        )
    return f"<h3>{e(t.t(w.IMAGES))}</h3>" + "".join(figures)


def _notes(post: PackPost, t: PackText) -> str:
    if not post.comments:
        return ""
    notes = "".join(f"<p>{e(c.body)}</p>" for c in post.comments)
    return f'<h3>{e(t.t(w.NOTES))}</h3><div class="notes">{notes}</div>'


def _post(post: PackPost, number: int, total: int, t: PackText) -> str:
    pid = post.id
    parts = [
        f'<article class="post open" id="post-{pid}">',
        f'<h2>{e(t.heading(number, total))} <span class="ref">'
        f"({e(t.t(w.REFERENCE).format(id=pid))})</span></h2>",
        f'<p class="when">{e(t.planned(post))}</p>',
    ]
    if post.title:
        parts.append(f'<p class="title">{e(post.title)}</p>')
    if post.text:
        parts.append(f'<div class="text">{e(post.text)}</div>')
    if post.link:
        parts.append(f'<p>{e(t.t(w.LINK))}: <span class="link">{e(post.link)}</span></p>')
    if post.first_comment:
        parts.append(
            f'<h3>{e(t.t(w.FIRST_COMMENT))}</h3><div class="text">{e(post.first_comment)}</div>'
        )
    parts += [_channels(post, t), _images(post, t), _notes(post, t)]
    parts.append(
        f'<fieldset class="decide"><legend>{e(t.t(w.DECISION))}</legend>'
        f'<label><input type="radio" name="verdict-{pid}" value="approved"> '
        f"{e(t.t(w.APPROVE))}</label>"
        f'<label><input type="radio" name="verdict-{pid}" value="changes"> '
        f"{e(t.t(w.CHANGES))}</label>"
        f'<label class="ask" for="comment-{pid}">{e(t.t(w.COMMENT))}</label>'
        f'<textarea id="comment-{pid}" maxlength="20000"></textarea></fieldset></article>'
    )
    return "".join(parts)


def _script_data(pack: ApprovalPack, t: PackText) -> dict[str, Any]:
    total = len(pack.posts)
    return {
        "pack": pack.pack_id,
        "client": pack.client_uid,
        "client_name": pack.client_name,
        "file_name": f"{t.t(_FILE_NAME)}-{pack.made_at:%Y-%m-%d}-{pack.pack_id[:6]}{FILE_SUFFIX}",
        "posts": [
            {
                "id": p.id,
                "number": n,
                "heading": t.heading(n, total),
                "fingerprint": p.fingerprint,
                "seal": p.seal,
            }
            for n, p in enumerate(pack.posts, 1)
        ],
        "text": {
            "progress": t.t(w.PROGRESS),
            "need_name": t.t(w.NEED_NAME),
            "need_decision": t.t(w.NEED_DECISION),
            "need_comment": t.t(w.NEED_COMMENT),
            "approved": t.t(w.SUMMARY_APPROVED),
            "changes": t.t(w.SUMMARY_CHANGES),
            "answer_head": t.t(w.ANSWER_HEAD),
            "answer_line": t.t(w.ANSWER_LINE),
            "copied": t.t(w.COPIED),
        },
    }


def _send(t: PackText) -> str:
    return (
        f'<section class="send"><h2>{e(t.t(w.SEND_TITLE))}</h2>'
        f'<p id="progress"></p>'
        f'<p><label for="reviewer">{e(t.t(w.YOUR_NAME))}</label><br>'
        f'<input id="reviewer" maxlength="120" autocomplete="name"></p>'
        f'<button type="button" class="main" id="prepare">{e(t.t(w.PREPARE))}</button>'
        f'<p class="error" id="answer-error" role="alert"></p>'
        f'<div id="answer" hidden><p>{e(t.t(w.SEND_HINT))}</p>'
        f'<a class="button" id="download">{e(t.t(w.DOWNLOAD))}</a>'
        f'<button type="button" id="copy">{e(t.t(w.COPY))}</button>'
        f'<span id="copied" role="status"></span>'
        f'<textarea id="answer-text" readonly></textarea></div></section>'
    )


def to_html(pack: ApprovalPack) -> str:
    t = text_for(pack)
    script = (RESOURCES / "pack.js").read_text(encoding="utf-8")
    style = f":root {{ --brand: {e(pack.colour)}; }}\n" + (RESOURCES / "pack.css").read_text(
        encoding="utf-8"
    )
    csp = (
        "default-src 'none'; img-src data:; "
        f"style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
        "base-uri 'none'; form-action 'none'"
    )
    logo = ""
    if pack.logo and pack.logo_mime:
        logo = f'<img src="{_data_uri(pack.logo_mime, pack.logo)}" alt="">'
    how = "".join(f"<li>{e(t.t(step))}</li>" for step in w.HOW_HTML)
    total = len(pack.posts)
    posts = "".join(_post(p, n, total, t) for n, p in enumerate(pack.posts, 1))
    title = f"{t.t(w.TITLE)} — {pack.client_name}"
    return (
        f'<!DOCTYPE html>\n<html lang="{e(pack.language)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="referrer" content="no-referrer">'
        f"<title>{e(title)}</title><style>{style}</style></head><body><main>"
        f"<header>{logo}<h1>{e(t.t(w.TITLE))}</h1>"
        f'<p class="meta">{e(t.prepared(pack))}</p>'
        f'<p class="meta">{e(t.period(pack))} · {e(t.count(pack))}</p>'
        f'<p class="meta">{e(t.t(w.ZONE).format(zone=pack.zone))}</p></header>'
        f'<section class="how"><h2>{e(t.t(w.HOW_TITLE))}</h2><ol>{how}</ol></section>'
        f"{posts}{_send(t)}"
        f"<footer>{e(t.t(w.OFFLINE))}</footer></main>"
        f'<script type="application/json" id="cmdesk-pack">'
        f"{_json_island(_script_data(pack, t))}</script>"
        f"<script>{script}</script></body></html>\n"
    )
