"""Start-up time and memory of the GUI: `cmdesk gui --smoke` on an empty home and on the
demo client, several runs each, median reported. Run with `make bench`.

Budget (DESIGN.md): first painted main window <= 0.5 s, measured from process start.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
BUDGET_S = 0.5


def smoke(home: Path) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "cmdesk", "--home", str(home), "gui", "--smoke"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    wall = time.perf_counter() - started
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    report["wall_s"] = wall
    return report


def measure(label: str, home: Path) -> dict[str, float]:
    smoke(home)  # warm the OS file cache: we measure cmdesk, not the disk
    runs = [smoke(home) for _ in range(RUNS)]
    paint = statistics.median(r["first_paint_s"] for r in runs)
    wall = statistics.median(r["wall_s"] for r in runs)
    rss = statistics.median(r["rss_mb"] for r in runs)
    print(
        f"{label:<14} first paint {paint * 1000:6.0f} ms (budget {BUDGET_S * 1000:.0f} ms, "
        f"ratio {paint / BUDGET_S:.2f})   process wall {wall * 1000:6.0f} ms   "
        f"RSS {rss:6.1f} MB   client={runs[0]['client']}"
    )
    return {"first_paint_s": paint, "wall_s": wall, "rss_mb": rss}


def main() -> None:
    print(f"cmdesk gui --smoke, median of {RUNS} runs (offscreen), Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty"
        measure("empty home", empty)
        demo = Path(tmp) / "demo"
        subprocess.run(
            [sys.executable, "-m", "cmdesk", "--home", str(demo), "demo"],
            check=True,
            capture_output=True,
        )
        measure("demo client", demo)


if __name__ == "__main__":
    main()
