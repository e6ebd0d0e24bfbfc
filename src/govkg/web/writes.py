"""Writes, off by default (`govkg serve --writable --store DIR`): SPARQL 1.1 Update on /sparql and the Graph Store
Protocol's write side, each behind a bearer token (RFC 6750; never a cookie), each change checked with the SHACL
shapes against its would-be result and committed whole with its audit record (govkg.store)."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, current_app, jsonify, request

from govkg import jsonld
from govkg.errors import GovkgError, one_line
from govkg.store import Receipt
from govkg.store.durable import data_operations
from govkg.web.errors import READ_ONLY, HttpError
from govkg.web.state import current

__all__ = ["UPLOADS", "editor", "graph_write", "update", "writable"]

# Media types a Graph Store upload may have (SPARQL 1.1 Graph Store Protocol §5.3); anything else is a 415.
UPLOADS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
CHALLENGE = 'Bearer realm="govkg"'


def writable() -> bool:
    """Whether this server accepts writes at all."""
    return current().store is not None


def editor() -> str:
    """The name of the token the request carries: 401 without one, 403 with one that is not accepted."""
    header = request.headers.get("Authorization")
    if not header:
        raise HttpError(401, "writes need a bearer token (Authorization: Bearer …)", {"WWW-Authenticate": CHALLENGE})
    name = current().tokens.who(header)
    if name is None:
        headers = {"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'}
        raise HttpError(403, "this token may not write to this endpoint", headers)
    return name


def update(text: str) -> Response:
    """Apply a SPARQL 1.1 Update (Protocol §2.2) for the token's editor."""
    if not writable():
        raise HttpError(403, READ_ONLY)
    return _receipt(current().write(text, editor()), 200)


def graph_write(method: str, iri: str | None) -> Response:
    """PUT (replace), POST (merge) or DELETE a graph (Graph Store Protocol §5.3-5.5); `iri` None: the default graph."""
    if not writable():
        raise HttpError(403, READ_ONLY)
    name, state = editor(), current()
    exists = iri is None or iri in state.graphs
    target = f"GRAPH <{iri}>" if iri else "DEFAULT"
    if method == "DELETE":
        if not exists:
            raise HttpError(404, f"no graph {iri}")
        return _receipt(state.write(f"CLEAR {target}" if iri is None else f"DROP GRAPH <{iri}>", name), 200)
    if method not in ("PUT", "POST"):
        raise HttpError(405, f"{method} is not a Graph Store operation", {"Allow": "GET, HEAD, PUT, POST, DELETE"})
    quads = _upload(iri)
    operations = ([f"CLEAR SILENT {target}"] if method == "PUT" else []) + data_operations("INSERT", quads)
    receipt = state.write(" ;\n".join(operations) or "CLEAR SILENT GRAPH <urn:govkg:nothing>", name)
    return _receipt(receipt, 201 if not exists else 200)


def _upload(iri: str | None) -> set[ox.Quad]:
    """The request body's triples, placed in the target graph; 415 for a media type not offered, 400 for a body
    that does not parse. Nothing is fetched: no external entity, DTD or remote JSON-LD context (security item 8)."""
    fmt = UPLOADS.get(request.mimetype)
    if fmt is None:
        raise HttpError(415, f"{request.mimetype or 'missing Content-Type'}; upload one of {', '.join(UPLOADS)}")
    body = request.get_data(cache=False)
    graph = ox.NamedNode(iri) if iri else ox.DefaultGraph()
    try:
        data = jsonld.bundle(body, current().base) if fmt == ox.RdfFormat.JSON_LD else body
        triples = ox.parse(data, format=fmt, base_iri=iri or current().base)
        return {ox.Quad(q.subject, q.predicate, q.object, graph) for q in triples}
    except (SyntaxError, ValueError, OSError, GovkgError) as error:
        raise HttpError(400, f"the body does not parse as {request.mimetype}: {one_line(error, 300)}") from None


def _receipt(receipt: Receipt, status: int) -> Response:
    """What an accepted change reports: its number in the audit graph, the generation, the counts."""
    current_app.extensions["govkg.metrics"].writes.labels("accepted").inc()
    response = jsonify(
        change=receipt.number, generation=receipt.generation, added=receipt.added, removed=receipt.removed
    )
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
