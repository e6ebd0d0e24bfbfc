"""Worker processes that can really be stopped: the `Runner` a public endpoint uses (govkg.engine.runner).

A query evaluated inside a native engine cannot be interrupted by a thread, and a catastrophic regular
expression in rdflib's evaluator holds the interpreter lock. So every query runs in a worker process that opened
its own engine once: past its deadline, or over its memory limit, the worker is killed with SIGKILL and replaced,
and the caller gets a `DeadlineExceeded` or `MemoryLimitExceeded` at once. Workers are forked from
multiprocessing's fork server, a single-threaded process that imported govkg once, so a replacement is ready in
a fraction of a second and never inherits a lock held by one of the server's threads. With `resident`, the fork
server also loads the data once, before any worker is forked, and every worker shares that copy
(govkg.engine.resident).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from govkg.engine.deadline import DeadlineExceeded
from govkg.engine.errors import EngineError
from govkg.engine.resident import start_forkserver
from govkg.engine.runner import Job, MemoryLimitExceeded, OpenFailed, RunnerStatus, Spec, WorkerLost, WorkersBusy
from govkg.engine.worker_main import main as worker_main
from govkg.errors import one_line

__all__ = ["Workers"]

log = logging.getLogger("govkg")
T = TypeVar("T")
GRACE = 0.25  # seconds a worker has after its deadline to report it itself before it is killed
START_TIMEOUT = 120.0  # seconds a new worker may take to open its engine
WATCH_INTERVAL = 0.02  # seconds between two looks at the busy workers (resident memory, running time)
LONG_JOB = 0.25  # seconds after which a job's worker runs at a lower CPU priority (fast queries take ~20 ms)
DEMOTED_NICE = 10  # that priority (CFS gives a nice-0 process about 9 times its CPU share)
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(eq=False)
class _Worker:
    process: Any  # multiprocessing's process object (its type depends on the start method)
    conn: Connection
    killed_for: str | None = None
    started: float | None = None  # when its current job started (monotonic), None when idle
    demoted: bool = False  # running at a lower CPU priority (a long job)
    spec: Any = None  # what it has open: a job carries the pool's spec only when that differs (pickling it costs)


@dataclass
class _Counters:
    started: int = 0
    restarts: dict[str, int] = field(default_factory=dict)

    def restart(self, reason: str) -> None:
        self.restarts[reason] = self.restarts.get(reason, 0) + 1


class Workers:
    """Up to `size` worker processes, started when needed, each holding its own engine; every job runs in one
    of them, which is killed and replaced when the job passes its deadline or `memory` bytes of resident memory.
    With `demote`, a job running over LONG_JOB drops to a lower CPU priority (queries; not a store's writer).
    With `resident`, the fork server is started now and loads `spec` once for every worker (see the module)."""

    def __init__(
        self,
        spec: Spec,
        size: int,
        memory: int | None = None,
        preload: Sequence[str] = (),
        demote: bool = True,
        resident: bool = False,
    ) -> None:
        self.spec, self.size, self.memory, self.demote = spec, size, memory, demote
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["govkg.engine", *preload])
        if resident:
            start_forkserver(["govkg.engine", *preload], spec)
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._live = 0
        self._cond = threading.Condition()
        self._counters = _Counters()
        self._closed = False
        threading.Thread(target=self._watch, name="govkg-worker-watch", daemon=True).start()

    def run(self, job: Job[T], args: Sequence[Any], seconds: float) -> T:
        """Run the job in a free worker (starting one if fewer than `size` exist); see the class."""
        end = time.monotonic() + seconds
        worker = self._acquire(end, seconds)
        try:
            spec = None if worker.spec is self.spec else self.spec
            message = (job, tuple(args), max(0.0, end - time.monotonic()), seconds, spec)
            status, value = self._exchange(worker, message, end, seconds)
        except BaseException:
            self._discard(worker)
            raise
        self._release(worker)
        if status == "error":
            raise value
        return value

    def respec(self, spec: Spec) -> None:
        """Serve other data from now on (a writable store's new snapshot): each worker opens it before its next
        job; jobs running now finish on the data they started with."""
        self.spec = spec

    def warm(self, count: int = 1) -> None:
        """Start up to `count` workers now (in the background), so the first queries do not wait for them."""
        for _ in range(min(count, self.size)):
            threading.Thread(target=self._prestart, daemon=True).start()

    def status(self) -> RunnerStatus:
        """Workers busy, the pool's size, starts and restarts by reason."""
        with self._cond:
            counters = self._counters
            return RunnerStatus(self.size, len(self._busy), counters.started, dict(counters.restarts))

    def close(self) -> None:
        """Stop every idle worker; busy ones are stopped as their jobs end."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            _stop(worker)

    def _acquire(self, end: float, seconds: float) -> _Worker:
        """A free worker: an idle one, a new one, or the first freed before `end`."""
        with self._cond:
            while True:
                if self._closed:
                    raise WorkersBusy("the server is shutting down")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.killed_for is None and worker.process.is_alive():
                        self._busy.add(worker)
                        self._cond.notify_all()
                        return worker
                    self._forget(worker, "lost")
                if self._live < self.size:
                    self._live += 1
                    break
                if not self._cond.wait(end - time.monotonic()) and time.monotonic() >= end:
                    raise WorkersBusy(f"all {self.size} query workers stayed busy for the {seconds:g} s deadline")
        worker = self._start()
        with self._cond:
            self._busy.add(worker)
            self._cond.notify_all()
        return worker

    def _start(self) -> _Worker:
        """A new worker process with its engine open (the caller has counted it in `_live`)."""
        spec = self.spec
        try:
            ours, theirs = self._context.Pipe()
            process = self._context.Process(target=worker_main, args=(spec, theirs), daemon=True)
            process.start()
            theirs.close()
            if not ours.poll(START_TIMEOUT):
                _kill(_Worker(process, ours))
                raise WorkerLost(f"a query worker did not open its engine within {START_TIMEOUT:g} s")
            status, value = ours.recv()
        except BaseException as error:
            with self._cond:
                self._live -= 1
                self._cond.notify_all()
            if isinstance(error, WorkerLost):
                raise
            raise WorkerLost(f"a query worker could not start: {one_line(error)}") from None
        if status != "ready":
            with self._cond:
                self._live -= 1
                self._cond.notify_all()
            raise OpenFailed(value)
        with self._cond:
            self._counters.started += 1
        return _Worker(process, ours, spec=spec)

    def _prestart(self) -> None:
        """Start one worker in the background when fewer than `size` exist (after a kill, say)."""
        with self._cond:
            if self._closed or self._live >= self.size:
                return
            self._live += 1
        try:
            worker = self._start()
        except EngineError as error:
            log.warning("govkg: %s", error)
            return
        self._release(worker, fresh=True)

    def _exchange(self, worker: _Worker, message: tuple[Any, ...], end: float, seconds: float) -> tuple[str, Any]:
        """Send the job and wait for its outcome until the deadline (plus the grace), killing the worker past it."""
        worker.started = time.monotonic()
        try:
            worker.conn.send(message)
            worker.spec = message[-1] or worker.spec
            if worker.conn.poll(max(0.0, end - time.monotonic()) + GRACE):
                return worker.conn.recv()
        except (EOFError, OSError):
            raise self._lost(worker) from None
        worker.killed_for = worker.killed_for or "deadline"
        _kill(worker)
        if worker.killed_for == "memory":
            raise self._lost(worker)
        raise DeadlineExceeded(f"query exceeded the {seconds:g} s deadline and was stopped")

    def _lost(self, worker: _Worker) -> EngineError:
        """The error for a worker that died during a job."""
        _kill(worker)
        if worker.killed_for == "memory":
            return MemoryLimitExceeded(
                f"query used more than the {_size(self.memory or 0)} memory limit and was stopped"
            )
        worker.process.join(1)  # it is gone already: this only collects its exit status
        code = worker.process.exitcode
        how = f"signal {-code}" if isinstance(code, int) and code < 0 else f"exit code {code}"
        worker.killed_for = "lost"
        return WorkerLost(f"query stopped its worker process ({how}); the worker was replaced")

    def _release(self, worker: _Worker, fresh: bool = False) -> None:
        """Put a worker back in the idle list at its normal priority (or stop it if the pool is closing, or if its
        priority cannot be raised again without privileges: a fresh one replaces it)."""
        worker.started = None
        if worker.demoted and not _renice(worker.process.pid, 0):
            worker.killed_for = "retired"
            self._discard(worker)
            return
        worker.demoted = False
        with self._cond:
            self._busy.discard(worker)
            if not self._closed:
                self._idle.append(worker)
                self._cond.notify_all()
                return
        _stop(worker)

    def _discard(self, worker: _Worker) -> None:
        """Forget a worker whose job failed on the way (killed, lost, or interrupted), and start a replacement."""
        _kill(worker)
        with self._cond:
            self._busy.discard(worker)
            self._forget(worker, worker.killed_for or "lost")
        self.warm(1)

    def _forget(self, worker: _Worker, reason: str) -> None:
        """Count a dead worker out (the condition's lock is held)."""
        self._live -= 1
        self._counters.restart(reason)
        log.warning("govkg: query worker %s stopped (%s)", worker.process.pid, reason)
        self._cond.notify_all()

    def _watch(self) -> None:
        """Kill any busy worker whose resident memory passes the limit, and lower the CPU priority of one whose
        job has run longer than LONG_JOB, so a few runaway queries cannot starve the fast ones of CPU while
        they wait for their deadline (docs/reliability.md)."""
        while not self._closed:
            with self._cond:
                while not self._busy and not self._closed:
                    self._cond.wait()
                busy = list(self._busy)
            now = time.monotonic()
            for worker in busy:
                if self.memory and worker.killed_for is None and _over(worker.process.pid, self.memory):
                    worker.killed_for = "memory"
                    _signal(worker.process.pid, signal.SIGKILL)
                elif (
                    self.demote
                    and worker.started is not None
                    and not worker.demoted
                    and now - worker.started > LONG_JOB
                ):
                    worker.demoted = _renice(worker.process.pid, DEMOTED_NICE)
            time.sleep(WATCH_INTERVAL)


def _renice(pid: int | None, nice: int) -> bool:
    """Set a process's nice value; False if the system does not allow it."""
    if not pid:
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
    except OSError:
        return False
    return True


def _resident(pid: int | None) -> int:
    """A process's resident memory in bytes (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _over(pid: int | None, limit: int) -> bool:
    """Whether a process's own resident memory passes `limit` bytes: memory no other process shares, since the
    data the fork server loaded is every worker's. Resident memory bounds it from above and is cheap to read, so
    the costlier smaps_rollup (Linux 4.14+) is read only when resident memory alone passes the limit."""
    return _resident(pid) > limit and _private(pid) > limit


def _private(pid: int | None) -> int:
    """A process's private resident memory in bytes (its resident memory where smaps_rollup is missing)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            fields = dict(line.split(b":", 1) for line in rollup.read().splitlines()[1:] if b":" in line)
        return sum(int(fields[key].split()[0]) * 1024 for key in (b"Private_Clean", b"Private_Dirty"))
    except (OSError, ValueError, KeyError):
        return _resident(pid)


def _signal(pid: int | None, sig: int) -> None:
    if pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def _kill(worker: _Worker) -> None:
    """Kill a worker at once; reap it in the background (a process holding gigabytes takes a while to go, and
    the client's answer must not wait for that)."""
    if worker.conn.closed:
        return  # killed already
    _signal(worker.process.pid, signal.SIGKILL)
    worker.conn.close()
    threading.Thread(target=worker.process.join, name="govkg-reap", daemon=True).start()


def _stop(worker: _Worker) -> None:
    """Ask an idle worker to exit (closing its pipe), then make sure it has."""
    worker.conn.close()
    worker.process.join(2)
    if worker.process.is_alive():
        _kill(worker)


def _size(n: int) -> str:
    """A byte count for people: 2 GB, 512 MB."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} bytes"
