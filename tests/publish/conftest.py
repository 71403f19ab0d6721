"""Connector fixtures: loopback servers for Mastodon and WordPress, a real Bluesky PDS."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # loopback, mastodon_server, ... are imported by name
    sys.path.insert(0, _HERE)

from loopback import LoopbackServer  # noqa: E402
from mastodon_server import MastodonServer  # noqa: E402
from pds import Pds, running_pds  # noqa: E402
from wordpress_server import WordPressServer  # noqa: E402

from cmdesk.store.secrets import MemorySecrets  # noqa: E402


@pytest.fixture
def secrets() -> MemorySecrets:
    # Session-only store: the keyring itself is tested in tests/store.
    return MemorySecrets(uuid.uuid4().hex)


@pytest.fixture
def mastodon() -> Iterator[MastodonServer]:
    with LoopbackServer() as server:
        yield MastodonServer(server)


@pytest.fixture
def wordpress() -> Iterator[WordPressServer]:
    with LoopbackServer() as server:
        yield WordPressServer(server)


@pytest.fixture(scope="session")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pds]:
    """One real PDS for the session (a few seconds to start)."""
    with running_pds(tmp_path_factory.mktemp("pds")) as running:
        yield running
