"""The monthly client report of a client with a million mentions and 100,000 interactions.

Measures, for the busiest month: computing the figures, then writing the PDF and the HTML
report, each in a fresh process (time, CPU and peak memory), and the team digest of that
month. The combined workspace is made once from the two cached benchmark workspaces
(bench/.cache). The GUI side (the report runs off the GUI thread) is checked by the tests.

Run with `make bench` or `python bench/report.py`.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cmdesk.store import migrations
from cmdesk.store.mentions import KEY_SHIFT
from cmdesk.store.workspace import Workspace
from inbox_data import workspace as interactions_workspace
from mentions_data import CACHE
from mentions_data import workspace as mentions_workspace

# Tables of the interactions workspace brought into the mentions one.
_TABLES = ("team", "contact", "contact_handle", "contact_tag", "interaction", "interaction_tag")


def combined() -> Path:
    path = CACHE / f"report-1000000-100000-v{migrations.LATEST}.cmdesk"
    if path.exists():
        return path
    print(f"Building {path.name} (once; cached for later runs)…", file=sys.stderr)
    partial = path.with_name(path.name + ".partial")
    shutil.copyfile(mentions_workspace(), partial)
    db = sqlite3.connect(partial, isolation_level=None)
    try:
        db.execute("ATTACH ? AS other", (str(interactions_workspace()),))
        db.execute("BEGIN")
        for table in _TABLES:
            db.execute(f"DELETE FROM main.{table}")
            db.execute(f"INSERT INTO main.{table} SELECT * FROM other.{table}")
        db.execute("INSERT INTO interaction_fts(interaction_fts) VALUES ('rebuild')")
        db.execute("COMMIT")
        db.execute("DETACH other")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    os.replace(partial, path)
    return path


def busiest_month(path: Path) -> str:
    """The month with the most mentions, in the client's zone roughly (UTC is enough to
    choose)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute(
            f"SELECT strftime('%Y-%m', id >> {KEY_SHIFT}, 'unixepoch') AS month, count(*) "
            "FROM mention GROUP BY month ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
    finally:
        db.close()
    return str(row[0])


def child(path: str, month: str, what: str) -> None:
    """One measured step, alone in this process."""
    from cmdesk.core.clock import utc_now
    from cmdesk.core.periods import parse
    from cmdesk.share import digest, report
    from cmdesk.store import indicators

    started, cpu = time.perf_counter(), time.process_time()
    with Workspace.open_readonly(Path(path)) as ws:
        period = parse(month, utc_now(), ws.profile().zone)
        out = Path(path).with_name(f"bench-report.{what}")
        if what == "figures":
            figures = indicators.compute(ws, period)
            detail = f"{figures.mentions.now:,} mentions, {figures.interactions.now:,} messages"
        elif what == "digest":
            doc = digest.make(ws, period)
            digest.export(doc, out.with_suffix(".pdf"), "pdf")
            detail = f"{doc.digest.total:,} messages, {len(doc.digest.recurring)} recurring issues"
        else:
            made = report.make(ws, period)
            report.export(made, out, what)
            detail = f"{out.stat().st_size / 1e3:,.0f} kB"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
        "peak_mb": peak, "detail": detail,
    }))  # fmt: skip


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return
    path = combined()
    month = busiest_month(path)
    print(f"Monthly report, 1,000,000 mentions and 100,000 interactions, month {month}")
    steps = (
        ("figures", "figures of the month"),
        ("pdf", "PDF report"),
        ("html", "HTML report"),
        ("digest", "digest (PDF, every team)"),
    )
    for what, label in steps:
        run = subprocess.run(
            [sys.executable, __file__, "--child", str(path), month, what],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        r = json.loads(run.stdout.strip().splitlines()[-1])
        print(f"  {label:26} {r['seconds']:6.2f} s  (CPU {r['cpu']:.2f} s)  "
              f"peak memory {r['peak_mb']:5.0f} MB  — {r['detail']}")  # fmt: skip


if __name__ == "__main__":
    main()
