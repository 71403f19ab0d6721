"""Refreshing 500 feeds x 50 items served on 127.0.0.1, against newsboat and a naive loop.

Budgets (DESIGN.md): cold refresh <= 0.35 x newsboat `-x reload` (reload-threads 8) in the
same run; warm (all 304) <= 0.10 x newsboat's warm reload; the GUI event loop never
stalls more than 50 ms during the refresh (a 10 ms heartbeat timer measures it).

The refreshes run in a running app: its modules loaded and its parsing processes' server
started, as the app starts it once its window is shown; newsboat runs whole. Cold
refreshes of cmdesk and newsboat take turns, in three rounds, each with an empty workspace
and cache; the budget is checked on the median of the rounds' ratios.

Needs the Debian package `newsboat` for the comparison (skipped with a note otherwise).
Run with `make bench` or `python bench/refresh.py [FEEDS]`.
"""

from __future__ import annotations

import multiprocessing.forkserver
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# cmdesk is imported where it is used, not here: the parsing workers import the script
# that started the program (multiprocessing's rule for a script run by its path), and
# cmdesk's own commands are light modules (cmdesk/launch.py) that import nothing until
# called. Importing the world here would make every worker pay for it, which the app's
# workers do not.
if TYPE_CHECKING:
    from cmdesk.monitor.refresh import RefreshSummary
    from cmdesk.store.workspace import Workspace

ITEMS = 50
COLD_RATIO = 0.35
WARM_RATIO = 0.10
STALL_BUDGET_MS = 50.0
# cmdesk and newsboat take turns: the machine's speed drifts by a third from one minute to
# the next (shared cores), more than the difference a change makes.
ROUNDS = 3


def feed(rng: random.Random, n: int) -> bytes:
    from mentions_data import EN, FR

    words = FR if n % 3 else EN
    items = []
    for i in range(ITEMS):
        title = " ".join(rng.choice(words) for _ in range(8))
        body = " ".join(rng.choice(words) for _ in range(rng.randint(40, 120)))
        html = f"&lt;p&gt;{body[:200]} &lt;a href=&quot;/post/{i}&quot;&gt;lire&lt;/a&gt;&lt;/p&gt;"
        items.append(
            f"<item><title>{title}</title><link>https://site{n}.example/post/{i}</link>"
            f"<guid>site{n}-{i}</guid><pubDate>Mon, 0{1 + i % 9} Mar 2026 10:00:00 GMT</pubDate>"
            f"<description>{html} {body[200:]}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Site {n}</title><link>https://site{n}.example/</link>{''.join(items)}"
        "</channel></rss>"
    ).encode()


def cmdesk_refresh(ws: Workspace) -> tuple[float, RefreshSummary]:
    from cmdesk.monitor.refresh import Refresher

    started = time.perf_counter()
    summary = Refresher().refresh(ws, ws.sources.due())
    return time.perf_counter() - started, summary


def cpu_seconds() -> tuple[float, float]:
    """CPU time (user + system) of this process and of the parsing workers that have
    ended (a refresh shuts its pool down): this process's children, or on Linux the
    server process they are forked from (monitor/workers.py) and its children."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    workers = children.ru_utime + children.ru_stime
    server = multiprocessing.forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    if server is not None:
        fields = Path(f"/proc/{server}/stat").read_text().rsplit(")", 1)[1].split()
        # Its own time (utime, stime: starting it is part of the first refresh) and its
        # ended children's (cutime, cstime).
        ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
        workers += ticks / os.sysconf("SC_CLK_TCK")
    return own.ru_utime + own.ru_stime, workers


def newsboat(urls: Path, cache: Path, config: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["newsboat", "-x", "reload", "-u", str(urls), "-c", str(cache), "-C", str(config)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return time.perf_counter() - started


def naive(urls: list[str]) -> float:
    import feedparser  # type: ignore[import-untyped]

    started = time.perf_counter()
    for url in urls:
        feedparser.parse(url)
    return time.perf_counter() - started


STALL = """
import gc, sys, time, threading
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from cmdesk.monitor.refresh import Refresher
from cmdesk.store.workspace import Workspace
ws = Workspace.open(Path(sys.argv[1]))
ws.sources.refresh_all_now()
from cmdesk.monitor import workers
workers.prepare(wait=True)  # as the app does once its window is shown
gc.freeze()  # as the app does once its window is shown (app.py)
gaps = []
last = [time.perf_counter()]
result = {}
def work():
    result["summary"] = Refresher().refresh(ws, ws.sources.due())
worker = threading.Thread(target=work)
def beat():
    now = time.perf_counter()
    gaps.append(now - last[0])
    last[0] = now
    if not worker.is_alive():
        app.quit()  # from the GUI thread: quit() from the worker can deadlock PySide6
