"""Mastodon, any instance, through its documented REST API (docs.joinmastodon.org):

- connecting: an app registered on the instance (POST /api/v1/apps), the user's consent
  in the browser with the out-of-band redirect (the page shows a code to paste), the code
  exchanged for a token (POST /oauth/token); or a personal access token the user created
  in Preferences → Development. Either way GET /api/v1/accounts/verify_credentials says
  whose token it is.
- images with alt text: POST /api/v2/media, which may answer 202 while the server still
  processes the file; GET /api/v1/media/:id then answers 206 until it is ready (a status
  cannot use an unprocessed file).
- posts: POST /api/v1/statuses with an Idempotency-Key header, so that a retried request
  returns the first post instead of a second one; with `scheduled_at` (at least five
  minutes ahead, the server's rule) the instance publishes it itself.
- the instance's own limits: GET /api/v2/instance (/api/v1/instance on servers older
  than 4.0).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

import httpx

from cmdesk.core.accounts import Account
from cmdesk.core.networks import Network
from cmdesk.core.post_text import MastodonLimits
from cmdesk.core.publication import new_idempotency_key
from cmdesk.core.redaction import remember_for_redaction
from cmdesk.i18n import _
from cmdesk.monitor.sanitize import html_to_text
from cmdesk.publish import credentials
from cmdesk.publish.base import (
    AuthExpired,
    Identity,
    PostContent,
    Published,
    Rejected,
    RemotePost,
    TooLarge,
    Transient,
    due_now,
)
from cmdesk.publish.http import Api, Response, check_base_url, parse_time, utc_stamp
from cmdesk.store.secrets import SecretStore

# Least privilege: read who we are and our posts, upload media, post.
SCOPES = "read:accounts read:statuses write:media write:statuses"
OUT_OF_BAND = "urn:ietf:wg:oauth:2.0:oob"
CLIENT_NAME = "cmdesk"
# ScheduledStatusValidator refuses anything closer than five minutes; a minute more so
# that the upload of the images and a slow clock do not push it under.
SCHEDULE_MINIMUM = timedelta(minutes=5)
SCHEDULE_MARGIN = timedelta(minutes=1)


def _message(response: Response) -> str:
    # Mastodon's errors: {"error": "..."} and, from OAuth, "error_description".
    data = response.json()
    if isinstance(data, dict):
        for key in ("error_description", "error"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def _api(server: str, transport: httpx.BaseTransport | None, read_s: float = 30.0) -> Api:
    return Api.for_server(server, "Mastodon", _message, transport, read_s)


# -- connecting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AppRegistration:
    server: str
    client_id: str
    client_secret: str


def register_app(
    server: str, *, website: str = "", transport: httpx.BaseTransport | None = None
) -> AppRegistration:
    """Register cmdesk on the instance (once per account; the app is the instance's)."""
    api = _api(server, transport)
    try:
        form = {"client_name": CLIENT_NAME, "redirect_uris": OUT_OF_BAND, "scopes": SCOPES}
        if website:
            form["website"] = website
        data = api.request("POST", "/api/v1/apps", data=form).json() or {}
    finally:
        api.close()
    client_id, secret = data.get("client_id"), data.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(secret, str):
        raise Rejected(_("The server did not register cmdesk (no client id in its answer)."))
    remember_for_redaction(secret)
    return AppRegistration(api.base_url, client_id, secret)


def authorization_url(registration: AppRegistration) -> str:
    """The page where the user allows cmdesk; it then shows a code to paste back."""
    query = urlencode(
        {
            "client_id": registration.client_id,
            "scope": SCOPES,
            "redirect_uri": OUT_OF_BAND,
            "response_type": "code",
        }
    )
    return f"{registration.server}/oauth/authorize?{query}"


def exchange_code(
    registration: AppRegistration, code: str, *, transport: httpx.BaseTransport | None = None
) -> str:
    """The access token for the code the user pasted."""
    api = _api(registration.server, transport)
    try:
        answer = api.request(
            "POST",
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code.strip(),
                "client_id": registration.client_id,
                "client_secret": registration.client_secret,
                "redirect_uri": OUT_OF_BAND,
                "scope": SCOPES,
            },
        ).json()
    except Rejected as exc:
        raise Rejected(
            _("The code was refused: copy the whole code again, it is valid only once.")
            + " "
            + exc.message,
            remote_message=exc.remote_message,
            status=exc.status,
        ) from exc
    finally:
        api.close()
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise Rejected(_("The server gave no access token."))
    remember_for_redaction(token)
    return token


