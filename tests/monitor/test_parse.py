"""Feed formats, charsets, missing fields and hostile documents."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cmdesk.monitor.parse import FeedError, parse_feed

URL = "https://blog.example/feed"
NOW = datetime(2026, 3, 10, tzinfo=UTC)


def parse(body: bytes | str, **kw: object):  # type: ignore[no-untyped-def]
    data = body.encode() if isinstance(body, str) else body
    return parse_feed(data, url=URL, now=NOW, **kw)  # type: ignore[arg-type]


RSS20 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Le blog de Léa</title><link>https://blog.example/</link>
<item><title>Galette &amp; cidre</title><link>/2026/galette</link><guid>g-1</guid>
<author>lea@example.com (Léa)</author><category>Pâtisserie</category>
<pubDate>Mon, 09 Mar 2026 10:00:00 +0100</pubDate>
<description>&lt;p&gt;Une &lt;b&gt;galette&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt;&lt;/p&gt;
</description>
</item></channel></rss>"""


def test_rss20() -> None:
    feed = parse(RSS20)
    assert (feed.kind, feed.title, feed.site_url) == (
        "rss20",
        "Le blog de Léa",
        "https://blog.example/",
    )
    [entry] = feed.entries
    assert entry.guid == "g-1" and entry.title == "Galette & cidre"
    assert entry.url == "https://blog.example/2026/galette"
    assert entry.published == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    assert "<b>galette</b>" in entry.html and "script" not in entry.html
    assert entry.text == "Une galette" and entry.categories == ("Pâtisserie",)


@pytest.mark.parametrize(
    ("doc", "kind"),
    [
        ('<rss version="0.91"><channel><title>t</title><item><title>a</title>'
         "<link>https://x.example/a</link></item></channel></rss>", "rss091u"),
        ('<rss version="0.92"><channel><title>t</title><item><title>a</title>'
         "<link>https://x.example/a</link></item></channel></rss>", "rss092"),
        ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
         'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>t</title></channel>'
         '<item rdf:about="https://x.example/a"><title>a</title><link>https://x.example/a</link>'
         "</item></rdf:RDF>", "rss10"),
        ('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:a</id>'
         '<title>a</title><link href="https://x.example/a"/><updated>2026-03-01T10:00:00Z</updated>'
         '<content type="html">&lt;p&gt;x&lt;/p&gt;</content></entry></feed>', "atom10"),
        ('<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title><entry>'
         '<id>urn:a</id><title>a</title><link rel="alternate" href="https://x.example/a"/>'
         "<issued>2026-03-01T10:00:00Z</issued></entry></feed>", "atom03"),
    ],
)  # fmt: skip
def test_every_xml_format(doc: str, kind: str) -> None:
    feed = parse(doc)
    assert feed.kind == kind and len(feed.entries) == 1 and feed.entries[0].title == "a"


def test_json_feed() -> None:
    doc = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Fournil",'
        ' "home_page_url": "https://fournil.example/", "items": ['
        '{"id": "1", "url": "/a", "title": "Pain",'
        ' "content_html": "<p>Levain <img src=\\"/i.png\\"></p>",'
        ' "date_published": "2026-03-01T10:00:00+01:00", "authors": [{"name": "Léa"}],'
        ' "tags": ["pain"]},'
        '{"id": "2", "content_text": "Texte <brut>", "date_published": "2099-01-01T00:00:00Z"}]}'
    )
    feed = parse(doc, headers={"content-type": "application/feed+json"})
    assert (feed.kind, feed.title) == ("json11", "Fournil")
    first, second = feed.entries
    assert first.url == "https://fournil.example/a" and first.author == "Léa"
    assert first.published == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert "<img" not in first.html and "[image]" in first.html
    assert second.text == "Texte <brut>" and second.published is None  # far future: dropped
    with pytest.raises(FeedError, match="not a JSON Feed"):
        parse('{"hello": "world"}')


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"   \n ", "empty"),
        (b"<!DOCTYPE html><html><body><h1>Not found</h1></body></html>", "web page"),
        (b"<html><head><title>x</title></head></html>", "web page"),
        (b"just text", "malformed"),
        (b"{not json", "malformed"),
    ],
)
def test_not_feeds_are_explained(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse(body)


def test_charsets() -> None:
    latin = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Café'
        "</title><item><title>Crème brûlée</title><link>https://x.example/a</link></item>"
        "</channel></rss>"
    ).encode("latin-1")
    assert parse(latin).entries[0].title == "Crème brûlée"
    bom = b"\xef\xbb\xbf" + RSS20.encode()
    assert parse(bom).entries[0].title == "Galette & cidre"
    # Declared UTF-8 but sent as Latin-1: read anyway, with a warning.
    wrong = latin.replace(b"ISO-8859-1", b"utf-8")
    feed = parse(wrong)
    assert feed.entries and feed.warning
    undeclared = RSS20.replace('<?xml version="1.0" encoding="utf-8"?>', "").encode()
    assert parse(undeclared).entries[0].title == "Galette & cidre"


