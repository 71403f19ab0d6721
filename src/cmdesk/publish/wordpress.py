"""WordPress through its REST API (developer.wordpress.org/rest-api/), authenticated with an
application password (Users → Profile → Application Passwords, WordPress 5.6+) sent as
HTTP Basic: over https only, or over http to this computer itself.

An article goes out in two steps: it is created as a draft, then published (or given the
"future" status and its date, for WordPress to publish it itself) by its id. WordPress
has no idempotency key; with two steps, an answer lost while creating leaves only a
draft (nothing public), and an answer lost while publishing leaves the article online,
where `recent` shows it (drafts included) for the user to check. The second step can be
repeated safely. Categories and tags are found by name or created; the first image
becomes the featured image, with its alt text.
"""

from __future__ import annotations

import base64
import html
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from cmdesk.core.accounts import Account
from cmdesk.core.networks import Network
from cmdesk.core.redaction import remember_for_redaction
from cmdesk.i18n import _
from cmdesk.publish import credentials
from cmdesk.publish.base import (
    AuthExpired,
    Identity,
    Media,
    PostContent,
    Published,
    Rejected,
    RemotePost,
    due_now,
)
from cmdesk.publish.http import Api, Response, check_base_url
from cmdesk.store.secrets import SecretStore

# WordPress publishes "future" posts from WP-Cron, which runs when the site gets a visit:
# asking for less than a minute ahead would only race it.
SCHEDULE_MINIMUM = timedelta(minutes=1)
_AUTH_CODES = {"incorrect_password", "invalid_username", "invalid_email", "rest_not_logged_in"}


def _message(response: Response) -> str:
    # WP_Error as JSON: {"code": "rest_...", "message": "...", "data": {"status": 403}}
    data = response.json()
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return html.unescape(data["message"]).strip()
    return ""


def _api(server: str, transport: httpx.BaseTransport | None, read_s: float = 30.0) -> Api:
    return Api.for_server(server, "WordPress", _message, transport, read_s)


def _basic(username: str, password: str) -> str:
    # WordPress shows application passwords in groups of four with spaces; it ignores them.
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def discover_api_root(site: str, *, transport: httpx.BaseTransport | None = None) -> str:
    """The REST API's root for `site`: /wp-json, or ?rest_route= on sites without
    pretty permalinks."""
    api = _api(site, transport)
    try:
        for root in ("/wp-json", "/?rest_route="):
            answer = api.request("GET", root + "/", ok=(200, 404))
            data = answer.json()
            if (
                answer.status == 200
                and isinstance(data, dict)
                and "wp/v2" in (data.get("namespaces") or [])
            ):
                return api.base_url + root
    finally:
        api.close()
    raise Rejected(
        _("No WordPress REST API was found at {site}: check the address of the site.").format(
            site=site
        )
    )


def connect(
    site: str,
    username: str,
    app_password: str,
    secrets: SecretStore,
    *,
    label: str = "",
    transport: httpx.BaseTransport | None = None,
) -> Account:
    """Find the API, check the application password, keep the account."""
    remember_for_redaction(app_password)
    server = check_base_url(site)
    root = discover_api_root(server, transport=transport)
    account = Account(
        network=Network.WORDPRESS,
        server=server,
        username=username.strip(),
        label=label,
        options={"api_root": root},
    )
    connector = WordPressConnector(account, secrets, transport=transport, password=app_password)
    try:
        identity = connector.test_connection()
    finally:
        connector.close()
    account = replace(account, remote_id=identity.remote_id)
    credentials.save(secrets, account, {"app_password": app_password})
    return account


