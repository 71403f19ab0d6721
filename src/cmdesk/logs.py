"""Logging: a rotating file in the user's log folder, with secrets redacted.

Every record passes through a filter that replaces known secret values (the
keyring wrapper registers them) and `password=`/`token=` style pairs, so a
secret never reaches the log even through an exception message.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from cmdesk.core.redaction import redact

LOG_NAME = "cmdesk.log"
_PAIR_RE = re.compile(
    r"(?i)\b(password|passwd|token|secret|api[_-]?key|authorization)(\s*[=:]\s*)(\S+)"
)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        cleaned = _PAIR_RE.sub(r"\1\2•••", redact(message))
        record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = _PAIR_RE.sub(r"\1\2•••", redact(record.exc_text))
        return True


def setup_logging(log_dir: Path, *, level: int = logging.INFO, console: bool = False) -> Path:
    """Configure the `cmdesk` logger; returns the log file path. Safe to call twice."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_NAME
    logger = logging.getLogger("cmdesk")
    logger.setLevel(level)
    for old in list(logger.handlers):
        if getattr(old, "_cmdesk", False):
            logger.removeHandler(old)
            old.close()
    handler: logging.Handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handlers = [handler]
    if console:
        handlers.append(logging.StreamHandler())
    for h in handlers:
        h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        h.addFilter(RedactingFilter())
        h._cmdesk = True  # type: ignore[attr-defined]
        logger.addHandler(h)
    return path
