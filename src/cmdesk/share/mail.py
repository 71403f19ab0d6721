"""E-mail through the user's own SMTP server: implicit TLS (port 465) or STARTTLS (587),
the server's certificate verified, the password in the OS keyring only.

The settings are the user's, not a client's: a freelancer sends every client's reports
through one mailbox, and a workspace handed over to a client must not carry the
consultant's server. They live in the cmdesk folder (`smtp.json`, beside the
preferences, readable by the command line without Qt); the password is in the keyring
under the server and the user name, never in that file, a workspace, a log or an export.

What a failure means for the message is decided by where it happened: before the DATA
command nothing can have been delivered (NotSent); after the message left, a cut
connection or a silence leaves it unknown (MaybeSent), never sent again by itself.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from dataclasses import asdict, dataclass, replace
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from typing import Any

from cmdesk.core.delivery import Document, MaybeSent, NotSent, split_addresses
from cmdesk.core.errors import InvalidData
from cmdesk.core.redaction import remember_for_redaction
from cmdesk.i18n import _
from cmdesk.store.paths import Home
from cmdesk.store.secrets import SecretStore, open_secrets

SECURITY = ("tls", "starttls", "none")
DEFAULT_PORTS = {"tls": 465, "starttls": 587, "none": 25}
SETTINGS_FILE = "smtp.json"
# Keyring namespace of SMTP passwords (a workspace's secrets use its uid instead).
SECRETS_NAMESPACE = "smtp"
MAX_MESSAGE = 25 * 2**20  # what most providers accept, attachments encoded included


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 465
    security: str = "tls"
    username: str = ""
    from_address: str = ""
    from_name: str = ""
    reply_to: str = ""
    # A certificate to trust besides the system's authorities: a small firm's server with
    # its own (self-signed) certificate. Verification itself is never turned off.
    cafile: str = ""
    timeout_s: float = 30.0

    @property
    def secret_name(self) -> str:
        return f"{self.username}@{self.host.lower()}"

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"

    def validated(self) -> SmtpSettings:
        host = self.host.strip().lower()
        if not host or any(c in host for c in " /:@"):
            raise InvalidData(_("Give the mail server's name, e.g. smtp.example.fr."))
        if self.security not in SECURITY:
            raise InvalidData(_("The security is tls, starttls or none."))
        if not 0 < int(self.port) < 65536:
            raise InvalidData(_("{port} is not a port number.").format(port=self.port))
        username = self.username.strip()
        if username and self.security == "none":
            raise InvalidData(
                _(
                    "cmdesk never sends a password over an unencrypted connection: choose "
                    "TLS (port 465) or STARTTLS (port 587), or leave the user name empty for "
                    "a server that needs no login."
                )
            )
        sender = (self.from_address or username).strip()
        if not sender:
            raise InvalidData(_("Give the address the messages come from (--from)."))
        split_addresses(sender)
        if self.reply_to.strip():
            split_addresses(self.reply_to)
        cafile = str(Path(self.cafile).expanduser().resolve()) if self.cafile.strip() else ""
        if cafile and not Path(cafile).is_file():
            raise InvalidData(_("There is no certificate file {path}.").format(path=cafile))
        if any(c in self.from_name for c in "\r\n"):
            raise InvalidData(_("The sender's name must fit on one line."))
        return replace(
            self,
            host=host,
            port=int(self.port),
            username=username,
            from_address=sender,
            from_name=self.from_name.strip(),
            reply_to=self.reply_to.strip(),
            cafile=cafile,
        )

    def describe(self) -> str:
        security = {"tls": "TLS", "starttls": "STARTTLS", "none": _("no encryption")}
        text = f"{self.server} ({security[self.security]})"
        if self.username:
            text += " — " + _("user {name}").format(name=self.username)
        return (
            text
            + " — "
            + _("from {address}").format(address=formataddr((self.from_name, self.from_address)))
        )


# -- where the settings and the password are kept ---------------------------------------------


def settings_path(home: Home) -> Path:
    return home.root / SETTINGS_FILE


def load_settings(home: Home) -> SmtpSettings | None:
    """The user's SMTP settings; None when none were set."""
    path = settings_path(home)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise InvalidData(
            _("The mail settings in {path} cannot be read ({error}): set them again.").format(
                path=path, error=exc
            )
        ) from exc
    known = {k: v for k, v in data.items() if k in SmtpSettings.__dataclass_fields__}
    try:
        return SmtpSettings(**known)
    except TypeError as exc:
        raise InvalidData(
            _("The mail settings in {path} cannot be read ({error}): set them again.").format(
                path=path, error=exc
            )
        ) from exc


