"""On-disk stores made from the served files, one per data generation, shared by every process that serves them.

An in-memory store is one copy of the data per process: the server's and each query worker's. Instead, the files
are loaded once (Oxigraph's bulk loader, blank nodes labelled as `files.read_quads` labels them) into a RocksDB
store in a cache folder, under a name that is the files' fingerprint; every process opens it with
`Store.read_only`, so the data lives once, in the page cache. A store is made in a temporary folder and renamed
into place when complete: a reader never sees half a store, and two processes making the same one at once are
harmless (the second rename loses and its copy is dropped). Beside the data: the generation, the named graphs'
sizes (no count at open) and the files it was last made or opened from (exports read them again: see
oxigraph_engine).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from govkg.engine.base import Source, fingerprint
from govkg.engine.errors import EngineError
from govkg.engine.files import read_quads
from govkg.errors import one_line

__all__ = ["KEPT", "ON_DISK", "Made", "graph_sizes", "made_from", "stored"]

KEPT = 8  # stores kept in a cache folder (the newest used); older ones are removed when a new one is made
ON_DISK = ("oxigraph",)  # engine kinds that open a store directory read-only rather than loading it
# Quads per bulk load: one load of a whole 1M-quad file peaks near 1 GB of memory, in 250k chunks near 330 MB.
CHUNK = 250_000
SOURCES, SIZES, GENERATION = "SOURCES.json", "SIZES.json", "GENERATION"


class Made:
    """What a cache store records about itself: the files it holds and its named graphs' sizes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sources = tuple(Source(Path(p), g) for p, g in json.loads((folder / SOURCES).read_text()))
        self.sizes: dict[str, int] = json.loads((folder / SIZES).read_text())


def made_from(sources: Sequence[Source]) -> Made | None:
    """The cache store the sources are, if they are exactly one (a folder written by `stored`), else None; it is
    marked used, so pruning keeps it while workers are still started on it."""
    if len(sources) != 1 or not (sources[0].path / SOURCES).is_file():
        return None
    with contextlib.suppress(OSError):  # a read-only cache is never pruned by this process anyway
        os.utime(sources[0].path)
    return Made(sources[0].path)


def stored(sources: Sequence[Source], base: str, cache: Path) -> Source:
    """The store directory holding the sources' quads, made in `cache` unless it exists (see the module);
    EngineError when it cannot be made."""
    folder = cache / fingerprint(sources)
    if not (folder / SOURCES).is_file():
        try:
            _make(folder, sources, read_quads(sources, base))
        except OSError as error:
            raise EngineError(f"cannot make the on-disk store in {cache}: {one_line(error)}") from None
        _prune(cache)
    elif Made(folder).sources != _resolved(sources):
        with contextlib.suppress(OSError):  # the same bytes at other paths: exports read these now (a read-only
            _record(folder, sources)  # cache keeps the old ones, and an export checks they still hold the bytes)
    os.utime(folder)  # the newest used is kept longest
    return Source(folder)


def _resolved(sources: Sequence[Source]) -> tuple[Source, ...]:
    """The sources with absolute paths, as a store records them."""
    return tuple(Source(s.path.resolve(), s.graph) for s in sources)


def _record(folder: Path, sources: Sequence[Source]) -> None:
    """Write which files a store holds, whole or not at all (a reader never sees half the list)."""
    work = folder / f".{SOURCES}.{os.getpid()}.{time.monotonic_ns()}"
    work.write_text(json.dumps([[str(s.path), s.graph] for s in _resolved(sources)]))
    work.replace(folder / SOURCES)


def _make(folder: Path, sources: Sequence[Source], quads: Iterator[ox.Quad]) -> None:
    """Fill a temporary store, write what it records, and rename it into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = folder.with_name(f".{folder.name}.{os.getpid()}.{time.monotonic_ns()}")
    try:
        store = ox.Store(str(work))
        while chunk := list(itertools.islice(quads, CHUNK)):
            store.bulk_extend(chunk)
        store.flush()
        sizes = graph_sizes(store)
        del store  # closes the database before it is renamed
        (work / GENERATION).write_text(folder.name)
        (work / SIZES).write_text(json.dumps(sizes))
        _record(work, sources)
        _rename(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _rename(work: Path, folder: Path) -> None:
    """Move a complete store into place, unless another process did first (then ours is dropped)."""
    try:
        work.rename(folder)
    except OSError:
        if not (folder / SOURCES).is_file():
            raise


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """The named graphs' triple counts, by IRI, sorted."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(rows, ox.QuerySolutions)
    sizes = {s["g"].value: int(s["n"].value) for s in rows if isinstance(s["g"], ox.NamedNode)}
    return dict(sorted(sizes.items()))


def _prune(cache: Path) -> None:
    """Remove all but the KEPT most recently used stores (a process still reading a removed one keeps its open
    files; it is a store no server has been started on since KEPT others were)."""
    stores = sorted((p for p in cache.iterdir() if (p / SOURCES).is_file()), key=lambda p: p.stat().st_mtime)
    for old in stores[:-KEPT]:
        shutil.rmtree(old, ignore_errors=True)
