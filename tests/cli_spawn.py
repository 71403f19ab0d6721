"""The command line as a separate program, for tests of locks and processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def spawn(home: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The installed entry point as a separate process, in English."""
    env = {**os.environ, "LANGUAGE": "en", "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "cmdesk", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
