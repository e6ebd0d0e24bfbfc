"""SHACL validation with pySHACL, returning a small report object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from govkg.errors import GovkgError, one_line
from govkg.namespaces import SH

__all__ = ["Report", "ShapesError", "Violation", "validate"]


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
        """Graph.query, with a text replaced by its prepared query (prefixes resolved as Graph.query would)."""
        if isinstance(query_object, str):
            spaces = tuple(sorted((initNs or dict(self.namespaces())).items()))
            query_object = _prepared(query_object, spaces, kwargs.get("base"))
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


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
