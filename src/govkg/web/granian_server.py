"""Serve with granian (Rust, hyper) in production: `govkg serve --production --server granian`.

granian runs a WSGI app only in a process of its own on a Python with a GIL, so this process supervises and one
granian worker process builds the app (through `build`, a picklable callable) and answers on blocking threads:
one app, so one pool of query worker processes (forked from a fork server the granian worker starts) shared by
every request. hyper reads request heads outside Python (half-open heads hold no thread; an idle connection is
closed after IDLE_SECONDS), caps them at HEADER_BYTES and keeps at most CONNECTIONS connections. SIGTERM drains:
no new connection is accepted, answers in flight finish and their connections close (the granian worker is killed
if that takes past `grace` seconds), then the process exits 0. What it cannot do like waitress: docs/reliability.md.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import io
import logging
import math
import signal
from collections.abc import Callable, Iterable
from multiprocessing import util
from typing import Any

from flask import Flask

from govkg.web.server import CONNECTIONS, HEADER_BYTES, IDLE_SECONDS, raise_file_limit

__all__ = ["serve"]

log = logging.getLogger("govkg")
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
StartResponse = Callable[..., Any]


def serve(build: Callable[[], Flask], host: str, port: int, threads: int, grace: float) -> None:
    """Serve the app `build` makes (called in the granian worker) until SIGTERM or SIGINT, then drain."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server  # imported here: only this mode needs granian

    raise_file_limit()
    server = Server(
        "govkg",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=1,
        blocking_threads=threads,
        backpressure=CONNECTIONS,
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=IDLE_SECONDS * 1000, max_buffer_size=HEADER_BYTES),
        log_level=LogLevels.warning,
        workers_kill_timeout=math.ceil(grace),
    )
    own = logging.getLogger("_granian")  # granian's messages go where govkg's go (its constructor set them up)
    own.handlers[:], own.propagate = log.handlers, False
    log.info("SPARQL endpoint at http://%s:%s/sparql (granian, %s threads)", host, port, threads)
    server.serve(target_loader=functools.partial(_loaded, build), wrap_loader=False)


def _loaded(build: Callable[[], Flask]) -> Callable[..., Iterable[bytes]]:
    """In the granian worker: the app, its query workers started, closed when the worker exits."""
    with contextlib.suppress(OSError, AttributeError):  # killed with this process: no orphan serving the port
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    app = build()
    workers = app.extensions["govkg"].runner
    warm = getattr(workers, "warm", None)
    if warm is not None:
        warm(workers.size)
    util.Finalize(workers, workers.close, exitpriority=10)  # the worker leaves through multiprocessing: no atexit
    return functools.partial(_call, app, int(app.config["MAX_CONTENT_LENGTH"]))


def _call(app: Flask, limit: int, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """What waitress does and granian does not: a chunked body read (up to one byte past `limit`, so the app
    answers 413 past it) and given its length, like any other; the server's name."""
    if not environ.get("CONTENT_LENGTH") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        data = _read(environ["wsgi.input"], limit + 1)
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(data), str(len(data))
        del environ["HTTP_TRANSFER_ENCODING"]  # Werkzeug ignores the length of a body sent chunked

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return start_response(status, [*headers, ("Server", "govkg")], exc_info)

    return app(environ, start)


def _read(stream: Any, size: int) -> bytes:
    """Up to `size` bytes of the body: granian's read(size) may give fewer before the end."""
    data = bytearray()
    while len(data) < size and (chunk := stream.read(size - len(data))):
        data += chunk
    return bytes(data)