def save_settings(home: Home, settings: SmtpSettings) -> Path:
    """Write the settings (never a password) in place of the old ones, whole or not at all."""
    path = settings_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(json.dumps(asdict(settings), indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path


def password_store() -> SecretStore:
    """Where SMTP passwords are: the system keyring (SecretsUnavailable without one)."""
    return open_secrets(SECRETS_NAMESPACE)


def password_for(settings: SmtpSettings, store: SecretStore) -> str:
    """The stored password ("" for a server without login)."""
    if not settings.username:
        return ""
    value = store.get(settings.secret_name)
    if not value:
        raise NotSent(
            _(
                "No password is stored for {user} on {host}: set it with `cmdesk smtp set` or "
                "in Settings → Deliveries."
            ).format(user=settings.username, host=settings.host)
        )
    return value


# -- the message ------------------------------------------------------------------------------


def build_message(
    settings: SmtpSettings, recipients: tuple[str, ...], document: Document
) -> EmailMessage:
    """multipart/alternative text and HTML (the HTML is the body shown), files attached."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = formataddr((settings.from_name, settings.from_address))
    message["To"] = ", ".join(recipients)
    if settings.reply_to:
        message["Reply-To"] = settings.reply_to
    message["Subject"] = " ".join(document.subject.split())
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings.from_address.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(document.text)
    if document.html:
        message.add_alternative(document.html, subtype="html")
    for item in document.attachments:
        maintype, _slash, subtype = item.mime.partition("/")
        message.add_attachment(
            item.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=item.filename,
        )
    return message


# -- talking to the server --------------------------------------------------------------------


def _context(settings: SmtpSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.cafile:
        context.load_verify_locations(cafile=settings.cafile)
    return context


def _reply(reply: Any) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:300]


def _refused(settings: SmtpSettings, code: int, reply: Any) -> NotSent:
    """The server said no (before the message was accepted): 4xx may pass, 5xx will not."""
    return NotSent(
        _("{host} refused the message: {code} {reply}").format(
            host=settings.host, code=code, reply=_reply(reply)
        ),
        transient=400 <= code < 500,
    )


class _Connection:
    """One SMTP session, encrypted and logged in, or a NotSent saying why not."""

    def __init__(self, settings: SmtpSettings, password: str) -> None:
        self.settings = settings
        context = _context(settings)
        s = settings
        try:
            if s.security == "tls":
                self.smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout_s, context=context
                )
            else:
                self.smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        except ssl.SSLCertVerificationError as exc:
            raise self._untrusted(exc) from exc
        except ssl.SSLError as exc:
            raise self._no_tls(exc) from exc
        except (OSError, smtplib.SMTPException) as exc:
            if _timed_out(exc):
                raise NotSent(self._silent(), transient=True) from exc
            raise NotSent(
                _("The mail server {server} could not be reached ({detail}); nothing was sent.")
                .format(server=s.server, detail=_detail(exc)),
                transient=True,
            ) from exc  # fmt: skip
        try:
            self._start(context, password)
        except BaseException:
            self.close()
            raise

    def _start(self, context: ssl.SSLContext, password: str) -> None:
        s = self.settings
        try:
            self.smtp.ehlo()
            if s.security == "starttls":
                if not self.smtp.has_extn("starttls"):
                    raise NotSent(
                        _(
                            "{host} does not offer STARTTLS: cmdesk sends neither a password nor "
                            "a message over an unencrypted connection. Check the port and the "
                            "security (465 uses TLS, 587 STARTTLS)."
                        ).format(host=s.host)
                    )
                self.smtp.starttls(context=context)
                self.smtp.ehlo()
            if s.username:
                remember_for_redaction(password)
                self.smtp.login(s.username, password)
        except ssl.SSLCertVerificationError as exc:
            raise self._untrusted(exc) from exc
        except ssl.SSLError as exc:
            raise self._no_tls(exc) from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise NotSent(
                _("{host} refused the user name or the password: {reply}").format(
                    host=s.host, reply=_reply(exc.smtp_error)
                )
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise NotSent(
                _("{host} does not accept a login (AUTH) on this connection.").format(host=s.host)
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise _refused(s, exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise self._broke_off(exc) from exc

    def _untrusted(self, exc: ssl.SSLCertVerificationError) -> NotSent:
        return NotSent(
            _(
                "The certificate of {host} is not trusted ({detail}); nothing was sent. If the "
                "server uses a certificate of its own, give its file as the certificate to "
                "trust."
            ).format(host=self.settings.host, detail=exc.verify_message or _detail(exc))
        )

    def _no_tls(self, exc: ssl.SSLError) -> NotSent:
        return NotSent(
            _(
                "No encrypted connection could be made with {server} ({detail}). Check the port "
                "and the security: 465 uses TLS, 587 STARTTLS."
            ).format(server=self.settings.server, detail=exc.reason or _detail(exc))
        )

    def _broke_off(self, exc: BaseException) -> NotSent:
        """The connection failed before the message was handed over: nothing was sent."""
        if _timed_out(exc):
            return NotSent(self._silent(), transient=True)
        return NotSent(
            _("The connection to {server} broke off ({detail}); nothing was sent.").format(
                server=self.settings.server, detail=_detail(exc)
            ),
            transient=True,
        )

    def _silent(self) -> str:
        return _("The mail server {server} did not answer in time; nothing was sent.").format(
            server=self.settings.server
        )

    def send(self, message: EmailMessage, recipients: tuple[str, ...]) -> str:
        """Send one message; returns what the log keeps (Message-ID, refused recipients)."""
        s, smtp = self.settings, self.smtp
        data = message.as_bytes()
        limit = int(smtp.esmtp_features.get("size", "0") or 0) if smtp.does_esmtp else 0
        if len(data) > MAX_MESSAGE or (limit and len(data) > limit):
            raise NotSent(
                _("The message is too large for {host} ({size} MB).").format(
                    host=s.host, size=round(len(data) / 2**20, 1)
                )
            )
        refused: list[str] = []
        try:
            code, reply = smtp.mail(s.from_address)
            if code != 250:
                raise _refused(s, code, reply)
            for address in recipients:
                code, reply = smtp.rcpt(address)
                if code not in (250, 251):
                    refused.append(f"{address} ({code} {_reply(reply)})")
            if len(refused) == len(recipients):
                raise NotSent(
                    _("{host} refused every recipient: {refused}").format(
                        host=s.host, refused="; ".join(refused)
                    ),
                    transient=all(" (4" in r for r in refused),
                )
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            raise self._broke_off(exc) from exc
        # From here on the message may be delivered whatever happens to the connection.
        try:
            code, reply = smtp.data(data)
        except smtplib.SMTPDataError as exc:  # refused before the message was sent
            raise _refused(s, exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MaybeSent(
                _(
                    "The connection to {server} broke off while the message was being sent "
                    "({detail}): it may have arrived. Check with the recipients before sending "
                    "it again."
                ).format(server=s.server, detail=_detail(exc))
            ) from exc
        if code != 250:
            raise _refused(s, code, reply)
        detail = str(message["Message-ID"])
        if refused:
            detail += " — " + _("refused: {refused}").format(refused="; ".join(refused))
        return detail

    def close(self) -> None:
        try:
            self.smtp.quit()
        except (OSError, smtplib.SMTPException):
            self.smtp.close()


def _timed_out(exc: BaseException) -> bool:
    """A silence: smtplib turns a read that timed out into "Connection unexpectedly
    closed", with the timeout as its context."""
    return isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)


def _detail(exc: BaseException) -> str:
    text = str(exc).strip()
    return text[:200] if text else type(exc).__name__


def send_mail(
    settings: SmtpSettings, password: str, recipients: tuple[str, ...], document: Document
) -> str:
    """Send `document` to `recipients`; returns the log's detail (the Message-ID).
    NotSent when nothing was delivered, MaybeSent when the outcome is unknown."""
    message = build_message(settings, recipients, document)
    connection = _Connection(settings, password)
    try:
        return connection.send(message, recipients)
    finally:
        connection.close()


def check_connection(settings: SmtpSettings, password: str) -> str:
    """Connect, encrypt and log in, then leave: what the server says of itself."""
    connection = _Connection(settings, password)
    try:
        greeting = _reply(connection.smtp.ehlo_resp or b"").split(" ")[0]
    finally:
        connection.close()
    return greeting or settings.host
