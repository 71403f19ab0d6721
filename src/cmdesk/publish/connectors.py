"""The connector of each network cmdesk publishes to itself, and connecting an account."""

from __future__ import annotations

import uuid

import httpx

from cmdesk.core.accounts import Account
from cmdesk.core.errors import InvalidData
from cmdesk.core.networks import NETWORK_NAMES, Network
from cmdesk.i18n import _
from cmdesk.publish import bluesky, mastodon, wordpress
from cmdesk.publish.base import Connector
from cmdesk.publish.runner import ConnectorFactory
from cmdesk.store.secrets import MemorySecrets, SecretStore


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


def reconnect(
    account: Account,
    secret: str,
    secrets: SecretStore,
    *,
    transport: httpx.BaseTransport | None = None,
) -> Account:
    """A new token or application password for an account the network stopped accepting:
    checked with the network exactly as when connecting, and kept under the account's own
    keyring entry, so the account and the posts that go through it stay as they are. A
    secret that belongs to another account is refused."""
    trial = MemorySecrets(uuid.uuid4().hex)  # nothing reaches the keyring before the check
    fresh = connect(
        account.network, account.server, account.username, secret, trial, label=account.label
    )
    try:
        if account.remote_id and fresh.remote_id and fresh.remote_id != account.remote_id:
            raise InvalidData(
                _("This password or token is for {other}, not for {account}.").format(
                    other=fresh.username or fresh.remote_id, account=account.display_name
                )
            )
        checked = trial.get(fresh.secret_name)
        if not checked:  # pragma: no cover - connect() always keeps it
            raise InvalidData(_("The password or token is empty."))
        secrets.set(account.secret_name, checked)
    finally:
        trial.delete(fresh.secret_name)
    return account
