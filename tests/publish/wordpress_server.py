"""A WordPress site on 127.0.0.1 that answers as the REST API Handbook
(developer.wordpress.org/rest-api/) says, for the routes cmdesk uses:

- the index (GET /wp-json/, "namespaces"), and ?rest_route= on sites without pretty
  permalinks (Handbook: "Routes & Endpoints", "Discovery");
- Basic authentication with an application password, spaces ignored ("Authentication");
  errors as WP_Error JSON {"code", "message", "data": {"status"}}: incorrect_password and
  invalid_username (401), rest_cannot_create (403), rest_invalid_param (400);
- GET /wp/v2/users/me?context=edit (Reference: Users);
- POST /wp/v2/media with the file as the body and Content-Disposition (201), then POST
  /wp/v2/media/<id> with alt_text (Reference: Media);
- GET/POST /wp/v2/categories and /wp/v2/tags (search, term_exists with data.term_id);
- POST /wp/v2/posts (201), POST /wp/v2/posts/<id> (200) with status draft, publish,
  future + date_gmt (a publish with a future date becomes future, as WordPress does), and
  GET /wp/v2/posts?context=edit&status=... (Reference: Posts).

A real WordPress (Debian's wordpress + php + mariadb-server packages) was judged too heavy
for every CI run: a database server and PHP to install and set up for a few requests.
"""

from __future__ import annotations

import base64
import html
import itertools
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from loopback import Answer, LoopbackServer, Request


def _error(status: int, code: str, message: str, **data: Any) -> Answer:
    return Answer(status, {"code": code, "message": message, "data": {"status": status, **data}})


