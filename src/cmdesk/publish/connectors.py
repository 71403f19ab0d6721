"""The connector of each network cmdesk publishes to itself, and connecting an account."""

from __future__ import annotations

import httpx

from cmdesk.core.accounts import Account
from cmdesk.core.errors import InvalidData
from cmdesk.core.networks import NETWORK_NAMES, Network
from cmdesk.i18n import _
from cmdesk.publish import bluesky, mastodon, wordpress
from cmdesk.publish.base import Connector
from cmdesk.publish.runner import ConnectorFactory
from cmdesk.store.secrets import SecretStore


def _by_hand(network: Network) -> InvalidData:
    return InvalidData(
        _("cmdesk does not publish to {network} itself: it is published by hand.").format(
            network=NETWORK_NAMES[network]
        )
    )


def connector_for(
    account: Account, secrets: SecretStore, *, transport: httpx.BaseTransport | None = None
) -> Connector:
    if account.network is Network.MASTODON:
        return mastodon.MastodonConnector(account, secrets, transport=transport)
    if account.network is Network.BLUESKY:
        return bluesky.BlueskyConnector(account, secrets, transport=transport)
    if account.network is Network.WORDPRESS:
        return wordpress.WordPressConnector(account, secrets, transport=transport)
    raise _by_hand(account.network)


def factory(
    secrets: SecretStore, *, transport: httpx.BaseTransport | None = None
) -> ConnectorFactory:
    """What publish_due needs: a connector for an account, its secrets from `secrets`."""

    def make(account: Account) -> Connector:
        return connector_for(account, secrets, transport=transport)

    return make


def connect(
    network: Network,
    server: str,
    username: str,
    secret: str,
    secrets: SecretStore,
    *,
    label: str = "",
) -> Account:
    """Check the credentials with the network and keep the secret in `secrets`; the
    returned account is to be recorded in the workspace (accounts.keep)."""
    if network is Network.MASTODON:
        return mastodon.connect(server, secret, secrets, label=label)
    if network is Network.BLUESKY:
        return bluesky.connect(server, username, secret, secrets, label=label)
    if network is Network.WORDPRESS:
        return wordpress.connect(server, username, secret, secrets, label=label)
    raise _by_hand(network)
