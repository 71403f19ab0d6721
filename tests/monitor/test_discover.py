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
