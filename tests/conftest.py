"""Suite-wide settings. No PySide6 here: the engine tests also run where it is absent."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from keyring_service import SecretService

# Tests never need a display or the user's data, even when run without `make test`.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("CMDESK_HOME", None)

# Helper modules beside the tests (keyring_service, ...) are imported by name.
_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)


@pytest.fixture(autouse=True)
def _english_messages() -> None:
    """Assertions read English text; the French catalogue has its own tests."""
    from cmdesk.i18n import set_language

    set_language("en")


# -- a real, private Secret Service (tests/keyring_service.py), shared by the suite ----------


@pytest.fixture(scope="session")
def secret_service_daemons(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretService]:
    """One dbus-daemon + gnome-keyring-daemon for the whole session (stopped at its end)."""
    from keyring_service import SecretServiceMissing, missing_service, running_secret_service

    try:
        with running_secret_service(tmp_path_factory.mktemp("secret-service")) as service:
            yield service
    except SecretServiceMissing as exc:
        missing_service(str(exc))


@pytest.fixture
def secret_service(
    secret_service_daemons: SecretService, monkeypatch: pytest.MonkeyPatch
) -> SecretService:
    """The shared Secret Service, reachable through DBUS_SESSION_BUS_ADDRESS for this test."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_daemons.address)
    return secret_service_daemons
