"""Suite-wide settings. No PySide6 here: the engine tests also run where it is absent."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Tests never need a display or the user's data, even when run without `make test`.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("CMDESK_HOME", None)

# Helper modules beside the tests (keyring_service, ...) are imported by name.
_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)


@pytest.fixture(autouse=True)
def _english_messages() -> None:
    """Assertions read English text; the French catalogue has its own tests."""
    from cmdesk.i18n import set_language

    set_language("en")