def connect(
    server: str,
    access_token: str,
    secrets: SecretStore,
    *,
    label: str = "",
    registration: AppRegistration | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Account:
    """Check the token, then keep the account: its row data is returned, its token goes
    to the keyring. Works for a personal access token and for one from exchange_code."""
    account = Account(network=Network.MASTODON, server=check_base_url(server), label=label)
    remember_for_redaction(access_token)
    connector = MastodonConnector(account, secrets, transport=transport, token=access_token)
    try:
        identity = connector.test_connection()
        # The accounts' domain can differ from the web address (LOCAL_DOMAIN vs WEB_DOMAIN).
        host = connector.domain() or urlsplit(account.server).hostname or ""
    finally:
        connector.close()
    account = replace(
        account,
        username=f"{identity.username}@{host}",
        remote_id=identity.remote_id,
        options={"client_id": registration.client_id} if registration else {},
    )
    secret = {"access_token": access_token}
    if registration:
        secret["client_secret"] = registration.client_secret
    credentials.save(secrets, account, secret)
    return account


# -- publishing ----------------------------------------------------------------------------


class MastodonConnector:
    network: ClassVar[Network] = Network.MASTODON

    def __init__(
        self,
        account: Account,
        secrets: SecretStore,
        *,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
        media_wait_s: float = 120.0,
        poll_s: float = 0.5,
        read_s: float = 30.0,
    ) -> None:
        self.account = account
        self.secrets = secrets
        self.api = _api(account.server, transport, read_s)
        self._token = token
        self.media_wait_s = media_wait_s
        self.poll_s = poll_s
        self._limits: MastodonLimits | None = None
        self._domain = ""

    def close(self) -> None:
        self.api.close()

    # -- plumbing --------------------------------------------------------------------------

    def _auth(self) -> dict[str, str]:
        if self._token is None:
            self._token = credentials.load(self.secrets, self.account)["access_token"]
        return {"Authorization": f"Bearer {self._token}"}

    def _call(
        self,
        method: str,
        path: str,
        *,
        ok: tuple[int, ...] = (200,),
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Response:
        try:
            return self.api.request(
                method, path, ok=ok, headers={**self._auth(), **(headers or {})}, **kwargs
            )
        except Rejected as exc:
            if exc.status == 401:  # revoked, expired or unknown token
                raise AuthExpired(self.account, exc.remote_message, status=401) from exc
            raise

    # -- the protocol ----------------------------------------------------------------------

    def test_connection(self) -> Identity:
        me = self._call("GET", "/api/v1/accounts/verify_credentials").json() or {}
        if not isinstance(me, dict) or not me.get("id"):
            raise Rejected(_("The server's answer does not describe an account."))
        self._limits = None
        return Identity(
            remote_id=str(me["id"]),
            username=str(me.get("username") or me.get("acct") or ""),
            display_name=str(me.get("display_name") or ""),
            url=str(me.get("url") or ""),
        )

    def limits(self) -> MastodonLimits:
        """The instance's limits (asked once per connector)."""
        if self._limits is None:
            self._limits = self._read_limits()
        return self._limits

    def domain(self) -> str:
        """The instance's own domain, the one in its users' addresses."""
        self.limits()
        return self._domain

    def _read_limits(self) -> MastodonLimits:
        answer = self.api.request("GET", "/api/v2/instance", ok=(200, 404))
        if answer.status == 404:  # Mastodon before 4.0
            answer = self.api.request("GET", "/api/v1/instance")
        data = answer.json()
        if isinstance(data, dict):
            self._domain = str(data.get("domain") or data.get("uri") or "")
        config = data.get("configuration") if isinstance(data, dict) else None
        if not isinstance(config, dict):
            return MastodonLimits()
        statuses = config.get("statuses") or {}
        media = config.get("media_attachments") or {}
        default = MastodonLimits()

        def number(section: dict[str, Any], key: str, fallback: int) -> int:
            value = section.get(key)
            return value if isinstance(value, int) and value > 0 else fallback

        return MastodonLimits(
            max_characters=number(statuses, "max_characters", default.max_characters),
            url_length=number(statuses, "characters_reserved_per_url", default.url_length),
            max_media=number(statuses, "max_media_attachments", default.max_media),
            image_size_limit=number(media, "image_size_limit", default.image_size_limit),
            description_limit=number(media, "description_limit", default.description_limit),
        )

    def can_schedule(self, at: datetime, now: datetime | None = None) -> bool:
        return at - (now or datetime.now(UTC)) >= SCHEDULE_MINIMUM + SCHEDULE_MARGIN

    def publish(self, content: PostContent) -> Published:
        scheduled = not due_now(content)
        if scheduled and not self.can_schedule(content.scheduled_at):  # type: ignore[arg-type]
            raise ValueError("Mastodon schedules only five minutes ahead or more")
        limits = self.limits()
        for media in content.media:
            if len(media.data) > limits.image_size_limit:
                raise TooLarge(
                    _(
                        "The image “{name}” is larger than the {size} MB this instance accepts."
                    ).format(
                        name=media.filename or media.mime, size=limits.image_size_limit // 2**20
                    )
                )
        media_ids = [
            self._upload(media.data, media.mime, media.alt, media.filename)
            for media in content.media
        ]
        body: dict[str, Any] = {"status": content.text, "media_ids": media_ids}
        if content.language:
            body["language"] = content.language
        if content.spoiler_text:
            body["spoiler_text"] = content.spoiler_text
        if content.visibility:
            body["visibility"] = content.visibility
        if scheduled:
            body["scheduled_at"] = utc_stamp(content.scheduled_at)  # type: ignore[arg-type]
        key = content.idempotency_key or new_idempotency_key()
        answer = self._call(
            "POST", "/api/v1/statuses", json_body=body, headers={"Idempotency-Key": key}
        ).json()
        if not isinstance(answer, dict) or not answer.get("id"):
            raise Rejected(_("The server's answer does not describe a post."))
        if "params" in answer and "scheduled_at" in answer:  # a ScheduledStatus
            return Published(
                remote_id=str(answer["id"]),
                url="",
                scheduled_at=parse_time(answer["scheduled_at"]),
            )
        return Published(
            remote_id=str(answer["id"]), url=str(answer.get("url") or answer.get("uri") or "")
        )

    def _upload(self, data: bytes, mime: str, alt: str, filename: str) -> str:
        form = {"description": alt} if alt else {}
        answer = self._call(
            "POST",
            "/api/v2/media",
            ok=(200, 202),
            files={"file": (filename or "image", data, mime)},
            data=form,
        )
        media = answer.json()
        if not isinstance(media, dict) or not media.get("id"):
            raise Rejected(_("The server's answer does not describe the uploaded image."))
        media_id = str(media["id"])
        if answer.status == 202 or not media.get("url"):
            self._wait_for(media_id)
        return media_id

    def _wait_for(self, media_id: str) -> None:
        # 206 Partial Content while the server processes the file, 200 once it is ready.
        deadline = time.monotonic() + self.media_wait_s
        pause = self.poll_s
        while True:
            answer = self._call("GET", f"/api/v1/media/{media_id}", ok=(200, 206))
            media = answer.json()
            if answer.status == 200 and isinstance(media, dict) and media.get("url"):
                return
            if time.monotonic() + pause > deadline:
                # Nothing was posted yet: the post can be sent again later.
                raise Transient(
                    _("Mastodon is still processing the image after {seconds} seconds.").format(
                        seconds=int(self.media_wait_s)
                    )
                )
            time.sleep(pause)
            pause = min(pause * 2, 5.0)

    def recent(self, limit: int = 20) -> list[RemotePost]:
        account_id = self.account.remote_id or self.test_connection().remote_id
        limit = max(1, min(limit, 40))  # the API's own maximum
        waiting = self._call("GET", "/api/v1/scheduled_statuses", params={"limit": limit}).json()
        posted = self._call(
            "GET",
            f"/api/v1/accounts/{account_id}/statuses",
            params={"limit": limit, "exclude_reblogs": "true"},
        ).json()
        found: list[RemotePost] = []
        for item in waiting if isinstance(waiting, list) else []:
            params = item.get("params") or {}
            found.append(
                RemotePost(
                    remote_id=str(item.get("id", "")),
                    url="",
                    text=str(params.get("text") or ""),
                    scheduled_at=parse_time(item.get("scheduled_at")),
                    status="scheduled",
                )
            )
        found.sort(key=lambda p: p.scheduled_at or datetime.max.replace(tzinfo=UTC), reverse=True)
        for item in posted if isinstance(posted, list) else []:
            found.append(
                RemotePost(
                    remote_id=str(item.get("id", "")),
                    url=str(item.get("url") or item.get("uri") or ""),
                    text=html_to_text(str(item.get("content") or "")),
                    created_at=parse_time(item.get("created_at")),
                    status="published",
                )
            )
        return found
