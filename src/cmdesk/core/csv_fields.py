"""Which CSV column holds which interaction field, and what its values mean.

A column mapping is proposed from the header, in French and English and as social
media tools name their export columns ("Network", "Permalink", "Réseau", "Texte du
message"), and from the values: a "Type" column holding "Comment" and "Post" is not
the complaint/question type, so it is not proposed for it. The user confirms or
corrects every choice before anything is imported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC
from typing import Final

from cmdesk.core.csv_dates import DATE_ORDERS, parse_moment, parse_time
from cmdesk.core.interactions import (
    CHANNEL_LABELS,
    CHANNELS,
    STATUS_LABELS,
    TYPE_LABELS,
    guess_channel,
)
from cmdesk.core.monitoring import SENTIMENT_LABELS
from cmdesk.i18n import N_, _

# The fields an import fills, each with its label for the mapping form.
FIELD_LABELS: Final = {
    "text": N_("message"),
    "date": N_("date"),
    "time": N_("time (when apart from the date)"),
    "channel": N_("channel"),
    "link": N_("link"),
    "author": N_("author (handle)"),
    "author_name": N_("author's name"),
    "type": N_("type"),
    "sentiment": N_("sentiment"),
    "direction": N_("direction (received or sent)"),
    "visibility": N_("public or private"),
    "status": N_("status"),
    "priority": N_("priority"),
    "tags": N_("tags"),
}
FIELDS: Final = tuple(FIELD_LABELS)
REQUIRED: Final = ("text", "date")

# Header names as folded by `fold` (lower case, no accents, punctuation as spaces),
# best first. An exact match wins over a header that only starts with one of them.
_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "text": (
        "message", "texte", "text", "contenu", "content", "commentaire", "comment", "body",
        "corps", "full text", "texte du message", "contenu du message", "message text",
        "texte complet", "verbatim", "avis", "review", "review text", "snippet", "extrait",
        "mention", "publication", "post", "tweet", "description",
    ),
    "date": (
        "date", "date heure", "date et heure", "date time", "datetime", "timestamp",
        "horodatage", "created at", "created", "created time", "creation date",
        "date de creation", "published", "published at", "publication date",
        "date de publication", "posted", "posted at", "received", "received at",
        "date de reception", "sent at", "date d envoi", "time stamp",
    ),
    "time": ("heure", "time", "hour", "heure de publication", "publication time"),
    "channel": (
        "reseau", "reseau social", "network", "social network", "channel", "canal", "platform",
        "plateforme", "media", "source", "service", "site",
    ),
    "link": (
        "lien", "link", "url", "permalink", "permalien", "lien permanent", "post url",
        "post link", "lien du message", "lien de la publication", "message url", "source url",
        "uri", "adresse",
    ),
    "author": (
        "auteur", "author", "from", "de", "expediteur", "sender", "handle", "pseudo",
        "username", "user name", "nom d utilisateur", "screen name", "user", "utilisateur",
        "account", "compte", "profile", "profil", "author handle", "author username",
        "identifiant", "contact",
    ),
    "author_name": (
        "author name", "nom de l auteur", "nom", "name", "full name", "nom complet",
        "display name", "nom affiche", "sender name", "from name",
    ),
    "type": (
        "type", "type de message", "message type", "categorie", "category", "qualification",
        "nature", "kind",
    ),
    "sentiment": ("sentiment", "tonalite", "tonality", "tone", "ton", "polarite", "polarity"),
    "direction": ("direction", "sens", "inbound outbound", "entrant sortant"),
    "visibility": ("visibilite", "visibility", "public prive", "public private", "privacy"),
    "status": ("statut", "status", "etat", "state"),
    "priority": ("priorite", "priority", "urgence", "urgency"),
    "tags": ("tags", "tag", "etiquettes", "etiquette", "labels", "label", "themes", "topics"),
}  # fmt: skip

# Values as folded by `fold`, for the fields that take one of a few choices.
_CHANNEL_VALUES: Final = {
    **{c: c for c in CHANNELS},
    "twitter": "x", "x twitter": "x", "x (twitter)": "x", "fb": "facebook",
    "facebook messenger": "facebook", "messenger": "facebook", "insta": "instagram",
    "ig": "instagram", "linked in": "linkedin", "bsky": "bluesky", "blog": "blog_comment",
    "blog comment": "blog_comment", "commentaire de blog": "blog_comment",
    "wordpress": "blog_comment", "avis": "review_site", "review": "review_site",
    "review site": "review_site", "site d avis": "review_site", "google": "review_site",
    "avis google": "review_site", "google reviews": "review_site",
    "google my business": "review_site", "google business profile": "review_site",
    "trustpilot": "review_site", "tripadvisor": "review_site", "yelp": "review_site",
    "e mail": "email", "mail": "email", "courriel": "email", "telephone": "phone",
    "tel": "phone", "appel": "phone", "call": "phone", "in person": "in_person",
    "en personne": "in_person", "boutique": "in_person", "autre": "other",
    "youtube": "other", "tiktok": "other", "threads": "other", "pinterest": "other",
    "snapchat": "other", "whatsapp": "other", "forum": "other", "reddit": "other",
}  # fmt: skip
_TYPE_VALUES: Final = {
    "complaint": "complaint", "plainte": "complaint", "reclamation": "complaint",
    "negative feedback": "complaint", "question": "question", "demande": "question",
    "request": "question", "praise": "praise", "compliment": "praise",
    "felicitations": "praise", "eloge": "praise", "remerciement": "praise",
    "thanks": "praise", "suggestion": "suggestion", "idee": "suggestion", "idea": "suggestion",
    "crisis": "crisis", "crise": "crisis", "other": "other", "autre": "other",
}  # fmt: skip
_SENTIMENT_VALUES: Final = {
    "positive": "positive", "positif": "positive", "pos": "positive", "positivo": "positive",
    "+": "positive", "negative": "negative", "negatif": "negative", "neg": "negative",
    "negativo": "negative", "-": "negative", "neutral": "neutral", "neutre": "neutral",
    "neutro": "neutral", "0": "neutral",
}  # fmt: skip
_DIRECTION_VALUES: Final = {
    "in": "in", "inbound": "in", "incoming": "in", "received": "in", "recu": "in",
    "entrant": "in", "out": "out", "outbound": "out", "outgoing": "out", "sent": "out",
    "envoye": "out", "sortant": "out", "reponse": "out", "reply": "out",
}  # fmt: skip
_VISIBILITY_VALUES: Final = {
    "public": "public", "private": "private", "prive": "private", "privee": "private",
    "dm": "private", "direct message": "private", "message prive": "private",
}  # fmt: skip
_STATUS_VALUES: Final = {
    "new": "new", "nouveau": "new", "open": "new", "ouvert": "new", "unread": "new",
    "non lu": "new", "a traiter": "new", "in progress": "in_progress",
    "en cours": "in_progress", "waiting": "waiting_team", "waiting team": "waiting_team",
    "en attente": "waiting_team", "pending": "waiting_team",
    "answered": "answered", "replied": "answered", "repondu": "answered",
    "closed": "closed", "ferme": "closed", "clos": "closed", "done": "closed",
    "termine": "closed", "resolved": "closed", "resolu": "closed", "archived": "closed",
    "archive": "closed",
}  # fmt: skip
_PRIORITY_VALUES: Final = {
    "0": 0, "1": 1, "2": 2, "normal": 0, "normale": 0, "low": 0, "basse": 0, "faible": 0,
    "high": 1, "haute": 1, "important": 1, "importante": 1, "elevee": 1, "urgent": 2,
    "urgente": 2, "critical": 2, "critique": 2,
}  # fmt: skip
VALUES: Final[dict[str, Mapping[str, object]]] = {
    "channel": _CHANNEL_VALUES,
    "type": _TYPE_VALUES,
    "sentiment": _SENTIMENT_VALUES,
    "direction": _DIRECTION_VALUES,
    "visibility": _VISIBILITY_VALUES,
    "status": _STATUS_VALUES,
    "priority": _PRIORITY_VALUES,
}


def choices(field: str) -> str:
    """What a cell of a field with choices may say, for an error message."""
    labels: Mapping[str, str] | None = {
        "channel": CHANNEL_LABELS,
        "type": TYPE_LABELS,
        "status": STATUS_LABELS,
        "sentiment": {k: v for k, v in SENTIMENT_LABELS.items() if k},
    }.get(field)
    if labels is not None:
        return ", ".join(_(label) for label in labels.values())
    return {
        "direction": _("in or out (received or sent)"),
        "visibility": _("public or private"),
        "priority": _("0, 1 or 2 (normal, important, urgent)"),
    }[field]


# A column is proposed for a field with values of a kind only when this share of its
# sample values are understood. A column named exactly "Date" is the date column even
# when its dates are broken (each broken row gets reported); one named exactly "Type"
# holding post kinds is not the type column; loosely named ones must show their kind.
_ENOUGH = {3: 0.5, 1: 0.8}


def fold(text: str) -> str:
    """A header or value as compared: lower case, no accents, punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    if text in ("+", "-"):
        return text
    return " ".join(re.sub(r"[^\w()]+", " ", text).replace("_", " ").split())


