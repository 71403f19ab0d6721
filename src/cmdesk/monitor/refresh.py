"""Refreshing sources: fetch concurrently, parse in worker processes, store in one place.

Fetching runs on a thread pool (network waits release the GIL); parsing, sanitising and
classifying are CPU work, so they run in a process pool, never on the GUI thread and
never holding the GIL the GUI needs; every result is written by the thread that called
`refresh` (the CLI's main thread, or the GUI's refresh task), the sources ready at that
moment in one short transaction (each source all or nothing), so the workspace is never
left half-updated and the GUI's reads stay quick.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from cmdesk.core.monitoring import FetchOutcome, Source
from cmdesk.i18n import current_language
from cmdesk.monitor import workers
from cmdesk.monitor.fetch import Fetcher, FetchRequest, FetchResult
from cmdesk.monitor.work import ParseResult, parse_job, start_worker
from cmdesk.store.workspace import Workspace

Progress = Callable[[int, int, str], None]
# Results waiting are written together, in one transaction, up to this many entries (about
# a tenth of a second of writing: a click on "mark as read" meanwhile waits no longer).
BATCH_ENTRIES = 1000
BATCH_SECONDS = 0.05  # how long the writer waits for more results before writing
# Below this many feeds to parse, starting worker processes costs more than it saves.
POOL_THRESHOLD = 4


@dataclass
class RefreshSummary:
    feeds: int = 0
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    new_mentions: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, message)

    def as_json(self) -> dict[str, object]:
        return {
            "feeds": self.feeds,
            "fetched": self.fetched,
            "not_modified": self.not_modified,
            "failed": self.failed,
            "new_mentions": self.new_mentions,
            "seconds": round(self.seconds, 3),
            "errors": [{"source": s, "error": e} for s, e in self.errors],
        }


# A fetched source, with its parsing (a future when a worker does it), as the writer takes it.
Outcome = tuple[int, FetchResult, Future[ParseResult] | ParseResult | None]


def _entry_count(outcome: Outcome) -> int:
    parsed = outcome[2]
    if isinstance(parsed, Future):  # done: the queue only receives finished ones
        parsed = None if parsed.exception() else parsed.result()
    return len(parsed.entries) if parsed is not None else 0


def _pool(feeds: int) -> Executor | None:
    if feeds < POOL_THRESHOLD:
        return None
    workers.prepare()  # the server starts while the first feeds are fetched
    return ProcessPoolExecutor(
        max(1, min(os.cpu_count() or 2, feeds)),
        mp_context=workers.context(),
        initializer=start_worker,
        initargs=(current_language(),),
    )


class Refresher:
    def __init__(self, fetcher: Fetcher | None = None) -> None:
        self.fetcher = fetcher

    def refresh(
        self,
        ws: Workspace,
        sources: Sequence[Source],
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> RefreshSummary:
        started = time.perf_counter()
        summary = RefreshSummary(feeds=len(sources))
        if not sources:
            return summary
        cancel = cancel or threading.Event()
        fetcher = self.fetcher or Fetcher()
        results: queue.Queue[Outcome] = queue.Queue()
        pool = _pool(len(sources))

        def fetched(index: int, result: FetchResult) -> None:
            if result.status != "ok" or cancel.is_set():
                results.put((index, result, None))
            elif pool is None:
                parsed = parse_job(result.body, result.final_url, result.headers)
                results.put((index, result, parsed))
            else:
                future = pool.submit(parse_job, result.body, result.final_url, result.headers)
                future.add_done_callback(lambda f: results.put((index, result, f)))

        requests = [FetchRequest(s.url, s.etag, s.last_modified, s.user_agent) for s in sources]
        fetching = threading.Thread(
            target=fetcher.fetch_many, args=(requests, fetched, cancel), name="refresh-fetch"
        )
        fetching.start()
        try:
            with ws.bulk_writes():
                done = 0
                while done < len(sources):
                    batch = self._next_batch(results, cancel, len(sources) - done)
                    if not batch:
                        summary.cancelled = True
                        break
                    self._store(ws, sources, batch, summary, cancel)
                    for index, _result, _parsed in batch:
                        done += 1
                        if progress is not None:
                            progress(done, len(sources), sources[index].display_name)
        finally:
            if summary.cancelled:
                cancel.set()
            fetching.join()
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            if self.fetcher is None:
                fetcher.close()
        summary.seconds = time.perf_counter() - started
        return summary

    @staticmethod
    def _next_batch(
        results: queue.Queue[Outcome], cancel: threading.Event, remaining: int
    ) -> list[Outcome]:
        """The next result (waiting for it), with those that arrive within a moment:
        writing ten sources in one transaction costs little more than writing one. No
        waiting once the batch holds the `remaining` results (the end of a refresh)."""
        while True:
            try:
                batch = [results.get(timeout=0.1)]
                break
            except queue.Empty:
                if cancel.is_set():
                    return []
        entries = _entry_count(batch[0])
        deadline = time.monotonic() + BATCH_SECONDS
        while entries < BATCH_ENTRIES and len(batch) < remaining and not cancel.is_set():
            left = deadline - time.monotonic()
            try:
                batch.append(results.get(timeout=left) if left > 0 else results.get_nowait())
            except queue.Empty:
                break
            entries += _entry_count(batch[-1])
        return batch

    @staticmethod
    def _outcome(
        source: Source,
        result: FetchResult,
        parsed: Future[ParseResult] | ParseResult | None,
        summary: RefreshSummary,
        cancel: threading.Event,
    ) -> FetchOutcome | None:
        if result.status == "error":
            if cancel.is_set():
                return None  # stopped by the user: not the source's failure
            summary.failed += 1
            summary.errors.append((source.display_name, result.error))
            return FetchOutcome(
                source_id=source.id, ok=False, error=result.error, retry_after=result.retry_after
            )
        if result.status == "not_modified":
            summary.not_modified += 1
            return FetchOutcome(source_id=source.id, ok=True, not_modified=True)
        try:
            feed = parsed.result() if isinstance(parsed, Future) else parsed
        except Exception as exc:  # a crashed worker: this source failed, not the refresh
            feed = ParseResult(error=str(exc) or type(exc).__name__)
        assert feed is not None
        if feed.error:
            summary.failed += 1
            summary.errors.append((source.display_name, feed.error))
            return FetchOutcome(source_id=source.id, ok=False, error=feed.error)
        summary.fetched += 1
        return FetchOutcome(
            source_id=source.id,
            ok=True,
            etag=result.etag,
            last_modified=result.last_modified,
            permanent_url=result.permanent_url,
            feed_title=feed.title,
            site_url=feed.site_url,
            warning=feed.warning,
            entries=feed.entries,
            terms=feed.terms,
        )

    def _store(
        self,
        ws: Workspace,
        sources: Sequence[Source],
        batch: list[Outcome],
        summary: RefreshSummary,
        cancel: threading.Event,
    ) -> None:
        outcomes = [
            outcome
            for index, result, parsed in batch
            if (outcome := self._outcome(sources[index], result, parsed, summary, cancel))
        ]
        if not outcomes:
            return
        counts, _changes = ws.mentions.record_refreshes(outcomes)
        summary.new_mentions += sum(c.new_mentions for c in counts if c is not None)
