"""Search, start-up and scrolling at a million mentions (DESIGN.md budgets).

- search: newest 50 hits for words typed in the search box, p50 and p95 (budget: p95 10 ms),
  with and without a state filter, and the list's first id page;
- `gui --smoke` on that workspace: first paint (budget 0.5 s) and memory;
- memory after the list model has paged in and shown every row (budget 150 MB RSS).

Run with `make bench` (or `python bench/search.py [COUNT]`); the workspace is built once.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cmdesk.store.mentions import MentionFilter
from cmdesk.store.workspace import Workspace
from mentions_data import EN, FR, workspace

SEARCH_BUDGET_MS = 10.0
PAINT_BUDGET_S = 0.5
SCROLL_BUDGET_MB = 150.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def queries(ws: Workspace, rng: random.Random) -> list[str]:
    """What people type: words of mentions that exist, letter by letter for the last one
    (search-as-you-type), one or two words."""
    oldest, newest = ws.db.execute("SELECT min(id), max(id) FROM mention").fetchone()
    typed = []
    while len(typed) < 250:
        probe = rng.randrange(oldest, newest + 1)
        row = ws.db.execute(
            "SELECT title FROM mention WHERE id <= ? ORDER BY id DESC LIMIT 1", (probe,)
        ).fetchone()
        words = [w for w in row[0].split() if len(w) > 3]
        if not words:
            continue
        chosen = rng.sample(words, min(len(words), rng.choice((1, 2))))
        last = chosen[-1]
        typed.append(" ".join([*chosen[:-1], last[: rng.randint(3, len(last))]]))
    return typed


def unmatched_pairs(rng: random.Random) -> list[str]:
    """The worst case: two common words that never appear together (a French and an
    English one here), so the index must read both lists to the end to find nothing."""
    return [f"{rng.choice(FR)} {rng.choice(EN)} " for _ in range(50)]


def time_search(
    ws: Workspace, label: str, make: object, limit: int = 50, texts: list[str] | None = None
) -> None:
    samples = []
    for text in texts or queries(ws, random.Random(3)):
        flt = make(text)  # type: ignore[operator]
        started = time.perf_counter()
        ws.mentions.ids(flt, limit=limit)
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = statistics.median(samples), percentile(samples, 0.95)
    print(
        f"  {label:<40} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   "
        f"(budget p95 {SEARCH_BUDGET_MS:.0f} ms, ratio {p95 / SEARCH_BUDGET_MS:.2f})"
    )


def smoke(path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    runs = []
    with tempfile.TemporaryDirectory() as home:
        for _ in range(4):
            proc = subprocess.run(
                [sys.executable, "-m", "cmdesk", "--home", home, "gui", str(path), "--smoke"],
                capture_output=True,
                text=True,
                env=env,
                timeout=300,
                check=True,
            )
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    paint = statistics.median(r["first_paint_s"] for r in runs[1:])
    rss = statistics.median(r["rss_mb"] for r in runs[1:])
    print(
        f"  gui --smoke first paint {paint * 1000:6.0f} ms (budget {PAINT_BUDGET_S * 1000:.0f}, "
        f"ratio {paint / PAINT_BUDGET_S:.2f})   RSS {rss:.0f} MB"
    )


SCROLL = """
import sys, psutil
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication
app = QApplication([])
from pathlib import Path
from cmdesk.store.workspace import Workspace
from cmdesk.ui.models.mentions import MentionListModel
ws = Workspace.open(Path(sys.argv[1]), check=False)
model = MentionListModel()
model.set_workspace(ws)
while model.canFetchMore(QModelIndex()):
    model.fetchMore(QModelIndex())
for row in range(0, model.rowCount(), 25):  # every screenful, top to bottom
    model.data(model.index(row, 1))
print(model.rowCount(), round(psutil.Process().memory_info().rss / 2**20, 1))
"""


def scroll(path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", SCROLL, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=True,
    )
    rows, rss = proc.stdout.split()
    print(
        f"  scrolled all {int(rows):,} rows in {time.perf_counter() - started:.1f} s: "
        f"RSS {float(rss):.0f} MB (budget {SCROLL_BUDGET_MB:.0f}, "
        f"ratio {float(rss) / SCROLL_BUDGET_MB:.2f})"
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = workspace(count)
    print(f"Search and list at {count:,} mentions ({path.stat().st_size / 2**20:.0f} MB file)")
    with Workspace.open(path, check=False) as ws:
        time_search(ws, "search, newest 50", lambda q: MentionFilter(query=q, state="all"))
        time_search(ws, "search + inbox filter, newest 50", lambda q: MentionFilter(query=q))
        time_search(
            ws,
            "search, list's first page (2,000 ids)",
            lambda q: MentionFilter(query=q, state="all"),
            limit=2000,
        )
        time_search(
            ws,
            "worst case: two words never together",
            lambda q: MentionFilter(query=q, state="all"),
            texts=unmatched_pairs(random.Random(5)),
        )
        started = time.perf_counter()
        ws.mentions.ids(MentionFilter(), limit=2000)
        print(
            f"  unfiltered list, first 2,000 ids: {(time.perf_counter() - started) * 1000:.1f} ms"
        )
    smoke(path)
    scroll(path)


if __name__ == "__main__":
    main()
