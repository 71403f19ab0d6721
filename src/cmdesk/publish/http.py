"""HTTP for the connectors: one client per account, bounded in time and size, and every
failure sorted into the errors of `base` by what it means for a retry.

The distinction that matters is whether the request may have reached the server: a
refused or impossible connection did not (Transient), a read that timed out or a
connection cut after sending did (OutcomeUnknown): the post may exist.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from cmdesk import __version__
from cmdesk.core.errors import InvalidData
from cmdesk.i18n import _
from cmdesk.publish.base import (
    OutcomeUnknown,
    Rejected,
    Timeout,
    TooLarge,
    Transient,
)

USER_AGENT = f"cmdesk/{__version__} (community manager's desk; +https://cmdesk.example/publish)"
MAX_RESPONSE = 8 * 2**20  # API answers are small; a bigger one is not an API answer
MAX_RETRY_AFTER = timedelta(days=1)

log = logging.getLogger(__name__)


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """The server address a user typed, normalised ("mastodon.social" →
    "https://mastodon.social"). Credentials only travel over https, or over http to this
    computer itself (a local test server)."""
    text = url.strip()
    if not text:
        raise InvalidData(_("Enter the server's address, e.g. https://mastodon.social."))
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        _port = parts.port  # raises on a port out of range
    except ValueError:
        host = ""
    if not host or parts.scheme not in ("http", "https"):
        raise InvalidData(
            _("“{url}” is not a server address like https://mastodon.social.").format(url=url)
        )
    if parts.scheme == "http" and not _is_loopback(host):
        raise InvalidData(
            _(
                "“{url}” is not secure (http): passwords and tokens are only sent over https."
            ).format(url=url)
        )
    if parts.username or parts.password:
        raise InvalidData(_("Put the password in its own field, not in the address."))
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> datetime | None:
    """When a 429/503 says to come back: Retry-After (seconds or a date), or the rate-limit
    reset Mastodon (X-RateLimit-Reset, a date) and Bluesky (RateLimit-Reset, epoch
    seconds) send instead."""
    now = now or datetime.now(UTC)
    moment: datetime | None = None
    value = (headers.get("retry-after") or "").strip()
    if value.isdigit():
        moment = now + timedelta(seconds=int(value))
    elif value:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            moment = None
    reset = (headers.get("x-ratelimit-reset") or headers.get("ratelimit-reset") or "").strip()
    if moment is None and reset:
        if reset.isdigit():
            moment = datetime.fromtimestamp(int(reset), UTC)
        else:
            try:
                moment = datetime.fromisoformat(reset.replace("Z", "+00:00"))
            except ValueError:
                moment = None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return min(max(moment, now), now + MAX_RETRY_AFTER)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 moment from an API answer ("…Z" or with an offset); None if absent or
    unreadable, UTC if it has no zone."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_stamp(moment: datetime, timespec: str = "seconds") -> str:
    """ "2026-03-10T08:00:00Z": the form Mastodon and the AT Protocol expect."""
    return moment.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


# What a network's error body says, in its own words ("" when nothing readable).
MessageReader = Callable[[Response], str]


def _plain_message(response: Response) -> str:
    data = response.json()
    if isinstance(data, dict):
        for key in ("error_description", "message", "error"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


class Api:
    """A synchronous httpx client for one server, used from a worker thread.

    Deadlines: connecting may take `connect_s`; every read or write may wait `read_s`; a
    whole answer must arrive within `deadline_s` (checked while the body streams in)."""

    def __init__(
        self,
        base_url: str,
        *,
        network_name: str,
        read_message: MessageReader = _plain_message,
        connect_s: float = 10.0,
        read_s: float = 30.0,
        deadline_s: float = 120.0,
        transport: httpx.BaseTransport | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.network_name = network_name
        self.read_message = read_message
        self.deadline_s = deadline_s
        self.client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(read_s, connect=connect_s, pool=connect_s),
            headers={"User-Agent": user_agent, "Accept": "application/json"},
        )

    @classmethod
    def for_server(
        cls,
        server: str,
        network_name: str,
        read_message: MessageReader,
        transport: httpx.BaseTransport | None = None,
        read_s: float = 30.0,
    ) -> Api:
        """A client for the address a user typed, checked first (check_base_url)."""
        return cls(
            check_base_url(server),
            network_name=network_name,
            read_message=read_message,
            transport=transport,
            read_s=read_s,
        )

    def close(self) -> None:
        self.client.close()

    def url(self, path: str) -> str:
        return path if "://" in path else self.base_url + path

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        json_body: Any = None,
        data: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
        deadline_s: float | None = None,
    ) -> Response:
        """Send one request; returns the answer when its status is in `ok`, raises the
        matching PublishError otherwise (401/403 answers are returned to the caller when
        listed in `ok`, so that each connector decides what refused credentials mean)."""
        deadline = time.monotonic() + (deadline_s or self.deadline_s)
        response = self._send(
            method,
            path,
            params=params,
            json_body=json_body,
            data=data,
            files=files,
            content=content,
            headers=headers,
            deadline=deadline,
        )
        if response.status in ok:
            return response
        raise self.error_for(response)

    def _send(self, method: str, path: str, *, deadline: float, **kwargs: Any) -> Response:
        target = httpx.URL(self.url(path))
        if kwargs["params"]:
            # Merged by hand: httpx replaces a query already in the address, and a
            # WordPress root may be "…/?rest_route=".
            target = target.copy_merge_params(kwargs["params"])
        request_kwargs: dict[str, Any] = {
            "data": kwargs["data"],
            "files": kwargs["files"],
            "content": kwargs["content"],
            "headers": kwargs["headers"],
        }
        if kwargs["json_body"] is not None:
            request_kwargs["json"] = kwargs["json_body"]
        try:
            with self.client.stream(method, target, **request_kwargs) as answer:
                body = self._read(answer, deadline)
                return Response(answer.status_code, answer.headers, body)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise Transient(self._unreachable(exc)) from exc
        except httpx.UnsupportedProtocol as exc:
            raise Transient(self._unreachable(exc)) from exc
        except httpx.TimeoutException as exc:
            raise Timeout(self._no_answer()) from exc
        except (httpx.TransportError, httpx.StreamError) as exc:
            # The connection broke after the request was (at least partly) sent.
            raise OutcomeUnknown(
                _(
                    "The connection to {network} broke off before its answer ({detail}): "
                    "check whether the post is online before sending it again."
                ).format(network=self.network_name, detail=type(exc).__name__)
            ) from exc

    def _read(self, answer: httpx.Response, deadline: float) -> bytes:
        parts: list[bytes] = []
        size = 0
        for chunk in answer.iter_bytes():
            size += len(chunk)
            if size > MAX_RESPONSE:
                raise OutcomeUnknown(
                    _("{network} sent an answer far too large to be an API answer.").format(
                        network=self.network_name
                    )
                )
            if time.monotonic() > deadline:
                raise Timeout(self._no_answer())
            parts.append(chunk)
        return b"".join(parts)

    # -- errors ----------------------------------------------------------------------------

    def error_for(self, response: Response) -> Exception:
        code = response.status
        remote = self.read_message(response)
        said = (
            _("{network} says: “{message}”").format(network=self.network_name, message=remote)
            if remote
            else _("{network} answered HTTP {code}.").format(network=self.network_name, code=code)
        )
        if code in (429, 503):
            when = retry_after(response.headers)
            text = (
                _("{network} asks to wait until {time} before trying again.").format(
                    network=self.network_name, time=when.astimezone().strftime("%H:%M")
                )
                if when
                else _("{network} is busy (HTTP {code}); try again later.").format(
                    network=self.network_name, code=code
                )
            )
            return Transient(text + " " + said, retry_after=when, status=code)
        if code == 413:
            return TooLarge(
                _("The file is larger than {network} accepts.").format(network=self.network_name)
                + " "
                + said,
                remote_message=remote,
                status=code,
                details=response.json(),
            )
        if code >= 500:
            return OutcomeUnknown(
                _(
                    "{network} failed while handling the request (HTTP {code}): the post may "
                    "or may not be online; check before sending it again."
                ).format(network=self.network_name, code=code)
                + " "
                + (said if remote else ""),
                status=code,
            )
        return Rejected(said, remote_message=remote, status=code, details=response.json())

    def _unreachable(self, exc: Exception) -> str:
        return _("{network} could not be reached ({detail}); nothing was sent.").format(
            network=self.network_name, detail=_short(exc)
        )

    def _no_answer(self) -> str:
        return _(
            "{network} did not answer in time: the post may or may not be online; "
            "check before sending it again."
        ).format(network=self.network_name)


def _short(exc: Exception) -> str:
    text = str(exc).strip()
    return text[:200] if text else type(exc).__name__
