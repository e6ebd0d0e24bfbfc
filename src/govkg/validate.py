"""SHACL validation with pySHACL, returning a small report object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from govkg.errors import GovkgError, one_line
from govkg.namespaces import SH
from govkg.terms import to_oxigraph

__all__ = ["Report", "ShapesError", "Violation", "validate"]

# A datatype Oxigraph knows nothing of: the mirror's literals compare as rdflib's terms do (no value space, no
# "a" = "a"^^xsd:string, no canonical forms); the queries it answers never read a literal's text.
_OPAQUE = ox.NamedNode("urn:govkg:validate:literal")
_PASS = {"SelectQuery", "Project", "Distinct", "Reduced"}
_TESTS = {"Builtin_isIRI", "Builtin_isURI", "Builtin_isBLANK", "Builtin_isLITERAL", "Builtin_BOUND", "Builtin_sameTerm"}
_STRINGS = {"Builtin_STRSTARTS", "Builtin_STRENDS", "Builtin_CONTAINS"}


@dataclass(frozen=True)
class Violation:
    """One validation result: focus node, path, constraint, severity, message."""

    focus: str
    path: str
    constraint: str
    shape: str
    severity: str
    message: str

    def line(self) -> str:
        """A one-line, human-readable form."""
        return (
            f"{self.severity}: focus <{self.focus}> path {self.path or '-'} "
            f"constraint {self.constraint} (shape {self.shape}): {self.message}"
        )


@dataclass
class Report:
    """The outcome of a validation run."""

    conforms: bool
    graph: Graph
    violations: list[Violation] = field(default_factory=list)

    def text(self) -> str:
        """A readable report: a summary line, then one line per result."""
        head = "Conforms: True" if self.conforms else f"Conforms: False ({len(self.violations)} results)"
        return "\n".join([head, *(v.line() for v in self.violations)]) + "\n"


class ShapesError(GovkgError):
    """Shapes pySHACL cannot run (e.g. a SPARQL constraint that does not parse); the message is one line."""


def validate(data: Graph, shapes: Graph, focus: Sequence[str] | None = None) -> Report:
    """Validate `data` (which includes the ontology's class hierarchy) against `shapes`; with `focus`, only those
    nodes (each against the shapes that target it)."""
    extra: dict[str, Any] = {"focus_nodes": list(focus)} if focus is not None else {}
    try:  # inplace: pySHACL would copy the data into a plain Graph; _ParsedOnce is already that copy
        conforms, report_graph, _ = pyshacl.validate(
            _ParsedOnce(data), shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, inplace=True,
            **extra,
        )  # fmt: skip
    except Exception as error:  # pySHACL and pyparsing raise many types for broken shapes
        raise ShapesError("the shapes cannot be used: " + one_line(error)) from None
    violations = sorted(_violations(report_graph), key=lambda v: (v.focus, v.path, v.constraint, v.message))
    return Report(bool(conforms), report_graph, violations)


class _ParsedOnce(Graph):
    """A copy of the data (made as pySHACL copies it) whose queries are parsed once: pySHACL sends a SPARQL
    constraint's text once per focus node, only the bindings change, and parsing took most of a build's time."""

    def __init__(self, data: Graph) -> None:
        super().__init__(identifier=data.identifier, bind_namespaces="core")
        for prefix, namespace in data.namespace_manager.namespaces():
            self.namespace_manager.bind(prefix, namespace, override=True, replace=True)
        self += data
        self._store: ox.Store | None = None  # made on the first query Oxigraph answers
        self._terms: dict[Any, Node] = {}

    def query(
        self,
        query_object: str | Query,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Any] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        """Graph.query, with a text replaced by its prepared query (prefixes resolved as Graph.query would); a
        query with no bindings (a SPARQL target: a whole-graph scan) is answered by Oxigraph when it is in the
        subset both engines answer alike (`_same_answers`)."""
        if isinstance(query_object, str):
            spaces = tuple(sorted((initNs or dict(self.namespaces())).items()))
            text, query_object = query_object, _prepared(query_object, spaces, kwargs.get("base"))
            if initBindings is None and _bound(query_object.algebra) is not None:
                answer = self._oxigraph(text, dict(spaces), kwargs.get("base"))
                if answer is not None:
                    return answer
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    def add(self, triple: Any) -> Any:
        """Graph.add; the Oxigraph copy is stale (SHACL rules add triples)."""
        self._store = None
        return super().add(triple)

    def addN(self, quads: Any) -> Any:
        """Graph.addN; the Oxigraph copy is stale."""
        self._store = None
        return super().addN(quads)

    def remove(self, triple: Any) -> Any:
        """Graph.remove; the Oxigraph copy is stale."""
        self._store = None
        return super().remove(triple)

    def _oxigraph(self, text: str, spaces: dict[str, Any], base: str | None) -> Result | None:
        """The rows of a SELECT evaluated by Oxigraph over a copy of the data, or None (a query Oxigraph reads
        otherwise)."""
        if self._store is None:
            self._store, self._terms = _mirror(self)
        try:
            solutions = self._store.query(text, prefixes={k: str(v) for k, v in spaces.items()}, base_iri=base)
            if not isinstance(solutions, ox.QuerySolutions):
                return None
            names = [v.value for v in solutions.variables]
            rows = [{Variable(n): self._terms[row[n]] for n in names if row[n] is not None} for row in solutions]
        except (SyntaxError, ValueError, OSError, RuntimeError, KeyError):
            return None
        result = Result("SELECT")
        result.vars, result.bindings = [Variable(n) for n in names], rows  # type: ignore[assignment]
        return result


def _mirror(graph: Graph) -> tuple[ox.Store, dict[Any, Node]]:
    """An in-memory Oxigraph store holding `graph`'s triples (each literal an opaque one), and its terms back."""
    store, ox_terms = ox.Store(), dict[Node, Any]()
    for triple in graph:
        for term in triple:
            if term not in ox_terms:
                ox_terms[term] = _opaque(len(ox_terms)) if isinstance(term, Literal) else to_oxigraph(term)
        s, p, o = (ox_terms[t] for t in triple)
        store.add(ox.Quad(s, p, o))
    return store, {v: k for k, v in ox_terms.items()}


def _opaque(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_OPAQUE)


def _bound(node: Any) -> frozenset[Variable] | None:
    """The variables every solution of this (algebra) pattern binds, or None when Oxigraph might answer it
    otherwise than rdflib: only basic graph patterns without literals or paths, joins, unions and filters."""
    name = getattr(node, "name", None)
    if name in _PASS and not dict.get(node, "datasetClause"):
        return _bound(node["p"])
    if name == "BGP":
        terms = [t for triple in node["triples"] for t in triple]
        return frozenset(t for t in terms if isinstance(t, Variable)) if all(
            isinstance(t, URIRef | BNode | Variable) for t in terms) else None  # fmt: skip
    parts = [_bound(dict.get(node, k)) for k in ("p1", "p2", "p")] if name in ("Join", "Union", "Filter") else [None]
    known = [b for b in parts if b is not None]
    if name == "Filter":
        return known[0] if known and _test(node["expr"], known[0], frozenset()) else None
    if len(known) != 2:
        return None
    return known[0] | known[1] if name == "Join" else known[0] & known[1]


def _test(e: Any, bound: frozenset[Variable], iris: frozenset[Variable]) -> bool:
    """Whether a filter never reads a literal's text or value and never errs in one engine only: &&, ||, !,
    term tests on bound variables, and STRSTARTS/STRENDS/CONTAINS on the STR of IRIs (`iris`: variables an
    enclosing && tests with isIRI, so that the whole is false in both engines when they are not IRIs)."""
    name = e.name if isinstance(e, CompValue) else None
    if name in ("ConditionalAndExpression", "ConditionalOrExpression"):
        parts = [e["expr"], *(dict.get(e, "other") or [])]
        if name == "ConditionalAndExpression":
            iris |= {
                p["arg"] for p in parts if isinstance(p, CompValue) and p.name in ("Builtin_isIRI", "Builtin_isURI")
            }
        return all(_test(p, bound, iris) for p in parts)
    if name == "UnaryNot":
        return _test(e["expr"], bound, iris)
    if name in _TESTS:
        args = [dict.get(e, k) for k in ("arg", "arg1", "arg2") if dict.get(e, k) is not None]
        return all(a in bound or isinstance(a, URIRef) or name == "Builtin_BOUND" for a in args)
    if name in _STRINGS:
        return all(_iri_text(dict.get(e, k), bound & iris) for k in ("arg1", "arg2"))
    return False


def _iri_text(e: Any, iris: frozenset[Variable]) -> bool:
    return isinstance(e, CompValue) and e.name == "Builtin_STR" and (isinstance(e["arg"], URIRef) or e["arg"] in iris)


@lru_cache(maxsize=256)
def _prepared(text: str, spaces: tuple[tuple[str, Any], ...], base: str | None) -> Query:
    """A SPARQL query parsed and translated once (rdflib's prepared queries are meant to be evaluated again)."""
    return prepareQuery(text, initNs=dict(spaces), base=base)


def _violations(report: Graph) -> list[Violation]:
    """Read the sh:ValidationResult nodes of a report graph."""
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):

        def get(prop, r=result):
            value = report.value(r, prop)
            return "" if value is None else _short(report, value)

        focus = str(report.value(result, SH.focusNode))
        out.append(
            Violation(
                focus,
                get(SH.resultPath),
                get(SH.sourceConstraintComponent),
                get(SH.sourceShape),
                get(SH.resultSeverity),
                get(SH.resultMessage),
            )
        )
    return out


def _short(graph: Graph, term: Node) -> str:
    """A compact rendering of a term: a prefixed name for an IRI whose prefix is bound, else its text."""
    if isinstance(term, URIRef):
        return graph.namespace_manager.normalizeUri(term)
    return str(term)
