"""Writes, off by default (`govkg serve --writable --store DIR`): SPARQL 1.1 Update on /sparql and the Graph Store
Protocol's write side, each behind a bearer token (RFC 6750; never a cookie), each change checked with the SHACL
shapes against its would-be result and committed whole with its audit record (govkg.store)."""

from __future__ import annotations

import io
import uuid

import pyoxigraph as ox
from flask import Response, current_app, jsonify, request

from govkg import jsonld, lexer
from govkg.engine import entities
from govkg.errors import GovkgError, one_line
from govkg.store import Receipt
from govkg.store.durable import data_operations
from govkg.web.errors import READ_ONLY, HttpError
from govkg.web.state import current

__all__ = ["UPLOADS", "editor", "graph_write", "new_graph", "update", "with_dataset", "writable"]

# Media types a Graph Store upload may have (SPARQL 1.1 Graph Store Protocol §5.3); anything else is a 415.
UPLOADS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
CHALLENGE = 'Bearer realm="govkg"'
NOTHING = "INSERT DATA { }"  # the update of an upload with no triples: it changes nothing


def writable() -> bool:
    """Whether this server accepts writes at all."""
    return current().writer is not None


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


def update(text: str, using: list[str], using_named: list[str]) -> Response:
    """Apply a SPARQL 1.1 Update (Protocol §2.2) for the token's editor; `using-graph-uri` and
    `using-named-graph-uri` give its dataset (§2.2.3), as USING / USING NAMED in each operation."""
    if not writable():
        raise HttpError(403, READ_ONLY)
    name = editor()
    return _receipt(current().write(with_dataset(text, using, using_named), name), 200)


def with_dataset(text: str, using: list[str], using_named: list[str]) -> str:
    """The update with USING / USING NAMED clauses before the WHERE of each operation that has one; a 400 when the
    update names its own dataset too (SPARQL 1.1 Protocol §2.2.3)."""
    if not using and not using_named:
        return text
    found = lexer.tokens(text)
    pairs = zip(found, _depths(found), strict=True)
    words = [(text[a:b].upper(), a, depth) for (kind, a, b), depth in pairs if kind == "word"]
    if any(word in ("USING", "WITH") for word, _, _ in words):
        raise HttpError(400, "the update names its dataset (USING or WITH) and so does the request")
    clause = " ".join([*(f"USING <{g}>" for g in using), *(f"USING NAMED <{g}>" for g in using_named)]) + " "
    places = [start for word, start, depth in words if word == "WHERE" and depth == 0]
    for start in reversed(places):
        text = text[:start] + clause + text[start:]
    return text


def _depths(found: list[tuple[str, int, int]]) -> list[int]:
    """The bracket depth at each token."""
    depths, depth = [], 0
    for kind, _, _ in found:
        depth -= kind == "close"
        depths.append(depth)
        depth += kind == "open"
    return depths


def graph_write(method: str, iri: str | None) -> Response:
    """PUT (replace), POST (merge) or DELETE a graph (Graph Store Protocol §5.3-5.5); `iri` None: the default graph."""
    if not writable():
        raise HttpError(403, READ_ONLY)
    name, state = editor(), current()
    if iri is not None:
        _check_iri(iri)
    exists = iri is None or iri in state.graphs
    target = f"GRAPH <{iri}>" if iri else "DEFAULT"
    if method == "DELETE":
        if not exists:
            raise HttpError(404, f"no graph {iri}")
        return _receipt(state.write(f"CLEAR {target}" if iri is None else f"DROP GRAPH <{iri}>", name), 200)
    if method not in ("PUT", "POST"):
        raise HttpError(405, f"{method} is not a Graph Store operation", {"Allow": "GET, HEAD, PUT, POST, DELETE"})
    quads = _uploads(iri)
    operations = ([f"CLEAR SILENT {target}"] if method == "PUT" else []) + data_operations("INSERT", quads)
    receipt = state.write(" ;\n".join(operations) or NOTHING, name)
    return _receipt(receipt, 201 if not exists else 200)


def _check_iri(iri: str) -> None:
    """A 400 for a graph name that is not an absolute IRI (RFC 3987)."""
    try:
        ox.NamedNode(iri)
    except ValueError as error:
        raise HttpError(400, f"not an absolute graph IRI: {iri[:200]!r} ({one_line(error, 100)})") from None


def new_graph() -> Response:
    """POST to the graph store itself (Graph Store Protocol §5.5): a new graph named by the server, 201 with its
    IRI in Location."""
    if not writable():
        raise HttpError(403, READ_ONLY)
    name, state = editor(), current()
    iri = f"{state.base}graph/new/{uuid.uuid4().hex}"
    receipt = state.write(" ;\n".join(data_operations("INSERT", _uploads(iri))) or NOTHING, name)
    response = _receipt(receipt, 201)
    response.headers["Location"] = iri
    return response


def _uploads(iri: str | None) -> set[ox.Quad]:
    """The triples of the body, or of every part of a multipart/form-data body (§5.5)."""
    if request.mimetype != "multipart/form-data":
        return _upload(iri, request.mimetype, request.get_data(cache=False))
    quads: set[ox.Quad] = set()
    for part in request.files.values():
        quads |= _upload(iri, part.mimetype, part.read())
    return quads


def _upload(iri: str | None, media_type: str, body: bytes) -> set[ox.Quad]:
    """A body's triples, placed in the target graph; 415 for a media type not offered, 400 for a body that does
    not parse. Nothing is fetched: no external entity, DTD or remote JSON-LD context (docs/security.md, item 8)."""
    fmt = UPLOADS.get(media_type)
    if fmt is None:
        raise HttpError(415, f"{media_type or 'missing Content-Type'}; upload one of {', '.join(UPLOADS)}")
    graph = ox.NamedNode(iri) if iri else ox.DefaultGraph()
    try:
        data = jsonld.bundle(body, current().base) if fmt == ox.RdfFormat.JSON_LD else body
        if fmt == ox.RdfFormat.RDF_XML:
            entities.check(lambda: io.BytesIO(body))  # Oxigraph would expand an entity bomb without limit
        triples = ox.parse(data, format=fmt, base_iri=iri or current().base)
        return {ox.Quad(q.subject, q.predicate, q.object, graph) for q in triples}
    except (SyntaxError, ValueError, OSError, GovkgError, RecursionError) as error:
        raise HttpError(400, f"the body does not parse as {media_type}: {one_line(error, 300)}") from None


def _receipt(receipt: Receipt, status: int) -> Response:
    """What an accepted change reports: its number in the audit graph, the generation, the counts."""
    current_app.extensions["govkg.metrics"].writes.labels("accepted").inc()
    response = jsonify(
        change=receipt.number, generation=receipt.generation, added=receipt.added, removed=receipt.removed
    )
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
