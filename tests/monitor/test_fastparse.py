"""The fast reader gives exactly what feedparser gives, or steps aside.

Every corpus file it accepts is parsed both ways and compared field by field; typical
feeds (WordPress, Google Alerts, a news site) must take the fast path; anything unusual
must fall back to feedparser.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedparser.urls import _urljoin  # type: ignore[import-untyped]
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cmdesk.monitor import fastparse
from cmdesk.monitor.parse import FeedError, ParsedFeed, parse_feed

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "feeds"
NOW = datetime(2026, 11, 23, tzinfo=UTC)
URL = "https://corpus.example/feed.xml"

WORDPRESS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
  xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
  <title>Le Fournil &amp; Cie</title>
  <atom:link href="https://fournil.example/feed/" rel="self" type="application/rss+xml" />
  <link>https://fournil.example</link>
  <description>Pains et viennoiseries</description>
  <lastBuildDate>Mon, 23 Nov 2026 08:00:00 +0000</lastBuildDate>
  <language>fr-FR</language>
  <sy:updatePeriod>hourly</sy:updatePeriod>
  <generator>https://wordpress.org/?v=6.7</generator>
  <item>
    <title>Galette des rois : la recette</title>
    <link>https://fournil.example/galette/?utm_source=rss&amp;utm_medium=rss</link>
    <comments>https://fournil.example/galette/#respond</comments>
    <dc:creator><![CDATA[Léa]]></dc:creator>
    <pubDate>Sun, 22 Nov 2026 18:30:00 +0000</pubDate>
    <category><![CDATA[Recettes]]></category>
    <category><![CDATA[Hiver]]></category>
    <guid isPermaLink="false">https://fournil.example/?p=42</guid>
    <description><![CDATA[<p>Feuilletée… <a href="/galette/">lire</a></p>]]></description>
    <content:encoded><![CDATA[<p>La <strong>vraie</strong> galette.</p>
<img src="https://cdn.example/g.jpg" alt="galette"><script>alert(1)</script>]]></content:encoded>
    <wfw:commentRss>https://fournil.example/galette/feed/</wfw:commentRss>
    <slash:comments>3</slash:comments>
  </item>
  <item>
    <title>Fermé le 25</title>
    <link>https://fournil.example/ferme/</link>
    <pubDate>Sat, 21 Nov 2026 09:00:00 +0000</pubDate>
    <guid>https://fournil.example/ferme/</guid>
    <description>Joyeux Noël ! &lt;b&gt;À bientôt&lt;/b&gt;</description>
  </item>
</channel>
</rss>"""

ALERTS = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
  <id>tag:google.com,2005:reader/user/1/state/com.google/alerts/2</id>
  <title>Google Alert - fournil</title>
  <link href="https://www.google.com/alerts/feeds/1/2" rel="self"></link>
  <updated>2026-11-23T07:00:00Z</updated>
  <entry>
    <id>tag:google.com,2013:googlealerts/feed:1234</id>
    <title type="html">Le &lt;b&gt;fournil&lt;/b&gt; de Léa primé</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://news.example/a&amp;ct=ga"/>
    <published>2026-11-23T06:00:00Z</published>
    <updated>2026-11-23T06:00:00Z</updated>
    <content type="html">Le &lt;b&gt;fournil&lt;/b&gt; remporte le prix…</content>
    <author><name></name></author>
  </entry>
  <entry>
    <id>https://news.example/b</id>
    <title>Sans lien</title>
    <updated>2026-11-22T06:00:00+01:00</updated>
    <summary>Texte seul &amp; simple</summary>
    <author><name>Jo</name><email>jo@news.example</email></author>
    <category term="presse" label="Presse"/>
  </entry>
