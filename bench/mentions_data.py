"""A workspace with a million mentions (French and English), for the search, start-up
and scrolling benchmarks. Built once and cached under bench/.cache/ (about 1 GB).

The rows go in through the real schema (and are indexed for search as refreshes do it)
but in large batches, so building takes minutes rather than an hour.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cmdesk.core.client import ClientProfile
from cmdesk.store import migrations
from cmdesk.store.mentions import KEY_SHIFT
from cmdesk.store.workspace import Workspace

CACHE = Path(__file__).resolve().parent / ".cache"


def _words(text: str) -> list[str]:
    return text.split()


FR = _words(
    "le la les un une des boulangerie pain levain croissant galette commande livraison "
    "service client boutique équipe accueil qualité prix retard remboursement colis "
    "réclamation délicieux déçu merci bravo attente quartier Lyon marché artisan farine "
    "baguette tradition viennoiserie fermeture ouverture travaux samedi dimanche matin "
    "recette chocolat noël fête apprenti atelier avis réseau article journal presse"
)
EN = _words(
    "the a bakery bread sourdough croissant order delivery customer service shop staff "
    "quality price late refund parcel complaint delicious disappointed thanks great wait "
    "neighbourhood market baker flour tradition pastry opening works saturday sunday "
    "morning recipe chocolate christmas workshop review news article press"
)
SENTIMENTS = ("negative", "neutral", "positive", "neutral")


def _sentence(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n)).capitalize()


def build(path: Path, count: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, partial.with_name(partial.name + "-wal")):
        leftover.unlink(missing_ok=True)
    with Workspace.create(partial, ClientProfile(name="Banc d'essai", slug="bench")) as ws:
        db = ws.db
        db.execute("PRAGMA synchronous = OFF")  # a generator, not user data
        now = datetime.now(UTC)
        db.execute("BEGIN")
        for n in range(500):
            db.execute(
                "INSERT INTO source(url, title, category, created_at) VALUES (?, ?, ?, ?)",
                (f"https://site{n}.example/feed", f"Site {n}", f"Cat {n % 12}", now.isoformat()),
            )
        db.execute("COMMIT")
        start = now - timedelta(days=730)
        span = (now - start).total_seconds()
        started = time.perf_counter()
        batch = 20_000
        for first in range(0, count, batch):
            rows = []
            links = []
            for n in range(first, min(first + batch, count)):
                # Evenly spread over two years, in order: ids stay unique and time-ordered.
                moment = start + timedelta(seconds=span * n / count)
                mention_id = (int(moment.timestamp()) << KEY_SHIFT) + (n % 1000)
                words = FR if rng.random() < 0.7 else EN
                source = rng.randrange(500)
                rows.append(
                    (
                        mention_id,
                        f"https://site{source}.example/a/{n}",
                        _sentence(rng, words, rng.randint(5, 10)),
                        f"Site {source}",
                        moment.isoformat(timespec="seconds"),
                        moment.isoformat(timespec="seconds"),
                        _sentence(rng, words, rng.randint(20, 60)) + ".",
                        "fr" if words is FR else "en",
                        rng.choice(SENTIMENTS),
                        int(rng.random() < 0.6),
                        int(rng.random() < 0.02),
                    )
                )
                links.append((source + 1, f"g{n}", mention_id, moment.isoformat()))
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO mention(id, url, title, source, published_at, fetched_at, text, "
                "language, sentiment, read, starred) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            db.executemany(
                "INSERT INTO mention_source(source_id, guid, mention_id, seen_at) VALUES (?,?,?,?)",
                links,
            )
            # Indexed as the store does it (schema 5 has no insert trigger), in id order.
            db.execute(
                "INSERT INTO mention_fts(rowid, title, text, author, source) "
                "SELECT id, title, text, author, source FROM mention WHERE id BETWEEN ? AND ?",
                (rows[0][0], rows[-1][0]),
            )
            db.execute("COMMIT")
            done = min(first + batch, count)
            rate = done / (time.perf_counter() - started)
            print(f"\r  {done:>9,} mentions  ({rate:,.0f}/s)", end="", file=sys.stderr)
        print(file=sys.stderr)
        # Real refreshes add each word to search_term as they go; here all at once.
        db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, mention_fts, row)")
        db.execute("BEGIN")
        db.execute("INSERT OR IGNORE INTO search_term(term) SELECT term FROM temp.vocab")
        db.execute("COMMIT")
        db.execute("PRAGMA optimize")
    os.replace(partial, path)
    return path


def cached(name: str, count: int, make: Callable[[Path, int], Path]) -> Path:
    """The cached workspace `name`-`count`, in the current schema: one cached by an older
    cmdesk is migrated (seconds) rather than built again (minutes); else it is built."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{name}-{count}-v{migrations.LATEST}.cmdesk"
    if path.exists():
        return path
    older = sorted(
        CACHE.glob(f"{name}-{count}-v*.cmdesk"),
        key=lambda p: int(p.stem.rsplit("-v", 1)[1]),
    )
    if older:
        print(f"Migrating {older[-1].name} to schema {migrations.LATEST}…", file=sys.stderr)
        os.replace(older[-1], path)
        wal = older[-1].with_name(older[-1].name + "-wal")
        if wal.exists():  # what it holds is part of the workspace
            os.replace(wal, path.with_name(path.name + "-wal"))
        for leftover in (".lock", "-shm"):
            older[-1].with_name(older[-1].name + leftover).unlink(missing_ok=True)
        Workspace.open(path, check=False).close()
        return path
    print(f"Building {path.name} (once; cached for later runs)…", file=sys.stderr)
    return make(path, count)


def workspace(count: int = 1_000_000) -> Path:
    """The cached benchmark workspace with `count` mentions (built if missing)."""
    return cached("mentions", count, build)


if __name__ == "__main__":
    print(workspace(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
