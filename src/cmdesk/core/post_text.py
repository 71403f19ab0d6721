"""Live counters for a post, counting the way each network counts, and the warnings a
community manager needs before a network refuses (or quietly spoils) a post.

How each network counts (what the tests pin down):
- X: twitter-text's weighted length, configuration v3: 280 units; text in NFC; every
  link 23 whatever its length (with or without "https://"); code points up to U+10FF and
  some punctuation weigh 1, everything else (CJK, most symbols) 2; an emoji sequence (a
  family, a flag, a skin tone) weighs 2 as a whole.
- Mastodon: grapheme clusters of the content warning plus the text, where a link with a
  scheme counts as the instance's reserved length (23) and `@user@domain` as `@user`;
  the limit is the instance's (500 unless it says otherwise).
- Bluesky: 300 grapheme clusters, and at most 3,000 bytes of UTF-8.
- LinkedIn (3,000), Instagram (2,200) and Facebook (63,206): their composers count UTF-16
  code units, so an emoji outside the first plane counts 2; counting that way never says
  "fits" for a text the network then cuts.
- WordPress: no limit; the title is counted in characters, the body and excerpt in words.

Grapheme clusters come from the `regex` module's \\X (Unicode's extended grapheme clusters,
kept up to date with Unicode), never from a hand-made approximation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import regex

from cmdesk.core.networks import NETWORK_NAMES, Network
from cmdesk.core.post_entities import (
    Span,
    bluesky_facets,
    find_hashtags,
    find_mastodon_mentions,
    find_urls,
    mastodon_user,
)
from cmdesk.i18n import _, ngettext

Unit = Literal["weighted", "graphemes", "utf16", "words"]
Severity = Literal["error", "warning", "note"]

X_LIMIT = 280
X_URL_LENGTH = 23
BLUESKY_GRAPHEMES = 300
BLUESKY_BYTES = 3000
BLUESKY_IMAGE_BYTES = 1_000_000  # app.bsky.embed.images: image blob maxSize
LINKEDIN_LIMIT = 3000
INSTAGRAM_LIMIT = 2200
INSTAGRAM_HASHTAGS = 30
FACEBOOK_LIMIT = 63206
TIKTOK_LIMIT = 4000  # a caption, since 2023 (2,200 before)
X_IMAGE_BYTES = 5 * 2**20
X_ALT_LIMIT = 1000
INSTAGRAM_IMAGE_BYTES = 8 * 2**20
WORDPRESS_AUTO_EXCERPT_WORDS = 55  # wp_trim_excerpt's default length


@dataclass(frozen=True)
class ImageFacts:
    """What the counters need to know about an attached image."""

    alt: str = ""
    size: int = 0  # bytes
    mime: str = ""


@dataclass(frozen=True)
class MastodonLimits:
    """An instance's own limits (GET /api/v2/instance, configuration); Mastodon's
    defaults until the instance has been asked."""

    max_characters: int = 500
    url_length: int = 23  # characters_reserved_per_url
    max_media: int = 4
    image_size_limit: int = 16 * 2**20
    description_limit: int = 1500  # alt text; older servers do not say, 1,500 is theirs


@dataclass(frozen=True)
class Notice:
    severity: Severity  # error: the network refuses the post; warning: it goes out worse
    code: str  # stable, for the interface to pick an icon or a place
    message: str  # translated


@dataclass(frozen=True)
class Count:
    network: Network
    used: int
    limit: int
    unit: Unit
    notices: tuple[Notice, ...] = ()
    links: tuple[Span, ...] = field(default=(), compare=False)

    @property
    def remaining(self) -> int:
        return self.limit - self.used

    @property
    def over(self) -> bool:
        return self.used > self.limit

    @property
    def ok(self) -> bool:
        """Nothing that would make the network refuse the post."""
        return not any(n.severity == "error" for n in self.notices)


@dataclass(frozen=True)
class ArticleCount:
    title_characters: int
    body_words: int
    excerpt_words: int
    notices: tuple[Notice, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(n.severity == "error" for n in self.notices)


# -- units -----------------------------------------------------------------------------------

_GRAPHEME = regex.compile(r"\X")
# An emoji as twitter-text v3 sees one: a flag, a keycap, a character shown as emoji by
# default, or a pictograph made emoji by VS16, a skin tone, a ZWJ sequence or tag letters.
_EMOJI = regex.compile(
    r"\p{RI}\p{RI}|[#*0-9]\ufe0f?\u20e3|\p{Emoji_Presentation}"
    r"|\p{Extended_Pictographic}[\ufe0f\u200d\p{Emoji_Modifier}\U000e0020-\U000e007f]"
)
_WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:['’\-][\p{L}\p{N}\p{M}]+)*")


def graphemes(text: str) -> int:
    """User-perceived characters: 👨‍👩‍👧‍👦, 🇫🇷 and "é" typed as e + ◌́ are one each."""
    return len(_GRAPHEME.findall(text))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def words(text: str) -> int:
    return len(_WORD.findall(text))


def _x_weight(code_point: int) -> int:
    # twitter-text config v3 "ranges" (weights in hundredths; default 200).
    if (
        code_point <= 4351
        or 8192 <= code_point <= 8205
        or 8208 <= code_point <= 8223
        or 8242 <= code_point <= 8247
    ):
        return 100
    return 200


def _x_plain(text: str) -> int:
    total = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI.match(cluster):
            total += 200
        else:
            total += sum(_x_weight(ord(c)) for c in cluster)
    return total


def _rewrite(text: str, spans: Sequence[Span], replace: dict[str, str]) -> str:
    parts: list[str] = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(replace.get(span.text, span.text))
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def x_length(text: str) -> tuple[int, tuple[Span, ...]]:
    """twitter-text's weightedLength and the links it found."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    links = find_urls(text, network="x")
    total = 0
    position = 0
    for link in links:
        total += _x_plain(text[position : link.start]) + X_URL_LENGTH * 100
        position = link.end
    total += _x_plain(text[position:])
    return total // 100, tuple(links)


