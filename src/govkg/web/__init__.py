"""The web app: `create_app(config=None)` builds a Flask app serving one dataset over SPARQL 1.1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request

from govkg.engine import DEFAULT
from govkg.federation import DEFAULT_ALLOWLIST
from govkg.namespaces import DEFAULT_BASE
from govkg.web import downloads, errors, meta, reconcile, resources, sparql
from govkg.web.cache import ResponseCache
from govkg.web.errors import ConfigError
from govkg.web.state import open_state

__all__ = ["DEFAULTS", "ConfigError", "create_app"]

DEFAULTS: dict[str, Any] = {
    "ROOT": None,  # project folder holding build/govkg.nq
    "DATASET": None,  # a built dataset file (.nq/.trig) instead of ROOT/build/govkg.nq
    "PROJECT": True,  # serve the project's dataset (false: only GRAPHS)
    "GRAPHS": [],  # extra named graphs, "IRI=FILE" items
    "BASE_IRI": DEFAULT_BASE,
    "ENGINE": DEFAULT,  # a kind of govkg.engine.ENGINES: "oxigraph" or "rdflib"
    "QUERY_TIMEOUT": 30,  # seconds per query
    "QUERY_THREADS": 8,  # evaluation threads per process
    "HTML_ROW_LIMIT": 1000,  # rows shown on an HTML results page
    "MAX_CONTENT_LENGTH": 1_000_000,  # bytes of request body (413 past it)
    "MAX_QUERY_LENGTH": 100_000,  # characters of query text (400 past it)
    "RESPONSE_CACHE_BYTES": 64_000_000,  # answers to repeated GET /sparql kept per process (0: none)
    # SPARQL 1.1 Federated Query: SERVICE may call these endpoints only (exact IRIs; empty: no SERVICE at all).
    "SERVICE_ALLOWLIST": list(DEFAULT_ALLOWLIST),
    "SERVICE_CONNECT_TIMEOUT": 5,  # seconds to open a connection to an allowlisted endpoint
    "SERVICE_READ_TIMEOUT": 20,  # seconds to wait for its answer (never past the query's deadline)
    "SERVICE_MAX_BYTES": 16_000_000,  # largest answer read from an endpoint
    "SERVICE_MAX_TOTAL_BYTES": 32_000_000,  # bytes one query may read from all endpoints (400 past it)
    "SERVICE_MAX_REQUESTS": 100,  # requests one query may send to endpoints (400 past it)
}
# Sent with every response (docs/security.md, items 14-15): no sniffing, no framing, no inline script.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'",
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
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("GOVKG")
    app.config.update(config or {})
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["govkg"] = state = open_state(app.config)
    for blueprint in (sparql.bp, downloads.bp, meta.bp, reconcile.bp, resources.bp):
        app.register_blueprint(blueprint)
    errors.register(app)
    app.after_request(_headers)
    if int(app.config["RESPONSE_CACHE_BYTES"]) > 0:
        cache = ResponseCache(app.wsgi_app, int(app.config["RESPONSE_CACHE_BYTES"]), lambda: state.generation)
        app.wsgi_app = cache  # type: ignore[method-assign]
    return app


def _headers(response: Response) -> Response:
    """Security and CORS headers on every response (a page that set its own CSP, such as the reconciliation
    preview shown in a client's iframe, keeps it); the preflight answer on OPTIONS."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
    return response
