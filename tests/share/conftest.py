"""A client with some of everything, for the export and delivery tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The loopback HTTP server of the connector tests serves the webhook tests too.
_PUBLISH = str(Path(__file__).resolve().parent.parent / "publish")
if _PUBLISH not in sys.path:
    sys.path.insert(0, _PUBLISH)

from certificates import Certificates, make_certificates  # noqa: E402
from cmdesk.core.client import ClientProfile  # noqa: E402
from cmdesk.store.workspace import Workspace  # noqa: E402
from exports_data import fill  # noqa: E402
from smtp_server import SmtpServer, running_smtp  # noqa: E402


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(name="Fournil de Léa", slug="lea", timezone="Europe/Paris")
    with Workspace.create(tmp_path / "lea.cmdesk", profile) as w:
        fill(w)
        yield w


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A certificate authority of the test's own, and the SMTP server's certificate."""
    return make_certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def starttls(certs: Certificates) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 offering STARTTLS and requiring a login."""
    with running_smtp(certs, security="starttls") as server:
        yield server
