"""The SPARQL 1.1 Protocol, query side, at /sparql; its service description on a bare GET."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.datastructures import MultiDict

from govkg.engine import FORMS, Selection, guard
from govkg.namespaces import graph_iri
from govkg.pages.service import service_description
from govkg.web import conneg, jobs, query, respond, writes
from govkg.web.errors import READ_ONLY, HttpError
from govkg.web.state import State, current

__all__ = ["Operation", "bp", "endpoint", "read", "run"]

bp = Blueprint("sparql", __name__)

FORM, QUERY, UPDATE = "application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update"
Body = Callable[[], bytes]  # the request body, read when needed
BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
EXAMPLES = [
    "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 20",
    "SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
]


@dataclass
class Operation:
    """A query request: the query text (None for a service description request), its dataset and its format
    parameters."""

    query: str | None
    selection: Selection
    params: MultiDict[str, str]


@bp.route("/sparql", methods=["GET", "HEAD", "POST"])
def endpoint() -> Response:
    """Answer a query (SPARQL 1.1 Protocol §2.1) or, for a bare GET, describe the service (SD §2)."""
    if writes.writable() and _names_an_update():
        writes.editor()  # who asks comes first: a client without the token learns nothing else
        if request.method != "POST":
            raise HttpError(405, "an update is sent with POST (SPARQL 1.1 Protocol §2.2)", {"Allow": "POST"})
        update = _update()
        if update is not None:
            params = MultiDict(request.args)
            params.update(_raw_form())
            using = (params.getlist("using-graph-uri"), params.getlist("using-named-graph-uri"))
            return writes.update(update, *using)
    operation = _operation()
    if operation.query is None:
        return _service_description()
    return _answer(operation)


def _names_an_update() -> bool:
    """Whether the request carries an update, however well formed (the body is read raw and kept, so a query
    form can still be read after this)."""
    return request.mimetype == UPDATE or "update" in request.args or "update" in _raw_form()


def _raw_form() -> MultiDict[str, str]:
    """The parameters of a form body, read from the kept bytes (empty for any other body)."""
    if request.method != "POST" or request.mimetype != FORM:
        return MultiDict()
    text = request.get_data(cache=True).decode("utf-8", "replace")
    return MultiDict(parse_qsl(text, keep_blank_values=True))


def _update() -> str | None:
    """The update of a POST (SPARQL 1.1 Protocol §2.2: `update=` in a form, or an application/sparql-update
    body), or None for a query."""
    if request.mimetype == UPDATE:
        return _utf8(request.get_data(cache=False))
    if request.mimetype == FORM:
        form = _raw_form()
        updates = form.getlist("update")
        if len(updates) > 1:
            raise HttpError(400, "give exactly one update (SPARQL 1.1 Protocol §2.2)")
        if updates and "query" in form:
            raise HttpError(400, "give a query or an update, not both")
        return updates[0] if updates else None
    return None


def _operation() -> Operation:
    """Read the operation from the request."""
    charset = request.mimetype_params.get("charset", "utf-8")
    return read(request.method, request.mimetype, charset, MultiDict(request.args), request.get_data)


def read(method: str, media_type: str, charset: str, params: MultiDict[str, str], body: Body) -> Operation:
    """The operation of a request (its URL's parameters, its body read on demand), refusing every misuse with the
    protocol's status codes."""
    if method == "POST":
        params = _post_params(params, media_type, charset.lower(), body)
    if "update" in params:
        raise HttpError(403, READ_ONLY)
    queries = params.getlist("query")
    if len(queries) > 1:
        raise HttpError(400, "give exactly one query (SPARQL 1.1 Protocol §2.1.1)")
    if not queries and method == "POST":
        raise HttpError(400, "the request has no query")
    return Operation(queries[0] if queries else None, _selection(params), params)


def _post_params(params: MultiDict[str, str], media_type: str, charset: str, data: Body) -> MultiDict[str, str]:
    """The parameters of a POST: a form body, or a query body with the others in the URL (§2.1.2-3)."""
    if media_type == UPDATE:
        raise HttpError(403, READ_ONLY)
    if media_type not in (FORM, QUERY):
        if _looks_like_update(data()):
            raise HttpError(403, READ_ONLY)  # refused whatever its form: there is no write path to misuse
        raise HttpError(415, f"{media_type or 'missing Content-Type'}; POST {FORM} or {QUERY}")
    if charset not in ("utf-8", "utf8"):
        raise HttpError(415, f"charset {charset}; the body must be UTF-8")
    body = _utf8(data())
    if media_type == QUERY:
        if "query" in params:
            raise HttpError(400, "query given both in the URL and in the body")
        params.add("query", body)
        return params
    try:
        pairs = parse_qsl(body, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise HttpError(400, "the form body is not UTF-8 percent-encoded") from None
    for key, value in pairs:
        params.add(key, value)
    return params


def _looks_like_update(body: bytes) -> bool:
    """A body of unknown type that is an update, or a form carrying one (a misuse of the update side)."""
    text = body.decode("utf-8", "replace")
    return text.startswith("update=") or "&update=" in text or guard.is_update(text)


def _utf8(body: bytes) -> str:
    """The body as text, or a 400 if it is not UTF-8."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "the body is not valid UTF-8") from None


def _selection(params: MultiDict[str, str]) -> Selection:
    """The RDF dataset named by default-graph-uri / named-graph-uri (§2.1.4) and the infer switch."""
    default, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    for iri in default + named:
        if not urlsplit(iri).scheme or any(c in iri for c in '<>" {}|\\^`'):
            raise HttpError(400, f"not an absolute IRI: {iri[:200]!r}")
    infer = params.get("infer", "true").lower()
    if infer not in BOOLEANS:
        raise HttpError(400, "infer must be true or false")
    if default or named:
        return Selection(tuple(default), tuple(named), BOOLEANS[infer])
    return Selection(infer=BOOLEANS[infer])


def _answer(operation: Operation) -> Response:
    """Evaluate on the runner under the deadline and send the negotiated representation."""
    assert operation.query is not None
    reply = run(current(), operation, request.headers.get("Accept"), request.remote_addr or "")
    if reply.table is not None:
        response = _html(operation, reply.form, *reply.table)
    else:
        response = respond.data(reply.body, reply.media_type)
    if guard.mentions_service(operation.query):
        response.headers["Cache-Control"] = "no-store"  # it may hold what a remote endpoint answered just now
    return response


def run(state: State, operation: Operation, accept: str | None, client: str) -> jobs.Reply:
    """Guard the query, then evaluate it on the runner under the deadline, within the client's share of places."""
    assert operation.query is not None
    guard.check(operation.query, state.max_query_length)
    args = (operation.query, operation.selection, respond.format_values(operation.params), accept, state.limits)
    with state.gate.enter(client):
        return state.runner.run(jobs.answer, args, state.timeout)


def _html(operation: Operation, form: str, names: list[str], rows: list[list[Any]]) -> Response:
    """The answer as an HTML page, with links to its machine-readable twins."""
    state, kind = current(), FORMS[form]
    twins = {name: _twin_url(operation, name) for _, name in conneg.OFFERS[kind] if name != "html"}
    page = render_template(
        "results.html",
        query=operation.query,
        names=names,
        rows=rows,
        form=form,
        limit=state.row_limit,
        twins=twins,
        title="SPARQL results",
    )
    return respond.data(page.encode("utf-8"), conneg.HTML)


def _twin_url(operation: Operation, name: str) -> str:
    """A GET URL for the same query in another format."""
    params: list[tuple[str, str]] = [("query", operation.query or "")]
    params += [("default-graph-uri", g) for g in operation.selection.default or ()]
    params += [("named-graph-uri", g) for g in operation.selection.named or ()]
    if not operation.selection.infer:
        params.append(("infer", "false"))
    return "?" + urlencode([*params, ("format", name)])


def _service_description() -> Response:
    """The SD of this endpoint: RDF by negotiation, or an HTML page with a query form."""
    state = current()
    graph = service_description(
        request.base_url,
        state.counts(),
        graph_iri("inferred", state.base),
        state.base + "dataset",
        sorted(state.policy.allowlist),
        _limits(state),
        writable=state.writer is not None,
    )
    query.describe_examples(graph)  # the gallery's queries as SHACL executables (what SPARQL editors read)
    return respond.graph(graph, "govkg SPARQL endpoint", "service.html", examples=EXAMPLES)


def _limits(state: State) -> dict[str, float]:
    """The endpoint's limits, as stated in its service description (gk: properties)."""
    config = current_app.config
    return {
        "queryTimeout": state.timeout,
        "maxResultRows": state.limits.max_rows,
        "maxResultBytes": state.limits.max_bytes,
        "maxRequestBytes": int(config["MAX_CONTENT_LENGTH"]),
        "maxQueryLength": state.max_query_length,
        "maxConcurrentQueries": state.gate.limit,
    }
