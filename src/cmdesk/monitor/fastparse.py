"""A fast reader for the common case: well-formed UTF-8 RSS 2.0 and Atom 1.0.

feedparser costs ~12 ms of CPU per 50-item feed, most of a cold refresh: it is a SAX
handler written in Python that tracks dozens of formats and extensions. Nearly every
feed a community manager follows is plain RSS 2.0 or Atom 1.0 in UTF-8, which expat
(through ElementTree's C accelerator) reads in a fraction of a millisecond.

`read` returns what feedparser would have returned for the fields cmdesk uses, or None
whenever the document leaves the well-trodden path (a DOCTYPE, another encoding,
xml:base, an element we do not know, markup inside a text field, a second author...):
the caller then hands it to feedparser. Equality with feedparser is checked on every
file of the shared test corpus (tests/monitor/test_fastparse.py), so the quirks copied
below are feedparser's, on purpose: a feed must give the same mentions either way.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from feedparser.datetimes import _parse_date  # type: ignore[import-untyped]
from feedparser.html import _cp1252  # type: ignore[import-untyped]
from feedparser.urls import _urljoin as _feedparser_urljoin  # type: ignore[import-untyped]

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_LINK_ENTITY = re.compile("&([A-Za-z0-9_]+);")
_C1 = re.compile("[\x80-\x9f]")
_UTF8 = {"utf-8", "utf8"}
_HTML_TYPES = {"text/html", "application/xhtml+xml", "html", "xhtml"}

# Children that feedparser maps to nothing cmdesk reads: skipped when they have no
# children of their own (media:group, for one, holds a title and a description).
_ANY_IGNORED = {f"{MEDIA}thumbnail", f"{MEDIA}content"}
_RSS_IGNORED = _ANY_IGNORED | {
    "comments",
    "enclosure",
    "source",
    "{http://wellformedweb.org/CommentAPI/}commentRss",
    "{http://purl.org/rss/1.0/modules/slash/}comments",
    "{http://rssnamespace.org/feedburner/ext/1.0}origLink",
}
_RSS_CHANNEL_IGNORED = {
    "description", "language", "copyright", "managingEditor", "webMaster", "pubDate",
    "lastBuildDate", "generator", "docs", "ttl", "image", "category", "cloud", "rating",
    "skipHours", "skipDays", "textInput", "item", f"{ATOM}link",
    "{http://purl.org/rss/1.0/modules/syndication/}updatePeriod",
    "{http://purl.org/rss/1.0/modules/syndication/}updateFrequency",
}  # fmt: skip
_ATOM_ENTRY_IGNORED = _ANY_IGNORED | {
    f"{ATOM}rights",
    "{http://purl.org/syndication/thread/1.0}total",
    "{http://www.youtube.com/xml/schemas/2015}videoId",
    "{http://www.youtube.com/xml/schemas/2015}channelId",
}
_ATOM_FEED_IGNORED = {
    f"{ATOM}updated", f"{ATOM}subtitle", f"{ATOM}rights", f"{ATOM}generator",
    f"{ATOM}icon", f"{ATOM}logo", f"{ATOM}author", f"{ATOM}contributor", f"{ATOM}category",
    f"{ATOM}entry", "{http://www.youtube.com/xml/schemas/2015}channelId",
    "{http://a9.com/-/spec/opensearchrss/1.0/}totalResults",
    "{http://a9.com/-/spec/opensearchrss/1.0/}startIndex",
    "{http://a9.com/-/spec/opensearchrss/1.0/}itemsPerPage",
}  # fmt: skip


class _Unsure(Exception):
    """The document is outside what this reader copies exactly: use feedparser."""


def read(body: bytes, headers: Mapping[str, str]) -> dict[str, Any] | None:
    """feedparser's result (version, feed title and link, entries) or None."""
    if not _plain_utf8(body, headers):
        return None
    try:
        root = ET.fromstring(body)
    except (ET.ParseError, ValueError):
        return None  # malformed: feedparser's lenient parser may still read it
    try:
        if root.tag == "rss" and root.get("version") == "2.0":
            return _rss(root)
        if root.tag == f"{ATOM}feed":
            return _atom(root)
    except _Unsure:
        return None
    return None


def _plain_utf8(body: bytes, headers: Mapping[str, str]) -> bool:
    head = body[:1024]
    if not body.lstrip().startswith(b"<") or b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        return False  # byte order marks, other encodings, entities: feedparser's rules
    if any(key.lower() == "content-location" for key in headers):
        return False  # a base address for relative links
    declared = _DECLARATION.match(head)
    if declared and declared.group(1).decode().lower() not in _UTF8:
        return False
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    media, _sep, params = content_type.lower().partition(";")
    charset = params.partition("charset=")[2].strip().strip("\"'")
    if charset:
        return charset in _UTF8
    # RFC 3023: text/* without a charset means US-ASCII, which feedparser follows.
    return not media.strip().startswith("text/")


