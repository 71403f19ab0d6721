"""What a connector is given for one variant of a post: its text, images, link and, for a
WordPress article, the extra fields the variant carries."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from cmdesk.core.networks import Network
from cmdesk.core.post_text import text_as_sent
from cmdesk.core.publication import Post, Variant
from cmdesk.publish.base import LinkCard, Media, PostContent

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(n.strip() for n in value.split(",") if n.strip())
    if isinstance(value, list):
        return tuple(str(n).strip() for n in value if str(n).strip())
    return ()


def content_for(
    ws: Workspace, post: Post, variant: Variant, scheduled_at: datetime | None = None
) -> PostContent:
    """The variant as its network receives it. The link is added to the text where the
    network makes a card from the text (Mastodon) and carried as a card where it does
    not (Bluesky); an article gets it at the end of its body only when absent."""
    link = post.link
    network = Network(variant.channel)
    text = text_as_sent(network, variant.text_or(post.text), link)
    media = tuple(
        Media(data=m.data or b"", mime=m.mime, alt=m.alt, filename=m.filename)
        for m in ws.posts.media(post.id, with_data=True)
    )
    extras = variant.extras
    common: dict[str, Any] = {
        "text": text,
        "media": media,
        "language": str(extras.get("language") or ws.profile().language or ""),
        "idempotency_key": variant.idempotency_key,
        "scheduled_at": scheduled_at,
    }
    if network is Network.BLUESKY and link:
        common["link_card"] = LinkCard(url=link, title=post.title)
    if network is Network.MASTODON:
        common["spoiler_text"] = str(extras.get("spoiler_text") or "")
        common["visibility"] = str(extras.get("visibility") or "")
    if network is Network.WORDPRESS:
        common.update(
            title=str(extras.get("title") or post.title),
            excerpt=str(extras.get("excerpt") or ""),
            categories=_names(extras.get("categories")),
            tags=_names(extras.get("tags")),
            draft=extras.get("status") == "draft",
        )
    return PostContent(**common)
