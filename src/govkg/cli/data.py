"""Sub-commands over the project's data: extract, build, validate, query, export."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from govkg import build as buildmod
from govkg import federate, formats, load, query, serialize
from govkg.cli.common import EXIT_INVALID, EXIT_OK, CliError, dataset_options, federation_options, open_dataset
from govkg.extract import extract
from govkg.namespaces import graph_iri
from govkg.validate import validate


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register extract, build, validate, query and export."""
    for add in (_extract_parser, _build_parser, _validate_parser, _query_parser, _export_parser):
        add(sub)


def _extract_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="regenerate data/ claims from data/sources and data/annotations")
    p.add_argument("--check", action="store_true", help="only check that data/ is up to date (exit 1 if not)")
    p.set_defaults(func=cmd_extract)


def _build_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="load, reason, validate and write the dataset")
    p.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    p.set_defaults(func=cmd_build)


def _validate_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check the data (or given RDF files) against the SHACL shapes")
    p.add_argument("files", nargs="*", type=Path, help="RDF files to validate instead of the project data")
    p.set_defaults(func=cmd_validate)


def _query_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("query", help="run a SPARQL query (a string, or @file.rq)")
    p.add_argument("query", help="the query text, or @path/to/file.rq")
    p.add_argument("--format", default="table", help="table, json, xml, csv, tsv (SELECT/ASK); turtle, json-ld, "
                   "nt, rdfxml (CONSTRUCT/DESCRIBE)")
    dataset_options(p)
    federation_options(p)
    p.set_defaults(func=cmd_query)


def _export_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export the dataset or some of its graphs")
    p.add_argument("--format", default="trig", help="turtle, json-ld, nt, rdfxml, trig, nquads (default: trig)")
    p.add_argument("--graph", action="append", default=[], help="a graph name (asserted, inferred, entities, "
                   "ontology, disagreements, source/<file stem>) or IRI; repeatable")
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    dataset_options(p)
    p.set_defaults(func=cmd_export)


def cmd_extract(args: argparse.Namespace) -> int:
    """Regenerate (or check) the claim files under data/."""
    ontology = load.parse_files((args.root / "ontology").glob("*.ttl"))
    result = extract(args.root / "data" / "sources", args.root / "data" / "annotations", ontology)
    stale = []
    for rel, graph in result.files().items():
        path, data = args.root / "data" / rel, serialize.graph_bytes(graph, "turtle")
        if not path.is_file() or path.read_bytes() != data:
            stale.append(rel)
            if not args.check:
                serialize.write(path, data)
    verb = "out of date" if args.check else "written"
    print(f"{len(result.claims)} claims from {len(result.sources)} documents; {len(stale)} files {verb}"
          + (": " + ", ".join(stale) if stale else ""))
    return EXIT_INVALID if args.check and stale else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    """Build, write and report."""
    started = time.perf_counter()
    result = buildmod.build(args.root, args.base_iri)
    paths = buildmod.write(result, args.out)
    stats = buildmod.statistics(result)
    total = sum(len(g) for g in result.graphs.values())
    print(f"built {total} triples in {len(result.graphs)} graphs "
          f"({stats['asserted_facts']} asserted facts, {len(result.graphs['inferred'])} inferred) "
          f"in {time.perf_counter() - started:.1f} s -> {', '.join(str(p) for p in paths)}")
    if not result.report.conforms:
        sys.stderr.write(result.report.text())
        return EXIT_INVALID
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate the project data, or the given files with the project's ontology."""
    if args.files:
        data = load.parse_files(args.files, args.base_iri)
        data += load.parse_files((args.root / "ontology").glob("*.ttl"), args.base_iri)
        report = validate(data, load.shapes_graph(args.root, args.base_iri))
    else:
        report = buildmod.check(args.root, args.base_iri)
    (sys.stdout if report.conforms else sys.stderr).write(report.text())
    return EXIT_OK if report.conforms else EXIT_INVALID


def cmd_query(args: argparse.Namespace) -> int:
    """Run one query and print its answer."""
    text = query.read_query(args.query)
    try:
        policy = federate.policy([] if args.no_federation else args.allow_service or federate.DEFAULT_ALLOWLIST)
    except ValueError as error:
        raise CliError(f"--allow-service: {error}") from None
    query.prepare(text, services=policy.allowlist)  # fail fast on syntax and SERVICE before loading anything
    result = query.run(open_dataset(args), text, policy)
    sys.stdout.buffer.write(query.render(result, args.format, args.base_iri))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Export the dataset, or the union of some graphs, in one format."""
    fmt = formats.get(args.format, ("graph", "dataset"))
    ds = open_dataset(args)
    names = [URIRef(g if ":" in g else graph_iri(g, args.base_iri)) for g in args.graph]
    known = {c.identifier for c in ds.graphs()}
    for name in names:
        if name not in known:
            raise CliError(f"unknown graph {name}")
    data = _export_bytes(ds, names, fmt, args.base_iri)
    if args.output:
        serialize.write(args.output, data)
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


def _export_bytes(ds: Dataset, names: list[URIRef], fmt: formats.Format, base: str) -> bytes:
    """Serialise the selected graphs (all if none) as a dataset or as their union."""
    selected = names or [URIRef(str(c.identifier)) for c in ds.graphs() if len(c)]
    if fmt.kind == "dataset":
        subset = Dataset()
        for name in selected:
            target = subset.graph(name)
            for triple in ds.graph(name):
                target.add(triple)
        return serialize.dataset_bytes(subset, fmt.name, base)
    union = Graph()
    for name in selected:
        union += ds.graph(name)
    return serialize.graph_bytes(union, fmt.name, base)
