"""The home page, the VoID description, the JSON-LD context and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, url_for
from rdflib import Graph

from govkg import formats, jsonld
from govkg.pages import void as voidmod
from govkg.pages.void import dump_names
from govkg.web import respond
from govkg.web.downloads import DUMP_FORMATS
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
    """200 with what is loaded, as long as the dataset is loaded and answers a query."""
    state = current()
    rows = state.select("ASK { }")
    return jsonify(
        status="ok" if rows else "failing",
        engine=state.engine.kind,
        graphs=len(state.graphs),
        triples=state.counts().triples,
        build=state.generation[:16],
    )