@dataclass
class WordPressServer:
    server: LoopbackServer
    username: str = "marie"
    pretty_permalinks: bool = True
    can_publish: bool = True
    app_password: str = field(
        default_factory=lambda: " ".join(secrets.token_hex(2) for _ in range(6))
    )
    posts: dict[int, dict[str, Any]] = field(default_factory=dict)
    media: dict[int, dict[str, Any]] = field(default_factory=dict)
    terms: dict[str, dict[int, str]] = field(
        default_factory=lambda: {"categories": {1: "Non classé"}, "tags": {}}
    )
    _ids: Any = field(default_factory=lambda: itertools.count(10))

    USER_ID = 3

    def __post_init__(self) -> None:
        s = self.server
        s.route("GET", "/wp-json/", self.index_or_missing)
        s.route("GET", "/", self.rest_route)
        s.route("POST", "/", self.rest_route)
        self.api_routes: list[tuple[str, str, Any]] = [
            ("GET", "/", self.index),
            ("GET", "/wp/v2/users/me", self.authed(self.me)),
            ("POST", "/wp/v2/media", self.authed(self.upload)),
            ("POST", r"/wp/v2/media/(?P<id>\d+)", self.authed(self.update_media)),
            ("GET", r"/wp/v2/(?P<tax>categories|tags)", self.authed(self.list_terms)),
            ("POST", r"/wp/v2/(?P<tax>categories|tags)", self.authed(self.create_term)),
            ("POST", "/wp/v2/posts", self.authed(self.create_post)),
            ("POST", r"/wp/v2/posts/(?P<id>\d+)", self.authed(self.update_post)),
            ("GET", "/wp/v2/posts", self.authed(self.list_posts)),
        ]
        for method, path, handler in self.api_routes:
            if path != "/":
                s.route(method, "/wp-json" + path, self.pretty_only(handler))

    @property
    def url(self) -> str:
        return self.server.url

    def next_id(self) -> int:
        return next(self._ids)

    # -- routing -------------------------------------------------------------------------

    def pretty_only(self, handler: Any) -> Any:
        def route(request: Request) -> Answer:
            if not self.pretty_permalinks:
                return Answer(404, b"<html>Not Found</html>")
            return handler(request)

        return route

    def index_or_missing(self, request: Request) -> Answer:
        if not self.pretty_permalinks:
            return Answer(404, b"<html>Not Found</html>")
        return self.index(request)

    def rest_route(self, request: Request) -> Answer:
        # Every site also answers at /?rest_route=/wp/v2/..., permalinks or not.
        route = (request.query.get("rest_route") or [""])[0]
        if not route:
            return Answer(200, b"<html>Home</html>")
        for method, path, handler in self.api_routes:
            found = re.fullmatch(path, route)
            if method == request.method and found:
                request.match = found
                return handler(request)
        return _error(
            404, "rest_no_route", "No route was found matching the URL and request method."
        )

    def index(self, request: Request) -> Answer:
        return Answer(
            200,
            {
                "name": "Boulangerie Martin",
                "url": self.url,
                "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"],
                "authentication": {
                    "application-passwords": {
                        "endpoints": {
                            "authorization": f"{self.url}/wp-admin/authorize-application.php"
                        }
                    }
                },
            },
        )

    def authed(self, handler: Any) -> Any:
        def route(request: Request) -> Answer:
            header = request.headers.get("authorization", "")
            if not header.startswith("Basic "):
                return _error(401, "rest_not_logged_in", "You are not currently logged in.")
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            if user != self.username:
                return _error(
                    401,
                    "invalid_username",
                    "<strong>Error:</strong> The username <strong>"
                    + html.escape(user)
                    + "</strong> is not registered on this site.",
                )
            if password.replace(" ", "") != self.app_password.replace(" ", ""):
                return _error(
                    401,
                    "incorrect_password",
                    "The provided password is an invalid application password.",
                )
            return handler(request)

        return route

    # -- endpoints -----------------------------------------------------------------------

    def me(self, request: Request) -> Answer:
        return Answer(
            200,
            {
                "id": self.USER_ID,
                "username": self.username,
                "name": "Marie &amp; Paul",
                "link": f"{self.url}/author/{self.username}/",
                "slug": self.username,
                "roles": ["author"],
            },
        )

    def upload(self, request: Request) -> Answer:
        disposition = request.headers.get("content-disposition", "")
        if not request.body:
            return _error(400, "rest_upload_no_data", "No data supplied.")
        if "filename=" not in disposition:
            return _error(
                400, "rest_upload_no_content_disposition", "No Content-Disposition supplied."
            )
        media_id = self.next_id()
        filename = disposition.split("filename=", 1)[1].strip('"')
        self.media[media_id] = {
            "id": media_id,
            "alt_text": "",
            "mime_type": request.headers.get("content-type", ""),
            "source_url": f"{self.url}/wp-content/uploads/{filename}",
            "size": len(request.body),
        }
        return Answer(201, self.media[media_id])

    def update_media(self, request: Request) -> Answer:
        media = self.media.get(int(request.match["id"])) if request.match else None
        if media is None:
            return _error(404, "rest_post_invalid_id", "Invalid post ID.")
        media["alt_text"] = request.json().get("alt_text", media["alt_text"])
        return Answer(200, media)

    def list_terms(self, request: Request) -> Answer:
        taxonomy = request.match["tax"] if request.match else "tags"
        search = (request.query.get("search") or [""])[0].casefold()
        found = [
            {"id": term_id, "name": html.escape(name, quote=False), "slug": name.lower()}
            for term_id, name in self.terms[taxonomy].items()
            if search in name.casefold()
        ]
        return Answer(200, found, {"X-WP-Total": str(len(found)), "X-WP-TotalPages": "1"})

    def create_term(self, request: Request) -> Answer:
        taxonomy = request.match["tax"] if request.match else "tags"
        name = str(request.json().get("name", "")).strip()
        for term_id, existing in self.terms[taxonomy].items():
            if existing.casefold() == name.casefold():
                return _error(
                    400,
                    "term_exists",
                    "A term with the name provided already exists with this parent.",
                    term_id=term_id,
                )
        term_id = self.next_id()
        self.terms[taxonomy][term_id] = name
        return Answer(
            201, {"id": term_id, "name": html.escape(name, quote=False), "slug": name.lower()}
        )

    def _apply(self, post: dict[str, Any], fields: dict[str, Any]) -> Answer | None:
        status = fields.get("status", post.get("status", "draft"))
        if status not in ("publish", "future", "draft", "pending", "private"):
            return _error(
                400,
                "rest_invalid_param",
                "Invalid parameter(s): status",
                params={"status": "status is not one of publish, future, draft, pending, private."},
            )
        if status in ("publish", "future") and not self.can_publish:
            return _error(
                403,
                "rest_cannot_publish",
                "Sorry, you are not allowed to publish posts in this post type.",
            )
        for key in ("title", "content", "excerpt"):
            if key in fields:
                post[key] = {"raw": fields[key], "rendered": html.escape(fields[key])}
        for key in ("categories", "tags", "featured_media"):
            if key in fields:
                post[key] = fields[key]
        if "date_gmt" in fields:
            post["date_gmt"] = fields["date_gmt"]
        now = datetime.now(UTC).replace(tzinfo=None)
        when = datetime.fromisoformat(post["date_gmt"]) if post.get("date_gmt") else None
        if status in ("publish", "future"):
            # WordPress turns a future date into "future" and a past one into "publish".
            status = "future" if when and when > now else "publish"
            post["date_gmt"] = (when or now).isoformat(timespec="seconds")
        post["status"] = status
        post["link"] = (
            f"{self.url}/?p={post['id']}"
            if status != "publish"
            else f"{self.url}/{post['id']}/article/"
        )
        return None

    def publish_future(self) -> None:
        """What WordPress's cron does after their time: future articles are published and
        get their permalink."""
        for post in self.posts.values():
            if post["status"] == "future":
                post["status"] = "publish"
                post["link"] = f"{self.url}/{post['id']}/article/"

    def create_post(self, request: Request) -> Answer:
        fields = request.json() or {}
        post_id = self.next_id()
        post: dict[str, Any] = {"id": post_id, "type": "post", "categories": [1], "tags": []}
        refused = self._apply(post, fields)
        if refused:
            return refused
        self.posts[post_id] = post
        return Answer(201, post)

    def update_post(self, request: Request) -> Answer:
        post = self.posts.get(int(request.match["id"])) if request.match else None
        if post is None:
            return _error(404, "rest_post_invalid_id", "Invalid post ID.")
        refused = self._apply(post, request.json() or {})
        return refused or Answer(200, post)

    def list_posts(self, request: Request) -> Answer:
        wanted = (request.query.get("status") or ["publish"])[0].split(",")
        per_page = int((request.query.get("per_page") or ["10"])[0])
        found = [p for p in reversed(self.posts.values()) if p["status"] in wanted]
        return Answer(200, found[:per_page], {"X-WP-Total": str(len(found))})
