"""HTTP/1.1 connections for fetching feeds: the standard library's http.client, kept
alive per host and bounded by each request's deadline and cancel Event.

Why http.client and not an HTTP library: fetching a feed is one GET, and a refresh makes
hundreds of them. httpx (which cmdesk still uses to publish) spent ~1,900 Python calls on
each, about 0.8 s of CPU in a refresh of 500 feeds on the cores that parse and store
them; http.client does the same work in a third of it.

Why guarded sockets: http.client's timeouts are per read, so a server trickling a byte
every half second (its headers included) would keep a request alive forever, and on
Linux closing a socket from another thread does not wake a thread blocked reading it.
Every read here waits in slices that end at the request's deadline and notice its
cancellation (`guard`).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, quote, unquote, urlsplit
from urllib.request import getproxies, proxy_bypass

READ_TIMEOUT_S = 10.0  # a server silent this long mid-answer has gone away
# Blocked reads wake up this often to notice a cancellation.
CANCEL_POLL_S = 0.25
# What a request target keeps as is (RFC 3986 sub-delimiters, ":", "@", "/" and escapes
# already made); anything else, non-ASCII letters and spaces among them, is escaped.
_PATH_SAFE = "/%!$&'()*+,;=:@~"
_QUERY_SAFE = _PATH_SAFE + "?"


class TimedOut(Exception):
    """The request's deadline passed, or a server stayed silent READ_TIMEOUT_S."""


class Cancelled(Exception):
    """The request's cancel Event was set."""


class UnusableProxy(Exception):
    """A proxy address cmdesk cannot speak to. Only http:// proxies are supported (https
    sites are reached through them by CONNECT): an https:// one needs TLS inside TLS,
    which http.client cannot do, and nearly every proxy has an http:// address."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class _Guard(threading.local):
    """The deadline and cancel Event of the request running in this thread: a connection
    is used by one thread at a time, and its socket reads them at each read."""

    deadline: float | None = None
    cancel: threading.Event | None = None


_guard = _Guard()


@contextlib.contextmanager
def guard(deadline: float, cancel: threading.Event | None) -> Iterator[None]:
    _guard.deadline, _guard.cancel = deadline, cancel
    try:
        yield
    finally:
        _guard.deadline, _guard.cancel = None, None


def _left(limit: float) -> float:
    """Time left before `limit` and the deadline; raises when none is left or the
    request was cancelled."""
    if _guard.cancel is not None and _guard.cancel.is_set():
        raise Cancelled
    now = time.monotonic()
    wait = limit - now
    if _guard.deadline is not None:
        wait = min(wait, _guard.deadline - now)
    if wait <= 0:  # never pass 0: a socket with timeout 0 is non-blocking, not timed out
        raise TimedOut
    return wait


class _Reads:
    """recv_into in slices: a slice ending without data consumed nothing, so reading
    again is safe (also for TLS: the record layer waits for more bytes)."""

    def recv_into(self, buffer: Any, *args: Any) -> int:
        limit = time.monotonic() + READ_TIMEOUT_S
        while True:
            wait = _left(limit)
            if _guard.cancel is not None:
                wait = min(wait, CANCEL_POLL_S)
            self.settimeout(wait)  # type: ignore[attr-defined]
            try:
                return super().recv_into(buffer, *args)  # type: ignore[misc]
            except TimeoutError:
                continue  # _left decides whether there is time for another slice


class _GuardedSocket(_Reads, socket.socket):
    pass


class _GuardedSSLSocket(_Reads, ssl.SSLSocket):
    pass


def _connect(
    address: tuple[str, int], timeout: float, source: tuple[str, int] | None = None
) -> socket.socket:
    """socket.create_connection within the deadline, returning a guarded socket. Name
    resolution (getaddrinfo) cannot be interrupted: a hung DNS lookup can still outlast
    the deadline; the system resolver's own timeout bounds it."""
    plain = socket.create_connection(address, _left(time.monotonic() + timeout), source)
    guarded = _GuardedSocket(plain.family, plain.type, plain.proto, plain.detach())
    # For the TLS handshake and the request's writes; reads set their own.
    guarded.settimeout(_left(time.monotonic() + timeout))
    return guarded


@dataclass(frozen=True)
class Route:
    """Where the connection for a URL goes and how its request is written."""

    host: str  # the origin's host, IDNA-encoded
    port: int
    tls: bool
    proxy: SplitResult | None  # an http:// proxy, or None to connect directly
    target: str  # the request target: a path, or the whole URL to a proxy
    headers: dict[str, str]  # Authorization (user:password@ in the URL), the proxy's

    @property
    def key(self) -> tuple[str, int, bool, str]:
        """Connections are shared by requests with the same key."""
        return (self.host, self.port, self.tls, self.proxy.geturl() if self.proxy else "")


