"""An account's secrets: one keyring entry per account holding a small JSON object
(an access token, an application password, a session), never anything else.

Every value read or written is registered for redaction one by one: the store registers
the JSON text as a whole, which would not mask a token quoted on its own in a log line.
"""

from __future__ import annotations

import json

from cmdesk.core.accounts import Account
from cmdesk.core.redaction import remember_for_redaction
from cmdesk.publish.base import AuthExpired
from cmdesk.store.secrets import SecretStore


def load(store: SecretStore, account: Account) -> dict[str, str]:
    """The account's secrets; AuthExpired ("reconnect") when there are none any more
    (a keyring emptied, a workspace opened on another computer)."""
    raw = store.get(account.secret_name)
    if not raw:
        raise AuthExpired(account)
    try:
        data = json.loads(raw)
    except ValueError:
        raise AuthExpired(account) from None
    if not isinstance(data, dict):
        raise AuthExpired(account)
    values = {str(k): str(v) for k, v in data.items() if v is not None}
    for value in values.values():
        remember_for_redaction(value)
    return values


def save(store: SecretStore, account: Account, values: dict[str, str]) -> None:
    for value in values.values():
        remember_for_redaction(value)
    store.set(account.secret_name, json.dumps(values, sort_keys=True))


def update(store: SecretStore, account: Account, **changes: str) -> dict[str, str]:
    """Merge `changes` into the stored secrets (a refreshed session) and return them."""
    try:
        values = load(store, account)
    except AuthExpired:
        values = {}
    values.update(changes)
    save(store, account, values)
    return values


def forget(store: SecretStore, account: Account) -> None:
    store.delete(account.secret_name)
