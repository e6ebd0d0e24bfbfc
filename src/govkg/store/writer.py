"""The writer: one worker process (govkg.engine.workers) that owns the durable store and applies changes, so the
seconds a change's checks take (SHACL, OWL RL) never hold the server's interpreter, and a change past its deadline
is stopped like a query (the store's transactions make that safe: the change is whole or absent)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph
from rdflib.namespace import RDFS

from govkg import load
from govkg.engine.base import Source
from govkg.store.checks import shapes_check
from govkg.store.durable import Check, DurableStore, Infer, Receipt
from govkg.store.errors import StoreError
from govkg.store.infer import owl_rl

if TYPE_CHECKING:
    from govkg.engine.deadline import Deadline

__all__ = ["KEPT_SNAPSHOTS", "Writer", "WriterSpec", "apply", "snapshot"]

KEPT_SNAPSHOTS = 4  # snapshots kept on disk (the newest is served; a worker still reading an older one is fine)


@dataclass(frozen=True)
class WriterSpec:
    """How the writer process opens the store (picklable): its folder, the seed, the project root (shapes and
    ontology), and whether it is a project's store (editors' graphs only, inferences kept up to date)."""

    path: Path
    base: str
    seed: tuple[Source, ...]
    root: Path
    project: bool

    def open(self) -> Writer:
        """Open the store and load what every change is checked with."""
        ontology = load.parse_files(sorted((self.root / "ontology").glob("*.ttl")), self.base)
        shapes = load.shapes_graph(self.root, self.base)
        if not len(shapes) or not len(ontology):
            raise StoreError(f"no shapes or ontology under {self.root}: every write is checked with them (ROOT)")
        check = shapes_check(shapes, hierarchy(ontology), self.base)
        infer = owl_rl(ontology, self.base) if self.project else None
        store = DurableStore(self.path, self.base, self.seed, protect=self.project)
        return Writer(store, check, infer)


@dataclass
class Writer:
    """The open store and its checks (lives in the writer process)."""

    store: DurableStore
    check: Check
    infer: Infer | None

    def close(self) -> None:
        """Release the store."""
        self.store.close()


def hierarchy(ontology: Graph) -> Graph:
    """The class and property hierarchy: what the shapes' targets and class checks read (labels and definitions
    would only slow every check)."""
    found = Graph()
    for predicate in (RDFS.subClassOf, RDFS.subPropertyOf):
        for triple in ontology.triples((None, predicate, None)):
            found.add(triple)
    return found


def apply(writer: Writer, deadline: Deadline, update: str, editor: str) -> tuple[Receipt, Path]:
    """Apply a change (DurableStore.apply) and snapshot the result: the receipt and the snapshot's folder."""
    receipt = writer.store.apply(update, editor, writer.check, writer.infer)
    return receipt, snapshot(writer, deadline)


def snapshot(writer: Writer, deadline: Deadline) -> Path:
    """A snapshot of the store as it is now (for the query workers), the oldest ones pruned."""
    store = writer.store
    folder = store.path / "snapshots" / f"{store.number:08d}"
    folder.parent.mkdir(exist_ok=True)
    if folder.exists():
        shutil.rmtree(folder)
    store.snapshot(folder)
    for old in sorted(folder.parent.iterdir())[:-KEPT_SNAPSHOTS]:
        shutil.rmtree(old, ignore_errors=True)
    return folder
