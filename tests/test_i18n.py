"""Every user-facing string has a French translation, and the catalogue is sound.

`make test` fails here when a string is added without its French text; run
`make i18n` to update the catalogue, then translate the new entries.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from cmdesk import i18n

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "cmdesk"
PO = SRC / "locale" / "fr" / "LC_MESSAGES" / "cmdesk.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def source_messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SRC), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="fr")


def test_every_message_has_a_french_translation() -> None:
    cat = catalogue()
    missing = []
    for msgid, where in source_messages().items():
        entry = cat.get(msgid)
        text = entry.string if entry else ""
        if isinstance(text, tuple | list):
            text = text[0] if all(text) else ""
        if not text or (entry and entry.fuzzy):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "Untranslated (run `make i18n`, then translate):\n" + "\n".join(missing)


def test_translations_keep_the_placeholders() -> None:
    problems = []
    for message, errors in catalogue().check():
        problems += [f"{message.id!r}: {e}" for e in errors]
    import re

    for message in catalogue():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"\{[a-z_]+\}", ids[0]))
        for s in strings:
            if set(re.findall(r"\{[a-z_]+\}", s)) != wanted:
                problems.append(f"{ids[0]!r}: placeholders differ in {s!r}")
    assert not problems, "\n".join(problems)


def test_french_is_loaded_from_the_compiled_catalogue() -> None:
    try:
        assert i18n.set_language("fr") == "fr"
        assert i18n._("Monitoring") == "Veille"
        assert i18n.set_language("en") == "en"
        assert i18n._("Monitoring") == "Monitoring"
    finally:
        i18n.set_language("fr")


def test_language_detection_prefers_the_environment(monkeypatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert i18n.detect_language() == "en"
    monkeypatch.setenv("LANGUAGE", "fr_CA:en")
    assert i18n.detect_language() == "fr"
    monkeypatch.setenv("LANGUAGE", "de_DE")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert i18n.detect_language() in ("fr", "en")
