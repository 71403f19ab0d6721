"""Bluesky through the AT Protocol's XRPC API, with an app password (Settings → Privacy
and security → App passwords), never the account's main password:

- com.atproto.server.createSession gives an access token (short-lived) and a refresh
  token; refreshSession renews them when the server answers ExpiredToken, and when the
  refresh token is refused too, a new session is made with the app password. Only when
  the app password itself is refused is the user asked to reconnect.
- images: com.atproto.repo.uploadBlob (at most 1,000,000 bytes each: the limit of
  app.bsky.embed.images), then an images embed with their alt texts;
- the post: com.atproto.repo.createRecord of an app.bsky.feed.post, with facets for
  links, mentions (handle → DID via com.atproto.identity.resolveHandle) and hashtags,
  found in the text as the Bluesky app finds them (core.post_entities), and `langs`.
  Its record key derives from the post's idempotency key: a retry first looks for that
  record (com.atproto.repo.getRecord) and never creates a second one.
- recent posts: com.atproto.repo.listRecords.

Bluesky has no server-side scheduling: the runner publishes at the due time.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from cmdesk.core.accounts import Account
from cmdesk.core.errors import InvalidData
from cmdesk.core.networks import Network
from cmdesk.core.post_entities import bluesky_facets
from cmdesk.core.post_text import BLUESKY_IMAGE_BYTES
from cmdesk.core.publication import parse_idempotency_key
from cmdesk.core.redaction import remember_for_redaction
from cmdesk.i18n import _
from cmdesk.publish import credentials
from cmdesk.publish.base import (
    AuthExpired,
    Identity,
    OutcomeUnknown,
    PostContent,
    Published,
    Rejected,
    RemotePost,
    TooLarge,
    due_now,
)
from cmdesk.publish.http import Api, Response, check_base_url, parse_time, utc_stamp
from cmdesk.store.secrets import SecretStore

DEFAULT_SERVER = "https://bsky.social"
POST = "app.bsky.feed.post"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_APP_PASSWORD = re.compile(r"[a-z0-9]{4}(?:-[a-z0-9]{4}){3}", re.IGNORECASE)
# Answers that mean "this access token is no good", as opposed to "you may not do this".
_TOKEN_ERRORS = {"ExpiredToken", "InvalidToken"}


def _message(response: Response) -> str:
    # XRPC errors: {"error": "InvalidRequest", "message": "..."}
    data = response.json()
    if isinstance(data, dict):
        message, name = data.get("message"), data.get("error")
        if isinstance(message, str) and message.strip():
            return message.strip()
        if isinstance(name, str):
            return name
    return ""


def _error_name(error: Rejected) -> str:
    details = error.details if isinstance(error.details, dict) else {}
    name = details.get("error")
    return name if isinstance(name, str) else ""


def _api(server: str, transport: httpx.BaseTransport | None, read_s: float = 30.0) -> Api:
    return Api.for_server(server, "Bluesky", _message, transport, read_s)


def record_key(idempotency_key: str) -> str | None:
    """A TID (the record key app.bsky.feed.post requires) derived from a key made by
    new_idempotency_key: the same key always gives the same record key, and it sorts by
    the moment the key was made. None for any other key."""
    parsed = parse_idempotency_key(idempotency_key)
    if parsed is None:
        return None
    millis, bits = parsed
    micros = millis * 1000 + bits % 1000
    clock = (bits >> 10) % 1024
    value = ((micros & (2**53 - 1)) << 10) | clock
    return "".join(_TID_ALPHABET[(value >> (60 - 5 * i)) & 31] for i in range(13))


def _pds_endpoint(session: dict[str, Any]) -> str:
    # The entryway (bsky.social) names the account's own PDS in the DID document.
    services = (session.get("didDoc") or {}).get("service") or []
    for service in services if isinstance(services, list) else []:
        if isinstance(service, dict) and service.get("id") in ("#atproto_pds", "atproto_pds"):
            endpoint = service.get("serviceEndpoint")
            if isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")):
                return endpoint.rstrip("/")
    return ""


def check_app_password(password: str) -> str:
    password = password.strip()
    if not _APP_PASSWORD.fullmatch(password):
        raise InvalidData(
            _(
                "This is not an app password (four groups of four characters, like "
                "abcd-efgh-ijkl-mnop). Create one in Bluesky: Settings → Privacy and "
                "security → App passwords; never give your main password."
            )
        )
    return password


def connect(
    server: str,
    handle: str,
    app_password: str,
    secrets: SecretStore,
    *,
    label: str = "",
    transport: httpx.BaseTransport | None = None,
) -> Account:
    """Open a session with the app password and keep the account."""
    password = check_app_password(app_password)
    remember_for_redaction(password)
    handle = handle.strip().lstrip("@")
    account = Account(
        network=Network.BLUESKY,
        server=check_base_url(server or DEFAULT_SERVER),
        username=handle,
        label=label,
    )
    connector = BlueskyConnector(account, secrets, transport=transport)
    try:
        session = connector.login(password)
    finally:
        connector.close()
    pds = _pds_endpoint(session)
    account = replace(
        account,
        username=str(session.get("handle") or handle),
        remote_id=str(session.get("did") or ""),
        options={"pds": pds} if pds and pds != account.server else {},
    )
    credentials.save(
        secrets,
        account,
        {
            "app_password": password,
            "access_jwt": str(session["accessJwt"]),
            "refresh_jwt": str(session["refreshJwt"]),
        },
    )
    return account


class BlueskyConnector:
    network: ClassVar[Network] = Network.BLUESKY

    def __init__(
        self,
        account: Account,
        secrets: SecretStore,
        *,
        transport: httpx.BaseTransport | None = None,
        read_s: float = 30.0,
    ) -> None:
        self.account = account
        self.secrets = secrets
        self.api = _api(account.options.get("pds") or account.server, transport, read_s)
        self._tokens: dict[str, str] | None = None

    def close(self) -> None:
        self.api.close()

    # -- sessions --------------------------------------------------------------------------

    def login(self, password: str) -> dict[str, Any]:
        """com.atproto.server.createSession; AuthExpired when the password is refused."""
        try:
            session = self.api.request(
                "POST",
                "/xrpc/com.atproto.server.createSession",
                json_body={
                    "identifier": self.account.username or self.account.remote_id,
                    "password": password,
                },
            ).json()
        except Rejected as exc:
            if exc.status == 401 or _error_name(exc) in (
                "AuthenticationRequired",
                "AccountTakedown",
            ):
                raise AuthExpired(self.account, exc.remote_message, status=exc.status) from exc
            raise
        if not isinstance(session, dict) or not session.get("accessJwt"):
            raise Rejected(_("Bluesky's answer does not describe a session."))
        remember_for_redaction(session.get("accessJwt"))
        remember_for_redaction(session.get("refreshJwt"))
        return session

    def _secret(self) -> dict[str, str]:
        if self._tokens is None:
            self._tokens = credentials.load(self.secrets, self.account)
        return self._tokens

    def _keep(self, session: dict[str, Any]) -> None:
        tokens = {
            "access_jwt": str(session["accessJwt"]),
            "refresh_jwt": str(session["refreshJwt"]),
        }
        self._tokens = credentials.update(self.secrets, self.account, **tokens)

    def _renew(self) -> None:
        """A fresh access token: refreshSession, else a new session with the app password."""
        secret = self._secret()
        refresh = secret.get("refresh_jwt", "")
        if refresh:
            try:
                session = self.api.request(
                    "POST",
                    "/xrpc/com.atproto.server.refreshSession",
                    headers={"Authorization": f"Bearer {refresh}"},
                ).json()
            except Rejected as exc:
                if exc.status not in (400, 401):
                    raise
            else:
                if isinstance(session, dict) and session.get("accessJwt"):
                    remember_for_redaction(session.get("accessJwt"))
                    remember_for_redaction(session.get("refreshJwt"))
                    self._keep(session)
                    return
        password = secret.get("app_password", "")
        if not password:
            raise AuthExpired(self.account)
        self._keep(self.login(password))

    def _call(
        self,
        method: str,
        nsid: str,
        *,
        ok: tuple[int, ...] = (200,),
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Response:
        for attempt in (1, 2):
            access = self._secret().get("access_jwt", "")
            answer = self.api.request(
                method,
                f"/xrpc/{nsid}",
                ok=(*ok, 400, 401),
                headers={"Authorization": f"Bearer {access}", **(headers or {})},
                **kwargs,
            )
            data = answer.json()
            name = data.get("error") if isinstance(data, dict) else None
            stale = answer.status == 401 or (answer.status == 400 and name in _TOKEN_ERRORS)
            if not stale:
                if answer.status not in ok:
                    raise self.api.error_for(answer)
                return answer
            if attempt == 2:
                raise AuthExpired(self.account, _message(answer), status=answer.status)
            # Refused at the door: nothing was done, so the request may go again.
            self._renew()
        raise AssertionError("unreachable")

    # -- the protocol ----------------------------------------------------------------------

    def test_connection(self) -> Identity:
        session = self._call("GET", "com.atproto.server.getSession").json() or {}
        return Identity(
            remote_id=str(session.get("did") or ""),
            username=str(session.get("handle") or ""),
            url=f"https://bsky.app/profile/{session.get('handle') or session.get('did')}",
        )

    def can_schedule(self, at: datetime, now: datetime | None = None) -> bool:
        return False  # no server-side scheduling on Bluesky

    def _did(self) -> str:
        if not self.account.remote_id:
            self.account = replace(self.account, remote_id=self.test_connection().remote_id)
        return self.account.remote_id

    def post_url(self, uri: str) -> str:
        rkey = uri.rsplit("/", 1)[-1]
        return f"https://bsky.app/profile/{self.account.username or self._did()}/post/{rkey}"

    def _existing(self, rkey: str) -> Published | None:
        answer = self._call(
            "GET",
            "com.atproto.repo.getRecord",
            params={"repo": self._did(), "collection": POST, "rkey": rkey},
            ok=(200, 400, 404),
        )
        data = answer.json()
        if answer.status != 200 or not isinstance(data, dict) or not data.get("uri"):
            return None  # RecordNotFound
        return Published(remote_id=str(data["uri"]), url=self.post_url(str(data["uri"])))

    def publish(self, content: PostContent) -> Published:
        if not due_now(content):
            raise ValueError("Bluesky cannot schedule: publish when the post is due")
        for media in content.media:
            if len(media.data) > BLUESKY_IMAGE_BYTES:
                raise TooLarge(
                    _("The image “{name}” is larger than the 1 MB Bluesky accepts.").format(
                        name=media.filename or media.mime
                    )
                )
        rkey = record_key(content.idempotency_key)
        if rkey:
            earlier = self._existing(rkey)
            if earlier is not None:
                return earlier  # an earlier attempt went through
        record: dict[str, Any] = {
            "$type": POST,
            "text": content.text,
            "createdAt": utc_stamp(datetime.now(UTC), "milliseconds"),
        }
        if content.language:
            record["langs"] = [content.language]
        facets = self._facets(content.text)
        if facets:
            record["facets"] = facets
        embed = self._embed(content)
        if embed:
            record["embed"] = embed
        body: dict[str, Any] = {"repo": self._did(), "collection": POST, "record": record}
        if rkey:
            body["rkey"] = rkey
        try:
            created = self._call("POST", "com.atproto.repo.createRecord", json_body=body).json()
        except (OutcomeUnknown, Rejected):
            # A second record under the same key is refused; a lost answer leaves the
            # record in place: either way, look before reporting a failure.
            if rkey:
                found = self._existing(rkey)
                if found is not None:
                    return found
            raise
        uri = str((created or {}).get("uri") or "")
        if not uri:
            raise Rejected(_("Bluesky's answer does not describe a post."))
        return Published(remote_id=uri, url=self.post_url(uri))

    def _facets(self, text: str) -> list[dict[str, Any]]:
        facets: list[dict[str, Any]] = []
        for facet in bluesky_facets(text):
            if facet.kind == "mention":
                did = self._resolve(facet.value)
                if not did:
                    continue  # as the app does: an unknown handle stays plain text
                feature = {"$type": "app.bsky.richtext.facet#mention", "did": did}
            elif facet.kind == "link":
                feature = {"$type": "app.bsky.richtext.facet#link", "uri": facet.value}
            else:
                feature = {"$type": "app.bsky.richtext.facet#tag", "tag": facet.value}
            facets.append(
                {
                    "index": {"byteStart": facet.byte_start, "byteEnd": facet.byte_end},
                    "features": [feature],
                }
            )
        return facets

    def _resolve(self, handle: str) -> str:
        answer = self._call(
            "GET",
            "com.atproto.identity.resolveHandle",
            params={"handle": handle},
            ok=(200, 400, 404),
        )
        data = answer.json()
        did = data.get("did") if answer.status == 200 and isinstance(data, dict) else None
        return did if isinstance(did, str) else ""

    def _embed(self, content: PostContent) -> dict[str, Any] | None:
        if content.media:
            images = []
            for media in content.media[:4]:
                uploaded = self._call(
                    "POST",
                    "com.atproto.repo.uploadBlob",
                    content=media.data,
                    headers={"Content-Type": media.mime},
                ).json()
                blob = uploaded.get("blob") if isinstance(uploaded, dict) else None
                if not isinstance(blob, dict):
                    raise Rejected(_("Bluesky's answer does not describe the uploaded image."))
                images.append({"image": blob, "alt": media.alt})
            return {"$type": "app.bsky.embed.images", "images": images}
        if content.link_card:
            card = content.link_card
            return {
                "$type": "app.bsky.embed.external",
                "external": {"uri": card.url, "title": card.title, "description": card.description},
            }
        return None

    def recent(self, limit: int = 20) -> list[RemotePost]:
        answer = self._call(
            "GET",
            "com.atproto.repo.listRecords",
            params={"repo": self._did(), "collection": POST, "limit": max(1, min(limit, 100))},
        ).json()
        found = []
        for item in (answer or {}).get("records") or []:
            value = item.get("value") or {}
            uri = str(item.get("uri") or "")
            found.append(
                RemotePost(
                    remote_id=uri,
                    url=self.post_url(uri),
                    text=str(value.get("text") or ""),
                    created_at=parse_time(value.get("createdAt")),
                    status="published",
                )
            )
        return found
