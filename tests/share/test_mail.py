"""E-mail through a real SMTP server on 127.0.0.1 (aiosmtpd): implicit TLS and STARTTLS
with a certificate authority made by the test, AUTH, and the ways a send fails."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from certificates import Certificates, make_certificates
from cmdesk.core.delivery import Attachment, Document, MaybeSent, NotSent
from cmdesk.core.errors import InvalidData
from cmdesk.share.mail import SmtpSettings, check_connection, send_mail
from smtp_server import (
    PASSWORD,
    USER,
    SmtpServer,
    free_port,
    running_smtp,
    silent_server,
)

DOC = Document(
    subject="Fournil de Léa — interactions de la semaine",
    text="3 interactions cette semaine.\n",
    html="<p>3 interactions <b>cette semaine</b>.</p>",
    attachments=(Attachment("semaine.csv", "text/csv", "id;texte\n1;Très bon\n".encode()),),
)
TO = ("sav@fournil.example",)
# aiosmtpd warns of AUTH without STARTTLS under implicit TLS: that connection is TLS.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def implicit_tls(certs: Certificates) -> Iterator[SmtpServer]:
    with running_smtp(certs, security="tls") as server:
        yield server


def _settings(server: SmtpServer, security: str = "starttls", **more: object) -> SmtpSettings:
    values: dict[str, object] = {
        "host": server.host, "port": server.port, "security": security, "username": USER,
        "from_address": USER, "from_name": "Léa Martin", "reply_to": "lea@perso.example",
        "cafile": str(server.certificates.ca), "timeout_s": 5.0,
    }  # fmt: skip
    values.update(more)
    return SmtpSettings(**values).validated()  # type: ignore[arg-type]


def test_starttls_with_login_delivers_text_html_and_files(starttls: SmtpServer) -> None:
    detail = send_mail(_settings(starttls), PASSWORD, TO, DOC)

    [got] = starttls.handler.received
    assert (got.sender, got.recipients, got.login) == (USER, list(TO), USER)
    message = got.message
    assert message["Subject"] == DOC.subject
    assert message["From"] == "Léa Martin <lea@fournil.example>"
    assert message["Reply-To"] == "lea@perso.example"
    assert message["Message-ID"] in detail
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(("html", "plain"))
    assert body is not None and body.get_content_type() == "text/html"
    assert "<b>cette semaine</b>" in body.get_content()
    alternative = next(p for p in message.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    assert plain is not None and "3 interactions" in plain.get_content()
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == "semaine.csv"
    assert attached.get_payload(decode=True) == DOC.attachments[0].data


def test_implicit_tls_on_its_own_port(implicit_tls: SmtpServer) -> None:
    send_mail(_settings(implicit_tls, "tls"), PASSWORD, TO, DOC)
    assert len(implicit_tls.handler.received) == 1
    said = check_connection(_settings(implicit_tls, "tls"), PASSWORD)
    assert said == "mail.fournil.example"
    with pytest.raises(NotSent, match="refused the user name"):
        check_connection(_settings(implicit_tls, "tls"), "wrong")


def test_wrong_password_is_refused_and_nothing_is_sent(starttls: SmtpServer) -> None:
    with pytest.raises(NotSent, match="refused the user name or the password") as caught:
        send_mail(_settings(starttls), "wrong", TO, DOC)
    assert not caught.value.transient
    assert starttls.handler.received == []


def test_an_unknown_certificate_is_refused_not_ignored(
    starttls: SmtpServer, implicit_tls: SmtpServer
) -> None:
    for server, security in ((starttls, "starttls"), (implicit_tls, "tls")):
        settings = _settings(server, security, cafile="")
        with pytest.raises(NotSent, match=r"certificate of 127\.0\.0\.1 is not trusted"):
            send_mail(settings, PASSWORD, TO, DOC)
        assert server.handler.received == []


def test_a_certificate_for_another_name_is_refused(tmp_path: Path) -> None:
    other = make_certificates(tmp_path / "other", names=("mail.other.example",))
    # The certificate names 127.0.0.1 too: ask for the server by a name it does not carry.
    with running_smtp(other, security="tls") as server:
        settings = _settings(server, "tls", host="localhost")
        with pytest.raises(NotSent, match="not trusted"):
            send_mail(settings, PASSWORD, TO, DOC)


def test_no_password_over_a_plain_connection(certs: Certificates) -> None:
    with pytest.raises(InvalidData, match="never sends a password over an unencrypted"):
        SmtpSettings("127.0.0.1", 25, "none", username=USER).validated()
    # A server that offers no STARTTLS is not talked to in clear when STARTTLS was asked.
    with running_smtp(certs, security="none", auth=False) as server:
        with pytest.raises(NotSent, match="does not offer STARTTLS") as caught:
            send_mail(_settings(server), PASSWORD, TO, DOC)
        assert not caught.value.transient
        assert server.handler.received == []
        # Without a login, a relay that needs none is fine.
        plain = SmtpSettings(server.host, server.port, "none", from_address=USER).validated()
        send_mail(plain, "", TO, DOC)
        assert len(server.handler.received) == 1


def test_tls_to_a_starttls_port_says_to_check_the_port(starttls: SmtpServer) -> None:
    with pytest.raises(NotSent, match="Check the port and the security"):
        send_mail(_settings(starttls, "tls"), PASSWORD, TO, DOC)


def test_server_down_is_transient() -> None:
    settings = SmtpSettings("127.0.0.1", free_port(), "tls", USER, USER).validated()
    with pytest.raises(NotSent, match="could not be reached") as caught:
        send_mail(settings, PASSWORD, TO, DOC)
    assert caught.value.transient


def test_a_silent_server_times_out_before_anything_is_sent() -> None:
    with silent_server() as port:
        settings = SmtpSettings(
            "127.0.0.1", port, "starttls", USER, USER, timeout_s=0.5
        ).validated()
        started = time.monotonic()
        with pytest.raises(NotSent, match="did not answer in time") as caught:
            send_mail(settings, PASSWORD, TO, DOC)
    assert caught.value.transient
    assert time.monotonic() - started < 5


def test_a_timeout_after_the_message_left_is_unknown(starttls: SmtpServer) -> None:
    starttls.handler.data_delay_s = 3
    with pytest.raises(MaybeSent, match="it may have arrived"):
        send_mail(_settings(starttls, timeout_s=0.8), PASSWORD, TO, DOC)


def test_5xx_refusals_keep_the_server_words(starttls: SmtpServer) -> None:
    starttls.handler.refuse_rcpt = {"sav@fournil.example": "550 5.1.1 No such mailbox"}
    with pytest.raises(NotSent, match="No such mailbox") as caught:
        send_mail(_settings(starttls), PASSWORD, TO, DOC)
    assert not caught.value.transient

    # One recipient refused of two: sent to the other, the refusal kept in the detail.
    detail = send_mail(_settings(starttls), PASSWORD, (*TO, "com@fournil.example"), DOC)
    assert "No such mailbox" in detail
    assert starttls.handler.received[0].recipients == ["com@fournil.example"]

    starttls.handler.refuse_rcpt = {}
    starttls.handler.data_reply = "554 5.7.1 Message rejected as spam"
    with pytest.raises(NotSent, match="rejected as spam") as caught:
        send_mail(_settings(starttls), PASSWORD, TO, DOC)
    assert not caught.value.transient
    starttls.handler.data_reply = "451 4.3.0 Try again later"
    with pytest.raises(NotSent, match="Try again later") as caught:
        send_mail(_settings(starttls), PASSWORD, TO, DOC)
    assert caught.value.transient
