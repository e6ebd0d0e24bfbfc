"""Serialisation: canonical bytes in every format, whatever the process, the parse or the engine.

A graph written in a quad format is the default graph, never rdflib's internal graph name; blank nodes are labelled
by RDFC-1.0 over the whole dataset, so one shared by two graphs stays one and two look-alikes stay two.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from govkg import canonical, serialize
from govkg.jsonld import context

TRIPLES = """<http://example.org/a> <http://example.org/p> <http://example.org/b> .
<http://example.org/a> <http://example.org/q> "x"@fr ."""
TRICKY = Path(__file__).parent / "resources" / "tricky.trig"
FORMATS = ["nquads", "trig", "turtle", "json-ld", "nt", "rdfxml"]
RDFLIB = {"nquads": "nquads", "trig": "trig", "turtle": "turtle", "json-ld": "json-ld", "nt": "nt", "rdfxml": "xml"}
OXIGRAPH = {
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "turtle": "TURTLE",
    "json-ld": "JSON_LD",
    "nt": "N_TRIPLES",
    "rdfxml": "RDF_XML",
}
E = "http://example.org/"

# Run in a fresh interpreter: parse each input afresh (new random blank node ids) with rdflib and with pyoxigraph,
# write every format from both. argv: {name: [path, rdflib format, pyoxigraph format]}, output folder, formats.
SCRIPT = """
import json, sys
from pathlib import Path
import pyoxigraph as ox
from rdflib import Dataset
from govkg import serialize, terms
inputs, out, formats = json.loads(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
for name, (path, rdflib_format, ox_format) in inputs.items():
    ds = Dataset()
    ds.parse(path, format=rdflib_format)
    quads = list(ox.parse(path=path, format=getattr(ox.RdfFormat, ox_format)))
    for fmt in formats:
        (out / f"{name}.rdflib.{fmt}").write_bytes(serialize.dataset_bytes(ds, fmt))
        (out / f"{name}.oxigraph.{fmt}").write_bytes(serialize.quads_bytes(quads, fmt))
"""


