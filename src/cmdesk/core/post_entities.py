"""Links, mentions and hashtags in a post, found the way each network finds them.

The counters (post_text) need them because networks count a link as a fixed length and a
Mastodon mention without its domain; the Bluesky connector needs them as "facets", the
byte ranges its app would have marked. Each finder follows the network's own code:

- X: twitter-text's URL extraction (a link with or without scheme, the latter only when
  its last label is a real top-level domain and every label fits 63 characters).
- Mastodon: `StatusLengthValidator#countable_text` (links need a scheme; `@user@domain`
  counts as `@user`, after `Account::MENTION_RE`).
- Bluesky: `detectFacets` of the official client library (@atproto/api, rich-text/
  detection.ts), regular expressions included, so that a post published by cmdesk has
  the same links, mentions and tags as the same text typed in the Bluesky app; the tests
  compare both on the same texts.

Indices are code points into the text (Python's), except facets, which the AT Protocol
counts in UTF-8 bytes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import regex
from publicsuffixlist import PublicSuffixList


@dataclass(frozen=True)
class Span:
    start: int  # code point index of the first character
    end: int  # just after the last one
    text: str


@functools.cache
def _suffixes() -> PublicSuffixList:
    # The ICANN section of the Public Suffix List holds every delegated top-level domain;
    # accept_unknown=False so that "file.txt" or "node.js" are not taken for sites.
    return PublicSuffixList(only_icann=True, accept_unknown=False)


@functools.lru_cache(maxsize=4096)
def is_tld(label: str) -> bool:
    """A delegated top-level domain ("fr", "com", "app", "рф" or its "xn--p1ai")."""
    if not label or "." in label:
        return False
    return bool(_suffixes().is_public(label.lower()))


# -- links as X and Mastodon see them ------------------------------------------------------

# A link starts after a space, punctuation or the start of the text, never inside a word,
# an address (user@example.com), a cashtag or a hashtag (twitter-text's
# valid_url_preceding_chars), nor right after "-", "_", "." or "/".
_URL = regex.compile(
    r"""
    (?<![\p{L}\p{N}\p{M}@＠$#＃_./\-])
    (?P<url>
      (?P<scheme>(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://)?
      (?P<host>
          \[[0-9a-f:.]+\]
        | [\p{L}\p{N}\p{M}_](?:[\p{L}\p{N}\p{M}_-]*[\p{L}\p{N}\p{M}_])?
          (?:\.[\p{L}\p{N}\p{M}_](?:[\p{L}\p{N}\p{M}_-]*[\p{L}\p{N}\p{M}_])?)*
      )
      (?::(?P<port>[0-9]{1,5}))?
      (?P<rest>[/?#]\S*)?
    )
    """,
    regex.VERBOSE | regex.IGNORECASE,
)
# twitter-text's path characters: Latin and Cyrillic letters, digits and URL punctuation;
# "http://example.com/これは" links only "http://example.com/".
_X_REST = regex.compile(r"[/?#][\p{Latin}\p{Cyrillic}\p{N}\p{M}!*';:=+,.$/%#\[\]()\-–_~&|@?]*")
# Characters a link may not end with: sentence punctuation typed after it.
_TRAILING = ".,;:!?'\"*<>«»…"
_IPV4 = regex.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def _label_fits(label: str) -> bool:
    # DNS allows 63 octets per label, counted in the ASCII (punycode) form for IDNs.
    if label.isascii():
        return 0 < len(label) <= 63
    try:
        return len(label.encode("punycode")) + 4 <= 63
    except UnicodeError:
        return False


def _valid_host(host: str, with_scheme: bool) -> bool:
    if host.startswith("["):
        return with_scheme
    if _IPV4.fullmatch(host):
        return with_scheme and all(int(part) <= 255 for part in host.split("."))
    labels = host.split(".")
    if len(labels) < 2 or not all(_label_fits(label) for label in labels):
        return False
    if not with_scheme:
        # Without a scheme only plain ASCII names count (twitter-text's valid_ascii_domain).
        if not host.isascii() or "_" in host:
            return False
    elif "_" in labels[-2] or "_" in labels[-1]:
        return False  # an underscore is allowed in subdomains only
    return is_tld(labels[-1])


def _trim(url: str) -> str:
    """Drop punctuation typed after a link, keeping balanced parentheses and brackets."""
    while url:
        last = url[-1]
        if last in _TRAILING or (
            (last == ")" and url.count("(") < url.count(")"))
            or (last == "]" and url.count("[") < url.count("]"))
        ):
            url = url[:-1]
        else:
            break
    return url


def find_urls(text: str, *, network: Literal["x", "mastodon"]) -> list[Span]:
    """Links that the network shortens to its fixed length (23 characters on both)."""
    spans: list[Span] = []
    for match in _URL.finditer(text):
        scheme = match.group("scheme")
        host = match.group("host")
        if network == "x" and scheme and scheme.lower() not in ("http://", "https://"):
            continue
        if network == "mastodon" and not scheme:
            continue  # Mastodon: extract_url_without_protocol: false
        if not _valid_host(host, with_scheme=bool(scheme)):
            continue
        start = match.start("url")
        end = match.end("port") if match.group("port") else match.end("host")
        rest = match.group("rest") or ""
        if network == "x" and rest:
            kept = _X_REST.match(rest)
            rest = kept.group(0) if kept else ""
        url = _trim(text[start:end] + rest)
        if len(url) < end - start:
            continue  # the trim reached into the host: not a link
        spans.append(Span(start, start + len(url), url))
    return spans


# -- Mastodon mentions ---------------------------------------------------------------------

# Account::MENTION_RE: "@user" or "@user@domain", not inside a word or a path.
_MASTODON_MENTION = regex.compile(
    r"(?<![=/\w])@(?P<user>[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?P<domain>@[\w.-]+\w+)?",
    regex.IGNORECASE,
)


def find_mastodon_mentions(text: str) -> list[Span]:
    """Mentions with a domain: Mastodon counts `@user@example.social` as `@user`."""
    return [
        Span(m.start(), m.end(), m.group(0))
        for m in _MASTODON_MENTION.finditer(text)
        if m.group("domain")
    ]


def mastodon_user(mention: str) -> str:
    """`@user@domain` → `@user`."""
    return "@" + mention[1:].split("@", 1)[0]


# -- hashtags (Instagram's limit of 30) ----------------------------------------------------

_HASHTAG = regex.compile(r"(?<![\w&])[#＃](?P<tag>\w*[\p{L}_]\w*)")


def find_hashtags(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group(0)) for m in _HASHTAG.finditer(text)]


# -- Bluesky facets ------------------------------------------------------------------------

# JavaScript's \s (and what String.trim removes), which the Bluesky regexes use; Python's
# \s differs on U+FEFF and U+180E.
_JS_SPACE = (
    "\t\n\v\f\r \u00a0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_ZERO_WIDTH = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
# regex.ASCII: JavaScript's \b without the "u" flag knows only ASCII word characters.
_BSKY_MENTION = regex.compile(rf"(^|[{_JS_SPACE}]|\()(@)([a-zA-Z0-9.-]+)(\b)", regex.ASCII)
_BSKY_URL = regex.compile(
    rf"(^|[{_JS_SPACE}]|\()((https?://[^{_JS_SPACE}]+)"
    rf"|((?P<domain>[a-z][a-z0-9]*(\.[a-z0-9]+)+)[^{_JS_SPACE}]*))",
    regex.IGNORECASE | regex.MULTILINE,
)
_BSKY_TAG = regex.compile(
    rf"(^|[{_JS_SPACE}])[#＃]((?!\ufe0f)[^{_JS_SPACE}{_ZERO_WIDTH}]*"
    rf"[^0-9{_JS_SPACE}\p{{P}}{_ZERO_WIDTH}]+[^{_JS_SPACE}{_ZERO_WIDTH}]*)?"
)
_BSKY_CASHTAG = regex.compile(
    rf"(^|[{_JS_SPACE}]|\()\$([A-Za-z][A-Za-z0-9]{{0,4}})(?=[{_JS_SPACE}]|$|[.,;:!?)\"'\u2019])"
)
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")

FacetKind = Literal["link", "mention", "tag"]


@dataclass(frozen=True)
class Facet:
    """A rich-text facet: `value` is the URI, the handle (resolved to a DID when
    publishing) or the tag without "#"."""

    byte_start: int
    byte_end: int
    kind: FacetKind
    value: str


def _bsky_domain(name: str) -> bool:
    # detection.ts isValidDomain: the name ends with "." and a TLD from the `tlds`
    # package, compared as typed (that list is lower case, so "EXAMPLE.COM" is no link).
    tld = name.rsplit(".", 1)[-1]
    return "." in name and tld == tld.lower() and is_tld(tld)


def bluesky_facets(text: str) -> list[Facet]:
    """Mentions, links, then tags and cashtags, in detectFacets' order."""
    to_byte = _ByteOffsets(text)
    facets: list[Facet] = []
    for m in _BSKY_MENTION.finditer(text):
        handle = m.group(3)
        if not _bsky_domain(handle) and not handle.endswith(".test"):
            continue  # probably not a handle
        start = text.index(handle, m.start()) - 1
        facets.append(Facet(to_byte(start), to_byte(start + len(handle) + 1), "mention", handle))
    for m in _BSKY_URL.finditer(text):
        uri = m.group(2)
        if not uri.startswith("http"):  # case-sensitive in detection.ts too
            domain = m.group("domain")
            if not domain or not _bsky_domain(domain):
                continue
            uri = "https://" + uri
        start = text.index(m.group(2), m.start())
        end = start + len(m.group(2))
        if uri[-1] in ".,;:!?":
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        facets.append(Facet(to_byte(start), to_byte(end), "link", uri))
    for m in _BSKY_TAG.finditer(text):
        tag = m.group(2)
        if not tag:
            continue
        tag = _TRAILING_PUNCTUATION.sub("", tag.strip(_JS_SPACE))
        if not tag or (len(tag) > 64 and len(regex.findall(r"\X", tag)) > 64):
            continue
        start = m.start() + len(m.group(1))
        facets.append(Facet(to_byte(start), to_byte(start + 1 + len(tag)), "tag", tag))
    for m in _BSKY_CASHTAG.finditer(text):
        ticker = m.group(2).upper()
        start = m.start() + len(m.group(1))
        facets.append(Facet(to_byte(start), to_byte(start + 1 + len(ticker)), "tag", "$" + ticker))
    return facets


class _ByteOffsets:
    """Code point index → UTF-8 byte offset, in one pass over the text however many
    facets there are."""

    def __init__(self, text: str) -> None:
        self._offsets = [0]
        total = 0
        for char in text:
            total += len(char.encode("utf-8", "surrogatepass"))
            self._offsets.append(total)

    def __call__(self, index: int) -> int:
        return self._offsets[index]
