"""How a refresh's parsing processes start, kept light: the app starts their server as
soon as its window is shown (`prepare`) without loading the network or parsing stack.

Forking the app itself is unsafe (Qt, threads). On Linux the workers are forked from a
server process that has imported the parsing engine once: each refresh's workers then
start in a few milliseconds instead of starting Python and importing it all again
(about a third of a second of CPU each, every refresh). Elsewhere each worker starts
fresh ("spawn"): macOS forbids forking a process that has loaded its GUI frameworks,
which the server of a GUI launched by its script has; Windows cannot fork.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import sys
import threading
from multiprocessing.context import BaseContext

# What the server imports once. Each worker still imports the script that started
# cmdesk (multiprocessing's rule for a program run by its path): the installed commands'
# module imports nothing (cmdesk/launch.py).
WORKER_PRELOAD = ["cmdesk.monitor.work"]
FORKS = sys.platform.startswith("linux")  # from the server; elsewhere "spawn"


def context() -> BaseContext:
    if not FORKS:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)
    return context


def prepare(*, wait: bool = False) -> None:
    """Start the workers' server now rather than at the first refresh, which would
    otherwise wait a quarter of a second for it (the start-up refresh among them). In the
    background unless `wait`: then returns once a worker can be forked at once. Does
    nothing where workers start fresh."""
    if not FORKS:
        return
    context()  # the preload list, before the server starts
    if not wait:
        start = multiprocessing.forkserver.ensure_running
        threading.Thread(target=start, name="parsing-server", daemon=True).start()
        return
    multiprocessing.forkserver.ensure_running()
    # The server reads its first request once it has imported the parsing engine: a
    # trivial process forked from it ends when that is done.
    process = multiprocessing.get_context("forkserver").Process(target=_nothing)
    process.start()
    process.join()


def _nothing() -> None:
    pass
