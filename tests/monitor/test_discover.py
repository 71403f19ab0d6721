"""Finding a site's feed from its page."""

from __future__ import annotations

from cmdesk.monitor.discover import common_candidates, feed_links

PAGE = """<!doctype html><html><head>
<base href="/blog/">
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Commentaires" href="comments/feed/">
<link rel="alternate" type="application/rss+xml; charset=utf-8" title="Le blog" href="feed/">
<link rel="alternate" type="application/feed+json" href="https://blog.example/feed.json">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" hreflang="en" href="/en/">
</head><body><a href="/rss">RSS</a></body></html>"""


def test_declared_feeds_best_first_and_absolute() -> None:
    links = feed_links(PAGE, "https://blog.example/blog/article")
    assert links == [
        ("https://blog.example/blog/feed/", "Le blog"),
        ("https://blog.example/feed.json", ""),
        ("https://blog.example/blog/comments/feed/", "Commentaires"),
    ]


def test_broken_or_empty_pages() -> None:
    assert feed_links("", "https://x.example/") == []
    unquoted = "<link rel=alternate type=application/atom+xml href=/atom><p>"
    assert feed_links(unquoted, "https://x.example/a") == [("https://x.example/atom", "")]
    junk = '<html><<<>>><link rel="alternate" type="application/atom+xml" href="/a.xml"/>'
    assert feed_links(junk, "https://x.example/a") == [("https://x.example/a.xml", "")]
    # A tag cut off at the end of a truncated page is ignored, not an error.
    assert (
        feed_links("<link rel=alternate type=application/atom+xml href=/atom", "https://x/") == []
    )


def test_common_candidates_are_on_the_site_root() -> None:
    candidates = common_candidates("https://shop.example/fr/produits?page=2")
    assert candidates[0] == "https://shop.example/feed"
    assert all(c.startswith("https://shop.example/") for c in candidates)


def test_find_feed_from_a_feed_a_page_or_usual_places() -> None:
    from cmdesk.monitor.discover import find_feed
    from cmdesk.monitor.fetch import Fetcher
    from cmdesk.monitor.parse import FeedError
    from feed_server import FeedServer, Route, rss

    feed = rss("Le blog", [("1", "Bonjour", "x")])
    with FeedServer() as server, Fetcher(trust_env=False) as fetcher:
        direct = server.route("/feed.xml", Route(body=feed))
        assert find_feed(direct, fetcher).url == direct
        page = (
            b'<html><head><link rel="alternate" type="application/rss+xml" '
            b'href="/feed.xml"></head><body>Blog</body></html>'
        )
        server.route("/blog", Route(body=page, content_type="text/html"))
        found = find_feed(server.url("/blog"), fetcher)
        assert (found.url, found.title, found.entries) == (direct, "Le blog", 1)
        # A page that declares nothing: the usual /feed address is tried.
        server.route("/plain", Route(body=b"<html><body>Rien</body></html>",
                                     content_type="text/html"))  # fmt: skip
        server.route("/feed", Route(body=feed))
        assert find_feed(server.url("/plain"), fetcher).url == server.url("/feed")
        del server.routes["/feed"], server.routes["/feed.xml"]
        try:
            find_feed(server.url("/plain"), fetcher)
        except FeedError as error:
            assert "No feed was found" in error.message
        else:
            raise AssertionError("a page without feed was accepted")
        try:
            find_feed(server.url("/gone"), fetcher)
        except FeedError as error:
            assert "no feed at this address" in error.message
