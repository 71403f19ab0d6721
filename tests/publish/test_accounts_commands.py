"""`cmdesk accounts test` and `accounts remove` as real processes, against the loopback
Mastodon instance, with the token in a real Secret Service keyring."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from mastodon_server import MastodonServer

from cmdesk.core.errors import ExitCode


def _cli(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANGUAGE": "en", "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "cmdesk", "--home", str(home), "--client", "lea", *args],
        input=stdin, capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip


class _Entry:
    def __init__(self, client_uid: str, account_uid: str) -> None:
        self.client_uid, self.account_uid = client_uid, account_uid

    def get(self) -> str | None:
        from keyring.backends.SecretService import Keyring

        from cmdesk.store.secrets import KeyringSecrets

        return KeyringSecrets(self.client_uid, Keyring()).get(f"account:{self.account_uid}")


def _keyring_entry(home: Path) -> _Entry:
    path = next(home.rglob("lea.cmdesk"))
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (client,) = db.execute("SELECT uid FROM client").fetchone()
        (account,) = db.execute("SELECT uid FROM account").fetchone()
    finally:
        db.close()
    return _Entry(client, account)


def test_test_and_remove_an_account(
    tmp_path: Path, mastodon: MastodonServer, secret_service: object
) -> None:
    home = tmp_path / "home"
    created = subprocess.run(
        [sys.executable, "-m", "cmdesk", "--home", str(home), "clients", "create", "Léa",
         "--slug", "lea"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    token = mastodon.personal_token()
    added = _cli(home, "--json", "accounts", "add", "mastodon", "--server", mastodon.url,
                 "--label", "Fournil", stdin=token + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr

    ok = _cli(home, "--json", "accounts", "test", "Fournil")
    assert ok.returncode == 0, ok.stderr
    answer = json.loads(ok.stdout)
    assert (answer["needs_reconnect"], answer["remote_username"]) == (False, "boulangerie")

    # The token is revoked on the instance: a clear "reconnect", and the account says so.
    mastodon.tokens.discard(token)
    refused = _cli(home, "accounts", "test", "Fournil")
    assert refused.returncode == ExitCode.NETWORK
    assert "Reconnect this account" in refused.stderr
    listed = json.loads(_cli(home, "--json", "accounts", "list").stdout)
    assert [a["needs_reconnect"] for a in listed] == [True]
    # Accepted again (the same token restored): the mark goes.
    mastodon.tokens.add(token)
    assert _cli(home, "accounts", "test", "Fournil").returncode == 0
    listed = json.loads(_cli(home, "--json", "accounts", "list").stdout)
    assert [a["needs_reconnect"] for a in listed] == [False]

    missing = _cli(home, "accounts", "test", "nobody")
    assert missing.returncode != 0 and "accounts list" in missing.stderr

    entry = _keyring_entry(home)
    assert entry.get() == json.dumps({"access_token": token}, sort_keys=True)
    removed = _cli(home, "--json", "accounts", "remove", "Fournil")
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout)["removed"] is True
    assert json.loads(_cli(home, "--json", "accounts", "list").stdout) == []
    assert entry.get() is None  # its token left the keyring with it
    gone = _cli(home, "accounts", "test", "Fournil")
    assert gone.returncode != 0
