"""Images attached to posts: which kinds, how large, recognised from their bytes.

Images are stored inside the workspace so the client's file stays self-contained; the
limit keeps one careless drag of a camera original from bloating every backup. The kind
is read from the file's first bytes, not its name: a ".jpg" that is really a HEIC from a
phone would be refused by the network only at publication time, when nobody is watching.
"""

from __future__ import annotations

from cmdesk.core.errors import InvalidData
from cmdesk.i18n import _, current_language

# Above what most networks accept (X 5 MB, Bluesky 1 MB, Instagram 8 MB, Mastodon 16 MB
# by default); the composer warns per network, this is the workspace's own limit.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_ALT_CHARS = 2_000  # Bluesky's limit; Mastodon's is 1,500 by default, X's 1,000
KNOWN = ("image/jpeg", "image/png", "image/gif", "image/webp")


def image_mime(data: bytes) -> str | None:
    """The image type of `data` from its signature, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def size_text(size: int) -> str:
    from babel.numbers import format_decimal  # loads its locale data on first use only

    megabytes = format_decimal(size / (1024 * 1024), "0.0", locale=current_language())
    return _("{size} MB").format(size=megabytes)


def check_size(size: int, name: str = "") -> None:
    """InvalidData, saying what to do, for an image above the limit (checked on a file's
    size before it is read, and on the bytes)."""
    if size > MAX_IMAGE_BYTES:
        raise InvalidData(
            _(
                "{name} is too large ({size}): images up to {limit} can be attached. "
                "Export it smaller (e.g. 2,000 pixels wide, JPEG) and attach it again."
            ).format(
                name=name or _("The image"),
                size=size_text(size),
                limit=size_text(MAX_IMAGE_BYTES),
            )
        )


def checked_image(data: bytes, name: str = "") -> str:
    """The image's type; InvalidData in plain words when it cannot be attached."""
    shown = name or _("The image")
    if not data:
        raise InvalidData(_("{name} is empty.").format(name=shown))
    check_size(len(data), name)
    mime = image_mime(data)
    if mime is None:
        raise InvalidData(_("{name} is not a JPEG, PNG, GIF or WebP image.").format(name=shown))
    return mime
