"""Secrets (passwords, tokens) live in the OS keyring only (never in a workspace,
an export, a log or the settings).

keyring picks a backend by priority and may silently choose a plaintext file
(keyrings.alt) or a backend that fails on use. Only backends that keyring itself
calls *recommended* (priority >= 1: Secret Service, KWallet, macOS Keychain,
Windows Credential Manager) are accepted; a chainer keeps only its recommended
members, so a plaintext member can never receive a secret as a fallback. With no
acceptable backend the user is told what to install or unlock, and may use a
session-only store that keeps secrets in memory.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol

import keyring
import keyring.backend
import keyring.core
import keyring.errors
from keyring.backends.chainer import ChainerBackend

from cmdesk.core.errors import CmdeskError, ExitCode
from cmdesk.core.redaction import remember_for_redaction
from cmdesk.i18n import _

SERVICE = "cmdesk"


class SecretsUnavailable(CmdeskError):
    exit_code = ExitCode.SECRETS


class SecretsLocked(SecretsUnavailable):
    pass


def backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _viable(backend: keyring.backend.KeyringBackend) -> bool:
    try:
        return bool(keyring.core.recommended(backend))
    except Exception:  # priority probes D-Bus etc. and may raise: then it cannot work
        return False


def _install_hint() -> str:
    if sys.platform == "darwin":
        return _("cmdesk uses the macOS Keychain; check that your login keychain is unlocked.")
    if sys.platform == "win32":
        return _("cmdesk uses the Windows Credential Manager; check that it is available.")
    return _(
        "Install and start GNOME Keyring or KWallet (Debian/Ubuntu packages gnome-keyring "
        "and libsecret-1-0), then unlock it, usually by logging in to a desktop session."
    )


def select_backend(
    backend: keyring.backend.KeyringBackend | None = None,
) -> keyring.backend.KeyringBackend:
    """The keyring backend to use, or SecretsUnavailable naming what was refused."""
    chosen = backend if backend is not None else keyring.get_keyring()
    if isinstance(chosen, ChainerBackend):
        members = [b for b in chosen.backends if _viable(b)]
        refused = [backend_name(b) for b in chosen.backends if not _viable(b)]
        if members:
            # Writes go to the first member that accepts them: keep the best one only,
            # so a secret always lands in the same, safe place.
            return max(members, key=lambda b: b.priority)
    elif _viable(chosen):
        return chosen
    else:
        refused = [backend_name(chosen)]
    raise SecretsUnavailable(
        _("No safe keyring is available to store passwords (refused: {names}).").format(
            names=", ".join(refused) or _("none found")
        )
        + " "
        + _install_hint()
    )


class SecretStore(Protocol):
    persistent: bool

    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...
    def describe(self) -> str: ...


class KeyringSecrets:
    """Secrets of one workspace, namespaced by the workspace's uid."""

    persistent = True

    def __init__(
        self, workspace_uid: str, backend: keyring.backend.KeyringBackend | None = None
    ) -> None:
        self.uid = workspace_uid
        self.backend = select_backend(backend)

    def _key(self, name: str) -> str:
        return f"{self.uid}:{name}"

    def _call(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except keyring.errors.KeyringLocked as exc:
            raise SecretsLocked(
                _("The keyring is locked: unlock it (log in or open your keyring app), then retry.")
            ) from exc
        except keyring.errors.PasswordDeleteError:
            return None
        except Exception as exc:  # backends raise their own D-Bus / OS errors
            raise SecretsUnavailable(
                _("The keyring could not be used ({error}).").format(error=type(exc).__name__)
                + " "
                + _install_hint()
            ) from exc

    def get(self, name: str) -> str | None:
        value = self._call(self.backend.get_password, SERVICE, self._key(name))
        remember_for_redaction(value)
        return value if isinstance(value, str) else None

    def set(self, name: str, value: str) -> None:
        remember_for_redaction(value)
        self._call(self.backend.set_password, SERVICE, self._key(name), value)

    def delete(self, name: str) -> None:
        self._call(self.backend.delete_password, SERVICE, self._key(name))

    def describe(self) -> str:
        return _("the system keyring ({backend})").format(backend=backend_name(self.backend))


_session: dict[str, str] = {}


class MemorySecrets:
    """Session-only mode: secrets in this process's memory, forgotten at exit."""

    persistent = False

    def __init__(self, workspace_uid: str) -> None:
        self.uid = workspace_uid

    def get(self, name: str) -> str | None:
        return _session.get(f"{self.uid}:{name}")

    def set(self, name: str, value: str) -> None:
        remember_for_redaction(value)
        _session[f"{self.uid}:{name}"] = value

    def delete(self, name: str) -> None:
        _session.pop(f"{self.uid}:{name}", None)

    def describe(self) -> str:
        return _("memory, for this session only")


def open_secrets(workspace_uid: str, *, session_only: bool = False) -> SecretStore:
    if session_only:
        return MemorySecrets(workspace_uid)
    return KeyringSecrets(workspace_uid)


def check(backend: keyring.backend.KeyringBackend | None = None) -> dict[str, Any]:
    """For `cmdesk secrets check` and the Settings view; never raises."""
    try:
        chosen = select_backend(backend)
    except SecretsUnavailable as exc:
        return {"ok": False, "backend": None, "message": exc.message}
    return {
        "ok": True,
        "backend": backend_name(chosen),
        "message": _("Passwords are stored in {backend}.").format(backend=backend_name(chosen)),
    }
