"""Serialisation: a graph written in a quad format is the default graph, never rdflib's internal graph name."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from govkg import serialize

TRIPLES = """<http://example.org/a> <http://example.org/p> <http://example.org/b> .
<http://example.org/a> <http://example.org/q> "x"@fr ."""


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_a_graph_in_a_quad_format_is_the_unnamed_default_graph(fmt: str) -> None:
    graph = Graph().parse(data=TRIPLES, format="nt")
    data = serialize.rdf_bytes(graph, fmt)
    assert b"urn:x-rdflib" not in data
    back = Dataset()
    back.parse(data=data, format=fmt)
    assert isomorphic(back.default_graph, graph)
    assert not [c for c in back.graphs() if len(c) and c.identifier != back.default_graph.identifier]


def test_a_dataset_keeps_its_named_graphs_and_its_default_graph_comes_first_in_trig() -> None:
    ds = Dataset()
    ds.graph("http://example.org/g").parse(data=TRIPLES, format="nt")
    ds.default_graph.parse(data="<http://example.org/c> <http://example.org/p> <http://example.org/d> .", format="nt")
    trig = serialize.dataset_bytes(ds, "trig").decode()
    assert trig.index("{") < trig.index("<http://example.org/g> {")
    quads = serialize.dataset_bytes(ds, "nquads").decode().splitlines()
    assert sum(line.endswith("<http://example.org/g> .") for line in quads) == 2 and len(quads) == 3
