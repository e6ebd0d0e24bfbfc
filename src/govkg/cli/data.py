"""Sub-commands over the project's data: extract, build, validate."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govkg import load, serialize
from govkg.cli.common import EXIT_INVALID, EXIT_OK, build_into

__all__ = ["add_parsers", "cmd_build", "cmd_extract", "cmd_validate"]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register extract, build and validate."""
    for add in (_extract_parser, _build_parser, _validate_parser):
        add(sub)


def _extract_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="regenerate data/ claims from data/sources and data/annotations")
    p.add_argument("--check", action="store_true", help="only check that data/ is up to date (exit 1 if not)")
    p.set_defaults(func=cmd_extract)


def _build_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="load, reason, validate and write the dataset")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: build/ in the project folder)")
    p.add_argument("--timings", action="store_true", help="print each stage's CPU and wall-clock time on stderr")
    p.set_defaults(func=cmd_build)


def _validate_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check the data (or given RDF files) against the SHACL shapes")
    p.add_argument("files", nargs="*", type=Path, help="RDF files to validate instead of the project data")
    p.set_defaults(func=cmd_validate)


def cmd_extract(args: argparse.Namespace) -> int:
    """Regenerate (or check) the claim files under data/."""
    from govkg.extract import extract  # heavy modules load only for the command that needs them

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
    print(
        f"{len(result.claims)} claims from {len(result.sources)} documents; {len(stale)} files {verb}"
        + (": " + ", ".join(stale) if stale else "")
    )
    return EXIT_INVALID if args.check and stale else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    """Build, write and report."""
    return build_into(args.root, args.base_iri, args.out or args.root / "build", timings=args.timings)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate the project data, or the given files with the project's ontology."""
    from govkg import build as buildmod
    from govkg.validate import validate

    if args.files:
        data = load.parse_files(args.files, args.base_iri)
        data += load.parse_files((args.root / "ontology").glob("*.ttl"), args.base_iri)
        report = validate(data, load.shapes_graph(args.root, args.base_iri))
    else:
        report = buildmod.check(args.root, args.base_iri)
    (sys.stdout if report.conforms else sys.stderr).write(report.text())
    return EXIT_OK if report.conforms else EXIT_INVALID
