"""The query govkg sends for a SERVICE clause (SPARQL 1.1 Federated Query §4), built from the clause's
exact source text: its group as a SELECT *, with the base and prefixes it may use, and the solutions
bound so far as a trailing VALUES block (Query §10.2.2), which joins with the group's result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pyparsing import ParseResults
from rdflib.plugins.sparql import parser
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Prologue
from rdflib.term import Literal, Node, URIRef, Variable

from govkg import lexer
from govkg.lexer import IRIREF, LANGTAG

__all__ = ["TEXT", "certainly_bound", "group", "remote_query", "sparql", "variables"]

TEXT = "govkg_text"  # the key under which a SERVICE node keeps its exact source text
_END = "govkg_end"  # where the clause ends, kept on the node between rdflib's postParse and our parse action
_PREFIX = re.compile(r"([^\W\d_][\w.\-]*)?:")  # every place a prefixed name may start (a superset)
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})  # Query §19.7
_STAND_IN = "SERVICE <urn:x> {}"  # what rdflib's postParse searches instead of the whole query
_RDFLIB_POST_PARSE = parser.ServiceGraphPattern.postParse


def _post_parse(text: str, end: int, tokens: ParseResults) -> CompValue:
    """rdflib's postParse of a SERVICE clause, which builds its node (parserutils.Comp.postParse), given a
    stand-in for the query: rdflib searches the text it is given for `service_string` once per clause, which
    over the whole query took quadratic time and recursed without end on a SERVICE inside a SERVICE. Also
    keeps where the clause ends (pyparsing hands postParse the end, parse actions the start)."""
    node: CompValue = _RDFLIB_POST_PARSE(_STAND_IN, end, tokens)
    node[_END] = end
    return node


def _record_text(text: str, location: int, tokens: ParseResults) -> None:
    """Keep the exact source text of each SERVICE clause on its node, cut from the query without parsing
    it again (rdflib's own `service_string` was the text of the query's first SERVICE clause)."""
    node = tokens[0]
    node[TEXT] = node["service_string"] = text[location : node.pop(_END)]


parser.ServiceGraphPattern.postParse = _post_parse  # type: ignore[method-assign,assignment]
parser.ServiceGraphPattern.add_parse_action(_record_text)


def remote_query(
    clause: str,
    prologue: Prologue | None,
    names: Sequence[Variable],
    rows: Sequence[Sequence[str]],
    unbound: Sequence[Variable] = (),
) -> str:
    """The query sent for a SERVICE clause: its group as a SELECT *, with the base and the prefixes it
    uses, the bound values as a trailing VALUES block (SPARQL 1.1 Federated Query §4, Query §10.2.2), and
    the `unbound` variables filtered to be unbound."""
    pattern = group(clause)
    base = prologue.base if prologue and prologue.base and IRIREF.fullmatch(prologue.base) else None
    head = [f"BASE <{base}>"] if base else []
    head += [f"PREFIX {prefix}: <{iri}>" for prefix, iri in _prefixes(pattern, prologue)]
    if unbound:
        pattern = "{ " + pattern + " FILTER(" + " && ".join(f"!BOUND({v.n3()})" for v in unbound) + ") }"
    text = "\n".join([*head, f"SELECT * WHERE {pattern}"])
    if names:
        lines = "\n".join("(" + " ".join(row) + ")" for row in rows)
        text += "\nVALUES (" + " ".join(v.n3() for v in names) + ") {\n" + lines + "\n}"
    return text


def group(clause: str) -> str:
    """The group graph pattern of a SERVICE clause's text: SERVICE [SILENT] endpoint { ... }."""
    expected = [{"word"}, {"word", "iri", "pname", "var"}, {"iri", "pname", "var", "open"}, {"open"}]
    for kind, start, _ in (t for t in lexer.tokens(clause) if t[0] != "comment"):
        if not expected or kind not in expected.pop(0):
            break
        if kind == "open" and clause[start] == "{":
            return clause[start:]
    raise ValueError("not the text of a SERVICE clause")


def _prefixes(pattern: str, prologue: Prologue | None) -> list[tuple[str, str]]:
    """The declared prefixes that the group may use (declaring one it does not use is harmless)."""
    if prologue is None:
        return []
    found = []
    for prefix in sorted({m.group(1) or "" for m in _PREFIX.finditer(pattern)}):
        iri = prologue.namespace_manager.store.namespace(prefix)
        if iri is not None and IRIREF.fullmatch(str(iri)):
            found.append((prefix, str(iri)))
    return found


def sparql(term: Node | None) -> str | None:
    """A term as SPARQL text for a VALUES block; None for what cannot go there (blank nodes, bad IRIs)."""
    if isinstance(term, URIRef):
        return f"<{term}>" if IRIREF.fullmatch(term) else None
    if not isinstance(term, Literal):
        return None
    text = '"' + str(term).translate(_ESCAPES) + '"'
    if term.language:
        return text + "@" + term.language if LANGTAG.fullmatch(term.language) else None
    if term.datatype:
        return text + f"^^<{term.datatype}>" if IRIREF.fullmatch(term.datatype) else None
    return text


def variables(node: object) -> tuple[Variable, ...]:
    """The variables named in a group graph pattern, sorted (so equal requests have equal texts)."""
    found: set[Variable] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            found.add(item)
        elif isinstance(item, CompValue):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)
    return tuple(sorted(found))


def certainly_bound(node: object) -> frozenset[Variable]:
    """Variables that every solution of a group graph pattern binds: those of its own triple patterns."""
    parts = node.part if isinstance(node, CompValue) and isinstance(node.part, list) else []
    return frozenset(
        v for part in parts if isinstance(part, CompValue) and part.name == "TriplesBlock" for v in variables(part)
    )
