"""What the engines over source files share: one reader of the files, the base IRI, the SERVICE policy, the prefixes
predeclared in queries, the generation (a fingerprint of the files) and the named graphs' sizes.

Both engines load the files through `read_quads`, Oxigraph's parser: literals keep their lexical form (rdflib's
parser would turn `"05"^^xsd:integer` into `5`) and blank nodes keep their labels, prefixed by the file's place, so
the engines agree on every term: an answer or a page built from both (the Oxigraph engine sends SERVICE queries to
the rdflib engine) never mixes two names for one blank node.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import pyoxigraph as ox

from govkg import jsonld, serialize
from govkg.engine import entities
from govkg.engine.base import Source, fingerprint
from govkg.engine.errors import EngineError
from govkg.errors import GovkgError, one_line
from govkg.namespaces import PREFIXES, graph_iri, rebase_iri

if TYPE_CHECKING:
    from govkg.federation import Policy
    from govkg.formats import Format

__all__ = ["FileEngine", "read_quads"]

# What reading a file may raise: GovkgError for a refused JSON-LD context; EOFError and zlib.error for a damaged .gz;
# RecursionError for JSON nested too deep to read.
UNREADABLE = (SyntaxError, OSError, ValueError, EOFError, zlib.error, GovkgError, RecursionError)
# The largest JSON-LD document read (decompressed): it is read whole, so a small .jsonld.gz must not fill the memory.
JSON_LD_BYTES = 256 * 1024 * 1024


class DataChanged(GovkgError):
    """A served file changed after it was loaded: an export of it now would not be the data served (a 500)."""


class FileEngine:
    """The shared part of an engine loaded from files, whose data never changes while it is served. A subclass
    loads the files and then sets `_sizes` (named graph IRI → triple count, sorted)."""

    kind: str

    def __init__(self, sources: Iterable[Source], base: str, policy: Policy | None = None) -> None:
        self.sources, self.base, self.policy = tuple(sources), base, policy
        self._prefixes = {p: rebase_iri(iri, base) for p, iri in PREFIXES.items()}
        self._inferred = graph_iri("inferred", base)
        self._generation = fingerprint(self.sources)
        self._sizes: dict[str, int] = {}

    @property
    def generation(self) -> str:
        """The SHA-256 of the loaded files."""
        return self._generation

    @property
    def federates(self) -> bool:
        """Whether SERVICE may call the policy's endpoints."""
        return bool(self.policy and self.policy.allowlist)

    def graphs(self) -> dict[str, int]:
        """The stored named graphs and their sizes, sorted by IRI."""
        return dict(self._sizes)

    def _reread(self, files: Sequence[Source], graphs: Sequence[str] | None, fmt: Format, out: IO[bytes]) -> None:
        """Export the graphs as loaded, read again from `files`: all of them, the default graph's own triples
        included, when `graphs` is None."""
        chosen: set[str | None] = set(self._chosen(graphs)) | ({None} if graphs is None else set())
        self._unchanged(files)
        quads = (q for q in read_quads(files, self.base) if getattr(q.graph_name, "value", None) in chosen)
        out.write(serialize.quads_bytes(quads, fmt.name, self.base))

    def _unchanged(self, files: Sequence[Source]) -> None:
        """DataChanged unless `files` hold the bytes loaded: those of the generation, or for a store made from them
        (engine.disk), the generation it records (a change in the moment between this and the export goes unseen)."""
        store = self.sources[0].path if tuple(files) != self.sources else None
        loaded = (store / "GENERATION").read_text() if store is not None else self._generation
        try:
            same = fingerprint(files) == loaded
        except OSError:
            same = False  # removed or unreadable now
        if not same:
            names = ", ".join(str(f.path) for f in files)
            raise DataChanged(f"{names} changed after the server loaded them; restart the server to serve them")

    def _chosen(self, graphs: Sequence[str] | None) -> list[str]:
        """The graphs to export: all when None; EngineError naming the first one not stored."""
        for name in graphs or ():
            if name not in self._sizes:
                raise EngineError(f"unknown graph {name}")
        return list(self._sizes) if graphs is None else list(graphs)


