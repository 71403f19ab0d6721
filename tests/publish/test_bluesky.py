"""The Bluesky connector end to end against a real PDS (the atproto reference server from
@atproto/dev-env, tests/publish/pds.py), and cmdesk's facet detection against the
official client library on the same texts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets as secrets_module
import time
from typing import Any

import httpx
import pytest
from pds import BlueskyUser, Pds, official_facets

from cmdesk.core.errors import InvalidData
from cmdesk.core.post_entities import bluesky_facets
from cmdesk.core.post_text import graphemes
from cmdesk.core.publication import new_idempotency_key
from cmdesk.core.redaction import MASK, redact
from cmdesk.publish import bluesky
from cmdesk.publish.base import (
    AuthExpired,
    LinkCard,
    Media,
    OutcomeUnknown,
    PostContent,
    TooLarge,
)
from cmdesk.publish.bluesky import BlueskyConnector, record_key
from cmdesk.store.secrets import MemorySecrets

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000


def connect(
    pds: Pds, user: BlueskyUser, secrets: MemorySecrets, **options: Any
) -> BlueskyConnector:
    account = bluesky.connect(pds.url, user.handle, user.app_password, secrets)
    return BlueskyConnector(account, secrets, **options)


def stored(secrets: MemorySecrets, connector: BlueskyConnector) -> dict[str, str]:
    return json.loads(secrets.get(connector.account.secret_name) or "{}")


def test_the_server_starts_in_seconds(pds: Pds) -> None:
    assert pds.start_s < 30, f"the PDS took {pds.start_s:.1f} s to start"


def test_connecting_keeps_the_session_in_the_keyring_only(pds: Pds, secrets: MemorySecrets) -> None:
    user = pds.create_user("boulangerie")
    account = bluesky.connect(pds.url, "@" + user.handle, user.app_password, secrets)
    assert (account.username, account.remote_id) == (user.handle, user.did)
    secret = json.loads(secrets.get(account.secret_name) or "{}")
    assert secret["app_password"] == user.app_password
    assert secret["access_jwt"] and secret["refresh_jwt"]
    assert user.app_password not in json.dumps(account.to_row())
    assert redact(f"app password {user.app_password}") == f"app password {MASK}"


def test_a_main_password_is_refused_before_anything_is_sent(secrets: MemorySecrets) -> None:
    with pytest.raises(InvalidData, match="App passwords"):
        bluesky.connect("http://127.0.0.1:9", "someone.test", "hunter2-my-password", secrets)


def test_a_post_with_link_mention_hashtag_and_language(pds: Pds, secrets: MemorySecrets) -> None:
    user, friend = pds.create_user("boulangerie"), pds.create_user("amie")
    connector = connect(pds, user, secrets)
    text = (
        f"Merci @{friend.handle} 👨‍👩‍👧‍👦 ! Pâte à l’ancienne : https://boulangerie.example/pain "
        "et boulangerie.fr #PainAuLevain (@nobody.test)"
    )
    published = connector.publish(PostContent(text=text, language="fr"))

    record = pds.post_records(user)[0]
    assert record["uri"] == published.remote_id
    rkey = published.remote_id.rsplit("/", 1)[-1]
    assert published.url == f"https://bsky.app/profile/{user.handle}/post/{rkey}"
    value: dict[str, Any] = record["value"]  # type: ignore[assignment]
    assert value["text"] == text and value["langs"] == ["fr"]
    raw = text.encode("utf-8")
    marked = {
        raw[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(): f["features"][0]
        for f in value["facets"]
    }
    assert marked == {
        f"@{friend.handle}": {"$type": "app.bsky.richtext.facet#mention", "did": friend.did},
        "https://boulangerie.example/pain": {
            "$type": "app.bsky.richtext.facet#link",
            "uri": "https://boulangerie.example/pain",
        },
        "boulangerie.fr": {
            "$type": "app.bsky.richtext.facet#link",
            "uri": "https://boulangerie.fr",
        },
        "#PainAuLevain": {"$type": "app.bsky.richtext.facet#tag", "tag": "PainAuLevain"},
    }  # the unknown handle stays plain text, as in the app


def test_images_with_alt_text_and_the_size_limit(pds: Pds, secrets: MemorySecrets) -> None:
    user = pds.create_user("photos")
    connector = connect(pds, user, secrets)
    connector.publish(
        PostContent(
            text="La vitrine",
            media=(
                Media(PNG, "image/png", alt="Des croissants en vitrine"),
                Media(PNG + b"1", "image/png", alt="Le four"),
            ),
        )
    )
    embed: dict[str, Any] = pds.post_records(user)[0]["value"]["embed"]  # type: ignore[index]
    assert embed["$type"] == "app.bsky.embed.images"
    assert [image["alt"] for image in embed["images"]] == ["Des croissants en vitrine", "Le four"]
    assert embed["images"][0]["image"]["mimeType"] == "image/png"
    assert embed["images"][0]["image"]["size"] == len(PNG)

    big = Media(b"\x89PNG" + b"\x00" * 1_000_001, "image/png", alt="trop grand")
    with pytest.raises(TooLarge, match="1 MB"):
        connector.publish(PostContent(text="Trop grand", media=(big,)))
    assert len(pds.post_records(user)) == 1

    # The server's own limit (1.5 MB for this PDS) answers 413.
    with pytest.raises(TooLarge) as caught:
        connector._call(
            "POST",
            "com.atproto.repo.uploadBlob",
            content=b"\x00" * 2_000_000,
            headers={"Content-Type": "image/png"},
        )
    assert caught.value.status == 413


def test_a_link_card_when_there_is_no_image(pds: Pds, secrets: MemorySecrets) -> None:
    user = pds.create_user("carte")
    connector = connect(pds, user, secrets)
    card = LinkCard("https://boulangerie.example/levain", "Le levain", "Notre recette")
    connector.publish(PostContent(text="Lire l'article", link_card=card))
    embed: dict[str, Any] = pds.post_records(user)[0]["value"]["embed"]  # type: ignore[index]
    assert embed == {
        "$type": "app.bsky.embed.external",
        "external": {
            "uri": "https://boulangerie.example/levain",
            "title": "Le levain",
            "description": "Notre recette",
        },
    }


class LosingTransport(httpx.HTTPTransport):
    """Lets createRecord reach the PDS, then loses its answer (a dropped connection)."""

    lose_next = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if self.lose_next and request.url.path.endswith("com.atproto.repo.createRecord"):
            self.lose_next = False
            response.read()
            response.close()
            raise httpx.ReadError("connection reset by peer")
        return response


def test_a_lost_answer_is_recovered_and_a_retry_posts_once(
    pds: Pds, secrets: MemorySecrets
) -> None:
    user = pds.create_user("unefois")
    transport = LosingTransport()
    connector = connect(pds, user, secrets, transport=transport)
    content = PostContent(text="Une seule fois", idempotency_key=new_idempotency_key())

    transport.lose_next = True
    published = connector.publish(content)  # the answer was lost; the record is found
    records = pds.post_records(user)
    assert [r["uri"] for r in records] == [published.remote_id]
    assert published.remote_id.endswith("/" + str(record_key(content.idempotency_key)))

    again = connector.publish(content)  # a retry with the same key creates nothing
    assert again == published
    assert len(pds.post_records(user)) == 1


def test_a_lost_answer_without_a_key_is_reported_as_unknown(
    pds: Pds, secrets: MemorySecrets
) -> None:
    user = pds.create_user("sanscle")
    transport = LosingTransport()
    connector = connect(pds, user, secrets, transport=transport)
    transport.lose_next = True
    with pytest.raises(OutcomeUnknown, match="check whether the post is online"):
        connector.publish(PostContent(text="Sans clé"))
    assert len(pds.post_records(user)) == 1  # online, and the user is told to check


def test_record_keys_are_valid_tids_that_sort_by_time() -> None:
    first = record_key("1700000000000-00000000000003e8")
    later = record_key("1700000000001-ffffffffffffffff")
    assert first and later and len(first) == 13 and first < later
    assert first[0] in "234567abcdefghij"  # top bit clear
    assert record_key("not-a-key") is None


def _forge_expired(access_jwt: str) -> str:
    # The dev PDS signs with the documented dev secret "jwt-secret": an access token made
    # exactly like its own but expired an hour ago gets the real ExpiredToken answer.
    header, payload, _sig = access_jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["iat"], claims["exp"] = int(time.time()) - 7200, int(time.time()) - 3600
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    signing = f"{header}.{body}".encode()
    signature = hmac.new(b"jwt-secret", signing, hashlib.sha256).digest()
    return f"{header}.{body}." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()


def test_an_expired_access_token_is_refreshed(pds: Pds, secrets: MemorySecrets) -> None:
    user = pds.create_user("refresh")
    connector = connect(pds, user, secrets)
    before = stored(secrets, connector)
    expired = _forge_expired(before["access_jwt"])
    answer = httpx.get(
        f"{pds.url}/xrpc/com.atproto.server.getSession",
        headers={"Authorization": f"Bearer {expired}"},
    )
    assert answer.json()["error"] == "ExpiredToken"  # the premise: a real expiry answer

    secrets.set(connector.account.secret_name, json.dumps({**before, "access_jwt": expired}))
    fresh = BlueskyConnector(connector.account, secrets)
    fresh.publish(PostContent(text="Toujours connecté"))
    after = stored(secrets, fresh)
    # (The new access token may equal the first one: same claims within the same second.)
    assert after["access_jwt"] != expired
    assert after["refresh_jwt"] != before["refresh_jwt"]  # rotated, and kept
    assert after["app_password"] == user.app_password


def test_when_both_tokens_are_refused_the_app_password_opens_a_new_session(
    pds: Pds, secrets: MemorySecrets
) -> None:
    user = pds.create_user("relogin")
    connector = connect(pds, user, secrets)
    # (Random values: every secret read is registered for redaction process-wide.)
    bad = secrets_module.token_urlsafe(24)
    secret = {**stored(secrets, connector), "access_jwt": bad, "refresh_jwt": bad}
    secrets.set(connector.account.secret_name, json.dumps(secret))
    identity = BlueskyConnector(connector.account, secrets).test_connection()
    assert identity.remote_id == user.did
    assert stored(secrets, connector)["access_jwt"] != bad


def test_a_revoked_app_password_asks_to_reconnect(pds: Pds, secrets: MemorySecrets) -> None:
    user = pds.create_user("revoked")
    connector = connect(pds, user, secrets)
    with httpx.Client(base_url=pds.url) as client:
        session = client.post(
            "/xrpc/com.atproto.server.createSession",
            json={"identifier": user.handle, "password": user.password},
        ).json()
        client.post(
            "/xrpc/com.atproto.server.revokeAppPassword",
            json={"name": "cmdesk"},
            headers={"Authorization": f"Bearer {session['accessJwt']}"},
        ).raise_for_status()
    # Access tokens live on until they expire (two hours): revocation shows at the next
    # session, when the refresh token and then the app password are refused.
    secret = stored(secrets, connector)
    expired = _forge_expired(secret["access_jwt"])
    secrets.set(connector.account.secret_name, json.dumps({**secret, "access_jwt": expired}))
    connector = BlueskyConnector(connector.account, secrets)
    with pytest.raises(AuthExpired, match="Reconnect this account"):
        connector.publish(PostContent(text="Encore là ?"))
    assert pds.post_records(user) == []


def test_recent_lists_the_accounts_posts_newest_first(pds: Pds, secrets: MemorySecrets) -> None:
    user = pds.create_user("recent")
    connector = connect(pds, user, secrets)
    for text in ("un", "deux", "trois"):
        connector.publish(PostContent(text=text))
    posts = connector.recent(2)
    assert [p.text for p in posts] == ["trois", "deux"]
    assert posts[0].url.startswith(f"https://bsky.app/profile/{user.handle}/post/")
    assert posts[0].created_at is not None


TRICKY_TEXTS = [
    "Famille 👨‍👩‍👧‍👦 et drapeau 🇫🇷 #fête",
    "Accent combiné: e\u0301te\u0301 #e\u0301te\u0301 https://example.com/été",
    "中文 https://example.com/路径 和 example.com。#标签",
    "Voir (https://fr.wikipedia.org/wiki/Pain_(aliment)) et https://example.com/a.",
    "https://EXAMPLE.COM/x HTTPS://example.com/y example.COM example.fr.",
    "mail me@example.com or @alice.test. and @bob.example.com, @nope",
    "#123 #a1 #tag! #tag… ＃全角 #️⃣ $AAPL $toolong7 ($MSFT)",
    "line one\n#second line\nhttps://example.org\tbsky.app",
    "a.b.c node.js file.txt www.example.co.uk/path?q=1#frag",
]


def test_facets_match_the_official_bluesky_library(pds: Pds) -> None:
    official = official_facets(TRICKY_TEXTS)
    for text, theirs in zip(TRICKY_TEXTS, official, strict=True):
        ours = [
            {
                "byteStart": f.byte_start,
                "byteEnd": f.byte_end,
                "feature": {
                    "mention": {"$type": "app.bsky.richtext.facet#mention", "did": f.value},
                    "link": {"$type": "app.bsky.richtext.facet#link", "uri": f.value},
                    "tag": {"$type": "app.bsky.richtext.facet#tag", "tag": f.value},
                }[f.kind],
            }
            for f in sorted(bluesky_facets(text), key=lambda f: f.byte_start)
        ]
        assert ours == theirs["facets"], text
        assert graphemes(text) == theirs["graphemes"], text
        assert len(text.encode("utf-8")) == theirs["bytes"], text
