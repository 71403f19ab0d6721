"""Feed addresses built from a keyword or a handle, as each service documents them."""

from __future__ import annotations

import pytest

from cmdesk.core.errors import InvalidData
from cmdesk.monitor.presets import PRESETS, build

CHANNEL = "UCabcdefghijklmnopqrstuv"


@pytest.mark.parametrize(
    ("preset", "value", "url"),
    [
        (
            "google-alerts",
            "https://www.google.com/alerts/feeds/0123/4567",
            "https://www.google.com/alerts/feeds/0123/4567",
        ),
        (
            "talkwalker-alerts",
            "https://alerts.talkwalker.com/alerts/rss/ABC",
            "https://alerts.talkwalker.com/alerts/rss/ABC",
        ),
        (
            "reddit",
            "galette des rois",
            "https://www.reddit.com/search.rss?q=galette+des+rois&sort=new",
        ),
        ("reddit", "Léa & co", "https://www.reddit.com/search.rss?q=L%C3%A9a+%26+co&sort=new"),
        ("youtube", CHANNEL, f"https://www.youtube.com/feeds/videos.xml?channel_id={CHANNEL}"),
        (
            "youtube",
            f"https://www.youtube.com/channel/{CHANNEL}/videos",
            f"https://www.youtube.com/feeds/videos.xml?channel_id={CHANNEL}",
        ),
        ("youtube", "fournildelea", "https://www.youtube.com/@fournildelea"),
        (
            "youtube",
            "https://www.youtube.com/@fournildelea",
            "https://www.youtube.com/@fournildelea",
        ),
        (
            "mastodon-tag",
            "#boulangerie@Mastodon.social",
            "https://mastodon.social/tags/boulangerie.rss",
        ),
        ("mastodon", "@fournil@piaille.fr", "https://piaille.fr/@fournil.rss"),
        ("mastodon", "fournil@piaille.fr", "https://piaille.fr/@fournil.rss"),
        ("bluesky", "Fournil.bsky.social", "https://bsky.app/profile/fournil.bsky.social/rss"),
        (
            "bluesky",
            "https://bsky.app/profile/fournil.bsky.social/post/3k",
            "https://bsky.app/profile/fournil.bsky.social/rss",
        ),
    ],
)
def test_preset_urls(preset: str, value: str, url: str) -> None:
    source = build(preset, value)
    assert source.url == url
    assert source.preset == preset


@pytest.mark.parametrize(
    ("preset", "value", "message"),
    [
        ("google-alerts", "galette", "Paste the RSS address"),
        ("google-alerts", "https://evil.example/google.com", "Paste the RSS address"),
        ("reddit", "   ", "Type a keyword first"),
        ("mastodon-tag", "#boulangerie", "instance"),
        ("mastodon", "fournil", "full account"),
        ("bluesky", "not a handle!", "Bluesky handle"),
        ("myspace", "x", "Unknown preset"),
    ],
)
def test_preset_errors_say_what_to_type(preset: str, value: str, message: str) -> None:
    with pytest.raises(InvalidData, match=message):
        build(preset, value)


def test_every_preset_has_a_label_and_a_hint() -> None:
    assert all(p.label and p.hint for p in PRESETS)
