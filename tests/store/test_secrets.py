"""Secrets go to a safe OS keyring or nowhere: real backends, a real Secret Service."""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import keyring.backends.fail
import keyring.backends.null
import keyring.backends.SecretService
import pytest
import secretstorage
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyrings.alt.file import PlaintextKeyring

from cmdesk.core.errors import CmdeskError, ExitCode
from cmdesk.i18n import current_language, set_language
from cmdesk.store import secrets
from cmdesk.store.secrets import (
    SERVICE,
    KeyringSecrets,
    MemorySecrets,
    SecretsLocked,
    SecretStore,
    SecretsUnavailable,
    check,
    open_secrets,
    redact,
    remember_for_redaction,
    select_backend,
)
from keyring_service import SecretService

PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"
SECRET_SERVICE = "keyring.backends.SecretService.Keyring"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    previous = current_language()
    set_language("en")
    yield
    set_language(previous)


def uid() -> str:
    # The Secret Service is shared by the session: each test writes under its own uid.
    return uuid.uuid4().hex


def secret() -> str:
    return f"s3cret-{uuid.uuid4().hex}"


def plaintext(tmp_path: Path) -> PlaintextKeyring:
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "plaintext_keyring.cfg")  # never the user's data dir
    return ring


def chainer(*members: KeyringBackend) -> ChainerBackend:
    """A ChainerBackend over exactly these members.

    `backends` is a read-only classproperty, so it takes a subclass; keyring registers
    every subclass as a candidate backend, so take it out of the registry at once.
    """
    cls = type("FixedChainer", (ChainerBackend,), {"backends": list(members)})
    KeyringBackend._classes.discard(cls)
    return cls()


