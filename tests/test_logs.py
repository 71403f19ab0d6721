"""The log file: rotating, and never holding a secret."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmdesk.core.redaction import MASK, remember_for_redaction
from cmdesk.logs import setup_logging


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = setup_logging(tmp_path / "logs")
    yield path
    for handler in list(logging.getLogger("cmdesk").handlers):
        logging.getLogger("cmdesk").removeHandler(handler)
        handler.close()


def _flush() -> None:
    for handler in logging.getLogger("cmdesk").handlers:
        handler.flush()


def test_known_secrets_and_key_value_pairs_are_masked(log_file: Path) -> None:
    remember_for_redaction("app-pw-3kx9-qq71")
    log = logging.getLogger("cmdesk.test")
    log.info("Connecting with %s", "app-pw-3kx9-qq71")
    log.warning("Server said: password=hunter2 token: abcd1234 ok")
    try:
        raise RuntimeError("login failed for app-pw-3kx9-qq71")
    except RuntimeError:
        log.exception("Publishing failed")
    _flush()
    text = log_file.read_text(encoding="utf-8")
    assert "app-pw-3kx9-qq71" not in text
    assert "hunter2" not in text and "abcd1234" not in text
    assert text.count(MASK) >= 4
    assert "Publishing failed" in text and "RuntimeError" in text  # still useful to read


def test_setup_twice_does_not_double_lines(log_file: Path) -> None:
    setup_logging(log_file.parent)
    logging.getLogger("cmdesk.test").info("once")
    _flush()
    assert log_file.read_text(encoding="utf-8").count("once") == 1


def test_short_values_are_not_masked_everywhere(log_file: Path) -> None:
    # A one-letter "secret" would otherwise blank every word containing it.
    remember_for_redaction("a")
    logging.getLogger("cmdesk.test").info("a bakery")
    _flush()
    assert "a bakery" in log_file.read_text(encoding="utf-8")
