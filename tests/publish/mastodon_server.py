"""A Mastodon instance on 127.0.0.1 that answers as Mastodon's documentation says, for
the endpoints cmdesk uses. Pages followed (docs.joinmastodon.org):

- methods/apps/ (POST /api/v1/apps) and methods/oauth/ (GET /oauth/authorize, POST
  /oauth/token, the out-of-band redirect urn:ietf:wg:oauth:2.0:oob and its errors);
- methods/accounts/ (GET /api/v1/accounts/verify_credentials, GET /api/v1/accounts/:id/
  statuses with limit and exclude_reblogs);
- methods/media/ (POST /api/v2/media: 200 with a url, or 202 with url null while the file
  is processed; GET /api/v1/media/:id: 206 while processing, 200 when done);
- methods/statuses/ (POST /api/v1/statuses: JSON or form parameters, the Idempotency-Key
  header, scheduled_at at least five minutes ahead returning a ScheduledStatus, 422
  "Validation failed: ..." answers);
- methods/scheduled_statuses/ (GET /api/v1/scheduled_statuses);
- methods/instance/ (GET /api/v2/instance's configuration; /api/v1/instance for servers
  before 4.0);
- api/rate-limits/ (429 with X-RateLimit-Limit, -Remaining and -Reset) and api/
  guidelines/ (errors as {"error": "..."}); a 401 answers {"error": "The access token is
  invalid"}.

Files larger than `nginx_max_body` get nginx's 413, as behind Mastodon's documented nginx
configuration (client_max_body_size).
"""

from __future__ import annotations

import html
import itertools
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import regex
from loopback import Answer, LoopbackServer, Request

OOB = "urn:ietf:wg:oauth:2.0:oob"
INVALID_TOKEN = {"error": "The access token is invalid"}
NOT_PROCESSED = "Cannot attach files that have not finished processing. Try again in a moment!"
TOO_SOON = "Validation failed: Scheduled at The scheduled date must be in the future"
LONG_ALT = "Validation failed: Description is too long (maximum is 1500 characters)"


def _invalid(message: str) -> Answer:
    """Mastodon's 422: {"error": "Validation failed: ..."}."""
    return Answer(422, {"error": message})


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Media:
    id: str
    description: str
    data: bytes
    mime: str
    polls_left: int  # GET /api/v1/media/:id answers 206 this many more times

    def entity(self, processed: bool) -> dict[str, Any]:
        url = f"https://files.example/media/{self.id}.png" if processed else None
        return {
            "id": self.id,
            "type": "image",
            "url": url,
            "preview_url": f"https://files.example/media/{self.id}_small.png",
            "description": self.description or None,
            "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}",
        }


