"""A real HTTP server on 127.0.0.1 for the connector tests, with routes written per API
and faults that can be queued in front of any route:

- an answer instead of the route's (401, 413, 429 with Retry-After, 500, 503...);
- a delay before answering (a slow server, a timeout);
- a lost answer: the route runs (the post is created) and the connection is then closed
  without a response, as when a network drops after the server did its work.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import http.server
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    match: re.Match[str] | None = None

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        """urlencoded or multipart fields (files as bytes), JSON bodies as lists."""
        kind = self.headers.get("content-type", "")
        fields: dict[str, list[Any]] = {}
        if kind.startswith("application/json"):
            for key, value in (self.json() or {}).items():
                fields[key] = value if isinstance(value, list) else [value]
        elif kind.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + kind.encode() + b"\r\n\r\n" + self.body
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True)
                value = payload if part.get_filename() else payload.decode("utf-8")
                fields.setdefault(str(name), []).append(value)
        else:
            for key, value in parse_qsl(self.body.decode("utf-8"), keep_blank_values=True):
                fields.setdefault(key, []).append(value)
        return fields

    def first(self, name: str, default: Any = None) -> Any:
        values = self.form().get(name)
        return values[0] if values else default


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    status: int | None = None  # answer this instead of running the route
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # wait this long first
    lose_answer: bool = False  # run the route, then hang up without answering


Route = Callable[[Request], Answer]


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Route]] = []
        self.faults: dict[tuple[str, str], deque[Fault]] = {}
        self.log: list[Request] = []
        self.lock = threading.RLock()
        server = self

        class _Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def _any(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        class _Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass

        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- set-up --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, pattern: str, handler: Route) -> None:
        self.routes.append((method, re.compile(pattern + r"\Z"), handler))

    def fault(self, method: str, path_pattern: str, *faults: Fault) -> None:
        """Queue faults for the next requests matching `method` and `path_pattern`."""
        with self.lock:
            self.faults.setdefault((method, path_pattern), deque()).extend(faults)

    def requests(self, method: str, path_pattern: str) -> list[Request]:
        pattern = re.compile(path_pattern + r"\Z")
        return [r for r in self.log if r.method == method and pattern.match(r.path)]

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- serving -------------------------------------------------------------------------

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for (fault_method, pattern), queue in self.faults.items():
                if fault_method == method and queue and re.fullmatch(pattern, path):
                    return queue.popleft()
        return None

    def _serve(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        query: dict[str, list[str]] = {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            query.setdefault(key, []).append(value)
        request = Request(
            handler.command,
            parts.path,
            query,
            {k.lower(): v for k, v in handler.headers.items()},
            body,
        )
        with self.lock:
            self.log.append(request)
        fault = self._take_fault(request.method, request.path)
        if fault and fault.delay_s:
            time.sleep(fault.delay_s)
        if fault and fault.status is not None:
            self._send(handler, Answer(fault.status, fault.body, fault.headers))
            return
        answer = self._dispatch(request)
        if fault and fault.lose_answer:
            handler.close_connection = True
            handler.wfile.flush()
            handler.connection.shutdown(2)  # the work is done; the answer never leaves
            return
        self._send(handler, answer)

    def _dispatch(self, request: Request) -> Answer:
        for method, pattern, route in self.routes:
            found = pattern.match(request.path)
            if method == request.method and found:
                request.match = found
                with self.lock:
                    return route(request)
        return Answer(404, {"error": "Record not found"})

    @staticmethod
    def _send(handler: http.server.BaseHTTPRequestHandler, answer: Answer) -> None:
        if isinstance(answer.body, bytes):
            payload = answer.body
            kind = "application/octet-stream"
        elif answer.body is None:
            payload, kind = b"", "application/json"
        else:
            payload = json.dumps(answer.body).encode()
            kind = "application/json; charset=utf-8"
        handler.send_response(answer.status)
        headers = {"Content-Type": kind, **answer.headers}
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
