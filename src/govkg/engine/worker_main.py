"""The worker process's side of `govkg.engine.workers`: open the engine once, then run jobs until the pipe closes."""

from __future__ import annotations

import contextlib
import ctypes
import pickle
import signal
import threading
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from govkg.engine import resident
from govkg.engine.deadline import STACK_BYTES, Deadline, detached
from govkg.engine.errors import EngineError
from govkg.errors import GovkgError, one_line

if TYPE_CHECKING:
    from govkg.engine.runner import Spec

__all__ = ["main"]

PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def main(spec: Spec, conn: Connection) -> None:
    """Serve jobs on a thread with a large stack (deep queries recurse in the engines; see deadline.STACK_BYTES)."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C in the terminal is the server's to handle
    threading.stack_size(STACK_BYTES)
    thread = threading.Thread(target=_serve, args=(spec, conn), name="govkg-worker")
    thread.start()
    thread.join()


def _serve(spec: Spec, conn: Connection) -> None:
    engine = resident.engine(spec)  # the fork server's copy, shared, when it holds this data
    try:
        engine = spec.open() if engine is None else engine
    except GovkgError as error:
        conn.send(("failed", one_line(error)))
        return
    conn.send(("ready", None))
    while True:
        try:
            job, args, seconds, stated, given = conn.recv()
        except (EOFError, OSError):  # the server closed the pipe: exit
            return
        if given is not None and given != spec:  # the data changed (a write): open the new snapshot first
            engine.close()
            spec, engine = given, given.open()
        conn.send(_outcome(engine, job, args, Deadline(seconds, stated)))


def _outcome(engine: Any, job: Any, args: tuple[Any, ...], deadline: Deadline) -> tuple[str, Any]:
    """("ok", value) or ("error", an exception the server can unpickle)."""
    try:
        return "ok", job(engine, deadline, *args)
    except Exception as error:  # every error goes back to the caller, which decides what it means
        return "error", _portable(detached(error))


def _portable(error: BaseException) -> BaseException:
    """The error itself if it survives pickling, else an EngineError with its message."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # an error type that does not pickle (its constructor takes other arguments)
        return EngineError(one_line(error))
    return error


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the process that forked it exits (no orphans after a crash)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the pipe's end-of-file still stops the loop
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