def _urljoin(base: str, uri: str) -> str:
    """feedparser's _urljoin, which with an empty base only removes the slashes after a
    scheme's "://" (its pattern, then urljoin that returns the address as it is): an
    address with none there is returned without running either (property-tested)."""
    if not base:
        marker = uri.find("://")
        if marker < 0 or uri[marker + 3 : marker + 4] != "/":
            return uri
    return str(_feedparser_urljoin(base, uri))


def _text(element: ET.Element, allowed: frozenset[str] = frozenset({"type"})) -> str:
    """The text of a simple element as feedparser stores it."""
    if len(element) or (element.attrib and not set(element.attrib) <= allowed):
        raise _Unsure
    output = (element.text or "").strip()
    if output.isascii():
        return output
    # feedparser repairs UTF-8 that was read as Latin-1 and encoded again.
    try:  # noqa: SIM105 (contextlib.suppress costs more, and this runs for every field)
        output = output.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    # ...and maps C1 controls to what Windows-1252 puts there (translate walks a dict
    # per character: only when there is one).
    return output.translate(_cp1252) if _C1.search(output) else output


def _link_value(value: str) -> str:
    return _entities_unended(_urljoin("", value).replace("&amp;", "&"))


def _entities_unended(link: str) -> str:
    """feedparser drops the ";" of the entities left in a link. Most links have no "&"
    at all, and sub() with a template string (a group reference) runs Python code at
    every call, match or not: more than the rest of an entry's link handling
    (property-tested against the template)."""
    return _LINK_ENTITY.sub(_unended, link) if "&" in link else link


def _unended(entity: re.Match[str]) -> str:
    return "&" + entity[1]


def _date(value: str) -> time.struct_time | None:
    if not value:
        return None
    plain = _RFC822_RE.match(value)
    if plain is not None:
        try:
            return _rfc822(plain)
        except (ValueError, OverflowError):
            pass  # a 30 February: feedparser's other readers have their say
    return _parse_date(value)


# The date of nearly every RSS item ("Mon, 09 Mar 2026 10:00:00 GMT"), read as feedparser's
# RFC 822 reader reads it (its first reader, W3C dates, takes nothing that starts like
# this) at half the cost: property-tested against feedparser.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_RFC822_RE = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun), )?(\d\d?) "
    rf"({'|'.join(_MONTHS)}) (\d{{4}}) (\d\d):(\d\d):(\d\d) (gmt|ut|utc|z|[+-]\d{{4}})\Z",
    re.IGNORECASE,
)


def _rfc822(match: re.Match[str]) -> time.struct_time:
    day, month, year, hour, minute, second, zone = match.groups()
    number = _MONTHS.index(month.lower()) + 1
    stamp = datetime(int(year), number, int(day), int(hour), int(minute), int(second))
    if zone[0] in "+-":
        sign = -1 if zone[0] == "-" else 1
        stamp -= timedelta(hours=sign * int(zone[1:3]), minutes=sign * int(zone[3:]))
    return stamp.utctimetuple()


def _childless(element: ET.Element) -> None:
    if len(element):
        raise _Unsure


def _no_base(element: ET.Element) -> None:
    for node in element.iter():
        if XML_BASE in node.attrib:
            raise _Unsure


def _rss(root: ET.Element) -> dict[str, Any]:
    channels = root.findall("channel")
    if len(channels) != 1 or len(root) != 1:
        raise _Unsure
    channel = channels[0]
    _no_base(root)
    feed: dict[str, Any] = {}
    entries = []
    for child in channel:
        tag = child.tag
        if tag == "title":
            feed["title"] = _text(child)
        elif tag == "link":
            feed["link"] = _entities_unended(_urljoin("", _text(child)))
        elif tag == "item":
            entries.append(_rss_item(child))
        elif tag == f"{ATOM}link" and _alternate(child) is not None:
            raise _Unsure  # feedparser would take it as the site's address
        elif tag not in _RSS_CHANNEL_IGNORED:
            raise _Unsure
    return {"version": "rss20", "feed": feed, "entries": entries, "bozo": 0}


