"""Byte-stable serialisation: the same graphs always give the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from govkg import formats
from govkg.jsonld import context
from govkg.namespaces import DEFAULT_BASE, bind_prefixes


def graph_bytes(graph: Graph, fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """Serialise a graph in a triple format; N-Triples lines are sorted for stability."""
    spec = formats.get(fmt, ("graph",))
    if spec.name == "nt":
        return _sorted_lines(graph.serialize(format="nt11"))
    if spec.name == "json-ld":
        return graph.serialize(format="json-ld", context=context(base), indent=2).encode("utf-8")
    out = bind_prefixes(Graph(), base)
    out += graph
    return out.serialize(format=spec.rdflib).encode("utf-8")


def rdf_bytes(graph: Graph, fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """Serialise a graph in any RDF format; a quad format holds it as the default graph."""
    if formats.get(fmt, ("graph", "dataset")).kind == "graph":
        return graph_bytes(graph, fmt, base)
    ds = Dataset()
    ds.default_graph += graph
    return dataset_bytes(ds, fmt, base)


def dataset_bytes(ds: Dataset, fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """Serialise a dataset in a quad format; N-Quads lines are sorted for stability."""
    spec = formats.get(fmt, ("dataset",))
    if spec.name == "nquads":
        return _sorted_lines("".join(_nquads(g) for g in ds.graphs() if len(g)))
    return _trig(ds, base).encode("utf-8")


def _nquads(graph: Graph) -> str:
    """One graph as N-Quads lines: its N-Triples with the graph name appended (none for the default graph)."""
    name = " ." if _is_default(graph) else f" <{graph.identifier}> ."
    return "".join(line[:-2] + name + "\n" for line in graph.serialize(format="nt11").splitlines() if line)


def _is_default(graph: Graph) -> bool:
    """Is this rdflib's default graph of a Dataset (whose internal name must never be written)?"""
    return graph.identifier == DATASET_DEFAULT_GRAPH_ID


def _trig(ds: Dataset, base: str) -> str:
    """TriG with graphs in IRI order, each written by the (sorted) Turtle serialiser."""
    header: dict[str, str] = {}
    blocks = []
    for ctx in sorted((c for c in ds.graphs() if len(c)), key=lambda c: (not _is_default(c), str(c.identifier))):
        graph = bind_prefixes(Graph(), base)
        graph += ctx
        lines = graph.serialize(format="turtle").splitlines()
        for line in lines:
            if line.startswith("@prefix"):
                name = line.split()[1]
                if header.setdefault(name, line) != line:
                    raise ValueError(f"prefix {name} bound to two namespaces")
        # no indentation: a line may continue a multi-line string literal, whose content must not change
        body = "\n".join(ln for ln in lines if not ln.startswith("@prefix")).strip("\n")
        label = "" if _is_default(ctx) else f"<{ctx.identifier}> "  # TriG §2.2: the default graph has no name
        blocks.append(f"{label}{{\n{body}\n}}\n")
    return "".join(line + "\n" for _, line in sorted(header.items())) + "\n" + "\n".join(blocks)


def _sorted_lines(text: str) -> bytes:
    """Sort and de-duplicate the lines of a line-based serialisation."""
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def write(path: Path, data: bytes) -> None:
    """Write bytes to `path`, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_json(path: Path, value: object) -> None:
    """Write JSON with sorted keys (stable bytes)."""
    write(path, (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))

