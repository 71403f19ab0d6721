"""Background execution (house rule 3).

Work runs off the GUI thread and never touches widgets; its result, progress and
errors come back to the GUI thread by Signal. Writes to the workspace go through
one dedicated writer thread, so they are serialised and never block painting;
everything else (network, parsing, exports, big queries) uses a shared pool.
`SyncTaskManager` runs the same tasks inline for tests.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from cmdesk.core.changes import Changes

log = logging.getLogger(__name__)
_ids = itertools.count(1)


class Cancelled(Exception):
    """Raised inside a task by `TaskContext.check()` once the user pressed cancel."""


@dataclass
class TaskContext:
    """What a task function sees: progress reporting and cancellation, no Qt."""

    _emit_progress: Callable[[int, int, str], None]
    _cancel: threading.Event = field(default_factory=threading.Event)

    def progress(self, done: int, total: int, text: str = "") -> None:
        self._emit_progress(done, total, text)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def cancel_event(self) -> threading.Event:
        """For engine code that takes a threading.Event (the refresher, the fetcher)."""
        return self._cancel

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled


class TaskHandle(QObject):
    """One task as the GUI sees it; signals arrive on the GUI thread."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object, str)  # exception, formatted traceback
    ended = Signal()

    def __init__(self, label: str, cancellable: bool) -> None:
        super().__init__()
        self.id = next(_ids)
        self.label = label
        self.cancellable = cancellable
        self.context = TaskContext(self.progressed.emit)
        self.done = 0
        self.total = 0
        self.text = ""
        self.finished = False
        self.progressed.connect(self._remember)

    def _remember(self, done: int, total: int, text: str) -> None:
        self.done, self.total, self.text = done, total, text

    def cancel(self) -> None:
        self.context._cancel.set()

    def _run(self, fn: Callable[[TaskContext], Any]) -> None:
        try:
            result = fn(self.context)
        except Cancelled:
            log.info("Task cancelled: %s", self.label)
            self.failed.emit(Cancelled(), "")
        except Exception as exc:
            self.failed.emit(exc, traceback.format_exc())
        else:
            self.succeeded.emit(result)
        finally:
            self.ended.emit()


class _Runnable(QRunnable):
    def __init__(self, handle: TaskHandle, fn: Callable[[TaskContext], Any]) -> None:
        super().__init__()
        self.handle = handle
        self.fn = fn

    def run(self) -> None:
        self.handle._run(self.fn)


class TaskManager(QObject):
    """Starts tasks and tells the status area about them."""

    task_started = Signal(object)  # TaskHandle
    task_ended = Signal(object)
    # Every Changes produced by a write task: the main window re-emits it as
    # workspace_changed so screens refresh from one place (house rule 4).
    changes = Signal(object)
    error = Signal(object, str, str)  # exception, traceback, task label
    connection = Qt.ConnectionType.QueuedConnection

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(4)
        self.writer = QThreadPool(self)
        self.writer.setMaxThreadCount(1)  # one writer owns the workspace connection's writes
        self.running: dict[int, TaskHandle] = {}

    def run(
        self,
        label: str,
        fn: Callable[[TaskContext], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        write: bool = False,
        cancellable: bool = True,
    ) -> TaskHandle:
        handle = TaskHandle(label, cancellable)
        self.running[handle.id] = handle

        def succeeded(result: Any) -> None:
            if write and isinstance(result, Changes) and result:
                self.changes.emit(result)
            if on_done is not None:
                on_done(result)

        def failed(exc: BaseException, tb: str) -> None:
            if isinstance(exc, Cancelled):
                return
            if on_error is not None:
                on_error(exc)
            else:
                self.error.emit(exc, tb, label)

        def ended() -> None:
            handle.finished = True
            self.running.pop(handle.id, None)
            self.task_ended.emit(handle)

        # Plain callables have no thread of their own: queue them explicitly to the
        # handle's thread (the GUI thread, where it was created).
        handle.succeeded.connect(succeeded, self.connection)
        handle.failed.connect(failed, self.connection)
        handle.ended.connect(ended, self.connection)
        self.task_started.emit(handle)
        self._start(handle, fn, write)
        return handle

    def _start(self, handle: TaskHandle, fn: Callable[[TaskContext], Any], write: bool) -> None:
        (self.writer if write else self.pool).start(_Runnable(handle, fn))

    def cancel_all(self) -> None:
        for handle in list(self.running.values()):
            handle.cancel()

    def wait(self, msecs: int = 10_000) -> bool:
        """Wait for running tasks (at shutdown, after cancel_all)."""
        return self.writer.waitForDone(msecs) and self.pool.waitForDone(msecs)


class SyncTaskManager(TaskManager):
    """Runs each task inline, for tests: signals still fire, in order, before run() returns."""

    connection = Qt.ConnectionType.DirectConnection

    def _start(self, handle: TaskHandle, fn: Callable[[TaskContext], Any], write: bool) -> None:
        handle._run(fn)
