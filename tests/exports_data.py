"""A small client with some of everything, for the export tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cmdesk.core.monitoring import FetchOutcome, IncomingEntry
from cmdesk.core.posts import PostState
from cmdesk.store.workspace import Workspace

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
HOSTILE = '=HYPERLINK("http://evil.example","clic")'
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3


def fill(ws: Workspace) -> None:
    source = ws.sources.add("https://blog.example/feed", category="Presse")
    entries = [
        IncomingEntry(
            guid=f"g{n}",
            url=f"https://blog.example/article-{n}",
            title=HOSTILE if n == 0 else f"Réclamation numéro {n} à Lyon",
            published=NOW - timedelta(hours=n),
            text=f"Très déçue, commande {n} jamais reçue. Œuf et café",
            html=f"<p>Texte {n}</p>",
            sentiment="negative",
            sentiment_reason="jamais recue −3",
        )
        for n in range(5)
    ]
    ws.mentions.record_refresh(
        FetchOutcome(source_id=source.id, ok=True, entries=tuple(entries)), NOW
    )
    ws.mentions.add_tag([ws.mentions.page()[0].id], "à traiter")
    team = ws.teams.add("Service client", kind="customer_service")
    léa = ws.contacts.add(
        "Léa Martin", email="lea@example.org", handles=[("mastodon", "lea@piaille.fr")]
    )
    ws.contacts.add("Paul", tags=["fidèle"])
    first = ws.interactions.add(
        "Ma commande n'est jamais arrivée !", channel="email", contact_id=léa.id,
        occurred_at=NOW - timedelta(hours=3), team_id=team.id, tags=["livraison"],
    )  # fmt: skip
    ws.interactions.record_reply(
        first.id, "Nous regardons tout de suite.", at=NOW - timedelta(hours=2)
    )
    ws.interactions.add(
        "Bravo pour la galette", channel="instagram", occurred_at=NOW - timedelta(hours=1)
    )
    post = ws.posts.create("La galette est là 👑", ["mastodon", "bluesky"], title="Épiphanie")
    ws.posts.add_media(post.id, PNG, "Une galette dorée", filename="g.png")
    ws.posts.create("Une idée pour Pâques", state=PostState.IDEA)
