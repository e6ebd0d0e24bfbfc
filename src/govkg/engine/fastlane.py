"""The fast lane: a runner that answers a query in the calling thread, with no hop to a worker process, when queries
of its shape have been seen to finish fast; every other query goes to the runner it wraps (the worker processes).

On a lookup the hop to a worker (pickling, two pipe writes, two wake-ups) costs more than the evaluation itself
(bench/hotpath.py). But a query answered in the server cannot be killed at its deadline, so the lane is narrow:
- only a query of a shape (govkg.engine.shapes: basic graph patterns only, constants taken out) whose last
  `admit` runs in a worker each took less than `fast` seconds of CPU; a run over that, here or there, or one that
  failed in a worker (deadline, memory, limits), bars the shape (the lane keeps `size` shapes, forgetting the
  oldest, bars included);
- only while no more than `slots` queries are in the server: under load, answering here takes the interpreter
  lock from the threads serving HTTP while the workers' cores go unused (measured: no gain at 8 clients, 1.4x the
  requests per second at one; docs/reliability.md), so a busy server sends every query on, shape unlooked-at;
- at most `slots` queries at once, so a query of a known-fast shape that turns out slow for some constant (a hub
  with a million values) holds one of the server's threads, never all of them;
- none while a run in the lane has lasted `hold` seconds: the lane closes until it ends.
pyoxigraph releases the interpreter lock while it evaluates, so such a run slows the other threads' answers
without stopping them. Its evaluation is not stopped at its deadline (only the writing of its answer checks it),
and no memory limit applies: the lane is off unless configured (FAST_LANE_SLOTS).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from govkg.engine.base import Engine
from govkg.engine.deadline import Deadline
from govkg.engine.errors import EngineError
from govkg.engine.runner import EngineSpec, Job, Runner, RunnerStatus

__all__ = ["FastLane", "timed"]

T = TypeVar("T")
Key = Callable[[Job[Any], Sequence[Any]], str | None]  # a job's shape, or None: never in the lane


def timed(engine: Any, deadline: Deadline, job: Job[T], *args: Any) -> tuple[T, float]:
    """Run a job (in a worker) and say how many seconds of CPU its thread spent on it."""
    start = time.thread_time()
    value = job(engine, deadline, *args)
    return value, time.thread_time() - start


class FastLane:
    """A Runner over `runner` that runs jobs of admitted shapes in the calling thread on `engine()`'s engine
    (None while it loads: everything goes to `runner`); see the module."""

    def __init__(
        self,
        runner: Runner,
        engine: Callable[[], Engine | None],
        key: Key,
        slots: int = 2,
        fast: float = 0.005,
        admit: int = 3,
        hold: float = 0.05,
        size: int = 4096,
    ) -> None:
        self.runner, self.engine, self.key = runner, engine, key
        self.fast, self.admit, self.hold, self.size = fast, admit, hold, size
        self._slots, self._size, self._queries = threading.BoundedSemaphore(slots), slots, 0
        self._seen: OrderedDict[str, int] = OrderedDict()  # shape → fast runs in a row (-1: barred)
        self._running: dict[int, float] = {}  # run number → when it started (monotonic)
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self.answered = 0  # queries run in the lane (for the tests and a debugger)

    def run(self, job: Job[T], args: Sequence[Any], seconds: float) -> T:
        """The job's value: in this thread when its shape is admitted and the lane open, else from `runner`."""
        with self._lock:
            self._queries += 1
            busy = self._queries > self._size  # then not even the shape is worth its cost (see _open)
        try:
            key = None if busy else self.key(job, args)
            return self.runner.run(job, args, seconds) if key is None else self._run(key, job, args, seconds)
        finally:
            with self._lock:
                self._queries -= 1

    def _run(self, key: str, job: Job[T], args: Sequence[Any], seconds: float) -> T:
        engine = self.engine() if self._admitted(key) else None
        if engine is not None and self._slots.acquire(blocking=False):
            try:
                if self._open():
                    return self._here(key, engine, job, args, seconds)
            finally:
                self._slots.release()
        try:
            value, cpu = self.runner.run(timed, (job, *args), seconds)
        except EngineError:  # past its deadline, its memory or a limit: never a fast one
            self._observe(key, self.fast)
            raise
        self._observe(key, cpu)
        return value

    def status(self) -> RunnerStatus:
        """The wrapped runner's status."""
        return self.runner.status()

    def respec(self, spec: EngineSpec) -> None:
        """Other data: the wrapped runner serves it; the lane closes (its engine holds the old data)."""
        self.engine = lambda: None
        self.runner.respec(spec)

    def close(self) -> None:
        """Close the wrapped runner."""
        self.runner.close()

    def _here(self, key: str, engine: Engine, job: Job[T], args: Sequence[Any], seconds: float) -> T:
        number, start = next(self._numbers), time.thread_time()
        with self._lock:
            self._running[number] = time.monotonic()
        try:
            return job(engine, Deadline(seconds), *args)
        finally:
            with self._lock:
                del self._running[number]
                self.answered += 1
            self._observe(key, time.thread_time() - start)

    def _admitted(self, key: str) -> bool:
        with self._lock:
            return self._seen.get(key, 0) >= self.admit

    def _open(self) -> bool:
        """Whether no more than `slots` queries are in the server (under load, answering here takes the
        interpreter lock from the threads serving HTTP while the workers' cores go unused: measured slower) and
        no run in the lane has lasted `hold` seconds."""
        now = time.monotonic()
        with self._lock:
            idle = self._queries <= self._size
            return idle and all(now - start < self.hold for start in self._running.values())

    def _observe(self, key: str, cpu: float) -> None:
        """Count a fast run of the shape, or bar it after a slow one."""
        with self._lock:
            runs = self._seen.pop(key, 0)
            self._seen[key] = -1 if runs < 0 or cpu >= self.fast else runs + 1
            if len(self._seen) > self.size:
                self._seen.popitem(last=False)