</feed>"""


def _both(body: bytes, headers: dict[str, str] | None = None) -> tuple[object, object]:
    def one(fast: bool) -> ParsedFeed | tuple[str, str]:
        try:
            return parse_feed(body, url=URL, headers=headers, now=NOW, fast=fast)
        except FeedError as error:
            return ("error", error.message)

    return one(True), one(False)


@pytest.mark.parametrize("doc", [WORDPRESS, ALERTS], ids=["wordpress-rss", "google-alerts"])
def test_typical_feeds_take_the_fast_path_with_feedparsers_result(doc: str) -> None:
    body = doc.encode()
    assert fastparse.read(body, {"content-type": "application/rss+xml; charset=UTF-8"})
    fast, slow = _both(body, {"content-type": "application/rss+xml; charset=UTF-8"})
    assert isinstance(fast, ParsedFeed) and fast == slow
    assert len(fast.entries) == 2 and all(e.published for e in fast.entries)
    assert "<script" not in fast.entries[0].html


def test_quirks_copied_from_feedparser() -> None:
    feed = parse_feed(WORDPRESS.encode(), url=URL, now=NOW)
    first, second = feed.entries
    assert feed.title == "Le Fournil & Cie" and feed.site_url == "https://fournil.example"
    assert first.guid == "https://fournil.example/?p=42"
    assert first.categories == ("Recettes", "Hiver") and first.author == "Léa"
    # The longer of description and content wins; relative links are made absolute.
    assert "vraie" in first.text and "[image: galette]" in first.html
    assert second.url == "https://fournil.example/ferme/"
    atom = parse_feed(ALERTS.encode(), url=URL, now=NOW)
    assert atom.entries[0].title == "Le fournil de Léa primé"
    # An Atom id that looks like an address stands for the missing link, as in feedparser.
    assert atom.entries[1].url == "https://news.example/b"
    assert atom.entries[1].author == "Jo (jo@news.example)"
    assert atom.entries[1].published == datetime(2026, 11, 22, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (WORDPRESS.replace("UTF-8", "ISO-8859-1"), {}),
        (WORDPRESS, {"content-type": "text/xml"}),  # US-ASCII by RFC 3023
        (WORDPRESS, {"content-type": "application/xml; charset=windows-1252"}),
        (WORDPRESS, {"Content-Location": "https://elsewhere.example/"}),
        (WORDPRESS.replace("<rss", '<!DOCTYPE rss [<!ENTITY e "x">]>\n<rss', 1), {}),
        (WORDPRESS.replace("<channel>", '<channel xml:base="https://b.example/">'), {}),
        (WORDPRESS.replace('version="2.0"', 'version="0.91"'), {}),
        (WORDPRESS.replace("<title>Fermé", "<title>Fermé</title><title>Fermé"), {}),
        (WORDPRESS.replace("<dc:creator>", "<author>lea@fournil.example</author><dc:creator>"), {}),
        (WORDPRESS.replace("<description>Joyeux", "<description><b>inline</b> Joyeux"), {}),
        (WORDPRESS.replace("<slash:comments>", "<unknown>1</unknown><slash:comments>"), {}),
        (ALERTS.replace('<content type="html">', '<content type="xhtml">'), {}),
        (ALERTS.replace('<content type="html">', '<content src="https://x.example/">'), {}),
        (WORDPRESS.replace("</channel>", "</channel", 1), {}),  # malformed: feedparser's turn
    ],
)  # fmt: skip
def test_anything_unusual_falls_back_to_feedparser(body: str, headers: dict[str, str]) -> None:
    raw = body.encode("utf-8")
    assert fastparse.read(raw, headers) is None
    fast, slow = _both(raw, headers)
    assert fast == slow


FILES = (
    sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in {".xml", ".atom"})
    if CORPUS.is_dir()
    else []
)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared feed corpus is not at {CORPUS}")
def test_every_corpus_file_the_fast_reader_takes_reads_as_feedparser_reads_it() -> None:
    taken = 0
    differ = []
    for path in FILES:
        body = path.read_bytes()
        if fastparse.read(body, {}) is None:
            continue
        taken += 1
        fast, slow = _both(body)
        if fast != slow:
            differ.append(str(path.relative_to(CORPUS)))
    assert differ == []
    # Most of feedparser's own well-formed RSS 2.0 and Atom 1.0 tests are in reach.
    assert taken > 500


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(["http", "https", "x", ":", "/", "//", "://", "a.b", "?", " ", "é"]),
        max_size=12,
    ).map("".join)
)
@example("https:///site.example/post")
@example("https://site.example/post")
@example("a://b:///c")
def test_links_are_fixed_as_feedparser_fixes_them(link: str) -> None:
    assert fastparse._urljoin("", link) == _urljoin("", link)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(["&", ";", "amp", "x_1", "é", "?a=1", "&amp;", "&lt;", "&#38;", " "]),
        max_size=10,
    ).map("".join)
)
@example("https://site.example/?a=1&b=2")
@example("https://site.example/?a=1&amp;b=2&copy;")
def test_entities_in_links_lose_their_semicolon_as_with_the_pattern(link: str) -> None:
    assert fastparse._entities_unended(link) == fastparse._LINK_ENTITY.sub(r"&\g<1>", link)


_DAYS = ["Mon", "tue", "WED", "Thu", "Fri", "Sat", "Sun", "Xyz"]
_MONTH_NAMES = ["Jan", "feb", "MAR", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(st.none(), st.sampled_from(_DAYS)),
    st.integers(0, 39),
    st.one_of(st.sampled_from(_MONTH_NAMES), st.just("Foo")),
    st.integers(0, 9999),
    st.tuples(st.integers(0, 29), st.integers(0, 69), st.integers(0, 69)),
    st.one_of(
        st.sampled_from(["GMT", "gmt", "UT", "UTC", "Z", "EST", "CEST", "+0000"]),
        st.tuples(st.sampled_from("+-"), st.integers(0, 2999)).map(lambda z: f"{z[0]}{z[1]:04d}"),
    ),
    st.sampled_from(["{:02d}", "{:d}"]),
)
@example("Mon", 1, "Mar", 2026, (10, 0, 0), "GMT", "{:02d}")
@example("Mon", 30, "Feb", 2026, (10, 0, 0), "GMT", "{:02d}")
@example(None, 1, "Jan", 1, (0, 0, 0), "+0100", "{:02d}")
def test_plain_rfc822_dates_read_as_feedparser_reads_them(
    day_name: str | None,
    day: int,
    month: str,
    year: int,
    clock: tuple[int, int, int],
    zone: str,
    day_format: str,
) -> None:
    from feedparser.datetimes import _parse_date  # type: ignore[import-untyped]

    hour, minute, second = clock
    text = (
        f"{day_name + ', ' if day_name else ''}{day_format.format(day)} {month} {year:04d} "
        f"{hour:02d}:{minute:02d}:{second:02d} {zone}"
    )
    assert fastparse._date(text) == _parse_date(text)
