"""OPML: the subscription lists every feed reader imports and exports.

Reading uses listparser (by feedparser's author), always on bytes we decoded ourselves
(given a string that starts with http, it would fetch it). A file with any problem is
refused as a whole, naming the problem, so an import never half-happens.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime

import listparser

from cmdesk import __version__
from cmdesk.core.errors import InvalidData
from cmdesk.core.monitoring import NewSource, Source
from cmdesk.i18n import _

MAX_BYTES = 5 * 2**20
CATEGORY_SEPARATOR = " / "
_DECLARED_RE = re.compile(rb"""^<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")


class OpmlError(InvalidData):
    """The file cannot be imported; the message says why, in plain words."""


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    declared = _DECLARED_RE.match(data.lstrip())
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        raise OpmlError(
            _("The file is not readable text in the {encoding} encoding it declares.").format(
                encoding=encoding
            )
        ) from None


def read_opml(data: bytes) -> list[NewSource]:
    """The feeds of an OPML file, with folders as categories; raises OpmlError."""
    if len(data) > MAX_BYTES:
        raise OpmlError(
            _("The file is larger than {mb} MB: it is not a subscription list.").format(
                mb=MAX_BYTES // 2**20
            )
        )
    text = _decode(data).lstrip()
    if not text.startswith("<"):
        raise OpmlError(_("This file is not an OPML subscription list (it is not XML)."))
    result = listparser.parse(text)
    if not str(result.get("version", "")).startswith("opml"):
        raise OpmlError(_("This file is not an OPML subscription list."))
    feeds: list[NewSource] = []
    bad: list[str] = []
    seen: set[str] = set()
    for item in result.get("feeds", []):
        url = str(item.get("url", "")).strip()
        title = str(item.get("title", "")).strip()
        if not url.lower().startswith(("http://", "https://")):
            address = url or _("no address")
            bad.append(f"{title or '?'} ({address})")
            continue
        if url in seen:
            continue
        seen.add(url)
        categories = item.get("categories") or []
        category = CATEGORY_SEPARATOR.join(str(c) for c in categories[0]) if categories else ""
        # listparser does not keep htmlUrl; the first refresh learns the site's address.
        feeds.append(NewSource(url=url, title=title, category=category))
    if bad:
        raise OpmlError(
            _(
                "Nothing was imported: {count} entries have no web address (http or https): "
                "{entries}."
            ).format(count=len(bad), entries="; ".join(bad[:3]) + ("…" if len(bad) > 3 else ""))
        )
    if not feeds:
        raise OpmlError(_("This subscription list contains no feeds."))
    return feeds


def write_opml(sources: Iterable[Source], title: str) -> bytes:
    """OPML 2.0, one folder per category, readable by any feed reader."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    ET.SubElement(head, "docs").text = "https://opml.org/spec2.opml"
    ET.SubElement(head, "generator").text = f"cmdesk {__version__}"
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for source in sorted(sources, key=lambda s: (s.category.casefold(), s.display_name.casefold())):
        parent = body
        if source.category:
            parent = folders.get(source.category) or ET.SubElement(
                body, "outline", text=source.category, title=source.category
            )
            folders[source.category] = parent
        attributes = {
            "type": "rss",
            "text": source.display_name,
            "title": source.display_name,
            "xmlUrl": source.url,
        }
        if source.site_url:
            attributes["htmlUrl"] = source.site_url
        ET.SubElement(parent, "outline", attributes)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
