"""Secret values seen in this process, to be masked wherever text leaves it (logs,
error dialogs). Kept apart from the keyring wrapper so logging never imports keyring."""

from __future__ import annotations

import threading

MASK = "•••"
_MIN_LENGTH = 4  # shorter values would mask ordinary words
_known: set[str] = set()
_lock = threading.Lock()


def remember_for_redaction(value: str | None) -> None:
    if value and len(value) >= _MIN_LENGTH:
        with _lock:
            _known.add(value)


def redact(text: str) -> str:
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    return text