def read_quads(sources: Sequence[Source], base: str) -> Iterator[ox.Quad]:
    """The quads of the files exactly as written; a triples file's in its named graph if it is given one, else in the
    default graph (as `oxigraph load` puts them); EngineError naming a file that cannot be read."""
    for place, source in enumerate(sources):
        try:
            yield from _placed(place, source, base)
        except UNREADABLE as error:
            raise EngineError(f"{source.path}: {one_line(error)}") from None


GZIP_MAGIC = b"\x1f\x8b"  # RFC 1952 §2.3.1
KNOWN = ", ".join(f".{e}" for e in ("nt", "nq", "ttl", "trig", "rdf", "xml", "jsonld", "n3"))


def _rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, from its suffix (before `.gz`); EngineError for a suffix no parser reads."""
    suffix = (path.with_suffix("") if path.suffix == ".gz" else path).suffix
    fmt = ox.RdfFormat.from_extension(suffix.lstrip("."))
    if fmt is None:
        raise EngineError(f"unknown RDF file suffix {suffix or '(none)'!r} (expected {KNOWN}, or one + .gz)")
    return fmt


def _opened(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed as they are read when it is named `.gz`; EngineError when such a file is not
    gzip (it would fail later, with a message about compression in the middle of a parse error)."""
    if path.suffix != ".gz":
        return path.open("rb")
    with path.open("rb") as raw:
        if raw.read(2) != GZIP_MAGIC:
            raise EngineError("not a gzip file (its name ends in .gz)")
    return cast(IO[bytes], gzip.open(path, "rb"))  # a GzipFile: a binary file object


def _placed(place: int, source: Source, base: str) -> Iterator[ox.Quad]:
    """One file's quads (or an on-disk store's, for a directory), its blank nodes labelled `s<place>-<label>`
    (two files' `_:b0` are two nodes)."""
    graph = ox.NamedNode(source.graph) if source.graph else None
    prefix = f"s{place}-"
    for quad in _parsed(source, base):
        if graph is None and not _blank(quad):
            yield quad  # most quads: kept as parsed (making a new one per quad tripled the time to load a file)
            continue
        yield ox.Quad(
            _label(quad.subject, prefix),
            quad.predicate,
            _label(quad.object, prefix),
            graph or _label(quad.graph_name, prefix),
        )


def _parsed(source: Source, base: str) -> Iterator[ox.Quad]:
    """The quads of a file as written, or of a store directory (a snapshot of a writable store) as stored."""
    if source.path.is_dir():
        yield from ox.Store.read_only(str(source.path))
        return
    fmt = _rdf_format(source.path)
    if fmt == ox.RdfFormat.RDF_XML:
        entities.check(lambda: _opened(source.path))
    if source.path.suffix == ".gz" or fmt == ox.RdfFormat.JSON_LD:
        with _opened(source.path) as stream:
            yield from ox.parse(_input(stream, fmt, base), format=fmt, rename_blank_nodes=False)
        return
    yield from ox.parse(format=fmt, path=str(source.path), rename_blank_nodes=False)  # read by Oxigraph itself


def _input(stream: IO[bytes], fmt: ox.RdfFormat, base: str) -> IO[bytes] | bytes:
    """What the parser reads: the stream, or a JSON-LD document with govkg's own context inlined (any other remote
    context is refused)."""
    return jsonld.bundle(_whole(stream, JSON_LD_BYTES), base) if fmt == ox.RdfFormat.JSON_LD else stream


def _whole(stream: IO[bytes], limit: int) -> bytes:
    """All of a stream up to `limit` bytes; EngineError past it (never more than limit + 1 bytes are read)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise EngineError(f"a JSON-LD document over {limit:,} bytes (uncompressed): serve it as N-Triples or N-Quads")
    return data


def _blank(quad: ox.Quad) -> bool:
    """Whether a quad has a blank node as its subject, object or graph name."""
    return (
        type(quad.subject) is ox.BlankNode or type(quad.object) is ox.BlankNode or type(quad.graph_name) is ox.BlankNode
    )


def _label(term: Any, prefix: str) -> Any:
    """A blank node with its label prefixed; any other term as it is."""
    return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term
