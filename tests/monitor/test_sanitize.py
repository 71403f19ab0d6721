"""Hostile HTML from feeds: what survives the allowlist, and the plain text beside it."""

from __future__ import annotations

import html
import re

import nh3
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cmdesk.monitor import sanitize as sanitize_module
from cmdesk.monitor.sanitize import html_to_text, sanitize_html

BASE = "https://blog.example/2026/03/post"
DANGER = re.compile(
    r"<script|<style|<iframe|<object|<embed|<form|<svg|<img|<base|<link|<meta|\son\w+\s*="
    r"|(?:href|src)\s*=\s*\"?\s*(?:javascript|vbscript|data|file|smb):",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<a href="file:///etc/passwd">x</a>',
        '<a href="smb://server/share">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<object data="x.swf"></object><embed src="x.swf">',
        '<form action="https://evil.example"><input name=p><button>go</button></form>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<svg><script>alert(1)</script><circle onload=alert(1)></svg>",
        '<base href="https://evil.example/"><a href="/x">x</a>',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        "<div onmouseover=alert(1)>x</div>",
        "<<script>script>alert(1)<</script>/script>",
        '<a href="https://ok.example" onclick="steal()">ok</a>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ],
)
def test_hostile_markup_is_neutralised(hostile: str) -> None:
    assert not DANGER.search(sanitize_html(hostile, BASE))


def test_structure_and_safe_links_are_kept() -> None:
    out = sanitize_html(
        '<h2>Titre</h2><p>Un <b>bon</b> <a href="https://ok.example/a" title="t">lien</a>, '
        '<a href="mailto:lea@example.com">écrire</a>.</p><ul><li>un</li></ul>'
        "<blockquote>cité</blockquote><pre>code</pre>",
        BASE,
    )
    for kept in ("<h2>", "<b>bon</b>", 'href="https://ok.example/a"', 'href="mailto:', "<li>"):
        assert kept in out
    assert 'rel="noopener noreferrer nofollow"' in out


def test_relative_links_are_made_absolute() -> None:
    out = sanitize_html('<a href="/about">a</a> <a href="next">b</a>', BASE)
    assert 'href="https://blog.example/about"' in out
    assert 'href="https://blog.example/2026/03/next"' in out
    assert 'href="' not in sanitize_html('<a href="/about">a</a>', None)


def test_an_address_no_parser_reads_is_dropped_and_the_rest_kept() -> None:
    out = sanitize_html(
        '<p><a href="//[">a</a> <img src="//[x" alt="b"> <a href="/c">c</a></p>', BASE
    )
    assert out == (
        '<p><a rel="noopener noreferrer nofollow">a</a> [image: b] '
        '<a href="https://blog.example/c" rel="noopener noreferrer nofollow">c</a></p>'
    )


def test_images_become_inert_links() -> None:
    out = sanitize_html(
        '<img src="/photo.jpg" alt="La vitrine"><img src="data:image/png;base64,AAAA">'
        '<img src="https://tracker.example/pixel.gif">',
        BASE,
    )
    assert "<img" not in out
    assert '<a href="https://blog.example/photo.jpg"' in out and "[image: La vitrine]" in out
    assert out.count("[image]") == 2
    assert "data:" not in out


def test_huge_input_is_capped() -> None:
    out = sanitize_html("<p>" + "a" * 3_000_000 + "</p>", BASE)
    assert len(out) < 1_100_000


def test_plain_text_keeps_words_and_lines() -> None:
    text = html_to_text(
        "<p>Bonjour&nbsp;Léa &amp; co</p><p>Ligne <b>deux</b><br>trois</p>"
        "<script>var x = 1;</script><style>p {}</style>"
    )
    assert text == "Bonjour Léa & co\nLigne deux\ntrois"
    assert html_to_text("déjà  du   texte") == "déjà du texte"


_tags = st.sampled_from(
    ["a", "img", "script", "p", "div", "svg", "iframe", "style", "b", "form", "math", "base"]
)
_attrs = st.sampled_from(
    ["href", "src", "onclick", "onerror", "style", "srcdoc", "formaction", "xlink:href"]
)
_values = st.sampled_from(
    ["javascript:alert(1)", " JAVASCRIPT:x", "data:text/html,x", "https://ok.example/",
     "file:///etc/passwd", "vbscript:x", "alert(1)", "&#106;avascript:x", "/rel"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_tags, _attrs, _values, st.text("abcé<>\"'", max_size=8)), max_size=12))
def test_random_tag_soup_never_yields_dangerous_markup(
    parts: list[tuple[str, str, str, str]],
) -> None:
    soup = "".join(f'<{t} {a}="{v}">{x}' for t, a, v, x in parts)
    assert not DANGER.search(sanitize_html(soup, BASE))


