"""A real SMTP server on 127.0.0.1 for the delivery tests: aiosmtpd with AUTH, STARTTLS
or implicit TLS, a certificate authority of the test's own (made with cryptography), and
faults: a refusal (5xx) at RCPT or DATA, a server that takes its time over DATA."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from certificates import Certificates

USER = "lea@fournil.example"
PASSWORD = "pain-au-levain-42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    login: str

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    """What the server does: keeps every message, or refuses, or takes its time."""

    received: list[Received] = field(default_factory=list)
    refuse_rcpt: dict[str, str] = field(default_factory=dict)  # address -> "550 …"
    data_reply: str = "250 Message accepted"
    data_delay_s: float = 0.0
    data_started: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_started.set()
        if self.data_delay_s:
            await asyncio.sleep(self.data_delay_s)
        if self.data_reply.startswith("250"):
            login = session.auth_data.login.decode() if session.auth_data else ""
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, login)
            )
        return self.data_reply


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USER
        and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: Handler
    certificates: Certificates


@contextlib.contextmanager
def running_smtp(
    certificates: Certificates, *, security: str = "starttls", auth: bool = True
) -> Iterator[SmtpServer]:
    """An SMTP server: `security` "tls" (implicit, like port 465), "starttls" (offered,
    like 587) or "none" (never offered); with `auth`, only USER/PASSWORD may send."""
    handler = Handler()
    port = free_port()
    kwargs: dict[str, Any] = {}
    if security == "tls":
        kwargs["ssl_context"] = certificates.server_context()
    elif security == "starttls":
        kwargs["tls_context"] = certificates.server_context()
        kwargs["require_starttls"] = True
    if auth:
        # aiosmtpd counts only STARTTLS as encrypted: under implicit TLS it would not
        # offer AUTH at all unless told the connection needs nothing more.
        kwargs.update(authenticator=_authenticator, auth_required=True,
                      auth_require_tls=security == "starttls")  # fmt: skip
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, server_hostname="mail.fournil.example",
        ready_timeout=10, **kwargs,
    )  # fmt: skip
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler, certificates)
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word (no SMTP greeting)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        for conn in accepted:
            conn.close()
        listener.close()
