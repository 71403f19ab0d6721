"""HTML from feeds, made safe to store and show: a strict allowlist (nh3, Rust's ammonia).

No script, style, iframe, object, embed, form or event attribute survives; links keep only
http, https and mailto; remote images never load: each becomes an inert link to the image.
Plain text is kept beside the HTML for search and classification.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

MAX_HTML = 1_000_000  # per entry: beyond this, a feed entry is not an article any more
SAFE_SCHEMES = {"http", "https", "mailto"}
TAGS = {
    "p", "br", "a", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small",
    "blockquote", "q", "cite", "code", "pre", "kbd", "samp", "ul", "ol", "li", "dl", "dt",
    "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table", "caption", "thead", "tbody", "tfoot",
    "tr", "th", "td", "hr", "sub", "sup", "figure", "figcaption", "abbr", "span", "div",
    "time",
}  # fmt: skip
# Removed with everything inside them (nh3 would otherwise keep their text).
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "svg",
                     "math", "template", "form", "button", "select", "textarea", "head",
                     "title"}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
    "time": {"datetime"},
}
# Built once: constructing an ammonia configuration costs as much as a cleaning.
_FINAL = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags=DROP_WITH_CONTENT,
    attributes=ATTRIBUTES,
    url_schemes=SAFE_SCHEMES,
    url_relative="deny",
    link_rel="noopener noreferrer nofollow",
)
_FIRST_NO_BASE = nh3.Cleaner(
    tags=TAGS | {"img"},
    clean_content_tags=DROP_WITH_CONTENT,
    attributes={**ATTRIBUTES, "img": {"src", "alt"}},
    url_schemes=SAFE_SCHEMES,
    url_relative="deny",
    link_rel=None,
)
_TEXT = nh3.Cleaner(tags=set(), clean_content_tags=DROP_WITH_CONTENT)
_IMG_RE = re.compile(r"<img\b([^>]*)>", re.IGNORECASE)
_ATTR_RE = re.compile(r'\s(src|alt)="([^"]*)"')
_BLOCK_END_RE = re.compile(
    r"<br\s*/?>|</(?:p|div|li|h[1-6]|tr|blockquote|pre|dt|dd|figcaption|table)\s*>",
    re.IGNORECASE,
)
_SPACES_RE = re.compile(r"[ \t\r\f\v\u00a0]+")
_LINES_RE = re.compile(r"\n\s*\n+")


def _image_to_link(match: re.Match[str]) -> str:
    values = dict(_ATTR_RE.findall(match.group(1)))
    alt = values.get("alt", "").strip()
    label = f"[image: {alt}]" if alt else "[image]"
    src = values.get("src", "")
    if src and urlsplit(html.unescape(src)).scheme.lower() in ("http", "https"):
        return f'<a href="{src}">{html.escape(label, quote=False)}</a>'
    return html.escape(label, quote=False)


def sanitize_html(text: str, base_url: str | None = None) -> str:
    """Safe HTML for the reading pane, with relative links made absolute."""
    if not text:
        return ""
    relative: object = ("rewrite_with_base", base_url) if _absolute(base_url) else "deny"
    try:
        first = nh3.clean(
            text[:MAX_HTML],
            tags=TAGS | {"img"},
            clean_content_tags=DROP_WITH_CONTENT,
            attributes={**ATTRIBUTES, "img": {"src", "alt"}},
            url_schemes=SAFE_SCHEMES,
            url_relative=relative,  # type: ignore[arg-type]
            link_rel=None,
        )
    except ValueError:  # a base URL ammonia cannot use: drop relative links instead
        first = _FIRST_NO_BASE.clean(text[:MAX_HTML])
    # The rewritten text passes the allowlist once more: what is stored is always
    # the sanitiser's own output.
    return _FINAL.clean(_IMG_RE.sub(_image_to_link, first))


def _absolute(url: str | None) -> bool:
    return bool(url) and urlsplit(url or "").scheme.lower() in ("http", "https")


def html_to_text(text: str) -> str:
    """Plain text of an HTML fragment: tags gone, entities decoded, blocks on their lines."""
    if not text:
        return ""
    if "<" not in text and "&" not in text:
        return " ".join(text.split())
    marked = _BLOCK_END_RE.sub("\n", text[:MAX_HTML])
    stripped = _TEXT.clean(marked)
    plain = html.unescape(stripped)
    lines = (_SPACES_RE.sub(" ", line).strip() for line in plain.split("\n"))
    return _LINES_RE.sub("\n\n", "\n".join(lines)).strip()
