"""Store fixtures: a real, private Secret Service for the keyring tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from keyring_service import (
    SecretService,
    SecretServiceMissing,
    running_secret_service,
)


def _missing(reason: str) -> None:
    # A developer without gnome-keyring gets a skip; CI installs it (.ci/run), so there a
    # missing Secret Service is a broken setup and must fail, not pass silently.
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but no Secret Service can run: {reason}")
    pytest.skip(f"no Secret Service for the keyring tests: {reason}")


@pytest.fixture(scope="session")
def secret_service_daemons(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretService]:
    """One dbus-daemon + gnome-keyring-daemon for the whole session (stopped at its end)."""
    try:
        with running_secret_service(tmp_path_factory.mktemp("secret-service")) as service:
            yield service
    except SecretServiceMissing as exc:
        _missing(str(exc))


@pytest.fixture
def secret_service(
    secret_service_daemons: SecretService, monkeypatch: pytest.MonkeyPatch
) -> SecretService:
    """The shared Secret Service, reachable through DBUS_SESSION_BUS_ADDRESS for this test."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_daemons.address)
    return secret_service_daemons


@pytest.fixture
def private_secret_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SecretService]:
    """A Secret Service of this test's own, for tests that lock or stop it."""
    try:
        with running_secret_service(tmp_path / "secret-service") as service:
            monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", service.address)
            yield service
    except SecretServiceMissing as exc:
        _missing(str(exc))
