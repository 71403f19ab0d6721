"""Fill French translations from a JSON file: `python tools/po_fill.py fr new.json`.

The JSON maps an English msgid to its translation (or, for plurals, the singular msgid
to a list of forms). Rewrites the .po with babel so wrapping stays as `make i18n` does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main() -> int:
    language, source = sys.argv[1], Path(sys.argv[2])
    path = Path("src/cmdesk/locale") / language / "LC_MESSAGES" / "cmdesk.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    wanted = json.loads(source.read_text(encoding="utf-8"))
    by_singular = {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}
    missing = [key for key in wanted if key not in by_singular]
    for key, value in wanted.items():
        if key in by_singular:
            message = by_singular[key]
            message.string = tuple(value) if isinstance(value, list) else value
            # A translation given here is checked: not a guess of babel's merge.
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(
            handle, catalog, sort_output=True, no_location=True, width=76, ignore_obsolete=True
        )
    left = [
        m.id
        for m in catalog
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    for key in missing:
        print(f"not in the catalogue: {key!r}")
    for msgid in left:
        print(f"still untranslated: {msgid!r}")
    return 1 if missing or left else 0


if __name__ == "__main__":
    sys.exit(main())
