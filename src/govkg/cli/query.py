"""The query and export sub-commands: the same engine the server opens, so the command line and HTTP give the same
answers (and the same bytes, format for format) by construction."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from rdflib.term import Node

from govkg import formats, serialize
from govkg.cli.common import EXIT_OK, CliError, dataset_options, federation_options, open_project_engine, project_policy
from govkg.engine import FORMS, Engine, Selection, guard
from govkg.namespaces import graph_iri

__all__ = ["add_parsers", "cmd_export", "cmd_query", "read_query", "table"]

TABLE = "table"  # the command line's own format for SELECT and ASK: a plain-text table
DEFAULTS = {"results": TABLE, "graph": "turtle"}  # by kind of answer


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register query and export."""
    p = sub.add_parser("query", help="run a SPARQL query (a string, or @file.rq)")
    p.add_argument("query", help="the query text, or @path/to/file.rq")
    p.add_argument(
        "--format",
        help="table (default), json, xml, csv, tsv (SELECT/ASK); turtle (default), "
        "json-ld, nt, rdfxml, trig, nquads (CONSTRUCT/DESCRIBE)",
    )
    dataset_options(p)
    federation_options(p)
    p.set_defaults(func=cmd_query)
    p = sub.add_parser("export", help="export the dataset or some of its graphs")
    p.add_argument("--format", help="turtle, json-ld, nt, rdfxml, trig, nquads (default: the suffix of -o, else trig)")
    p.add_argument(
        "--graph",
        action="append",
        default=[],
        help="a graph name (asserted, inferred, entities, "
        "ontology, disagreements, links, source/<file stem>) or IRI; repeatable",
    )
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    dataset_options(p)
    p.set_defaults(func=cmd_export)


def read_query(text: str) -> str:
    """The query text, or the content of a file when `text` is '@path'."""
    if not text.startswith("@"):
        return text
    path = Path(text[1:])
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read query file {path}: {error.__class__.__name__}") from None


def cmd_query(args: argparse.Namespace) -> int:
    """Run one query and print its answer."""
    text, policy = read_query(args.query), project_policy(args)
    if args.format not in (None, TABLE) and not any(args.format.lower() in formats.SHORT_NAMES[k] for k in DEFAULTS):
        formats.get(args.format)  # a bad name fails before anything is loaded
    guard.check(text)  # the server's limits: no LOAD, and no nesting deep enough to overflow an engine's stack
    engine = open_project_engine(args, policy)
    answer = engine.evaluate(text, Selection(infer=not args.no_inferred))
    kind = FORMS[answer.form]
    name = args.format or DEFAULTS[kind]
    if name == TABLE and kind == "results":
        sys.stdout.write(table(*engine.rows(answer, sys.maxsize)))
        return EXIT_OK
    engine.write(answer, formats.for_answer(name, kind), sys.stdout.buffer)  # the names HTTP's format= takes
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Export the dataset, or the union of some graphs, in one format."""
    fmt = formats.get(args.format or _suffix_format(args.output), ("graph", "dataset"))
    if args.output and not args.output.parent.is_dir():
        raise CliError(f"{args.output.parent}: no such folder")
    engine = open_project_engine(args)
    out = io.BytesIO()
    engine.export(_graphs(engine, args), fmt, out)
    if args.output:
        serialize.write(args.output, out.getvalue())
    else:
        sys.stdout.buffer.write(out.getvalue())
    return EXIT_OK


def _suffix_format(output: Path | None) -> str:
    """The format an output file's suffix names, else TriG."""
    try:
        return formats.by_suffix(output.suffix).name if output else "trig"
    except formats.FormatError:
        return "trig"


def _graphs(engine: Engine, args: argparse.Namespace) -> list[str] | None:
    """The graphs --graph names (IRIs or short names), all but the inferred one with --no-inferred, else None."""
    names = [g if ":" in g else graph_iri(g, args.base_iri) for g in args.graph]
    if args.no_inferred:
        names = [g for g in names or engine.graphs() if g != graph_iri("inferred", args.base_iri)]
    return names or None


def table(names: list[str], rows: list[list[Node | None]]) -> str:
    """A plain-text table of a SELECT answer (or 'true'/'false' for ASK)."""
    if names == ["boolean"]:
        return f"{str(rows[0][0]).lower()}\n"
    text = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max([len(n), *(len(r[i]) for r in text)]) for i, n in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in text]
    return "\n".join(lines) + f"\n({len(rows)} rows)\n"