def mastodon_length(
    text: str, spoiler_text: str = "", limits: MastodonLimits | None = None
) -> tuple[int, tuple[Span, ...]]:
    """StatusLengthValidator's count: content warning + text, links and remote mentions
    shortened, in grapheme clusters."""
    limits = limits or MastodonLimits()
    links = find_urls(text, network="mastodon")
    taken = [(s.start, s.end) for s in links]
    mentions = [
        m
        for m in find_mastodon_mentions(text)
        if not any(start < m.end and m.start < end for start, end in taken)
    ]
    spans = sorted([*links, *mentions], key=lambda s: s.start)
    placeholder = "x" * limits.url_length
    replace = {s.text: placeholder for s in links} | {
        s.text: mastodon_user(s.text) for s in mentions
    }
    return graphemes(spoiler_text + _rewrite(text, spans, replace)), tuple(links)


def text_as_sent(network: Network, text: str, link: str) -> str:
    """The text a network receives (publish.content): the post's link is added at the
    end where the network makes its preview from the text, unless the text already has
    it; Bluesky carries it as a card beside the text instead. The counters count this."""
    if link and link not in text and network is not Network.BLUESKY:
        return f"{text}\n\n{link}" if text else link
    return text


# -- notices ---------------------------------------------------------------------------------


def _over(network: Network, used: int, limit: int) -> Notice:
    return Notice(
        "error",
        "over_limit",
        ngettext(
            "{count} character over {network}'s limit of {limit}.",
            "{count} characters over {network}'s limit of {limit}.",
            used - limit,
        ).format(count=used - limit, network=NETWORK_NAMES[network], limit=limit),
    )