@pytest.fixture(scope="module")
def runs(built: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two processes at once with different hash seeds, each writing the tricky dataset and the build in every
    format to its own folder (its stderr in `stderr.txt` there)."""
    inputs = {"tricky": [str(TRICKY), "trig", "TRIG"], "build": [str(built), "nquads", "N_QUADS"]}
    folders = [tmp_path_factory.mktemp(f"seed{seed}") for seed in (1, 2)]
    processes = [_start(inputs, folder, seed) for seed, folder in zip((1, 2), folders, strict=True)]
    for process, folder in zip(processes, folders, strict=True):
        assert process.wait(timeout=300) == 0, (folder / "stderr.txt").read_text()
    return folders


def _start(inputs: dict[str, list[str]], folder: Path, seed: int) -> subprocess.Popen[bytes]:
    with (folder / "stderr.txt").open("wb") as err:
        command = [sys.executable, "-c", SCRIPT, json.dumps(inputs), str(folder), json.dumps(FORMATS)]
        return subprocess.Popen(command, env={**os.environ, "PYTHONHASHSEED": str(seed)}, stderr=err)


@pytest.fixture
def exact_literals(monkeypatch: pytest.MonkeyPatch) -> None:
    """rdflib parsing that keeps lexical forms ("05" stays "05"), as pyoxigraph does."""
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)


def _tricky() -> Dataset:
    ds = Dataset()
    ds.parse(TRICKY, format="trig")
    return ds


def _parse(data: bytes, fmt: str) -> Graph:
    """A serialisation read back by rdflib: a Dataset for quad formats, a Graph otherwise."""
    target = Dataset() if fmt in ("nquads", "trig") else Graph()
    target.parse(data=data, format=RDFLIB[fmt])
    return target


def _comparable(rdf: Graph, named: bool) -> Graph:
    """One graph to compare with rdflib's isomorphism: graph names moved into predicates when `named` (so blank
    nodes shared by graphs count), language tags in lower case (RDF 1.1 §3.3; rdflib hashes them case-sensitively)."""
    flat = Graph()
    for graph in rdf.graphs() if isinstance(rdf, Dataset) else [rdf]:
        for s, p, o in graph:
            lowered = rdflib.Literal(o, lang=o.language.lower()) if isinstance(o, rdflib.Literal) and o.language else o
            flat.add((s, URIRef(f"{p}?graph={graph.identifier}") if named else p, lowered))
    return flat


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


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_byte_identical_across_processes(runs: list[Path], fmt: str) -> None:
    for name in ("tricky.rdflib", "tricky.oxigraph", "build.rdflib", "build.oxigraph"):
        first, second = ((folder / f"{name}.{fmt}").read_bytes() for folder in runs)
        assert first == second and first, name


@pytest.mark.parametrize("fmt", FORMATS)
def test_both_engines_export_the_build_identically(runs: list[Path], fmt: str) -> None:
    assert (runs[0] / f"build.rdflib.{fmt}").read_bytes() == (runs[0] / f"build.oxigraph.{fmt}").read_bytes()


@pytest.mark.usefixtures("exact_literals")
@pytest.mark.parametrize("fmt", FORMATS)
def test_quads_from_pyoxigraph_and_an_rdflib_dataset_give_the_same_bytes(fmt: str) -> None:
    quads = ox.parse(path=TRICKY, format=ox.RdfFormat.TRIG)
    assert serialize.quads_bytes(quads, fmt) == serialize.dataset_bytes(_tricky(), fmt)


@pytest.mark.usefixtures("exact_literals")
@pytest.mark.parametrize("fmt", FORMATS)
def test_rdflib_reads_back_the_same_rdf_with_the_same_lexical_forms(fmt: str) -> None:
    ds = _tricky()
    back = _parse(serialize.dataset_bytes(ds, fmt), fmt)
    named = isinstance(back, Dataset)
    assert isomorphic(_comparable(back, named), _comparable(ds, named))
    assert {o for o in back.objects(URIRef(E + "s")) if isinstance(o, rdflib.Literal)} >= {
        rdflib.Literal("05", datatype=rdflib.XSD.nonNegativeInteger),
        rdflib.Literal("007", datatype=rdflib.XSD.integer),
        rdflib.Literal("1.5E0", datatype=rdflib.XSD.double),
        rdflib.Literal("line one\n  line two\n\tline three"),
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_pyoxigraph_reads_back_the_same_quads(fmt: str) -> None:
    quads = list(ox.parse(path=TRICKY, format=ox.RdfFormat.TRIG))
    data = serialize.quads_bytes(quads, fmt)
    back = ox.parse(data, format=getattr(ox.RdfFormat, OXIGRAPH[fmt]))
    expected = "nquads" if fmt in ("nquads", "trig") else "nt"
    assert serialize.quads_bytes(back, expected) == serialize.quads_bytes(quads, expected)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_a_blank_node_shared_by_two_graphs_stays_one_and_look_alikes_stay_two(fmt: str) -> None:
    back = _parse(serialize.dataset_bytes(_tricky(), fmt), fmt)
    assert isinstance(back, Dataset)
    g1, g2 = back.graph(URIRef(E + "g1")), back.graph(URIRef(E + "g2"))
    assert set(g1.objects(URIRef(E + "s"), URIRef(E + "shared"))) == set(g2.objects(URIRef(E + "u"), URIRef(E + "ref")))
    assert set(g1.subjects(URIRef(E + "p"), None)) == set(g2.subjects(URIRef(E + "p"), None))  # only ever a subject
    assert len(set(g1.objects(URIRef(E + "t"), URIRef(E + "twin")))) == 2
    looks = set(g1.objects(URIRef(E + "w"), URIRef(E + "p"))) | set(g2.objects(URIRef(E + "w"), URIRef(E + "p")))
    assert len(looks) == 2 and all(isinstance(node, BNode) for node in looks)


def test_nquads_lines_are_sorted_with_canonical_labels_and_trig_keeps_multiline_strings() -> None:
    nquads = serialize.dataset_bytes(_tricky(), "nquads").decode()
    assert "_:c14n0 " in nquads and "urn:x-rdflib" not in nquads
    assert nquads.splitlines() == sorted(nquads.splitlines())
    trig = serialize.dataset_bytes(_tricky(), "trig").decode()
    assert '"""a "triple" quoted\nstring over lines"""' in trig  # continuation lines are never indented
    assert trig.startswith("@prefix") and trig.count("@prefix ns1:") == 1


def test_json_ld_embeds_govkg_context_and_keeps_list_order() -> None:
    document = json.loads(serialize.dataset_bytes(_tricky(), "json-ld"))
    assert document["@context"] == context()
    subject = next(node for node in document["@graph"] if node["@id"] == E + "s")
    lists = [value["@list"] for value in subject[E + "list"]]
    assert ["a", {"@id": E + "b"}] in [items[:2] for items in lists]


def test_a_poison_dataset_is_written_at_once_with_its_own_labels() -> None:
    """RDFC-1.0 would take hours on a cycle of 3000 look-alike blank nodes (or overflow its stack): not attempted."""
    nodes = [ox.BlankNode(f"b{i}") for i in range(3000)]
    quads = [ox.Quad(node, ox.NamedNode(E + "next"), nodes[i - 1]) for i, node in enumerate(nodes)]
    assert not canonical.tractable(quads) and canonical.tractable(ox.parse(path=TRICKY, format=ox.RdfFormat.TRIG))
    data = serialize.quads_bytes(quads, "nquads")
    assert len(data.splitlines()) == 3000 and b"_:b0 " in data and b"c14n" not in data
