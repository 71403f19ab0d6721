"""CLI fixtures: the command line run in-process, or as a real second program."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cmdesk.cli import main
from cmdesk.store.workspace import Workspace
from exports_data import fill


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def cli(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Run]:
    """`cli("clients", "list")` runs `cmdesk --home HOME clients list` in this process."""
    monkeypatch.setenv("LANGUAGE", "en")  # messages are asserted in English

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(["--home", str(home), *args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def filled_client(cli, home: Path) -> Path:
    """A client with some of everything (tests/exports_data.py), made by the command line."""
    made = cli("clients", "create", "Fournil de Léa", "--slug", "lea", "--timezone", "Europe/Paris")
    assert made.code == 0, made.err
    path = home / "clients" / "lea.cmdesk"
    with Workspace.open(path) as ws:
        fill(ws)
    return path
