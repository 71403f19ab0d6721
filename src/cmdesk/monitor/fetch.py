"""Fetching feeds: polite, bounded, and never hanging.

Our own HTTP (house rule 7), because feed servers misbehave: every request has a total
deadline (a server trickling a byte every half second is cut), the body is streamed and
capped after decompression (a gzip bomb stops at the cap), redirects are followed by hand
(to tell permanent from temporary ones and to refuse file:// and other schemes), at most a
few connections go to one host at a time, and 429/503 answers with Retry-After are obeyed.
The connections themselves (http.client, kept alive, every read bounded by the deadline)
are in connections.py; requests run in a thread pool.
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

from cmdesk import __version__
from cmdesk.core.errors import InvalidData
from cmdesk.i18n import _
from cmdesk.monitor.connections import (
    Cancelled,
    Connections,
    Route,
    TimedOut,
    UnusableProxy,
    guard,
)

Status = Literal["ok", "not_modified", "error"]
USER_AGENT = f"cmdesk/{__version__} (feed reader; +https://cmdesk.example/bot)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
MAX_REDIRECTS = 5
CHUNK = 65536  # read at a time: the size cap is checked between
DRAIN = 65536  # a redirect's or 304's body up to this is read to keep the connection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchRequest:
    url: str
    etag: str = ""
    last_modified: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class FetchResult:
    url: str  # as requested
    status: Status
    final_url: str = ""
    http_status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    last_modified: str = ""
    permanent_url: str = ""  # reached through 301/308 only: the address to remember
    error: str = ""
    retry_after: datetime | None = None
    elapsed_s: float = 0.0


_Answer = tuple[int, dict[str, str], bytes]  # status, headers (names in lower case), body


@dataclass(frozen=True)
class _Redirect:
    code: int
    target: str


class _Stop(Exception):
    def __init__(self, message: str, retry_after: datetime | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _header(value: str) -> bytes:
    # Stored validators and user agents come from servers and users: a line break would
    # forge headers, and http.client refuses it and non-Latin-1 characters.
    return value.replace("\r", " ").replace("\n", " ").encode("latin-1", "ignore").strip()


def _retry_after(value: str | None, now: datetime) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + timedelta(seconds=min(int(value), 7 * 24 * 3600))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Decoder:
    """gzip/deflate decoding that never inflates more than the cap."""

    def __init__(self, encoding: str) -> None:
        encoding = encoding.strip().lower()
        self._raw_deflate_tried = False
        if encoding in ("gzip", "x-gzip"):
            self._z: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        elif encoding in ("", "identity"):
            self._z = None
        else:
            raise _Stop(
                _("The server sent the feed in an unknown encoding ({name}).").format(name=encoding)
            )
        self.encoding = encoding

    def feed(self, data: bytes, room: int) -> bytes:
        if self._z is None:
            return data[: room + 1]
        try:
            out = self._z.decompress(data, room + 1)
        except zlib.error:
            if self.encoding == "deflate" and not self._raw_deflate_tried:
                # Some servers send raw deflate without the zlib header.
                self._raw_deflate_tried = True
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(data, room)
            raise _Stop(_("The server sent a damaged compressed feed.")) from None
        return out

    def finish(self, received: bool) -> None:
        """A compressed body cut short by a closed connection must not pass as a whole feed."""
        if self._z is not None and received and not self._z.eof:
            raise _Stop(_("The server sent a damaged compressed feed."))


def check_proxy(url: str) -> str:
    """A manual proxy address, or "" for the system's. Credentials are refused: they
    would have to be stored in the preferences, and secrets live in the keyring only."""
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # "http://[bad" or a port out of range
        valid = False
    if valid and parts.scheme == "https":  # TLS to the proxy itself: see connections.py
        raise InvalidData(
            _(
                "Only http:// proxies can be used (a proxy for https sites usually has an "
                "http:// address too)."
            )
        )
    if not valid:
        raise InvalidData(
            _("“{url}” is not a proxy address like http://proxy.example:3128.").format(url=url)
        )
    if parts.username or parts.password:
        raise InvalidData(
            _(
                "A proxy with a password cannot be set here (passwords are kept only in the "
                "system keyring): set it in the system's network settings instead."
            )
        )
    return parts.geturl()


class Fetcher:
    """One connection pool for a whole refresh; safe to use from several threads."""

    def __init__(
        self,
        *,
        max_bytes: int = 10 * 2**20,
        deadline_s: float = 30.0,
        max_per_host: int = 2,
        max_workers: int = 16,
        proxy: str | None = None,
        trust_env: bool = True,
        user_agent: str = USER_AGENT,
        ca_file: str | None = None,
    ) -> None:
        """`proxy`: a manual proxy (check_proxy), else the system's when `trust_env`;
        `ca_file`: the authorities to trust for https instead of certifi's."""
        self.max_bytes = max_bytes
        self.deadline_s = deadline_s
        self.max_per_host = max_per_host
        self.max_workers = max_workers
        self.user_agent = user_agent
        self._hosts: dict[str, threading.Semaphore] = {}
        self._hosts_lock = threading.Lock()
        self._connections = Connections(
            proxy=proxy, trust_env=trust_env, max_idle=max_per_host, ca_file=ca_file
        )

    def close(self) -> None:
        self._connections.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _host_slot(self, url: str) -> threading.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self._hosts_lock:
            if host not in self._hosts:
                self._hosts[host] = threading.Semaphore(self.max_per_host)
            return self._hosts[host]

    # -- one request ---------------------------------------------------------------------------

    def fetch(self, request: FetchRequest, cancel: threading.Event | None = None) -> FetchResult:
        started = time.monotonic()
        deadline = started + self.deadline_s
        url = request.url
        permanent = True
        seen = {url}
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                self._check_url(url)
                if cancel is not None and cancel.is_set():
                    raise _Stop(_("Cancelled."))
                outcome = self._one(url, request, deadline, cancel)
                if isinstance(outcome, _Redirect):
                    permanent = permanent and outcome.code in (301, 308)
                    url = outcome.target
                    if url in seen:  # a loop: stop now rather than after five more requests
                        raise _Stop(_("Too many redirects."))
                    seen.add(url)
                    continue
                code, headers, body = outcome
                final = url if url != request.url else ""
                return FetchResult(
                    url=request.url,
                    status="not_modified" if code == 304 else "ok",
                    final_url=url,
                    http_status=code,
                    body=body,
                    headers=headers,
                    etag=headers.get("etag", ""),
                    last_modified=headers.get("last-modified", ""),
                    permanent_url=final if permanent else "",
                    elapsed_s=time.monotonic() - started,
                )
            raise _Stop(_("Too many redirects."))
        except _Stop as stop:
            return FetchResult(
                url=request.url,
                status="error",
                final_url=url,
                error=stop.message,
                retry_after=stop.retry_after,
                elapsed_s=time.monotonic() - started,
            )
        except Exception as exc:  # a bug here must cost one feed, not the whole refresh
            log.exception("fetching %s failed", request.url)
            return FetchResult(
                url=request.url,
                status="error",
                final_url=url,
                error=_("The feed could not be fetched: {detail}").format(detail=exc),
                elapsed_s=time.monotonic() - started,
            )

    @staticmethod
    def _check_url(url: str) -> None:
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:  # "http://[bad/": an unclosed IPv6 bracket
            raise _Stop(Fetcher._not_an_address(url)) from None
        if parts.scheme.lower() not in ("http", "https") or not host:
            raise _Stop(_("Only http and https addresses can be fetched."))

    @staticmethod
    def _not_an_address(url: str) -> str:
        return _("“{url}” is not a web address (it must start with http:// or https://).").format(
            url=url
        )

    def _one(
        self,
        url: str,
        request: FetchRequest,
        deadline: float,
        cancel: threading.Event | None,
    ) -> _Answer | _Redirect:
        try:
            route = self._connections.route(url)
        except (ValueError, UnicodeError):  # a bad port, "http://a..b/"
            raise _Stop(self._not_an_address(url)) from None
        except UnusableProxy as exc:
            raise _Stop(
                _("The proxy {url} cannot be used: only http:// proxies are supported.").format(
                    url=exc.url
                )
            ) from None
        headers = {
            "User-Agent": _header(request.user_agent or self.user_agent),
            "Accept": ACCEPT.encode(),
            "Accept-Encoding": b"gzip, deflate",
            **{name: value.encode("latin-1") for name, value in route.headers.items()},
        }
        if request.etag:
            headers["If-None-Match"] = _header(request.etag)
        if request.last_modified:
            headers["If-Modified-Since"] = _header(request.last_modified)
        slot = self._host_slot(url)
        # Waiting for a turn on a busy host counts against the deadline too.
        while not slot.acquire(timeout=0.2):
            if time.monotonic() > deadline:
                raise _Stop(self._too_slow())
            if cancel is not None and cancel.is_set():
                raise _Stop(_("Cancelled."))
        try:
            with guard(deadline, cancel):
                return self._exchange(url, route, headers)
        except http.client.InvalidURL:  # control characters or spaces in the name
            raise _Stop(self._not_an_address(url)) from None
        except Cancelled:
            raise _Stop(_("Cancelled.")) from None
        except TimedOut:
            raise _Stop(self._too_slow()) from None
        finally:
            slot.release()

    def _exchange(self, url: str, route: Route, headers: dict[str, bytes]) -> _Answer | _Redirect:
        """The request on a kept-alive connection, or on a new one when the server had
        closed it meanwhile (a GET can be sent again). Every read stops at the request's
        deadline and at its cancellation (connections.guard)."""
        for fresh in (False, True):
            with self._connections.lend(route, fresh=fresh) as lease:
                connection = lease.connection
                if connection.sock is None:
                    try:
                        connection.connect()
                    except OSError as exc:  # refused, unknown name, certificate, proxy
                        raise _Stop(self._connect_error(exc)) from None
                try:
                    connection.request("GET", route.target, headers=headers)
                    response = connection.getresponse()
                except (ConnectionError, http.client.BadStatusLine) as exc:
                    if lease.reused and not fresh:
                        continue
                    raise _Stop(self._broke_off(exc)) from None
                except (http.client.HTTPException, OSError) as exc:
                    raise _Stop(self._broke_off(exc)) from None
                try:
                    answer = self._read(url, response)
                    if not response.isclosed() and (response.length or 0) <= DRAIN:
                        response.read()  # an empty or short body: the connection can serve again
                except (http.client.HTTPException, OSError) as exc:
                    raise _Stop(self._broke_off(exc)) from None
                lease.keep = response.isclosed() and not response.will_close
                return answer
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _read(self, url: str, response: http.client.HTTPResponse) -> _Answer | _Redirect:
        code = response.status
        if code in (301, 302, 303, 307, 308):
            location = response.getheader("location")
            if not location:
                raise _Stop(_("The server redirected without saying where."))
            return _Redirect(code, urljoin(url, location))
        headers = {name.lower(): value for name, value in response.getheaders()}
        if code == 304:
            return code, headers, b""
        if code in (429, 503):
            retry = _retry_after(headers.get("retry-after"), datetime.now(UTC))
            if retry is not None:
                raise _Stop(
                    _("The server asked to wait until {time}.").format(
                        time=retry.astimezone().strftime("%H:%M")
                    ),
                    retry,
                )
            raise _Stop(_("The server is busy (HTTP {code}).").format(code=code))
        if code >= 400:
            raise _Stop(self._http_error(code))
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes * 20:
            raise _Stop(self._too_big())
        decoder = _Decoder(headers.get("content-encoding", ""))
        parts: list[bytes] = []
        size = 0
        received = False
        while raw := response.read(CHUNK):
            received = True
            data = decoder.feed(raw, self.max_bytes - size)
            size += len(data)
            if size > self.max_bytes:
                raise _Stop(self._too_big())
            parts.append(data)
        if response.length:  # the connection closed before the announced length
            raise http.client.IncompleteRead(b"", response.length)
        decoder.finish(received)
        return code, headers, b"".join(parts)

    # -- messages ------------------------------------------------------------------------------

    def _too_slow(self) -> str:
        return _("The server did not send the feed within {seconds} seconds.").format(
            seconds=int(self.deadline_s)
        )

    def _too_big(self) -> str:
        return _("The feed is larger than {mb} MB; it was not downloaded.").format(
            mb=round(self.max_bytes / 2**20)
        )

    @staticmethod
    def _http_error(code: int) -> str:
        if code in (401, 403):
            return _("The server refused access to the feed (HTTP {code}).").format(code=code)
        if code in (404, 410):
            return _("There is no feed at this address any more (HTTP {code}).").format(code=code)
        return _("The server answered with an error (HTTP {code}).").format(code=code)

    @staticmethod
    def _broke_off(exc: Exception) -> str:
        return _("The connection broke off before the feed was complete ({detail}).").format(
            detail=type(exc).__name__
        )

    @staticmethod
    def _connect_error(exc: Exception) -> str:
        text = str(exc).lower()
        if "name or service" in text or "getaddrinfo" in text or "nodename" in text:
            return _("The site's name could not be found (no internet, or a typo?).")
        if "certificate" in text or "ssl" in text:
            return _("The site's security certificate was refused.")
        if "refused" in text:
            return _("The server refused the connection.")
        return _("The server could not be reached ({detail}).").format(detail=exc)

    # -- many requests -------------------------------------------------------------------------

    def fetch_many(
        self,
        requests: Sequence[FetchRequest],
        on_result: Callable[[int, FetchResult], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[FetchResult]:
        """All requests concurrently (politely per host); results in request order.
        `on_result(index, result)` is called from worker threads as each one ends."""
        results: list[FetchResult | None] = [None] * len(requests)

        def run(index: int) -> None:
            result = self.fetch(requests[index], cancel)
            results[index] = result
            if on_result is not None:
                on_result(index, result)

        with ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="fetch") as pool:
            for future in [pool.submit(run, i) for i in range(len(requests))]:
                future.result()
        return [r for r in results if r is not None]
