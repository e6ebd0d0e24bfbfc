"""The home page and its JSON summary, the VoID description and its readable page, the JSON-LD context and the
health checks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, render_template, url_for
from rdflib import Graph, URIRef

from govkg import __version__, formats, jsonld
from govkg.pages import about as aboutmod
from govkg.pages import home as homemod
from govkg.pages import void as voidmod
from govkg.pages.model import curie
from govkg.pages.void import dump_names
from govkg.web import conneg, respond
from govkg.web.downloads import DUMP_FORMATS
from govkg.web.metrics import CONTENT_TYPE
from govkg.web.resources import TITLES, href
from govkg.web.search import Twin, entities
from govkg.web.state import State, current

__all__ = ["about", "bp", "context", "favicon", "health", "home", "summary", "void"]

bp = Blueprint("meta", __name__)

VOID_TWINS = ("turtle", "json-ld", "nt", "rdfxml")  # the VoID's formats a page links to


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


def _home(state: State) -> homemod.Home:
    """The home page's model in this request's language, once per data generation."""

    def make() -> homemod.Home:
        built = datetime.fromtimestamp(state.modified, UTC)
        return homemod.home(entities(), state.counts(), homemod.documents(state.select), built, __version__, g.lang)

    found: homemod.Home = state.memo.get(("home", g.lang), make)
    return found


def _twins(endpoint: str) -> list[Twin]:
    """The VoID in RDF formats at `endpoint`, as twins of a page."""
    return [Twin(f, formats.get(f).media_type, url_for(endpoint, format=f), TITLES[f]) for f in VOID_TWINS]


def _page(template: str, state: State, **context: Any) -> Response:
    """An HTML page with the helpers its template uses to link the data's IRIs locally."""
    body = render_template(
        template, href=lambda iri: href(URIRef(iri), state.base), curie=lambda iri: curie(iri, state.base), **context
    )
    return respond.data(body.encode("utf-8"), conneg.HTML)


@bp.route("/")
def home() -> Response:
    """What the graph holds, where to start, a search box; its machine twins: the VoID, and a JSON summary."""
    state = current()
    if respond.choose("graph")[1] != "html":
        return respond.graph(_void(state), "govkg")
    twins = [*_twins("meta.home"), Twin("json", "application/json", url_for("meta.summary"), "JSON")]
    return _page("home.html", state, page=_home(state), alternates=twins)


@bp.route("/summary.json")
def summary() -> Response:
    """The home page's figures and lists as JSON."""
    response = jsonify(homemod.summary(_home(current())))
    response.vary.add("Accept-Language")  # the lists are sorted by their labels in the chosen language
    return response


@bp.route("/about")
def about() -> Response:
    """The VoID description as a page people read (prefixed names, plain numbers, labelled tables); RDF by
    Accept or `format=`."""
    return _about("meta.about")


@bp.route("/.well-known/void")
def void() -> Response:
    """The VoID description of the dataset (VoID §7.2 well-known location); in HTML, the "about" page."""
    return _about("meta.void")


def _about(endpoint: str) -> Response:
    """The VoID in the negotiated RDF format, or the page that reads it out."""
    state = current()
    graph = _void(state)
    if respond.choose("graph")[1] != "html":
        return respond.graph(graph, "VoID description of govkg")
    counts = state.counts()
    names = state.memo.get(
        ("labels", "void"), lambda: aboutmod.labels(state.select, [*counts.classes, *counts.properties])
    )
    page = aboutmod.about(graph, state.base + "dataset", state.base, names)
    return _page("about.html", state, page=page, alternates=_twins(endpoint))


@bp.route("/favicon.ico")
def favicon() -> Response:
    """The icon browsers ask for where no page names one (a JSON or RDF answer): 301 to the SVG icon."""
    return Response(status=301, headers={"Location": url_for("static", filename="favicon.svg")})


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