def with_timeout(fn: Callable[[], Any], seconds: float = 20) -> Any:
    """Run fn in a thread: a D-Bus call waiting on an unlock prompt must not hang the suite."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(("ok", fn()))
        except BaseException as exc:
            outcome.append(("raised", exc))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"no answer within {seconds}s (waiting for an unlock prompt?)"
    kind, value = outcome[0]
    if kind == "raised":
        raise value
    return value


# -- refusing unsafe backends -------------------------------------------------------------


REFUSED: dict[str, Callable[[Path], KeyringBackend]] = {
    PLAINTEXT: plaintext,
    "keyring.backends.null.Keyring": lambda _: keyring.backends.null.Keyring(),
    "keyring.backends.fail.Keyring": lambda _: keyring.backends.fail.Keyring(),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_unsafe_backends_are_refused_with_a_helpful_message(tmp_path: Path, name: str) -> None:
    backend = REFUSED[name](tmp_path)
    with pytest.raises(SecretsUnavailable) as caught:
        select_backend(backend)
    message = caught.value.message
    assert name in message
    assert caught.value.refused == [name]
    if sys.platform.startswith("linux"):
        assert "GNOME Keyring or KWallet" in message
        assert "gnome-keyring" in message and "libsecret-1-0" in message
        assert "unlock" in message
    assert isinstance(caught.value, CmdeskError)
    assert caught.value.exit_code == ExitCode.SECRETS
    with pytest.raises(SecretsUnavailable):
        KeyringSecrets(uid(), backend)
    assert not (tmp_path / "plaintext_keyring.cfg").exists()


def test_plaintext_is_refused_even_with_a_raised_priority(tmp_path: Path) -> None:
    # keyring lets configuration raise a backend's priority (KEYRING_PROPERTY_PRIORITY):
    # a file stays a file.
    ring = plaintext(tmp_path)
    ring.priority = 9
    assert keyring.core.recommended(ring)
    with pytest.raises(SecretsUnavailable, match=PLAINTEXT):
        select_backend(ring)


def test_a_chainer_of_unsafe_backends_is_refused_naming_each(tmp_path: Path) -> None:
    ring = plaintext(tmp_path)
    chain = chainer(ring, keyring.backends.null.Keyring(), keyring.backends.fail.Keyring())
    with pytest.raises(SecretsUnavailable) as caught:
        select_backend(chain)
    assert caught.value.refused == [
        PLAINTEXT,
        "keyring.backends.null.Keyring",
        "keyring.backends.fail.Keyring",
    ]
    for name in caught.value.refused:
        assert name in caught.value.message
    with pytest.raises(SecretsUnavailable):
        KeyringSecrets(uid(), chain)
    assert not Path(ring.file_path).exists()


def test_an_empty_chainer_is_refused() -> None:
    with pytest.raises(SecretsUnavailable, match=r"ChainerBackend|FixedChainer"):
        select_backend(chainer())


def test_secret_service_without_a_bus_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its priority probe raises when D-Bus is unreachable: that means "not viable".
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
    backend = keyring.backends.SecretService.Keyring()
    with pytest.raises(Exception):  # noqa: B017 - RuntimeError or the socket's OSError
        _ = backend.priority
    with pytest.raises(SecretsUnavailable, match=SECRET_SERVICE):
        select_backend(backend)
    result = check(backend)
    assert result["ok"] is False
    assert result["backend"] == SECRET_SERVICE
    assert "gnome-keyring" in result["message"] or sys.platform != "linux"


def test_check_reports_a_refusal_without_raising(tmp_path: Path) -> None:
    result = check(plaintext(tmp_path))
    assert result == {
        "ok": False,
        "backend": PLAINTEXT,
        "message": result["message"],
    }
    assert PLAINTEXT in result["message"]


# -- a real Secret Service ----------------------------------------------------------------


@pytest.mark.keyring
def test_check_accepts_the_secret_service(secret_service: SecretService) -> None:
    result = check(keyring.backends.SecretService.Keyring())
    assert result["ok"] is True
    assert result["backend"] == SECRET_SERVICE
    assert SECRET_SERVICE in result["message"]


@pytest.mark.keyring
def test_round_trip_in_the_secret_service(secret_service: SecretService) -> None:
    store = KeyringSecrets(uid(), keyring.backends.SecretService.Keyring())
    assert isinstance(store, SecretStore)
    assert store.persistent is True
    assert SECRET_SERVICE in store.describe()
    value = secret()
    assert store.get("mastodon.token") is None
    store.set("mastodon.token", value)
    assert store.get("mastodon.token") == value
    store.set("mastodon.token", value + "-new")  # replaces, does not add a second item
    assert store.get("mastodon.token") == value + "-new"
    store.delete("mastodon.token")
    assert store.get("mastodon.token") is None
    store.delete("mastodon.token")  # deleting what is gone is not an error


@pytest.mark.keyring
def test_items_are_named_cmdesk_and_namespaced_per_workspace(
    secret_service: SecretService,
) -> None:
    backend = keyring.backends.SecretService.Keyring()
    first, second = KeyringSecrets(uid(), backend), KeyringSecrets(uid(), backend)
    first.set("password", "first-workspace-pw")
    second.set("password", "second-workspace-pw")
    assert first.get("password") == "first-workspace-pw"
    assert second.get("password") == "second-workspace-pw"
    second.delete("password")
    assert first.get("password") == "first-workspace-pw"
    assert second.get("password") is None
    # What the desktop's keyring app shows: service "cmdesk", username "<uid>:<name>".
    with closing(secret_service.connect()) as conn:
        items = list(secretstorage.search_items(conn, {"service": SERVICE}))
        usernames = {item.get_attributes()["username"] for item in items}
    assert f"{first.uid}:password" in usernames
    assert f"{second.uid}:password" not in usernames


@pytest.mark.keyring
def test_no_secret_in_plaintext_on_disk(secret_service: SecretService) -> None:
    value = secret()
    KeyringSecrets(uid(), keyring.backends.SecretService.Keyring()).set("token", value)
    keyring_file = secret_service.home / ".local/share/keyrings/login.keyring"
    assert keyring_file.exists()  # the store was written where we look
    assert secret_service.files_containing(value) == []
    canary = secret_service.home / f"canary-{uuid.uuid4().hex}.txt"
    canary.write_text(f"x {value} x")  # the scan does find a secret written in clear
    try:
        assert secret_service.files_containing(value) == [canary]
    finally:
        canary.unlink()


@pytest.mark.keyring
def test_a_mixed_chainer_never_writes_to_its_plaintext_member(
    secret_service: SecretService, tmp_path: Path
) -> None:
    ring = plaintext(tmp_path)
    real = keyring.backends.SecretService.Keyring()
    # Plaintext first: the chainer itself would write there; selection must not.
    chain = chainer(ring, real)
    assert select_backend(chain) is real
    store = KeyringSecrets(uid(), chain)
    value = secret()
    store.set("token", value)
    assert store.get("token") == value
    assert real.get_password(SERVICE, f"{store.uid}:token") == value
    plain_file = Path(ring.file_path)
    assert not plain_file.exists() or value not in plain_file.read_text()
    assert ring.get_password(SERVICE, f"{store.uid}:token") is None
    assert secret_service.files_containing(value) == []


@pytest.mark.keyring
@pytest.mark.timeout(60)
def test_a_locked_keyring_raises_secrets_locked(private_secret_service: SecretService) -> None:
    store = KeyringSecrets(uid(), keyring.backends.SecretService.Keyring())
    store.set("token", "before-the-lock")
    private_secret_service.lock_default_collection()
    # keyring asks gnome-keyring to unlock, which opens a prompt through gcr-prompter;
    # with no display the prompt fails at once and the unlock ends as dismissed (on a
    # desktop the user would be asked for the password here).
    with pytest.raises(SecretsLocked) as caught:
        with_timeout(lambda: store.get("token"))
    assert "unlock" in caught.value.message
    assert isinstance(caught.value, SecretsUnavailable)
    with pytest.raises(SecretsLocked):
        with_timeout(lambda: store.set("token", "while-locked"))
    # Selection only probes the service, so `secrets check` does not prompt either.
    assert check(keyring.backends.SecretService.Keyring())["ok"] is True


@pytest.mark.keyring
def test_a_vanished_service_raises_secrets_unavailable(
    private_secret_service: SecretService,
) -> None:
    store = KeyringSecrets(uid(), keyring.backends.SecretService.Keyring())
    store.set("token", "before-the-crash")
    private_secret_service.stop()
    with pytest.raises(SecretsUnavailable) as caught:
        with_timeout(lambda: store.get("token"))
    assert not isinstance(caught.value, SecretsLocked)
    assert SECRET_SERVICE in caught.value.refused
    assert "gnome-keyring" in caught.value.message or sys.platform != "linux"


# -- session-only mode --------------------------------------------------------------------


def test_memory_secrets_round_trip_and_namespaces() -> None:
    first, second = MemorySecrets(uid()), MemorySecrets(uid())
    assert isinstance(first, SecretStore)
    assert first.persistent is False
    assert "session" in first.describe()
    first.set("token", "first-token")
    second.set("token", "second-token")
    assert first.get("token") == "first-token"
    assert second.get("token") == "second-token"
    first.delete("token")
    first.delete("token")
    assert first.get("token") is None
    assert second.get("token") == "second-token"


def test_memory_secrets_are_shared_by_the_process_but_not_kept() -> None:
    workspace = uid()
    open_secrets(workspace, session_only=True).set("token", "typed-once-this-session")
    # Another window / another opening of the same workspace in this process sees it.
    reopened = open_secrets(workspace, session_only=True)
    assert isinstance(reopened, MemorySecrets)
    assert reopened.get("token") == "typed-once-this-session"
    # A new process (the next session) does not.
    code = (
        "from cmdesk.store.secrets import MemorySecrets; "
        f"print(MemorySecrets({workspace!r}).get('token'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "None"


def test_workspace_uids_cannot_break_the_namespace() -> None:
    with pytest.raises(ValueError):
        MemorySecrets("a:b")
    with pytest.raises(ValueError):
        MemorySecrets("")
    with pytest.raises(ValueError):
        MemorySecrets(uid()).set("", "x")


# -- redaction ----------------------------------------------------------------------------


def test_redact_masks_every_value_that_went_through_a_store() -> None:
    store = MemorySecrets(uid())
    store.set("token", "tok-set-through-store")
    assert redact("Authorization: Bearer tok-set-through-store!") == "Authorization: Bearer •••!"
    assert redact("twice tok-set-through-store tok-set-through-store") == "twice ••• •••"


def test_redact_masks_values_read_back_and_keeps_short_ones() -> None:
    workspace = uid()
    secrets._session[f"{workspace}:pw"] = "read-back-value"  # as if set before a restart
    assert MemorySecrets(workspace).get("pw") == "read-back-value"
    assert redact("x read-back-value y") == "x ••• y"
    remember_for_redaction("abc")  # too short: it would mask ordinary words
    remember_for_redaction(None)
    assert redact("abc") == "abc"


def test_redact_prefers_the_longest_overlapping_secret() -> None:
    remember_for_redaction("overlap-secret")
    remember_for_redaction("overlap-secret-and-more")
    assert redact("[overlap-secret-and-more]") == "[•••]"


def test_redaction_shares_the_core_registry() -> None:
    # Logging masks through cmdesk.core.redaction without importing keyring.
    from cmdesk.core import redaction

    remember_for_redaction("shared-registry-value")
    assert redaction.redact("shared-registry-value") == redaction.MASK
