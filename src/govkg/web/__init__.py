"""The web app: `create_app(config=None)` builds a Flask app serving one dataset over SPARQL 1.1."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govkg.engine import DEFAULT
from govkg.federation import DEFAULT_ALLOWLIST
from govkg.namespaces import DEFAULT_BASE
from govkg.web.errors import ConfigError

if TYPE_CHECKING:
    from flask import Flask

    from govkg.web.front import Front
    from govkg.web.metrics import Metrics

__all__ = ["DEFAULTS", "ConfigError", "create_app"]

DEFAULTS: dict[str, Any] = {
    "ROOT": None,  # project folder holding build/govkg.nq
    "DATASET": None,  # a built dataset file (.nq/.trig) instead of ROOT/build/govkg.nq
    "PROJECT": True,  # serve the project's dataset (false: only GRAPHS)
    "DATA": [],  # any RDF files (.nt .ttl .nq .trig .rdf .jsonld, .gz too) served instead of the project's dataset
    "GRAPHS": [],  # extra named graphs, "IRI=FILE" items
    "SOURCES": None,  # folder of the source texts (default ROOT/data/sources; none for a DATASET without ROOT)
    "BASE_IRI": DEFAULT_BASE,
    "ENGINE": DEFAULT,  # a kind of govkg.engine.ENGINES: "oxigraph" or "rdflib"
    "QUERY_TIMEOUT": 30,  # seconds per query (the worker running it is killed past it: 503 with Retry-After)
    "QUERY_WORKERS": 4,  # worker processes queries run in (0: threads of this process, deadlines not enforced)
    "QUERY_MEMORY": 2_000_000_000,  # bytes of resident memory a query worker may use (killed past it; 0: no limit)
    "QUERY_THREADS": 8,  # threads for in-process work (reconciliation; every query when QUERY_WORKERS is 0)
    "HTML_ROW_LIMIT": 1000,  # rows shown on an HTML results page
    "MAX_RESULT_ROWS": 1_000_000,  # solutions or triples in one answer (422 past it)
    "MAX_RESULT_BYTES": 200_000_000,  # bytes of one serialised answer (422 past it)
    "MAX_CLIENT_QUERIES": 16,  # queries one client address may have running at once (429 past it)
    "MAX_CONTENT_LENGTH": 1_000_000,  # bytes of request body, chunked or not (413 past it)
    "MAX_QUERY_LENGTH": 100_000,  # characters of query text (400 past it)
    "MAX_URI_LENGTH": 32_768,  # bytes of request target (414 past it; POST longer queries)
    "PUBLIC_URL": None,  # the public base URL absolute links are made from (else the Host, if trusted)
    "TRUSTED_HOSTS": ["localhost", "127.0.0.1", "[::1]", "::1"],  # Host values accepted without PUBLIC_URL
    "WRITABLE": False,  # accept SPARQL Update and Graph Store writes (with a token) into STORE
    "STORE": None,  # the folder of the durable store (seeded from the served files the first time)
    # A SPARQL 1.1 store's query endpoint to serve instead of files (read-only; `govkg push` fills it).
    "STORE_URL": None,
    # "": the files loaded in memory once, in the fork server every query worker shares them from (the fastest).
    # A folder: on-disk stores made there once from the files, opened read-only by every process, for graphs larger
    # than memory (heavy queries 1.5-3.5x slower; None: $XDG_CACHE_HOME/govkg/stores or ~/.cache/govkg/stores).
    "DATA_CACHE": "",
    "WRITE_TOKENS": "",  # "name:token" items (at least 16 characters each); or a file of them:
    "WRITE_TOKENS_FILE": None,
    "WRITE_TIMEOUT": 120,  # seconds a change may take (its checks included) before the writer is stopped (503)
    # Queries at once answered in the server itself, no hop to a worker, when their shape (basic graph patterns
    # only) was seen to take under 5 ms and no more queries are running; such a query cannot be killed, and the
    # server then holds a copy of the data too. 0 (the default): every query in a worker (govkg.engine.fastlane).
    "FAST_LANE_SLOTS": 0,
    "LEAN_SPARQL": True,  # answer queries to /sparql without Flask's request machinery (govkg.web.lean)
    "RESPONSE_CACHE_BYTES": 64_000_000,  # answers to repeated GET /sparql kept per process (0: none)
    # SPARQL 1.1 Federated Query: SERVICE may call these endpoints only (exact IRIs; empty: no SERVICE at all).
    "SERVICE_ALLOWLIST": list(DEFAULT_ALLOWLIST),
    "SERVICE_CONNECT_TIMEOUT": 5,  # seconds to open a connection to an allowlisted endpoint
    "SERVICE_READ_TIMEOUT": 20,  # seconds to wait for its answer (never past the query's deadline)
    "SERVICE_MAX_BYTES": 16_000_000,  # largest answer read from an endpoint
    "SERVICE_MAX_TOTAL_BYTES": 32_000_000,  # bytes one query may read from all endpoints (400 past it)
    "SERVICE_MAX_REQUESTS": 100,  # requests one query may send to endpoints (400 past it)
}
# Sent with every response (docs/security.md, items 14-15): no sniffing, no framing, no inline script, and no
# origin but this one for anything a page loads or sends (the interface works offline: assets are vendored).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
}
# CORS for read endpoints: any origin, never credentials (Fetch standard §3.2.5).
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Content-Length, Content-Type, Vary, Link",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then GOVKG_* environment variables, then `config`; load the dataset."""
    # The app's parts (Flask too) load here, not with the package: a query worker imports govkg.web.jobs without
    # them, so the fork server that loads the data starts sooner.
    from flask import Flask

    from govkg.web.cache import ResponseCache
    from govkg.web.lean import Lean
    from govkg.web.metrics import Metrics
    from govkg.web.state import open_state, ready

    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("GOVKG")
    app.config.update(config or {})
    if app.config["DATA_CACHE"] is None:
        home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        app.config["DATA_CACHE"] = str(Path(home) / "govkg" / "stores")
    if app.config["DATA"]:
        app.config["PROJECT"] = False  # DATA is served in place of the project's dataset (no source texts either)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["govkg"] = state = open_state(app.config)  # the fork server loads the data meanwhile
    _register(app)
    ready(state)
    app.extensions["govkg.metrics"] = metrics = Metrics(state.runner.status)
    lean = Lean(app.wsgi_app, state, metrics, SECURITY_HEADERS | CORS_HEADERS, int(app.config["MAX_CONTENT_LENGTH"]))
    if app.config["LEAN_SPARQL"]:
        app.wsgi_app = app.extensions["govkg.lean"] = lean  # type: ignore[method-assign]
    if int(app.config["RESPONSE_CACHE_BYTES"]) > 0:
        cache = ResponseCache(app.wsgi_app, int(app.config["RESPONSE_CACHE_BYTES"]), lambda: state.generation)
        app.wsgi_app = app.extensions["govkg.cache"] = cache  # type: ignore[method-assign]
    app.wsgi_app = app.extensions["govkg.front"] = _front(app, metrics)  # type: ignore[method-assign]
    return app