timer = QTimer(); timer.setInterval(10); timer.timeout.connect(beat); timer.start()
worker.start()
app.exec(); worker.join()
# The stall comes from the GIL, the collector and the CPU the workers take, measured
# as they are.
print(round(max(gaps) * 1000, 1), result["summary"].new_mentions)
"""


def stall(path: Path) -> tuple[float, int]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-c", STALL, str(path)],
        capture_output=True, text=True, env=env, timeout=900, check=True,
    )  # fmt: skip
    gap, new = proc.stdout.split()
    return float(gap), int(new)


def serve(count: int) -> None:
    """The feed server, in its own process: in the benchmark's process its threads would
    compete for the GIL with cmdesk's and slow cmdesk down, not newsboat."""
    from feed_server import FeedServer, Route

    rng = random.Random(11)
    with FeedServer() as server:
        for n in range(count):
            server.route(f"/feed/{n}.xml", Route(body=feed(rng, n)))
        print(server.port, flush=True)
        sys.stdin.read()  # until the benchmark closes our stdin


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    have_newsboat = shutil.which("newsboat") is not None
    print(f"Refresh of {count} feeds x {ITEMS} items on 127.0.0.1 ({os.cpu_count()} cores)")
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(count)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    port = int(server.stdout.readline())
    urls = [f"http://127.0.0.1:{port}/feed/{n}.xml" for n in range(count)]
    try:
        run(urls, have_newsboat)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=30)


def run(urls: list[str], have_newsboat: bool) -> None:
    from cmdesk.core.client import ClientProfile
    from cmdesk.monitor import workers
    from cmdesk.store.workspace import Workspace

    # A running app: the first refresh of a session also imports the fetching and
    # parsing modules, once (shown apart, not in the rounds, which must be alike).
    started = time.perf_counter()
    from cmdesk.monitor import refresh  # noqa: F401

    imported = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url_file = folder / "urls"
        url_file.write_text("\n".join(urls) + "\n")
        config = folder / "config"
        config.write_text("reload-threads 8\nsuppress-first-reload yes\n")
        # The app starts the parsing processes' server once its window is shown
        # (ui/views/monitoring.py), long before its first refresh: so does this run.
        workers.prepare(wait=True)
        ratios = []
        for round_ in range(ROUNDS if have_newsboat else 1):
            ws_path = folder / f"bench{round_}.cmdesk"
            with Workspace.create(ws_path, ClientProfile(name="Banc", slug="banc")) as ws:
                for url in urls:
                    ws.sources.add(url)
                own, children = cpu_seconds()
                cold, summary = cmdesk_refresh(ws)
                own_after, children_after = cpu_seconds()
                if round_ == 0:
                    ws.sources.refresh_all_now()
                    warm, warm_summary = cmdesk_refresh(ws)
            ws_path.unlink()
            print(
                f"  cmdesk cold      {cold:7.2f} s   {summary.new_mentions} mentions (CPU: "
                f"{own_after - own:.2f} s in the app's process, {children_after - children:.2f} s "
                "in the parsing workers)"
            )
            if have_newsboat:
                nb_cold = newsboat(url_file, folder / f"cache{round_}.db", config)
                ratios.append(cold / nb_cold)
                print(f"  newsboat cold    {nb_cold:7.2f} s   ratio {ratios[-1]:.2f}")
        if have_newsboat:
            ratio = statistics.median(ratios)
            print(
                f"  cold ratio, median of {ROUNDS} rounds: {ratio:.2f} (budget {COLD_RATIO}; "
                f"{', '.join(f'{r:.2f}' for r in ratios)})"
            )
        print(f"  cmdesk warm      {warm:7.2f} s   {warm_summary.not_modified} not modified")
        if have_newsboat:
            nb_warm = newsboat(url_file, folder / f"cache{ROUNDS - 1}.db", config)
            print(
                f"  newsboat warm    {nb_warm:7.2f} s   ratio {warm / nb_warm:.2f} "
                f"(budget {WARM_RATIO})"
            )
        else:
            print("  newsboat: not installed (Debian package `newsboat`), comparison skipped")
        print(f"  importing the fetching and parsing modules (a session's first refresh): "
              f"{imported:.2f} s")  # fmt: skip
        loop = naive(urls[: max(1, len(urls) // 5)]) * len(urls) / max(1, len(urls) // 5)
        print(f"  naive feedparser.parse(url) loop, extrapolated: {loop:7.2f} s "
              f"(cmdesk x{loop / cold:.1f} faster)")  # fmt: skip
        fresh = folder / "stall.cmdesk"
        with Workspace.create(fresh, ClientProfile(name="Banc", slug="banc2")) as ws:
            for url in urls:
                ws.sources.add(url)
        gap, new = stall(fresh)
        print(
            f"  longest GUI event-loop stall during a cold refresh: {gap:.0f} ms "
            f"(budget {STALL_BUDGET_MS:.0f}, ratio {gap / STALL_BUDGET_MS:.2f}; {new} mentions)"
        )


if __name__ == "__main__":
    main()