def _header_key(column: str) -> str:
    # "Date (UTC)" and "Message [1]" match as "date" and "message".
    return " ".join(re.sub(r"\(.*?\)|\[.*?\]", " ", fold(column)).split())


def channel_value(value: str) -> str | None:
    """The channel a cell names ("Twitter", "Avis Google", "facebook.com"), or None."""
    folded = fold(value)
    found = _CHANNEL_VALUES.get(folded)
    if found is None and "." in value.strip():
        guessed = guess_channel(value)
        found = guessed if guessed != "other" else None
    return found


def value_of(field: str, value: str) -> object | None:
    """The cmdesk value a cell means for a field with choices, or None if unknown."""
    if field == "channel":
        return channel_value(value)
    return VALUES[field].get(fold(value))


def _understood(field: str, samples: Sequence[str], enough: float) -> bool:
    """Do this column's sample values fit the field? Columns of the wrong kind under a
    likely name are common ("Type": Comment/Post; "Date": a day without a year)."""
    values = [v for v in samples if v.strip()]
    if not values:
        return True  # an empty column maps harmlessly: nothing is read from it
    if field in VALUES:
        ok = sum(value_of(field, v) is not None for v in values)
    elif field == "date":
        ok = sum(_is_date(v) for v in values)
    elif field == "time":
        ok = sum(parse_time(v) is not None for v in values)
    elif field == "link":
        ok = sum(v.strip().lower().startswith(("http://", "https://", "www.")) for v in values)
    else:
        return True
    return ok >= enough * len(values)


