"""Sub-commands over the links to other graphs: links (checked links, coverage) and link (reconciliation)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from govkg import link, load, serialize
from govkg.cli.common import EXIT_INVALID, EXIT_OK, CliError
from govkg.namespaces import GK

__all__ = ["add_parsers", "cmd_link", "cmd_links"]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register links and link."""
    _links_parser(sub)
    _link_parser(sub)


def _links_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("links", help="regenerate data/links.ttl from the checked reference table; report coverage")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--check", action="store_true", help="only check that data/links.ttl is up to date (exit 1 if not)"
    )
    mode.add_argument("--report", action="store_true", help="print link coverage per class and the unlinked entities")
    p.add_argument("--json", action="store_true", help="with --report: print the report as JSON")
    p.set_defaults(func=cmd_links)


def _link_parser(sub: argparse._SubParsersAction) -> None:
    from govkg.link.profiles import PROFILES

    p = sub.add_parser("link", help="propose external items for unlinked entities (reconciliation), for review")
    p.add_argument(
        "--profile", choices=sorted(PROFILES), default="wikidata", help="the external graph's shape (default: wikidata)"
    )
    p.add_argument("--endpoint", help="its SPARQL endpoint (default: the profile's public one)")
    p.add_argument(
        "--entity",
        action="append",
        default=[],
        metavar="SLUG",
        help="reconcile this entity (repeatable; default: every linkable entity without a link)",
    )
    p.add_argument("--out", type=Path, help="the review file to write (default: build/link-candidates.tsv)")
    p.add_argument("--cache", type=Path, help="where answers are kept (default: build/link-cache)")
    p.add_argument("--refresh", action="store_true", help="ask the endpoint again instead of reading the cache")
    p.add_argument("--min-score", type=int, default=50, help="leave out weaker candidates (default: 50 of 100)")
    p.add_argument("--per-entity", type=int, default=3, help="candidates kept per entity (default: 3)")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for each answer (default: 20)")
    p.set_defaults(func=cmd_link)


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
    print(
        f"{records} links; data/{link.LINKS_FILE} "
        + ("out of date" if args.check and stale else "written" if stale else "up to date")
    )
    return EXIT_INVALID if args.check and stale else EXIT_OK


def _links_report(args: argparse.Namespace, entities: Graph) -> int:
    """Print link coverage per class (text or JSON)."""
    from govkg.link import coverage, reference

    data = args.root / "data"
    rows = reference.read_reference(data / reference.REFERENCE_FILE)
    found = coverage.coverage(
        entities,
        load.parse_files([data / link.LINKS_FILE]),
        load.parse_files((args.root / "ontology").glob("*.ttl")),
        rows,
        reference.read_mapping(data / reference.MAPPING_FILE, rows),
    )
    if args.json:
        print(json.dumps({**dataclasses.asdict(found), "total": dataclasses.asdict(found.total)}, indent=2))
    else:
        sys.stdout.write(coverage.text(found))
    return EXIT_OK


def cmd_link(args: argparse.Namespace) -> int:
    """Reconcile unlinked entities against an external SPARQL endpoint; write the candidates for review."""
    from govkg import federation
    from govkg.link import candidates, profiles

    profile = profiles.PROFILES[args.profile]
    endpoint, data = args.endpoint or profile.endpoint, args.root / "data"
    found = candidates.entities(
        load.parse_files([data / "entities.ttl", data / "asserted.ttl"]),
        load.parse_files([data / link.LINKS_FILE]),
        load.parse_files((args.root / "ontology").glob("*.ttl")),
        profile,
        args.entity,
    )
    cache = candidates.Cache((args.cache or args.root / "build" / "link-cache") / profile.name, args.refresh)
    try:
        proposals = candidates.propose(
            found,
            profile,
            endpoint,
            cache,
            federation.Limits(read_timeout=args.timeout),
            args.min_score,
            args.per_entity,
        )
    except federation.RemoteError as error:
        raise CliError(str(error).removeprefix("SERVICE ")) from None
    out = args.out or args.root / "build" / "link-candidates.tsv"
    serialize.write(out, candidates.tsv(proposals, endpoint).encode("utf-8"))
    for c in proposals:
        print(f"{c.row(endpoint)[0]}\t{c.item}\t{c.label}\t{c.score}")
    print(
        f"{len(found)} entities, {len(proposals)} candidates -> {out}; "
        f"{cache.sent} queries sent, {cache.reused} answered from the cache"
    )
    return EXIT_OK
