"""Read the ontology, data and shapes (or any RDF files) into graphs, rebased on the configured base IRI."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from govkg import formats, jsonld
from govkg.errors import GovkgError
from govkg.namespaces import DEFAULT_BASE, bind_prefixes, graph_iri, rebase_iri

__all__ = [
    "EDITS_FILE",
    "LoadError",
    "edits",
    "parse_file",
    "parse_files",
    "parse_into",
    "project_graphs",
    "rebase",
    "shapes_graph",
    "to_dataset",
]


class LoadError(GovkgError, ValueError):
    """A file that cannot be read or parsed; the message names the file (still a ValueError, as it used to be)."""


def parse_file(path: Path, base: str = DEFAULT_BASE) -> Graph:
    """Parse one RDF file (format from its suffix), rebased on `base`."""
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    try:
        graph = parse_into(Graph(), path.read_bytes(), formats.by_suffix(path.suffix))
    except Exception as error:  # rdflib raises many unrelated types for bad syntax
        raise LoadError(f"{path}: {_one_line(error)}") from None
    return rebase(graph, base)


def parse_into(target: Graph, data: bytes, fmt: formats.Format, base: str = DEFAULT_BASE) -> Graph:
    """Parse RDF bytes into `target` (a Graph or Dataset) with no I/O: JSON-LD may reference only govkg's
    own context, which is inlined (jsonld.bundle); any other remote @context is refused."""
    if fmt.name == "json-ld":
        data = jsonld.bundle(data, base)
    target.parse(data=data, format=fmt.rdflib)
    return target


def parse_files(paths: Iterable[Path], base: str = DEFAULT_BASE) -> Graph:
    """Parse several RDF files into one graph."""
    merged = bind_prefixes(Graph(), base)
    for path in sorted(paths):
        merged += parse_file(path, base)
    return merged


def _one_line(error: Exception) -> str:
    """An exception message folded onto one line."""
    return " ".join(str(error).split()) or type(error).__name__


def rebase(graph: Graph, base: str) -> Graph:
    """Rewrite IRIs (and xsd:anyURI literals) under the default base onto `base`."""
    if base == DEFAULT_BASE:
        return graph
    out = bind_prefixes(Graph(), base)
    for triple in graph:
        out.add(tuple(_rebase_term(t, base) for t in triple))  # type: ignore[arg-type]
    return out


def _rebase_term(term: Node, base: str) -> Node:
    """Rebase one term."""
    if isinstance(term, URIRef):
        return URIRef(rebase_iri(str(term), base))
    if isinstance(term, Literal) and term.datatype == XSD.anyURI:
        return Literal(rebase_iri(str(term), base), datatype=XSD.anyURI)
    return term


EDITS_FILE = "edits.trig"  # under data/: the editors' graphs, pulled from a writable store


def project_graphs(root: Path, base: str = DEFAULT_BASE) -> dict[str, Graph]:
    """The project's input graphs by name: ontology, entities, asserted, disagreements, source/<stem>."""
    data = root / "data"
    graphs = {
        "ontology": parse_files((root / "ontology").glob("*.ttl"), base),
        "entities": parse_files([data / "entities.ttl"], base),
        "asserted": parse_files([data / "asserted.ttl"], base),
        "disagreements": parse_files([data / "disagreements.ttl"], base),
    }
    if (data / "links.ttl").is_file():  # external links: their own file and named graph, never reasoned over
        graphs["links"] = parse_files([data / "links.ttl"], base)
    for path in sorted((data / "claims").glob("*.ttl")):
        graphs[f"source/{path.stem}"] = parse_file(path, base)
    if (data / EDITS_FILE).is_file():  # what editors wrote into a writable store (`govkg pull`)
        graphs.update(edits(data / EDITS_FILE, base))
    return graphs


def edits(path: Path, base: str = DEFAULT_BASE) -> dict[str, Graph]:
    """The editors' graphs of a TriG file written by `govkg pull`, by name (`edits`, `edits/...`); LoadError for
    a graph outside `<base>graph/edits`."""
    ds = Dataset()
    try:
        ds.parse(path, format="trig", publicID=base)
    except Exception as error:  # rdflib's parsers raise many types
        raise LoadError(f"{path}: {_one_line(error)}") from None
    found: dict[str, Graph] = {}
    for context in ds.graphs():
        if len(context) == 0:
            continue
        name = str(context.identifier).removeprefix(base + "graph/")
        if not (name == "edits" or name.startswith("edits/")):
            raise LoadError(f"{path}: graph <{context.identifier}> is not an editors' graph (<{base}graph/edits…>)")
        graph = bind_prefixes(Graph(), base)
        graph += context
        found[name] = graph
    return found


def shapes_graph(root: Path, base: str = DEFAULT_BASE) -> Graph:
    """All SHACL shapes under `root/shapes`."""
    return parse_files((root / "shapes").glob("*.ttl"), base)


def to_dataset(graphs: dict[str, Graph], base: str = DEFAULT_BASE) -> Dataset:
    """Put named graphs into one rdflib Dataset (IRIs `<base>graph/<name>`); blank nodes are kept as they are
    (serialize labels them canonically over the whole dataset)."""
    ds = Dataset(default_union=True)
    bind_prefixes(ds, base)
    for name, graph in graphs.items():
        target = ds.graph(URIRef(graph_iri(name, base)))
        target += graph
    return ds
