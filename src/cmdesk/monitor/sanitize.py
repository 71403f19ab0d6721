"""HTML from feeds, made safe to store and show: a strict allowlist (nh3, Rust's ammonia).

No script, style, iframe, object, embed, form or event attribute survives; links keep only
http, https and mailto; remote images never load: each becomes an inert link to the image.
Plain text is kept beside the HTML for search and classification.
"""

from __future__ import annotations

import html
import re
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
# Built once: constructing an ammonia configuration costs as much as a cleaning, so
# relative addresses pass the first cleaning untouched and are resolved afterwards.
_FIRST = nh3.Cleaner(
    tags=TAGS | {"img"},
    clean_content_tags=DROP_WITH_CONTENT,
    attributes={**ATTRIBUTES, "img": {"src", "alt"}},
    url_schemes=SAFE_SCHEMES,
    url_relative="pass_through",
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
_ATTR_RE = re.compile(r'\s(src|alt)="([^"]*)"')
# In ammonia's output every attribute is double-quoted, with quotes escaped inside.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
# A rooted path that resolving, percent-encoding and escaping leave as it is: no "//"
# start, no dot segment, no query, no character any of them would change.
_ROOTED = r"/(?![/.])(?:[A-Za-z0-9_~!$()*+,;=:@%-]|\.(?![./])|/(?![/.]))*"
_ROOTED_RE = re.compile(_ROOTED + r"\Z")
_ORIGIN_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?=/|\Z)")
# The same attributes split in two: plain rooted paths, given their origin without
# parsing, and the others except plain http(s) addresses, which resolving leaves as they
# are. The sanitiser writes each attribute after one space: a pattern that starts with
# ' href="' is searched for as a literal instead of being tried at every character
# (which cost more than the sanitising itself).
_ADDRESS_ATTRS = (' href="', ' src="')
_ROOTED_ATTR_RE = {start: re.compile(f'({start})({_ROOTED})"') for start in _ADDRESS_ATTRS}
_OTHER_ATTR_RE = {start: re.compile(f'({start})(?!https?://)([^"]*)"') for start in _ADDRESS_ATTRS}
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
    first = _FIRST.clean(text[:MAX_HTML])
    base = base_url if _absolute(base_url) else None
    origin_match = _ORIGIN_RE.match(base) if base else None
    origin = origin_match.group(0) if origin_match else None
    rewritten = first
    for start in _ADDRESS_ATTRS:
        if start not in rewritten:
            continue
        if origin is not None:
            rewritten = _ROOTED_ATTR_RE[start].sub(lambda m: f'{m[1]}{origin}{m[2]}"', rewritten)
        absolute = rewritten.count(f"{start}http://") + rewritten.count(f"{start}https://")
        if rewritten.count(start) > absolute:
            rewritten = _OTHER_ATTR_RE[start].sub(lambda m: _resolve(m, base, origin), rewritten)
    if "<img" not in rewritten:
        # The allowlist's output, at most with relative addresses made absolute http(s)
        # ones, escaped, in place: nothing a second cleaning would change.
        return rewritten
    # Images become links built here: the result passes the allowlist once more, so what
    # is stored is always the sanitiser's own output.
    return _FINAL.clean(_IMG_RE.sub(_image_to_link, rewritten))


def _resolve(match: re.Match[str], base: str | None, origin: str | None = None) -> str:
    """An address attribute with its relative address made absolute (or dropped when
    there is no base). `origin` ("https://host", from the base) takes the common case,
    a plain rooted path, without parsing: what the general path gives (property-tested)."""
    if origin is not None and _ROOTED_RE.match(match.group(2)):
        return f'{match.group(1)}{origin}{match.group(2)}"'
    value = html.unescape(match.group(2)).strip()
    if urlsplit(value).scheme:
        return match.group(0)  # absolute: its scheme passed the allowlist
    if base is None:
        return ""  # a relative address with nothing to resolve it against
    # Non-ASCII characters percent-encoded, as a browser (and ammonia) would send them.
    joined = quote(urljoin(base, value), safe=_URL_SAFE)
    return f'{match.group(1)}{html.escape(joined)}"'


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
