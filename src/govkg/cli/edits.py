"""The pull sub-command: a writable store's editors' graphs into data/edits.trig, which the build loads."""

from __future__ import annotations

import argparse
from pathlib import Path

from govkg.cli.common import EXIT_OK, CliError
from govkg.load import EDITS_FILE
from govkg.store import StoreError
from govkg.store.pull import editors_trig

__all__ = ["add_parsers", "cmd_pull"]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register pull."""
    p = sub.add_parser("pull", help="write a writable store's editors' graphs to data/edits.trig (for git)")
    p.add_argument("--store", type=Path, required=True, help="the --store folder of a writable server")
    p.add_argument("-o", "--out", type=Path, help=f"default: data/{EDITS_FILE} under the project root")
    p.set_defaults(func=cmd_pull)


def cmd_pull(args: argparse.Namespace) -> int:
    """Write the TriG (canonical: the same store gives the same bytes)."""
    out = args.out or args.root / "data" / EDITS_FILE
    try:
        data = editors_trig(args.store, args.base_iri)
    except StoreError as error:
        raise CliError(str(error)) from None
    out.write_bytes(data)
    lines = data.count(b"\n")
    print(f"govkg: wrote {out} ({lines} lines)")
    return EXIT_OK
