"""Store fixtures: a Secret Service of a test's own, for the tests that lock or stop it
(the shared one is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from keyring_service import (
    SecretService,
    SecretServiceMissing,
    missing_service,
    running_secret_service,
)


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
        missing_service(str(exc))
