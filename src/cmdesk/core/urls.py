"""One article, one mention: the keys that recognise the same article across feeds.

Google Alerts, Talkwalker and social aggregators wrap the article's address in their own
redirect, and newsletters add tracking parameters; the same story reached through three
feeds must still be stored once. Two keys are used, in this order: the normalised URL,
then the folded title (same title on the same site within a few days).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Parameters that identify a campaign or a click, never the article itself.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "twclid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "ref_src",
        "ref_url",
        "cmpid",
        "xtor",
        "at_medium",
        "at_campaign",
        "ncid",
        "sr_share",
        "spm",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "ga_", "hsa_")
# Redirectors that carry the real address in a query parameter.
WRAPPERS = {
    "www.google.com": ("/url", "url"),
    "google.com": ("/url", "url"),
    "news.google.com": ("/url", "url"),
    "www.talkwalker.com": ("/alerts/redirect", "url"),
    "alerts.talkwalker.com": ("/alerts/redirect", "url"),
    "l.facebook.com": ("/l.php", "u"),
    "lm.facebook.com": ("/l.php", "u"),
    "out.reddit.com": ("/", "url"),
    "www.youtube.com": ("/redirect", "q"),
}
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_PLAIN_URL_RE = re.compile(
    r"https?://([a-z0-9-]+(?:\.[a-z0-9-]+)*)(/[A-Za-z0-9._~!$&'()*+,;=:@/-]*)?\Z"
)
_PLAIN_HOST_RE = re.compile(r"https?://([a-z0-9.-]+)(?=[/?#]|\Z)")
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_COMBINING_RE = re.compile("[\u0300-\u036f]+")


def unwrap(url: str) -> str:
    """The article's own address when `url` is an alert service's redirect."""
    for _depth in range(3):  # a redirect inside a redirect, at most
        parts = urlsplit(url)
        wrapper = WRAPPERS.get(parts.hostname or "")
        if wrapper is None or not parts.path.startswith(wrapper[0]):
            return url
        target = dict(parse_qsl(parts.query)).get(wrapper[1], "")
        if not target.lower().startswith(("http://", "https://")):
            return url
        url = target
    return url


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def normalise_url(url: str) -> str:
    """A stable key for an article's address, or "" when it is not an http(s) URL.

    Lower-case scheme and host, no default port, no fragment, no tracking parameters,
    remaining parameters sorted, no trailing slash; "www." kept (it can be another site).
    """
    plain = _PLAIN_URL_RE.match(url)
    if plain:
        # The common case, without parsing: lower-case host, no port, no query, nothing
        # escaped; what the general path below would make of it (property-tested).
        host, path = plain.group(1), plain.group(2) or "/"
        return f"https://{host}{path.rstrip('/') if len(path) > 1 else path}"
    return _normalise(url)


def _normalise(url: str) -> str:
    url = unwrap(url.strip())
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower().rstrip(".")
    netloc = host if port is None or str(port) == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    # Re-quote the path so "%C3%A9" and "é" give the same key.
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~") or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    # http and https of one article are the same article.
    return urlunsplit(("https", netloc, path, urlencode(query), ""))


def title_key(title: str) -> str:
    """Folded words of a title: case, accents and punctuation do not tell articles apart.

    Titles of fewer than four words ("Home", "Actualités") are too common to identify
    an article and give "".
    """
    # Removing the Latin combining marks with one regex is ten times faster than
    # filtering characters one by one, and titles are folded for every entry fetched.
    stripped = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", title.casefold()))
    words = _WORD_RE.findall(stripped)
    return " ".join(words) if len(words) >= 4 else ""


def site_of(url: str) -> str:
    """The host without "www.", for "same title on the same site" checks and display."""
    plain = _PLAIN_HOST_RE.match(url)
    # A lower-case host name without port or user: read off without parsing the URL
    # (normalised keys are all of this kind, and every new entry asks for its site).
    host = plain.group(1) if plain else (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
