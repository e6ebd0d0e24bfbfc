"""What the sub-commands share: exit statuses, the CLI's error, the engine and federation options, and the engine
over the built dataset (the same one the server opens)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from govkg import federation
from govkg.engine import DEFAULT, FILE_ENGINES, Engine, Source, open_engine
from govkg.errors import GovkgError

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliError",
    "build_into",
    "dataset_options",
    "engine_options",
    "federation_options",
    "open_project_engine",
    "project_policy",
    "rebuild_if_stale",
]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class CliError(GovkgError):
    """A user error reported as one line with exit status 2."""


def federation_options(p: argparse.ArgumentParser) -> None:
    """--allow-service URL... and --no-federation."""
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--allow-service",
        action="append",
        metavar="URL",
        help="let SERVICE call this endpoint; "
        "repeatable; replaces the default allowlist (Wikidata's and DBpedia's endpoints)",
    )
    group.add_argument("--no-federation", action="store_true", help="refuse every SERVICE")


def engine_options(p: argparse.ArgumentParser) -> None:
    """--engine KIND."""
    p.add_argument(
        "--engine",
        choices=sorted(FILE_ENGINES),
        default=os.environ.get("GOVKG_ENGINE", DEFAULT),
        help=f"query engine (default: $GOVKG_ENGINE or {DEFAULT})",
    )


def dataset_options(p: argparse.ArgumentParser) -> None:
    """--dataset FILE, --no-inferred and --engine."""
    p.add_argument(
        "--dataset",
        type=Path,
        help="built dataset (.nq/.trig; default: build/govkg.nq, built if missing or older than its inputs)",
    )
    p.add_argument("--no-inferred", action="store_true", help="leave out the OWL RL inferred graph")
    engine_options(p)


def project_policy(args: argparse.Namespace) -> federation.Policy:
    """The SERVICE policy the options give (the default allowlist when none is given)."""
    endpoints = [] if getattr(args, "no_federation", False) else getattr(args, "allow_service", None)
    try:
        return federation.policy(federation.DEFAULT_ALLOWLIST if endpoints is None else endpoints)
    except ValueError as error:
        raise CliError(f"--allow-service: {error}") from None


def rebuild_if_stale(args: argparse.Namespace) -> bool:
    """Build the project into build/ when the built dataset is missing or older than its inputs; False if the
    data does not conform (the report is on stderr)."""
    from govkg import build as buildmod  # the build pipeline (pySHACL, owlrl) loads only for the commands using it

    if not buildmod.is_stale(args.root, args.root / "build"):
        return True
    sys.stderr.write("govkg: building the dataset first (build/ is missing or older than its inputs)\n")
    return build_into(args.root, args.base_iri, args.root / "build") == EXIT_OK


def build_into(root: Path, base: str, out: Path, timings: bool = False) -> int:
    """Build the project at `root` into `out`, print a summary (and with `timings`, each stage's time on stderr);
    EXIT_INVALID (report on stderr) if it does not conform."""
    from govkg import build as buildmod

    started, clock = time.perf_counter(), buildmod.Clock()
    result = buildmod.build(root, base, clock)
    paths = buildmod.write(result, out, clock)
    if timings:
        sys.stderr.write("".join(f"govkg: {line}\n" for line in clock.lines()))
    stats = buildmod.statistics(result)
    total = sum(len(g) for g in result.graphs.values())
    print(
        f"built {total} triples in {len(result.graphs)} graphs "
        f"({stats['asserted_facts']} asserted facts, {len(result.graphs['inferred'])} inferred) "
        f"in {time.perf_counter() - started:.1f} s -> {', '.join(str(p) for p in paths)}"
    )
    if not result.report.conforms:
        sys.stderr.write(result.report.text())
        return EXIT_INVALID
    return EXIT_OK


def open_project_engine(args: argparse.Namespace, policy: federation.Policy | None = None) -> Engine:
    """The engine the server would open over --dataset, or over build/govkg.nq (built first if stale)."""
    if args.dataset is not None:
        if not args.dataset.is_file():
            raise CliError(f"{args.dataset}: no such file")
        return open_engine(args.engine, [Source(args.dataset)], args.base_iri, federation=policy)
    if not rebuild_if_stale(args):
        raise CliError("the project's data does not conform to its shapes (see the report above)")
    from govkg import build as buildmod

    path = args.root / "build" / buildmod.DATASET_FILE
    return open_engine(args.engine, [Source(path)], args.base_iri, federation=policy)
