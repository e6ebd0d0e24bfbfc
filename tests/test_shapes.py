"""Data-driven SHACL tests, in the style of pySHACL's own suite.

Each file under tests/shapes/valid/ must conform. Each file under tests/shapes/invalid/ must not;
its first comment lines declare the result that makes it fail:

    # expect-shape: gksh:StateShape                     node shape (itself or a sh:property of it)
    # expect-focus: https://w3id.org/govkg/id/testland  focus node
    # expect-path: gk:iso3166Alpha2                     result path (optional; only an IRI path)
    # expect-constraint: sh:PatternConstraintComponent  constraint component

pySHACL reports a shape reached through sh:node (gksh:TemporalValue, gksh:TargetShape) on the
outer focus node, as a sh:NodeConstraintComponent result whose sh:detail is the inner shape's
result. Such a case also declares that inner result:

    # expect-detail-shape: gksh:TargetShape
    # expect-detail-focus: https://w3id.org/govkg/claim/x#target     (optional)
    # expect-detail-constraint: sh:QualifiedMinCountConstraintComponent

Every case is otherwise valid: all the top-level results of its report must match the declaration.
A case is validated with the ontology, whose rdfs:subClassOf hierarchy sh:class needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from govkg.build import Build
from govkg.load import parse_files
from govkg.namespaces import PREFIXES as PROJECT_PREFIXES
from govkg.validate import validate

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "shapes"
VALID = sorted((CASES / "valid").glob("*.ttl"))
INVALID = sorted((CASES / "invalid").glob("*.ttl"))
GKSH = "https://w3id.org/govkg/shapes#"
PREFIXES = {**PROJECT_PREFIXES, "gksh": GKSH, "sh": str(SH)}
KEYS = {"shape", "focus", "path", "constraint", "detail-shape", "detail-focus", "detail-constraint"}


@dataclass(frozen=True)
class Want:
    """A validation result as a case declares it."""

    shape: URIRef
    constraint: URIRef
    focus: URIRef | None = None
    path: URIRef | None = None

    def matches(self, report: Graph, shapes: Graph, result: Node) -> bool:
        """Does `result` (in `report`) come from this shape and constraint, at this focus, path?"""
        source = report.value(result, SH.sourceShape)
        return (
            (source == self.shape or (self.shape, SH.property, source) in shapes)
            and report.value(result, SH.sourceConstraintComponent) == self.constraint
            and (self.focus is None or report.value(result, SH.focusNode) == self.focus)
            and (self.path is None or report.value(result, SH.resultPath) == self.path)
        )


@dataclass(frozen=True)
class Expected:
    """What an invalid case declares: a top-level result, and maybe one of its sh:detail results."""

    result: Want
    detail: Want | None

    def shapes(self) -> set[URIRef]:
        """The node shapes the case names."""
        return {self.result.shape} | ({self.detail.shape} if self.detail else set())


def _term(value: str) -> URIRef:
    """A prefixed name (gksh:, sh: or one of the project's prefixes) expanded, or a full IRI."""
    prefix, _, local = value.partition(":")
    return URIRef(PREFIXES[prefix] + local) if prefix in PREFIXES else URIRef(value)


def expected(path: Path) -> Expected:
    """Read the `# expect-...:` lines at the top of a case file."""
    header: dict[str, URIRef] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line.lstrip("#").strip().partition(":")
        if not key.startswith("expect-") or not sep:
            continue
        name = key.removeprefix("expect-")
        assert name in KEYS, f"{path.name}: unknown header {key!r}"
        assert name not in header, f"{path.name}: {key} declared twice"
        header[name] = _term(value.strip())
    missing = {"shape", "focus", "constraint"} - header.keys()
    assert not missing, f"{path.name}: missing expect-{', expect-'.join(sorted(missing))}"
    result = Want(header["shape"], header["constraint"], header["focus"], header.get("path"))
    if "detail-shape" not in header and "detail-constraint" not in header:
        return Expected(result, None)
    assert "detail-shape" in header and "detail-constraint" in header, (
        f"{path.name}: expect-detail-shape and expect-detail-constraint go together"
    )
    detail = Want(header["detail-shape"], header["detail-constraint"], header.get("detail-focus"))
    return Expected(result, detail)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The project's shapes, parsed once."""
    return parse_files(sorted((ROOT / "shapes").glob("*.ttl")))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """The ontology, parsed once; it is part of every case's data graph."""
    return parse_files(sorted((ROOT / "ontology").glob("*.ttl")))


def data_graph(case: Path, ontology: Graph) -> Graph:
    """One case plus the ontology."""
    data = parse_files([case])
    data += ontology
    return data


def _top_level(report: Graph) -> list[Node]:
    """The results of a report that are not the sh:detail of another result."""
    details = set(report.objects(None, SH.detail))
    return sorted(r for r in report.subjects(RDF.type, SH.ValidationResult) if r not in details)


def _describe(report: Graph, shapes: Graph, results: list[Node]) -> str:
    """One line per result: focus, path, constraint, source shape (and the node shape owning it)."""
    lines = []
    for result in results:
        source = report.value(result, SH.sourceShape)
        owners = "".join(f" of {s}" for s in sorted(shapes.subjects(SH.property, source)))
        lines.append(
            f"focus={report.value(result, SH.focusNode)} "
            f"path={report.value(result, SH.resultPath)} "
            f"constraint={report.value(result, SH.sourceConstraintComponent)} "
            f"shape={source}{owners}: {report.value(result, SH.resultMessage)}"
        )
    return "\n".join(lines)


def test_there_are_cases() -> None:
    assert VALID
    assert INVALID


@pytest.mark.parametrize("case", VALID, ids=lambda p: p.name)
def test_valid_case_conforms(case: Path, shapes: Graph, ontology: Graph) -> None:
    report = validate(data_graph(case, ontology), shapes)
    assert report.conforms, report.text()


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_invalid_case_fails_for_its_declared_reason(case: Path, shapes: Graph, ontology: Graph) -> None:
    expect = expected(case)
    report = validate(data_graph(case, ontology), shapes)
    assert not report.conforms, f"{case.name} conforms"
    graph = report.graph
    top = _top_level(graph)
    matching = [r for r in top if expect.result.matches(graph, shapes, r)]
    assert matching, f"no result matches {expect.result}; results:\n{_describe(graph, shapes, top)}"
    stray = [r for r in top if r not in matching]
    assert not stray, f"results besides the declared one:\n{_describe(graph, shapes, stray)}"
    if expect.detail is not None:
        details = sorted(d for r in matching for d in graph.objects(r, SH.detail))
        assert any(expect.detail.matches(graph, shapes, d) for d in details), (
            f"no sh:detail matches {expect.detail}; details:\n{_describe(graph, shapes, details)}"
        )


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_invalid_case_is_named_after_its_shape(case: Path) -> None:
    local_names = {str(s).removeprefix(GKSH) for s in expected(case).shapes()}
    assert case.stem.split("-", 1)[0] in local_names


def test_every_node_shape_has_a_failing_case(shapes: Graph) -> None:
    declared = {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    named: set[URIRef] = set()
    for case in INVALID:
        named |= expected(case).shapes()
    uncovered, unknown = sorted(map(str, declared - named)), sorted(map(str, named - declared))
    assert not uncovered, f"node shapes with no failing case in tests/shapes/invalid/: {uncovered}"
    assert not unknown, f"cases name shapes that shapes/ does not declare: {unknown}"


def test_project_data_conforms(project_build: Build) -> None:
    report = project_build.report  # what check(ROOT) reports: the build validates the same data the same way
    assert report.conforms, report.text()
