"""Whether a fresh program has started the parsing processes' server (Linux only)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

# Whether the server runs, and has the parsing engine loaded (its compiled sanitiser is
# mapped), waiting up to POLL seconds for it to finish loading.
REPORT = """
import multiprocessing.forkserver as forkserver, time
pid, loaded = None, False
for _ in range(int(POLL * 20) + 1):
    pid = forkserver._forkserver._forkserver_pid
    loaded = pid is not None and "nh3" in open(f"/proc/{pid}/maps").read()
    if loaded:
        break
    time.sleep(0.05)
print(pid is not None, loaded)
"""


def report(code: str, *args: str, poll: float = 10) -> str:
    """Runs `code` in a fresh program, then tells whether the server runs and has loaded
    the engine (waiting up to `poll` seconds for it): "True True", "True False" or
    "False False"."""
    program = f"POLL = {poll}\n{textwrap.dedent(code)}{REPORT}"
    done = subprocess.run(
        [sys.executable, "-c", program, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")[-2]
