"""What the sub-commands share: exit statuses, the one-line error, dataset and federation options."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import Dataset, URIRef

from govkg import build as buildmod
from govkg import formats, load
from govkg.load import LoadError
from govkg.namespaces import graph_iri

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A user error reported as one line with exit status 2."""


def federation_options(p: argparse.ArgumentParser) -> None:
    """--allow-service URL... and --no-federation."""
    group = p.add_mutually_exclusive_group()
    group.add_argument("--allow-service", action="append", metavar="URL", help="let SERVICE call this endpoint; "
                       "repeatable; replaces the default allowlist (Wikidata's and DBpedia's endpoints)")
    group.add_argument("--no-federation", action="store_true", help="refuse every SERVICE")


def dataset_options(p: argparse.ArgumentParser) -> None:
    """--dataset FILE and --no-inferred."""
    p.add_argument("--dataset", type=Path, help="built dataset (.nq/.trig; default: build/govkg.nq, else build now)")
    p.add_argument("--no-inferred", action="store_true", help="leave out the OWL RL inferred graph")


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