def _rss_item(item: ET.Element) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    seen: set[str] = set()
    guid_is_link = False
    for child in item:
        tag = child.tag
        if tag in _RSS_IGNORED:
            _childless(child)
            continue
        if tag == "category":
            term = _text(child, frozenset({"domain"}))
            tag_value = {"term": term, "scheme": child.get("domain")}
            if term and tag_value not in entry.setdefault("tags", []):
                entry["tags"].append(tag_value)
            continue
        if tag in seen:
            raise _Unsure  # a repeated field: feedparser's "last or first" rules vary
        seen.add(tag)
        if tag == "title":
            entry["title"] = _text(child)
        elif tag == "link":
            entry["link"] = _link_value(_text(child))
        elif tag == "guid":
            guid_is_link = child.get("isPermaLink", "true") == "true"
            value = _text(child, frozenset({"isPermaLink"}))
            entry["id"] = _urljoin("", value) if guid_is_link and value else value
        elif tag == "description":
            entry["summary"] = _text(child)
        elif tag == f"{CONTENT}encoded":
            entry["content"] = [{"value": _text(child)}]
        elif tag == "pubDate":
            entry["published_parsed"] = _date(_text(child))
        elif tag == f"{ATOM}updated":
            entry["updated_parsed"] = _date(_text(child))
        elif tag in ("author", f"{DC}creator"):
            if "author" in entry:
                raise _Unsure
            name = _text(child)
            if "@" in name:
                raise _Unsure  # feedparser splits out the e-mail address
            entry["author"] = name
        else:
            raise _Unsure
    if "link" not in entry and "id" in entry and guid_is_link:
        entry["link"] = entry["id"]  # feedparser: a permalink guid stands for the link
    return entry


def _atom(root: ET.Element) -> dict[str, Any]:
    _no_base(root)
    feed: dict[str, Any] = {}
    entries = []
    feed_id = ""
    for child in root:
        tag = child.tag
        if tag == f"{ATOM}title":
            feed["title"] = _atom_text(child)
        elif tag == f"{ATOM}link":
            _take_alternate(feed, child)
        elif tag == f"{ATOM}entry":
            entries.append(_atom_entry(child))
        elif tag == f"{ATOM}id":
            feed_id = _urljoin("", _text(child))
        elif tag not in _ATOM_FEED_IGNORED:
            raise _Unsure
    if "link" not in feed and feed_id:
        feed["link"] = feed_id  # as for entries, below
    return {"version": "atom10", "feed": feed, "entries": entries, "bozo": 0}


def _take_alternate(target: dict[str, Any], link: ET.Element) -> None:
    """The page's address from an Atom link, once: a second one is feedparser's call."""
    href = _alternate(link)
    if href is not None:
        if "link" in target:
            raise _Unsure
        target["link"] = href


def _alternate(link: ET.Element) -> str | None:
    """The address of an Atom link to the web page, as feedparser takes it, else None."""
    if len(link) or (link.text and link.text.strip()):
        raise _Unsure
    rel = link.get("rel", "alternate").lower()
    kind = link.get("type", "text/html").lower()
    if rel != "alternate" or kind not in _HTML_TYPES or "href" not in link.attrib:
        return None
    return _urljoin("", link.get("href", ""))


def _atom_text(element: ET.Element) -> str:
    kind = element.get("type", "text")
    if kind not in ("text", "html", "text/plain", "text/html") or len(element):
        raise _Unsure  # xhtml keeps markup as elements: feedparser serialises it
    return _text(element)


def _atom_entry(node: ET.Element) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    seen: set[str] = set()
    for child in node:
        tag = child.tag
        if tag in _ATOM_ENTRY_IGNORED:
            _childless(child)
            continue
        if tag == f"{ATOM}link":
            _take_alternate(entry, child)
            continue
        if tag == f"{ATOM}category":
            if len(child) or set(child.attrib) - {"term", "scheme", "label"}:
                raise _Unsure
            tag_value = {k: child.get(k) for k in ("term", "scheme", "label")}
            if any(tag_value.values()) and tag_value not in entry.setdefault("tags", []):
                entry["tags"].append(tag_value)
            continue
        if tag in seen:
            raise _Unsure
        seen.add(tag)
        if tag == f"{ATOM}id":
            entry["id"] = _urljoin("", _text(child))
        elif tag == f"{ATOM}title":
            entry["title"] = _atom_text(child)
        elif tag == f"{ATOM}summary":
            entry["summary"] = _atom_text(child)
        elif tag == f"{ATOM}content":
            if child.get("src"):
                raise _Unsure
            entry["content"] = [{"value": _atom_text(child)}]
        elif tag == f"{ATOM}published":
            entry["published_parsed"] = _date(_text(child))
        elif tag == f"{ATOM}updated":
            entry["updated_parsed"] = _date(_text(child))
        elif tag == f"{ATOM}author":
            entry["author"] = _atom_author(child)
        else:
            raise _Unsure
    if "link" not in entry and entry.get("id"):
        entry["link"] = entry["id"]  # feedparser reads an Atom id as a permalink guid
    return entry


def _atom_author(node: ET.Element) -> str:
    parts: dict[str, str] = {}
    for child in node:
        if child.tag not in (f"{ATOM}name", f"{ATOM}email", f"{ATOM}uri") or child.tag in parts:
            raise _Unsure
        parts[child.tag] = _text(child)
    name, email = parts.get(f"{ATOM}name", ""), parts.get(f"{ATOM}email", "")
    if name and email:
        return f"{name} ({email})"
    return name or email
