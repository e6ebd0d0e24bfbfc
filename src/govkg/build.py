"""load → reason → validate → write: the pipeline behind `govkg build`, `validate` and `serve`."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from govkg import load, reason, serialize
from govkg.namespaces import DEFAULT_BASE, graph_iri
from govkg.targets import TARGETS
from govkg.validate import Report, validate

__all__ = [
    "DATASET_FILE",
    "INPUT_FOLDERS",
    "REASONING_INPUTS",
    "REPORT_FILE",
    "REPORT_TEXT",
    "STATS_FILE",
    "TRIG_FILE",
    "Build",
    "Clock",
    "build",
    "check",
    "is_stale",
    "statistics",
    "validation_data",
    "write",
]

REASONING_INPUTS = ("ontology", "entities", "asserted")
DATASET_FILE, TRIG_FILE, REPORT_FILE, REPORT_TEXT, STATS_FILE = (
    "govkg.nq",
    "govkg.trig",
    "validation.ttl",
    "validation.txt",
    "stats.json",
)


@dataclass
class Build:
    """The built knowledge graph: named graphs, the validation report, the base IRI."""

    graphs: dict[str, Graph]
    report: Report
    base: str

    def dataset(self, inferred: bool = True) -> Dataset:
        """All named graphs as one Dataset (optionally without the inferred graph)."""
        names = {n: g for n, g in self.graphs.items() if inferred or n != "inferred"}
        return load.to_dataset(names, self.base)


@dataclass
class Clock:
    """CPU and wall-clock seconds spent in each stage of a build, in the order the stages ran."""

    stages: dict[str, tuple[float, float]] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage `name` (added to what the stage took before)."""
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            yield
        finally:
            before = self.stages.get(name, (0.0, 0.0))
            spent = (time.process_time() - cpu, time.perf_counter() - wall)
            self.stages[name] = (before[0] + spent[0], before[1] + spent[1])

    def lines(self) -> list[str]:
        """One line per stage: name, CPU seconds, wall seconds."""
        return [f"{name:<12} {cpu:7.2f} s CPU {wall:7.2f} s wall" for name, (cpu, wall) in self.stages.items()]


def validation_data(graphs: dict[str, Graph]) -> Graph:
    """What SHACL checks: every asserted graph (not the inferred one) with the ontology."""
    data = Graph()
    for name, graph in graphs.items():
        if name != "inferred":
            data += graph
    return data


def check(root: Path, base: str = DEFAULT_BASE) -> Report:
    """Load and validate the project at `root` without reasoning (`govkg validate`)."""
    graphs = load.project_graphs(root, base)
    return validate(validation_data(graphs), load.shapes_graph(root, base))


def build(root: Path, base: str = DEFAULT_BASE, clock: Clock | None = None) -> Build:
    """Load the project at `root`, add the OWL RL closure, validate (each stage timed on `clock`)."""
    clock = clock or Clock()
    with clock.stage("load"):
        graphs = load.project_graphs(root, base)
        shapes = load.shapes_graph(root, base)
    with clock.stage("validate"):
        report = validate(validation_data(graphs), shapes)
    with clock.stage("reason"):
        graphs["inferred"] = reason.closure([graphs[n] for n in REASONING_INPUTS], base)
    return Build(graphs, report, base)


INPUT_FOLDERS = ("ontology", "data", "shapes")


def is_stale(root: Path, out: Path) -> bool:
    """True when `out` has no built dataset or an input file under `root` is newer than it."""
    built = out / DATASET_FILE
    if not built.is_file():
        return True
    newest = max(
        (p.stat().st_mtime for folder in INPUT_FOLDERS for p in (root / folder).rglob("*") if p.is_file()), default=0.0
    )
    return newest > built.stat().st_mtime


def write(result: Build, out: Path, clock: Clock | None = None) -> list[Path]:
    """Write the dataset (N-Quads and TriG), the validation report and statistics to `out`."""
    clock = clock or Clock()
    with clock.stage("serialize"):
        ds = result.dataset()
        files = {
            DATASET_FILE: serialize.dataset_bytes(ds, "nquads", result.base),
            TRIG_FILE: serialize.dataset_bytes(ds, "trig", result.base),
            REPORT_FILE: serialize.graph_bytes(result.report.graph, "turtle", result.base),
            REPORT_TEXT: result.report.text().encode("utf-8"),
        }
    with clock.stage("statistics"):
        stats = statistics(result)
    with clock.stage("write"):
        for name, data in files.items():
            serialize.write(out / name, data)
        serialize.write_json(out / STATS_FILE, stats)
    return [out / name for name in [*files, STATS_FILE]]


def statistics(result: Build) -> dict[str, object]:
    """Triple counts per graph, entity counts per class, provenance coverage."""
    asserted = result.graphs["asserted"]
    claimed = _claimed_triples(result.graphs)
    covered = sum(1 for t in asserted if t in claimed)
    return {
        "base": result.base,
        "triples": {name: len(g) for name, g in sorted(result.graphs.items())},
        "asserted_facts": len(asserted),
        "asserted_facts_with_quote": covered,
        "quote_coverage": round(covered / len(asserted), 4) if len(asserted) else 1.0,
        "claims": sum(
            1
            for n, g in result.graphs.items()
            if n.startswith("source/")
            for _ in g.subjects(RDF.type, URIRef(result.base + "ontology#Claim"))
        ),
        "entities_by_class": _entities_by_class(result.graphs["entities"]),
        "external_links": _external_links(result.graphs.get("links", Graph()), result.base),
        "conforms": result.report.conforms,
        "graphs": {name: graph_iri(name, result.base) for name in sorted(result.graphs)},
    }


def _claimed_triples(graphs: dict[str, Graph]) -> set[tuple]:
    """The (s, p, o) of every claim with a quote, across the source graphs."""
    claimed: set[tuple[Node, Node, Node]] = set()
    for name, g in graphs.items():
        if not name.startswith("source/"):
            continue
        rows = g.query(
            """SELECT ?s ?p ?o WHERE { ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                          oa:hasTarget/oa:hasSelector/oa:exact ?quote . }""",
            initNs={"rdf": RDF, "oa": URIRef("http://www.w3.org/ns/oa#")},
        )
        claimed.update((r[0], r[1], r[2]) for r in rows)  # type: ignore[index]
    return claimed


def _external_links(links: Graph, base: str) -> dict[str, int]:
    """Link triples from entities into each external graph (Wikidata, DBpedia, ISO 3166-1 pages)."""
    stated = [str(o) for s, _, o in links if str(s).startswith(base + "id/")]  # not the records' rdf:object
    return {t.name: sum(1 for o in stated if o.startswith(t.space)) for t in TARGETS}


def _entities_by_class(entities: Graph) -> dict[str, int]:
    """How many entities of each asserted class."""
    counts = Counter(entities.namespace_manager.normalizeUri(str(o)) for o in entities.objects(None, RDF.type))
    return dict(sorted(counts.items()))
