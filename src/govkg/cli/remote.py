"""The push sub-command: upload the built dataset to a SPARQL 1.1 store that `govkg serve --store URL` then serves."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from govkg.cli.common import EXIT_OK, CliError, rebuild_if_stale
from govkg.engine import Source
from govkg.engine.push import push

__all__ = ["add_parsers", "cmd_push"]

PASSWORD = "GOVKG_PUSH_PASSWORD"


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register push."""
    p = sub.add_parser("push", help="upload the built dataset to a SPARQL 1.1 store, named graphs kept")
    p.add_argument("url", help="the store's SPARQL query endpoint (e.g. http://127.0.0.1:7878/query)")
    p.add_argument("--dataset", type=Path, help="the dataset to push (default: build/govkg.nq, built if stale)")
    p.add_argument(
        "--graph-store",
        metavar="URL",
        help="the store's Graph Store Protocol endpoint: one PUT per graph (default: Oxigraph's bulk /store route)",
    )
    p.add_argument("--user", help=f"the user to log in as (password: ${PASSWORD} or --password-file)")
    p.add_argument("--password-file", type=Path, help="a file holding the password (never on the command line)")
    p.set_defaults(func=cmd_push)


def cmd_push(args: argparse.Namespace) -> int:
    """Push, then print each graph's size as the store holds it."""
    from govkg import build as buildmod  # the build pipeline loads only when the project's dataset is pushed

    if args.dataset is None and not rebuild_if_stale(args):
        raise CliError("the project's data does not conform to its shapes (see the report above)")
    path = args.dataset or args.root / "build" / buildmod.DATASET_FILE
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    sizes = push(args.url, [Source(path)], args.base_iri, args.graph_store, _credentials(args))
    for graph, size in sizes.items():
        print(f"{size:>9} {graph}")
    print(f"pushed {sum(sizes.values())} triples in {len(sizes)} graphs to {args.url}")
    return EXIT_OK


def _credentials(args: argparse.Namespace) -> tuple[str, str] | None:
    """The user and password, or None without --user; CliError when a user has no password."""
    if args.user is None:
        return None
    if args.password_file is not None:
        return args.user, args.password_file.read_text(encoding="utf-8").strip()
    if os.environ.get(PASSWORD) is None:
        raise CliError(f"--user needs a password: set {PASSWORD} or give --password-file")
    return args.user, os.environ[PASSWORD]
