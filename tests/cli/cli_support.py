"""Helpers for the CLI tests: run `cmdesk` in this process or as a real second program.

Not a conftest: tests/cli/conftest.py already exists, and these helpers are imported by
name so their types can be used in annotations.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cmdesk.cli import main


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def data(self) -> Any:
        """The single JSON document printed on stdout (fails the test if it is not one)."""
        return json.loads(self.out)


class Cli:
    """`cli("clients", "list")` runs `cmdesk --home HOME clients list` in this process."""

    def __init__(self, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.home = home
        self._capsys = capsys

    def __call__(self, *args: str) -> Result:
        self._capsys.readouterr()  # drop anything printed before this command
        try:
            code = main(["--home", str(self.home), *args])
        except SystemExit as done:
            # argparse (usage errors, --version, --help) exits instead of returning.
            code = done.code if isinstance(done.code, int) else 1
        captured = self._capsys.readouterr()
        return Result(int(code), captured.out, captured.err)

    def ok(self, *args: str) -> Result:
        """Run a command that must succeed; shows its stderr when it does not."""
        result = self(*args)
        assert result.code == 0, (args, result.code, result.err)
        return result

    def workspace(self, slug: str) -> Path:
        return self.home / "clients" / f"{slug}.cmdesk"


def english_env() -> dict[str, str]:
    """The environment for a child process: English messages, never the user's home."""
    env = {k: v for k, v in os.environ.items() if k != "CMDESK_HOME"}
    env.update(LANGUAGE="en", LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONUNBUFFERED="1")
    return env


def spawn_cli(home: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """`python -m cmdesk --home HOME ARGS` as a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "cmdesk", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=english_env(),
    )


def start_script(script: str, *args: str) -> subprocess.Popen[str]:
    """A Python snippet as a separate process, its stdout readable line by line."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=english_env(),
    )


def stop(process: subprocess.Popen[str]) -> None:
    """Kill a helper process started by a test (only that one) and reap it."""
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=10)


def corrupt_pages(path: Path) -> bytes:
    """Overwrite pages 2-4 of a workspace with garbage; returns the damaged bytes.

    The header stays valid so SQLite opens the file and only the integrity check
    finds the damage.
    """
    data = bytearray(path.read_bytes())
    assert len(data) >= 4096 * 4, "the workspace is too small to damage pages 2-4"
    data[4096 : 4096 * 4] = b"\x5a" * (4096 * 3)
    path.write_bytes(bytes(data))
    return bytes(data)
