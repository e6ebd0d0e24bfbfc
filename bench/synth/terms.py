"""N-Triples terms from annotation tokens, as govkg's extract reads them (extract/annotations.parse_term)."""

from __future__ import annotations

import re

from govkg.namespaces import DEFAULT_BASE, PREFIXES

GKD, GK = DEFAULT_BASE + "id/", DEFAULT_BASE + "ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_LITERAL = re.compile(r'^"(?P<lex>.*)"\^\^(?P<dt>\S+)$')
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> str:
    """`<value>`."""
    return f"<{value}>"


def lit(text: str, lang: str = "", datatype: str = "") -> str:
    """A literal in N-Triples syntax (plain, language-tagged or typed)."""
    body = '"' + text.translate(_ESCAPES) + '"'
    if lang:
        return f"{body}@{lang}"
    return f"{body}^^<{datatype}>" if datatype and datatype != XSD + "string" else body


def expand(token: str) -> str:
    """A prefixed name's IRI."""
    prefix, local = token.split(":", 1)
    return PREFIXES[prefix] + local


def term(token: str) -> str:
    """The N-Triples term of an annotation token (slug, prefixed name, `a`, integer or typed literal)."""
    if token == "a":
        return iri(RDF + "type")
    if token.isdigit():
        return lit(token, datatype=XSD + "integer")
    if match := _LITERAL.match(token):
        return lit(match["lex"], datatype=expand(match["dt"]))
    return iri(expand(token)) if ":" in token else iri(GKD + token)