def _image_notices(
    network: Network,
    images: Sequence[ImageFacts],
    *,
    max_images: int | None,
    max_bytes: int | None,
    alt_limit: int | None = None,
) -> list[Notice]:
    name = NETWORK_NAMES[network]
    notices: list[Notice] = []
    if max_images is not None and len(images) > max_images:
        notices.append(
            Notice(
                "error",
                "too_many_images",
                ngettext(
                    "{network} accepts at most {count} image per post.",
                    "{network} accepts at most {count} images per post.",
                    max_images,
                ).format(network=name, count=max_images),
            )
        )
    missing = sum(1 for image in images if not image.alt.strip())
    if missing:
        notices.append(
            Notice(
                "warning",
                "alt_missing",
                ngettext(
                    "{count} image has no alt text: people who cannot see it will miss it.",
                    "{count} images have no alt text: people who cannot see them will miss them.",
                    missing,
                ).format(count=missing),
            )
        )
    if max_bytes is not None:
        too_big = sum(1 for image in images if image.size > max_bytes)
        if too_big:
            notices.append(
                Notice(
                    "error",
                    "image_too_large",
                    ngettext(
                        "{count} image is larger than the {size} {network} accepts.",
                        "{count} images are larger than the {size} {network} accepts.",
                        too_big,
                    ).format(count=too_big, size=format_size(max_bytes), network=name),
                )
            )
    if alt_limit is not None and any(graphemes(image.alt) > alt_limit for image in images):
        notices.append(
            Notice(
                "error",
                "alt_too_long",
                _("An alt text is longer than the {limit} characters {network} accepts.").format(
                    limit=alt_limit, network=name
                ),
            )
        )
    return notices


