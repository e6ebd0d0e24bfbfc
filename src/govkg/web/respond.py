"""Answers in the representation the client asked for (Accept or `format=`), with Vary: Accept."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from rdflib import Graph

from govkg import serialize
from govkg.web import conneg
from govkg.web.errors import plain
from govkg.web.state import current


def choose(kind: str) -> tuple[str, str]:
    """(media type, format name) from `format=` if given, else from the Accept header."""
    values = request.args.getlist("format")
    if len(values) > 1:
        raise conneg.NotAcceptable("give at most one format parameter")
    if values:
        return conneg.by_name(values[0], kind)
    return conneg.negotiate(request.headers.get("Accept"), kind)


def data(body: bytes, media_type: str, status: int = 200) -> Response:
    """Bytes with their Content-Type (UTF-8) and Vary: Accept."""
    response = Response(body, status=status, content_type=conneg.content_type(media_type))
    response.vary.add("Accept")
    return response


def graph(g: Graph, title: str, template: str = "graph.html", **context: Any) -> Response:
    """A small RDF graph (a description) in the negotiated RDF format, or as an HTML page."""
    try:
        media_type, name = choose("graph")
    except conneg.NotAcceptable as error:
        return not_acceptable(error)
    if name == "html":
        rows = sorted(g, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
        page = render_template(template, title=title, rows=rows, **context)
        return data(page.encode("utf-8"), conneg.HTML)
    return data(serialize.rdf_bytes(g, name, current().base), media_type)


def not_acceptable(error: Exception) -> Response:
    """HTTP 406 with the list of what is on offer."""
    response = plain(406, f"406 Not Acceptable: {error}")
    response.vary.add("Accept")
    return response
