"""Secrets (passwords, tokens) live in the OS keyring only: never in a workspace,
an export, a log or the settings.

keyring picks a backend by priority and may silently choose a plaintext file
(keyrings.alt) or a backend that fails on use. Only backends that keyring itself
calls *recommended* (priority >= 1: Secret Service, KWallet, macOS Keychain,
Windows Credential Manager) are accepted, and known file-based or dummy backends
are refused whatever their priority says. A chainer is reduced to its best
acceptable member, so a plaintext member can never receive a secret as a
fallback. With no acceptable backend the user is told what to install or
unlock, and may choose a session-only store that keeps secrets in memory.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar, runtime_checkable

import keyring
import keyring.backend
import keyring.core
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from cmdesk.core.errors import CmdeskError, ExitCode

# The registry itself lives in cmdesk.core.redaction so that logging and the error
# dialogs can mask secrets without importing keyring (and its D-Bus probe); it is
# re-exported here because every secret enters the process through this module.
from cmdesk.core.redaction import MASK, redact, remember_for_redaction
from cmdesk.i18n import _

__all__ = [
    "MASK",
    "SERVICE",
    "KeyringSecrets",
    "MemorySecrets",
    "SecretStore",
    "SecretsLocked",
    "SecretsUnavailable",
    "backend_name",
    "check",
    "open_secrets",
    "redact",
    "remember_for_redaction",
    "select_backend",
]

SERVICE = "cmdesk"

# Refused whatever priority they report: a priority can be raised by configuration
# (KEYRING_PROPERTY_PRIORITY, a subclass) while the storage stays a file on disk
# (keyrings.alt, keyrings.cryptfile) or nowhere at all (null, fail). Matched on every
# class of the backend's MRO so that subclasses are refused too.
_REFUSED_MODULES = (
    "keyrings.alt",
    "keyrings.cryptfile",
    "keyring.backends.null",
    "keyring.backends.fail",
)


class SecretsUnavailable(CmdeskError):
    """No safe keyring: the message says what to install or unlock."""

    # ExitCode.SECRETS exists for exactly this case and is what `cmdesk secrets check`
    # returns, so a command that fails for want of a keyring exits the same way.
    exit_code = ExitCode.SECRETS

    def __init__(self, message: str, refused: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.refused = list(refused)  # class paths, for `secrets check` and the logs


class SecretsLocked(SecretsUnavailable):
    """The keyring exists but is locked (or the unlock prompt was dismissed)."""


def backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _priority(backend: KeyringBackend) -> float:
    # priority is a classproperty that probes the system (SecretService opens a D-Bus
    # connection) and raises when the backend cannot work: count that as unusable.
    try:
        return float(backend.priority)
    except Exception:
        return float("-inf")


def _is_refused_kind(backend: KeyringBackend) -> bool:
    return any(
        cls.__module__ == prefix or cls.__module__.startswith(prefix + ".")
        for cls in type(backend).__mro__
        for prefix in _REFUSED_MODULES
    )


def _acceptable(backend: KeyringBackend) -> bool:
    if isinstance(backend, ChainerBackend) or _is_refused_kind(backend):
        return False
    try:
        return bool(keyring.core.recommended(backend))
    except Exception:  # same probe as _priority: a raising backend is not viable
        return False


def _members(chainer: ChainerBackend) -> list[KeyringBackend]:
    try:
        return list(chainer.backends)
    except Exception:  # `backends` probes every installed backend and may raise
        return []


def _sort_out(backend: KeyringBackend, accepted: list[KeyringBackend], refused: list[str]) -> None:
    if isinstance(backend, ChainerBackend):
        members = _members(backend)
        if not members:
            refused.append(backend_name(backend))
        for member in members:  # chainers may nest: flatten them
            _sort_out(member, accepted, refused)
    elif _acceptable(backend):
        accepted.append(backend)
    else:
        refused.append(backend_name(backend))


def _install_hint() -> str:
    if sys.platform == "darwin":
        return _("cmdesk uses the macOS Keychain; check that your login keychain is unlocked.")
    if sys.platform == "win32":
        return _("cmdesk uses the Windows Credential Manager; check that it is available.")
    return _(
        "Install and start GNOME Keyring or KWallet (Debian/Ubuntu packages gnome-keyring "
        "and libsecret-1-0), then unlock it, usually by logging in to a desktop session."
    )


def _unavailable(refused: list[str]) -> SecretsUnavailable:
    names = ", ".join(refused) or _("none found")
    message = _("No safe keyring is available to store passwords (refused: {names}).").format(
        names=names
    )
    return SecretsUnavailable(message + " " + _install_hint(), refused)


def select_backend(backend: KeyringBackend | None = None) -> KeyringBackend:
    """The keyring backend to store secrets in (default: keyring's own choice).

    Raises SecretsUnavailable, naming what was refused, when nothing safe remains.
    """
    chosen = backend if backend is not None else keyring.get_keyring()
    accepted: list[KeyringBackend] = []
    refused: list[str] = []
    _sort_out(chosen, accepted, refused)
    if not accepted:
        raise _unavailable(refused)
    # For a chainer, return its single best acceptable member rather than a filtered
    # chainer: a chainer writes to the first member that takes the secret but reads
    # from all of them, so "where is my password" would have several answers, and
    # ChainerBackend.backends is a read-only classproperty (a filtered copy needs a
    # subclass, which keyring registers globally as a candidate backend). One member
    # gives one well-defined, nameable place. max() keeps the first on ties, i.e.
    # keyring's own order.
    return max(accepted, key=_priority)


@runtime_checkable
class SecretStore(Protocol):
    """Where one workspace's secrets go."""

    persistent: bool  # False: forgotten when the process exits

    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...
    def describe(self) -> str: ...


def _username(workspace_uid: str, name: str) -> str:
    # The uid is the namespace: a ":" in it would let "a:b" + "c" meet "a" + "b:c".
    if not workspace_uid or ":" in workspace_uid:
        raise ValueError(f"invalid workspace uid: {workspace_uid!r}")
    if not name:
        raise ValueError("a secret needs a name")
    return f"{workspace_uid}:{name}"


def _optional_error(module: str, attribute: str) -> list[type[BaseException]]:
    # Backend libraries are platform-specific (jeepney/secretstorage on Linux, dbus-python
    # for KWallet, win32ctypes on Windows): import what exists, by name, so this module
    # imports everywhere and mypy needs no stubs for them.
    try:
        found = getattr(importlib.import_module(module), attribute)
    except Exception:
        return []
    return [found] if isinstance(found, type) and issubclass(found, BaseException) else []


def _backend_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    locked: list[type[BaseException]] = [keyring.errors.KeyringLocked]
    locked += _optional_error("secretstorage.exceptions", "LockedException")
    locked += _optional_error("secretstorage.exceptions", "PromptDismissedException")
    # Only errors that mean "the keyring did not work" become SecretsUnavailable; a
    # TypeError or similar is a bug in cmdesk and must surface as one.
    broken: list[type[BaseException]] = [keyring.errors.KeyringError, OSError, EOFError]
    broken += _optional_error("secretstorage.exceptions", "SecretStorageException")
    broken += _optional_error("jeepney.wrappers", "DBusErrorResponse")
    broken += _optional_error("dbus.exceptions", "DBusException")
    if sys.platform == "darwin":  # its api module loads the Security framework on import
        broken += _optional_error("keyring.backends.macOS.api", "Error")
    if sys.platform == "win32":
        broken += _optional_error("win32ctypes.pywin32.pywintypes", "error")
    return tuple(locked), tuple(broken)


_LOCKED_ERRORS, _BACKEND_ERRORS = _backend_errors()

T = TypeVar("T")


class KeyringSecrets:
    """One workspace's secrets in the system keyring, service "cmdesk",
    username "<workspace uid>:<name>"."""

    persistent = True

    def __init__(self, workspace_uid: str, backend: KeyringBackend | None = None) -> None:
        _username(workspace_uid, "probe")  # reject a bad uid now, not at first use
        self.uid = workspace_uid
        # Eager: a workspace that cannot keep secrets should say so when it opens, not
        # when the user first saves a password.
        self.backend = select_backend(backend)

    def _call(self, fn: Callable[..., T], *args: str) -> T:
        try:
            return fn(*args)
        except _LOCKED_ERRORS as exc:
            raise SecretsLocked(
                _("The keyring is locked: unlock it (log in or open your keyring app), then retry.")
            ) from exc
        except _BACKEND_ERRORS as exc:
            raise SecretsUnavailable(
                _("The keyring could not be used ({error}).").format(error=type(exc).__name__)
                + " "
                + _install_hint(),
                [backend_name(self.backend)],
            ) from exc

    def get(self, name: str) -> str | None:
        value: Any = self._call(self.backend.get_password, SERVICE, _username(self.uid, name))
        if not isinstance(value, str):
            return None
        remember_for_redaction(value)
        return value

    def set(self, name: str, value: str) -> None:
        remember_for_redaction(value)  # first, so even a failing write's traceback is masked
        self._call(self.backend.set_password, SERVICE, _username(self.uid, name), value)

    def delete(self, name: str) -> None:
        def delete_if_present(service: str, username: str) -> None:
            # What is not there is deleted: backends raise PasswordDeleteError for "not found".
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                self.backend.delete_password(service, username)

        self._call(delete_if_present, SERVICE, _username(self.uid, name))

    def describe(self) -> str:
        return _("the system keyring ({backend})").format(backend=backend_name(self.backend))


# Session-only mode: one dict for the whole process, so that every workspace opened
# during the session sees the passwords typed earlier (namespaced like the keyring).
_session: dict[str, str] = {}
_session_lock = threading.Lock()


class MemorySecrets:
    """Session-only mode: secrets in this process's memory, forgotten at exit."""

    persistent = False

    def __init__(self, workspace_uid: str) -> None:
        _username(workspace_uid, "probe")
        self.uid = workspace_uid

    def get(self, name: str) -> str | None:
        with _session_lock:
            value = _session.get(_username(self.uid, name))
        remember_for_redaction(value)
        return value

    def set(self, name: str, value: str) -> None:
        remember_for_redaction(value)
        with _session_lock:
            _session[_username(self.uid, name)] = value

    def delete(self, name: str) -> None:
        with _session_lock:
            _session.pop(_username(self.uid, name), None)

    def describe(self) -> str:
        return _("memory, for this session only")


def open_secrets(workspace_uid: str, session_only: bool = False) -> SecretStore:
    """The store for a workspace; raises SecretsUnavailable unless session_only."""
    if session_only:
        return MemorySecrets(workspace_uid)
    return KeyringSecrets(workspace_uid)


def check(backend: KeyringBackend | None = None) -> dict[str, Any]:
    """For `cmdesk secrets check` and the Settings view; never raises.

    Only selects the backend (whose priority probe reaches the service): it reads
    nothing, so a locked keyring does not pop an unlock prompt at start-up.
    """
    try:
        chosen = select_backend(backend)
    except SecretsUnavailable as exc:
        return {"ok": False, "backend": ", ".join(exc.refused), "message": exc.message}
    except Exception as exc:  # keyring's own configuration loading may fail: report it
        return {
            "ok": False,
            "backend": backend_name(backend) if backend is not None else "",
            "message": _("The keyring could not be used ({error}).").format(
                error=type(exc).__name__
            )
            + " "
            + _install_hint(),
        }
    return {
        "ok": True,
        "backend": backend_name(chosen),
        "message": _("Passwords are stored in {backend}.").format(backend=backend_name(chosen)),
    }
