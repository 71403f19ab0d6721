"""The networks a post goes to, named once for the counters, the connectors, the
workspace's channels and accounts.

The values are those stored in the workspace (post_variant.channel, account.network);
the order is the one lists and menus show. Brand names are not translated.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

from cmdesk.i18n import _


class Network(StrEnum):
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    WORDPRESS = "wordpress"
    X = "x"
    LINKEDIN = "linkedin"
    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    TIKTOK = "tiktok"


NETWORK_NAMES: dict[Network, str] = {
    Network.MASTODON: "Mastodon",
    Network.BLUESKY: "Bluesky",
    Network.WORDPRESS: "WordPress",
    Network.X: "X",
    Network.LINKEDIN: "LinkedIn",
    Network.INSTAGRAM: "Instagram",
    Network.FACEBOOK: "Facebook",
    Network.TIKTOK: "TikTok",
}

# Networks cmdesk publishes to itself; the others are assisted (text copied, compose
# page opened, "mark as published"), because their APIs need an app the network approved.
DIRECT_NETWORKS = frozenset({Network.MASTODON, Network.BLUESKY, Network.WORDPRESS})
ASSISTED_NETWORKS = frozenset(Network) - DIRECT_NETWORKS

# Where a person writes a new post on each assisted network (opened in the browser at
# the due time, the text already on the clipboard).
COMPOSE_PAGES: dict[Network, str] = {
    Network.X: "https://x.com/compose/post",
    Network.LINKEDIN: "https://www.linkedin.com/feed/?shareActive=true",
    Network.INSTAGRAM: "https://www.instagram.com/",
    Network.FACEBOOK: "https://www.facebook.com/",
    Network.TIKTOK: "https://www.tiktok.com/upload",
}


# The sites a published post's address may be on, per assisted network (subdomains
# included: m.facebook.com, fr.linkedin.com...).
POST_HOSTS: dict[Network, tuple[str, ...]] = {
    Network.X: ("x.com", "twitter.com"),
    Network.LINKEDIN: ("linkedin.com", "lnkd.in"),
    Network.INSTAGRAM: ("instagram.com", "instagr.am"),
    Network.FACEBOOK: ("facebook.com", "fb.com", "fb.watch"),
    Network.TIKTOK: ("tiktok.com",),
}


def post_url_problem(channel: str, url: str) -> str:
    """Why `url` cannot be the address of a post published on `channel` ("" if it can):
    a web address, on the network's own site for the assisted networks (a pasted address
    of another network is a mistake caught before it is recorded)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return _("“{url}” is not a web address (it must start with http:// or https://).").format(
            url=url
        )
    try:
        network = Network(channel)
    except ValueError:
        return ""
    hosts = POST_HOSTS.get(network)
    host = parts.hostname.lower().rstrip(".")
    if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
        return _("This address is not on {network}: a {network} post is on {sites}.").format(
            network=NETWORK_NAMES[network], sites=", ".join(hosts)
        )
    return ""


def network_name(value: str) -> str:
    """The brand name of a stored network value (an unknown value as it is)."""
    try:
        return NETWORK_NAMES[Network(value)]
    except ValueError:
        return value


# Networks where a "first comment" is a habit (a link or more hashtags right under the
# post, where the caption cannot carry them well): pasted when the post goes out.
FIRST_COMMENT_NETWORKS = frozenset({Network.INSTAGRAM, Network.FACEBOOK, Network.LINKEDIN})
