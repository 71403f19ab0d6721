"""HTML from feeds, made safe to store and show: a strict allowlist (nh3, Rust's ammonia).

No script, style, iframe, object, embed, form or event attribute survives; links keep only
http, https and mailto; remote images never load: each becomes an inert link to the image.
Plain text is kept beside the HTML for search and classification.
"""

from __future__ import annotations

import html
import re
import threading
from urllib.parse import quote, urljoin, urlsplit

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
_LINK_REL = "noopener noreferrer nofollow"
# The base address of the text being cleaned, for the cleaner's callback below: one
# cleaner built once (building one costs as much as a cleaning), the base set per call.
_current = threading.local()


def _relative(value: str) -> str | None:
    """A relative address (the cleaner asks about no other) made absolute against the
    current base, or None (dropped) when there is none."""
    return _resolve(value, _current.base, _current.origin)


_FIRST = nh3.Cleaner(
    tags=TAGS | {"img"},
    clean_content_tags=DROP_WITH_CONTENT,
    attributes={**ATTRIBUTES, "img": {"src", "alt"}},
    url_schemes=SAFE_SCHEMES,
    url_relative=_relative,
    link_rel=_LINK_REL,
)
_FINAL = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags=DROP_WITH_CONTENT,
    attributes=ATTRIBUTES,
    url_schemes=SAFE_SCHEMES,
    url_relative="deny",
    link_rel=_LINK_REL,
)
_TEXT = nh3.Cleaner(tags=set(), clean_content_tags=DROP_WITH_CONTENT)
_IMG_RE = re.compile(r"<img\b([^>]*)>", re.IGNORECASE)
# In ammonia's output every attribute is double-quoted, with quotes escaped inside.
_ATTR_RE = re.compile(r'\s(src|alt)="([^"]*)"')
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
# A rooted path that resolving and percent-encoding leave as it is: no "//" start, no
# dot segment, no query, no character either would change.
_ROOTED_RE = re.compile(r"/(?![/.])(?:[A-Za-z0-9_~!$()*+,;=:@%-]|\.(?![./])|/(?![/.]))*\Z")
_ORIGIN_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?=/|\Z)")
_BLOCK_END_RE = re.compile(
    r"<br\s*/?>|</(?:p|div|li|h[1-6]|tr|blockquote|pre|dt|dd|figcaption|table)\s*>",
    re.IGNORECASE,
)
_TAG_RE = re.compile(r'<(?:[^>"]|"[^"]*")*>')
_SPACES_RE = re.compile(r"[ \t\r\f\v\u00a0]+")
_ODD_SPACES = ("\t", "\r", "\f", "\v", "\u00a0")
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
    """Safe HTML for the reading pane, with relative links made absolute (or dropped
    when there is no web address to resolve them against)."""
    if not text:
        return ""
    base = base_url if _absolute(base_url) else None
    origin_match = _ORIGIN_RE.match(base) if base else None
    _current.base = base
    _current.origin = origin_match.group(0) if origin_match else None
    first = _FIRST.clean(text[:MAX_HTML])
    if "<img" not in first:
        return first
    # Images become links built here: the result passes the allowlist once more, so what
    # is stored is always the sanitiser's own output.
    return _FINAL.clean(_IMG_RE.sub(_image_to_link, first))


def _resolve(value: str, base: str | None, origin: str | None = None) -> str | None:
    """A relative address made absolute against `base`, or None (dropped) without one.
    `origin` ("https://host", from the base) takes the common case, a plain rooted path,
    without parsing: what the general path gives (property-tested)."""
    if origin is not None and _ROOTED_RE.match(value):
        return origin + value
    address = value.strip()
    try:
        if urlsplit(address).scheme:
            return value  # one the allowlist's parser did not read: left as it was
        if base is None:
            return None
        # Non-ASCII characters percent-encoded, as a browser (and ammonia) would send them.
        return quote(urljoin(base, address), safe=_URL_SAFE)
    except ValueError:  # "//[": no address at all
        return None


def _absolute(url: str | None) -> bool:
    if url and url.startswith(("https://", "http://")):
        return True  # what nearly every entry's link is: no need to parse it
    return bool(url) and urlsplit(url or "").scheme.lower() in ("http", "https")


def html_to_text(text: str, *, sanitised: bool = False) -> str:
    """Plain text of an HTML fragment: tags gone, entities decoded, blocks on their lines.
    `sanitised`: the fragment is sanitize_html's output, whose tags a pattern can remove
    (every `<` of its text is escaped, every attribute quoted) at a third of the cost."""
    if not text:
        return ""
    if "<" not in text and "&" not in text:
        return " ".join(text.split())
    marked = _BLOCK_END_RE.sub("\n", text[:MAX_HTML])
    stripped = _TAG_RE.sub("", marked) if sanitised else _TEXT.clean(marked)
    plain = html.unescape(stripped)
    # Runs of blanks become one space. The pattern replaces every single space by itself
    # (more than the rest of the extraction costs): only a text with another blank than
    # a space needs it, runs of spaces alone are halved until none is left.
    if any(blank in plain for blank in _ODD_SPACES):
        plain = _SPACES_RE.sub(" ", plain)
    else:
        while "  " in plain:
            plain = plain.replace("  ", " ")
    # The space left on either side of a line end goes (a pattern that may start with a
    # space is tried at every space), then runs of blank lines become one.
    if "\n" in plain:
        plain = "\n".join([line.strip(" ") for line in plain.split("\n")])
    return _LINES_RE.sub("\n\n", plain).strip()
