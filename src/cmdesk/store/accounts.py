"""Publishing accounts: which network, which server, which handle. Never the secret.

Reached as `workspace.accounts`. The token or application password of an account is one
entry of the system keyring (store.secrets), named after the account's uid in the
workspace's namespace; the row here only points at it, so a workspace file copied or
handed to the client carries no credential. Removing an account removes both.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cmdesk.core.accounts import NEEDS_RECONNECT, Account
from cmdesk.core.changes import Changes
from cmdesk.core.clock import iso_now, parse_iso
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.interactions import check_known
from cmdesk.core.publication import CHANNELS
from cmdesk.i18n import _

if TYPE_CHECKING:
    from cmdesk.store.secrets import SecretStore
    from cmdesk.store.workspace import Workspace

_COLUMNS = "id, uid, network, server, username, label, remote_id, options, created_at"


def _row(row: Sequence[Any]) -> Account:
    fields = dict(zip(_COLUMNS.split(", "), row, strict=True))
    fields["created_at"] = parse_iso(fields["created_at"])
    return Account.from_row(fields)


def _server(server: str) -> str:
    server = server.strip().rstrip("/")
    if server and not server.lower().startswith(("https://", "http://")):
        server = "https://" + server  # "mastodon.social" as people write it
    return server


class Accounts:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def all(self) -> list[Account]:
        with self.ws.reading() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM account ORDER BY network, id").fetchall()
        return [_row(r) for r in rows]

    def get(self, account_id: int) -> Account:
        with self.ws.reading() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM account WHERE id = ?", (account_id,)
            ).fetchone()
        if row is None:
            raise NotFound(_("There is no account {id}.").format(id=account_id))
        return _row(row)

    def find(self, name: str) -> Account | None:
        """An account by its label, its handle (with or without "@") or its id."""
        wanted = name.strip().lstrip("@").casefold()
        for account in self.all():
            if wanted in (
                str(account.id),
                account.label.casefold(),
                account.username.lstrip("@").casefold(),
            ):
                return account
        return None

    def add(
        self,
        network: str,
        server: str = "",
        username: str = "",
        *,
        label: str = "",
        remote_id: str = "",
        options: dict[str, str] | None = None,
        uid: str | None = None,
    ) -> Account:
        """Record an account (its secret goes to the keyring with `save_secret`)."""
        check_known(network, CHANNELS, _("network"))
        server = _server(server)
        username = username.strip()
        label = " ".join(label.split())
        if not (server or username or label):
            raise InvalidData(_("An account needs a server, a handle or a name."))
        stamp = iso_now()
        with self.ws.atomic() as db:
            if db.execute(
                "SELECT 1 FROM account WHERE network = ? AND server = ? AND username = ? "
                "AND username != ''",
                (network, server, username),
            ).fetchone():
                raise InvalidData(
                    _("The account {name} is already there.").format(name=username or server)
                )
            cursor = db.execute(
                "INSERT INTO account(uid, network, server, username, label, remote_id, options, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    uid or uuid.uuid4().hex,
                    network,
                    server,
                    username,
                    label,
                    remote_id,
                    json.dumps(options or {}, ensure_ascii=False, sort_keys=True),
                    stamp,
                    stamp,
                ),
            )
            account_id = int(cursor.lastrowid or 0)
            self.ws.record("account.added", f"{network} {username or server}")
        return self.get(account_id)

    def keep(self, account: Account) -> Account:
        """Record an account a connector just connected (its secret, under the same uid,
        is already in the keyring)."""
        return self.add(
            account.network.value,
            account.server,
            account.username,
            label=account.label,
            remote_id=account.remote_id,
            options=account.options,
            uid=account.uid,
        )

    def set_needs_reconnect(self, account_id: int, when: str | None) -> Changes:
        """Mark the account as refused by its network (`when`, ISO 8601), or clear the
        mark (None) once a connection test succeeded."""
        with self.ws.atomic():
            options = dict(self.get(account_id).options)
            if when is None:
                if options.pop(NEEDS_RECONNECT, None) is None:
                    return Changes()
            else:
                options[NEEDS_RECONNECT] = when
            return self.update(account_id, options=options)

    def update(self, account_id: int, **fields: Any) -> Changes:
        """Change the label, server, handle, remote id or options (e.g. learnt when the
        connection was tested)."""
        allowed = {"label", "server", "username", "remote_id", "options"}
        unknown = set(fields) - allowed
        if unknown:
            raise InvalidData(_("Unknown account fields: {names}").format(names=sorted(unknown)))
        if "server" in fields:
            fields["server"] = _server(fields["server"])
        if "options" in fields:
            fields["options"] = json.dumps(fields["options"], ensure_ascii=False, sort_keys=True)
        if not fields:
            return Changes()
        with self.ws.atomic() as db:
            self.get(account_id)
            assignments = ", ".join(f"{k} = ?" for k in fields)
            db.execute(
                f"UPDATE account SET {assignments}, updated_at = ? WHERE id = ?",
                (*fields.values(), iso_now(), account_id),
            )
        return Changes(accounts=True)

    def remove(self, account_id: int, secrets: SecretStore | None = None) -> Changes:
        """Forget an account and, given the secret store, its keyring entry. Posts that
        were to go through it keep their channel, without an account to choose again."""
        with self.ws.atomic() as db:
            account = self.get(account_id)
            db.execute("DELETE FROM account WHERE id = ?", (account_id,))
            self.ws.record("account.removed", f"{account.network} {account.username}")
            # Inside the transaction: a keyring that refuses (locked) leaves the account as
            # it was, rather than a secret left in the keyring with nothing pointing at it.
            if secrets is not None:
                secrets.delete(account.secret_name)
        return Changes(accounts=True, posts=True, activity=True)

    # -- the secret, in the keyring only ---------------------------------------------------

    def save_secret(self, account_id: int, value: str, secrets: SecretStore) -> None:
        if not value:
            raise InvalidData(_("The password or token is empty."))
        secrets.set(self.get(account_id).secret_name, value)

    def secret(self, account_id: int, secrets: SecretStore) -> str | None:
        return secrets.get(self.get(account_id).secret_name)
