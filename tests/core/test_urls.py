"""Keys that recognise one article across feeds, alerts and newsletters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmdesk.core.urls import normalise_url, site_of, title_key, unwrap

SAME = "https://blog.example/2026/03/galette"


@pytest.mark.parametrize(
    "url",
    [
        "https://blog.example/2026/03/galette",
        "http://blog.example/2026/03/galette/",
        "HTTPS://BLOG.EXAMPLE:443/2026/03/galette#comments",
        "https://blog.example/2026/03/galette?utm_source=nl&utm_medium=email&fbclid=abc",
        "https://www.google.com/url?rct=j&sa=t&url=https://blog.example/2026/03/galette"
        "&ct=ga&cd=CAEYACoT&usg=AOvVaw",
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fblog.example%2F2026%2F03%2Fgalette%3Fxtor%3D1",
    ],
)
def test_variants_of_one_address_share_a_key(url: str) -> None:
    assert normalise_url(url) == SAME


def test_meaningful_parameters_are_kept_in_a_stable_order() -> None:
    assert normalise_url("https://shop.example/p?b=2&a=1&utm_campaign=x") == (
        "https://shop.example/p?a=1&b=2"
    )
    assert normalise_url("https://shop.example/p?id=1") != normalise_url(
        "https://shop.example/p?id=2"
    )


def test_encoded_and_plain_paths_agree() -> None:
    assert normalise_url("https://blog.example/cr%C3%A8me") == normalise_url(
        "https://blog.example/crème"
    )


@pytest.mark.parametrize(
    "url", ["", "mailto:lea@example.com", "javascript:alert(1)", "file:///etc/passwd", "http://"]
)
def test_non_web_addresses_have_no_key(url: str) -> None:
    assert normalise_url(url) == ""


def test_unwrap_leaves_ordinary_google_links_alone() -> None:
    assert unwrap("https://www.google.com/search?q=x") == "https://www.google.com/search?q=x"
    assert unwrap("https://www.google.com/url?url=javascript:alert(1)").startswith(
        "https://www.google.com/"
    )


def test_title_keys_fold_case_accents_and_punctuation() -> None:
    assert title_key("Réclamation : la galette était TROP cuite !") == title_key(
        "reclamation la galette etait trop cuite"
    )
    assert title_key("Actualités") == ""  # too short to identify an article


def test_site_of() -> None:
    assert site_of("https://www.Blog.example/a") == "blog.example"


_HOSTS = ["blog.example", "www.news.example", "127.0.0.1", "Site.Example", "x-y.example.", "h:8080"]
_PATHS = ["", "/", "/a", "/a/", "/a//b", "/é", "/%C3%A9", "/a b", "/a?x=1", "/a#top", "/a;p",
          "/~u/(x)*+,=:@!$&'", "/url", "/l.php", "//double", "/a/../b"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["http://", "https://", "HTTP://", " https://", "ftp://"]),
    st.sampled_from(_HOSTS),
    st.lists(st.sampled_from(_PATHS), max_size=3),
)
def test_the_shortcut_for_plain_addresses_agrees_with_the_general_path(
    scheme: str, host: str, paths: list[str]
) -> None:
    from cmdesk.core.urls import _normalise

    url = scheme + host + "".join(paths)
    assert normalise_url(url) == _normalise(url)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["http://", "https://", "HTTP://", " https://", "ftp://"]),
    st.sampled_from([*_HOSTS, "www.a.example", "user@h.example", "[::1]", ""]),
    st.lists(st.sampled_from(_PATHS), max_size=3),
)
def test_site_of_reads_plain_hosts_as_urlsplit_does(
    scheme: str, host: str, paths: list[str]
) -> None:
    from urllib.parse import urlsplit

    url = scheme + host + "".join(paths)
    expected = (urlsplit(url).hostname or "").lower()
    expected = expected[4:] if expected.startswith("www.") else expected
    assert site_of(url) == expected
