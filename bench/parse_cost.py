"""What one feed entry costs a refresh, step by step: in a parsing worker, then in the
writer (the app's process, a refresh's critical path once the workers keep up).

The machine's speed drifts by a third from one minute to the next (shared cores), which
hides a 10 % change in the refresh benchmark. Instruction counts do not drift: with
`--instructions` each step runs under valgrind's cachegrind (when installed) and the
instructions per entry are printed, repeatable to 0.1 %. Without it, CPU time per entry
(best of several runs) is printed. Same feeds as bench/refresh.py.

Run with `python bench/parse_cost.py [--instructions]`.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cmdesk.core.classify import estimate, scan
from cmdesk.core.client import ClientProfile
from cmdesk.core.monitoring import FetchOutcome
from cmdesk.monitor.parse import parse_feed
from cmdesk.monitor.work import ParseResult, parse_job
from cmdesk.store.mentions import entry_keys, words_of_entries
from cmdesk.store.workspace import Workspace
from refresh import feed

FEEDS = 24
BATCH_FEEDS = 20  # about a refresh's batch (refresh.BATCH_ENTRIES)
HEADERS = {"content-type": "application/rss+xml; charset=utf-8"}
URL = "https://site.example/feed"


def _steps() -> dict[str, Callable[[], object]]:
    rng = random.Random(11)
    bodies = [feed(rng, n) for n in range(FEEDS)]
    entries = [e for b in bodies for e in parse_feed(b, url=URL, headers=HEADERS).entries]
    scanned = [scan(f"{e.title}. {e.text}") for e in entries]
    parsed = [parse_job(b, URL, HEADERS) for b in bodies]
    return {
        "none": lambda: None,
        "whole job": lambda: [parse_job(b, URL, HEADERS) for b in bodies],
        "read and sanitise": lambda: [parse_feed(b, url=URL, headers=HEADERS) for b in bodies],
        "classify": lambda: [estimate(f"{e.title}. {e.text}") for e in entries],
        "search words": lambda: words_of_entries(
            (e.title, e.author, e.text, s) for e, s in zip(entries, scanned, strict=True)
        ),
        "article keys": lambda: [entry_keys(e.url, e.title) for e in entries],
        "workspace": lambda: _write(parsed, store=False),
        "write": lambda: _write(parsed, store=True),
    }


def _write(parsed: list[ParseResult], *, store: bool) -> float:
    """A fresh workspace following the feeds, then (`store`) their entries written as a
    cold refresh writes them, in batches; returns the CPU time of the writing alone."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cost.cmdesk"
        with Workspace.create(path, ClientProfile(name="Cost", slug="cost")) as ws:
            ids = [ws.sources.add(f"{URL}/{n}").id for n in range(len(parsed))]
            outcomes = [
                FetchOutcome(
                    source_id=i, ok=True, feed_title=p.title, entries=p.entries, terms=p.terms
                )
                for i, p in zip(ids, parsed, strict=True)
            ]
            started = time.process_time()
            for start in range(0, len(outcomes), BATCH_FEEDS) if store else ():
                ws.mentions.record_refreshes(outcomes[start : start + BATCH_FEEDS])
            return time.process_time() - started


ENTRIES = FEEDS * 50


def _instructions(step: str) -> int:
    run = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, __file__, "--run", step],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    assert found, run.stderr[-500:]
    return int(found.group(1).replace(",", ""))


def main() -> None:
    if sys.argv[1:2] == ["--run"]:
        steps = _steps()
        steps["whole job"]()  # imports and caches warm, as in a worker after its first feed
        steps[sys.argv[2]]()
        return
    names = [n for n in _steps() if n not in ("none", "workspace")]
    if "--instructions" in sys.argv:
        if shutil.which("valgrind") is None:
            print("valgrind is not installed: run without --instructions")
            return
        base = {"none": _instructions("none")}
        base["write"] = _instructions("workspace")  # creating it is not the writing
        print(f"Instructions per entry ({ENTRIES} entries, valgrind cachegrind):")
        for name in names:
            count = _instructions(name) - base.get(name, base["none"])
            print(f"  {name:18s} {count / ENTRIES:10,.0f}")
        return
    steps = _steps()
    steps["whole job"]()
    print(f"CPU time per entry ({ENTRIES} entries, best of 5):")
    for name in names:
        best = min(_cpu(steps[name]) for _ in range(5))
        print(f"  {name:18s} {best / ENTRIES * 1e6:7.1f} µs")


def _cpu(step: Callable[[], object]) -> float:
    """CPU seconds of one run, or the step's own figure when it times itself (the
    writing step, which creates a workspace first)."""
    started = time.process_time()
    result = step()
    spent = time.process_time() - started
    return result if isinstance(result, float) else spent


if __name__ == "__main__":
    main()
