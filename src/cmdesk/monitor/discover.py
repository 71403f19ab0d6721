"""Autodiscovery: from a website's address to its feed.

First the page's own `<link rel="alternate">` declarations (what browsers and feed
readers use), then the addresses where common blog engines publish their feed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from cmdesk.i18n import _
from cmdesk.monitor.fetch import Fetcher, FetchRequest, FetchResult
from cmdesk.monitor.parse import FeedError, parse_feed

FEED_TYPES = {
    "application/rss+xml": 0,
    "application/atom+xml": 0,
    "application/feed+json": 1,
    "application/json": 2,
    "application/rdf+xml": 1,
    "text/xml": 2,
    "application/xml": 2,
}
# WordPress, Blogger, Ghost, Hugo, Jekyll, Drupal, Tumblr, Substack, Medium...
COMMON_PATHS = (
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feeds/posts/default",
    "/?feed=rss2",
    "/blog/feed",
    "/rss/index.xml",
)
MAX_PAGE_BYTES = 2 * 2**20


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []  # (rank, href, title)
        self.base = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and values.get("href") and not self.base:
            self.base = values["href"]
        if tag != "link":
            return
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href"):
            # Comment feeds are about one page's comments, not the site's news.
            title = values.get("title", "")
            rank = FEED_TYPES[kind] + (5 if "comment" in title.lower() else 0)
            self.found.append((rank, values["href"], title))


def feed_links(page: str, page_url: str) -> list[tuple[str, str]]:
    """Feeds a web page declares, best first, as (absolute url, title); http(s) only."""
    finder = _LinkFinder()
    try:
        finder.feed(page[:MAX_PAGE_BYTES])
        finder.close()
    except (ValueError, AssertionError):  # html.parser on broken markup
        pass
    base = urljoin(page_url, finder.base) if finder.base else page_url
    seen: set[str] = set()
    links: list[tuple[str, str]] = []
    for _rank, href, title in sorted(finder.found, key=lambda item: item[0]):
        url = urljoin(base, href.strip())
        if urlsplit(url).scheme in ("http", "https") and url not in seen:
            seen.add(url)
            links.append((url, title.strip()))
    return links


def common_candidates(page_url: str) -> list[str]:
    """Usual feed addresses of the site, to try when the page declares none."""
    parts = urlsplit(page_url)
    root = f"{parts.scheme}://{parts.netloc}"
    return [root + path for path in COMMON_PATHS]


@dataclass(frozen=True)
class Found:
    url: str  # the feed's address
    title: str
    entries: int
    site_url: str = ""


def find_feed(url: str, fetcher: Fetcher, cancel: threading.Event | None = None) -> Found:
    """The feed at `url`, or the one its page declares, or one at a usual address.

    Raises FeedError naming what was tried when there is none.
    """
    first = fetcher.fetch(FetchRequest(url), cancel)
    if first.status == "error":
        raise FeedError(first.error)
    feed = _as_feed(first)
    if feed is not None:
        return feed
    page = first.body[:MAX_PAGE_BYTES].decode("utf-8", "replace")
    tried: list[str] = []
    for candidate in [u for u, _t in feed_links(page, first.final_url)] + common_candidates(
        first.final_url
    ):
        if candidate in tried or candidate == first.final_url:
            continue
        tried.append(candidate)
        result = fetcher.fetch(FetchRequest(candidate), cancel)
        if result.status == "ok":
            found = _as_feed(result)
            if found is not None:
                return found
        if cancel is not None and cancel.is_set():
            break
    raise FeedError(
        _("No feed was found at this address, nor at the usual places ({count} tried).").format(
            count=len(tried) + 1
        )
    )


def _as_feed(result: FetchResult) -> Found | None:
    try:
        feed = parse_feed(result.body, url=result.final_url, headers=result.headers)
    except FeedError:
        return None
    return Found(result.final_url, feed.title, len(feed.entries), feed.site_url)
