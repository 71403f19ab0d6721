"""A publishing account: a network, a server and who we are there.

Stored as one row of the workspace (everything here is not secret) plus one keyring entry
named by `secret_name` (tokens, application passwords), so a workspace file handed to a
client carries no credential, and deleting the account deletes both. The same value is
what the connectors receive and what the workspace lists (then with its row id).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cmdesk.core.networks import DIRECT_NETWORKS, NETWORK_NAMES, Network

# The option set when a network refused the credentials (its value: when, ISO 8601): the
# account is listed as "reconnect" until a connection test succeeds again.
NEEDS_RECONNECT = "needs_reconnect"


@dataclass(frozen=True)
class Account:
    network: Network
    server: str  # base address: the Mastodon instance, the Bluesky PDS, the WordPress site
    username: str = ""  # acct on Mastodon, handle on Bluesky, login on WordPress
    label: str = ""  # the user's own name for it ("Boulangerie – Mastodon")
    remote_id: str = ""  # Mastodon account id, Bluesky DID, WordPress user id
    # Settings that are not secret, learnt when connecting (e.g. the Bluesky PDS behind
    # the entryway, the WordPress API root, the Mastodon app's client id).
    options: dict[str, str] = field(default_factory=dict)
    uid: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Set once the workspace keeps it (its row id and when it was added).
    id: int | None = field(default=None, compare=False)
    created_at: datetime | None = field(default=None, compare=False)

    @property
    def secret_name(self) -> str:
        """The keyring entry of this account (in the workspace's namespace)."""
        return f"account:{self.uid}"

    @property
    def display_name(self) -> str:
        if self.label:
            return self.label
        who = self.username or self.server
        return f"{who} ({NETWORK_NAMES[self.network]})"

    @property
    def direct(self) -> bool:
        return self.network in DIRECT_NETWORKS

    @property
    def needs_reconnect(self) -> bool:
        return bool(self.options.get(NEEDS_RECONNECT))

    def to_row(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "network": self.network.value,
            "server": self.server,
            "username": self.username,
            "label": self.label,
            "remote_id": self.remote_id,
            "options": json.dumps(self.options, sort_keys=True, ensure_ascii=False),
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Account:
        options = json.loads(row.get("options") or "{}")
        return cls(
            network=Network(row["network"]),
            server=row["server"],
            username=row.get("username") or "",
            label=row.get("label") or "",
            remote_id=row.get("remote_id") or "",
            options={str(k): str(v) for k, v in options.items()},
            uid=row["uid"],
            id=row.get("id"),
            created_at=row.get("created_at"),
        )