class WordPressConnector:
    network: ClassVar[Network] = Network.WORDPRESS

    def __init__(
        self,
        account: Account,
        secrets: SecretStore,
        *,
        transport: httpx.BaseTransport | None = None,
        password: str | None = None,
        read_s: float = 30.0,
    ) -> None:
        self.account = account
        self.secrets = secrets
        root = account.options.get("api_root") or account.server + "/wp-json"
        self.api = _api(root, transport, read_s)
        # check_base_url drops a query: keep "?rest_route=" roots as they are.
        self.api.base_url = root.rstrip("/")
        self._password = password

    def close(self) -> None:
        self.api.close()

    def _call(
        self, method: str, path: str, *, ok: tuple[int, ...] = (200,), **kwargs: Any
    ) -> Response:
        if self._password is None:
            self._password = credentials.load(self.secrets, self.account)["app_password"]
        headers = {"Authorization": _basic(self.account.username, self._password)}
        headers.update(kwargs.pop("headers", None) or {})
        try:
            return self.api.request(method, path, ok=ok, headers=headers, **kwargs)
        except Rejected as exc:
            if exc.status == 401:
                raise AuthExpired(self.account, exc.remote_message, status=401) from exc
            raise

    def test_connection(self) -> Identity:
        me = self._call("GET", "/wp/v2/users/me", params={"context": "edit"}).json() or {}
        if not isinstance(me, dict) or "id" not in me:
            raise Rejected(_("The site's answer does not describe a user."))
        return Identity(
            remote_id=str(me["id"]),
            username=str(me.get("username") or me.get("slug") or ""),
            display_name=html.unescape(str(me.get("name") or "")),
            url=str(me.get("link") or ""),
        )

    def can_schedule(self, at: datetime, now: datetime | None = None) -> bool:
        return at - (now or datetime.now(UTC)) >= SCHEDULE_MINIMUM

    def publish(self, content: PostContent) -> Published:
        scheduled = not due_now(content)
        if scheduled and not self.can_schedule(content.scheduled_at):  # type: ignore[arg-type]
            raise ValueError("WordPress schedules at least a minute ahead")
        body: dict[str, Any] = {
            "title": content.title,
            "content": content.text,
            "excerpt": content.excerpt,
            "status": "draft",
            "categories": [self._term("categories", name) for name in content.categories],
            "tags": [self._term("tags", name) for name in content.tags],
        }
        if content.media:
            body["featured_media"] = self._upload(content.media[0])
        draft = self._call("POST", "/wp/v2/posts", json_body=body, ok=(201,)).json() or {}
        if not isinstance(draft, dict) or "id" not in draft:
            raise Rejected(_("The site's answer does not describe an article."))
        post_id = str(draft["id"])
        if content.draft:
            return Published(remote_id=post_id, url=str(draft.get("link") or ""))
        change: dict[str, Any] = {"status": "publish"}
        if scheduled:
            at = content.scheduled_at.astimezone(UTC)  # type: ignore[union-attr]
            change = {
                "status": "future",
                "date_gmt": at.replace(tzinfo=None).isoformat(timespec="seconds"),
            }
        final = self._call("POST", f"/wp/v2/posts/{post_id}", json_body=change).json() or {}
        return Published(
            remote_id=post_id,
            url=str(final.get("link") or draft.get("link") or ""),
            scheduled_at=content.scheduled_at if scheduled else None,
        )

    def _upload(self, media: Media) -> int:
        filename = media.filename or "image." + (media.mime.split("/")[-1] or "jpg")
        safe_name = filename.replace('"', "").replace("\r", "").replace("\n", "")
        created = self._call(
            "POST",
            "/wp/v2/media",
            ok=(201,),
            content=media.data,
            headers={
                "Content-Type": media.mime,
                "Content-Disposition": f'attachment; filename="{safe_name}"',
            },
        ).json()
        if not isinstance(created, dict) or "id" not in created:
            raise Rejected(_("The site's answer does not describe the uploaded image."))
        media_id = int(created["id"])
        if media.alt:
            self._call("POST", f"/wp/v2/media/{media_id}", json_body={"alt_text": media.alt})
        return media_id

    def _term(self, taxonomy: str, name: str) -> int:
        """The id of the category or tag called `name`, created when missing."""
        wanted = name.strip()
        found = self._call(
            "GET",
            f"/wp/v2/{taxonomy}",
            params={"search": wanted, "per_page": 100, "context": "view"},
        ).json()
        for term in found if isinstance(found, list) else []:
            if html.unescape(str(term.get("name", ""))).casefold() == wanted.casefold():
                return int(term["id"])
        try:
            made = self._call(
                "POST", f"/wp/v2/{taxonomy}", json_body={"name": wanted}, ok=(201,)
            ).json()
        except Rejected as exc:
            # Created meanwhile (another device, or the search missed it): WordPress says
            # which term it is.
            term_id = _existing_term(exc)
            if term_id is None:
                raise
            return term_id
        return int(made["id"])

    def recent(self, limit: int = 20) -> list[RemotePost]:
        posts = self._call(
            "GET",
            "/wp/v2/posts",
            params={
                "context": "edit",
                "status": "publish,future,draft,pending,private",
                "per_page": max(1, min(limit, 100)),
                "orderby": "modified",
                "order": "desc",
            },
        ).json()
        found = []
        for post in posts if isinstance(posts, list) else []:
            title = post.get("title") or {}
            text = (
                title.get("raw") if isinstance(title.get("raw"), str) else title.get("rendered", "")
            )
            status = str(post.get("status") or "")
            when = _parse_gmt(post.get("date_gmt"))
            found.append(
                RemotePost(
                    remote_id=str(post.get("id", "")),
                    url=str(post.get("link") or ""),
                    text=html.unescape(str(text or "")),
                    created_at=when if status != "future" else None,
                    scheduled_at=when if status == "future" else None,
                    status=status,
                )
            )
        return found


def _existing_term(error: Rejected) -> int | None:
    # {"code": "term_exists", ..., "data": {"status": 400, "term_id": 5}}
    details = error.details if isinstance(error.details, dict) else {}
    data = details.get("data")
    if details.get("code") != "term_exists" or not isinstance(data, dict):
        return None
    term_id = data.get("term_id")
    return term_id if isinstance(term_id, int) else None


def _parse_gmt(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None
