"""A workspace with 100,000 interactions (French and English, two years, every channel,
type and status, a few thousand contacts and five teams), for the inbox benchmark.
Built once and cached under bench/.cache/.

Rows go in through the real schema in large batches: logging them one by one through
`Interactions.add` (classifier included) would take minutes for no better figure.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cmdesk.core.client import ClientProfile
from cmdesk.core.interactions import CHANNELS, STATUSES, TEAM_KINDS, TYPES
from cmdesk.store.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mentions_data import EN, FR, SENTIMENTS, _sentence, cached

CONTACTS = 5_000
# Most of an inbox is handled: the open states are the few recent ones.
STATUS_WEIGHTS = (0.05, 0.03, 0.02, 0.3, 0.6)


def build(path: Path, count: int, seed: int = 11) -> Path:
    rng = random.Random(seed)
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, partial.with_name(partial.name + "-wal")):
        leftover.unlink(missing_ok=True)
    with Workspace.create(partial, ClientProfile(name="Banc d'essai", slug="bench")) as ws:
        db = ws.db
        db.execute("PRAGMA synchronous = OFF")  # a generator, not user data
        now = datetime.now(UTC)
        stamp = now.isoformat(timespec="seconds")
        for n, kind in enumerate(TEAM_KINDS[:5]):
            ws.teams.add(f"Équipe {n + 1}", kind=kind)
        db.execute("BEGIN")
        for n in range(CONTACTS):
            db.execute(
                "INSERT INTO contact(id, name, email, created_at, updated_at) "
                "VALUES (?, ?, '', ?, ?)",
                (n + 1, f"Membre {n + 1}" if n % 3 else "", stamp, stamp),
            )
            db.execute(
                "INSERT INTO contact_handle(network, handle, contact_id) VALUES (?, ?, ?)",
                (CHANNELS[n % 6], f"membre{n + 1}", n + 1),
            )
        db.execute("COMMIT")
        start = now - timedelta(days=730)
        span = (now - start).total_seconds()
        started = time.perf_counter()
        batch = 20_000
        for first in range(0, count, batch):
            rows = []
            for n in range(first, min(first + batch, count)):
                moment = start + timedelta(seconds=span * n / count)
                words = FR if rng.random() < 0.7 else EN
                status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
                at = moment.isoformat(timespec="seconds")
                rows.append(
                    (
                        rng.choice(CHANNELS),
                        rng.randrange(1, CONTACTS + 1) if rng.random() < 0.8 else None,
                        at,
                        _sentence(rng, words, rng.randint(8, 40)) + ".",
                        f"https://social.example/p/{n}",
                        rng.choice(TYPES),
                        rng.choice(SENTIMENTS),
                        "fr" if words is FR else "en",
                        rng.choice((0, 0, 0, 1, 2)),
                        status,
                        rng.randrange(1, 6) if rng.random() < 0.4 else None,
                        at if status in ("answered", "closed") else None,
                        at if status == "closed" else None,
                        stamp,
                        stamp,
                    )
                )
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO interaction(channel, contact_id, occurred_at, text, link, type, "
                "sentiment, language, priority, status, team_id, first_response_at, "
                "resolved_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.execute("COMMIT")
            done = min(first + batch, count)
            rate = done / (time.perf_counter() - started)
            print(f"\r  {done:>9,} interactions  ({rate:,.0f}/s)", end="", file=sys.stderr)
        print(file=sys.stderr)
        db.execute("PRAGMA optimize")
    os.replace(partial, path)
    partial.with_name(partial.name + ".lock").unlink(missing_ok=True)
    return path


def workspace(count: int = 100_000) -> Path:
    """The cached benchmark workspace with `count` interactions (built if missing)."""
    return cached("interactions", count, build)


if __name__ == "__main__":
    print(workspace(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
