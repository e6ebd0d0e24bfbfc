"""Dumps of the dataset and of each named graph, and the Graph Store Protocol's read side."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import NotFound

from govkg import formats
from govkg.engine import Selection
from govkg.pages.void import dump_names
from govkg.web import conneg, jobs, respond, writes
from govkg.web.errors import READ_ONLY, HttpError
from govkg.web.search import Twin
from govkg.web.state import State, current

__all__ = ["DUMP_FORMATS", "bp", "current_json", "direct", "dump", "graph_store", "index"]

bp = Blueprint("downloads", __name__)
WRITES = ["PUT", "POST", "DELETE", "PATCH"]
DUMP_FORMATS = ("turtle", "json-ld", "nt", "rdfxml", "trig", "nquads")
ALL = "govkg"  # the file stem of the whole dataset


@bp.route("/download/")
def index() -> Response:
    """The list of dumps: an HTML page or its JSON twin."""
    state = current()
    files = {ALL: None, **{name: iri for iri, name in dump_names(state.graphs, state.base).items()}}
    table = [
        {
            "graph": iri,
            "name": stem,
            "files": {f: url_for(".dump", filename=stem + formats.get(f).suffix, _external=True) for f in DUMP_FORMATS},
        }
        for stem, iri in files.items()
    ]
    media_type, name = respond.choose("index")
    if name == "html":
        twin = Twin("json", "application/json", url_for(".index", format="json"), "JSON")
        return respond.data(render_template("downloads.html", table=table, alternates=[twin]).encode(), media_type)
    return respond.data(current_json(table), media_type)


def current_json(value: object) -> bytes:
    """JSON bytes with the app's settings."""
    return current_app.json.dumps(value).encode("utf-8") + b"\n"


@bp.route("/download/<path:filename>")
def dump(filename: str) -> Response:
    """One dump: /download/govkg.<suffix> (everything) or /download/<graph name>.<suffix>."""
    state = current()
    stem, dot, suffix = filename.rpartition(".")
    try:
        fmt = formats.by_suffix("." + suffix) if dot else None
    except formats.FormatError:
        fmt = None
    names = {name: iri for iri, name in dump_names(state.graphs, state.base).items()}
    if fmt is None or (stem != ALL and stem not in names):
        raise NotFound()
    graphs = None if stem == ALL else [names[stem]]
    return _send(state, graphs, fmt.name, fmt.media_type)


def _send(state: State, graphs: list[str] | None, name: str, media_type: str) -> Response:
    """Serialised graphs with Content-Length, a weak ETag from the build and Last-Modified; 304 when fresh."""
    generation = state.generation  # read before the export: an ETag never names newer data than the bytes hold
    response = respond.data(state.export(graphs, name), media_type)
    response.set_etag(f"{generation[:20]}-{'+'.join(graphs or ['all'])}-{name}", weak=True)
    response.last_modified = datetime.fromtimestamp(state.modified, tz=UTC)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.make_conditional(request)
    return response


@bp.route("/rdf-graph-store", methods=["GET", "HEAD", *WRITES])
def graph_store() -> Response:
    """Graph Store Protocol, indirect identification (§4.2): ?default or ?graph=IRI; writes with a token on a
    writable server."""
    default, graph = "default" in request.args, request.args.getlist("graph")
    if request.method in WRITES and not writes.writable():
        raise HttpError(403, READ_ONLY)
    if request.method == "POST" and not default and not graph:
        return writes.new_graph()
    if default == bool(graph) or len(graph) > 1:
        raise HttpError(400, "give either ?default or one ?graph=IRI (Graph Store Protocol §4.2)")
    if request.method in WRITES:
        return writes.graph_write(request.method, None if default else graph[0])
    return _graph(None if default else graph[0])


@bp.route("/graph/<path:name>", methods=["GET", "HEAD", *WRITES])
def direct(name: str) -> Response:
    """Graph Store Protocol, direct identification (§4.1): the graph <base>graph/NAME."""
    if request.method in WRITES:
        if not writes.writable():
            raise HttpError(403, READ_ONLY)
        return writes.graph_write(request.method, current().base + "graph/" + name)
    return _graph(current().base + "graph/" + name)


def _graph(iri: str | None) -> Response:
    """One stored graph (or the default graph, the union of all) in the negotiated format."""
    state = current()
    if iri is not None and iri not in state.graphs:
        raise HttpError(404, f"no graph {iri[:200]}")
    media_type, name = respond.choose("graph")
    if name == "html":
        return _graph_page(state, iri)
    if iri is None and state.writer is not None:
        return _default_graph(state)
    return _send(state, None if iri is None else [iri], name, media_type)


def _default_graph(state: State) -> Response:
    """A writable store's own default graph (what a Graph Store PUT ?default writes), not the union that queries
    see as their default graph."""
    args: tuple[object, ...] = (
        "CONSTRUCT WHERE { ?s ?p ?o }",
        Selection((), ()),
        [],
        request.headers.get("Accept"),
        state.limits,
    )
    reply = state.runner.run(jobs.answer, args, state.timeout)
    return respond.data(reply.body, reply.media_type)


def _other_params() -> list[tuple[str, str]]:
    """The request's parameters but those naming a format (a twin's link names its own)."""
    return [(k, v) for k, v in request.args.items(multi=True) if k not in conneg.FORMAT_PARAMETERS]


def _graph_page(state: State, iri: str | None) -> Response:
    """An HTML view of a graph's first triples with links to every format."""
    query = (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}" if iri else "CONSTRUCT WHERE { ?s ?p ?o }"
    )
    _, rows = state.runner.run(jobs.rows, (query, Selection(), state.row_limit), state.timeout)
    page = render_template(
        "graph.html",
        graph=iri or "",
        rows=rows,
        limit=state.row_limit,
        twins={f: "?" + urlencode([*_other_params(), ("format", f)]) for f in DUMP_FORMATS},
    )
    return respond.data(page.encode("utf-8"), conneg.HTML)