def _is_date(value: str) -> bool:
    for order in DATE_ORDERS:  # 12/31/2026 is a date too, month first
        try:
            parse_moment(value, UTC, order)
        except ValueError:
            continue
        return True
    return False


def propose_mapping(header: Sequence[str], samples: Sequence[Sequence[str]] = ()) -> dict[str, str]:
    """field -> column name, for the fields a header names; `samples` (first data rows)
    keep a column away from a field whose values it does not hold. Each column goes to
    one field at most, the closest match first."""
    candidates: list[tuple[int, int, str, str]] = []  # (score, rank, field, column)
    for index, column in enumerate(header):
        key = _header_key(column)
        if not key:
            continue
        for field, names in _HEADERS.items():
            for rank, name in enumerate(names):
                if key == name:
                    score = 3
                elif key.startswith(name + " ") or key.endswith(" " + name):
                    score = 1
                else:
                    continue
                column_values = [row[index] for row in samples if index < len(row)]
                exact_free = score == 3 and field not in VALUES
                if exact_free or _understood(field, column_values, _ENOUGH[score]):
                    candidates.append((score, -rank, field, column))
                break
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for _score, _rank, field, column in candidates:
        if field not in mapping and column not in taken:
            mapping[field] = column
            taken.add(column)
    return {f: mapping[f] for f in FIELDS if f in mapping}