def _register(app: Flask) -> None:
    """The app's blueprints, error handlers, interface language and navigation, and request hooks."""
    from govkg.web import (
        documents,
        downloads,
        handlers,
        hooks,
        i18n,
        meta,
        pictures,
        query,
        reconcile,
        resources,
        search,
        site,
        sparql,
    )

    for module in (sparql, downloads, meta, reconcile, search, query, pictures, documents, resources):
        app.register_blueprint(module.bp)
    handlers.register(app)
    i18n.register(app)
    site.register(app)
    hooks.register(app)


def _front(app: Flask, metrics: Metrics) -> Front:
    """The edge middleware: it checks the Host header against TRUSTED_HOSTS, unless PUBLIC_URL replaces it."""
    from govkg.web.front import Front

    public, trusted = app.config["PUBLIC_URL"] or None, app.config["TRUSTED_HOSTS"]
    hosts = trusted.split() if isinstance(trusted, str) else list(trusted or [])
    try:
        front = Front(app.wsgi_app, metrics, int(app.config["MAX_URI_LENGTH"]), public, hosts or None)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"PUBLIC_URL or MAX_URI_LENGTH: {error}") from None
    app.config["TRUSTED_HOSTS"] = None  # checked at the edge (Front), which also knows IPv6 literals
    return front
