"""The inferred graph after a change: the OWL 2 RL closure (govkg.reason, as the build computes it) recomputed for
what the change touches: the resources it adds or removes triples about, and the resources next to them (two
steps away, so property chains through an n-ary node, such as an endorsement, are followed)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from govkg import reason
from govkg.namespaces import graph_iri
from govkg.store.durable import Delta, Infer
from govkg.terms import to_oxigraph, to_rdflib

__all__ = ["HOPS", "owl_rl"]

HOPS = 2
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def owl_rl(ontology: Graph, base: str) -> Infer:
    """An Infer for DurableStore.apply: (inferred quads to add, inferred quads to remove)."""
    inferred, audit = graph_iri("inferred", base), graph_iri("audit", base)

    def infer(after: ox.Store, delta: Delta) -> tuple[set[ox.Quad], set[ox.Quad]]:
        changed = [q for q in delta.added | delta.removed if _name(q) not in (inferred, audit)]
        touched = {t for q in changed for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
        if not touched:
            return set(), set()
        data, target = _region(after, touched, {inferred, audit}, base), ox.NamedNode(inferred)
        entailed = {_quad(t, target) for t in reason.closure([ontology, data], base)}
        stored = set(after.quads_for_pattern(None, None, None, target))
        # Whatever the region entails is entailed (OWL 2 RL is monotonic), so it is added wherever its subject is;
        # what no longer follows is removed only for the touched resources, whose triples the region holds whole.
        return entailed - stored, {q for q in stored if q.subject in touched} - entailed

    return infer


def _region(store: ox.Store, touched: set[ox.NamedNode], left_out: set[str], base: str) -> Graph:
    """The triples about the resources within HOPS of the touched ones (either direction; classes and the
    ontology's terms are not crossed, or every instance of a class would be a neighbour)."""
    region, frontier, data = set(touched), set(touched), Graph()
    for _ in range(HOPS + 1):
        found: set[ox.NamedNode] = set()
        for node in frontier:
            for quad in [*store.quads_for_pattern(node, None, None), *store.quads_for_pattern(None, None, node)]:
                if _name(quad) in left_out or isinstance(quad.object, ox.Triple) or isinstance(quad.subject, ox.Triple):
                    continue  # the reasoner (rdflib) has no RDF 1.2 triple terms
                data.add(tuple(to_rdflib(t) for t in (quad.subject, quad.predicate, quad.object)))  # type: ignore[arg-type]
                if quad.predicate != RDF_TYPE:
                    found |= {
                        t for t in (quad.subject, quad.object) if isinstance(t, ox.NamedNode) and _crossable(t, base)
                    }
        frontier = found - region
        region |= found
    return data


def _crossable(term: ox.NamedNode, base: str) -> bool:
    return not term.value.startswith(base + "ontology")


def _quad(triple: tuple[Any, Any, Any], graph: ox.NamedNode) -> ox.Quad:
    subject, predicate, obj = (to_oxigraph(t) for t in triple)
    return ox.Quad(subject, predicate, obj, graph)  # type: ignore[arg-type]


def _name(quad: ox.Quad) -> str | None:
    return getattr(quad.graph_name, "value", None)
