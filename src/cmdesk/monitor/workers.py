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

import contextlib
import multiprocessing
import multiprocessing.forkserver
import sys
import threading
from multiprocessing.context import BaseContext
from multiprocessing.queues import SimpleQueue
from typing import Any

# What the server imports once. Each worker still imports the script that started
# cmdesk (multiprocessing's rule for a program run by its path): the installed commands'
# module imports nothing (cmdesk/launch.py).
WORKER_PRELOAD = ["cmdesk.monitor.work"]
FORKS = sys.platform.startswith("linux")  # from the server; elsewhere "spawn"
# A feed's parsed entries weigh ~80 KB for 50: more than the 64 KB a Linux pipe holds.
RESULT_PIPE_BYTES = 1 << 20  # what an ordinary user may ask for (fs/pipe-max-size)


def context() -> BaseContext:
    if not FORKS:
        return multiprocessing.get_context("spawn")
    context = _ForkServer()
    context.set_forkserver_preload(WORKER_PRELOAD)
    return context


if FORKS:
    import fcntl
    from multiprocessing.context import ForkServerContext

    class _ForkServer(ForkServerContext):
        """Workers forked from the server, whose results come back through a wider pipe.

        All workers send their results through one pipe, which a thread of the app
        empties between the writer's turns with the GIL. With the default 64 KB, a
        worker sending a feed's entries waited for the app to read the first part, and
        the other worker, done meanwhile, waited for it: a cold refresh of 500 feeds
        left a core idle for a quarter of a second. The process pool makes the queue
        through its context, the one place to widen it."""

        def SimpleQueue(self) -> SimpleQueue[Any]:  # the name is the context API's
            queue: SimpleQueue[Any] = super().SimpleQueue()
            # Where the user's pipe allowance is spent the pipe keeps its size: slower only.
            with contextlib.suppress(OSError, AttributeError):
                fcntl.fcntl(queue._reader.fileno(), fcntl.F_SETPIPE_SZ, RESULT_PIPE_BYTES)  # type: ignore[attr-defined]
            return queue


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
