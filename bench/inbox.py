"""The triage inbox at 100,000 interactions: filter changes and scrolling to the end.

- filter change: the list model reset with a new filter until its first page is in (what
  the user waits for after a click or a keystroke in the search box), p50 and p95;
- scrolling to the end: every page fetched and every row shown once, as a view scrolled
  to the bottom does, with the cache bound checked.

Run with `make bench` (or `python bench/inbox.py [COUNT]`); the workspace is built once.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QCoreApplication, QModelIndex

from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.workspace import Workspace
from cmdesk.ui.models.interactions import CACHE_ROWS, InteractionListModel
from inbox_data import workspace

SCREEN = 30  # rows on screen
FILTER_BUDGET_MS = 100.0  # "instant": under a tenth of a second
FILTERS = (
    ("everything", InteractionFilter(), ""),
    ("to handle (open)", InteractionFilter(open_only=True), ""),
    ("status: closed", InteractionFilter(status="closed"), ""),
    ("type: complaint", InteractionFilter(type="complaint"), ""),
    ("channel + team", InteractionFilter(channel="instagram", team_id=2), ""),
    ("search: one word", InteractionFilter(), "livraison"),
    ("search: accents, two words", InteractionFilter(), "deçu commande"),
    ("search: nothing found", InteractionFilter(), "zzqx"),
    ("search + open", InteractionFilter(open_only=True), "retard"),
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = QCoreApplication.instance() or QCoreApplication(sys.argv)
    path = workspace(count)
    ws = Workspace.open(path, check=False)
    model = InteractionListModel()
    model.set_workspace(ws)
    print(f"Inbox at {count:,} interactions ({path.name})")
    worst = 0.0
    for label, flt, text in FILTERS:
        samples = []
        for _round in range(7):
            started = time.perf_counter()
            model.set_filter(flt, text)
            model.data(model.index(0, 2))  # the first row painted
            samples.append((time.perf_counter() - started) * 1000)
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        worst = max(worst, p95)
        print(
            f"  filter {label:<28} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   rows {model.rowCount()}"
        )
    print(
        f"  worst filter change p95 {worst:.1f} ms "
        f"(budget {FILTER_BUDGET_MS:.0f} ms, ratio {worst / FILTER_BUDGET_MS:.2f})"
    )
    for label, flt in (
        ("everything", InteractionFilter()),
        ("closed", InteractionFilter(status="closed")),
    ):
        model.set_filter(flt)
        started = time.perf_counter()
        pages = 0
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
            pages += 1
        last = model.rowCount()
        for row in range(max(0, last - SCREEN), last):  # the last screenful painted
            model.data(model.index(row, 1))
            model.data(model.index(row, 2))
        jump = (time.perf_counter() - started) * 1000
        # Scrolling line by line: rows are loaded in blocks as they come into view.
        started = time.perf_counter()
        sample = min(last, 5000)
        for row in range(sample):
            model.data(model.index(row, 1))
            model.data(model.index(row, 2))
        per_row = (time.perf_counter() - started) * 1e6 / max(sample, 1)
        assert model.cached_rows <= CACHE_ROWS
        print(
            f"  jump to the end ({label}): {last:,} rows, {pages} more pages and the last "
            f"screen painted in {jump:.0f} ms; scrolling on: {per_row:.0f} µs a row "
            f"({per_row * SCREEN / 1000:.1f} ms a screen of {SCREEN}), cache {model.cached_rows}"
        )
    ws.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
