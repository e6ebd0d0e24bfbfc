"""Run the app: Werkzeug's threaded server for development, waitress for production.

In production, waitress reads every request whole (headers and body) in its event loop before a thread answers
it, so half-open connections (slowloris) hold no thread; queries run in the app's worker processes
(govkg.engine.workers), so a thread only waits on them. SIGTERM drains: new requests are refused with 503,
those in flight finish (up to the query deadline), then the process exits.
"""

from __future__ import annotations

import logging
import resource
import signal
import threading
import time
from typing import Any

from flask import Flask

__all__ = ["CONNECTIONS", "HEADER_BYTES", "IDLE_SECONDS", "development", "production", "raise_file_limit"]

log = logging.getLogger("govkg")
CONNECTIONS = 1000  # open connections waitress keeps (each costs a socket, not a thread)
IDLE_SECONDS = 30  # an idle connection (no request in progress) is closed after this
HEADER_BYTES = 1_048_576  # waitress's own cap on a request's head; the app's MAX_URI_LENGTH answers first below it


def development(app: Flask, host: str, port: int) -> None:
    """One process, one thread per request (Werkzeug)."""
    app.run(host=host, port=port, threaded=True, use_reloader=False, request_handler=_handler_class())


def _handler_class() -> type:
    """Werkzeug's request handler, whose own refusals (a request line over 65,536 bytes, say) are one line of
    text like the app's, not http.server's HTML page."""
    from werkzeug.serving import WSGIRequestHandler

    class OneLineErrors(WSGIRequestHandler):
        error_content_type = "text/plain; charset=utf-8"
        error_message_format = "%(code)d %(message)s: %(explain)s\n"

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            if code == 414:
                explain = "the request line is longer than 65,536 bytes; POST long queries"
            super().send_error(code, message, explain)

    return OneLineErrors


def production(app: Flask, host: str, port: int, threads: int) -> None:
    """Serve with waitress until SIGTERM or SIGINT, then drain (see the module)."""
    from waitress.server import create_server  # imported here: only this mode needs waitress

    raise_file_limit()
    workers = app.extensions["govkg"].runner
    server: Any = create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        connection_limit=CONNECTIONS,
        channel_timeout=IDLE_SECONDS,
        max_request_header_size=HEADER_BYTES,
        # Bodies past the app's limit still reach the app (which answers 413 in one line): waitress's own
        # refusal, for bodies four times larger, is a multi-line page.
        max_request_body_size=4 * int(app.config["MAX_CONTENT_LENGTH"]) + 65_536,
        ident="govkg",
        expose_tracebacks=False,
        clear_untrusted_proxy_headers=True,
    )
    server.channel_class = _channel_class()
    warm = getattr(workers, "warm", None)
    if warm is not None:
        warm(workers.size)
    stop = _Stop(app, server, float(app.config["QUERY_TIMEOUT"]) + 5)
    signal.signal(signal.SIGTERM, stop.handle)
    signal.signal(signal.SIGINT, stop.handle)
    log.info("SPARQL endpoint at http://%s:%s/sparql (waitress, %s threads)", host, port, threads)
    try:
        server.run()
    finally:
        workers.close()


class _Stop:
    """The shutdown sequence, started by a signal in the main thread and finished by a helper thread."""

    def __init__(self, app: Flask, server: Any, grace: float) -> None:
        self.app, self.server, self.grace, self.started = app, server, grace, False

    def handle(self, signum: int, frame: Any) -> None:
        """Stop accepting connections and drain in the background; a second signal exits at once."""
        if self.started:
            raise SystemExit(1)
        self.started = True
        self.server.accepting = False
        threading.Thread(target=self._drain, name="govkg-drain", daemon=True).start()

    def _drain(self) -> None:
        try:
            front = self.app.extensions["govkg.front"]
            if not front.drain(self.grace):
                log.warning("govkg: %s requests still running after %g s; stopping", front.inflight, self.grace)
            end = time.monotonic() + 5
            while time.monotonic() < end and any(getattr(c, "total_outbufs_len", 0) for c in self._channels()):
                time.sleep(0.05)  # the last answers are still being written to their sockets
        finally:
            signal.raise_signal(signal.SIGINT)  # the main thread's handler stops waitress's loop

    def _channels(self) -> list[Any]:
        return list(getattr(self.server, "_map", {}).values())


def _channel_class() -> type:
    """waitress's connection class, whose own refusals (a request head past HEADER_BYTES, a malformed request)
    are one line of text like the app's, not waitress's three paragraphs."""
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    class OneLineError(ErrorTask):  # waitress's extension points are classes
        def execute(self) -> None:
            error = self.request.error
            body = f"{error.code} {error.reason}: {error.body}\n".encode()
            self.status = f"{error.code} {error.reason}"
            self.response_headers.extend(
                [("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff")]
            )
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class Channel(HTTPChannel):
        error_task_class = OneLineError

    return Channel


def raise_file_limit() -> None:
    """Allow as many open files as the hard limit does (each connection is one)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65_536, hard))
