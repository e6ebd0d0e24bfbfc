"""Answers in the representation the client asked for (`format=` values, then Accept), with Vary: Accept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, render_template, request
from rdflib import Graph
from werkzeug.datastructures import MultiDict

from govkg import serialize
from govkg.web import conneg
from govkg.web.state import current

__all__ = ["choose", "data", "format_values", "graph"]


def format_values(params: MultiDict[str, str] | None = None) -> list[str]:
    """The values of every parameter that names a format (`format`, `output`, `results`), in order."""
    given = request.args if params is None else params
    return [v for name in conneg.FORMAT_PARAMETERS for v in given.getlist(name)]


def choose(kind: str, params: MultiDict[str, str] | None = None) -> tuple[str, str]:
    """(media type, format name) from the format parameters and the Accept header."""
    return conneg.choose(format_values(params), request.headers.get("Accept"), kind)


def data(body: bytes, media_type: str, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """Bytes with their Content-Type (UTF-8) and Vary: Accept."""
    response = Response(body, status=status, content_type=conneg.content_type(media_type), headers=headers)
    response.vary.add("Accept")
    return response


def graph(g: Graph, title: str, template: str = "graph.html", **context: Any) -> Response:
    """A small RDF graph (a description) in the negotiated RDF format, or as an HTML page."""
    media_type, name = choose("graph")
    if name == "html":
        rows = sorted(g, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
        page = render_template(template, title=title, rows=rows, **context)
        return data(page.encode("utf-8"), conneg.HTML)
    return data(serialize.rdf_bytes(g, name, current().base), media_type)
