"""SPARQL 1.1 Query Results JSON (§3) read from a remote endpoint into rdflib terms, checking every term: the
answer comes from outside, and its IRIs and language tags are written back into query text."""

from __future__ import annotations

import json
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from govkg.federation.errors import RemoteError
from govkg.lexer import IRIREF, LANGTAG

__all__ = ["TERMS", "parse_results"]


def parse_results(data: bytes) -> tuple[list[str], list[dict[str, Node]]]:
    """SPARQL 1.1 Query Results JSON (§3) as variable names and rows; blank nodes are fresh (§3.2.2)."""
    try:
        document = json.loads(data)
        names = [_text(name) for name in document["head"]["vars"]]
        known, blanks = set(names), dict[str, BNode]()
        rows = [
            {name: _term(cell, blanks) for name, cell in row.items() if name in known}
            for row in document["results"]["bindings"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise RemoteError("the answer is not SPARQL 1.1 JSON results") from None
    return names, rows


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _term(cell: dict[str, Any], blanks: dict[str, BNode]) -> Node:
    """The rdflib term of one JSON RDF term (§3.2.2)."""
    return TERMS[_text(cell["type"])](cell, blanks)


def _iri(cell: dict[str, Any], blanks: dict[str, BNode]) -> URIRef:
    return _checked_iri(cell["value"])


def _checked_iri(value: object) -> URIRef:
    """An IRI that can be written back between angle brackets (it comes from a remote: check it)."""
    if not IRIREF.fullmatch(_text(value)):
        raise ValueError("not an IRI")
    return URIRef(str(value))


def _literal(cell: dict[str, Any], blanks: dict[str, BNode]) -> Literal:
    value, language, datatype = _text(cell["value"]), cell.get("xml:lang"), cell.get("datatype")
    if language is not None:
        if not LANGTAG.fullmatch(_text(language)):
            raise ValueError("not a language tag")
        return Literal(value, lang=language)
    if datatype is not None:
        return Literal(value, datatype=_checked_iri(datatype))
    return Literal(value)


def _blank(cell: dict[str, Any], blanks: dict[str, BNode]) -> BNode:
    return blanks.setdefault(_text(cell["value"]), BNode())


# "typed-literal" is the 2006 W3C Note's spelling, still sent by some endpoints.
TERMS = {"uri": _iri, "literal": _literal, "typed-literal": _literal, "bnode": _blank}
