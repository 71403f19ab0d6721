"""The parsing processes' server: started ahead of the first refresh, with the engine loaded.

Each check runs in a fresh interpreter: in the test process the server may already be
running, started by an earlier refresh.
"""

from __future__ import annotations

import sys

import pytest

from parsing_server import report

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers start fresh (spawn) off Linux"
)


def test_nothing_starts_the_server_by_itself() -> None:
    assert report("import cmdesk.monitor.workers", poll=0) == "False False"


def test_prepare_starts_the_server_in_the_background() -> None:
    assert report("from cmdesk.monitor import workers\nworkers.prepare()\n") == "True True"


def test_prepare_can_wait_until_the_server_is_ready() -> None:
    code = "from cmdesk.monitor import workers\nworkers.prepare(wait=True)\n"
    assert report(code, poll=0) == "True True"  # loaded on return: no waiting


def test_a_refresh_pool_sends_results_through_a_pipe_wider_than_a_feed() -> None:
    """A feed's parsed entries (~80 KB) fit in the pipe: a worker sending them does not
    wait for the app to read (Linux's default 64 KB made it wait, leaving a core idle)."""
    import fcntl

    from cmdesk.monitor import workers
    from cmdesk.monitor.refresh import _pool

    pool = _pool(10)
    assert pool is not None
    try:
        reader = pool._result_queue._reader  # type: ignore[attr-defined]
        assert fcntl.fcntl(reader.fileno(), fcntl.F_GETPIPE_SZ) >= workers.RESULT_PIPE_BYTES
    finally:
        pool.shutdown()
