"""The Mastodon connector end to end against a loopback instance that follows the
documented API (tests/publish/mastodon_server.py says which pages)."""

from __future__ import annotations

import json
import logging
import socket
import time
from datetime import UTC, datetime, timedelta
from secrets import token_urlsafe

import pytest
from loopback import Fault
from mastodon_server import MastodonServer

from cmdesk.core.accounts import Account
from cmdesk.core.networks import Network
from cmdesk.core.publication import new_idempotency_key
from cmdesk.core.redaction import MASK, redact
from cmdesk.publish import mastodon as mastodon_api
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
from cmdesk.publish.mastodon import MastodonConnector
from cmdesk.store.secrets import MemorySecrets

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000


def connected(
    server: MastodonServer, secrets: MemorySecrets, **options: float
) -> MastodonConnector:
    account = mastodon_api.connect(
        server.url, server.personal_token(), secrets, label="Boulangerie"
    )
    return MastodonConnector(account, secrets, **options)  # type: ignore[arg-type]


# -- connecting ----------------------------------------------------------------------------


def test_app_registration_and_out_of_band_code(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    registration = mastodon_register(mastodon)
    url = mastodon_api.authorization_url(registration)
    assert url.startswith(f"{mastodon.url}/oauth/authorize?")
    assert "redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob" in url
    assert "scope=read%3Aaccounts+read%3Astatuses+write%3Amedia+write%3Astatuses" in url

    code = mastodon.authorize(registration.client_id)  # what the page shows the user
    token = mastodon_exchange(registration, code)
    account = mastodon_api.connect(mastodon.url, token, secrets, registration=registration)

    assert account.network == Network.MASTODON
    assert account.username == "boulangerie@127.0.0.1"
    assert account.remote_id == MastodonServer.ACCOUNT_ID
    assert account.options == {"client_id": registration.client_id}
    stored = json.loads(secrets.get(account.secret_name) or "{}")
    assert stored == {"access_token": token, "client_secret": registration.client_secret}
    # The row holds no secret; the secrets are masked wherever text leaves the process.
    assert token not in json.dumps(account.to_row())
    assert (
        redact(f"token={token} secret={registration.client_secret}")
        == f"token={MASK} secret={MASK}"
    )


def mastodon_register(server: MastodonServer) -> mastodon_api.AppRegistration:
    registration = mastodon_api.register_app(server.url)
    assert registration.client_id in server.apps
    request = server.server.requests("POST", "/api/v1/apps")[0]
    assert request.first("redirect_uris") == "urn:ietf:wg:oauth:2.0:oob"
    return registration


def mastodon_exchange(registration: mastodon_api.AppRegistration, code: str) -> str:
    return mastodon_api.exchange_code(registration, f"  {code}\n")  # pasted with blanks


def test_a_wrong_code_says_what_to_do(mastodon: MastodonServer) -> None:
    registration = mastodon_api.register_app(mastodon.url)
    with pytest.raises(Rejected) as caught:
        mastodon_api.exchange_code(registration, "not-the-code")
    assert "valid only once" in caught.value.message
    assert "provided authorization grant is invalid" in caught.value.message


def test_a_personal_token_that_is_refused_asks_to_reconnect(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    with pytest.raises(AuthExpired) as caught:
        mastodon_api.connect(mastodon.url, token_urlsafe(32), secrets)
    assert "Reconnect this account" in caught.value.message
    assert "The access token is invalid" in caught.value.message


def test_credentials_never_travel_over_plain_http_to_another_host(secrets: MemorySecrets) -> None:
    from cmdesk.core.errors import InvalidData

    with pytest.raises(InvalidData, match="only sent over https"):
        mastodon_api.connect("http://mastodon.example", token_urlsafe(32), secrets)


# -- limits --------------------------------------------------------------------------------


def test_the_instance_limits_are_read(mastodon: MastodonServer, secrets: MemorySecrets) -> None:
    mastodon.max_characters = 5000
    connector = connected(mastodon, secrets)
    limits = connector.limits()
    assert (limits.max_characters, limits.url_length, limits.max_media) == (5000, 23, 4)
    assert limits.image_size_limit == 16 * 2**20


def test_servers_before_4_0_give_their_limits_through_v1(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    mastodon.legacy = True
    mastodon.max_characters = 1000
    limits = connected(mastodon, secrets).limits()
    assert limits.max_characters == 1000
    assert limits.description_limit == 1500  # not given by v1: Mastodon's own default


# -- publishing ----------------------------------------------------------------------------


def test_a_post_with_an_image_and_its_alt_text(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    connector = connected(mastodon, secrets)
    key = new_idempotency_key()
    content = PostContent(
        text="Nouveau pain au levain 🥖 https://boulangerie.example/levain",
        media=(
            Media(PNG, "image/png", alt="Une miche dorée sur une planche", filename="pain.png"),
        ),
        language="fr",
        idempotency_key=key,
    )
    published = connector.publish(content)

    status = mastodon.statuses[-1]
    assert published.remote_id == status["id"] and published.url == status["url"]
    assert published.scheduled_at is None
    assert status["language"] == "fr"
    assert status["media_attachments"][0]["description"] == "Une miche dorée sur une planche"
    request = mastodon.server.requests("POST", "/api/v1/statuses")[0]
    assert request.headers["idempotency-key"] == key
    upload = mastodon.server.requests("POST", "/api/v2/media")[0]
    assert upload.form()["file"][0] == PNG


def test_an_image_still_processing_is_waited_for(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    mastodon.processing_polls = 2  # 202, then 206, 206, then 200
    connector = connected(mastodon, secrets, poll_s=0.01)
    connector.publish(PostContent(text="Photo", media=(Media(PNG, "image/png", alt="Vitrine"),)))
    assert len(mastodon.server.requests("GET", r"/api/v1/media/\d+")) == 3
    assert len(mastodon.statuses) == 1


def test_an_image_that_never_finishes_is_a_retry_later(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    mastodon.processing_polls = 1000
    connector = connected(mastodon, secrets, poll_s=0.01, media_wait_s=0.2)
    with pytest.raises(Transient, match="still processing"):
        connector.publish(PostContent(text="Photo", media=(Media(PNG, "image/png"),)))
    assert mastodon.statuses == []  # nothing went out: safe to try again


def test_the_server_schedules_posts_five_minutes_ahead_or_more(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    connector = connected(mastodon, secrets)
    now = datetime.now(UTC)
    assert not connector.can_schedule(now + timedelta(minutes=5), now)
    assert connector.can_schedule(now + timedelta(minutes=6), now)

    at = (now + timedelta(hours=20)).replace(microsecond=0)
    published = connector.publish(PostContent(text="Demain : fournée spéciale", scheduled_at=at))
    assert published.url == "" and published.scheduled_at == at
    assert mastodon.statuses == [] and mastodon.scheduled[0]["id"] == published.remote_id

    with pytest.raises(ValueError):  # the runner publishes those itself, when due
        connector.publish(PostContent(text="Trop tôt", scheduled_at=now + timedelta(minutes=3)))
    # A moment already past is simply "now".
    connector.publish(PostContent(text="En retard", scheduled_at=now - timedelta(minutes=3)))
    assert len(mastodon.statuses) == 1


def test_a_lost_answer_then_a_retry_with_the_same_key_posts_once(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    connector = connected(mastodon, secrets)
    mastodon.server.fault("POST", "/api/v1/statuses", Fault(lose_answer=True))
    content = PostContent(text="Une seule fois", idempotency_key=new_idempotency_key())
    with pytest.raises(OutcomeUnknown):
        connector.publish(content)
    assert len(mastodon.statuses) == 1  # the server did create it

    again = connector.publish(content)  # e.g. after the user checked and chose "retry"
    assert len(mastodon.statuses) == 1
    assert again.remote_id == mastodon.statuses[0]["id"]


def test_a_revoked_token_asks_to_reconnect(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    connector = connected(mastodon, secrets)
    mastodon.tokens.clear()
    with pytest.raises(AuthExpired) as caught:
        connector.publish(PostContent(text="Bonjour"))
    assert caught.value.account.uid == connector.account.uid
    assert caught.value.status == 401


def test_no_secret_at_all_asks_to_reconnect(mastodon: MastodonServer) -> None:
    account = Account(network=Network.MASTODON, server=mastodon.url, username="x")
    connector = MastodonConnector(account, MemorySecrets("empty-workspace"))
    with pytest.raises(AuthExpired, match="Reconnect this account"):
        connector.publish(PostContent(text="Bonjour"))


def test_an_image_over_the_instance_limit_is_refused_before_uploading(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    mastodon.image_size_limit = 1000
    connector = connected(mastodon, secrets)
    with pytest.raises(TooLarge):
        connector.publish(PostContent(text="Photo", media=(Media(PNG, "image/png"),)))
    assert mastodon.server.requests("POST", "/api/v2/media") == []


def test_413_from_the_proxy_in_front_of_the_instance(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    mastodon.nginx_max_body = 500
    connector = connected(mastodon, secrets)
    with pytest.raises(TooLarge) as caught:
        connector.publish(PostContent(text="Photo", media=(Media(PNG, "image/png"),)))
    assert caught.value.status == 413
    assert mastodon.statuses == []


def test_a_refusal_shows_the_servers_own_message(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    connector = connected(mastodon, secrets)
    with pytest.raises(Rejected) as caught:
        connector.publish(PostContent(text="x" * 501))
    assert caught.value.status == 422
    assert caught.value.remote_message == "Validation failed: Text character limit of 500 exceeded"
    assert "Text character limit of 500 exceeded" in caught.value.message


def test_429_gives_the_time_to_retry(mastodon: MastodonServer, secrets: MemorySecrets) -> None:
    connector = connected(mastodon, secrets)
    reset = (datetime.now(UTC) + timedelta(minutes=7)).replace(microsecond=0)
    limited = mastodon.rate_limited(reset)
    mastodon.server.fault(
        "POST", "/api/v1/statuses", Fault(status=429, body=limited.body, headers=limited.headers)
    )
    with pytest.raises(Transient) as caught:
        connector.publish(PostContent(text="Bonjour"))
    assert caught.value.retry_after == reset
    assert mastodon.statuses == []

    proxied = mastodon.rate_limited(reset, retry_after="120")  # Retry-After wins
    mastodon.server.fault(
        "POST", "/api/v1/statuses", Fault(status=429, body=proxied.body, headers=proxied.headers)
    )
    with pytest.raises(Transient) as caught:
        connector.publish(PostContent(text="Bonjour"))
    wait = caught.value.retry_after - datetime.now(UTC)  # type: ignore[operator]
    assert timedelta(seconds=110) < wait <= timedelta(seconds=120)


def test_503_is_transient_but_500_may_have_posted(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    connector = connected(mastodon, secrets)
    mastodon.server.fault("POST", "/api/v1/statuses", Fault(status=503, body=b"<html>busy</html>"))
    with pytest.raises(Transient):
        connector.publish(PostContent(text="Bonjour"))
    mastodon.server.fault("POST", "/api/v1/statuses", Fault(status=500, body={"error": "boom"}))
    with pytest.raises(OutcomeUnknown) as caught:
        connector.publish(PostContent(text="Bonjour"))
    assert not isinstance(caught.value, Transient)
    assert "check before sending it again" in caught.value.message


def test_a_slow_server_is_a_timeout_not_a_retry(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    connector = connected(mastodon, secrets, read_s=0.3)
    mastodon.server.fault("POST", "/api/v1/statuses", Fault(delay_s=1.5))
    started = time.monotonic()
    with pytest.raises(Timeout):
        connector.publish(PostContent(text="Bonjour"))
    assert time.monotonic() - started < 1.4


def test_a_server_that_cannot_be_reached_is_transient(secrets: MemorySecrets) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    account = Account(network=Network.MASTODON, server=f"http://127.0.0.1:{port}")
    connector = MastodonConnector(account, secrets, token=token_urlsafe(32))
    with pytest.raises(Transient, match="nothing was sent"):
        connector.publish(PostContent(text="Bonjour"))


def test_recent_lists_published_and_waiting_posts(
    mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    connector = connected(mastodon, secrets)
    connector.publish(PostContent(text="Premier <b>post</b> & co"))
    connector.publish(PostContent(text="Deuxième"))
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    connector.publish(PostContent(text="Plus tard", scheduled_at=at))

    posts = connector.recent(10)
    assert [p.text for p in posts] == ["Plus tard", "Deuxième", "Premier <b>post</b> & co"]
    assert posts[0].scheduled_at == at and posts[0].url == ""
    assert posts[1].url.startswith(mastodon.url) and posts[1].created_at is not None


def test_tokens_stay_out_of_the_logs(
    mastodon: MastodonServer, secrets: MemorySecrets, caplog: pytest.LogCaptureFixture
) -> None:
    token = mastodon.personal_token()
    with caplog.at_level(logging.DEBUG):
        account = mastodon_api.connect(mastodon.url, token, secrets)
        MastodonConnector(account, secrets).publish(PostContent(text="Bonjour"))
    assert caplog.records  # httpx and httpcore did log the requests
    assert all(token not in record.getMessage() for record in caplog.records)
