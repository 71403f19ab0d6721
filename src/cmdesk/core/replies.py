"""Canned replies: a client's ready answers, with variables filled in for each person.

Variables are written in braces, in French or English, with or without accents:
    {prénom} {first_name}    the contact's first name (first word of their name)
    {nom} {name}             the contact's full name
    {pseudo} {handle}        their @handle (on the interaction's network when known)
    {marque} {brand}         the client's name
    {lien} {link}            the interaction's link
A variable without a value (an anonymous contact has no first name) becomes a visible
marker, [[prénom]], and is reported: the community manager completes it by hand rather
than sending "Bonjour ," to a customer. Unknown names in braces are marked the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from cmdesk.core.classify import fold
from cmdesk.core.client import ClientProfile
from cmdesk.core.interactions import Contact, Interaction

# Folded name as typed -> the value's key.
VARIABLES = {
    "prenom": "first_name",
    "first_name": "first_name",
    "firstname": "first_name",
    "nom": "name",
    "name": "name",
    "pseudo": "handle",
    "handle": "handle",
    "marque": "brand",
    "brand": "brand",
    "lien": "link",
    "link": "link",
}
_VARIABLE_RE = re.compile(r"\{([^{}\s]{1,40})\}")


def marker(name: str) -> str:
    """What a variable without a value shows: impossible to overlook, easy to find."""
    return f"[[{name}]]"


@dataclass(frozen=True)
class CannedReply:
    id: int
    title: str
    body: str
    language: str = "fr"
    uses: int = 0
    last_used_at: datetime | None = None


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...] = ()  # known variables without a value, as typed
    unknown: tuple[str, ...] = ()  # names in braces that are no variable

    @property
    def complete(self) -> bool:
        return not self.missing and not self.unknown


def variables_in(body: str) -> tuple[str, ...]:
    """The variables a reply uses, as typed, in order, once each."""
    return tuple(dict.fromkeys(m.group(1) for m in _VARIABLE_RE.finditer(body)))


def render(body: str, values: Mapping[str, str]) -> Rendered:
    """The reply with its variables replaced by `values` (keyed like VARIABLES' values)."""
    missing: dict[str, None] = {}
    unknown: dict[str, None] = {}

    def fill(match: re.Match[str]) -> str:
        typed = match.group(1)
        key = VARIABLES.get(fold(typed))
        if key is None:
            unknown[typed] = None
            return marker(typed)
        value = (values.get(key) or "").strip()
        if not value:
            missing[typed] = None
            return marker(typed)
        return value

    text = _VARIABLE_RE.sub(fill, body)
    return Rendered(text, tuple(missing), tuple(unknown))


def values_for(
    contact: Contact | None = None,
    interaction: Interaction | None = None,
    profile: ClientProfile | None = None,
) -> dict[str, str]:
    """The variables' values for a reply to this contact, about this interaction, on
    behalf of this client. An erased contact gives none."""
    values: dict[str, str] = {}
    if contact is not None and contact.erased_at is None:
        name = " ".join(contact.name.split())
        if name:
            values["name"] = name
            values["first_name"] = name.split()[0]
        handles = sorted(
            contact.handles,
            key=lambda h: interaction is None or h[0] != interaction.channel,
        )
        if handles:
            values["handle"] = "@" + handles[0][1]
    if interaction is not None and interaction.link:
        values["link"] = interaction.link
    if profile is not None:
        values["brand"] = profile.name
    return values


def search_key(title: str, body: str) -> str:
    """What search compares with: title and body, lower case, without accents."""
    return fold(f"{title}\n{body}")
