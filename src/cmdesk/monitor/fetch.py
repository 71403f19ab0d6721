"""Fetching feeds: polite, bounded, and never hanging.

Our own HTTP (house rule 7), because feed servers misbehave: httpx's timeouts are per
read, so a server trickling a byte every half second keeps a request alive forever;
here every request has a total deadline, the body is streamed and capped after
decompression (a gzip bomb stops at the cap), redirects are followed by hand (to tell
permanent from temporary ones and to refuse file:// and other schemes), at most a few
connections go to one host at a time, and 429/503 answers with Retry-After are obeyed.
Synchronous httpx in a thread pool: faster here than its async client (DESIGN.md).

The deadline and cancellation are enforced inside httpcore's network streams (see
`_GuardedStream`): a watchdog that closes the response from another thread cannot reach the
header phase (a server can trickle its headers forever) and, on Linux, closing a socket does
not wake a thread blocked reading it.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from cmdesk import __version__
from cmdesk.core.errors import InvalidData
from cmdesk.i18n import _

Status = Literal["ok", "not_modified", "error"]
USER_AGENT = f"cmdesk/{__version__} (feed reader; +https://cmdesk.example/bot)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
MAX_REDIRECTS = 5
# Blocked reads wake up this often to notice a cancellation.
CANCEL_POLL_S = 0.25

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


@dataclass(frozen=True)
class _Redirect:
    code: int
    target: str


class _Stop(Exception):
    def __init__(self, message: str, retry_after: datetime | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class _Cancelled(Exception):
    """Raised from inside httpcore's reads and writes when the caller's Event is set."""


class _Guard(threading.local):
    """The deadline and cancel Event of the request running in this thread.

    httpx's sync client does all I/O in the calling thread, so the network streams read
    these at each call, even on a pooled connection opened by another thread."""

    deadline: float | None = None
    cancel: threading.Event | None = None


_guard = _Guard()


def _time_left(timeout: float | None, error: type[httpcore.TimeoutException]) -> float | None:
    """`timeout` shortened to what is left before the deadline; raises when none is left."""
    if _guard.cancel is not None and _guard.cancel.is_set():
        raise _Cancelled
    if _guard.deadline is None:
        return timeout
    left = _guard.deadline - time.monotonic()
    if left <= 0:  # never pass 0: a socket with timeout 0 is non-blocking, not timed out
        raise error("deadline")
    return left if timeout is None else min(timeout, left)


class _GuardedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        # A read waits in short slices so that a cancellation is seen while the server is
        # silent; a slice ending without data consumed nothing, so reading again is safe.
        limit = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if limit is None else limit - time.monotonic()
            if left is not None and left <= 0:
                raise httpcore.ReadTimeout("read timeout")
            wait = _time_left(left, httpcore.ReadTimeout)
            if _guard.cancel is not None:
                wait = CANCEL_POLL_S if wait is None else min(wait, CANCEL_POLL_S)
            try:
                return self._inner.read(max_bytes, wait)
            except httpcore.ReadTimeout:
                if wait == left or wait is None:
                    raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = _time_left(timeout, httpcore.ConnectTimeout)
        return _GuardedStream(self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    # Name resolution (getaddrinfo) inside connect_tcp cannot be interrupted: a hung DNS
    # lookup can still outlast the deadline; the system resolver's own timeout bounds it.
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _time_left(timeout, httpcore.ConnectTimeout)
        return _GuardedStream(
            self._inner.connect_tcp(host, port, wait, local_address, socket_options)
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _time_left(timeout, httpcore.ConnectTimeout)
        return _GuardedStream(self._inner.connect_unix_socket(path, wait, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _guard_client(client: httpx.Client) -> None:
    """Put the guarded backend under every transport of `client`, the proxies' included.

    httpx has no public hook for httpcore's network backend, so this reaches into two
    private attributes; it fails loudly (and the deadline tests fail) if they change."""
    for transport in [client._transport, *client._mounts.values()]:
        if transport is None:  # a NO_PROXY pattern
            continue
        if not isinstance(transport, httpx.HTTPTransport):
            raise RuntimeError(f"unexpected httpx transport {type(transport).__name__}")
        pool = transport._pool
        pool._network_backend = _GuardedBackend(pool._network_backend)


def _header(value: str) -> bytes:
    # Stored validators and user agents come from servers and users: a line break would
    # forge headers, a non-Latin-1 character makes httpx raise and h11 refuses edge spaces.
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
    ) -> None:
        self.max_bytes = max_bytes
        self.deadline_s = deadline_s
        self.max_per_host = max_per_host
        self.max_workers = max_workers
        self.user_agent = user_agent
        self._hosts: dict[str, threading.Semaphore] = {}
        self._hosts_lock = threading.Lock()
        self.client = httpx.Client(
            proxy=proxy,
            trust_env=trust_env,
            follow_redirects=False,
            limits=httpx.Limits(
                max_connections=max_workers * 2, max_keepalive_connections=max_workers
            ),
            timeout=httpx.Timeout(min(10.0, deadline_s)),
        )
        _guard_client(self.client)

    def close(self) -> None:
        self.client.close()

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
                response, body = outcome
                final = url if url != request.url else ""
                return FetchResult(
                    url=request.url,
                    status="not_modified" if response.status_code == 304 else "ok",
                    final_url=url,
                    http_status=response.status_code,
                    body=body,
                    headers={k.lower(): v for k, v in response.headers.items()},
                    etag=response.headers.get("etag", ""),
                    last_modified=response.headers.get("last-modified", ""),
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
    ) -> tuple[httpx.Response, bytes] | _Redirect:
        headers = [
            (b"User-Agent", _header(request.user_agent or self.user_agent)),
            (b"Accept", ACCEPT.encode()),
            (b"Accept-Encoding", b"gzip, deflate"),
        ]
        if request.etag:
            headers.append((b"If-None-Match", _header(request.etag)))
        if request.last_modified:
            headers.append((b"If-Modified-Since", _header(request.last_modified)))
        slot = self._host_slot(url)
        # Waiting for a turn on a busy host counts against the deadline too.
        while not slot.acquire(timeout=0.2):
            if time.monotonic() > deadline:
                raise _Stop(self._too_slow())
            if cancel is not None and cancel.is_set():
                raise _Stop(_("Cancelled."))
        try:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Stop(self._too_slow())
            timeout = httpx.Timeout(min(10.0, remaining))
            _guard.deadline, _guard.cancel = deadline, cancel
            try:
                with self.client.stream("GET", url, headers=headers, timeout=timeout) as response:
                    return self._read(url, response, deadline, cancel)
            except _Cancelled:
                raise _Stop(_("Cancelled.")) from None
            except httpx.TimeoutException:
                raise _Stop(self._too_slow()) from None
            except (httpx.InvalidURL, UnicodeError):  # UnicodeError: IDNA, "http://a..b/"
                raise _Stop(self._not_an_address(url)) from None
            except httpx.ConnectError as exc:
                raise _Stop(self._connect_error(exc)) from None
            except (httpx.TransportError, httpx.StreamError) as exc:
                raise _Stop(
                    _("The connection broke off before the feed was complete ({detail}).").format(
                        detail=type(exc).__name__
                    )
                ) from None
            except httpx.HTTPError as exc:
                raise _Stop(
                    _("The feed could not be fetched: {detail}").format(detail=exc)
                ) from None
        finally:
            _guard.deadline, _guard.cancel = None, None
            slot.release()

    def _read(
        self,
        url: str,
        response: httpx.Response,
        deadline: float,
        cancel: threading.Event | None,
    ) -> tuple[httpx.Response, bytes] | _Redirect:
        code = response.status_code
        if code in (301, 302, 303, 307, 308):
            location = response.headers.get("location")
            if not location:
                raise _Stop(_("The server redirected without saying where."))
            return _Redirect(code, urljoin(url, location))
        if code == 304:
            return response, b""
        if code in (429, 503):
            retry = _retry_after(response.headers.get("retry-after"), datetime.now(UTC))
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
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes * 20:
            raise _Stop(self._too_big())
        decoder = _Decoder(response.headers.get("content-encoding", ""))
        parts: list[bytes] = []
        size = 0
        received = False
        # No chunk size: httpx would otherwise buffer up to it before yielding, and the
        # deadline and cancel checks below would not run while a server trickles.
        for raw in response.iter_raw():
            received = received or bool(raw)
            if time.monotonic() > deadline:
                raise _Stop(self._too_slow())
            if cancel is not None and cancel.is_set():
                raise _Stop(_("Cancelled."))
            data = decoder.feed(raw, self.max_bytes - size)
            size += len(data)
            if size > self.max_bytes:
                raise _Stop(self._too_big())
            parts.append(data)
        decoder.finish(received)
        return response, b"".join(parts)

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
