"""The `govkg` command: thin sub-commands over extract, ingest, evaluate, build, validate, query, export, links, link,
serve."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from govkg import __version__
from govkg.cli import data, edits, ingest, links, query, remote, serve
from govkg.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, CliError
from govkg.errors import GovkgError, one_line
from govkg.namespaces import DEFAULT_BASE

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "CliError", "default_root", "main"]


def default_root() -> Path:
    """$GOVKG_ROOT, else the current folder if it holds a govkg project, else the source checkout."""
    if os.environ.get("GOVKG_ROOT"):
        return Path(os.environ["GOVKG_ROOT"])
    cwd = Path.cwd()
    if (cwd / "ontology").is_dir() and (cwd / "data").is_dir():
        return cwd
    return Path(__file__).resolve().parents[3]


def _parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="govkg", description="govkg: an open knowledge graph of AI governance.")
    parser.add_argument("--version", action="version", version=f"govkg {__version__}")
    parser.add_argument("--root", type=Path, default=None, help="project folder (default: $GOVKG_ROOT or .)")
    parser.add_argument(
        "--base-iri",
        default=os.environ.get("GOVKG_BASE_IRI", DEFAULT_BASE),
        help=f"base IRI of ontology and data (default: $GOVKG_BASE_IRI or {DEFAULT_BASE})",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (data, ingest, query, links, serve, remote, edits):
        module.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `govkg` console script."""
    args = _parser().parse_args(argv)
    args.root = (args.root or default_root()).resolve()
    if not args.base_iri.endswith(("/", "#")):
        sys.stderr.write("govkg: error: --base-iri must end with '/' or '#'\n")
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except BrokenPipeError:  # the reader went away (`govkg ... | head`): nothing more to say, not a failure
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the interpreter's final flush is quiet
        return EXIT_OK
    except (GovkgError, OSError) as error:  # every error meant for a person; OSError: a file that cannot be read
        sys.stderr.write(f"govkg: error: {one_line(error, 1000)}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