def test_missing_ids_dates_and_links() -> None:
    feed = parse(
        '<rss version="2.0"><channel><title>t</title>'
        "<item><title>Sans lien ni date</title><description>corps</description></item>"
        "<item><link>https://x.example/only-link</link></item>"
        "<item><title>Futur</title><link>https://x.example/f</link>"
        "<pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>"
        "</channel></rss>"
    )
    a, b, c = feed.entries
    assert a.guid.startswith("sha1:") and a.url == "" and a.published is None
    assert b.guid == "https://x.example/only-link" and b.title == ""
    assert c.published is None  # a century ahead: a broken clock, not news


def test_many_items_are_capped_quickly() -> None:
    items = "".join(
        f"<item><guid>{n}</guid><title>Article {n}</title><link>https://x.example/{n}</link>"
        "<description>texte</description></item>"
        for n in range(20_000)
    )
    started = time.perf_counter()
    feed = parse(f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>')
    assert time.perf_counter() - started < 15
    assert len(feed.entries) == 5000 and "20000 entries" in feed.warning


def test_billion_laughs_and_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    doc = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY l0 "lol">{laughs}<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>&l9;</title>
<item><title>&xxe;</title><link>https://x.example/a</link><description>&l9;</description></item>
</channel></rss>"""
    started = time.perf_counter()
    try:
        feed = parse(doc)
    except FeedError:
        return  # refused outright is fine too
    assert time.perf_counter() - started < 3
    for entry in feed.entries:
        assert "TOP-SECRET" not in entry.title + entry.text
        assert len(entry.text) < 100_000
    assert len(feed.title) < 100_000


def _date_by_counting(value: object, latest: datetime) -> datetime | None:
    """parse._date as first written: seconds since the epoch, counted by timegm."""
    import calendar

    if not value:
        return None
    try:
        moment = datetime.fromtimestamp(calendar.timegm(value), UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return None if moment > latest else moment


@settings(max_examples=800, deadline=None)
@given(
    st.tuples(
        st.integers(-5, 10_050),
        st.integers(-1, 14),
        st.integers(-1, 33),
        st.integers(-1, 25),
        st.integers(-1, 61),
        st.integers(-1, 62),
    ).map(lambda fields: time.struct_time((*fields, 0, 1, 0)))
)
@example(time.struct_time((2026, 3, 9, 9, 0, 0, 0, 68, 0)))
@example(time.struct_time((2026, 2, 30, 10, 0, 0, 0, 1, 0)))  # a 30 February
@example(time.struct_time((2026, 3, 9, 23, 59, 60, 0, 68, 0)))  # a leap second
@example(time.struct_time((1, 1, 1, 0, 0, 0, 0, 1, 0)))
@example(time.struct_time((9999, 12, 31, 23, 59, 59, 0, 365, 0)))
def test_dates_read_from_their_fields_as_counting_seconds_gives(value: time.struct_time) -> None:
    from cmdesk.monitor.parse import _date

    latest = datetime(9999, 12, 31, tzinfo=UTC)
    for bound in (latest, NOW):
        assert _date(value, bound) == _date_by_counting(value, bound)
    assert _date(None, latest) is None and _date((2026, 3), latest) is None


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["http://", "https://", "h.example", "/", "//", ".", "..", "/.", "a", "?", "#",
             "?q=1", " ", "\t", "\n", "\\", "%20", "é", ":8080", "\u00a0", "\u2028"]
        ),
        max_size=7,
    ).map("".join)
)  # fmt: skip
def test_links_left_as_they_are_only_where_urljoin_would(link: str) -> None:
    from urllib.parse import urljoin

    from cmdesk.monitor.parse import _absolute

    for base in ("https://blog.example/a/b", "http://h.example:8080/", ""):
        assert _absolute(base, link) == urljoin(base, link)
