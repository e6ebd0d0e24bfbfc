"""The home page, the VoID description, the JSON-LD context and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, url_for
from rdflib import Graph

from govkg import formats, jsonld
from govkg.pages import void as voidmod
from govkg.pages.void import dump_names
from govkg.web import respond
from govkg.web.downloads import DUMP_FORMATS
from govkg.web.metrics import CONTENT_TYPE
from govkg.web.state import State, current

__all__ = ["bp", "context", "health", "home", "void"]

bp = Blueprint("meta", __name__)


def _void(state: State) -> Graph:
    """The VoID graph, with this server's URLs for the endpoint and the dumps."""
    dumps = {
        f: url_for("downloads.dump", filename="govkg" + formats.get(f).suffix, _external=True) for f in DUMP_FORMATS
    }
    graph_dumps = {
        iri: url_for("downloads.dump", filename=name + ".ttl", _external=True)
        for iri, name in dump_names(state.graphs, state.base).items()
    }
    links = voidmod.Links(url_for("sparql.endpoint", _external=True), dumps, graph_dumps)
    return voidmod.void(state.counts(), state.base + "dataset", state.base, links)


@bp.route("/")
def home() -> Response:
    """What govkg is and where to go; its machine twin is the VoID description."""
    state = current()
    return respond.graph(_void(state), "govkg", "home.html", counts=state.counts())


@bp.route("/.well-known/void")
def void() -> Response:
    """The VoID description of the dataset (VoID §7.2 well-known location)."""
    return respond.graph(_void(current()), "VoID description of govkg")


@bp.route("/context.jsonld")
def context() -> Response:
    """govkg's JSON-LD @context, the one every JSON-LD answer is compacted with."""
    body = current_app.json.dumps({"@context": jsonld.context(current().base)}).encode("utf-8")
    response = respond.data(body, "application/ld+json")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@bp.route("/health")
def health() -> Response:
    """Liveness, and whether a query could start now: 200 "ok", or 503 "busy" when every query worker is taken
    (a load balancer then sends the next query elsewhere)."""
    state, status = current(), current().runner.status()
    body = {
        "status": "ok" if status.free else "busy",
        "engine": state.engine.kind,
        "graphs": len(state.graphs),
        "build": state.generation[:16],
        "workers": {"size": status.size, "busy": status.busy, "started": status.started, "restarts": status.restarts},
    }
    response = jsonify(body)
    if not status.free:
        response.status_code, response.headers["Retry-After"] = 503, "1"
    return response


@bp.route("/ready")
def ready() -> Response:
    """Readiness: 200 once the data is loaded and a query worker answers a query; else 503."""
    state = current()
    rows = state.select("ASK { }")
    ok = bool(rows) and str(rows[0][0]) == "true"
    response = jsonify(status="ready" if ok else "failing", triples=state.counts().triples)
    response.status_code = 200 if ok else 503
    return response


@bp.route("/metrics")
def metrics() -> Response:
    """Prometheus metrics (text exposition format 0.0.4)."""
    body = current_app.extensions["govkg.metrics"].text()
    response = Response(body, content_type=CONTENT_TYPE)
    response.cache_control.no_store = True
    return response
