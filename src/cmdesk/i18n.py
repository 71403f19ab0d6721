"""Translations for every layer (house rule 8).

Source strings are English; French is a full catalogue. The active language is
process-wide and switchable: `_()` always looks up the current catalogue, so a
string translated after `set_language("fr")` comes out in French.
"""

from __future__ import annotations

import contextlib
import gettext
import locale
import os
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

DOMAIN = "cmdesk"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "fr"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(language: str) -> str:
    """Activate `language` ("fr" or "en"); returns the language actually used."""
    global _translation, _language
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    if lang == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
    _language = lang
    return lang


def translator(language: str) -> gettext.NullTranslations:
    """Messages in `language` whatever the app's own language: documents for a client
    (an approval pack) are in the client's language, and building one must not switch
    the language of the rest of the app, which may be drawing a window meanwhile."""
    if language not in LANGUAGES or language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def current_language() -> str:
    return _language


def detect_language() -> str:
    """French or English from the environment; French speakers are the default audience."""
    candidates = [os.environ.get(v, "") for v in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")]
    with contextlib.suppress(ValueError):  # an unparsable locale must not stop start-up
        candidates.append(locale.getlocale()[0] or "")
    for value in candidates:
        for part in value.split(":"):
            code = part.strip().lower()[:2]
            if code in LANGUAGES:
                return code
    return DEFAULT_LANGUAGE


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later, where it is shown."""
    return message


def format_ago(moment: datetime, now: datetime | None = None) -> str:
    """“3 hours ago” / “il y a 3 heures”, “just now” under a minute; for the current language."""
    from babel.dates import format_timedelta  # babel's locale data loads on first use only

    now = now or datetime.now(UTC)
    delta = moment - now
    if abs(delta) < timedelta(minutes=1):
        return _("just now")
    return format_timedelta(delta, add_direction=True, locale=_language)


def format_when(moment: datetime, tz: tzinfo | None = None, *, year: bool | None = None) -> str:
    """A date and time as people read them: "23 nov. 06:46", with the year only when it
    is not this year (or when `year` is True), in the given zone (the client's)."""
    from babel.dates import format_skeleton, format_time

    local = moment.astimezone(tz) if tz is not None else moment
    show_year = year if year is not None else local.year != datetime.now(local.tzinfo).year
    day = format_skeleton("yMMMd" if show_year else "MMMd", local, locale=_language)
    return f"{day} {format_time(local, 'short', locale=_language)}"
