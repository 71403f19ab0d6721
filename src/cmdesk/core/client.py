"""The client profile: who a workspace works for, and how their text and times read."""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from dataclasses import dataclass, field

from cmdesk.core.errors import InvalidData
from cmdesk.i18n import LANGUAGES, N_, _

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_LOGO_BYTES = 512 * 1024
LOGO_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
DEFAULT_TIMEZONE = "Europe/Paris"
DEFAULT_COLOUR = "#2f6f9f"

# Sectors offered in the profile form; free text is accepted too.
SECTORS = (
    N_("Retail and e-commerce"),
    N_("Food and hospitality"),
    N_("Tourism and leisure"),
    N_("Culture and events"),
    N_("Health and wellbeing"),
    N_("Services to businesses"),
    N_("Public sector and associations"),
    N_("Other"),
)


def slugify(name: str) -> str:
    """A file-system safe, readable identifier: "Boulangerie Été" -> "boulangerie-ete"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    slug = slug[:48].strip("-")
    return slug or "client"


def sort_key(name: str) -> tuple[str, str]:
    """Accents and case ignored first ("Élan" sorts with the E's), then as written."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)), name.casefold()


def check_slug(slug: str) -> str:
    if not SLUG_RE.match(slug):
        raise InvalidData(
            _(
                "“{slug}” is not a valid identifier: use 1 to 48 lower-case letters, digits "
                "and dashes, starting and ending with a letter or digit."
            ).format(slug=slug)
        )
    return slug


def check_timezone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidData(
            _("“{tz}” is not a known time zone (expected e.g. Europe/Paris).").format(tz=name)
        ) from None
    return name


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidData(
            _("Language “{lang}” is not supported; choose one of: {choices}.").format(
                lang=language, choices=", ".join(LANGUAGES)
            )
        )
    return language


def check_colour(colour: str) -> str:
    if not COLOUR_RE.match(colour):
        raise InvalidData(_("“{colour}” is not a colour like #2f6f9f.").format(colour=colour))
    return colour.lower()


def check_logo(data: bytes | None, mime: str) -> None:
    if data is None:
        return
    if mime not in LOGO_TYPES:
        raise InvalidData(_("The logo must be a PNG, JPEG or SVG image."))
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidData(
            _("The logo is too large ({size} KB); the limit is {limit} KB.").format(
                size=len(data) // 1024, limit=MAX_LOGO_BYTES // 1024
            )
        )


def parse_keywords(text: str) -> tuple[str, ...]:
    """Keywords typed as a comma- or line-separated list, duplicates dropped, order kept."""
    seen: dict[str, None] = {}
    for part in re.split(r"[,\n;]", text):
        word = part.strip()
        if word and word.casefold() not in {k.casefold() for k in seen}:
            seen[word] = None
    return tuple(seen)


@dataclass(frozen=True)
class ClientProfile:
    name: str
    slug: str
    language: str = "fr"
    timezone: str = DEFAULT_TIMEZONE
    sector: str = ""
    keywords: tuple[str, ...] = ()
    colour: str = DEFAULT_COLOUR
    notes: str = ""
    logo: bytes | None = field(default=None, repr=False)
    logo_mime: str = ""
    archived: bool = False
    uid: str = ""
    created_at: str = ""
    updated_at: str = ""

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The client's time zone, in which its days and hours are shown."""
        return zoneinfo.ZoneInfo(self.timezone)

    def validated(self) -> ClientProfile:
        name = self.name.strip()
        if not name:
            raise InvalidData(_("The client needs a name."))
        if len(name) > 120:
            raise InvalidData(_("The client name is too long (120 characters at most)."))
        check_slug(self.slug)
        check_language(self.language)
        check_timezone(self.timezone)
        check_logo(self.logo, self.logo_mime)
        return ClientProfile(
            name=name,
            slug=self.slug,
            language=self.language,
            timezone=self.timezone,
            sector=self.sector.strip(),
            keywords=tuple(k.strip() for k in self.keywords if k.strip()),
            colour=check_colour(self.colour),
            notes=self.notes,
            logo=self.logo,
            logo_mime=self.logo_mime if self.logo else "",
            archived=self.archived,
            uid=self.uid,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )
