"""The WordPress connector end to end against a loopback site that follows the REST API
Handbook (tests/publish/wordpress_server.py says which pages, and why not a real one)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from loopback import Fault
from wordpress_server import WordPressServer

from cmdesk.core.redaction import MASK, redact
from cmdesk.publish import wordpress as wp
from cmdesk.publish.base import (
    AuthExpired,
    Media,
    OutcomeUnknown,
    PostContent,
    Rejected,
    Timeout,
    TooLarge,
    Transient,
)
from cmdesk.publish.wordpress import WordPressConnector
from cmdesk.store.secrets import MemorySecrets

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 3000


def connected(
    site: WordPressServer, secrets: MemorySecrets, **options: float
) -> WordPressConnector:
    account = wp.connect(site.url, site.username, site.app_password, secrets, label="Blog")
    return WordPressConnector(account, secrets, **options)  # type: ignore[arg-type]


def test_connecting_finds_the_api_and_keeps_the_password_in_the_keyring(
    wordpress: WordPressServer, secrets: MemorySecrets
) -> None:
    account = wp.connect(wordpress.url, "marie", wordpress.app_password, secrets)
    assert account.options["api_root"] == wordpress.url + "/wp-json"
    assert account.remote_id == str(WordPressServer.USER_ID)
    assert json.loads(secrets.get(account.secret_name) or "{}") == {
        "app_password": wordpress.app_password
    }
    assert wordpress.app_password not in json.dumps(account.to_row())
    assert redact(wordpress.app_password) == MASK


def test_sites_without_pretty_permalinks_use_rest_route(
    wordpress: WordPressServer, secrets: MemorySecrets
) -> None:
    wordpress.pretty_permalinks = False
    connector = connected(wordpress, secrets)
    assert connector.account.options["api_root"] == wordpress.url + "/?rest_route="
    published = connector.publish(PostContent(title="Bonjour", text="<p>Texte</p>"))
    assert wordpress.posts[int(published.remote_id)]["status"] == "publish"


def test_a_wrong_application_password_asks_to_reconnect(
    wordpress: WordPressServer, secrets: MemorySecrets
) -> None:
    with pytest.raises(AuthExpired) as caught:
        wp.connect(wordpress.url, "marie", "aaaa bbbb cccc dddd eeee ffff", secrets)
    assert "invalid application password" in caught.value.message
    assert secrets.get("anything") is None


def test_an_article_with_categories_tags_excerpt_and_featured_image(
    wordpress: WordPressServer, secrets: MemorySecrets
) -> None:
    wordpress.terms["categories"][7] = "Recettes & astuces"
    connector = connected(wordpress, secrets)
    published = connector.publish(
        PostContent(
            title="Le pain au levain",
            text="<p>Notre recette.</p>",
            excerpt="Tout sur le levain",
            categories=("recettes & ASTUCES", "Nouveautés"),
            tags=("levain", "pain"),
            media=(Media(JPEG, "image/jpeg", alt="Une miche", filename="miche.jpg"),),
        )
    )
    post = wordpress.posts[int(published.remote_id)]
    assert post["status"] == "publish" and published.url == post["link"]
    assert post["title"]["raw"] == "Le pain au levain"
    assert post["excerpt"]["raw"] == "Tout sur le levain"
    new_category = next(i for i, n in wordpress.terms["categories"].items() if n == "Nouveautés")
    assert post["categories"] == [7, new_category]  # found by name, or created
    assert sorted(wordpress.terms["tags"].values()) == ["levain", "pain"]
    media = wordpress.media[post["featured_media"]]
    assert media["alt_text"] == "Une miche" and media["source_url"].endswith("/miche.jpg")
    # Created as a draft first, then published by id.
    creates = wordpress.server.requests("POST", "/wp-json/wp/v2/posts")
    assert [r.json()["status"] for r in creates] == ["draft"]


def test_drafts_and_the_sites_own_scheduling(
    wordpress: WordPressServer, secrets: MemorySecrets
) -> None:
    connector = connected(wordpress, secrets)
    draft = connector.publish(PostContent(title="Brouillon", text="...", draft=True))
    assert wordpress.posts[int(draft.remote_id)]["status"] == "draft"

    at = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    assert connector.can_schedule(at)
    future = connector.publish(PostContent(title="Plus tard", text="...", scheduled_at=at))
    post = wordpress.posts[int(future.remote_id)]
    assert post["status"] == "future"
    assert post["date_gmt"] == at.replace(tzinfo=None).isoformat()
    assert future.scheduled_at == at

    statuses = {p.text: p.status for p in connector.recent(10)}
    assert statuses == {"Brouillon": "draft", "Plus tard": "future"}


def test_a_lost_answer_while_publishing_shows_in_the_recent_list(
    wordpress: WordPressServer, secrets: MemorySecrets
) -> None:
    connector = connected(wordpress, secrets)
    wordpress.server.fault("POST", r"/wp-json/wp/v2/posts/\d+", Fault(lose_answer=True))
    with pytest.raises(OutcomeUnknown):
        connector.publish(PostContent(title="En ligne ?", text="..."))
    # WordPress has no idempotency key: the article is online, the runner must not send
    # it again by itself, and the user sees it among the recent articles.
    (post,) = wordpress.posts.values()
    assert post["status"] == "publish"
    (listed,) = connector.recent(5)
    assert (listed.remote_id, listed.status, listed.url) == (
        str(post["id"]),
        "publish",
        post["link"],
    )


def test_a_lost_answer_on_creation_leaves_only_a_draft(
    wordpress: WordPressServer, secrets: MemorySecrets
) -> None:
    connector = connected(wordpress, secrets)
    wordpress.server.fault("POST", "/wp-json/wp/v2/posts", Fault(lose_answer=True))
    with pytest.raises(OutcomeUnknown):
        connector.publish(PostContent(title="Perdu", text="..."))
    assert [p["status"] for p in wordpress.posts.values()] == ["draft"]  # nothing public


def test_errors_keep_the_sites_own_words(
    wordpress: WordPressServer, secrets: MemorySecrets
) -> None:
    connector = connected(wordpress, secrets)
    wordpress.can_publish = False
    with pytest.raises(Rejected) as caught:
        connector.publish(PostContent(title="Interdit", text="..."))
    assert caught.value.status == 403
    assert caught.value.remote_message == (
        "Sorry, you are not allowed to publish posts in this post type."
    )

    wordpress.server.fault(
        "POST", "/wp-json/wp/v2/media", Fault(status=413, body=b"<html>413</html>")
    )
    with pytest.raises(TooLarge):
        connector.publish(
            PostContent(title="Photo", text="...", media=(Media(JPEG, "image/jpeg"),))
        )

    wordpress.server.fault(
        "POST", "/wp-json/wp/v2/posts", Fault(status=429, headers={"Retry-After": "30"})
    )
    with pytest.raises(Transient) as limited:
        connector.publish(PostContent(title="Vite", text="..."))
    assert limited.value.retry_after is not None

    wordpress.app_password = "wxyz wxyz wxyz wxyz wxyz wxyz"  # changed on the site
    with pytest.raises(AuthExpired):
        connector.test_connection()


def test_a_slow_site_times_out(wordpress: WordPressServer, secrets: MemorySecrets) -> None:
    connector = connected(wordpress, secrets, read_s=0.3)
    wordpress.server.fault("POST", "/wp-json/wp/v2/posts", Fault(delay_s=1.0))
    with pytest.raises(Timeout):
        connector.publish(PostContent(title="Lent", text="..."))


def test_a_term_created_meanwhile_is_reused(
    wordpress: WordPressServer, secrets: MemorySecrets
) -> None:
    connector = connected(wordpress, secrets)
    # The search misses it (another device created it a moment ago): WordPress answers
    # term_exists with its id, which is used instead of failing.
    wordpress.server.fault("GET", "/wp-json/wp/v2/categories", Fault(status=200, body=[]))
    published = connector.publish(
        PostContent(title="Classé", text="...", categories=("NON CLASSÉ",))
    )
    assert wordpress.posts[int(published.remote_id)]["categories"] == [1]
    assert len(wordpress.terms["categories"]) == 1
