"""Where queries run: the `Runner` seam (run a job against the served engine under a deadline), what a worker
opens (`Spec`, `EngineSpec`), and `Threads`, the in-process runner. `govkg.engine.workers.Workers` is the one a
public endpoint uses: worker processes that can really be stopped."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from govkg.engine.base import Engine, Source
from govkg.engine.deadline import DeadlineExceeded, Pool
from govkg.engine.errors import EngineError

if TYPE_CHECKING:
    from govkg.federation import Policy

__all__ = [
    "EngineSpec",
    "Job",
    "MemoryLimitExceeded",
    "OpenFailed",
    "Runner",
    "RunnerStatus",
    "Spec",
    "Threads",
    "WorkerLost",
    "WorkersBusy",
]

T = TypeVar("T")
Job = Callable[..., T]  # job(engine, deadline, *args) -> value; a module-level function (sent by reference)


class WorkersBusy(DeadlineExceeded):
    """No worker became free before the query's deadline."""


class MemoryLimitExceeded(EngineError):
    """The worker running the query went over its memory limit and was stopped."""


class WorkerLost(EngineError):
    """The worker running the query died (a native crash or an outside signal) and was replaced."""


class OpenFailed(WorkerLost):
    """A new worker could not open what it serves (a file that does not load, say); `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"a query worker could not open its engine: {reason}")
        self.reason = reason


class Spec(Protocol):
    """What a worker opens once and hands to every job: an engine (EngineSpec), or another resident object such
    as a writable store's writer (picklable, compared to tell when it changed)."""

    def open(self) -> Any:
        """Open it (in the worker process)."""
        ...


@dataclass(frozen=True)
class EngineSpec:
    """How a worker opens its engine: the arguments of `govkg.engine.open_engine` (all picklable)."""

    kind: str
    sources: tuple[Source, ...]
    base: str
    policy: Policy | None = None

    def open(self) -> Engine:
        """Open the engine."""
        from govkg.engine import open_engine  # the registry imports this module

        return open_engine(self.kind, self.sources, self.base, federation=self.policy)


@dataclass(frozen=True)
class RunnerStatus:
    """What /health and /metrics report about a runner."""

    size: int
    busy: int
    started: int
    restarts: dict[str, int]  # reason ("deadline", "memory", "lost") → workers killed or lost for it

    @property
    def free(self) -> int:
        """Queries that could start right now."""
        return self.size - self.busy


class Runner(Protocol):
    """Runs `job(engine, deadline, *args)` against the served engine under a deadline."""

    def run(self, job: Job[T], args: Sequence[Any], seconds: float) -> T:
        """The job's value, or its error, or DeadlineExceeded once `seconds` have passed."""
        ...

    def status(self) -> RunnerStatus:
        """How many jobs run, how many could, and the restarts so far."""
        ...

    def respec(self, spec: EngineSpec) -> None:
        """Serve other data from now on (a writable store's new snapshot)."""
        ...

    def close(self) -> None:
        """Stop accepting jobs and release the workers."""
        ...


class Threads:
    """Jobs on a pool of threads over one engine in this process: cheap, but a native evaluation or a regular
    expression past its deadline runs on until its next check (use `Workers` for a public endpoint)."""

    def __init__(self, engine: Engine, size: int) -> None:
        self.engine, self.size, self._pool = engine, size, Pool(size)
        self._busy, self._lock = 0, threading.Lock()

    def run(self, job: Job[T], args: Sequence[Any], seconds: float) -> T:
        """Run the job on a thread; DeadlineExceeded when it is late (the thread is only asked to stop)."""
        with self._lock:
            self._busy += 1
        try:
            return self._pool.run(lambda deadline: job(self.engine, deadline, *args), seconds)
        finally:
            with self._lock:
                self._busy -= 1

    def respec(self, spec: EngineSpec) -> None:
        """Serve the engine `spec` opens from now on (the old one is left to the jobs still using it)."""
        self.engine = spec.open()

    def status(self) -> RunnerStatus:
        """Threads busy and free (threads are never restarted)."""
        return RunnerStatus(self.size, min(self._busy, self.size), self.size, {})

    def close(self) -> None:
        """Nothing to release: the threads are daemons."""