@dataclass
class MastodonServer:
    server: LoopbackServer
    max_characters: int = 500
    image_size_limit: int = 16 * 2**20
    nginx_max_body: int = 99 * 2**20
    legacy: bool = False  # before 4.0: no /api/v2/instance
    processing_polls: int = 0  # > 0: uploads answer 202 and need that many polls
    statuses: list[dict[str, Any]] = field(default_factory=list)
    scheduled: list[dict[str, Any]] = field(default_factory=list)
    media: dict[str, Media] = field(default_factory=dict)
    apps: dict[str, str] = field(default_factory=dict)  # client_id → client_secret
    codes: dict[str, str] = field(default_factory=dict)  # code → client_id
    tokens: set[str] = field(default_factory=set)
    idempotent: dict[tuple[str, str], Answer] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(109_000_000_000_000_000))

    ACCOUNT_ID = "108000000000000001"

    def __post_init__(self) -> None:
        s = self.server
        s.route("POST", "/api/v1/apps", self.create_app)
        s.route("POST", "/oauth/token", self.token)
        s.route("GET", "/api/v1/accounts/verify_credentials", self.authed(self.verify))
        s.route("GET", "/api/v2/instance", self.instance_v2)
        s.route("GET", "/api/v1/instance", self.instance_v1)
        s.route("POST", "/api/v2/media", self.authed(self.upload))
        s.route("GET", r"/api/v1/media/(?P<id>\d+)", self.authed(self.get_media))
        s.route("POST", "/api/v1/statuses", self.authed(self.create_status))
        s.route("GET", r"/api/v1/accounts/(?P<id>\d+)/statuses", self.authed(self.account_statuses))
        s.route("GET", "/api/v1/scheduled_statuses", self.authed(self.list_scheduled))

    @property
    def url(self) -> str:
        return self.server.url

    def next_id(self) -> str:
        return str(next(self._ids))

    def personal_token(self) -> str:
        """What Preferences → Development → New application shows as "Your access token"."""
        token = secrets.token_urlsafe(32)
        self.tokens.add(token)
        return token

    def authorize(self, client_id: str) -> str:
        """The code GET /oauth/authorize shows after the user clicks Authorize (oob)."""
        code = secrets.token_urlsafe(24)
        self.codes[code] = client_id
        return code

    # -- auth ------------------------------------------------------------------------------

    def authed(self, route: Any) -> Any:
        def guarded(request: Request) -> Answer:
            header = request.headers.get("authorization", "")
            if not header.startswith("Bearer ") or header[7:] not in self.tokens:
                return Answer(401, INVALID_TOKEN)
            return route(request)

        return guarded

    def create_app(self, request: Request) -> Answer:
        name, redirect = request.first("client_name"), request.first("redirect_uris")
        if not name or not redirect:
            return _invalid("Validation failed: Application name can't be blank")
        client_id, secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.apps[client_id] = secret
        return Answer(
            200,
            {
                "id": self.next_id(),
                "name": name,
                "website": request.first("website"),
                "scopes": (request.first("scopes") or "read").split(),
                "redirect_uri": redirect,
                "redirect_uris": [redirect],
                "client_id": client_id,
                "client_secret": secret,
            },
        )

    def token(self, request: Request) -> Answer:
        code, client_id = request.first("code"), request.first("client_id")
        valid = (
            request.first("grant_type") == "authorization_code"
            and self.codes.pop(code, None) == client_id
            and self.apps.get(client_id) == request.first("client_secret")
            and request.first("redirect_uri") == OOB
        )
        if not valid:
            return Answer(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization grant is invalid, "
                    "expired, revoked, does not match the redirection URI used in the "
                    "authorization request, or was issued to another client.",
                },
            )
        token = self.personal_token()
        return Answer(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "scope": request.first("scope") or "read",
                "created_at": int(_now().timestamp()),
            },
        )

    def account(self) -> dict[str, Any]:
        return {
            "id": self.ACCOUNT_ID,
            "username": "boulangerie",
            "acct": "boulangerie",
            "display_name": "Boulangerie Martin",
            "url": f"{self.url}/@boulangerie",
        }

    def verify(self, request: Request) -> Answer:
        return Answer(200, self.account())

    # -- instance --------------------------------------------------------------------------

    def _configuration(self) -> dict[str, Any]:
        return {
            "statuses": {
                "max_characters": self.max_characters,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23,
            },
            "media_attachments": {
                "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
                "image_size_limit": self.image_size_limit,
                "image_matrix_limit": 33177600,
                "description_limit": 1500,
            },
        }

    def instance_v2(self, request: Request) -> Answer:
        if self.legacy:
            return Answer(404, {"error": "Record not found"})
        return Answer(200, {"domain": "127.0.0.1", "configuration": self._configuration()})

    def instance_v1(self, request: Request) -> Answer:
        config = self._configuration()
        config["media_attachments"].pop("description_limit")
        return Answer(200, {"uri": "127.0.0.1", "configuration": config})

    # -- media -----------------------------------------------------------------------------

    def upload(self, request: Request) -> Answer:
        if len(request.body) > self.nginx_max_body:
            return Answer(413, b"<html><body><h1>413 Request Entity Too Large</h1></body></html>")
        form = request.form()
        files = form.get("file") or []
        if not files or not isinstance(files[0], bytes):
            return _invalid("Validation failed: File can't be blank")
        data = files[0]
        if len(data) > self.image_size_limit:
            limit = self.image_size_limit // 2**20
            return _invalid(f"Validation failed: File file size must be less than {limit} MB")
        description = (form.get("description") or [""])[0]
        if len(description) > 1500:
            return _invalid(LONG_ALT)
        media = Media(self.next_id(), description, data, "image/png", self.processing_polls)
        self.media[media.id] = media
        if media.polls_left:
            return Answer(202, media.entity(processed=False))
        return Answer(200, media.entity(processed=True))

    def get_media(self, request: Request) -> Answer:
        media = self.media.get(request.match["id"]) if request.match else None
        if media is None:
            return Answer(404, {"error": "Record not found"})
        if media.polls_left:
            media.polls_left -= 1
            return Answer(206, media.entity(processed=False))
        return Answer(200, media.entity(processed=True))

    # -- statuses --------------------------------------------------------------------------

    def create_status(self, request: Request) -> Answer:
        key = request.headers.get("idempotency-key")
        token = request.headers["authorization"]
        if key and (token, key) in self.idempotent:
            return self.idempotent[(token, key)]  # the first answer, nothing created
        answer = self._create_status(request)
        if key and answer.status == 200:
            self.idempotent[(token, key)] = answer
        return answer

    def _create_status(self, request: Request) -> Answer:
        form = request.form()
        text = (form.get("status") or [""])[0] or ""
        media_ids = [str(m) for m in form.get("media_ids") or form.get("media_ids[]") or []]
        if not text.strip() and not media_ids:
            return _invalid("Validation failed: Text can't be blank")
        if len(regex.findall(r"\X", text)) > self.max_characters:
            return _invalid(
                f"Validation failed: Text character limit of {self.max_characters} exceeded"
            )
        attachments = []
        for media_id in media_ids:
            media = self.media.get(media_id)
            if media is None:
                return _invalid("Validation failed: Media attachments are invalid")
            if media.polls_left:
                return _invalid(NOT_PROCESSED)
            attachments.append(media.entity(processed=True))
        params = {
            "text": text,
            "media_ids": media_ids or None,
            "sensitive": None,
            "spoiler_text": (form.get("spoiler_text") or [""])[0],
            "visibility": (form.get("visibility") or ["public"])[0],
            "language": (form.get("language") or [None])[0],
        }
        when = (form.get("scheduled_at") or [None])[0]
        if when:
            at = datetime.fromisoformat(when.replace("Z", "+00:00"))
            if at - _now() < timedelta(minutes=5):
                return _invalid(TOO_SOON)
            scheduled = {
                "id": self.next_id(),
                "scheduled_at": _iso(at),
                "params": {**params, "scheduled_at": None, "application_id": 1},
                "media_attachments": attachments,
            }
            self.scheduled.append(scheduled)
            return Answer(200, scheduled)
        status_id = self.next_id()
        paragraphs = "".join(
            f"<p>{html.escape(p).replace(chr(10), '<br />')}</p>" for p in text.split("\n\n")
        )
        status = {
            "id": status_id,
            "created_at": _iso(_now()),
            "uri": f"{self.url}/users/boulangerie/statuses/{status_id}",
            "url": f"{self.url}/@boulangerie/{status_id}",
            "content": paragraphs,
            "visibility": params["visibility"],
            "language": params["language"],
            "spoiler_text": params["spoiler_text"],
            "media_attachments": attachments,
            "account": self.account(),
        }
        self.statuses.append(status)
        return Answer(200, status)

    def publish_scheduled(self) -> None:
        """What the instance does at their time: each scheduled status becomes a status
        of its own, with a new id and its address (the scheduled one is gone)."""
        for item in self.scheduled:
            status_id = self.next_id()
            text = item["params"]["text"]
            self.statuses.append(
                {
                    "id": status_id,
                    "created_at": item["scheduled_at"],
                    "uri": f"{self.url}/users/boulangerie/statuses/{status_id}",
                    "url": f"{self.url}/@boulangerie/{status_id}",
                    "content": f"<p>{html.escape(text)}</p>",
                    "visibility": item["params"]["visibility"],
                    "media_attachments": item["media_attachments"],
                    "account": self.account(),
                }
            )
        self.scheduled.clear()

    def account_statuses(self, request: Request) -> Answer:
        if request.match and request.match["id"] != self.ACCOUNT_ID:
            return Answer(404, {"error": "Record not found"})
        limit = min(int(request.query.get("limit", ["20"])[0]), 40)
        return Answer(200, list(reversed(self.statuses))[:limit])

    def list_scheduled(self, request: Request) -> Answer:
        limit = min(int(request.query.get("limit", ["20"])[0]), 40)
        return Answer(200, self.scheduled[:limit])

    def rate_limited(self, reset: datetime, retry_after: str | None = None) -> Answer:
        """The answer Mastodon's rack-attack gives; proxies may add Retry-After."""
        headers = {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": _iso(reset),
        }
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        return Answer(429, {"error": "Too many requests"}, headers)
