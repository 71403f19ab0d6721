"""A month of a bakery's activity (October 2026, and some of September): mentions with
their tone and a topic, messages answered in known times, a complaint still waiting,
a post published; for the tests of the client report and of the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cmdesk.core.client import ClientProfile
from cmdesk.core.monitoring import FetchOutcome, IncomingEntry
from cmdesk.store.workspace import Workspace

OCT = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def add_mentions(ws: Workspace, source_id: int, start: datetime, count: int, tag: str) -> None:
    entries = tuple(
        IncomingEntry(
            guid=f"{tag}-{n}",
            url=f"https://blog.example/{tag}/{n}",
            title=f"Galette {tag} numéro {n}" if n % 4 else f"Livraison ratée {tag} {n}",
            published=start + timedelta(hours=17 * n),
            text="Très déçue" if n % 4 == 0 else "Une belle boulangerie",
            sentiment="negative" if n % 4 == 0 else "positive",
        )
        for n in range(count)
    )
    ws.mentions.record_refresh(
        FetchOutcome(source_id=source_id, ok=True, entries=entries), start + timedelta(days=40)
    )


def profile() -> ClientProfile:
    return ClientProfile(
        name="Fournil de Léa",
        slug="lea",
        timezone="Europe/Paris",
        language="fr",
        logo=PNG,
        logo_mime="image/png",
    )


def fill(w: Workspace) -> None:
    w.topics.add("Livraison", "livraison")
    source = w.sources.add("https://blog.example/feed")
    add_mentions(w, source.id, OCT, 40, "oct")  # 40 in October (17 h apart: 28 days)
    add_mentions(w, source.id, OCT - timedelta(days=20), 10, "sep")  # 10 in September
    for n, minutes in enumerate((30, 90, 240, 600)):
        at = OCT + timedelta(days=n)
        made = w.interactions.add(
            f"Question {n} sur la commande", channel="facebook", occurred_at=at, type="question"
        )
        w.interactions.record_reply(made.id, "Réponse", at=at + timedelta(minutes=minutes))
    w.interactions.add(
        "<b>Commande</b> jamais arrivée",
        channel="email",
        type="complaint",
        occurred_at=OCT + timedelta(days=9),
        link="https://x.example/r",
    )
    post = w.posts.create("La galette est là", ["mastodon"])
    w.posts.schedule(post.id, datetime(2026, 10, 6, 9, 0))
    variant = w.posts.get(post.id).variants[0]
    w.posts.claim(variant.id, now=datetime(2026, 10, 6, 7, 0, tzinfo=UTC))
    w.posts.confirm(
        variant.id,
        "109",
        "https://piaille.fr/@lea/109",
        scheduled_at=datetime(2026, 10, 6, 7, 0, tzinfo=UTC),
    )


def create(path: Path) -> Workspace:
    """The bakery's workspace at `path`, filled."""
    w = Workspace.create(path, profile())
    fill(w)
    return w
