"""SHACL validation with pySHACL, returning a small report object."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
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
    try:
        conforms, report_graph, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, **extra
        )
    except Exception as error:  # pySHACL and pyparsing raise many types for broken shapes
        raise ShapesError("the shapes cannot be used: " + one_line(error)) from None
    violations = sorted(_violations(report_graph), key=lambda v: (v.focus, v.path, v.constraint, v.message))
    return Report(bool(conforms), report_graph, violations)


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