def format_size(size: int) -> str:
    """Sizes as the networks state them: 16 MB (binary) for Mastodon, 1 MB (1,000,000
    bytes) for Bluesky."""
    for unit in (2**20, 1_000_000):
        if size >= unit and size % unit == 0:
            return _("{n} MB").format(n=size // unit)
    if size >= 1000 and size % 1000 == 0:
        return _("{n} KB").format(n=size // 1000)
    return _("{n} bytes").format(n=size)


def _link_note(network: Network, has_link: bool, has_images: bool) -> list[Notice]:
    if not has_link:
        return []
    name = NETWORK_NAMES[network]
    if network == Network.INSTAGRAM:
        return [
            Notice(
                "warning",
                "links_not_clickable",
                _("Links in an Instagram caption cannot be clicked: point to the link in bio."),
            )
        ]
    if network == Network.BLUESKY:
        message = (
            _("With an image attached, Bluesky shows no preview card for the link.")
            if has_images
            else _("Bluesky shows a preview card only when the post gives one for its link.")
        )
        return [Notice("note", "link_preview", message)]
    if has_images:
        return [
            Notice(
                "note",
                "link_preview",
                _(
                    "With an image attached, {network} shows the image, not the link's preview."
                ).format(network=name),
            )
        ]
    return [
        Notice(
            "note",
            "link_preview",
            _("{network} shows a preview of the first link, taken from that page.").format(
                network=name
            ),
        )
    ]


def _empty(network: Network) -> Notice:
    return Notice(
        "error",
        "empty",
        _("{network} needs some text or an image.").format(network=NETWORK_NAMES[network]),
    )


# -- counting --------------------------------------------------------------------------------


def count_post(
    network: Network,
    text: str,
    *,
    images: Sequence[ImageFacts] = (),
    spoiler_text: str = "",
    mastodon: MastodonLimits | None = None,
) -> Count:
    """Count `text` for `network` and list what would make it fail or go out worse.

    For WordPress use count_article: an article is not measured against a limit."""
    notices: list[Notice] = []
    links: tuple[Span, ...] = ()
    has_link: bool | None = None  # None: the links found
    unit: Unit
    if network == Network.X:
        used, links = x_length(text)
        limit, unit = X_LIMIT, "weighted"
        notices += _image_notices(
            network, images, max_images=4, max_bytes=X_IMAGE_BYTES, alt_limit=X_ALT_LIMIT
        )
    elif network == Network.MASTODON:
        limits = mastodon or MastodonLimits()
        used, links = mastodon_length(text, spoiler_text, limits)
        limit, unit = limits.max_characters, "graphemes"
        notices += _image_notices(
            network,
            images,
            max_images=limits.max_media,
            max_bytes=limits.image_size_limit,
            alt_limit=limits.description_limit,
        )
    elif network == Network.BLUESKY:
        used, limit, unit = graphemes(text), BLUESKY_GRAPHEMES, "graphemes"
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > BLUESKY_BYTES and used <= limit:
            notices.append(
                Notice(
                    "error",
                    "over_bytes",
                    _("Bluesky also limits a post to {limit} bytes; this one has {size}.").format(
                        limit=BLUESKY_BYTES, size=size
                    ),
                )
            )
        has_link = any(facet.kind == "link" for facet in bluesky_facets(text))
        notices += _image_notices(network, images, max_images=4, max_bytes=BLUESKY_IMAGE_BYTES)
    elif network in (Network.LINKEDIN, Network.INSTAGRAM, Network.FACEBOOK, Network.TIKTOK):
        used, unit = utf16_units(text), "utf16"
        limit = {
            Network.LINKEDIN: LINKEDIN_LIMIT,
            Network.INSTAGRAM: INSTAGRAM_LIMIT,
            Network.FACEBOOK: FACEBOOK_LIMIT,
            Network.TIKTOK: TIKTOK_LIMIT,
        }[network]
        links = tuple(find_urls(text, network="x"))
        if network == Network.INSTAGRAM:
            notices += _instagram_notices(text, images)
        elif network == Network.TIKTOK and not images:
            notices.append(
                Notice(
                    "warning",
                    "image_required",
                    _(
                        "TikTok posts a video or photos: attach an image here, or add the "
                        "video on TikTok when you publish it."
                    ),
                )
            )
        else:
            notices += _image_notices(network, images, max_images=None, max_bytes=None)
    else:
        raise ValueError(f"count_post cannot count {network}: use count_article")
    if used > limit:
        notices.insert(0, _over(network, used, limit))
    if not text.strip() and not images and network != Network.INSTAGRAM:
        notices.insert(0, _empty(network))
    notices += _link_note(network, bool(links) if has_link is None else has_link, bool(images))
    return Count(network, used, limit, unit, tuple(notices), links)


def _instagram_notices(text: str, images: Sequence[ImageFacts]) -> list[Notice]:
    notices: list[Notice] = []
    if not images:
        notices.append(Notice("error", "image_required", _("Instagram needs at least one image.")))
    notices += _image_notices(
        Network.INSTAGRAM, images, max_images=10, max_bytes=INSTAGRAM_IMAGE_BYTES
    )
    tags = len(find_hashtags(text))
    if tags > INSTAGRAM_HASHTAGS:
        notices.append(
            Notice(
                "error",
                "too_many_hashtags",
                _("{count} hashtags: Instagram accepts at most {limit}.").format(
                    count=tags, limit=INSTAGRAM_HASHTAGS
                ),
            )
        )
    return notices


def count_article(
    title: str, body: str, excerpt: str = "", *, images: Sequence[ImageFacts] = ()
) -> ArticleCount:
    """A WordPress article: title in characters, body and excerpt in words."""
    notices: list[Notice] = []
    if not title.strip():
        notices.append(Notice("error", "title_missing", _("The article has no title.")))
    if not body.strip():
        notices.append(Notice("error", "empty", _("The article has no text.")))
    if not excerpt.strip() and body.strip():
        notices.append(
            Notice(
                "note",
                "excerpt_automatic",
                _(
                    "No excerpt: WordPress will show the first {count} words of the article "
                    "in lists and previews."
                ).format(count=WORDPRESS_AUTO_EXCERPT_WORDS),
            )
        )
    notices += _image_notices(Network.WORDPRESS, images, max_images=None, max_bytes=None)
    return ArticleCount(graphemes(title), words(body), words(excerpt), tuple(notices))
