"""Fetching over real HTTP on 127.0.0.1: limits, politeness, conditional GET, redirects."""

from __future__ import annotations

import base64
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from certificates import Certificates, make_certificates
from cmdesk.monitor.fetch import Fetcher, FetchRequest
from feed_server import FeedServer, Route, gzip_bomb, rss

FEED = rss("Blog", [("1", "Bonjour", "Premier billet")])


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(deadline_s=3, max_bytes=2**20, trust_env=False) as f:
        yield f


def test_conditional_get_round_trip(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.route("/feed", Route(body=FEED))
    first = fetcher.fetch(FetchRequest(url))
    assert (first.status, first.http_status, first.body) == ("ok", 200, FEED)
    assert first.etag and first.last_modified
    again = fetcher.fetch(FetchRequest(url, etag=first.etag, last_modified=first.last_modified))
    assert again.status == "not_modified" and again.body == b""
    assert server.not_modified == 1


def test_gzip_is_decoded(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.route("/gz", Route(body=FEED, gzip=True))
    assert fetcher.fetch(FetchRequest(url)).body == FEED


def test_gzip_bomb_stops_at_the_cap(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.route("/bomb", Route(stream=gzip_bomb(1024), gzip=True, conditional=False))
    started = time.monotonic()
    result = fetcher.fetch(FetchRequest(url))
    assert time.monotonic() - started < 2
    assert result.status == "error" and "larger than 1 MB" in result.error
    assert result.body == b""


def test_huge_plain_body_stops_at_the_cap(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.route("/big", Route(body=b"x" * (3 * 2**20)))
    result = fetcher.fetch(FetchRequest(url))
    assert result.status == "error" and "larger than" in result.error


def test_slow_trickle_is_cut_at_the_deadline(server: FeedServer) -> None:
    url = server.route("/slow", Route(body=FEED, trickle_s=0.2))
    with Fetcher(deadline_s=1.5, trust_env=False) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(FetchRequest(url))
    assert time.monotonic() - started < 1.5 + 1
    assert result.status == "error" and "within 1 seconds" in result.error


def test_silent_server_is_cut_at_the_deadline(server: FeedServer) -> None:
    url = server.route("/silent", Route(body=FEED, delay_s=10))
    with Fetcher(deadline_s=1, trust_env=False) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(FetchRequest(url))
    assert time.monotonic() - started < 2
    assert result.status == "error"


def test_permanent_and_temporary_redirects(server: FeedServer, fetcher: Fetcher) -> None:
    final = server.route("/new", Route(body=FEED))
    server.route("/moved", Route(status=301, headers={"Location": "/new"}, conditional=False))
    server.route("/temp", Route(status=302, headers={"Location": final}, conditional=False))
    server.route("/mixed", Route(status=308, headers={"Location": "/temp"}, conditional=False))
    moved = fetcher.fetch(FetchRequest(server.url("/moved")))
    assert moved.status == "ok" and moved.permanent_url == final
    temp = fetcher.fetch(FetchRequest(server.url("/temp")))
    assert temp.status == "ok" and temp.permanent_url == "" and temp.final_url == final
    mixed = fetcher.fetch(FetchRequest(server.url("/mixed")))
    assert mixed.status == "ok" and mixed.permanent_url == ""  # not permanent all the way


def test_redirect_loops_and_dangerous_targets_are_refused(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.route("/a", Route(status=302, headers={"Location": "/b"}, conditional=False))
    server.route("/b", Route(status=302, headers={"Location": "/a"}, conditional=False))
    loop = fetcher.fetch(FetchRequest(server.url("/a")))
    assert loop.status == "error" and "Too many redirects" in loop.error
    assert server.hits["/a"] == 1 and server.hits["/b"] == 1  # seen as a loop at once
    server.route("/evil", Route(status=302, headers={"Location": "file:///etc/passwd"}))
    evil = fetcher.fetch(FetchRequest(server.url("/evil")))
    assert evil.status == "error" and "Only http and https" in evil.error
    assert b"root" not in evil.body
    for bad in ("file:///etc/passwd", "ftp://example.com/feed", "javascript:alert(1)"):
        result = fetcher.fetch(FetchRequest(bad))
        assert result.status == "error" and "Only http and https" in result.error


def test_retry_after_is_reported(server: FeedServer, fetcher: Fetcher) -> None:
    server.route("/busy", Route(status=429, headers={"Retry-After": "120"}, conditional=False))
    later = datetime.now(UTC) + timedelta(hours=2)
    server.route(
        "/down",
        Route(status=503, headers={"Retry-After": format_datetime(later, usegmt=True)}),
    )
    busy = fetcher.fetch(FetchRequest(server.url("/busy")))
    assert busy.status == "error" and busy.retry_after is not None
    assert 100 < (busy.retry_after - datetime.now(UTC)).total_seconds() <= 121
    down = fetcher.fetch(FetchRequest(server.url("/down")))
    assert down.retry_after is not None and abs((down.retry_after - later).total_seconds()) < 2


def test_http_errors_in_plain_words(server: FeedServer, fetcher: Fetcher) -> None:
    assert "no feed at this address" in fetcher.fetch(FetchRequest(server.url("/none"))).error
    server.route("/private", Route(status=403, conditional=False))
    assert "refused access" in fetcher.fetch(FetchRequest(server.url("/private"))).error


def test_connection_refused_and_cut_body(server: FeedServer, fetcher: Fetcher) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = fetcher.fetch(FetchRequest(f"http://127.0.0.1:{port}/feed"))
    assert refused.status == "error" and "refused" in refused.error
    server.route("/cut", Route(body=FEED * 50, cut_after=100))
    cut = fetcher.fetch(FetchRequest(server.url("/cut")))
    assert cut.status == "error" and "broke off" in cut.error


def _second_host() -> FeedServer:
    try:
        return FeedServer(host="127.0.0.2")  # Linux routes all of 127/8 to loopback
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here (macOS without an alias)")


def test_per_host_limit_while_other_hosts_proceed() -> None:
    with FeedServer() as slow, _second_host() as other:
        urls = [slow.route(f"/s{i}", Route(body=FEED, delay_s=0.3)) for i in range(8)]
        other_urls = [other.route(f"/o{i}", Route(body=FEED, delay_s=0.3)) for i in range(2)]
        with Fetcher(max_per_host=2, trust_env=False) as fetcher:
            done_at: dict[str, float] = {}
            started = time.monotonic()
            fetcher.fetch_many(
                [*(FetchRequest(u) for u in [*urls, *other_urls])],
                on_result=lambda i, r: done_at.setdefault(r.url, time.monotonic() - started),
            )
        assert slow.max_active == 2  # never more than two at once on one host
        assert other.max_active == 2
        # The other host is served in the first round, not after the busy one's queue...
        assert max(done_at[u] for u in other_urls) < 0.3 + 0.25
        # ...and the busy host's batch takes about 8 / 2 x 0.3 s, not 8 x 0.3 s.
        assert 4 * 0.3 - 0.05 < max(done_at[u] for u in urls) < 4 * 0.3 + 0.6


def test_trickled_headers_are_cut_at_the_deadline(server: FeedServer) -> None:
    # Per-read timeouts never fire on a server sending its headers a byte at a time.
    url = server.route("/slowhead", Route(trickle_headers_s=0.2))
    with Fetcher(deadline_s=1.5, trust_env=False) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(FetchRequest(url))
    assert time.monotonic() - started < 1.5 + 0.5
    assert result.status == "error" and "within 1 seconds" in result.error


def _silent_after(first: bytes, seconds: float) -> Callable[[], Iterator[bytes]]:
    def stream() -> Iterator[bytes]:
        yield first
        time.sleep(seconds)
        yield b"</rss>"

    return stream


def test_cancel_stops_a_request_blocked_on_a_silent_server(server: FeedServer) -> None:
    url = server.route("/stall", Route(stream=_silent_after(b"<rss>", 5), conditional=False))
    cancel = threading.Event()
    with Fetcher(deadline_s=10, trust_env=False) as fetcher:
        threading.Timer(0.3, cancel.set).start()
        started = time.monotonic()
        result = fetcher.fetch(FetchRequest(url), cancel)
    assert time.monotonic() - started < 1
    assert (result.status, result.error) == ("error", "Cancelled.")


def test_truncated_compressed_body_is_an_error(server: FeedServer, fetcher: Fetcher) -> None:
    packed = gzip.compress(rss("Blog", [(str(i), "x" * 40, "y" * 400) for i in range(100)]))
    url = server.route(
        "/halfgz",
        Route(stream=lambda: iter([packed[: len(packed) // 2]]), gzip=True, conditional=False),
    )
    result = fetcher.fetch(FetchRequest(url))  # close-delimited: no length to notice it by
    assert result.status == "error" and "damaged" in result.error and result.body == b""


def test_odd_addresses_and_headers_give_errors_not_exceptions(
    server: FeedServer, fetcher: Fetcher
) -> None:
    for bad in ("http://[bad/", "http://a..b/", "http://a b/feed", "http://a\x01b/"):
        result = fetcher.fetch(FetchRequest(bad))
        assert result.status == "error" and "is not a web address" in result.error
    url = server.route("/feed", Route(body=FEED))
    odd = FetchRequest(url, etag='"x"\r\nX-Forged: 1', user_agent="Café ☕")
    assert fetcher.fetch(odd).status == "ok"
    results = fetcher.fetch_many([FetchRequest("http://[bad/"), FetchRequest(url)])
    assert [r.status for r in results] == ["error", "ok"]


def test_fetch_many_keeps_order_and_can_be_cancelled(server: FeedServer) -> None:
    urls = [server.route(f"/p{i}", Route(body=FEED, delay_s=0.2)) for i in range(12)]
    with Fetcher(max_per_host=2, trust_env=False) as fetcher:
        results = fetcher.fetch_many([FetchRequest(u) for u in urls[:4]])
        assert [r.url for r in results] == urls[:4]
        cancel = threading.Event()
        threading.Timer(0.3, cancel.set).start()
        started = time.monotonic()
        results = fetcher.fetch_many([FetchRequest(u) for u in urls], cancel=cancel)
    assert time.monotonic() - started < 1.5
    assert any(r.error == "Cancelled." for r in results)
    assert len(results) == 12


def test_a_manual_proxy_is_used(server: FeedServer) -> None:
    # The loopback server plays the proxy: it is asked for the absolute address.
    server.route("http://feeds.invalid/feed", Route(body=FEED))
    with Fetcher(proxy=server.url(""), trust_env=False) as fetcher:
        result = fetcher.fetch(FetchRequest("http://feeds.invalid/feed"))
    assert result.status == "ok" and result.body == FEED
    assert server.hits["http://feeds.invalid/feed"] == 1


def test_proxy_addresses_are_checked() -> None:
    from cmdesk.core.errors import InvalidData
    from cmdesk.monitor.fetch import check_proxy

    assert check_proxy("") == ""
    assert check_proxy("proxy.example:3128") == "http://proxy.example:3128"
    assert check_proxy(" http://proxy.example ") == "http://proxy.example"
    with pytest.raises(InvalidData, match="Only http:// proxies"):
        check_proxy("https://proxy.example")
    with pytest.raises(InvalidData, match="password"):
        check_proxy("http://lea:secret@proxy.example:3128")
    with pytest.raises(InvalidData, match="not a proxy address"):
        check_proxy("ftp://proxy.example")


def test_connections_are_kept_alive_and_one_closed_meanwhile_is_replaced(
    server: FeedServer, fetcher: Fetcher
) -> None:
    url = server.route("/feed", Route(body=FEED))
    for _ in range(3):
        assert fetcher.fetch(FetchRequest(url)).status == "ok"
    assert server.connections == 1
    # The server closes the connection after this answer without saying so: the next
    # request finds it closed and is sent again on a new one.
    bye = server.route("/bye", Route(body=FEED, hang_up=True))
    assert fetcher.fetch(FetchRequest(bye)).body == FEED
    assert fetcher.fetch(FetchRequest(url)).body == FEED
    assert server.connections == 2 and server.hits["/feed"] == 4


def test_addresses_are_sent_as_servers_expect_them(server: FeedServer) -> None:
    # The loopback server plays the proxy, which is sent the whole address: a name in
    # another script in IDNA, spaces and accents escaped, credentials as Basic auth.
    host = "bäckerei.invalid".encode("idna").decode()
    sent = f"http://{host}/flux%20actu/%C3%A9t%C3%A9?q=caf%C3%A9&x=%2F"
    server.route(sent, Route(body=FEED))
    with Fetcher(proxy=server.url(""), trust_env=False) as fetcher:
        result = fetcher.fetch(
            FetchRequest("http://léa:s3cret@bäckerei.invalid/flux actu/été?q=café&x=%2F")
        )
    assert result.status == "ok"
    login = base64.b64encode("léa:s3cret".encode()).decode()
    assert server.headers[sent]["Authorization"] == f"Basic {login}"


def test_an_https_proxy_gets_a_clear_error() -> None:
    with Fetcher(proxy="https://proxy.invalid:3128", trust_env=False) as fetcher:
        result = fetcher.fetch(FetchRequest("http://feeds.invalid/feed"))
    assert result.status == "error" and "only http:// proxies" in result.error


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("certs"))


def test_https_is_verified_and_kept_alive(certs: Certificates) -> None:
    with FeedServer(tls=certs.server_context()) as server:
        url = server.route("/feed", Route(body=FEED))
        with Fetcher(trust_env=False, ca_file=str(certs.ca)) as fetcher:
            results = [fetcher.fetch(FetchRequest(url)) for _ in range(2)]
        assert [(r.status, r.body) for r in results] == [("ok", FEED)] * 2
        assert server.connections == 1
        with Fetcher(trust_env=False) as fetcher:  # the usual authorities: not the test's
            refused = fetcher.fetch(FetchRequest(url))
        assert refused.status == "error" and "certificate was refused" in refused.error
        assert server.hits["/feed"] == 2


def test_a_trickling_https_server_is_cut_at_the_deadline(certs: Certificates) -> None:
    with FeedServer(tls=certs.server_context()) as server:
        url = server.route("/slowhead", Route(trickle_headers_s=0.2))
        with Fetcher(deadline_s=1.5, trust_env=False, ca_file=str(certs.ca)) as fetcher:
            started = time.monotonic()
            result = fetcher.fetch(FetchRequest(url), threading.Event())
    assert time.monotonic() - started < 1.5 + 0.5
    assert result.status == "error" and "within 1 seconds" in result.error


def test_https_through_a_proxy_and_the_system_proxy_settings(
    certs: Certificates, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    with FeedServer(tls=certs.server_context()) as origin, FeedServer() as proxy:
        url = origin.route("/feed", Route(body=FEED))
        tunnel = f"127.0.0.1:{origin.port}"
        with Fetcher(proxy=proxy.url(""), trust_env=False, ca_file=str(certs.ca)) as fetcher:
            assert fetcher.fetch(FetchRequest(url)).body == FEED
        assert proxy.tunnels == [tunnel]  # CONNECT, then TLS with the site itself
        # The system's settings (on Linux, the environment), its exceptions obeyed.
        monkeypatch.setenv("https_proxy", proxy.url(""))
        with Fetcher(ca_file=str(certs.ca)) as fetcher:
            assert fetcher.fetch(FetchRequest(url)).body == FEED
        assert proxy.tunnels == [tunnel, tunnel]
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        with Fetcher(ca_file=str(certs.ca)) as fetcher:
            assert fetcher.fetch(FetchRequest(url)).body == FEED
        assert proxy.tunnels == [tunnel, tunnel]
        with Fetcher(ca_file=str(certs.ca), trust_env=False) as fetcher:
            monkeypatch.setenv("no_proxy", "")
            assert fetcher.fetch(FetchRequest(url)).body == FEED
        assert proxy.tunnels == [tunnel, tunnel]  # trust_env=False: never the system's
