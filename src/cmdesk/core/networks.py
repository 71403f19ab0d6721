"""The networks a post goes to, named once for the counters, the connectors, the
workspace's channels and accounts.

The values are those stored in the workspace (post_variant.channel, account.network);
the order is the one lists and menus show. Brand names are not translated.
"""

from __future__ import annotations

from enum import StrEnum


class Network(StrEnum):
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    WORDPRESS = "wordpress"
    X = "x"
    LINKEDIN = "linkedin"
    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"


NETWORK_NAMES: dict[Network, str] = {
    Network.MASTODON: "Mastodon",
    Network.BLUESKY: "Bluesky",
    Network.WORDPRESS: "WordPress",
    Network.X: "X",
    Network.LINKEDIN: "LinkedIn",
    Network.INSTAGRAM: "Instagram",
    Network.FACEBOOK: "Facebook",
}

# Networks cmdesk publishes to itself; the others are assisted (text copied, compose
# page opened, "mark as published"), because their APIs need an app the network approved.
DIRECT_NETWORKS = frozenset({Network.MASTODON, Network.BLUESKY, Network.WORDPRESS})


def network_name(value: str) -> str:
    """The brand name of a stored network value (an unknown value as it is)."""
    try:
        return NETWORK_NAMES[Network(value)]
    except ValueError:
        return value


# Networks where a "first comment" is a habit (a link or more hashtags right under the
# post, where the caption cannot carry them well): pasted when the post goes out.
FIRST_COMMENT_NETWORKS = frozenset({Network.INSTAGRAM, Network.FACEBOOK, Network.LINKEDIN})
