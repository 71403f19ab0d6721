"""A client with some of everything, for the export tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.store.workspace import Workspace
from exports_data import fill


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(name="Fournil de Léa", slug="lea", timezone="Europe/Paris")
    with Workspace.create(tmp_path / "lea.cmdesk", profile) as w:
        fill(w)
        yield w
