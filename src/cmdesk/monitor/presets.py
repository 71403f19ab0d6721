"""Presets: the feed address of a keyword or a handle on the services that publish feeds.

The community manager types "galette des rois" or "@fournil@piaille.fr"; the preset
builds the address those services document for their RSS output.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, urlsplit

from cmdesk.core.errors import InvalidData
from cmdesk.core.monitoring import NewSource
from cmdesk.i18n import N_, _

_HANDLE_RE = re.compile(r"^@?([A-Za-z0-9_.-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})$")
_TAG_RE = re.compile(r"^#?(\w+)$", re.UNICODE)
_CHANNEL_ID_RE = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
_BSKY_HANDLE_RE = re.compile(r"^@?([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|did:plc:[a-z0-9]+)$")


@dataclass(frozen=True)
class Preset:
    key: str
    label: str  # N_ marked: translate when shown
    hint: str  # what to type, N_ marked
    build: Callable[[str], NewSource]


def _text(value: str, what: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise InvalidData(_("Type {what} first.").format(what=_(what)))
    return value


def _alert_feed(value: str, host_suffix: str, preset: str, label: str) -> NewSource:
    url = value.strip()
    host = (urlsplit(url).hostname or "").lower()
    if not url.startswith("https://") or not host.endswith(host_suffix):
        raise InvalidData(
            _(
                "Paste the RSS address that {service} gives for your alert (it starts with "
                "https:// and is on {host})."
            ).format(service=label, host=host_suffix)
        )
    return NewSource(url=url, preset=preset, category=label)


def google_alerts(value: str) -> NewSource:
    # Google Alerts has no keyword URL: the alert is created on google.com/alerts with
    # "Deliver to: RSS feed", which gives its feed address.
    return _alert_feed(value, "google.com", "google-alerts", "Google Alerts")


def talkwalker_alerts(value: str) -> NewSource:
    return _alert_feed(value, "talkwalker.com", "talkwalker-alerts", "Talkwalker Alerts")


def reddit_search(value: str) -> NewSource:
    query = _text(value, N_("a keyword"))
    return NewSource(
        url=f"https://www.reddit.com/search.rss?q={quote_plus(query)}&sort=new",
        title=f"Reddit “{query}”",
        preset="reddit",
    )


def youtube_channel(value: str) -> NewSource:
    value = value.strip()
    parts = urlsplit(value)
    if parts.hostname and parts.hostname.endswith("youtube.com"):
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) >= 2 and segments[0] == "channel":
            value = segments[1]
        elif segments and segments[0].startswith("@"):
            value = segments[0]
    if _CHANNEL_ID_RE.match(value):
        return NewSource(
            url=f"https://www.youtube.com/feeds/videos.xml?channel_id={value}",
            preset="youtube",
        )
    handle = _text(value, N_("a channel"))
    if not handle.startswith("@"):
        handle = "@" + handle
    # A handle's channel id is only on its page: discovery finds the feed link there.
    return NewSource(url=f"https://www.youtube.com/{quote(handle, safe='@')}", preset="youtube")


def mastodon_hashtag(value: str) -> NewSource:
    tag, _sep, instance = _text(value, N_("a hashtag")).partition("@")
    match = _TAG_RE.match(tag.strip())
    if not match or not instance:
        raise InvalidData(
            _("Type the hashtag and the instance, e.g. #boulangerie@mastodon.social.")
        )
    name = match.group(1)
    return NewSource(
        url=f"https://{instance.strip().lower()}/tags/{quote(name)}.rss",
        title=f"#{name} ({instance.strip().lower()})",
        preset="mastodon-tag",
    )


def mastodon_account(value: str) -> NewSource:
    match = _HANDLE_RE.match(_text(value, N_("an account")))
    if not match:
        raise InvalidData(_("Type the full account, e.g. @fournil@piaille.fr."))
    user, instance = match.group(1), match.group(2).lower()
    return NewSource(
        url=f"https://{instance}/@{user}.rss", title=f"@{user}@{instance}", preset="mastodon"
    )


def bluesky_profile(value: str) -> NewSource:
    raw = _text(value, N_("a profile"))
    if raw.startswith("https://bsky.app/profile/"):
        raw = raw.removeprefix("https://bsky.app/profile/").split("/")[0]
    match = _BSKY_HANDLE_RE.match(raw)
    if not match:
        raise InvalidData(_("Type the Bluesky handle, e.g. fournil.bsky.social."))
    handle = match.group(1).lower()
    return NewSource(
        url=f"https://bsky.app/profile/{handle}/rss", title=f"@{handle}", preset="bluesky"
    )


PRESETS: tuple[Preset, ...] = (
    Preset(
        "google-alerts",
        N_("Google Alerts"),
        N_("the RSS address of the alert (google.com/alerts, deliver to: RSS feed)"),
        google_alerts,
    ),
    Preset(
        "talkwalker-alerts",
        N_("Talkwalker Alerts"),
        N_("the RSS address of the alert (talkwalker.com/alerts, RSS delivery)"),
        talkwalker_alerts,
    ),
    Preset("reddit", N_("Reddit search"), N_("a keyword or a phrase"), reddit_search),
    Preset(
        "youtube",
        N_("YouTube channel"),
        N_("@handle, channel address or channel id (UC…)"),
        youtube_channel,
    ),
    Preset("mastodon-tag", N_("Mastodon hashtag"), N_("#hashtag@instance"), mastodon_hashtag),
    Preset("mastodon", N_("Mastodon account"), N_("@account@instance"), mastodon_account),
    Preset("bluesky", N_("Bluesky profile"), N_("handle, e.g. name.bsky.social"), bluesky_profile),
)
BY_KEY = {p.key: p for p in PRESETS}


def build(preset: str, value: str) -> NewSource:
    try:
        chosen = BY_KEY[preset]
    except KeyError:
        raise InvalidData(
            _("Unknown preset “{name}”; choose one of: {names}.").format(
                name=preset, names=", ".join(BY_KEY)
            )
        ) from None
    return chosen.build(value)
