"""A real HTTP server on 127.0.0.1 with programmable routes, for fetch and refresh tests
and the refresh benchmark: conditional GET, gzip, redirects, trickles, bombs, errors;
HTTPS with a certificate of the test's own, and a proxy (absolute addresses, CONNECT)."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import select
import socket
import ssl
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate

Handler = http.server.BaseHTTPRequestHandler


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    gzip: bool = False
    conditional: bool = True  # ETag and Last-Modified, 304 when they match
    delay_s: float = 0.0  # before answering
    trickle_s: float = 0.0  # send the body one byte at a time, this far apart
    trickle_headers_s: float = 0.0  # send the status line and headers one byte at a time
    stream: Callable[[], Iterator[bytes]] | None = None  # a body produced on the fly
    cut_after: int | None = None  # close the connection after this many body bytes
    hang_up: bool = False  # close a kept-alive connection after answering, without saying so
    last_modified: str = field(default_factory=lambda: formatdate(usegmt=True))

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


class FeedServer:
    """`with FeedServer() as server: server.route("/feed", Route(body=...)); server.url(...)`"""

    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        """`host`: another loopback address (127.0.0.2) is another host for per-host limits;
        `tls`: serve https with this context."""
        self.host = host
        self.scheme = "https" if tls else "http"
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.headers: dict[str, dict[str, str]] = {}  # each path's last request headers
        self.connections = 0  # accepted (a kept-alive connection serves several requests)
        self.tunnels: list[str] = []  # CONNECT targets, when playing a proxy
        self.not_modified = 0
        self._active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        server = self

        class _Handler(Handler):
            protocol_version = "HTTP/1.1"
            # As real web servers do (nginx's tcp_nodelay): otherwise the end of every
            # response waits for the client's delayed ACK, 40 ms a request on Linux.
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def setup(self) -> None:
                with server._lock:
                    server.connections += 1
                if isinstance(self.request, ssl.SSLSocket):
                    self.request.settimeout(5)
                    self.request.do_handshake()  # a client refusing it ends here
                super().setup()

            def do_CONNECT(self) -> None:
                with server._lock:
                    server.tunnels.append(self.path)
                server._tunnel(self)

            def do_GET(self) -> None:
                with server._lock:
                    server._active += 1
                    server.max_active = max(server.max_active, server._active)
                    server.hits[self.path] += 1
                    server.headers[self.path] = dict(self.headers.items())
                try:
                    server._serve(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with server._lock:
                        server._active -= 1

        class _Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that hang up (deadlines, caps) are expected here

        self.httpd = _Server((host, 0), _Handler)
        if tls is not None:
            # The handshake in the handler's thread, not in the one accepting connections.
            self.httpd.socket = tls.wrap_socket(
                self.httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=lambda: self.httpd.serve_forever(poll_interval=0.05), daemon=True
        )

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def route(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host}:{self.port}{path}"

    @staticmethod
    def _tunnel(request: Handler) -> None:
        """A proxy's CONNECT: bytes relayed both ways to the address asked for."""
        host, _, port = request.path.rpartition(":")
        try:
            upstream = socket.create_connection((host, int(port)), timeout=5)
        except OSError:
            request.send_error(502)
            return
        request.send_response(200, "Connection established")
        request.end_headers()
        request.wfile.flush()
        client = request.connection
        with upstream:
            while True:
                ready, _w, _x = select.select([client, upstream], [], [], 5)
                if not ready:
                    break
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        request.close_connection = True
                        return
                    (upstream if source is client else client).sendall(data)
        request.close_connection = True

    def _serve(self, request: Handler) -> None:
        route = self.routes.get(request.path)
        if route is None:
            request.send_response(404)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        if route.delay_s:
            time.sleep(route.delay_s)
        if route.trickle_headers_s:
            pads = "".join(f"X-Pad-{i}: {'y' * 20}\r\n" for i in range(400))
            for byte in f"HTTP/1.1 200 OK\r\n{pads}".encode():
                request.wfile.write(bytes([byte]))
                request.wfile.flush()
                time.sleep(route.trickle_headers_s)
            request.close_connection = True
            return
        # RFC 9110: If-None-Match, when sent, decides; If-Modified-Since only otherwise.
        tag = request.headers.get("If-None-Match")
        since = request.headers.get("If-Modified-Since")
        unchanged = tag == route.etag if tag is not None else since == route.last_modified
        if route.conditional and route.status == 200 and unchanged:
            with self._lock:
                self.not_modified += 1
            request.send_response(304)
            request.send_header("ETag", route.etag)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        body = route.body
        if route.gzip and route.stream is None:
            body = gzip.compress(body)
        request.send_response(route.status)
        request.send_header("Content-Type", route.content_type)
        if route.conditional and route.status == 200:
            request.send_header("ETag", route.etag)
            request.send_header("Last-Modified", route.last_modified)
        if route.gzip:
            request.send_header("Content-Encoding", "gzip")
        for name, value in route.headers.items():
            request.send_header(name, value)
        if route.stream is not None:
            request.send_header("Connection", "close")
            request.end_headers()
            for chunk in route.stream():
                request.wfile.write(chunk)
            return
        if route.cut_after is not None:
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body[: route.cut_after])
            request.wfile.flush()
            request.close_connection = True
            return
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if route.hang_up:
            request.wfile.write(body)
            request.close_connection = True
            return
        if route.trickle_s:
            for i in range(len(body)):
                request.wfile.write(body[i : i + 1])
                request.wfile.flush()
                time.sleep(route.trickle_s)
        else:
            request.wfile.write(body)


def gzip_bomb(decoded_mb: int = 1024) -> Callable[[], Iterator[bytes]]:
    """A gzip stream of `decoded_mb` MB of zeros (about 1 MB on the wire), made on the fly."""
    block = bytes(2**20)

    def stream() -> Iterator[bytes]:
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        for _ in range(decoded_mb):
            out = packer.compress(block)
            if out:
                yield out
        yield packer.flush()

    return stream


def rss(
    title: str, items: list[tuple[str, str, str]], link: str = "https://blog.example/"
) -> bytes:
    """A small RSS 2.0 document: items are (guid, title, description)."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{t}</title><link>{link}{guid}</link>"
        f"<description>{d}</description><pubDate>Mon, 09 Mar 2026 10:00:00 GMT</pubDate></item>"
        for guid, t, d in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{link}</link>{entries}</channel></rss>"
    ).encode()
