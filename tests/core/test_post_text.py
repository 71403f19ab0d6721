"""Post counters: each network counted as it counts itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmdesk.core.accounts import Account
from cmdesk.core.networks import Network
from cmdesk.core.post_entities import bluesky_facets, find_urls, is_tld
from cmdesk.core.post_text import (
    ImageFacts,
    MastodonLimits,
    count_article,
    count_post,
    graphemes,
    mastodon_length,
    utf16_units,
    x_length,
)

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # 7 code points, 11 UTF-16 units, 1 grapheme
FLAG = "🇫🇷"  # 2 regional indicators
COMBINED = "e\u0301"  # e + combining acute: "é" in two code points
SKIN = "👍🏽"
CJK = "故人西辞黄鹤楼"


# -- X: twitter-text configuration v3 ------------------------------------------------------

# Cases from twitter-text's conformance suite (conformance/validate.yml, WeightedTweets
# with discounted emoji), the reference every twitter-text port is tested against.
CONFORMANCE = [
    ("Test https://test.com test https://test.com test.com test", 86),
    ("test.com", 23),
    ("http://test.com", 23),
    ("randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com", 68),
    ("😷👾😡🔥💩", 10),
    ("🙋🏽👨\u200d🎤", 4),
    (
        "Unicode 10.0 emoji: 🤪; 🧕; 🧕🏾; "
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        34,
    ),
    ("Unicode 9.0 emoji: 🤠; 💃; 💃🏾", 29),
    ("A\u0301B", 2),  # normalised to ÁB
    ("Aשּׁ", 4),
    (
        "This is a tweet with general punctuation characters: "
        "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u200c\u200d"
        " ‐ ‑ ‒ – — ― ‖  ‗ ‘ ’ ‚ ‛ “ ” „ ‟ ′ ″ ‴ ‵ ‶ ‷",
        112,
    ),
    ("故人西辞黄鹤楼，烟花三月下扬州。" * 10, 320),
    (FAMILY * 140, 280),
    ("\u2066\u202ahttp://foobar.پاکستان/\u202c\u2069", 31),
    ("285 chars- http://www.twitter.com/jack " + "xxxxxxxxxx-" * 24, 299),
]


@pytest.mark.parametrize(("text", "expected"), CONFORMANCE)
def test_x_counts_like_twitter_text(text: str, expected: int) -> None:
    assert x_length(text)[0] == expected


def test_x_emoji_sequences_weigh_two_whatever_their_length() -> None:
    for emoji in (FAMILY, FLAG, SKIN, "1️⃣", "❤️"):
        assert x_length(emoji)[0] == 2, emoji
    assert x_length(COMBINED)[0] == 1  # NFC makes it one Latin letter
    assert x_length(CJK)[0] == 14
    assert x_length("©")[0] == 1  # a text symbol, not an emoji without VS16


def test_x_links_with_and_without_scheme_count_23() -> None:
    long_link = "https://boulangerie.fr/" + "a" * 80
    assert x_length(f"Voir {long_link}")[0] == 5 + 23
    assert x_length("Voir boulangerie.fr")[0] == 5 + 23
    assert x_length("www.example.co.uk/chemin?q=1")[0] == 23
    # Not links: an unknown ending, a file name, an address, a word with dots.
    for text in ("node.js", "photo.jpeg", "marie@example.com", "etc.etc"):
        assert x_length(text)[0] == len(text), text
    assert [
        s.text for s in find_urls("(https://fr.wikipedia.org/wiki/Pain_(aliment)).", network="x")
    ] == ["https://fr.wikipedia.org/wiki/Pain_(aliment)"]


def test_windows_line_ends_count_once() -> None:
    assert x_length("a\r\nb")[0] == 3


# -- Mastodon ------------------------------------------------------------------------------


def test_mastodon_counts_graphemes_with_links_and_remote_mentions_shortened() -> None:
    text = f"Salut @marie@piaille.fr {FAMILY}{FLAG} https://boulangerie.fr/" + "x" * 60
    used, links = mastodon_length(text)
    assert used == len("Salut @marie ") + 2 + len(" ") + 23
    assert [s.text for s in links] == ["https://boulangerie.fr/" + "x" * 60]
    # A link without a scheme is plain text on Mastodon, a local mention stays as typed.
    assert mastodon_length("boulangerie.fr @marie")[0] == 21


def test_mastodon_counts_the_content_warning_and_uses_the_instance_limits() -> None:
    limits = MastodonLimits(max_characters=1000, url_length=30)
    count = count_post(Network.MASTODON, "https://a.fr/b", spoiler_text="Spoiler", mastodon=limits)
    assert (count.used, count.limit) == (7 + 30, 1000)


def test_mastodon_over_the_limit_and_missing_alt_text() -> None:
    count = count_post(Network.MASTODON, COMBINED * 501, images=[ImageFacts(alt=" ")])
    assert count.used == 501 and count.over and not count.ok
    codes = [n.code for n in count.notices]
    assert codes[:2] == ["over_limit", "alt_missing"]
    assert count.notices[0].message == "1 character over Mastodon's limit of 500."


# -- Bluesky -------------------------------------------------------------------------------


def test_bluesky_counts_graphemes_and_bytes() -> None:
    count = count_post(Network.BLUESKY, (FLAG + COMBINED + CJK[0]) * 100)
    assert count.used == 300 and count.ok  # 300 graphemes...
    heavy = count_post(Network.BLUESKY, FAMILY * 150)  # ...but 25 bytes each
    assert heavy.used == 150
    assert [n.code for n in heavy.notices] == ["over_bytes"]


def test_bluesky_image_limits_and_link_cards() -> None:
    images = [ImageFacts(alt="a", size=1_000_001)] + [ImageFacts(alt="b", size=10)] * 4
    count = count_post(Network.BLUESKY, "voir bsky.app", images=images)
    codes = {n.code for n in count.notices}
    assert {"too_many_images", "image_too_large", "link_preview"} <= codes
    assert "1 MB" in next(n.message for n in count.notices if n.code == "image_too_large")


def test_bluesky_facets_are_utf8_byte_ranges() -> None:
    text = f"{FAMILY} @alice.test {COMBINED} https://example.com/é #tag"
    raw = text.encode("utf-8")
    found = {
        raw[f.byte_start : f.byte_end].decode(): (f.kind, f.value) for f in bluesky_facets(text)
    }
    assert found == {
        "@alice.test": ("mention", "alice.test"),
        "https://example.com/é": ("link", "https://example.com/é"),
        "#tag": ("tag", "tag"),
    }


_PIECES = [*"ab .#@/:()é👩\u200d🇫🇷\u0301\n", "https://", ".fr", "example.com", "@alice.test"]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_facets_always_fall_on_character_boundaries(text: str) -> None:
    raw = text.encode("utf-8")
    for facet in bluesky_facets(text):
        assert 0 <= facet.byte_start < facet.byte_end <= len(raw)
        raw[facet.byte_start : facet.byte_end].decode("utf-8")  # raises if cut mid-character


# -- LinkedIn, Instagram, Facebook ---------------------------------------------------------


@pytest.mark.parametrize(
    ("network", "limit"),
    [(Network.LINKEDIN, 3000), (Network.INSTAGRAM, 2200), (Network.FACEBOOK, 63206)],
)
def test_meta_and_linkedin_count_utf16_units(network: Network, limit: int) -> None:
    count = count_post(network, FAMILY + FLAG + COMBINED + CJK, images=[ImageFacts(alt="x")])
    assert count.used == 11 + 4 + 2 + 7
    assert count.limit == limit and count.unit == "utf16"
    assert utf16_units("x" * limit) == limit


def test_instagram_needs_an_image_and_accepts_30_hashtags() -> None:
    text = " ".join(f"#pain{i}" for i in range(31)) + " https://boulangerie.fr"
    count = count_post(Network.INSTAGRAM, text)
    codes = [n.code for n in count.notices]
    assert "image_required" in codes and "too_many_hashtags" in codes
    assert "links_not_clickable" in codes
    fine = count_post(Network.INSTAGRAM, "#pain " * 30, images=[ImageFacts(alt="Une miche")])
    assert fine.ok and [n.code for n in fine.notices] == []


def test_an_empty_post_is_an_error_where_text_is_needed() -> None:
    assert [n.code for n in count_post(Network.X, "  ").notices] == ["empty"]
    assert count_post(Network.BLUESKY, "", images=[ImageFacts(alt="photo")]).ok


def test_link_preview_notes() -> None:
    with_link = count_post(Network.LINKEDIN, "Lire example.fr")
    assert [n.code for n in with_link.notices] == ["link_preview"]
    with_image = count_post(Network.FACEBOOK, "Lire example.fr", images=[ImageFacts(alt="x")])
    assert "shows the image" in with_image.notices[-1].message


# -- WordPress -----------------------------------------------------------------------------


def test_wordpress_articles_count_words() -> None:
    count = count_article("Le levain", "C'est l'été : 3 miches, 2 baguettes.", "")
    assert (count.title_characters, count.body_words, count.excerpt_words) == (9, 6, 0)
    assert [n.code for n in count.notices] == ["excerpt_automatic"]
    untitled = count_article("", "", "")
    assert not untitled.ok and {"title_missing", "empty"} <= {n.code for n in untitled.notices}


def test_graphemes_come_from_unicode_segmentation() -> None:
    assert graphemes(FAMILY + FLAG + COMBINED + SKIN + CJK) == 4 + len(CJK)
    assert graphemes("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f") == 1


def test_top_level_domains_come_from_the_public_suffix_list() -> None:
    assert is_tld("fr") and is_tld("COM") and is_tld("app") and is_tld("рф")
    assert not is_tld("js") and not is_tld("txt") and not is_tld("")


def test_accounts_are_a_row_without_secrets() -> None:
    account = Account(
        network=Network.MASTODON,
        server="https://piaille.fr",
        username="boulangerie@piaille.fr",
        options={"client_id": "abc"},
    )
    row = account.to_row()
    assert Account.from_row(row) == account
    assert account.secret_name == f"account:{account.uid}"
    assert account.display_name == "boulangerie@piaille.fr (Mastodon)"
    assert account.direct and not Account(network=Network.X, server="").direct


def test_the_counters_count_the_link_the_network_will_receive() -> None:
    from cmdesk.core.post_text import text_as_sent

    link = "https://fournil.fr/galette-des-rois-2026"
    # Added at the end where the preview comes from the text, once.
    assert text_as_sent(Network.X, "Galette !", link) == f"Galette !\n\n{link}"
    assert text_as_sent(Network.MASTODON, f"Galette {link} !", link) == f"Galette {link} !"
    assert text_as_sent(Network.LINKEDIN, "", link) == link
    # Bluesky shows it as a card: not in the text, not counted.
    assert text_as_sent(Network.BLUESKY, "Galette !", link) == "Galette !"
    assert count_post(Network.X, text_as_sent(Network.X, "Galette !", link)).used == 9 + 2 + 23
