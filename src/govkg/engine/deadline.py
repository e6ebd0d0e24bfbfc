"""Run a job under a deadline on a bounded pool of daemon threads.

The caller gets `DeadlineExceeded` when the deadline passes; the job itself is asked to stop through
the `Deadline` it receives (engines check it between result chunks). A thread cannot interrupt code
running inside Oxigraph's evaluator, so such a job runs on until its next check; killable deadlines
need worker processes (see docs/architecture.md). The threads are daemons so a runaway job never
blocks interpreter exit.
"""

from __future__ import annotations

import io
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from govkg.engine.errors import AnswerTooLarge, EngineError

__all__ = ["STACK_BYTES", "CheckedBuffer", "Deadline", "DeadlineExceeded", "Pool", "detached"]

# Engines parse and evaluate recursively (Oxigraph in Rust): a large stack turns a process-killing stack
# overflow on a long query into a normal answer (measured: 6,000 chained OPTIONALs crash at 8 MB, not here).
STACK_BYTES = 256 * 1024 * 1024


class DeadlineExceeded(EngineError):
    """The job did not finish before its deadline."""


@dataclass
class Deadline:
    """When a job must stop; `check()` raises once that time has passed or the job was cancelled."""

    seconds: float
    stated: float | None = None  # the deadline as the client knows it (a worker gets what is left of it)
    at: float = field(init=False)
    cancelled: bool = False

    def __post_init__(self) -> None:
        self.at = time.monotonic() + self.seconds

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.at - time.monotonic())

    def check(self) -> None:
        """Raise DeadlineExceeded if the deadline has passed or the job was abandoned."""
        if self.cancelled or time.monotonic() > self.at:
            raise DeadlineExceeded(f"query exceeded the {self.stated or self.seconds:g} s deadline")


@dataclass
class _Task:
    job: Callable[[Deadline], Any]
    deadline: Deadline
    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    error: BaseException | None = None


def detached(error: BaseException) -> BaseException:
    """The error without tracebacks, so the job's frames (and engine objects that must die on the
    thread that made them, like Oxigraph's result iterators) are freed here, not in the caller."""
    seen: BaseException | None = error
    while seen is not None:
        seen.__traceback__ = None
        seen = seen.__cause__ or seen.__context__
    return error


class Pool:
    """A fixed number of daemon threads taking jobs from one queue."""

    def __init__(self, size: int) -> None:
        self._tasks: queue.SimpleQueue[_Task] = queue.SimpleQueue()
        previous = threading.stack_size(STACK_BYTES)  # only address space: untouched pages cost nothing
        try:
            for n in range(size):
                threading.Thread(target=self._work, name=f"govkg-query-{n}", daemon=True).start()
        finally:
            threading.stack_size(previous)

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            try:
                task.deadline.check()  # waited in the queue past its deadline: do not start
                task.value = task.job(task.deadline)
            except BaseException as error:  # handed to the waiting caller, never lost
                task.error = detached(error)
            task.done.set()

    def run(self, job: Callable[[Deadline], Any], seconds: float) -> Any:
        """Run `job(deadline)` on the pool; return its value or raise its error or DeadlineExceeded."""
        task = _Task(job, Deadline(seconds))
        self._tasks.put(task)
        if not task.done.wait(seconds):
            task.deadline.cancelled = True
            raise DeadlineExceeded(f"query exceeded the {seconds:g} s deadline")
        if task.error is not None:
            raise task.error
        return task.value


class CheckedBuffer(io.BytesIO):
    """An in-memory output that checks a deadline (and a size limit) on every write, so serialisers stop when
    time is up or the answer is too large."""

    def __init__(self, deadline: Deadline, limit: int | None = None) -> None:
        super().__init__()
        self.deadline, self.limit = deadline, limit
        self.error: EngineError | None = None  # why writing stopped (a native serialiser reports it as an I/O error)

    def write(self, data: Any) -> int:
        """Check the deadline and the limit, then append; once stopped, drop writes quietly (a final flush)."""
        if self.error is not None:
            return len(data)
        try:
            self.deadline.check()
            if self.limit is not None and self.tell() + len(data) > self.limit:
                raise AnswerTooLarge(f"the answer is larger than this endpoint's limit of {self.limit:,} bytes")
        except EngineError as error:
            self.error = error
            raise
        return super().write(data)