@dataclass
class Lease:
    """A connection lent to one request. Set `keep` once its answer was read whole on a
    connection the server keeps open: it is then lent again, otherwise closed."""

    connection: http.client.HTTPConnection
    reused: bool
    keep: bool = False


def _basic(user: str | None, password: str | None) -> str:
    pair = f"{unquote(user or '')}:{unquote(password or '')}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _proxy_login(proxy: SplitResult) -> dict[str, str]:
    """The header of a proxy's credentials (user:password@ in its address), if any."""
    return {"Proxy-Authorization": _basic(proxy.username, proxy.password)} if proxy.username else {}


class Connections:
    """Kept-alive connections, at most `max_idle` idle per host; safe to share between
    threads (each connection is lent to one request at a time)."""

    def __init__(
        self, *, proxy: str | None, trust_env: bool, max_idle: int, ca_file: str | None
    ) -> None:
        self._manual = proxy or ""
        # The system's proxies: environment variables, and the system settings on
        # Windows and macOS (read once: a refresh does not outlive a settings change).
        self._system = getproxies() if trust_env and not proxy else {}
        self._bypass: dict[str, bool] = {}
        self._max_idle = max_idle
        self._ca_file = ca_file
        self._tls: ssl.SSLContext | None = None
        self._idle: dict[tuple[str, int, bool, str], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()

    def route(self, url: str) -> Route:
        """Raises ValueError or UnicodeError for an address that is not one, and
        UnusableProxy for a proxy that cannot be used."""
        parts = urlsplit(url)
        tls = parts.scheme.lower() == "https"
        name = parts.hostname or ""
        # IDNA for names in other scripts; it also refuses empty labels ("a..b").
        host = name.encode("idna").decode("ascii") if name else ""
        port = parts.port or (443 if tls else 80)
        path = quote(parts.path or "/", safe=_PATH_SAFE)
        if parts.query:
            path += "?" + quote(parts.query, safe=_QUERY_SAFE)
        proxy = self._proxy(parts.scheme.lower(), host)
        target = path
        if proxy is not None and not tls:  # an https request is tunnelled: a path
            netloc = f"[{host}]" if ":" in host else host
            default = port == 80
            target = f"http://{netloc}{'' if default else f':{port}'}{path}"
        headers = {}
        if parts.username:
            headers["Authorization"] = _basic(parts.username, parts.password)
        if proxy is not None and not tls:  # a tunnel sends them with its CONNECT
            headers.update(_proxy_login(proxy))
        return Route(host, port, tls, proxy, target, headers)

    def _proxy(self, scheme: str, host: str) -> SplitResult | None:
        url = self._manual or self._system.get(scheme) or self._system.get("all") or ""
        if not url:
            return None
        if not self._manual:
            bypass = self._bypass.get(host)
            if bypass is None:
                bypass = self._bypass[host] = bool(proxy_bypass(host))
            if bypass:
                return None
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme.lower() != "http" or not parts.hostname:
            raise UnusableProxy(url)
        return parts

    @contextlib.contextmanager
    def lend(self, route: Route, *, fresh: bool = False) -> Iterator[Lease]:
        """A kept-alive connection to the route when there is one (unless `fresh`),
        else a new one (connected at its first request)."""
        lease = None
        if not fresh:
            with self._lock:
                idle = self._idle.get(route.key)
                if idle:
                    lease = Lease(idle.pop(), reused=True)
        if lease is None:
            lease = Lease(self._new(route), reused=False)
        try:
            yield lease
        finally:
            if lease.keep:
                with self._lock:
                    idle = self._idle.setdefault(route.key, [])
                    lease.keep = len(idle) < self._max_idle
                    if lease.keep:
                        idle.append(lease.connection)
            if not lease.keep:
                lease.connection.close()

    def _new(self, route: Route) -> http.client.HTTPConnection:
        proxy = route.proxy
        host, port = (proxy.hostname or "", proxy.port or 80) if proxy else (route.host, route.port)
        connection: http.client.HTTPConnection
        if route.tls:
            connection = http.client.HTTPSConnection(
                host, port, timeout=READ_TIMEOUT_S, context=self._context()
            )
            if proxy is not None:
                connection.set_tunnel(route.host, route.port, _proxy_login(proxy))
        else:
            connection = http.client.HTTPConnection(host, port, timeout=READ_TIMEOUT_S)
        connection._create_connection = _connect  # type: ignore[attr-defined]
        return connection

    def _context(self) -> ssl.SSLContext:
        """Made at the first https request (loading the authorities takes ~20 ms)."""
        with self._lock:
            if self._tls is None:
                import certifi  # the authorities browsers trust, as httpx uses

                context = ssl.create_default_context(cafile=self._ca_file or certifi.where())
                context.sslsocket_class = _GuardedSSLSocket
                self._tls = context
            return self._tls

    def close(self) -> None:
        with self._lock:
            idle = [c for connections in self._idle.values() for c in connections]
            self._idle.clear()
        for connection in idle:
            connection.close()
