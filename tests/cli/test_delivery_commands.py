"""`cmdesk smtp`, `cmdesk deliveries` and `cmdesk send-due` as real programs, against a
real SMTP server on 127.0.0.1 and a real Secret Service; `kill -9` between claim and
confirm leaves the send to check, never sent twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from certificates import make_certificates
from cli_spawn import spawn, wait_for
from cmdesk.core.client import ClientProfile
from cmdesk.store.workspace import Workspace
from smtp_server import PASSWORD, USER, SmtpServer, running_smtp

TEAM_MAIL = "qualite@fournil.example"


_cli = spawn


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    with running_smtp(make_certificates(tmp_path / "certs"), security="starttls") as server:
        yield server


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    path = home / "clients" / "lea.cmdesk"
    profile = ClientProfile(name="Fournil de Léa", slug="lea", timezone="Europe/Paris")
    with Workspace.create(path, profile) as ws:
        ws.teams.add("Qualité", kind="product", email=TEAM_MAIL)
    return home


def test_smtp_deliveries_and_send_due_with_a_kill_between_claim_and_confirm(
    home: Path, smtp: SmtpServer, secret_service: object
) -> None:
    ca = str(smtp.certificates.ca)
    wrong = _cli(home, "smtp", "set", "--host", smtp.host, "--port", str(smtp.port),
                 "--security", "none", "--user", USER)  # fmt: skip
    assert wrong.returncode == 2 or wrong.returncode == 4
    assert "never sends a password over an unencrypted connection" in wrong.stderr
    done = _cli(
        home, "--json", "smtp", "set", "--host", smtp.host, "--port", str(smtp.port),
        "--security", "starttls", "--user", USER, "--from-name", "Léa", "--cafile", ca,
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in (home / "smtp.json").read_text()
    tested = _cli(home, "smtp", "test")
    assert tested.returncode == 0, tested.stderr
    assert "accepts cmdesk" in tested.stdout

    refused = _cli(
        home, "--client", "lea", "deliveries", "add", "export", "--every", "week",
        "--team", "Qualité", "--webhook", "http://127.0.0.1:9/hooks/x",
        "--webhook-format", "slack",
    )  # fmt: skip
    assert refused.returncode == 4 and "cannot carry files" in refused.stderr
    added = _cli(
        home, "--client", "lea", "--json", "deliveries", "add", "export",
        "--every", "week", "--on", "mon", "--at", "08:00", "--team", "Qualité",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    schedule = json.loads(added.stdout)
    assert (schedule["target"], schedule["when"]) == ("Qualité", "every Monday at 08:00")
    listed = json.loads(_cli(home, "--client", "lea", "--json", "deliveries", "list").stdout)
    assert [s["id"] for s in listed] == [schedule["id"]]

    # Created just now: nothing is due yet. "Send now" sends last week, once.
    due = _cli(home, "--json", "send-due")
    assert due.returncode == 0, due.stderr
    assert json.loads(due.stdout)["clients"][0]["outcomes"] == []
    sent = _cli(home, "--client", "lea", "--json", "deliveries", "send", str(schedule["id"]))
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["result"] == "sent"
    again = _cli(home, "--client", "lea", "deliveries", "send", str(schedule["id"]))
    assert again.returncode == 4 and "already handled" in again.stderr
    assert len(smtp.handler.received) == 1

    # The server takes its time over the message: the kill lands between claim and confirm.
    smtp.handler.data_delay_s = 3
    smtp.handler.data_started.clear()
    runner = subprocess.Popen(
        [sys.executable, "-m", "cmdesk", "--home", str(home), "--client", "lea",
         "deliveries", "send", str(schedule["id"]), "--period", "2026-W10"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "LANGUAGE": "en"},
    )  # fmt: skip
    try:
        wait_for(smtp.handler.data_started.is_set, "the message to reach the server")
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait(10)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait(10)
    time.sleep(3.5)  # the server finishes with the message, or drops it with the connection
    smtp.handler.data_delay_s = 0
    taken = len(smtp.handler.received)
    assert taken in (1, 2)

    after = _cli(home, "--json", "send-due")
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["clients"][0]["outcomes"] == []
    log = json.loads(_cli(home, "--client", "lea", "--json", "deliveries", "log").stdout)
    states = {r["period"]: r["state"] for r in log}
    assert states["2026-W10"] == "unknown"
    retry = _cli(home, "--client", "lea", "deliveries", "send", str(schedule["id"]),
                 "--period", "2026-W10")  # fmt: skip
    assert retry.returncode == 4 and "already handled" in retry.stderr
    assert len(smtp.handler.received) == taken
    unknown = next(r for r in log if r["period"] == "2026-W10")
    resolved = _cli(home, "--client", "lea", "--json", "deliveries", "resolve",
                    str(unknown["id"]), "--arrived")  # fmt: skip
    assert json.loads(resolved.stdout)["state"] == "sent"

    # The password is in the keyring, and nowhere cmdesk writes.
    written = [p for p in home.rglob("*") if p.is_file() and PASSWORD.encode() in p.read_bytes()]
    assert written == []
    assert secret_service.files_containing(PASSWORD) == []  # type: ignore[attr-defined]
