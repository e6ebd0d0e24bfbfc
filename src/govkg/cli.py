"""The `govkg` command: thin sub-commands over extract, build, validate, query and export."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

if TYPE_CHECKING:
    from flask import Flask

from govkg import __version__, federate, formats, link, load, query, serialize
from govkg import build as buildmod
from govkg.engine import ENGINES, EngineError
from govkg.extract import AnnotationError, extract
from govkg.formats import FormatError
from govkg.link import LinkError
from govkg.load import LoadError
from govkg.namespaces import DEFAULT_BASE, GK, graph_iri
from govkg.query import QueryError
from govkg.reason import InconsistencyError
from govkg.validate import ShapesError, validate

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
KNOWN_ERRORS = (AnnotationError, EngineError, FormatError, InconsistencyError, LinkError, LoadError, QueryError,
                ShapesError, OSError)


class CliError(Exception):
    """A user error reported as one line with exit status 2."""


def default_root() -> Path:
    """$GOVKG_ROOT, else the current folder if it holds a govkg project, else the source checkout."""
    if os.environ.get("GOVKG_ROOT"):
        return Path(os.environ["GOVKG_ROOT"])
    cwd = Path.cwd()
    if (cwd / "ontology").is_dir() and (cwd / "data").is_dir():
        return cwd
    return Path(__file__).resolve().parents[2]


def _parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="govkg", description="govkg: an open knowledge graph of AI governance.")
    parser.add_argument("--version", action="version", version=f"govkg {__version__}")
    parser.add_argument("--root", type=Path, default=None, help="project folder (default: $GOVKG_ROOT or .)")
    parser.add_argument("--base-iri", default=os.environ.get("GOVKG_BASE_IRI", DEFAULT_BASE),
                        help=f"base IRI of ontology and data (default: $GOVKG_BASE_IRI or {DEFAULT_BASE})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _extract_parser(sub)
    _build_parser(sub)
    _validate_parser(sub)
    _query_parser(sub)
    _export_parser(sub)
    _links_parser(sub)
    _link_parser(sub)
    _serve_parser(sub)
    return parser


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
    _dataset_options(p)
    _federation_options(p)
    p.set_defaults(func=cmd_query)


def _export_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export the dataset or some of its graphs")
    p.add_argument("--format", default="trig", help="turtle, json-ld, nt, rdfxml, trig, nquads (default: trig)")
    p.add_argument("--graph", action="append", default=[], help="a graph name (asserted, inferred, entities, "
                   "ontology, disagreements, source/<file stem>) or IRI; repeatable")
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    _dataset_options(p)
    p.set_defaults(func=cmd_export)


def _links_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("links", help="regenerate data/links.ttl from the checked reference table; report coverage")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="only check that data/links.ttl is up to date (exit 1 if not)")
    mode.add_argument("--report", action="store_true", help="print link coverage per class and the unlinked entities")
    p.add_argument("--json", action="store_true", help="with --report: print the report as JSON")
    p.set_defaults(func=cmd_links)


def _link_parser(sub: argparse._SubParsersAction) -> None:
    from govkg.link.candidates import PROFILES

    p = sub.add_parser("link", help="propose external items for unlinked entities (reconciliation), for review")
    p.add_argument("--profile", choices=sorted(PROFILES), default="wikidata",
                   help="the external graph's shape (default: wikidata)")
    p.add_argument("--endpoint", help="its SPARQL endpoint (default: the profile's public one)")
    p.add_argument("--entity", action="append", default=[], metavar="SLUG",
                   help="reconcile this entity (repeatable; default: every linkable entity without a link)")
    p.add_argument("--out", type=Path, help="the review file to write (default: build/link-candidates.tsv)")
    p.add_argument("--cache", type=Path, help="where answers are kept (default: build/link-cache)")
    p.add_argument("--refresh", action="store_true", help="ask the endpoint again instead of reading the cache")
    p.add_argument("--min-score", type=int, default=50, help="leave out weaker candidates (default: 50 of 100)")
    p.add_argument("--per-entity", type=int, default=3, help="candidates kept per entity (default: 3)")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for each answer (default: 20)")
    p.set_defaults(func=cmd_link)


def _serve_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the dataset: SPARQL 1.1 endpoint, downloads, descriptions")
    p.add_argument("--host", default=os.environ.get("GOVKG_HOST", "127.0.0.1"), help="default: 127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("GOVKG_PORT", "8000")), help="default: 8000")
    p.add_argument("--engine", choices=sorted(ENGINES), help="query engine (default: $GOVKG_ENGINE or oxigraph)")
    p.add_argument("--dataset", type=Path, help="serve this built dataset (.nq/.trig) instead of build/govkg.nq")
    p.add_argument("--graph", action="append", default=[], metavar="IRI=FILE",
                   help="also serve FILE as the named graph IRI; repeatable")
    p.add_argument("--no-project", action="store_true", help="serve only the --graph files")
    p.add_argument("--timeout", type=float, help="query deadline in seconds (default: $GOVKG_QUERY_TIMEOUT or 30)")
    p.add_argument("--production", action="store_true", help="run under gunicorn with several worker processes")
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default: 2)")
    p.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (default: 8)")
    p.add_argument("--get", metavar="PATH", help="answer one GET request in-process, print it and exit")
    _federation_options(p)
    p.set_defaults(func=cmd_serve)


def _federation_options(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--allow-service", action="append", metavar="URL", help="let SERVICE call this endpoint; "
                       "repeatable; replaces the default allowlist (Wikidata's and DBpedia's endpoints)")
    group.add_argument("--no-federation", action="store_true", help="refuse every SERVICE")


def _dataset_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", type=Path, help="built dataset (.nq/.trig; default: build/govkg.nq, else build now)")
    p.add_argument("--no-inferred", action="store_true", help="leave out the OWL RL inferred graph")


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


def open_dataset(args: argparse.Namespace) -> Dataset:
    """The built dataset from --dataset or build/govkg.nq; built in memory when there is none."""
    path = args.dataset or args.root / "build" / buildmod.DATASET_FILE
    if path.is_file():
        ds = Dataset(default_union=True)
        try:
            load.parse_into(ds, path.read_bytes(), formats.by_suffix(path.suffix), args.base_iri)
        except Exception as error:
            raise LoadError(f"{path}: {' '.join(str(error).split())}") from None
    elif args.dataset:
        raise CliError(f"{path}: no such file")
    else:
        sys.stderr.write("govkg: no built dataset; building in memory (run 'govkg build' to save time)\n")
        ds = buildmod.build(args.root, args.base_iri).dataset()
    if args.no_inferred:
        ds.remove_graph(ds.graph(URIRef(graph_iri("inferred", args.base_iri))))
    return ds


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


def cmd_links(args: argparse.Namespace) -> int:
    """Regenerate (or check) data/links.ttl, or report link coverage."""
    data = args.root / "data"
    entities = load.parse_files([data / "entities.ttl"])
    if args.report:
        return _links_report(args, entities)
    path, fresh = data / link.LINKS_FILE, serialize.graph_bytes(link.link_graph(data, entities), "turtle")
    stale = not path.is_file() or path.read_bytes() != fresh
    if stale and not args.check:
        serialize.write(path, fresh)
    links = load.parse_files([path]) if path.is_file() and not (stale and args.check) else Graph().parse(data=fresh)
    records = len(set(links.subjects(RDF.type, GK.Link)))
    print(f"{records} links; data/{link.LINKS_FILE} " + ("out of date" if args.check and stale else
                                                         "written" if stale else "up to date"))
    return EXIT_INVALID if args.check and stale else EXIT_OK


def _links_report(args: argparse.Namespace, entities: Graph) -> int:
    """Print link coverage per class (text or JSON)."""
    from govkg.link import coverage, reference

    data = args.root / "data"
    rows = reference.read_reference(data / reference.REFERENCE_FILE)
    found = coverage.coverage(entities, load.parse_files([data / link.LINKS_FILE]),
                              load.parse_files((args.root / "ontology").glob("*.ttl")), rows,
                              reference.read_mapping(data / reference.MAPPING_FILE, rows))
    if args.json:
        print(json.dumps({**dataclasses.asdict(found), "total": dataclasses.asdict(found.total)}, indent=2))
    else:
        sys.stdout.write(coverage.text(found))
    return EXIT_OK


def cmd_link(args: argparse.Namespace) -> int:
    """Reconcile unlinked entities against an external SPARQL endpoint; write the candidates for review."""
    from govkg import remote
    from govkg.link import candidates

    profile = candidates.PROFILES[args.profile]
    endpoint, data = args.endpoint or profile.endpoint, args.root / "data"
    found = candidates.entities(load.parse_files([data / "entities.ttl", data / "asserted.ttl"]),
                                load.parse_files([data / link.LINKS_FILE]),
                                load.parse_files((args.root / "ontology").glob("*.ttl")), profile, args.entity)
    cache = candidates.Cache((args.cache or args.root / "build" / "link-cache") / profile.name, args.refresh)
    try:
        proposals = candidates.propose(found, profile, endpoint, cache, remote.Limits(read_timeout=args.timeout),
                                       args.min_score, args.per_entity)
    except remote.RemoteError as error:
        raise CliError(str(error).removeprefix("SERVICE ")) from None
    out = args.out or args.root / "build" / "link-candidates.tsv"
    serialize.write(out, candidates.tsv(proposals, endpoint).encode("utf-8"))
    for c in proposals:
        print(f"{c.row(endpoint)[0]}\t{c.item}\t{c.label}\t{c.score}")
    print(f"{len(found)} entities, {len(proposals)} candidates -> {out}; "
          f"{cache.sent} queries sent, {cache.reused} answered from the cache")
    return EXIT_OK


def serve_config(args: argparse.Namespace) -> dict[str, object]:
    """The app configuration given on the command line (GOVKG_* variables fill in the rest)."""
    config: dict[str, object] = {"ROOT": str(args.root), "BASE_IRI": args.base_iri, "PROJECT": not args.no_project}
    for key, value in [("ENGINE", args.engine), ("QUERY_TIMEOUT", args.timeout),
                       ("DATASET", args.dataset and str(args.dataset)), ("GRAPHS", args.graph or None),
                       ("SERVICE_ALLOWLIST", [] if args.no_federation else args.allow_service)]:
        if value is not None:
            config[key] = value
    return config


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the built dataset (building it first when missing or older than its inputs)."""
    from govkg.web import ConfigError, server  # the web stack loads only for this command

    given = args.dataset or os.environ.get("GOVKG_DATASET")
    if not args.no_project and not given and buildmod.is_stale(args.root, args.root / "build"):
        sys.stderr.write("govkg: building the dataset first (build/ is missing or older than its inputs)\n")
        if cmd_build(argparse.Namespace(root=args.root, base_iri=args.base_iri, out=args.root / "build")):
            return EXIT_INVALID
    config = serve_config(args)
    try:
        app = server.create_app(config)  # also in production: fail here, once, before forking workers
    except ConfigError as error:
        raise CliError(str(error)) from None
    if args.get:
        return _get(app, args.get)
    if args.production:
        server.production(config, args.host, args.port, args.workers, args.threads)
        return EXIT_OK
    sys.stderr.write(f"govkg: SPARQL endpoint at http://{args.host}:{args.port}/sparql\n")
    server.development(app, args.host, args.port)
    return EXIT_OK


def _get(app: Flask, path: str) -> int:
    """Answer one GET in-process (like `datasette --get`): body to stdout, exit 1 on an error status."""
    response = app.test_client().get(path)
    sys.stdout.buffer.write(response.get_data())
    return EXIT_OK if response.status_code < 400 else EXIT_INVALID


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `govkg` console script."""
    args = _parser().parse_args(argv)
    args.root = (args.root or default_root()).resolve()
    if not args.base_iri.endswith(("/", "#")):
        sys.stderr.write("govkg: error: --base-iri must end with '/' or '#'\n")
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except (CliError, *KNOWN_ERRORS) as error:
        sys.stderr.write(f"govkg: error: {' '.join(str(error).split())}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