@example("https://blog.example/a/b", ["a/."])
@example("https://blog.example/a/b", ["a/.."])
@example("https://blog.example/a/b", ["a/./b"])
@example("https://blog.example/a/b", ["a/../b"])
@example("https://blog.example/a/b", ["a//b"])
@example("https://blog.example/a/b", [".x"])
@example("https://blog.example/a/b", ["a."])
@example("https://blog.example/a/b", ["a?q=1"])
@example("https://blog.example/a/b", ["é"])
@example("https://blog.example/a/b", ["a b"])
@example("https://blog.example/a/b", ["a'b"])
@example("https://blog.example/a/b", ["a&amp;b"])
@example("https://blog.example/a/b", [".."])
@example("https://blog.example/a/b", ["."])
@example("https://blog.example/a/b", ["/x"])
@example("https://blog.example/a/b", ["a/.b"])
@example("https://blog.example/a/b", ["a;p"])
@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(
        ["https://blog.example/a/b", "http://h.example:8080/x", "https://h.example",
         "https://xn--caf-dma.example/", "https://h.example/a?q=1", None]
    ),
    st.lists(
        st.sampled_from(["/", "a", "b.html", ".", "..", "//", "%C3%A9", "é", " ", "'", "&amp;",
                         "?q=1", "#top", ";p", "~u", "(x)", ":", "@", "a.", "-"]),
        max_size=6,
    ),
)  # fmt: skip
def test_the_shortcut_for_rooted_links_agrees_with_resolving_them(
    base: str | None, pieces: list[str]
) -> None:
    from cmdesk.monitor import sanitize

    value = "/" + "".join(pieces)
    origin_match = sanitize._ORIGIN_RE.match(base) if base else None
    origin = origin_match.group(0) if origin_match else None
    assert sanitize._resolve(value, base, origin) == sanitize._resolve(value, base, None)


def _text_by_patterns(text: str) -> str:
    """html_to_text's whitespace handling as first written, the reference for the faster one."""
    if "<" not in text and "&" not in text:
        return " ".join(text.split())
    marked = sanitize_module._BLOCK_END_RE.sub("\n", text)
    plain = re.sub(
        r"[ \t\r\f\v\u00a0]+", " ", html.unescape(sanitize_module._TAG_RE.sub("", marked))
    )
    return re.sub(r"\n\s*\n+", "\n\n", re.sub(r" ?\n ?", "\n", plain)).strip()


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "é",
                " ",
                "  ",
                "\t",
                "\r",
                "\n",
                "\u00a0",
                "\u2003",
                "\u2028",
                "\f",
                "\v",
                "&nbsp;",
                "&amp;",
                "<p>",
                "</p>",
                "<br>",
                "<b>",
                "</b>",
                "</li>",
                '<a href="x">',
            ]
        ),
        max_size=40,
    ).map("".join)
)
@example("<b>a   b     c</b>")  # runs of three and five spaces: halving needs more than one pass
@example("<p>a \u00a0  b\t\tc</p>")
def test_text_whitespace_matches_the_patterns(text: str) -> None:
    assert html_to_text(text, sanitised=True) == _text_by_patterns(text)


# The first cleaning as first written: relative addresses passed through, then resolved
# one by one in its output.
_PASS_THROUGH = nh3.Cleaner(
    tags=sanitize_module.TAGS | {"img"},
    clean_content_tags=sanitize_module.DROP_WITH_CONTENT,
    attributes={**sanitize_module.ATTRIBUTES, "img": {"src", "alt"}},
    url_schemes=sanitize_module.SAFE_SCHEMES,
    url_relative="pass_through",
    link_rel=sanitize_module._LINK_REL,
)


def _resolved_as_first_written(match: re.Match[str], base: str | None) -> str:
    from urllib.parse import quote, urljoin, urlsplit

    value = html.unescape(match.group(2)).strip()
    if urlsplit(value).scheme:
        return match.group(0)
    if base is None:
        return ""
    joined = quote(urljoin(base, value), safe=sanitize_module._URL_SAFE)
    # html.escape writes ' as &#x27;, which ammonia leaves as it is: the same attribute.
    escaped = html.escape(joined).replace("&#x27;", "'")
    return f'{match.group(1)}{escaped}"'


def _sanitized_by_resolving_each_link(text: str, base_url: str | None) -> str:
    """sanitize_html with every link through the general path, as first written."""
    from urllib.parse import urlsplit

    first = _PASS_THROUGH.clean(text)
    absolute = base_url and urlsplit(base_url).scheme.lower() in ("http", "https")
    base = base_url if absolute else None
    rewritten = re.sub(
        r'(\s(?:href|src)=")([^"]*)"', lambda m: _resolved_as_first_written(m, base), first
    )
    if "<img" not in rewritten:
        return rewritten
    return sanitize_module._FINAL.clean(
        sanitize_module._IMG_RE.sub(sanitize_module._image_to_link, rewritten)
    )


_link_pieces = st.lists(
    st.sampled_from(
        [
            "http://",
            "https://",
            "HTTP://",
            "h.example",
            "/",
            "//",
            "..",
            ".",
            "a",
            "é",
            " ",
            "javascript:",
            "mailto:x@y",
            "?q=1&amp;r=2",
            "#top",
            "%20",
            "'",
            "(",
            ":",
            "~",
        ]
    ),
    max_size=6,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(
        [
            "https://blog.example/a/b",
            "http://h.example:8080/x",
            "HTTPS://H.example/",
            None,
            " https://h.example/",
            "ftp://h.example/",
            "/relative",
            "https://h.example",
        ]
    ),
    _link_pieces,
    _link_pieces,
)
@example("https://blog.example/a/b", "/post/1", "/img.png")
def test_links_and_images_as_resolving_each_link_gives(
    base: str | None, href: str, src: str
) -> None:
    text = f'<p><a href="{href}">lien</a> <img src="{src}" alt="photo"> <a href="/x">y</a></p>'
    assert sanitize_html(text, base) == _sanitized_by_resolving_each_link(text, base)
